import type { Notification, NotificationEvent } from '../../src/channels/types.ts';
import type { Platform } from '../../src/api/platforms.ts';

/** Builds a realistic notification. `event` overrides fields of the event. */
export function sampleNotification(
  platform: Platform,
  event: Partial<NotificationEvent> = {},
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
  };
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
