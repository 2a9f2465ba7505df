/** Platforms (delivery channels) a Notifier can send through. */
export const platforms = ['email', 'slack', 'webhook', 'rocketchat', 'mattermost'] as const;

/** One platform name. */
export type Platform = (typeof platforms)[number];
