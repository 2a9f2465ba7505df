import { z } from 'zod';
import {
  appNameSchema,
  dateTimeSchema,
  generationSchema,
  objectMetaSchema,
  objectNameSchema,
} from './common.ts';
import { apiVersion, category, type ResourceNames } from './group.ts';
import { formatIssues, issueMessage } from './issues.ts';
import { asSet, withRules, type CrossFieldRule } from './rules.ts';

/** Names of the Alert kind. */
export const alertNames = {
  kind: 'Alert',
  listKind: 'AlertList',
  plural: 'alerts',
  singular: 'alert',
  shortNames: ['al'],
  categories: [category],
} as const satisfies ResourceNames;

/** Metrics an alert can watch. Their units and queries are in src/alerts/metric-catalogue.ts. */
export const alertMetrics = [
  'cpu',
  'memory',
  'swap',
  'rpm',
  'rpm_per_container',
  '5xx',
  'p95_response_time',
] as const;

/** Whether an alert fires when the value goes above or below its limit. */
export const alertDirections = ['above', 'below'] as const;

/** States of an alert, as in Prometheus alerting rules. */
export const alertStates = ['ok', 'pending', 'firing'] as const;

/** Maximum number of notifiers an alert names; the same bound as AppEvent `spec.notifiers`. */
export const maxAlertNotifiers = 32;

/** Label key used when `spec.containerTypeLabel` is absent. */
export const defaultContainerTypeLabel = 'app.kubernetes.io/component';

/** Label key whose value is the app name when `spec.appLabels` is absent. */
export const defaultAppLabel = 'app.kubernetes.io/name';

/** Go's duration syntax (time.ParseDuration) without a sign: "0", or numbers with units. */
const durationPattern = /^(0|([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$/;

const durationUnitsMs: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Converts a duration in Go's syntax, such as "1h30m" or "1.5s", into milliseconds. Returns
 * undefined for any other text, including a sign, spaces or a unit Go does not know.
 */
export function parseGoDuration(text: string): number | undefined {
  if (!durationPattern.test(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(match[1]) * (durationUnitsMs[match[2] ?? ''] ?? 0);
  }
  return total;
}

const durationSchema = z.string().max(64).regex(durationPattern, {
  error: 'must be a duration in the Go form, such as 30s, 5m or 1h30m (units: h, m, s, ms)',
});

/** Label key: an optional DNS subdomain prefix and "/", then a name of at most 63 characters. */
const labelKeySource =
  '^([a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$';
const labelKeyPattern = new RegExp(labelKeySource);

/** Label value: empty, or at most 63 alphanumerics, "-", "_" and "." that start and end alphanumeric. */
const labelValuePattern = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const labelKeySchema = z.string().max(253).regex(labelKeyPattern, {
  error: 'must be a label key, such as app.kubernetes.io/name',
});

const labelValueSchema = z.string().max(63).regex(labelValuePattern, {
  error:
    'must be a label value: at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
});

/** Fields of an Alert spec that the cross-field rules read. */
interface AlertSpecFields {
  appLabels?: Record<string, string> | undefined;
}

// A CRD's schema cannot check the keys of a map, so a CEL rule does.
const alertSpecRules: readonly CrossFieldRule<AlertSpecFields>[] = [
  {
    rule: `!has(self.appLabels) || self.appLabels.all(k, size(k) <= 253 && k.matches('${labelKeySource}'))`,
    message: 'appLabels keys must be label keys, such as app.kubernetes.io/name',
    path: ['appLabels'],
    reason: 'FieldValueInvalid',
    isValid: (spec) => Object.keys(spec.appLabels ?? {}).every((key) => isLabelKey(key)),
  },
];

function isLabelKey(key: string): boolean {
  return key.length <= 253 && labelKeyPattern.test(key);
}

/** Schema of an Alert's spec. Parsing applies the defaults. */
export const alertSpecSchema = withRules(
  z.object({
    app: appNameSchema.describe(
      'Name of the app whose metric is watched, in the namespace of the Alert. Notifiers of this ' +
        'app receive the notifications.',
    ),
    containerType: labelValueSchema
      .min(1)
      .default('web')
      .describe(
        'Container type whose pods are measured, such as web or worker: the value of the ' +
          'containerTypeLabel label on the pods. Ignored by the rpm, 5xx and p95_response_time ' +
          'metrics, which measure the app as a whole.',
      ),
    metric: z
      .enum(alertMetrics)
      .describe(
        'Metric to watch. cpu: CPU usage as a fraction of the container CPU limit. memory: ' +
          'memory working set as a fraction of the container memory limit. swap: swap usage as a ' +
          'fraction of the container memory limit. rpm: requests per minute of the app. ' +
          'rpm_per_container: requests per minute divided by the ready pods of the container ' +
          'type. 5xx: 5xx responses per minute. p95_response_time: 95th percentile response ' +
          'time in milliseconds.',
      ),
    limit: z
      .number()
      .nonnegative()
      .describe(
        'Limit the value is compared with, in the unit of the metric: a fraction for cpu, ' +
          'memory and swap (0.8 is 80%), requests per minute for rpm, rpm_per_container and ' +
          '5xx, milliseconds for p95_response_time.',
      ),
    direction: z
      .enum(alertDirections)
      .default('above')
      .describe(
        'above: the condition holds while the value is greater than the limit. below: while it ' +
          'is less than the limit.',
      ),
    for: durationSchema
      .default('5m')
      .describe(
        'How long the condition must hold before the alert fires, in the Go duration form ' +
          '(30s, 5m, 1h30m). 0s fires on the first evaluation where it holds.',
      ),
    remindEvery: durationSchema
      .optional()
      .describe(
        'While the alert fires, a reminder is sent this often, in the Go duration form. Absent ' +
          'or 0s: no reminders.',
      ),
    notifiers: asSet(z.array(objectNameSchema).min(1).max(maxAlertNotifiers), 'notifier').describe(
      'Names of the Notifiers, in the namespace of the Alert, that receive the notifications ' +
        'whatever event types they select. Notifiers of the app that select ' +
        'app_alert_triggered receive them too.',
    ),
    active: z
      .boolean()
      .default(true)
      .describe(
        'Whether the alert is evaluated. Set to false to pause it: its state returns to ok ' +
          'without a resolved notification.',
      ),
    query: z
      .string()
      .min(1)
      .max(4096)
      .optional()
      .describe(
        'PromQL query used in place of the query of the metric. It must return one sample in ' +
          'the unit of the metric and may use the variables {{namespace}}, {{app}}, ' +
          '{{containerType}}, {{podLabels}}, {{serviceLabels}}, {{rateWindow}} and ' +
          '{{aggregation}}; docs/alerts.md describes them.',
      ),
    appLabels: z
      .record(z.string(), labelValueSchema)
      .optional()
      .describe(
        "Labels that identify the pods and Services of the app. Defaults to the App's " +
          `spec.metrics.podLabels, then to ${defaultAppLabel}: <app>.`,
      ),
    containerTypeLabel: labelKeySchema
      .optional()
      .describe(
        "Pod label whose value is the container type. Defaults to the App's " +
          `spec.metrics.containerTypeLabel, then to ${defaultContainerTypeLabel}.`,
      ),
  }),
  alertSpecRules,
).describe('Which metric of which app is watched, its limit, and who is notified.');

/** Schema of an Alert's status, written by the operator. */
export const alertStatusSchema = z
  .object({
    state: z
      .enum(alertStates)
      .optional()
      .describe(
        'ok: the condition does not hold. pending: it holds, for less than spec.for so far. ' +
          'firing: it has held for spec.for or longer.',
      ),
    since: dateTimeSchema.optional().describe('When the alert entered its current state.'),
    value: z
      .number()
      .optional()
      .describe('Value of the metric at the evaluation that changed the state.'),
    activeAt: dateTimeSchema
      .optional()
      .describe('When the condition started to hold, while the state is pending or firing.'),
    lastNotifiedAt: dateTimeSchema
      .optional()
      .describe('When the last notification (firing, reminder or resolved) was created.'),
    evaluationError: z
      .string()
      .max(1024)
      .optional()
      .describe(
        'Why the last evaluation failed, such as an unreachable Prometheus or a query without ' +
          'data. A failed evaluation never changes the state.',
      ),
    observedGeneration: generationSchema
      .optional()
      .describe('metadata.generation of the spec the operator last processed.'),
  })
  .describe('State of the alert, written by the operator when it changes.');

/** An Alert spec with defaults applied. */
export type AlertSpec = z.output<typeof alertSpecSchema>;

/** An Alert spec as written by a user, before defaults. */
export type AlertSpecInput = z.input<typeof alertSpecSchema>;

/** An Alert status. */
export type AlertStatus = z.output<typeof alertStatusSchema>;

/** One of the metrics an alert can watch. */
export type AlertMetric = (typeof alertMetrics)[number];

/** `above` or `below`. */
export type AlertDirection = (typeof alertDirections)[number];

/** `ok`, `pending` or `firing`. */
export type AlertState = (typeof alertStates)[number];

const alertSchema = z.object({
  apiVersion: z.literal(apiVersion),
  kind: z.literal(alertNames.kind),
  metadata: objectMetaSchema,
  spec: alertSpecSchema,
  // The operator rewrites a malformed status from scratch, as for Notifiers.
  status: alertStatusSchema.optional().catch(undefined),
});

/** A stored Alert, checked and with defaults applied. */
export type Alert = z.output<typeof alertSchema>;

/** Result of `parseAlert`: the Alert, or a message naming each invalid field. */
export type ParseAlertResult = { ok: true; alert: Alert } | { ok: false; message: string };

/**
 * Checks a stored Alert against the current schema and applies defaults. Objects stored under an
 * older CRD may not match it. An invalid status is dropped, not reported.
 */
export function parseAlert(object: unknown): ParseAlertResult {
  const result = alertSchema.safeParse(object, { error: issueMessage });
  if (result.success) return { ok: true, alert: result.data };
  return { ok: false, message: formatIssues(result.error.issues) };
}
