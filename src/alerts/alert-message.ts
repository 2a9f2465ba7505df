import type { AlertSpec } from '../api/alert.ts';
import { metricCatalogue } from './metric-catalogue.ts';
import type { NotificationKind } from './state-machine.ts';

/** Formats a value of a metric with its unit, such as "93% of the CPU limit" or "412 ms". */
export function formatMetricValue(spec: Pick<AlertSpec, 'metric'>, value: number): string {
  const info = metricCatalogue[spec.metric];
  if (info.percent) return `${roundTo(value * 100, 1)}% of ${info.unit}`;
  return `${roundTo(value, 2)} ${info.unit}`;
}

/**
 * Formats a duration in milliseconds in the Go form, to the second: "45s", "6m10s", "1h30m".
 * Durations under one second are "0s".
 */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  let text = '';
  if (hours > 0) text += `${hours}h`;
  if (minutes > 0) text += `${minutes}m`;
  if (seconds > 0 || text === '') text += `${seconds}s`;
  return text;
}

/** Input of alertMessage: the notification and the alert it is about. */
export interface AlertMessageInput {
  kind: NotificationKind;
  alertName: string;
  spec: AlertSpec;
  value: number;
  heldForMs: number;
}

/**
 * Writes the sentence of a notification: the metric and whose it is, the value with its unit,
 * the direction and limit, and how long the condition has held. A resolved message starts with
 * "Resolved", a reminder with "Still firing".
 */
export function alertMessage(input: AlertMessageInput): string {
  const { spec } = input;
  const subject = `${metricCatalogue[spec.metric].title} of ${scope(spec)}`;
  const value = formatMetricValue(spec, input.value);
  const limit = `the alert limit of ${formatLimit(spec)}`;
  const held = formatDuration(input.heldForMs);
  const name = `alert ${input.alertName}`;

  switch (input.kind) {
    case 'firing':
      return `Firing: ${subject} is ${value}, ${spec.direction} ${limit} for ${held} (${name}).`;
    case 'reminder':
      return `Still firing: ${subject} is ${value}, ${spec.direction} ${limit} for ${held} (${name}).`;
    case 'resolved':
      return `Resolved: ${subject} is ${value}, no longer ${spec.direction} ${limit}; the condition held for ${held} (${name}).`;
  }
}

/** Formats the limit without repeating what a percentage is of: "80%" or "450 ms". */
function formatLimit(spec: AlertSpec): string {
  if (metricCatalogue[spec.metric].percent) return `${roundTo(spec.limit * 100, 1)}%`;
  return formatMetricValue(spec, spec.limit);
}

function scope(spec: AlertSpec): string {
  if (metricCatalogue[spec.metric].perContainerType) {
    return `the ${spec.containerType} containers of ${spec.app}`;
  }
  // App-wide metrics ignore the container type; the event data still names it.
  return spec.app;
}

function roundTo(value: number, decimals: number): string {
  return String(Number(value.toFixed(decimals)));
}
