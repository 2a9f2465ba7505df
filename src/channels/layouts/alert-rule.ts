import { singleLine, type DetailField } from '../format.ts';
import type { EventDataReader } from './event-data-reader.ts';
import type { Layout } from './types.ts';
import { formatNames, formatQuantity, formatSeconds } from './values.ts';

/** The rule of an alert, as far as an event's data gives it. */
export interface AlertRule {
  alert?: string;
  metric?: string;
  containerType?: string;
  limit?: number;
  unit?: string;
  direction?: 'above' | 'below';
}

/** Reads the fields that describe an alert's rule. */
export function readAlertRule(data: EventDataReader): AlertRule {
  const rule: AlertRule = {};
  const alert = data.text('alert');
  const metric = data.text('metric');
  const containerType = data.text('containerType');
  const limit = data.number('limit');
  const unit = data.text('unit');
  const direction = data.oneOf('direction', ['above', 'below'] as const);

  if (alert) rule.alert = singleLine(alert);
  if (metric) rule.metric = singleLine(metric);
  if (containerType) rule.containerType = singleLine(containerType);
  if (limit !== undefined) rule.limit = limit;
  if (unit) rule.unit = singleLine(unit);
  if (direction) rule.direction = direction;
  return rule;
}

/** Names what the alert watches: "memory on web", "memory", or "the metric". */
export function ruleSubject(rule: AlertRule): string {
  const metric = rule.metric ?? 'the metric';
  return rule.containerType ? `${metric} on ${rule.containerType}` : metric;
}

/** Formats the limit with its direction: "above 80%", or undefined without a limit. */
export function ruleLimit(rule: AlertRule): string | undefined {
  if (rule.limit === undefined) return undefined;

  const limit = formatQuantity(rule.limit, rule.unit);
  return rule.direction ? `${rule.direction} ${limit}` : limit;
}

/** Lists the metric, the limit and the container type as fields. */
export function ruleFields(rule: AlertRule): DetailField[] {
  const fields: DetailField[] = [];
  const limit = ruleLimit(rule);
  if (rule.metric) fields.push({ label: 'Metric', value: rule.metric });
  if (limit) fields.push({ label: 'Limit', value: limit });
  if (rule.containerType) fields.push({ label: 'Container type', value: rule.containerType });
  return fields;
}

/**
 * alert_added and alert_deleted: the description, then the rule in one sentence, such as "Rule:
 * memory on web above 80% for 5 min."
 */
export const alertRuleLayout: Layout = (event, data) => {
  const rule = readAlertRule(data);
  const holdFor = data.seconds('for');
  const notifiers = data.names('notifiers');

  const fields: DetailField[] = [];
  if (rule.alert) fields.push({ label: 'Alert', value: rule.alert });
  fields.push(...ruleFields(rule));
  if (holdFor !== undefined) fields.push({ label: 'For', value: formatSeconds(holdFor) });
  if (notifiers) fields.push({ label: 'Notifiers', value: formatNames(notifiers) });

  const summary = [event.description];
  const limit = ruleLimit(rule);
  if (rule.metric || limit) {
    let sentence = `Rule: ${ruleSubject(rule)}`;
    if (limit) sentence += ` ${limit}`;
    if (holdFor !== undefined) sentence += ` for ${formatSeconds(holdFor)}`;
    summary.push(`${sentence}.`);
  }
  return { headline: event.displayName, summary, fields };
};
