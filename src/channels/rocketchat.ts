import { chatFields, plainChatText, rocketChatMarkdown, type ChatField } from './chat-markdown.ts';
import { cleanText, fitText, singleLine, summaryLine } from './format.ts';
import { createJsonChannel } from './json-channel.ts';
import type { Notification } from './types.ts';

/** Colour of the attachment's left border. */
export const rocketChatColor = '#1f6feb';

/** One attachment of a Rocket.Chat incoming-webhook message. */
export interface RocketChatAttachment {
  title: string;
  text: string;
  color: string;
  /** The event time as an ISO 8601 timestamp, left out when the event's time is unparsable. */
  ts?: string;
  fields: ChatField[];
}

/** The JSON body of a Rocket.Chat incoming-webhook request. */
export interface RocketChatMessage {
  text: string;
  attachments: RocketChatAttachment[];
}

/** Herald's caps, in characters. */
const limits = { text: 500, title: 250, description: 3000, footer: 300 };

/**
 * Renders the incoming-webhook payload. Every text from the event is neutralised in the same way
 * as for Mattermost, with the backslash escapes that Rocket.Chat's parser supports.
 */
export function renderRocketChatMessage(notification: Notification): RocketChatMessage {
  const { event, notifier } = notification;
  const description = cleanText(event.description).trim();
  const time = Date.parse(event.occurredAt);
  const footer = `Herald · notifier ${notifier.name} · event ${event.name} (${event.type})`;

  const attachment: RocketChatAttachment = {
    title: fitText(singleLine(`${event.displayName} · ${event.app}`), limits.title, plainChatText),
    text: [
      fitText(description, limits.description, rocketChatMarkdown),
      fitText(singleLine(footer), limits.footer, rocketChatMarkdown),
    ]
      .filter((part) => part !== '')
      .join('\n\n'),
    color: rocketChatColor,
    fields: chatFields(event, rocketChatMarkdown),
  };
  if (!Number.isNaN(time)) attachment.ts = new Date(time).toISOString();

  return {
    text: fitText(summaryLine(event), limits.text, rocketChatMarkdown),
    attachments: [attachment],
  };
}

/** The Rocket.Chat incoming-webhook channel. */
export const rocketChatChannel = createJsonChannel({
  platform: 'rocketchat',
  render: renderRocketChatMessage,
});
