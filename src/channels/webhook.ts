import { createHmac } from 'node:crypto';
import type { Platform } from '../api/platforms.ts';
import { createJsonChannel } from './json-channel.ts';
import { redactEventData } from './redact.ts';
import type { Notification } from './types.ts';

/** The JSON body of a generic webhook delivery. See docs/channels.md for the receiver's side. */
export interface WebhookPayload {
  /** Same as the Herald-Delivery header. It is stable across retries, so receivers can deduplicate. */
  deliveryId: string;
  event: {
    /** The AppEvent's uid. */
    id: string;
    name: string;
    type: string;
    displayName: string;
    /** The event type's description, such as "An app was deployed". */
    description: string;
    app: string;
    namespace: string;
    /** RFC 3339 timestamp, as the emitter recorded it. */
    occurredAt: string;
    /** The actor that caused the event, or null when the emitter named none. */
    actor: string | null;
    /**
     * The event's data, with every value that may be a secret (such as a variable's value)
     * replaced by null. See redactEventData.
     */
    data: Record<string, unknown>;
    /** Link to the app on the dashboard, or null when the operator has no dashboard URL. */
    appUrl: string | null;
  };
  notifier: { name: string; namespace: string; platform: Platform };
}

/**
 * Renders the payload: the whole event document. Values are passed through unescaped and
 * uncapped, because receivers are programs, except that values that may be secrets are nulled.
 */
export function renderWebhookPayload(notification: Notification): WebhookPayload {
  const { event, notifier } = notification;
  return {
    deliveryId: notification.deliveryId,
    event: {
      id: event.uid,
      name: event.name,
      type: event.type,
      displayName: event.displayName,
      description: event.description,
      app: event.app,
      namespace: event.namespace,
      occurredAt: event.occurredAt,
      actor: event.actor ?? null,
      data: redactEventData(event.type, event.data),
      appUrl: notification.appUrl ?? null,
    },
    notifier: { name: notifier.name, namespace: notifier.namespace, platform: notifier.platform },
  };
}

/**
 * Computes the Herald-Signature header value: `t=<unix seconds>,v1=<hex HMAC-SHA256>`, where the
 * HMAC key is the signing secret and the message is `<t>.<body>`. Binding the time into the
 * signature lets a receiver reject replays of an old delivery.
 */
export function signWebhookBody(body: string, secret: string, unixSeconds: number): string {
  const signature = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${signature}`;
}

/**
 * The generic webhook channel: JSON with Herald-Delivery, and Herald-Signature when the
 * destination has a signing secret, signed at the time of each attempt (context.now()).
 */
export const webhookChannel = createJsonChannel({
  platform: 'webhook',
  render: renderWebhookPayload,
  headers: (notification, body, destination, context) => {
    const headers: Record<string, string> = { 'herald-delivery': notification.deliveryId };
    if (destination.signingSecret) {
      const unixSeconds = Math.floor(context.now().getTime() / 1000);
      headers['herald-signature'] = signWebhookBody(body, destination.signingSecret, unixSeconds);
    }
    return headers;
  },
});
