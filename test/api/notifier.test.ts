import { describe, expect, it } from 'vitest';
import {
  notifierSpecSchema,
  notifierStatusSchema,
  parseNotifier,
  readyConditionType,
} from '../../src/api/notifier.ts';
import { slackWebhook, storedNotifier } from './fixtures.ts';
import { notifierSpecCases } from './spec-cases.ts';

const validCases = notifierSpecCases.filter((specCase) => specCase.error === undefined);
const invalidCases = notifierSpecCases.filter((specCase) => specCase.error !== undefined);

describe('parseNotifier', () => {
  it.each(validCases)('accepts $name', ({ spec }) => {
    const parsed = parseNotifier(storedNotifier(spec));
    expect(parsed.ok ? '' : parsed.message).toBe('');
  });

  it.each(invalidCases)('rejects $name', ({ spec, error }) => {
    const parsed = parseNotifier(storedNotifier(spec));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(error);
  });

  it('applies the defaults', () => {
    const parsed = parseNotifier(
      storedNotifier({ app: 'shop-api', platform: 'slack', webhook: slackWebhook }),
    );
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.notifier.spec.active).toBe(true);
    expect(parsed.notifier.spec.events).toEqual({ selection: 'all' });
  });

  it('keeps the metadata it does not read', () => {
    const parsed = parseNotifier(
      storedNotifier(
        { app: 'shop-api', platform: 'slack', webhook: slackWebhook },
        {
          labels: { team: 'shop' },
        },
      ),
    );
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.notifier.metadata.labels).toEqual({ team: 'shop' });
    expect(parsed.notifier.metadata.creationTimestamp).toBe('2026-01-01T00:00:00Z');
  });

  it('drops fields an older CRD had', () => {
    const parsed = parseNotifier(
      storedNotifier({
        app: 'shop-api',
        platform: 'slack',
        webhook: slackWebhook,
        channel: '#ops',
      }),
    );
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.notifier.spec).not.toHaveProperty('channel');
  });

  it('reports every invalid field', () => {
    const parsed = parseNotifier(storedNotifier({ app: 'Shop', platform: 'teams' }));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.message).toContain('spec.app: must be an RFC 1123 label');
    expect(parsed.message).toContain('spec.platform: must be one of');
    expect(parsed.message.split('; spec.')).toHaveLength(2);
  });

  it.each([
    ['missing metadata.uid', { uid: undefined }, 'metadata.uid: is required'],
    ['missing metadata.namespace', { namespace: undefined }, 'metadata.namespace: is required'],
    ['negative generation', { generation: -1 }, 'metadata.generation: must be at least 0'],
  ])('rejects %s', (_name, metadata, error) => {
    const parsed = parseNotifier(
      storedNotifier({ app: 'shop-api', platform: 'slack', webhook: slackWebhook }, metadata),
    );
    expect(parsed.ok ? '' : parsed.message).toBe(error);
  });

  it.each([
    ['null', null, 'must be an object, not null'],
    ['a string', 'notifier', 'must be an object, not a string'],
    [
      'another kind',
      { ...storedNotifier({}), kind: 'AppEvent', spec: undefined },
      'kind: must be one of: "Notifier"',
    ],
  ])('rejects %s', (_name, object, error) => {
    const parsed = parseNotifier(object);
    expect(parsed.ok ? '' : parsed.message).toContain(error);
  });

  it('keeps a valid status', () => {
    const status = {
      observedGeneration: 1,
      conditions: [
        {
          type: readyConditionType,
          status: 'True',
          reason: 'SecretsFound',
          message: 'the webhook URL Secret exists',
          lastTransitionTime: '2026-01-01T00:00:00Z',
          observedGeneration: 1,
        },
      ],
    };
    const spec = { app: 'shop-api', platform: 'slack', webhook: slackWebhook };
    const parsed = parseNotifier(storedNotifier(spec, {}, status));
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.notifier.status).toEqual(status);
  });

  it('drops an invalid status without failing', () => {
    const spec = { app: 'shop-api', platform: 'slack', webhook: slackWebhook };
    const parsed = parseNotifier(storedNotifier(spec, {}, { conditions: [{ type: 'Ready' }] }));
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.notifier.status).toBeUndefined();
  });
});

describe('notifier schemas', () => {
  it('spec schema parses alone', () => {
    const spec = notifierSpecSchema.parse({
      app: 'shop-api',
      platform: 'email',
      email: { to: ['ops@example.com'] },
    });
    expect(spec).toEqual({
      app: 'shop-api',
      platform: 'email',
      active: true,
      events: { selection: 'all' },
      email: { to: ['ops@example.com'], owner: false, collaborators: false },
    });
  });

  it.each([
    [
      'unknown condition status',
      {
        conditions: [
          {
            type: 'Ready',
            status: 'Maybe',
            reason: 'X',
            message: '',
            lastTransitionTime: '2026-01-01T00:00:00Z',
          },
        ],
      },
    ],
    [
      'reason with spaces',
      {
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'not camel',
            message: '',
            lastTransitionTime: '2026-01-01T00:00:00Z',
          },
        ],
      },
    ],
    [
      'missing lastTransitionTime',
      { conditions: [{ type: 'Ready', status: 'True', reason: 'Ok', message: '' }] },
    ],
  ])('status schema rejects %s', (_name, status) => {
    expect(notifierStatusSchema.safeParse(status).success).toBe(false);
  });
});
