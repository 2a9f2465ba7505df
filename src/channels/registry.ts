import type { Platform } from '../api/platforms.ts';
import { emailChannel } from './email.ts';
import { mattermostChannel } from './mattermost.ts';
import { rocketChatChannel } from './rocketchat.ts';
import { slackChannel } from './slack.ts';
import type { Channel } from './types.ts';
import { webhookChannel } from './webhook.ts';

/** Every channel. Adding a platform is one channel file, its test and one entry here. */
const allChannels: readonly Channel[] = [
  emailChannel,
  mattermostChannel,
  rocketChatChannel,
  slackChannel,
  webhookChannel,
];

/** The channel of each platform. */
export const channels: ReadonlyMap<Platform, Channel> = new Map(
  allChannels.map((channel) => [channel.platform, channel]),
);
