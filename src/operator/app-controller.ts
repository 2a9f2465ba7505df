import { isDeepStrictEqual } from 'node:util';
import type { CustomObjectsApi, KubernetesObject } from '@kubernetes/client-node';
import { defaultNotifierName, parseApp, type App, type AppStatus } from '../api/app.ts';
import { apiVersion, appNames, group, notifierNames, version } from '../api/group.ts';
import type { NotifierSpecInput } from '../api/notifier.ts';
import type { Clock } from '../util/clock.ts';
import type { Logger } from '../util/log.ts';
import type { Announcer } from './announcer.ts';
import { conditionMatches, setCondition, type ConditionValue } from './conditions.ts';
import { apiStatusCode, describeApiError } from './kube.ts';
import type { ObjectWithStatus, StatusWriter } from './status-writer.ts';

/** Label on the default notifiers the operator creates. */
export const defaultNotifierLabel = 'herald.dev/default-notifier';

/** Condition type on an App: whether its default notifier exists as the App requests. */
export const defaultNotifierCondition = 'DefaultNotifierReady';

type AnnouncedCollaborator = NonNullable<AppStatus['announcedCollaborators']>[number];

type CollaboratorEventType =
  | 'collaborator_invited'
  | 'collaborator_accepted'
  | 'collaborator_removed'
  | 'collaborator_role_changed';

type StoredObject = KubernetesObject & { metadata?: { ownerReferences?: { uid?: string }[] } };

export interface AppControllerOptions {
  api: CustomObjectsApi;
  statusWriter: StatusWriter<AppStatus>;
  /** The Notifier of that name as the informer last saw it. */
  notifier: (namespace: string, name: string) => StoredObject | undefined;
  /** Records collaborator changes as AppEvents. */
  announcer: Announcer;
  /** Called when an App changes, so notifiers re-check their email recipients. */
  onAppChanged: (namespace: string, app: string) => void;
  clock: Clock;
  logger: Logger;
}

/**
 * Keeps each App's default notifier: an email notifier named `<app>-default`, owned by the App,
 * sending the critical event types to the owner. It is created once and never rewritten, so users
 * may edit it; while the App requests one, a deleted default notifier is created again.
 */
export class AppController {
  private readonly options: AppControllerOptions;
  private readonly apps = new Map<string, App>();
  private readonly reconciling = new Set<string>();
  private readonly reconcileAgain = new Set<string>();

  constructor(options: AppControllerOptions) {
    this.options = options;
  }

  /** Returns the parsed App of an app name, for email recipients. */
  get(namespace: string, app: string): App | undefined {
    return this.apps.get(`${namespace}/${app}`);
  }

  /** Handles an added or changed App. */
  upsert(object: ObjectWithStatus<AppStatus>): void {
    this.options.statusWriter.observe(object);
    const key = `${object.metadata?.namespace}/${object.metadata?.name}`;
    const parsed = parseApp(object);
    if (!parsed.ok) {
      this.apps.delete(key);
      this.options.logger.warn(
        {
          namespace: object.metadata?.namespace,
          app: object.metadata?.name,
          problem: parsed.message,
        },
        'app spec is invalid; its owner and collaborators are not used until fixed',
      );
      void this.writeStatus(object, {
        type: defaultNotifierCondition,
        status: 'False',
        reason: 'InvalidSpec',
        message: parsed.message,
      });
      return;
    }
    this.apps.set(key, parsed.app);
    this.options.onAppChanged(parsed.app.metadata.namespace, parsed.app.metadata.name);
    void this.reconcile(parsed.app);
  }

  /** Handles a deleted App; its default notifier goes by garbage collection. */
  remove(object: ObjectWithStatus<AppStatus>): void {
    const namespace = object.metadata?.namespace ?? '';
    const name = object.metadata?.name ?? '';
    this.apps.delete(`${namespace}/${name}`);
    this.options.statusWriter.forget(namespace, name);
    this.options.onAppChanged(namespace, name);
  }

  /** Recreates a default notifier that was deleted while its App still requests one. */
  notifierRemoved(namespace: string, name: string): void {
    for (const app of this.apps.values()) {
      const sameName = defaultNotifierName(app.metadata.name) === name;
      if (sameName && app.metadata.namespace === namespace) void this.reconcile(app);
    }
  }

  /** Reconciles every App again, for the periodic resync. */
  async resync(): Promise<void> {
    await Promise.all([...this.apps.values()].map((app) => this.reconcile(app)));
  }

  private async reconcile(app: App): Promise<void> {
    const key = `${app.metadata.namespace}/${app.metadata.name}`;
    if (this.reconciling.has(key)) {
      // The change is handled once the reconcile under way ends, from the newest copy.
      this.reconcileAgain.add(key);
      return;
    }
    this.reconciling.add(key);
    try {
      const condition = await this.ensureDefaultNotifier(app);
      const announced = await this.announceCollaborators(app);
      await this.writeStatus(app, condition, announced);
    } catch (error) {
      this.options.logger.error(
        {
          namespace: app.metadata.namespace,
          app: app.metadata.name,
          error: describeApiError(error),
        },
        'reconciling the default notifier failed; retrying on the next resync',
      );
    } finally {
      this.reconciling.delete(key);
      const newest = this.apps.get(key);
      if (this.reconcileAgain.delete(key) && newest) void this.reconcile(newest);
    }
  }

  private async ensureDefaultNotifier(app: App): Promise<ConditionValue> {
    const { namespace, name: appName, uid } = app.metadata;
    const name = defaultNotifierName(appName);
    const existing = this.options.notifier(namespace, name);
    const owned = existing?.metadata?.ownerReferences?.some((owner) => owner.uid === uid) ?? false;
    const condition = {
      type: defaultNotifierCondition,
      observedGeneration: app.metadata.generation,
    };

    if (!app.spec.defaultNotifier) {
      if (existing && owned) await this.deleteNotifier(namespace, name);
      return {
        ...condition,
        status: 'True',
        reason: 'OptedOut',
        message: 'spec.defaultNotifier is false',
      };
    }
    if (existing && !owned) {
      return {
        ...condition,
        status: 'False',
        reason: 'NameTaken',
        message: `Notifier "${name}" exists and does not belong to this App; rename that Notifier, or set spec.defaultNotifier to false`,
      };
    }
    if (!existing) await this.createDefaultNotifier(app, name);
    return {
      ...condition,
      status: 'True',
      reason: 'Created',
      message: `default notifier is ${name}`,
    };
  }

  private async createDefaultNotifier(app: App, name: string): Promise<void> {
    const spec: NotifierSpecInput = {
      app: app.metadata.name,
      platform: 'email',
      events: { selection: 'critical' },
      email: { owner: true },
    };
    const body = {
      apiVersion,
      kind: notifierNames.kind,
      metadata: {
        name,
        namespace: app.metadata.namespace,
        labels: { [defaultNotifierLabel]: 'true' },
        ownerReferences: [
          {
            apiVersion,
            kind: appNames.kind,
            name: app.metadata.name,
            uid: app.metadata.uid,
            controller: true,
          },
        ],
      },
      spec,
    };
    try {
      await this.options.api.createNamespacedCustomObject({
        group,
        version,
        plural: notifierNames.plural,
        namespace: app.metadata.namespace,
        body,
      });
      this.options.logger.info(
        { namespace: app.metadata.namespace, app: app.metadata.name, notifier: name },
        'default notifier created',
      );
    } catch (error) {
      // Another reconcile, or an informer that has not caught up, may have created it already.
      if (apiStatusCode(error) !== 409) throw error;
    }
  }

  private async deleteNotifier(namespace: string, name: string): Promise<void> {
    try {
      await this.options.api.deleteNamespacedCustomObject({
        group,
        version,
        plural: notifierNames.plural,
        namespace,
        name,
      });
      this.options.logger.info(
        { namespace, notifier: name },
        'default notifier deleted after opt-out',
      );
    } catch (error) {
      if (apiStatusCode(error) !== 404) throw error;
    }
  }

  /**
   * Records each collaborator change since the last recorded list as an AppEvent, and returns the
   * list to record as reported. The first time an App is seen, every collaborator is new.
   */
  private async announceCollaborators(app: App): Promise<AnnouncedCollaborator[]> {
    const { namespace, name, uid, generation } = app.metadata;
    const before = new Map(
      (app.status?.announcedCollaborators ?? []).map((entry) => [entry.email.toLowerCase(), entry]),
    );
    const announce = (type: CollaboratorEventType, email: string, data: Record<string, unknown>) =>
      this.options.announcer.announce({
        namespace,
        app: name,
        type,
        key: `${uid}/${email.toLowerCase()}/${type}/${generation}`,
        data: { collaborator: email, ...data },
      });

    const after = app.spec.collaborators ?? [];
    for (const collaborator of after) {
      const previous = before.get(collaborator.email.toLowerCase());
      before.delete(collaborator.email.toLowerCase());
      const details = {
        role: collaborator.role,
        ...(collaborator.name ? { name: collaborator.name } : {}),
      };
      if (!previous) await announce('collaborator_invited', collaborator.email, details);
      if (previous && previous.role !== collaborator.role) {
        await announce('collaborator_role_changed', collaborator.email, {
          ...details,
          previousRole: previous.role,
        });
      }
      if (collaborator.accepted && !previous?.accepted) {
        await announce('collaborator_accepted', collaborator.email, details);
      }
    }
    for (const removed of before.values()) {
      await announce('collaborator_removed', removed.email, { role: removed.role });
    }
    return after.map(({ email, role, accepted }) => ({ email, role, accepted }));
  }

  private async writeStatus(
    object: ObjectWithStatus<AppStatus>,
    value: ConditionValue,
    announced?: AnnouncedCollaborator[],
  ): Promise<void> {
    const defaultNotifier =
      value.status === 'True' && value.reason === 'Created'
        ? defaultNotifierName(object.metadata?.name ?? '')
        : undefined;
    await this.options.statusWriter.update(object, (current) => {
      const status = current.status ?? {};
      const unchanged =
        conditionMatches(status.conditions, value) &&
        (announced === undefined ||
          isDeepStrictEqual(announced, status.announcedCollaborators ?? [])) &&
        status.defaultNotifier === defaultNotifier &&
        status.observedGeneration === value.observedGeneration;
      if (unchanged) return undefined;
      const next: AppStatus = {
        ...status,
        observedGeneration: value.observedGeneration,
        conditions: setCondition(status.conditions, value, new Date(this.options.clock.now())),
      };
      if (announced) next.announcedCollaborators = announced;
      if (defaultNotifier) next.defaultNotifier = defaultNotifier;
      else delete next.defaultNotifier;
      return next;
    });
  }
}
