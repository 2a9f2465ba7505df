import { describe, expect, it } from 'vitest';
import {
  appEventPhases,
  appEventStatusSchema,
  deliveryRecordSchema,
  deliveryStates,
  parseAppEvent,
} from '../../src/api/app-event.ts';
import { sampleAppEventStatus, storedAppEvent } from './fixtures.ts';
import { appEventSpecCases } from './spec-cases.ts';

const validCases = appEventSpecCases.filter((specCase) => specCase.error === undefined);
const invalidCases = appEventSpecCases.filter((specCase) => specCase.error !== undefined);

describe('parseAppEvent', () => {
  it.each(validCases)('accepts $name', ({ spec }) => {
    const parsed = parseAppEvent(storedAppEvent(spec));
    expect(parsed.ok ? '' : parsed.message).toBe('');
  });

  it.each(invalidCases)('rejects $name', ({ spec, error }) => {
    const parsed = parseAppEvent(storedAppEvent(spec));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(error);
  });

  it('keeps free-form data as it is', () => {
    const data = { image: 'registry.example.com/shop:1.2.3', nested: { list: [1, 'two', null] } };
    const parsed = parseAppEvent(storedAppEvent({ app: 'shop-api', type: 'app_deployed', data }));
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.event.spec.data).toEqual(data);
  });

  it('keeps a valid status', () => {
    const parsed = parseAppEvent(
      storedAppEvent({ app: 'shop-api', type: 'app_deployed' }, sampleAppEventStatus),
    );
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.event.status).toEqual(sampleAppEventStatus);
  });

  it('reports an invalid status', () => {
    const status = { ...sampleAppEventStatus, phase: 'Done' };
    const parsed = parseAppEvent(storedAppEvent({ app: 'shop-api', type: 'app_deployed' }, status));
    expect(parsed.ok ? '' : parsed.message).toBe(
      `status.phase: must be one of: ${appEventPhases.map((phase) => `"${phase}"`).join(', ')}`,
    );
  });

  it('names the delivery of an invalid record', () => {
    const deliveries = [
      ...(sampleAppEventStatus.deliveries ?? []),
      { notifier: 'shop-pager', platform: 'slack', state: 'Lost' },
    ];
    const status = { ...sampleAppEventStatus, deliveries };
    const parsed = parseAppEvent(storedAppEvent({ app: 'shop-api', type: 'app_deployed' }, status));
    expect(parsed.ok ? '' : parsed.message).toBe(
      'status.deliveries[3].state: must be one of: "Pending", "Delivered", "Failed"',
    );
  });
});

describe('delivery record schema', () => {
  it('defaults attempts to 0', () => {
    const record = deliveryRecordSchema.parse({
      notifier: 'shop-slack',
      platform: 'slack',
      state: 'Pending',
    });
    expect(record.attempts).toBe(0);
  });

  it.each([
    ['negative attempts', { attempts: -1 }],
    ['fractional attempts', { attempts: 1.5 }],
    ['unknown state', { state: 'Queued' }],
    ['unknown platform', { platform: 'teams' }],
    ['invalid time', { deliveredAt: 'now' }],
    ['long error', { lastError: 'e'.repeat(1025) }],
  ])('rejects %s', (_name, change) => {
    const record = { notifier: 'shop-slack', platform: 'slack', state: 'Failed', ...change };
    expect(deliveryRecordSchema.safeParse(record).success).toBe(false);
  });

  it('lists the states and phases of the API', () => {
    expect(deliveryStates).toEqual(['Pending', 'Delivered', 'Failed']);
    expect(appEventPhases).toEqual([
      'Pending',
      'Delivered',
      'PartiallyFailed',
      'Failed',
      'Expired',
      'NoMatch',
    ]);
  });

  it('status schema accepts an empty status', () => {
    expect(appEventStatusSchema.parse({})).toEqual({});
  });
});
