import type { AppEventStatus } from '../../src/api/app-event.ts';

/** A Slack webhook block that passes validation. */
export const slackWebhook = { urlSecretRef: { name: 'shop-slack', key: 'url' } };

/** Wraps a spec into a stored Notifier, as an informer delivers it. */
export function storedNotifier(
  spec: unknown,
  metadata: Record<string, unknown> = {},
  status?: unknown,
): Record<string, unknown> {
  return {
    apiVersion: 'herald.dev/v1alpha1',
    kind: 'Notifier',
    metadata: {
      name: 'shop-slack',
      namespace: 'shop',
      uid: '6f1c2a8e-0000-4000-8000-000000000001',
      generation: 1,
      resourceVersion: '42',
      creationTimestamp: '2026-01-01T00:00:00Z',
      ...metadata,
    },
    spec,
    ...(status === undefined ? {} : { status }),
  };
}

/** Wraps a spec into a stored AppEvent, as an informer delivers it. */
export function storedAppEvent(spec: unknown, status?: unknown): Record<string, unknown> {
  return {
    apiVersion: 'herald.dev/v1alpha1',
    kind: 'AppEvent',
    metadata: {
      name: 'shop-api-deployed-1',
      namespace: 'shop',
      uid: '6f1c2a8e-0000-4000-8000-000000000002',
      generation: 1,
      creationTimestamp: '2026-01-01T00:00:00Z',
    },
    spec,
    ...(status === undefined ? {} : { status }),
  };
}

/** An AppEvent status with one delivery of each state. */
export const sampleAppEventStatus: AppEventStatus = {
  phase: 'PartiallyFailed',
  processedAt: '2026-01-01T00:00:01Z',
  observedGeneration: 1,
  message: '1 of 3 deliveries failed',
  deliveries: [
    {
      notifier: 'shop-slack',
      platform: 'slack',
      state: 'Delivered',
      attempts: 1,
      lastAttemptAt: '2026-01-01T00:00:01Z',
      deliveredAt: '2026-01-01T00:00:02Z',
    },
    {
      notifier: 'shop-mail',
      platform: 'email',
      state: 'Failed',
      attempts: 5,
      lastError: 'SMTP server answered 550',
      lastAttemptAt: '2026-01-01T00:10:00Z',
    },
    { notifier: 'shop-hook', platform: 'webhook', state: 'Pending', attempts: 0 },
  ],
};
