import { z } from 'zod';
import {
  appNameSchema,
  dateTimeSchema,
  conditionSchema,
  eventTypeSchema,
  generationSchema,
  objectMetaSchema,
  platformSchema,
  secretKeySelectorSchema,
} from './common.ts';
import { eventTypeNames, namedSelections, selectionNames } from './event-types.ts';
import { apiVersion, notifierNames } from './group.ts';
import { formatIssues, issueMessage } from './issues.ts';
import { emailRules, eventsRules, notifierSpecRules } from './notifier-rules.ts';
import { collaboratorRoles } from './app.ts';
import { asSet, withRules } from './rules.ts';

/** Condition type that is True when a Notifier can deliver. */
export const readyConditionType = 'Ready';

/**
 * Annotation that requests one test notification through the Notifier. Each
 * new value sends one, for example `kubectl annotate notifier NAME herald.dev/send-test=$(date +%s)
 * --overwrite`.
 */
export const testAnnotation = 'herald.dev/send-test';

/** Maximum number of addresses in `spec.email.to`. */
export const maxEmailRecipients = 50;

const selectionSummary = selectionNames
  .map((name) => `"${name}" (${namedSelections[name].description})`)
  .join(', ');

const eventsSchema = withRules(
  z.object({
    selection: z
      .enum(selectionNames)
      .describe(`Named set of event types to deliver: ${selectionSummary}.`),
    types: asSet(z.array(eventTypeSchema()).max(eventTypeNames.length), 'event type')
      .optional()
      .describe(
        'Event types delivered in addition to the selection. Required, with at least one ' +
          'type, when selection is custom. The allowed values are listed by ' +
          '`kubectl explain appevent.spec.type`.',
      ),
  }),
  eventsRules,
);

const webhookSchema = z.object({
  urlSecretRef: secretKeySelectorSchema.describe(
    'Secret key that holds the webhook URL. The URL is a credential, so it lives in a Secret ' +
      'in the namespace of the Notifier rather than in the Notifier itself.',
  ),
  signingSecretRef: secretKeySelectorSchema
    .optional()
    .describe(
      'Secret key that holds the key used to sign each request body (platform webhook only), ' +
        'so the receiver can check that the request comes from Herald.',
    ),
});

const emailSchema = withRules(
  z.object({
    to: asSet(
      z
        .array(
          z
            .email({ error: 'must be an email address, such as ops@example.com' })
            .max(254)
            .describe('An email address.'),
        )
        .max(maxEmailRecipients),
      'address',
    )
      .optional()
      .describe('Addresses that receive each notification, besides the owner and collaborators.'),
    owner: z
      .boolean()
      .default(false)
      .describe("Whether the app's owner, from the App resource, receives each notification."),
    collaborators: z
      .boolean()
      .default(false)
      .describe(
        "Whether the app's collaborators who accepted their invitation, from the App resource, " +
          'receive each notification. Recipients are resolved when a notification is sent.',
      ),
    collaboratorRoles: asSet(
      z.array(z.enum(collaboratorRoles)).max(collaboratorRoles.length),
      'role',
    )
      .optional()
      .describe(
        'Limits the collaborators to these roles. All roles when absent. Used only when ' +
          'collaborators is true.',
      ),
  }),
  emailRules,
);

/** Schema of a Notifier's spec. Parsing applies the defaults. */
export const notifierSpecSchema = withRules(
  z.object({
    app: appNameSchema.describe(
      'Name of the app whose events this Notifier delivers. An app is identified by its ' +
        'namespace and this name, so a Notifier only receives the AppEvents of its own namespace.',
    ),
    active: z
      .boolean()
      .default(true)
      .describe('Whether the Notifier delivers. Set to false to pause it without deleting it.'),
    platform: platformSchema.describe(
      'Platform that receives the notifications. email needs the email field; slack, webhook, ' +
        'rocketchat and mattermost need the webhook field.',
    ),
    events: eventsSchema
      .default({ selection: 'all' })
      .describe('Event types this Notifier delivers. Defaults to every event type.'),
    webhook: webhookSchema
      .optional()
      .describe(
        'Incoming-webhook settings. Required for slack, webhook, rocketchat and mattermost; ' +
          'forbidden for email.',
      ),
    email: emailSchema
      .optional()
      .describe('Email settings: who receives the notifications. Required for email only.'),
  }),
  notifierSpecRules,
).describe('Which events of which app are sent, and where.');

/** Schema of a Notifier's status, written by the operator. */
export const notifierStatusSchema = z
  .object({
    observedGeneration: generationSchema
      .optional()
      .describe('metadata.generation of the spec the operator last processed.'),
    conditions: z
      .array(conditionSchema)
      .max(8)
      .optional()
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] })
      .describe(
        'Current state of the Notifier. Ready is True when the Notifier can deliver: its ' +
          'Secrets exist and hold the referenced keys.',
      ),
    lastTest: z
      .object({
        request: z
          .string()
          .max(256)
          .describe(`Value of the ${testAnnotation} annotation that asked for the test.`),
        sentAt: dateTimeSchema.describe('When the test notification was attempted.'),
        outcome: z.enum(['Delivered', 'Failed']).describe('Whether the platform accepted it.'),
        message: z.string().max(1024).optional().describe('Why it failed, with secrets masked.'),
      })
      .optional()
      .describe(
        `Outcome of the last test notification, asked for by setting the ${testAnnotation} ` +
          'annotation to a new value.',
      ),
  })
  .describe('State of the Notifier, written by the operator.');

/** A Notifier spec with defaults applied. */
export type NotifierSpec = z.output<typeof notifierSpecSchema>;

/** A Notifier spec as written by a user, before defaults. */
export type NotifierSpecInput = z.input<typeof notifierSpecSchema>;

/** A Notifier status. */
export type NotifierStatus = z.output<typeof notifierStatusSchema>;

/** Event selection of a Notifier spec. */
export type NotifierEvents = NotifierSpec['events'];

const notifierSchema = z.object({
  apiVersion: z.literal(apiVersion),
  kind: z.literal(notifierNames.kind),
  metadata: objectMetaSchema,
  spec: notifierSpecSchema,
  // A malformed status only loses what the operator rewrites on its next reconcile, so it must
  // not stop the Notifier from routing.
  status: notifierStatusSchema.optional().catch(undefined),
});

/** A stored Notifier, checked and with defaults applied. */
export type Notifier = z.output<typeof notifierSchema>;

/** Result of `parseNotifier`: the Notifier, or a message naming each invalid field. */
export type ParseNotifierResult = { ok: true; notifier: Notifier } | { ok: false; message: string };

/**
 * Checks a stored Notifier against the current schema and applies defaults. Objects stored under
 * an older CRD may not match it. The message names each invalid field and how to fix it, such as
 * `spec.events.types[1]: unknown event type "app_exploded"; use one of the types listed by
 * kubectl explain appevent.spec.type`. An invalid status is dropped, not reported.
 */
export function parseNotifier(object: unknown): ParseNotifierResult {
  const result = notifierSchema.safeParse(object, { error: issueMessage });
  if (result.success) return { ok: true, notifier: result.data };
  return { ok: false, message: formatIssues(result.error.issues) };
}
