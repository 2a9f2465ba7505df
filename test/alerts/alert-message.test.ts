import { describe, expect, it } from 'vitest';
import { alertSpecSchema, type AlertSpecInput } from '../../src/api/alert.ts';
import {
  alertEventName,
  lifecycleEvent,
  triggeredEvent,
  type AlertIdentity,
} from '../../src/alerts/alert-events.ts';
import { alertMessage, formatDuration, formatMetricValue } from '../../src/alerts/alert-message.ts';

function alertOf(spec: AlertSpecInput, name = 'shop-cpu'): AlertIdentity {
  return {
    metadata: {
      name,
      namespace: 'shop',
      uid: 'c0ffee00-0000-4000-8000-000000000001',
      generation: 1,
    },
    spec: alertSpecSchema.parse(spec),
  };
}

const cpu = alertOf({ app: 'shop-api', metric: 'cpu', limit: 0.8, notifiers: ['shop-slack'] });

describe('formatMetricValue', () => {
  it.each([
    ['cpu', 0.934, '93.4% of the CPU limit'],
    ['cpu', 2.5, '250% of the CPU limit'],
    ['memory', 0.8, '80% of the memory limit'],
    ['swap', 0.05, '5% of the memory limit'],
    ['rpm', 1234.567, '1234.57 requests/min'],
    ['rpm_per_container', 300, '300 requests/min per container'],
    ['5xx', 0, '0 5xx responses/min'],
    ['p95_response_time', 412.3456, '412.35 ms'],
  ] as const)('formats %s %d as "%s"', (metric, value, expected) => {
    expect(formatMetricValue({ metric }, value)).toBe(expected);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [999, '0s'],
    [45_000, '45s'],
    [370_000, '6m10s'],
    [3_600_000, '1h'],
    [5_430_000, '1h30m30s'],
  ])('formats %d ms as %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});

describe('alertMessage', () => {
  const input = { alertName: 'shop-cpu', spec: cpu.spec, value: 0.934, heldForMs: 370_000 };

  it('states the metric, value, direction, limit, container type and duration', () => {
    expect(alertMessage({ ...input, kind: 'firing' })).toBe(
      'Firing: CPU usage of the web containers of shop-api is 93.4% of the CPU limit, above ' +
        'the alert limit of 80% for 6m10s (alert shop-cpu).',
    );
  });

  it('says a reminder is still firing', () => {
    expect(alertMessage({ ...input, kind: 'reminder' })).toMatch(/^Still firing: /);
  });

  it('says a resolved alert is resolved', () => {
    expect(alertMessage({ ...input, kind: 'resolved', value: 0.42 })).toBe(
      'Resolved: CPU usage of the web containers of shop-api is 42% of the CPU limit, no ' +
        'longer above the alert limit of 80%; the condition held for 6m10s (alert shop-cpu).',
    );
  });

  it('leaves the container type out of app-wide metrics', () => {
    const rpm = alertOf({
      app: 'shop-api',
      metric: 'rpm',
      limit: 10,
      direction: 'below',
      notifiers: ['shop-slack'],
    });
    expect(alertMessage({ ...input, spec: rpm.spec, value: 2, kind: 'firing' })).toBe(
      'Firing: Requests per minute of shop-api is 2 requests/min, below the alert limit of 10 ' +
        'requests/min for 6m10s (alert shop-cpu).',
    );
  });
});

describe('alert AppEvents', () => {
  const notification = {
    kind: 'firing' as const,
    key: 'firing/2026-01-01T00:00:00Z',
    value: 0.934,
    heldForMs: 370_000,
  };

  it('builds the app_alert_triggered event for the alert notifiers', () => {
    const event = triggeredEvent(cpu, notification, Date.parse('2026-01-01T00:06:10Z'));
    expect(event.metadata.namespace).toBe('shop');
    expect(event.metadata.labels).toEqual({
      'herald.dev/alert-uid': 'c0ffee00-0000-4000-8000-000000000001',
    });
    expect(event.spec).toEqual({
      app: 'shop-api',
      type: 'app_alert_triggered',
      occurredAt: '2026-01-01T00:06:10Z',
      actor: 'alert shop-cpu',
      notifiers: ['shop-slack'],
      data: {
        message: alertMessage({
          kind: 'firing',
          alertName: 'shop-cpu',
          spec: cpu.spec,
          value: 0.934,
          heldForMs: 370_000,
        }),
        state: 'firing',
        alert: 'shop-cpu',
        metric: 'cpu',
        value: 0.934,
        limit: 0.8,
        unit: 'fraction of the CPU limit',
        direction: 'above',
        containerType: 'web',
        heldFor: '6m10s',
        since: '2026-01-01T00:00:00Z',
      },
    });
  });

  it('names an event after the alert uid and key only', () => {
    const first = triggeredEvent(cpu, notification, 1_000).metadata.name;
    const again = triggeredEvent(cpu, { ...notification, value: 2 }, 9_000).metadata.name;
    const reminder = triggeredEvent(cpu, { ...notification, kind: 'reminder', key: 'r' }, 0);
    const recreated = { ...cpu, metadata: { ...cpu.metadata, uid: 'another-uid' } };
    expect(first).toMatch(/^shop-cpu-firing-[0-9a-f]{10}$/);
    expect(again).toBe(first);
    expect(reminder.metadata.name).not.toBe(first);
    expect(triggeredEvent(recreated, notification, 0).metadata.name).not.toBe(first);
  });

  it('keeps a long alert name within the limits of an object name', () => {
    const long = alertOf(
      { app: 'shop-api', metric: 'cpu', limit: 1, notifiers: ['n'] },
      `${'a'.repeat(199)}-${'b'.repeat(40)}`,
    );
    const name = alertEventName(long, 'resolved', 'resolved/x');
    expect(name.length).toBeLessThanOrEqual(253);
    expect(name).toMatch(/^a{199}-resolved-[0-9a-f]{10}$/);
  });

  it.each(['alert_added', 'alert_deleted'] as const)('builds the %s event', (type) => {
    const event = lifecycleEvent(cpu, type, Date.parse('2026-01-01T00:00:00Z'));
    expect(event.spec.type).toBe(type);
    expect(event.spec.notifiers).toBeUndefined();
    expect(event.spec.data).toMatchObject({ alert: 'shop-cpu', metric: 'cpu', limit: 0.8 });
    expect(event.metadata.name).toBe(lifecycleEvent(cpu, type, 0).metadata.name);
  });
});
