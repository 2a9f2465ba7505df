import { slackWebhook } from './fixtures.ts';

/**
 * A spec and the outcome both validators must agree on. `error` is absent when the spec is valid.
 * Otherwise it is a part of the message that parseNotifier or parseAppEvent must produce, starting
 * with the field path.
 */
export interface SpecCase {
  name: string;
  spec: Record<string, unknown>;
  error?: string;
}

const signing = { name: 'shop-hook', key: 'signing-key' };

/** Notifier specs, valid and invalid. */
export const notifierSpecCases: SpecCase[] = [
  {
    name: 'slack with defaults',
    spec: { app: 'shop-api', platform: 'slack', webhook: slackWebhook },
  },
  {
    name: 'email',
    spec: {
      app: 'shop-api',
      platform: 'email',
      email: { to: ['ops@example.com', 'dev@example.org'] },
    },
  },
  {
    name: 'webhook with signing key',
    spec: {
      app: 'shop-api',
      platform: 'webhook',
      webhook: { ...slackWebhook, signingSecretRef: signing },
    },
  },
  {
    name: 'custom selection',
    spec: {
      app: 'shop-api',
      platform: 'mattermost',
      webhook: slackWebhook,
      events: { selection: 'custom', types: ['app_crashed', 'app_stopped'] },
    },
  },
  {
    name: 'deployments plus a type',
    spec: {
      app: 'a',
      platform: 'rocketchat',
      active: false,
      webhook: slackWebhook,
      events: { selection: 'deployments', types: ['app_crashed'] },
    },
  },
  {
    name: 'missing app',
    spec: { platform: 'slack', webhook: slackWebhook },
    error: 'spec.app: is required',
  },
  {
    name: 'uppercase app',
    spec: { app: 'Shop', platform: 'slack', webhook: slackWebhook },
    error: 'spec.app: must be an RFC 1123 label',
  },
  {
    name: 'app of 64 characters',
    spec: { app: 'a'.repeat(64), platform: 'slack', webhook: slackWebhook },
    error: 'spec.app: must be at most 63 characters long',
  },
  {
    name: 'unknown platform',
    spec: { app: 'shop-api', platform: 'teams', webhook: slackWebhook },
    error: 'spec.platform: must be one of: "email", "slack", "webhook", "rocketchat", "mattermost"',
  },
  {
    name: 'active as a string',
    spec: { app: 'shop-api', platform: 'slack', active: 'yes', webhook: slackWebhook },
    error: 'spec.active: must be a boolean, not a string',
  },
  {
    name: 'slack without webhook',
    spec: { app: 'shop-api', platform: 'slack' },
    error:
      'spec.webhook: webhook is required when platform is slack, webhook, rocketchat or mattermost',
  },
  {
    name: 'email without email',
    spec: { app: 'shop-api', platform: 'email' },
    error: 'spec.email: email is required when platform is email; set email.to',
  },
  {
    name: 'email with webhook',
    spec: {
      app: 'shop-api',
      platform: 'email',
      email: { to: ['ops@example.com'] },
      webhook: slackWebhook,
    },
    error: 'spec.webhook: webhook must not be set when platform is email; remove it',
  },
  {
    name: 'slack with email',
    spec: {
      app: 'shop-api',
      platform: 'slack',
      webhook: slackWebhook,
      email: { to: ['ops@example.com'] },
    },
    error: 'spec.email: email must not be set when platform is slack',
  },
  {
    name: 'slack with signing key',
    spec: {
      app: 'shop-api',
      platform: 'slack',
      webhook: { ...slackWebhook, signingSecretRef: signing },
    },
    error:
      'spec.webhook.signingSecretRef: webhook.signingSecretRef is only used when platform is webhook',
  },
  {
    name: 'custom without types',
    spec: {
      app: 'shop-api',
      platform: 'slack',
      webhook: slackWebhook,
      events: { selection: 'custom' },
    },
    error: 'spec.events.types: types must list at least one event type when selection is custom',
  },
  {
    name: 'custom with no types',
    spec: {
      app: 'shop-api',
      platform: 'slack',
      webhook: slackWebhook,
      events: { selection: 'custom', types: [] },
    },
    error: 'spec.events.types: types must list at least one event type when selection is custom',
  },
  {
    name: 'unknown event type',
    spec: {
      app: 'shop-api',
      platform: 'slack',
      webhook: slackWebhook,
      events: { selection: 'custom', types: ['app_crashed', 'app_exploded'] },
    },
    error:
      'spec.events.types[1]: unknown event type "app_exploded"; use one of the types listed by kubectl explain appevent.spec.type',
  },
  {
    name: 'duplicate event type',
    spec: {
      app: 'shop-api',
      platform: 'slack',
      webhook: slackWebhook,
      events: { selection: 'custom', types: ['app_crashed', 'app_crashed'] },
    },
    error: 'spec.events.types[1]: duplicate event type "app_crashed"; list each event type once',
  },
  {
    name: 'unknown selection',
    spec: {
      app: 'shop-api',
      platform: 'slack',
      webhook: slackWebhook,
      events: { selection: 'urgent' },
    },
    error: 'spec.events.selection: must be one of: "all", "deployments", "critical", "custom"',
  },
  {
    name: 'types without selection',
    spec: {
      app: 'shop-api',
      platform: 'slack',
      webhook: slackWebhook,
      events: { types: ['app_crashed'] },
    },
    error: 'spec.events.selection: is required',
  },
  {
    name: 'no recipient',
    spec: { app: 'shop-api', platform: 'email', email: { to: [] } },
    error:
      'spec.email: email needs a recipient: list addresses in to, or set owner or collaborators to true',
  },
  {
    name: 'invalid address',
    spec: {
      app: 'shop-api',
      platform: 'email',
      email: { to: ['ops@example.com', 'not-an-address'] },
    },
    error: 'spec.email.to[1]: must be an email address, such as ops@example.com',
  },
  {
    name: 'duplicate address',
    spec: {
      app: 'shop-api',
      platform: 'email',
      email: { to: ['ops@example.com', 'ops@example.com'] },
    },
    error: 'spec.email.to[1]: duplicate address "ops@example.com"',
  },
  {
    name: 'secret ref without key',
    spec: { app: 'shop-api', platform: 'slack', webhook: { urlSecretRef: { name: 'shop-slack' } } },
    error: 'spec.webhook.urlSecretRef.key: is required',
  },
  {
    name: 'invalid secret name',
    spec: {
      app: 'shop-api',
      platform: 'slack',
      webhook: { urlSecretRef: { name: 'Shop_Slack', key: 'url' } },
    },
    error: 'spec.webhook.urlSecretRef.name: must be an RFC 1123 subdomain',
  },
];

/** AppEvent specs, valid and invalid. */
export const appEventSpecCases: SpecCase[] = [
  { name: 'minimal', spec: { app: 'shop-api', type: 'app_deployed' } },
  {
    name: 'complete',
    spec: {
      app: 'shop-api',
      type: 'app_crashed',
      occurredAt: '2026-01-01T12:00:00.123Z',
      actor: 'ci-pipeline',
      data: { exitCode: 137, container: { name: 'web', restarts: 3 }, tags: ['a', 'b'] },
    },
  },
  {
    name: 'time with offset',
    spec: { app: 'shop-api', type: 'app_deployed', occurredAt: '2026-01-01T12:00:00+02:00' },
  },
  {
    name: 'missing type',
    spec: { app: 'shop-api' },
    error: 'spec.type: is required',
  },
  {
    name: 'unknown type',
    spec: { app: 'shop-api', type: 'app_exploded' },
    error:
      'spec.type: unknown event type "app_exploded"; use one of the types listed by kubectl explain appevent.spec.type',
  },
  {
    name: 'type as a number',
    spec: { app: 'shop-api', type: 7 },
    error: 'spec.type: must be a string naming an event type',
  },
  {
    name: 'invalid time',
    spec: { app: 'shop-api', type: 'app_deployed', occurredAt: 'yesterday' },
    error: 'spec.occurredAt: must be an RFC 3339 date-time, such as 2026-01-01T12:00:00Z',
  },
  {
    name: 'invalid app',
    spec: { app: '-shop', type: 'app_deployed' },
    error: 'spec.app: must be an RFC 1123 label',
  },
  {
    name: 'actor too long',
    spec: { app: 'shop-api', type: 'app_deployed', actor: 'x'.repeat(257) },
    error: 'spec.actor: must be at most 256 characters long',
  },
  {
    name: 'data as a list',
    spec: { app: 'shop-api', type: 'app_deployed', data: ['image'] },
    error: 'spec.data: must be an object, not an array',
  },
];
