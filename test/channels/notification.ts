import type { Notification, NotificationEvent } from '../../src/channels/types.ts';
import { eventTypeInfo, type EventType } from '../../src/api/event-types.ts';
import type { Platform } from '../../src/api/platforms.ts';

/** Builds a realistic notification. `event` overrides fields of the event. */
export function sampleNotification(
  platform: Platform,
  event: Partial<NotificationEvent> = {},
  options: { appUrl?: string } = {},
): Notification {
  const fullEvent: NotificationEvent = {
    uid: '5f0c9a8e-2b1d-4c7e-9f3a-0d1e2f3a4b5c',
    name: 'shop-deployed-7x2kq',
    namespace: 'shop',
    app: 'shop',
    type: 'app_deployed',
    displayName: 'App deployed',
    description: 'An app was deployed',
    occurredAt: '2026-03-01T12:00:00Z',
    actor: 'alice',
    data: { version: '1.4.2', replicas: 3, image: { repository: 'shop', tag: '1.4.2' } },
    ...event,
  };
  return {
    event: fullEvent,
    notifier: { name: 'team-chat', namespace: 'shop', platform },
    deliveryId: `${fullEvent.uid}.team-chat`,
    ...options,
  };
}

/** Dashboard link of the sample app, as the operator builds it. */
export const sampleAppUrl = 'https://dashboard.example.com/apps/shop/shop';

/**
 * Builds a notification of `type` with the catalogue's texts and `data`, for layout tests. The
 * actor is alice, the app shop-api.
 */
export function eventNotification(
  platform: Platform,
  type: EventType,
  data: Record<string, unknown>,
  options: { appUrl?: string; actor?: string } = {},
): Notification {
  const info = eventTypeInfo(type);
  const { appUrl, ...event } = options;
  return sampleNotification(
    platform,
    {
      app: 'shop-api',
      type,
      displayName: info.displayName,
      description: info.description,
      data,
      ...event,
    },
    appUrl === undefined ? {} : { appUrl },
  );
}

/** Strings from an event that must never ping, link or format anything. */
export const hostileText = {
  slackChannel: '<!channel> deploy done',
  slackUser: 'ping <@U123ABC>',
  slackLink: 'see <http://evil.example|the docs>',
  mention: '@channel @here @all @alice',
  markdownLink: '[click here](http://evil.example)',
  markdownImage: '![pixel](http://evil.example/p.png)',
  autolink: 'visit http://evil.example or www.evil.example',
  html: '<script>alert(1)</script>',
} as const;
