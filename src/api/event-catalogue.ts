/**
 * The catalogue of event types, sorted by `type`. Emitters record one of these as an AppEvent's
 * `spec.type`, and Notifiers select them in `spec.events`. `displayName` and `description` are
 * written for people reading a notification or the API reference.
 */
export const eventCatalogue = [
  {
    type: 'addon_db_upgraded',
    displayName: 'Addon database upgraded',
    description: 'A database addon was upgraded',
  },
  { type: 'addon_deleted', displayName: 'Addon deleted', description: 'An addon was deleted' },
  {
    type: 'addon_plan_changed',
    displayName: 'Addon plan changed',
    description: 'An addon plan was changed',
  },
  {
    type: 'addon_provisioned',
    displayName: 'Addon provisioned',
    description: 'An addon was provisioned',
  },
  { type: 'addon_resumed', displayName: 'Addon resumed', description: 'An addon was resumed' },
  {
    type: 'addon_suspended',
    displayName: 'Addon suspended',
    description: 'An addon was suspended',
  },
  { type: 'addon_updated', displayName: 'Addon updated', description: 'An addon has been updated' },
  { type: 'alert_added', displayName: 'Alert added', description: 'An alert has been configured' },
  { type: 'alert_deleted', displayName: 'Alert deleted', description: 'An alert has been deleted' },
  {
    type: 'app_alert_triggered',
    displayName: 'Alert triggered',
    description: 'An alert was triggered',
  },
  {
    type: 'app_command_ran',
    displayName: 'App command ran',
    description: 'A command was run in an app',
  },
  {
    type: 'app_crashed',
    displayName: 'App crashed',
    description: 'An app crashed; sent only on the 2nd, 5th and 12th crash in a row',
  },
  {
    type: 'app_crashed_repeated',
    displayName: 'App crashed repeated',
    description: 'An app crashed; sent on every crash',
  },
  { type: 'app_deleted', displayName: 'App deleted', description: 'An app was deleted' },
  { type: 'app_deployed', displayName: 'App deployed', description: 'An app was deployed' },
  {
    type: 'app_edited',
    displayName: 'App edited',
    description: 'Application settings have been edited',
  },
  {
    type: 'app_project_updated',
    displayName: 'App project updated',
    description: 'An app was moved to another project',
  },
  {
    type: 'app_region_migration_started',
    displayName: 'Region migration started',
    description: 'An app is being migrated to another region',
  },
  { type: 'app_renamed', displayName: 'App renamed', description: 'An app was renamed' },
  { type: 'app_restarted', displayName: 'App restarted', description: 'An app was restarted' },
  { type: 'app_scaled', displayName: 'App scaled', description: 'An app was scaled' },
  { type: 'app_stopped', displayName: 'App stopped', description: 'An app was stopped' },
  {
    type: 'app_transferred',
    displayName: 'App transferred',
    description: 'An app was transferred',
  },
  {
    type: 'collaborator_accepted',
    displayName: 'Collaborator accepted',
    description: 'A collaborator invitation was accepted',
  },
  {
    type: 'collaborator_invited',
    displayName: 'Collaborator invited',
    description: 'A collaborator was invited',
  },
  {
    type: 'collaborator_removed',
    displayName: 'Collaborator removed',
    description: 'A collaborator was removed',
  },
  {
    type: 'collaborator_role_changed',
    displayName: 'Collaborator role changed',
    description: 'A collaborator role was changed',
  },
  {
    type: 'database_backup_failed',
    displayName: 'Database backup failed',
    description: 'A database backup has failed',
  },
  {
    type: 'database_backup_succeeded',
    displayName: 'Database backup succeeded',
    description: 'A database backup has succeeded',
  },
  {
    type: 'database_maintenance_completed',
    displayName: 'Addon maintenance completed',
    description: 'A maintenance has been completed successfully on your addon',
  },
  {
    type: 'database_maintenance_planned',
    displayName: 'Addon maintenance planned',
    description: 'A maintenance is planned on your addon',
  },
  {
    type: 'database_maintenance_started',
    displayName: 'Addon maintenance started',
    description: 'A maintenance has started on your addon',
  },
  { type: 'domain_added', displayName: 'Domain added', description: 'A domain was added' },
  { type: 'domain_edited', displayName: 'Domain edited', description: 'A domain was edited' },
  { type: 'domain_removed', displayName: 'Domain removed', description: 'A domain was removed' },
  {
    type: 'github_link',
    displayName: 'GitHub link',
    description: 'A GitHub repository was linked to an app',
  },
  {
    type: 'github_unlink',
    displayName: 'GitHub unlink',
    description: 'A GitHub repository was unlinked from an app',
  },
  { type: 'notifier_added', displayName: 'Notifier added', description: 'A notifier was added' },
  { type: 'notifier_edited', displayName: 'Notifier edited', description: 'A notifier was edited' },
  {
    type: 'notifier_removed',
    displayName: 'Notifier removed',
    description: 'A notifier was removed',
  },
  {
    type: 'project_created',
    displayName: 'Project created',
    description: 'A project has been created',
  },
  {
    type: 'project_deleted',
    displayName: 'Project deleted',
    description: 'A project has been deleted',
  },
  { type: 'project_edited', displayName: 'Project edited', description: 'A project was edited' },
  { type: 'variable_added', displayName: 'Variable added', description: 'A variable was added' },
  {
    type: 'variable_bulk_edited',
    displayName: 'Variables bulk edited',
    description: 'Several variables were edited at once',
  },
  { type: 'variable_edited', displayName: 'Variable edited', description: 'A variable was edited' },
  {
    type: 'variable_removed',
    displayName: 'Variable removed',
    description: 'A variable was removed',
  },
] as const;
