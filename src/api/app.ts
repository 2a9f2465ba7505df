import { z } from 'zod';
import { conditionSchema, generationSchema, objectMetaSchema } from './common.ts';
import { apiVersion, appNames } from './group.ts';
import { formatIssues, issueMessage } from './issues.ts';

/** Roles a collaborator can have on an app. */
export const collaboratorRoles = ['collaborator', 'limited_collaborator'] as const;

/** One collaborator role. */
export type CollaboratorRole = (typeof collaboratorRoles)[number];

/** Maximum number of collaborators of one App. */
export const maxCollaborators = 200;

const emailSchema = z
  .email({ error: 'must be an email address, such as ops@example.com' })
  .max(254)
  .describe('Email address.');

const personName = z.string().max(256).optional().describe('Name shown in messages.');

/** Schema of a collaborator entry. */
export const collaboratorSchema = z.object({
  email: emailSchema.describe('Email address of the collaborator; identifies the entry.'),
  name: personName,
  role: z
    .enum(collaboratorRoles)
    .default('collaborator')
    .describe(
      'Role on the app: collaborator (full access) or limited_collaborator (no access to ' +
        'settings and billing). Email notifiers can target collaborators by role.',
    ),
  accepted: z
    .boolean()
    .default(false)
    .describe(
      'Whether the collaborator accepted the invitation. Pending invitations receive no ' +
        'notification.',
    ),
});

/**
 * Rejects collaborators whose addresses differ only in case. The CRD's list-map key compares
 * addresses exactly, but mail systems do not, and two such entries would make the operator report
 * role changes nobody made.
 */
function rejectCaseDuplicates(
  collaborators: readonly { email: string }[],
  context: z.RefinementCtx,
): void {
  const seen = new Map<string, string>();
  collaborators.forEach((collaborator, index) => {
    const key = collaborator.email.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      context.addIssue({
        code: 'custom',
        message: `"${collaborator.email}" is the same address as "${first}" written in another case; keep one entry`,
        path: [index, 'email'],
      });
    } else {
      seen.set(key, collaborator.email);
    }
  });
}

/** Schema of an App's spec. */
export const appSpecSchema = z.object({
  owner: z
    .object({ email: emailSchema.describe('Email address of the owner.'), name: personName })
    .describe('The person responsible for the app. The default notifier emails the owner.'),
  collaborators: z
    .array(collaboratorSchema)
    .max(maxCollaborators)
    .superRefine(rejectCaseDuplicates)
    .optional()
    .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['email'] })
    .describe(
      'People who work on the app. Email notifiers that target collaborators resolve this list ' +
        'when they send, so a change here reaches the next notification without editing a notifier.',
    ),
  metrics: z
    .object({
      podLabels: z
        .record(z.string().max(317), z.string().max(63))
        .optional()
        .describe(
          "Labels that identify the app's pods and Services in metric alert queries. Defaults " +
            'to app.kubernetes.io/name: <app>. An Alert may set its own in spec.appLabels.',
        ),
      containerTypeLabel: z
        .string()
        .max(317)
        .optional()
        .describe(
          'Pod label whose value is the container type (web, worker, ...) in metric alert ' +
            'queries. Defaults to app.kubernetes.io/component. An Alert may set its own.',
        ),
    })
    .optional()
    .describe('How metric alerts find the pods of this app in Prometheus.'),
  defaultNotifier: z
    .boolean()
    .default(true)
    .describe(
      'Whether the operator keeps a default notifier named <app>-default: email to the owner for ' +
        'the critical event types. It is created once and never rewritten, so it may be edited ' +
        'freely; deleted, it is created again while this is true. Set to false to opt out.',
    ),
});

/** A collaborator as last reported through collaborator_* events. */
export const announcedCollaboratorSchema = z.object({
  email: z.string().describe('Email address of the collaborator.'),
  role: z.string().describe('Role when last reported.'),
  accepted: z.boolean().describe('Whether the invitation was accepted when last reported.'),
});

/** Schema of an App's status, written by the operator. */
export const appStatusSchema = z.object({
  observedGeneration: generationSchema
    .optional()
    .describe('metadata.generation of the spec the operator last processed.'),
  defaultNotifier: z
    .string()
    .optional()
    .describe('Name of the default notifier while the operator keeps one.'),
  announcedCollaborators: z
    .array(announcedCollaboratorSchema)
    .max(maxCollaborators)
    .optional()
    .describe(
      'Collaborators as the operator last reported them with collaborator_* events, so that ' +
        'each change is reported once, also across operator restarts.',
    ),
  conditions: z
    .array(conditionSchema)
    .max(8)
    .optional()
    .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] })
    .describe(
      'Current state of the App. DefaultNotifierReady tells whether the default notifier ' +
        'exists as asked, or why not (for example a Notifier of that name made by someone else).',
    ),
});

/** An App spec with defaults applied. */
export type AppSpec = z.output<typeof appSpecSchema>;

/** An App spec as written by a user, before defaults. */
export type AppSpecInput = z.input<typeof appSpecSchema>;

/** An App status. */
export type AppStatus = z.output<typeof appStatusSchema>;

/** A collaborator entry with defaults applied. */
export type Collaborator = z.output<typeof collaboratorSchema>;

const appSchema = z.object({
  apiVersion: z.literal(apiVersion),
  kind: z.literal(appNames.kind),
  metadata: objectMetaSchema,
  spec: appSpecSchema,
  status: appStatusSchema.optional().catch(undefined),
});

/** A stored App, checked and with defaults applied. */
export type App = z.output<typeof appSchema>;

/** Checks a stored App against the current schema; the message names each invalid field. */
export function parseApp(object: unknown): { ok: true; app: App } | { ok: false; message: string } {
  const result = appSchema.safeParse(object, { error: issueMessage });
  if (result.success) return { ok: true, app: result.data };
  return { ok: false, message: formatIssues(result.error.issues) };
}

/** Name of the default notifier of an app. */
export function defaultNotifierName(app: string): string {
  return `${app}-default`;
}
