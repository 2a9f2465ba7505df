import { formatTimestamp, type DetailField } from '../format.ts';
import { readAlertRule, ruleFields, ruleSubject, type AlertRule } from './alert-rule.ts';
import type { Layout } from './types.ts';
import { formatQuantity, formatSeconds } from './values.ts';

/** States of a triggered alert, from `data.state`. */
const alertStates = ['firing', 'reminder', 'resolved'] as const;

type AlertState = (typeof alertStates)[number];

/** Texts of each state: the headline, the State field and the summary's first word. */
const stateTexts: Record<AlertState, { headline: string; field: string; prefix: string }> = {
  firing: { headline: 'Alert triggered', field: 'Firing', prefix: 'Firing' },
  reminder: {
    headline: 'Alert still firing',
    field: 'Still firing (reminder)',
    prefix: 'Still firing',
  },
  resolved: { headline: 'Alert resolved', field: 'Resolved', prefix: 'Resolved' },
};

/** The measurements of one triggered-alert notification. */
interface AlertReading {
  /** The value with its unit, such as "93%". */
  value?: string;
  /** The limit with its unit, without the direction. */
  limit?: string;
  heldForSeconds?: number;
}

/**
 * app_alert_triggered. `data.state` is firing, reminder (still firing) or resolved, and the
 * headline names it plainly: "Alert resolved: memory". A missing state counts as firing. An
 * unknown state keeps the display name as the headline and is listed as a detail. The summary is
 * the emitter's `message` when there is one, else a sentence built from the rule.
 */
export const alertTriggeredLayout: Layout = (event, data) => {
  const rule = readAlertRule(data);
  const value = data.number('value');
  const heldFor = data.seconds('heldFor');
  const since = data.time('since');
  const message = data.text('message');
  const state = Object.hasOwn(event.data, 'state')
    ? data.oneOf('state', alertStates)
    : ('firing' as const);

  const reading: AlertReading = {};
  if (value !== undefined) reading.value = formatQuantity(value, rule.unit);
  if (rule.limit !== undefined) reading.limit = formatQuantity(rule.limit, rule.unit);
  if (heldFor !== undefined) reading.heldForSeconds = heldFor;

  const fields: DetailField[] = [];
  if (state) fields.push({ label: 'State', value: stateTexts[state].field });
  if (rule.alert) fields.push({ label: 'Alert', value: rule.alert });
  if (reading.value) fields.push({ label: 'Value', value: reading.value });
  fields.push(...ruleFields(rule));
  if (heldFor !== undefined) fields.push({ label: 'Held for', value: formatSeconds(heldFor) });
  if (since !== undefined) {
    fields.push({ label: 'Since', value: formatTimestamp(new Date(since).toISOString()) });
  }

  const base = state ? stateTexts[state].headline : event.displayName;
  const prefix = state ? stateTexts[state].prefix : 'Alert';
  return {
    headline: rule.metric ? `${base}: ${rule.metric}` : base,
    summary: [message ?? `${prefix}: ${alertSentence(state, rule, reading)}`],
    fields,
  };
};

/** "memory on web is 93%, above the limit of 80%, for 5 min." */
function alertSentence(
  state: AlertState | undefined,
  rule: AlertRule,
  reading: AlertReading,
): string {
  if (state === 'resolved') return resolvedSentence(rule, reading);

  const subject = ruleSubject(rule);
  const relation = rule.direction ?? 'past';
  let sentence = `${subject} is past its limit`;
  if (reading.value && reading.limit) {
    sentence = `${subject} is ${reading.value}, ${relation} the limit of ${reading.limit}`;
  } else if (reading.value) {
    sentence = `${subject} is ${reading.value}`;
  } else if (reading.limit) {
    sentence = `${subject} is ${relation} the limit of ${reading.limit}`;
  }

  if (reading.heldForSeconds !== undefined) {
    sentence += `, for ${formatSeconds(reading.heldForSeconds)}`;
  }
  return `${sentence}.`;
}

/** "memory on web is back below the limit of 80% (now 42%)." */
function resolvedSentence(rule: AlertRule, reading: AlertReading): string {
  const subject = ruleSubject(rule);
  let side = 'within';
  if (rule.direction === 'above') side = 'below';
  if (rule.direction === 'below') side = 'above';

  let sentence = `${subject} is back to normal`;
  if (reading.limit) sentence = `${subject} is back ${side} the limit of ${reading.limit}`;
  if (reading.value) sentence += ` (now ${reading.value})`;
  return `${sentence}.`;
}
