import { createHash } from 'node:crypto';
import { testAnnotation, type Notifier } from '../api/notifier.ts';
import type { Notification } from '../channels/types.ts';

/**
 * Builds the test notification of a notifier: a message stating that it is a test, with no event
 * behind it, rendered by each channel's generic layout.
 */
export function testNotification(
  notifier: Notifier,
  now: Date,
  dashboardUrl?: string,
): Notification {
  const { metadata, spec } = notifier;
  const request = metadata.annotations?.[testAnnotation] ?? '';
  return {
    event: {
      uid: `test-${metadata.uid}`,
      name: `${metadata.name}-test`,
      namespace: metadata.namespace,
      app: spec.app,
      type: 'test_notification',
      displayName: 'Test notification',
      description: `Herald test notification through notifier ${metadata.name}: it can deliver.`,
      occurredAt: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      actor: 'herald-operator',
      data: {},
    },
    notifier: { name: metadata.name, namespace: metadata.namespace, platform: spec.platform },
    ...(dashboardUrl
      ? {
          appUrl: `${dashboardUrl}/${encodeURIComponent(metadata.namespace)}/${encodeURIComponent(spec.app)}`,
        }
      : {}),
    // A digest, because the annotation may hold any text and the id goes into an HTTP header.
    deliveryId: `test-${metadata.uid}.${createHash('sha256').update(request).digest('hex').slice(0, 16)}`,
  };
}
