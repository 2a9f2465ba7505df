import { createHash } from 'node:crypto';
import type { Alert } from '../api/alert.ts';
import type { AppEventSpec } from '../api/app-event.ts';
import { apiVersion, appEventNames } from '../api/group.ts';
import { alertMessage, formatDuration } from './alert-message.ts';
import { metricCatalogue } from './metric-catalogue.ts';
import { timestamp, type AlertNotification } from './state-machine.ts';

/** Label on every AppEvent the alert controller creates: the uid of the Alert. */
export const alertUidLabel = 'herald.dev/alert-uid';

/** An AppEvent as created by the alert controller. */
export interface AlertAppEvent {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: AppEventSpec;
}

/** The Alert fields an event needs; the spec is the parsed one, with defaults. */
export type AlertIdentity = Pick<Alert, 'metadata' | 'spec'>;

/** Keeps room for "-resolved-" and the hash within the 253 characters of an object name. */
const maxNamePrefix = 200;

/**
 * Names the AppEvent of one notification of an alert. The name depends only on the Alert's uid
 * and the notification key, so creating it twice, after a restart or a failed status write,
 * fails with AlreadyExists instead of notifying twice.
 */
export function alertEventName(alert: AlertIdentity, label: string, key: string): string {
  const prefix = alert.metadata.name.slice(0, maxNamePrefix).replace(/[-.]+$/, '');
  const hash = createHash('sha256')
    .update(`${alert.metadata.uid}/${key}`)
    .digest('hex')
    .slice(0, 10);
  return `${prefix}-${label}-${hash}`;
}

/**
 * Builds the `app_alert_triggered` AppEvent of a firing, reminder or resolved notification. It
 * names the alert's notifiers, which receive it whatever event types they select.
 */
export function triggeredEvent(
  alert: AlertIdentity,
  notification: AlertNotification,
  now: number,
): AlertAppEvent {
  const { spec } = alert;
  const info = metricCatalogue[spec.metric];
  const message = alertMessage({
    kind: notification.kind,
    alertName: alert.metadata.name,
    spec,
    value: notification.value,
    heldForMs: notification.heldForMs,
  });
  return appEvent(alert, alertEventName(alert, notification.kind, notification.key), {
    app: spec.app,
    type: 'app_alert_triggered',
    occurredAt: timestamp(now),
    actor: `alert ${alert.metadata.name}`,
    notifiers: [...spec.notifiers],
    data: {
      message,
      state: notification.kind,
      alert: alert.metadata.name,
      metric: spec.metric,
      value: notification.value,
      limit: spec.limit,
      unit: info.percent ? `fraction of ${info.unit}` : info.unit,
      direction: spec.direction,
      containerType: spec.containerType,
      heldFor: formatDuration(notification.heldForMs),
      since: timestamp(now - notification.heldForMs),
    },
  });
}

/** Builds the `alert_added` or `alert_deleted` AppEvent of an Alert; one of each per Alert. */
export function lifecycleEvent(
  alert: AlertIdentity,
  type: 'alert_added' | 'alert_deleted',
  now: number,
): AlertAppEvent {
  const { spec } = alert;
  const label = type === 'alert_added' ? 'added' : 'deleted';
  return appEvent(alert, alertEventName(alert, label, type), {
    app: spec.app,
    type,
    occurredAt: timestamp(now),
    actor: `alert ${alert.metadata.name}`,
    data: {
      alert: alert.metadata.name,
      metric: spec.metric,
      limit: spec.limit,
      direction: spec.direction,
      containerType: spec.containerType,
      for: spec.for,
      notifiers: spec.notifiers.join(', '),
    },
  });
}

function appEvent(alert: AlertIdentity, name: string, spec: AppEventSpec): AlertAppEvent {
  return {
    apiVersion,
    kind: appEventNames.kind,
    metadata: {
      name,
      namespace: alert.metadata.namespace,
      labels: { [alertUidLabel]: alert.metadata.uid },
    },
    spec,
  };
}
