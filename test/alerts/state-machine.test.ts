import { describe, expect, it } from 'vitest';
import type { AlertState, AlertStatus } from '../../src/api/alert.ts';
import {
  meetsCondition,
  nextStatus,
  pausedStatus,
  timestamp,
  type AlertRule,
  type Observation,
  type Transition,
} from '../../src/alerts/state-machine.ts';
import { ManualClock } from '../../src/util/clock.ts';

const minute = 60_000;

/** CPU above 80% for 2 minutes, reminding every 10 minutes. */
const rule: AlertRule = {
  limit: 0.8,
  direction: 'above',
  forMs: 2 * minute,
  remindMs: 10 * minute,
};

const high: Observation = { ok: true, value: 0.93 };
const low: Observation = { ok: true, value: 0.42 };
const outage: Observation = {
  ok: false,
  message: 'connecting to Prometheus failed with ECONNREFUSED',
};

/** Feeds observations to the state machine, advancing the clock before each. */
class Evaluator {
  readonly clock = new ManualClock();
  status: AlertStatus = {};
  readonly notifications: NonNullable<Transition['notification']>[] = [];

  private readonly alertRule: AlertRule;

  constructor(alertRule: AlertRule = rule, status: AlertStatus = {}) {
    this.alertRule = alertRule;
    this.status = status;
  }

  async step(observation: Observation, afterMs = 0): Promise<Transition> {
    await this.clock.advance(afterMs);
    const transition = nextStatus(this.status, this.alertRule, observation, this.clock.now());
    this.status = transition.status;
    if (transition.notification) this.notifications.push(transition.notification);
    return transition;
  }

  kinds(): string[] {
    return this.notifications.map((each) => each.kind);
  }
}

describe('meetsCondition', () => {
  it.each([
    ['above', 0.81, true],
    ['above', 0.8, false],
    ['above', 0.79, false],
    ['below', 0.79, true],
    ['below', 0.8, false],
    ['below', 0.81, false],
  ] as const)('%s the limit with %d is %s', (direction, value, expected) => {
    expect(meetsCondition({ ...rule, direction }, value)).toBe(expected);
  });
});

describe('alert state machine', () => {
  it('stays ok while the condition does not hold', async () => {
    const evaluator = new Evaluator();
    const transition = await evaluator.step(low);
    expect(transition.notification).toBeUndefined();
    expect(evaluator.status.state ?? 'ok').toBe('ok');
  });

  it('goes pending when the condition first holds', async () => {
    const evaluator = new Evaluator();
    await evaluator.step(high);
    const now = timestamp(evaluator.clock.now());
    expect(evaluator.status).toEqual({ state: 'pending', since: now, activeAt: now, value: 0.93 });
    expect(evaluator.notifications).toEqual([]);
  });

  it('fires once the condition held for the trigger duration', async () => {
    const evaluator = new Evaluator();
    await evaluator.step(high);
    const activeAt = evaluator.status.activeAt;
    await evaluator.step(high, minute);
    expect(evaluator.status.state).toBe('pending');

    const fired = await evaluator.step({ ok: true, value: 0.95 }, minute);
    expect(evaluator.status.state).toBe('firing');
    expect(evaluator.status.since).toBe(timestamp(evaluator.clock.now()));
    expect(evaluator.status.activeAt).toBe(activeAt);
    expect(evaluator.status.value).toBe(0.95);
    expect(evaluator.status.lastNotifiedAt).toBe(timestamp(evaluator.clock.now()));
    expect(fired.notification).toEqual({
      kind: 'firing',
      key: `firing/${activeAt}`,
      value: 0.95,
      heldForMs: 2 * minute,
    });
  });

  it('fires on the first evaluation when the trigger duration is 0', async () => {
    const evaluator = new Evaluator({ ...rule, forMs: 0 });
    await evaluator.step(high);
    expect(evaluator.status.state).toBe('firing');
    expect(evaluator.kinds()).toEqual(['firing']);
  });

  it('returns to ok from pending without a notification', async () => {
    const evaluator = new Evaluator();
    await evaluator.step(high);
    await evaluator.step(low, minute);
    expect(evaluator.status.state).toBe('ok');
    expect(evaluator.status.activeAt).toBeUndefined();
    expect(evaluator.status.value).toBe(0.42);
    expect(evaluator.notifications).toEqual([]);
  });

  it('restarts the trigger duration after a dip', async () => {
    const evaluator = new Evaluator();
    await evaluator.step(high);
    await evaluator.step(low, minute);
    await evaluator.step(high, 30_000);
    await evaluator.step(high, minute + 30_000);
    expect(evaluator.status.state).toBe('pending');
    await evaluator.step(high, 30_000);
    expect(evaluator.status.state).toBe('firing');
  });

  it('reminds every remind period while firing', async () => {
    const evaluator = new Evaluator({ ...rule, forMs: 0 });
    await evaluator.step(high);
    await evaluator.step(high, 9 * minute);
    expect(evaluator.kinds()).toEqual(['firing']);

    await evaluator.step(high, minute);
    await evaluator.step(high, 5 * minute);
    await evaluator.step(high, 5 * minute);
    expect(evaluator.kinds()).toEqual(['firing', 'reminder', 'reminder']);
    const [first, second] = evaluator.notifications.slice(1);
    expect(first?.key).not.toBe(second?.key);
    expect(second?.heldForMs).toBe(20 * minute);
    expect(evaluator.status.state).toBe('firing');
  });

  it('sends no reminders when the remind period is 0', async () => {
    const evaluator = new Evaluator({ ...rule, forMs: 0, remindMs: 0 });
    await evaluator.step(high);
    await evaluator.step(high, 60 * minute);
    expect(evaluator.kinds()).toEqual(['firing']);
  });

  it('resolves with a notification when the condition stops', async () => {
    const evaluator = new Evaluator();
    await evaluator.step(high);
    const activeAt = evaluator.status.activeAt;
    await evaluator.step(high, 2 * minute);
    const resolved = await evaluator.step(low, 3 * minute);
    expect(resolved.notification).toEqual({
      kind: 'resolved',
      key: `resolved/${activeAt}`,
      value: 0.42,
      heldForMs: 5 * minute,
    });
    const now = timestamp(evaluator.clock.now());
    expect(evaluator.status).toEqual({ state: 'ok', since: now, value: 0.42, lastNotifiedAt: now });
  });

  it('fires below the limit when the direction is below', async () => {
    const evaluator = new Evaluator({ limit: 10, direction: 'below', forMs: 0, remindMs: 0 });
    await evaluator.step({ ok: true, value: 12 });
    expect(evaluator.status.state ?? 'ok').toBe('ok');
    await evaluator.step({ ok: true, value: 3 }, minute);
    await evaluator.step({ ok: true, value: 11 }, minute);
    expect(evaluator.kinds()).toEqual(['firing', 'resolved']);
  });
});

describe('alert state machine during evaluation errors', () => {
  /** Brings a new evaluator into `state`. */
  async function evaluatorIn(state: AlertState): Promise<Evaluator> {
    const evaluator = new Evaluator();
    if (state === 'ok') await evaluator.step(low);
    if (state === 'pending') await evaluator.step(high);
    if (state === 'firing') {
      await evaluator.step(high);
      await evaluator.step(high, 2 * minute);
    }
    evaluator.notifications.length = 0;
    return evaluator;
  }

  it.each(['ok', 'pending', 'firing'] as const)('keeps %s and records the error', async (state) => {
    const evaluator = await evaluatorIn(state);
    const before = evaluator.status;
    await evaluator.step(outage, 30 * minute);
    expect(evaluator.status).toEqual({ ...before, evaluationError: outage.message });
    expect(evaluator.notifications).toEqual([]);
  });

  it('clears the error on the next successful evaluation', async () => {
    const evaluator = await evaluatorIn('ok');
    await evaluator.step(outage, minute);
    await evaluator.step(low, minute);
    expect(evaluator.status.evaluationError).toBeUndefined();
  });

  it('fires after an outage only when the condition still holds', async () => {
    const evaluator = await evaluatorIn('pending');
    await evaluator.step(outage, 5 * minute);
    expect(evaluator.status.state).toBe('pending');
    await evaluator.step(high, minute);
    expect(evaluator.kinds()).toEqual(['firing']);
  });

  it('sends no reminder while queries fail', async () => {
    const evaluator = await evaluatorIn('firing');
    await evaluator.step(outage, 30 * minute);
    expect(evaluator.notifications).toEqual([]);
  });
});

describe('alert state machine across restarts', () => {
  it('gives a resumed evaluation the same notification key', async () => {
    const first = new Evaluator();
    await first.step(high);
    const stored = structuredClone(first.status);
    await first.step(high, 2 * minute);

    // A second operator that starts from the stored status decides the same notification.
    const second = new Evaluator(rule, stored);
    await second.clock.advance(first.clock.now() - second.clock.now());
    await second.step(high);
    expect(second.notifications).toEqual(first.notifications);
  });

  it('keeps the pending duration of the stored status', async () => {
    const first = new Evaluator();
    await first.step(high);
    const restarted = new Evaluator(rule, structuredClone(first.status));
    await restarted.step(high, 2 * minute);
    expect(restarted.kinds()).toEqual(['firing']);
  });
});

describe('pausedStatus', () => {
  it('returns a firing alert to ok without clearing its value', () => {
    const clock = new ManualClock();
    const status: AlertStatus = {
      state: 'firing',
      since: '2025-12-31T23:00:00Z',
      activeAt: '2025-12-31T22:58:00Z',
      value: 0.93,
      lastNotifiedAt: '2025-12-31T23:00:00Z',
      evaluationError: 'Prometheus answered with HTTP 503',
    };
    expect(pausedStatus(status, clock.now())).toEqual({
      state: 'ok',
      since: timestamp(clock.now()),
      value: 0.93,
      lastNotifiedAt: '2025-12-31T23:00:00Z',
    });
  });

  it('leaves an ok alert as it is', () => {
    const status: AlertStatus = { state: 'ok', since: '2025-12-31T23:00:00Z', value: 0.1 };
    expect(pausedStatus(status, Date.now())).toEqual(status);
  });
});
