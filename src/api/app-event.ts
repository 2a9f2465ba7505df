import { z } from 'zod';
import {
  appNameSchema,
  dateTimeSchema,
  eventTypeSchema,
  generationSchema,
  objectMetaSchema,
  objectNameSchema,
  platformSchema,
} from './common.ts';
import { eventDataDescription } from './event-data.ts';
import { eventTypes } from './event-types.ts';
import { apiVersion, appEventNames } from './group.ts';
import { formatIssues, issueMessage } from './issues.ts';

/** Outcome of an AppEvent once the operator has processed it. */
export const appEventPhases = [
  'Pending',
  'Delivered',
  'PartiallyFailed',
  'Failed',
  'Expired',
  'NoMatch',
] as const;

/** State of one delivery. */
export const deliveryStates = ['Pending', 'Delivered', 'Failed'] as const;

/** Maximum number of delivery records in an AppEvent status, which bounds its size. */
export const maxDeliveries = 256;

const eventTypeList = eventTypes.map((info) => `${info.type}: ${info.description}.`).join('\n');

/** Schema of an AppEvent's spec. Kubernetes rejects any change to it after creation. */
export const appEventSpecSchema = z
  .object({
    app: appNameSchema.describe(
      'Name of the app the event happened to. Notifiers of the same namespace with this app ' +
        'receive it.',
    ),
    type: eventTypeSchema().describe(`Type of the event. One of:\n${eventTypeList}`),
    occurredAt: dateTimeSchema
      .optional()
      .describe('When the event happened. Defaults to the creation time of the AppEvent.'),
    actor: z
      .string()
      .max(256)
      .optional()
      .describe('Who or what caused the event, such as a user name or a pipeline.'),
    notifiers: z
      .array(objectNameSchema)
      .max(32)
      .optional()
      .describe(
        'Names of Notifiers in the namespace of the event that receive it whatever event types ' +
          'they select, such as the notifiers an alert names. Inactive ones receive nothing.',
      ),
    data: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ 'x-kubernetes-preserve-unknown-fields': true })
      .describe(eventDataDescription()),
  })
  .meta({
    'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'spec is immutable' }],
  })
  .describe('What happened to which app. Immutable once created.');

/** Schema of one notifier's delivery of an AppEvent. */
export const deliveryRecordSchema = z.object({
  notifier: objectNameSchema.describe('Name of the Notifier, in the namespace of the AppEvent.'),
  platform: platformSchema.describe('Platform of the Notifier when the delivery was attempted.'),
  state: z
    .enum(deliveryStates)
    .describe(
      'Pending: not attempted yet, or waiting for a retry. Delivered: the platform accepted ' +
        'the notification. Failed: no attempt is left.',
    ),
  attempts: z.int().nonnegative().default(0).describe('Number of attempts made so far.'),
  lastError: z
    .string()
    .max(1024)
    .optional()
    .describe('Error of the last failed attempt, with secrets such as webhook URLs masked.'),
  lastAttemptAt: dateTimeSchema.optional().describe('When the last attempt started.'),
  deliveredAt: dateTimeSchema.optional().describe('When the platform accepted the notification.'),
});

/** Schema of an AppEvent's status, written by the operator. */
export const appEventStatusSchema = z
  .object({
    phase: z
      .enum(appEventPhases)
      .optional()
      .describe(
        'Pending: deliveries are in progress. Delivered: every matching Notifier delivered. ' +
          'PartiallyFailed: some deliveries failed. Failed: every delivery failed. Expired: the ' +
          'event was too old to deliver when processed. NoMatch: no active Notifier of the app ' +
          'selects this event type.',
      ),
    deliveries: z
      .array(deliveryRecordSchema)
      .max(maxDeliveries)
      .optional()
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['notifier'] })
      .describe('One record per matching Notifier.'),
    processedAt: dateTimeSchema
      .optional()
      .describe('When the operator matched the event against the Notifiers.'),
    crashCount: z
      .int()
      .min(1)
      .optional()
      .describe(
        'For app_crashed: the position of this crash in the run of crashes in a row, counted ' +
          'by the operator. Notifiers selecting app_crashed are told of the 2nd, 5th and 12th.',
      ),
    observedGeneration: generationSchema
      .optional()
      .describe('metadata.generation of the AppEvent the operator last processed.'),
    message: z.string().max(32768).optional().describe('Human-readable summary of the outcome.'),
  })
  .describe('Delivery state of the AppEvent, written by the operator.');

/** An AppEvent spec. */
export type AppEventSpec = z.output<typeof appEventSpecSchema>;

/** An AppEvent status. */
export type AppEventStatus = z.output<typeof appEventStatusSchema>;

/** A delivery record of an AppEvent status, with defaults applied. */
export type DeliveryRecord = z.output<typeof deliveryRecordSchema>;

/** Phase of an AppEvent. */
export type AppEventPhase = (typeof appEventPhases)[number];

/** State of a delivery record. */
export type DeliveryState = (typeof deliveryStates)[number];

const appEventSchema = z.object({
  apiVersion: z.literal(apiVersion),
  kind: z.literal(appEventNames.kind),
  metadata: objectMetaSchema,
  spec: appEventSpecSchema,
  status: appEventStatusSchema.optional(),
});

/** A stored AppEvent, checked and with defaults applied. */
export type AppEvent = z.output<typeof appEventSchema>;

/** Result of `parseAppEvent`: the AppEvent, or a message naming each invalid field. */
export type ParseAppEventResult = { ok: true; event: AppEvent } | { ok: false; message: string };

/**
 * Checks a stored AppEvent against the current schema and applies defaults. Unlike
 * parseNotifier, it reports an invalid status, because the delivery records decide what is sent
 * again.
 */
export function parseAppEvent(object: unknown): ParseAppEventResult {
  const result = appEventSchema.safeParse(object, { error: issueMessage });
  if (result.success) return { ok: true, event: result.data };
  return { ok: false, message: formatIssues(result.error.issues) };
}
