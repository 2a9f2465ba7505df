import type { AlertDirection, AlertStatus } from '../api/alert.ts';

/** The parts of an Alert spec that decide its state, with durations in milliseconds. */
export interface AlertRule {
  limit: number;
  direction: AlertDirection;
  /** How long the condition must hold before the alert fires. */
  forMs: number;
  /** Reminder period while firing; 0 sends no reminders. */
  remindMs: number;
}

/** Outcome of one query: a value, or why there is none. */
export type Observation = { ok: true; value: number } | { ok: false; message: string };

/** Kinds of notification an alert sends; each becomes `spec.data.state` of its AppEvent. */
export type NotificationKind = 'firing' | 'reminder' | 'resolved';

/** A notification decided by a transition. */
export interface AlertNotification {
  kind: NotificationKind;
  /**
   * Identifies this notification among all of the alert's notifications. The key derives from the
   * status alone, so a retried or restarted evaluation names the same AppEvent.
   */
  key: string;
  /** Value of the metric that caused it. */
  value: number;
  /** How long the condition had held, in ms. */
  heldForMs: number;
}

/** Result of one evaluation: the new status and the notification to send first, if any. */
export interface Transition {
  status: AlertStatus;
  notification?: AlertNotification;
}

/** Returns whether `value` meets the alert's condition. A value equal to the limit never does. */
export function meetsCondition(rule: AlertRule, value: number): boolean {
  return rule.direction === 'above' ? value > rule.limit : value < rule.limit;
}

/**
 * Computes the next status of an alert from its current status, one observation and the time
 * `now` (ms since the epoch):
 * - ok -> pending when the condition is first met (straight to firing when `forMs` is 0);
 * - pending -> firing once it has been met for `forMs`, with a firing notification;
 * - firing: a reminder once `remindMs` has passed since the last notification;
 * - pending -> ok, or firing -> ok with a resolved notification, once it is no longer met.
 * A failed observation changes nothing but `evaluationError`, so an outage can neither fire nor
 * resolve an alert.
 */
export function nextStatus(
  status: AlertStatus,
  rule: AlertRule,
  observation: Observation,
  now: number,
): Transition {
  if (!observation.ok) {
    return { status: { ...status, evaluationError: observation.message } };
  }

  const { evaluationError: _cleared, ...current } = status;
  const met = meetsCondition(rule, observation.value);
  const value = significant(observation.value);
  switch (current.state ?? 'ok') {
    case 'ok':
      return met ? start(current, rule, value, now) : { status: current };
    case 'pending':
      return met
        ? fireWhenDue(current, rule, value, now)
        : { status: okStatus(current, value, now) };
    case 'firing':
      return met ? remindWhenDue(current, rule, value, now) : resolve(current, value, now);
  }
}

/**
 * Returns the status of an alert that was switched off: ok, without a resolved notification, so
 * switching it on again starts from scratch.
 */
export function pausedStatus(status: AlertStatus, now: number): AlertStatus {
  const { evaluationError: _error, activeAt: _activeAt, ...rest } = status;
  if (status.state === 'ok' && status.since) return rest;
  return { ...rest, state: 'ok', since: timestamp(now) };
}

function start(status: AlertStatus, rule: AlertRule, value: number, now: number): Transition {
  const pending: AlertStatus = {
    ...status,
    state: 'pending',
    since: timestamp(now),
    activeAt: timestamp(now),
    value,
  };
  return rule.forMs <= 0 ? fireWhenDue(pending, rule, value, now) : { status: pending };
}

function fireWhenDue(status: AlertStatus, rule: AlertRule, value: number, now: number): Transition {
  const activeAt = status.activeAt ?? timestamp(now);
  const heldForMs = now - Date.parse(activeAt);
  if (heldForMs < rule.forMs) return { status };

  return {
    status: {
      ...status,
      state: 'firing',
      since: timestamp(now),
      activeAt,
      value,
      lastNotifiedAt: timestamp(now),
    },
    notification: { kind: 'firing', key: `firing/${activeAt}`, value, heldForMs },
  };
}

function remindWhenDue(
  status: AlertStatus,
  rule: AlertRule,
  value: number,
  now: number,
): Transition {
  const last = status.lastNotifiedAt ?? status.since;
  if (rule.remindMs <= 0 || last === undefined) return { status };
  if (now - Date.parse(last) < rule.remindMs) return { status };

  const activeAt = status.activeAt ?? status.since ?? last;
  return {
    status: { ...status, lastNotifiedAt: timestamp(now) },
    notification: {
      kind: 'reminder',
      key: `reminder/${activeAt}/${last}`,
      value,
      heldForMs: now - Date.parse(activeAt),
    },
  };
}

function resolve(status: AlertStatus, value: number, now: number): Transition {
  const activeAt = status.activeAt ?? status.since ?? timestamp(now);
  return {
    status: { ...okStatus(status, value, now), lastNotifiedAt: timestamp(now) },
    notification: {
      kind: 'resolved',
      key: `resolved/${activeAt}`,
      value,
      heldForMs: now - Date.parse(activeAt),
    },
  };
}

function okStatus(status: AlertStatus, value: number, now: number): AlertStatus {
  const { activeAt: _activeAt, ...rest } = status;
  return { ...rest, state: 'ok', since: timestamp(now), value };
}

/** Rounds a value to 6 significant digits for the status and events; comparisons use it whole. */
function significant(value: number): number {
  return Number(value.toPrecision(6));
}

/** Formats a time in ms as RFC 3339 with whole seconds, as Kubernetes writes timestamps. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
