import { formatTimestamp, singleLine, type DetailField } from '../format.ts';
import type { EventDataReader } from './event-data-reader.ts';
import type { Layout } from './types.ts';
import { formatQuantity, formatSeconds } from './values.ts';

/** States of a triggered alert, from `data.state`. */
const alertStates = ['firing', 'reminder', 'resolved'] as const;

type AlertState = (typeof alertStates)[number];

const stateTexts: Record<AlertState, { headline: string; field: string; prefix: string }> = {
  firing: { headline: 'Alert triggered', field: 'Firing', prefix: 'Firing' },
  reminder: { headline: 'Alert still firing', field: 'Still firing (reminder)', prefix: 'Still firing' },
  resolved: { headline: 'Alert resolved', field: 'Resolved', prefix: 'Resolved' },
};

/** The rule of an alert, as far as the event's data gives it. */
interface AlertRule {
  metric?: string;
  containerType?: string;
  limit?: number;
  unit?: string;
  direction?: 'above' | 'below';
}

function readRule(data: EventDataReader): AlertRule {
  const rule: AlertRule = {};
  const metric = data.text('metric');
  const containerType = data.text('containerType');
  const limit = data.number('limit');
  const unit = data.text('unit');
  const direction = data.oneOf('direction', ['above', 'below'] as const);
  if (metric) rule.metric = singleLine(metric);
  if (containerType) rule.containerType = singleLine(containerType);
  if (limit !== undefined) rule.limit = limit;
  if (unit) rule.unit = singleLine(unit);
  if (direction) rule.direction = direction;
  return rule;
}

/** "memory on web", "memory", or "The metric". */
function subject(rule: AlertRule): string {
  if (!rule.metric) return rule.containerType ? `The metric on ${rule.containerType}` : 'The metric';
  return rule.containerType ? `${rule.metric} on ${rule.containerType}` : rule.metric;
}

/** "above 80%", "80%" without a direction, or undefined without a limit. */
function limitText(rule: AlertRule): string | undefined {
  if (rule.limit === undefined) return undefined;

  const limit = formatQuantity(rule.limit, rule.unit);
  return rule.direction ? `${rule.direction} ${limit}` : limit;
}

function ruleFields(rule: AlertRule): DetailField[] {
  const fields: DetailField[] = [];
  if (rule.metric) fields.push({ label: 'Metric', value: rule.metric });
  const limit = limitText(rule);
  if (limit) fields.push({ label: 'Limit', value: limit });
  if (rule.containerType) fields.push({ label: 'Container type', value: rule.containerType });
  return fields;
}

/**
 * app_alert_triggered. `data.state` says whether the alert fires, fires still (a reminder) or is
 * resolved, and the headline says it plainly: "Alert resolved: memory". A missing state counts as
 * firing. An unknown state leaves the display name as the headline and is listed as a detail.
 */
export const alertTriggeredLayout: Layout = (event, data) => {
  const rule = readRule(data);
  const value = data.number('value');
  const heldFor = data.seconds('heldFor');
  const since = data.time('since');
  const hasState = Object.hasOwn(event.data, 'state');
  const state: AlertState | undefined = hasState ? data.oneOf('state', alertStates) : 'firing';

  const fields: DetailField[] = [];
  if (state) fields.push({ label: 'State', value: stateTexts[state].field });
  if (value !== undefined) fields.push({ label: 'Value', value: formatQuantity(value, rule.unit) });
  fields.push(...ruleFields(rule));
  if (heldFor !== undefined) fields.push({ label: 'Held for', value: formatSeconds(heldFor) });
  if (since !== undefined) {
    fields.push({ label: 'Since', value: formatTimestamp(new Date(since).toISOString()) });
  }

  const base = state ? stateTexts[state].headline : event.displayName;
  const sentence = alertSentence(state, rule, value, heldFor);
  return {
    headline: rule.metric ? `${base}: ${rule.metric}` : base,
    summary: [`${state ? stateTexts[state].prefix : 'Alert'}: ${sentence}`],
    fields,
  };
};

function alertSentence(
  state: AlertState | undefined,
  rule: AlertRule,
  value: number | undefined,
  heldFor: number | undefined,
): string {
  const now = value === undefined ? undefined : formatQuantity(value, rule.unit);
  const limit = rule.limit === undefined ? undefined : formatQuantity(rule.limit, rule.unit);
  if (state === 'resolved') return resolvedSentence(rule, now, limit);

  const relation = rule.direction ?? 'past';
  let sentence = `${subject(rule)} is past its limit`;
  if (now && limit) sentence = `${subject(rule)} is ${now}, ${relation} the limit of ${limit}`;
  else if (now) sentence = `${subject(rule)} is ${now}`;
  else if (limit) sentence = `${subject(rule)} is ${relation} the limit of ${limit}`;

  if (heldFor !== undefined) sentence += `, for ${formatSeconds(heldFor)}`;
  return `${sentence}.`;
}

/** "memory on web is back below the limit of 80% (now 42%)." */
function resolvedSentence(
  rule: AlertRule,
  now: string | undefined,
  limit: string | undefined,
): string {
  const side = { above: 'below', below: 'above' }[rule.direction ?? 'above'];
  let sentence = `${subject(rule)} is back to normal`;
  if (limit) sentence = `${subject(rule)} is back ${rule.direction ? side : 'within'} the limit of ${limit}`;
  if (now) sentence += ` (now ${now})`;
  return `${sentence}.`;
}

/** alert_added and alert_deleted: the description and the rule, such as "Rule: memory on web above 80%." */
export const alertRuleLayout: Layout = (event, data) => {
  const rule = readRule(data);
  const limit = limitText(rule);
  const summary = [event.description];
  if (rule.metric || limit) summary.push(`Rule: ${[subject(rule), limit].filter(Boolean).join(' ')}.`);
  return { headline: event.displayName, summary, fields: ruleFields(rule) };
};
