import type { Platform } from '../api/platforms.ts';
import type { HttpSender } from '../delivery/http-sender.ts';
import type { MailSender } from '../delivery/mail-sender.ts';

/** The event as a channel renders it. */
export interface NotificationEvent {
  uid: string;
  name: string;
  namespace: string;
  app: string;
  type: string;
  displayName: string;
  description: string;
  /** RFC 3339 timestamp. */
  occurredAt: string;
  actor?: string;
  data: Record<string, unknown>;
}

/** One event addressed to one notifier. */
export interface Notification {
  event: NotificationEvent;
  notifier: { name: string; namespace: string; platform: Platform };
  /**
   * Stable across retries and restarts: `${event.uid}.${notifier.name}`. The webhook channel
   * sends it as the Herald-Delivery header.
   */
  deliveryId: string;
  /**
   * Link to the app on the dashboard, when the operator is given a dashboard base URL. Channels
   * show it as a link; it never comes from the event, so it cannot be injected.
   */
  appUrl?: string;
}

/** The delivery target of one notifier. `url` is a secret, because chat webhook URLs carry a token. */
export interface Destination {
  url?: string;
  signingSecret?: string;
  recipients?: string[];
}

/**
 * The outcome of ONE attempt. `error` is safe to log and to write to a status: it never contains
 * the URL, its path or query, a header, a credential or the message body.
 */
export type AttemptResult =
  | { ok: true; status?: number }
  | { ok: false; retryable: boolean; retryAfterMs?: number; status?: number; error: string };

/** Dependencies of one delivery: the shared senders, a cancellation signal and the clock. */
export interface ChannelContext {
  http: HttpSender;
  mail?: MailSender;
  signal?: AbortSignal;
  now: () => Date;
}

/** One delivery platform. Rendering is separate from delivering, so each can be tested alone. */
export interface Channel {
  readonly platform: Platform;
  /** Checks a destination before any send; returns a message naming the field and the fix, or undefined. */
  checkDestination(destination: Destination): string | undefined;
  /** Makes one delivery attempt. */
  deliver(
    notification: Notification,
    destination: Destination,
    context: ChannelContext,
  ): Promise<AttemptResult>;
}
