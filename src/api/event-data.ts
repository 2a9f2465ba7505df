import type { EventType } from './event-types.ts';

/**
 * Kind of value a documented `spec.data` field carries. Notifications check the kind before
 * they format a value, and show a value of the wrong kind as plain JSON instead.
 */
export type EventDataKind =
  'string' | 'integer' | 'number' | 'duration' | 'date-time' | 'names' | 'formation' | 'enum';

/** One documented field of an event type's `spec.data`. */
export interface EventDataField {
  /** Key in `spec.data`, such as `gitRef`. */
  readonly name: string;
  readonly kind: EventDataKind;
  /** Allowed values of an `enum` field. */
  readonly values?: readonly string[];
  /** Unit of a numeric value, such as "seconds". */
  readonly unit?: string;
  /** Label that notifications show, such as "Git ref". */
  readonly label: string;
  readonly description: string;
  /**
   * Whether a notification may show the value. False for values that may be secrets, such as
   * the values of variables: notifications then show the names under the value, never the value.
   */
  readonly showValue: boolean;
}

/** The documented `spec.data` fields of one event type. */
export interface EventDataSpec {
  readonly fields: readonly EventDataField[];
  /**
   * Whether notifications may show the values of keys that are not documented. False for the
   * variable events, where an emitter may send a map of variable name to value.
   */
  readonly showUndocumentedValues: boolean;
}

const durationText = 'a number of seconds, or a string such as 95s, 2m30s or 1h';

const deploymentFields: readonly EventDataField[] = [
  {
    name: 'gitRef',
    kind: 'string',
    label: 'Git ref',
    description: 'Git commit, branch or tag that was deployed, such as 3f2c1a9 or v1.4.0.',
    showValue: true,
  },
  {
    name: 'deployer',
    kind: 'string',
    label: 'Deployer',
    description: 'Who started the deployment. Notifications show spec.actor when it is absent.',
    showValue: true,
  },
  {
    name: 'duration',
    kind: 'duration',
    unit: 'seconds',
    label: 'Duration',
    description: `How long the deployment took: ${durationText}.`,
    showValue: true,
  },
  {
    name: 'image',
    kind: 'string',
    label: 'Image',
    description: 'Container image that was deployed, such as registry.example.com/shop:1.4.0.',
    showValue: true,
  },
];

const scaleFields: readonly EventDataField[] = [
  {
    name: 'from',
    kind: 'formation',
    label: 'Before',
    description:
      'Formation before the change: container type to number of containers, such as {web: 2, worker: 1}.',
    showValue: true,
  },
  {
    name: 'to',
    kind: 'formation',
    label: 'After',
    description: 'Formation after the change, in the same form as from.',
    showValue: true,
  },
];

const variableFields: readonly EventDataField[] = [
  {
    name: 'variables',
    kind: 'names',
    label: 'Variables',
    description:
      'Names of the variables, such as [DATABASE_URL]. A map of name to value is accepted, and ' +
      'notifications show its names only.',
    showValue: true,
  },
  {
    name: 'values',
    kind: 'names',
    label: 'Values',
    description:
      'Not needed: send names in variables. An emitter that sends a map of name to value here ' +
      'gets the names shown and the values left out, because values are often secrets.',
    showValue: false,
  },
];

const crashFields: readonly EventDataField[] = [
  {
    name: 'container',
    kind: 'string',
    label: 'Container',
    description: 'Container that crashed, such as web-1.',
    showValue: true,
  },
  {
    name: 'exitCode',
    kind: 'integer',
    label: 'Exit code',
    description: 'Exit code of the crashed process, such as 137.',
    showValue: true,
  },
  {
    name: 'reason',
    kind: 'string',
    label: 'Reason',
    description: 'Why the container stopped, such as OOMKilled or Error.',
    showValue: true,
  },
  {
    name: 'crashCount',
    kind: 'integer',
    unit: 'crashes',
    label: 'Crashes in a row',
    description:
      'Number of crashes in a row, this one included. The operator fills it in notifications, ' +
      'so emitters need not send it.',
    showValue: true,
  },
];

const alertNameField: EventDataField = {
  name: 'alert',
  kind: 'string',
  label: 'Alert',
  description: 'Name of the Alert resource.',
  showValue: true,
};

const metricField: EventDataField = {
  name: 'metric',
  kind: 'string',
  label: 'Metric',
  description: 'Metric the alert watches, such as cpu, memory or 5xx-rate.',
  showValue: true,
};

/** Fields that describe an alert's rule, after the metric. */
const alertRuleFields: readonly EventDataField[] = [
  {
    name: 'limit',
    kind: 'number',
    unit: 'from unit',
    label: 'Limit',
    description: 'Limit the metric is compared with.',
    showValue: true,
  },
  {
    name: 'unit',
    kind: 'string',
    label: 'Unit',
    description:
      'Unit of value and limit, such as %, ms or req/s. A unit "fraction of X", such as ' +
      '"fraction of the CPU limit", means value and limit are fractions, which notifications ' +
      'show as percentages of X.',
    showValue: true,
  },
  {
    name: 'direction',
    kind: 'enum',
    values: ['above', 'below'],
    label: 'Direction',
    description: 'Whether the alert fires when the metric goes above or below the limit.',
    showValue: true,
  },
  {
    name: 'containerType',
    kind: 'string',
    label: 'Container type',
    description: 'Container type the metric is measured on, such as web.',
    showValue: true,
  },
];

const alertLifecycleFields: readonly EventDataField[] = [
  alertNameField,
  metricField,
  ...alertRuleFields,
  {
    name: 'for',
    kind: 'duration',
    unit: 'seconds',
    label: 'For',
    description: `How long the metric must stay past the limit before the alert fires: ${durationText}.`,
    showValue: true,
  },
  {
    name: 'notifiers',
    kind: 'names',
    label: 'Notifiers',
    description: 'Notifiers the alert sends to, as a list or a comma-separated string.',
    showValue: true,
  },
];

const alertTriggeredFields: readonly EventDataField[] = [
  alertNameField,
  metricField,
  {
    name: 'value',
    kind: 'number',
    unit: 'from unit',
    label: 'Value',
    description: 'Value of the metric when the notification was sent.',
    showValue: true,
  },
  ...alertRuleFields,
  {
    name: 'heldFor',
    kind: 'duration',
    unit: 'seconds',
    label: 'Held for',
    description: `How long the metric has been past the limit: ${durationText}.`,
    showValue: true,
  },
  {
    name: 'since',
    kind: 'date-time',
    label: 'Since',
    description: 'When the metric went past the limit, as an RFC 3339 date-time.',
    showValue: true,
  },
  {
    name: 'state',
    kind: 'enum',
    values: ['firing', 'reminder', 'resolved'],
    label: 'State',
    description:
      'firing: the alert has just triggered. reminder: it is still firing and this notification ' +
      'repeats it. resolved: the metric is back within the limit. Notifications treat a missing ' +
      'state as firing.',
    showValue: true,
  },
  {
    name: 'message',
    kind: 'string',
    label: 'Message',
    description:
      'Sentence for people about what happened, such as "Firing: CPU usage of the web ' +
      'containers of shop-api is 93% of the CPU limit, above the limit of 80% of the CPU limit ' +
      'for 6m10s". Notifications show it as the summary, and write one from the other fields ' +
      'when it is absent.',
    showValue: true,
  },
];

const backupFields: readonly EventDataField[] = [
  {
    name: 'addon',
    kind: 'string',
    label: 'Addon',
    description: 'Database addon that was backed up, such as postgresql.',
    showValue: true,
  },
];

const backupErrorField: EventDataField = {
  name: 'error',
  kind: 'string',
  label: 'Error',
  description: 'Why the backup failed, such as "disk full on backup volume".',
  showValue: true,
};

function spec(fields: readonly EventDataField[], showUndocumentedValues = true): EventDataSpec {
  return { fields, showUndocumentedValues };
}

const alertLifecycleSpec = spec(alertLifecycleFields);
const crashSpec = spec(crashFields);
const variableSpec = spec(variableFields, false);

/**
 * The documented `spec.data` fields of each event type that has known details, in the order
 * notifications show them. Emitters write these keys and notifications lay them out, so both
 * read this one table; the AppEvent CRD, docs/events.md and the message layouts follow it.
 * Any other key is kept and shown as a plain detail.
 */
export const eventDataSpecs: Readonly<Partial<Record<EventType, EventDataSpec>>> = {
  alert_added: alertLifecycleSpec,
  alert_deleted: alertLifecycleSpec,
  app_alert_triggered: spec(alertTriggeredFields),
  app_crashed: crashSpec,
  app_crashed_repeated: crashSpec,
  app_deployed: spec(deploymentFields),
  app_scaled: spec(scaleFields),
  database_backup_failed: spec([...backupFields, backupErrorField]),
  database_backup_succeeded: spec(backupFields),
  variable_added: variableSpec,
  variable_bulk_edited: variableSpec,
  variable_edited: variableSpec,
  variable_removed: variableSpec,
};

const specByType = new Map<string, EventDataSpec>(Object.entries(eventDataSpecs));

/** Returns the documented data fields of an event type, or undefined when it documents none. */
export function eventDataSpec(type: string): EventDataSpec | undefined {
  return specByType.get(type);
}

/** Returns the documented field `name` of an event type, or undefined. */
export function eventDataField(type: string, name: string): EventDataField | undefined {
  return specByType.get(type)?.fields.find((field) => field.name === name);
}

/** Describes a field's kind in words, as docs/events.md and the CRD show it. */
export function describeKind(field: EventDataField): string {
  switch (field.kind) {
    case 'duration':
      return 'duration';
    case 'date-time':
      return 'RFC 3339 date-time';
    case 'names':
      return 'list of strings';
    case 'formation':
      return 'map of string to integer';
    case 'enum':
      return listAlternatives(field.values ?? []);
    default:
      return field.kind;
  }
}

/**
 * Description of `AppEvent.spec.data` for the CRD: the rule for free-form keys, then one line per
 * group of event types that share their documented fields. Fields whose values are never shown
 * are left out, because emitters should not send them.
 */
export function eventDataDescription(): string {
  const typesBySpec = new Map<EventDataSpec, string[]>();
  for (const [type, spec] of Object.entries(eventDataSpecs)) {
    typesBySpec.set(spec, [...(typesBySpec.get(spec) ?? []), type]);
  }

  const lines = Array.from(typesBySpec, ([spec, types]) => {
    const shown = spec.fields.filter((field) => field.showValue);
    const list = shown.map((field) => `${field.name} (${describeKind(field)})`).join(', ');
    return `${types.join(', ')}: ${list}.`;
  });
  return [
    'Details of the event, whose keys depend on the event type. Any keys are kept. ' +
      'Notifications lay out the documented keys below and list the others. A duration is a ' +
      'number of seconds or a string such as 2m30s. Values of variables are never shown, so ' +
      'send variable names only. docs/events.md describes each key. Documented keys:',
    ...lines,
  ].join('\n');
}

/** Joins ["a", "b", "c"] as "a, b or c". */
function listAlternatives(values: readonly string[]): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}
