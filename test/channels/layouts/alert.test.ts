import { describe, expect, it } from 'vitest';
import { composeMessage } from '../../../src/channels/message.ts';
import { eventNotification } from '../notification.ts';

const memoryRule = {
  alert: 'shop-memory',
  metric: 'memory',
  limit: 80,
  unit: '%',
  direction: 'above',
  containerType: 'web',
};

function triggered(data: Record<string, unknown>) {
  return composeMessage(eventNotification('slack', 'app_alert_triggered', data));
}

describe('alertTriggeredLayout', () => {
  it('shows the metric, the value and the limit of a firing alert', () => {
    const message = triggered({
      ...memoryRule,
      state: 'firing',
      value: 93,
      heldFor: '6m10s',
      since: '2026-03-01T11:53:50Z',
    });

    expect(message.headline).toBe('Alert triggered: memory');
    expect(message.summary).toEqual([
      'Firing: memory on web is 93%, above the limit of 80%, for 6 min 10 s.',
    ]);
    expect(message.details).toEqual([
      { label: 'State', value: 'Firing' },
      { label: 'Alert', value: 'shop-memory' },
      { label: 'Value', value: '93%' },
      { label: 'Metric', value: 'memory' },
      { label: 'Limit', value: 'above 80%' },
      { label: 'Container type', value: 'web' },
      { label: 'Held for', value: '6 min 10 s' },
      { label: 'Since', value: '2026-03-01 11:53:50 UTC' },
    ]);
  });

  it('says plainly that a resolved alert is resolved', () => {
    const message = triggered({ ...memoryRule, state: 'resolved', value: 42 });

    expect(message.headline).toBe('Alert resolved: memory');
    expect(message.summary).toEqual([
      'Resolved: memory on web is back below the limit of 80% (now 42%).',
    ]);
    expect(message.details[0]).toEqual({ label: 'State', value: 'Resolved' });
  });

  it('marks a reminder as still firing', () => {
    const message = triggered({ ...memoryRule, state: 'reminder', value: 91, heldFor: 3600 });

    expect(message.headline).toBe('Alert still firing: memory');
    expect(message.summary).toEqual([
      'Still firing: memory on web is 91%, above the limit of 80%, for 1 h.',
    ]);
    expect(message.details[0]).toEqual({ label: 'State', value: 'Still firing (reminder)' });
  });

  it('treats a missing state as firing', () => {
    const message = triggered({ metric: 'cpu', value: 0.2, limit: 0.1, direction: 'below' });

    expect(message.headline).toBe('Alert triggered: cpu');
    expect(message.summary).toEqual(['Firing: cpu is 0.2, below the limit of 0.1.']);
  });

  it('keeps the display name for an unknown state and lists it', () => {
    const message = triggered({ metric: 'cpu', state: 'pending' });

    expect(message.headline).toBe('Alert triggered: cpu');
    expect(message.summary).toEqual(['Alert: cpu is past its limit.']);
    expect(message.details).toContainEqual({ label: 'State', value: 'pending' });
  });

  it('shows fractions as percentages of their unit', () => {
    const message = triggered({
      metric: 'cpu',
      state: 'resolved',
      value: 0.42,
      limit: 0.8,
      unit: 'fraction of the CPU limit',
      direction: 'above',
    });

    expect(message.summary).toEqual([
      'Resolved: cpu is back below the limit of 80% of the CPU limit (now 42% of the CPU limit).',
    ]);
    expect(message.details).toContainEqual({ label: 'Value', value: '42% of the CPU limit' });
  });

  it("uses the emitter's message as the summary", () => {
    const sentence =
      'Resolved: CPU usage of the web containers of shop-api is 42% of the CPU limit.';

    const message = triggered({ ...memoryRule, state: 'resolved', value: 42, message: sentence });

    expect(message.headline).toBe('Alert resolved: memory');
    expect(message.summary).toEqual([sentence]);
    expect(message.details.map((field) => field.label)).not.toContain('Message');
  });

  it('falls back to the display name without a metric', () => {
    const message = triggered({ state: 'resolved' });

    expect(message.headline).toBe('Alert resolved');
    expect(message.summary).toEqual(['Resolved: the metric is back to normal.']);
  });
});
