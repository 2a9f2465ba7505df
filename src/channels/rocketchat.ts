import { chatFields, plainChatText, rocketChatMarkdown, type ChatField } from './chat-markdown.ts';
import { fitText, singleLine } from './format.ts';
import { createJsonChannel } from './json-channel.ts';
import { composeMessage, messageSubject } from './message.ts';
import type { Notification } from './types.ts';

/** Colour of the attachment's left border. */
export const rocketChatColor = '#1f6feb';

/** One attachment of a Rocket.Chat incoming-webhook message. */
export interface RocketChatAttachment {
  title: string;
  /** The dashboard link of the app, which makes the title a link. */
  title_link?: string;
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
const limits = { text: 500, title: 250, summary: 3000, footer: 300 };

/**
 * Renders the incoming-webhook payload. Every text from the event is neutralised in the same way
 * as for Mattermost, with the backslash escapes that Rocket.Chat's parser supports.
 */
export function renderRocketChatMessage(notification: Notification): RocketChatMessage {
  const { event, notifier } = notification;
  const message = composeMessage(notification);
  const time = Date.parse(event.occurredAt);
  const footer = `Herald · notifier ${notifier.name} · event ${event.name} (${event.type})`;

  const attachment: RocketChatAttachment = {
    title: fitText(singleLine(`${message.headline} · ${event.app}`), limits.title, plainChatText),
    text: [
      fitText(message.summary.join('\n'), limits.summary, rocketChatMarkdown),
      fitText(singleLine(footer), limits.footer, rocketChatMarkdown),
    ].join('\n\n'),
    color: rocketChatColor,
    fields: chatFields(message, rocketChatMarkdown),
  };
  if (message.link) attachment.title_link = message.link.url;
  if (!Number.isNaN(time)) attachment.ts = new Date(time).toISOString();

  return {
    text: fitText(messageSubject(notification, message), limits.text, rocketChatMarkdown),
    attachments: [attachment],
  };
}

/** The Rocket.Chat incoming-webhook channel. */
export const rocketChatChannel = createJsonChannel({
  platform: 'rocketchat',
  render: renderRocketChatMessage,
});
