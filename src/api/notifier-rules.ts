import type { EventType, SelectionName } from './event-types.ts';
import type { Platform } from './platforms.ts';
import type { CrossFieldRule } from './rules.ts';

/**
 * The settings block each platform reads. A new platform must be added here, so the schema
 * states which block it requires.
 */
export const platformSettings = {
  email: 'email',
  slack: 'webhook',
  webhook: 'webhook',
  rocketchat: 'webhook',
  mattermost: 'webhook',
} as const satisfies Record<Platform, 'email' | 'webhook'>;

/** Platforms that post to an incoming webhook and need `spec.webhook`. */
export const webhookPlatforms = platformsUsing('webhook');

/** Platforms that send email and need `spec.email`. */
export const emailPlatforms = platformsUsing('email');

/** Fields of a Notifier spec that the cross-field rules read. */
interface SpecFields {
  platform: Platform;
  webhook?: { signingSecretRef?: unknown } | undefined;
  email?: unknown;
}

/** Fields of `spec.events` that the cross-field rules read. */
interface EventsFields {
  selection: SelectionName;
  types?: readonly EventType[] | undefined;
}

/** Rules on `spec` that tie the settings blocks to the platform. */
export const notifierSpecRules: readonly CrossFieldRule<SpecFields>[] = [
  {
    rule: `!(self.platform in ${celList(webhookPlatforms)}) || has(self.webhook)`,
    message: `webhook is required when platform is ${spokenList(webhookPlatforms)}; set webhook.urlSecretRef`,
    path: ['webhook'],
    reason: 'FieldValueRequired',
    isValid: (spec) => !isIn(spec.platform, webhookPlatforms) || spec.webhook !== undefined,
  },
  {
    rule: `self.platform in ${celList(webhookPlatforms)} || !has(self.webhook)`,
    message: `webhook must not be set when platform is ${spokenList(emailPlatforms)}; remove it`,
    path: ['webhook'],
    reason: 'FieldValueForbidden',
    isValid: (spec) => isIn(spec.platform, webhookPlatforms) || spec.webhook === undefined,
  },
  {
    rule: `!(self.platform in ${celList(emailPlatforms)}) || has(self.email)`,
    message: `email is required when platform is ${spokenList(emailPlatforms)}; set email.to`,
    path: ['email'],
    reason: 'FieldValueRequired',
    isValid: (spec) => !isIn(spec.platform, emailPlatforms) || spec.email !== undefined,
  },
  {
    rule: `self.platform in ${celList(emailPlatforms)} || !has(self.email)`,
    message: `email must not be set when platform is ${spokenList(webhookPlatforms)}; remove it`,
    path: ['email'],
    reason: 'FieldValueForbidden',
    isValid: (spec) => isIn(spec.platform, emailPlatforms) || spec.email === undefined,
  },
  {
    rule: "self.platform == 'webhook' || !has(self.webhook) || !has(self.webhook.signingSecretRef)",
    message: 'webhook.signingSecretRef is only used when platform is webhook; remove it',
    path: ['webhook', 'signingSecretRef'],
    reason: 'FieldValueForbidden',
    isValid: (spec) => spec.platform === 'webhook' || spec.webhook?.signingSecretRef === undefined,
  },
];

/** Rules on `spec.events`. */
export const eventsRules: readonly CrossFieldRule<EventsFields>[] = [
  {
    rule: "self.selection != 'custom' || (has(self.types) && size(self.types) > 0)",
    message: 'types must list at least one event type when selection is custom',
    path: ['types'],
    reason: 'FieldValueRequired',
    isValid: (events) => events.selection !== 'custom' || (events.types?.length ?? 0) > 0,
  },
];

/** Fields of `spec.email` that the cross-field rules read. */
interface EmailFields {
  to?: readonly string[] | undefined;
  owner: boolean;
  collaborators: boolean;
}

/** Rules on `spec.email`. */
export const emailRules: readonly CrossFieldRule<EmailFields>[] = [
  {
    rule: '(has(self.to) && size(self.to) > 0) || self.owner || self.collaborators',
    message: 'email needs a recipient: list addresses in to, or set owner or collaborators to true',
    path: [],
    reason: 'FieldValueRequired',
    isValid: (email) => (email.to?.length ?? 0) > 0 || email.owner || email.collaborators,
  },
];

function platformsUsing(block: 'email' | 'webhook'): readonly Platform[] {
  const entries = Object.entries(platformSettings) as [Platform, 'email' | 'webhook'][];
  return entries.filter(([, used]) => used === block).map(([platform]) => platform);
}

function isIn(platform: Platform, list: readonly Platform[]): boolean {
  return list.includes(platform);
}

function celList(values: readonly string[]): string {
  return `[${values.map((value) => `'${value}'`).join(', ')}]`;
}

function spokenList(values: readonly string[]): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}
