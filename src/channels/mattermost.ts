import { chatFields, mattermostMarkdown, plainChatText, type ChatField } from './chat-markdown.ts';
import { fitText, singleLine } from './format.ts';
import { createJsonChannel } from './json-channel.ts';
import { composeMessage, messageSubject } from './message.ts';
import type { Notification } from './types.ts';

/** Colour of the attachment's left border. */
export const mattermostColor = '#1f6feb';

/**
 * One attachment of Mattermost's Slack-compatible payload. Mattermost renders `text` and field
 * values as markdown and scans them for mentions. `fallback`, `title` and `footer` are plain
 * text, and `title_link` makes the title a link (developers.mattermost.com, "Use message
 * attachments").
 */
export interface MattermostAttachment {
  fallback: string;
  color: string;
  title: string;
  /** The dashboard link of the app, when the operator knows the dashboard. */
  title_link?: string;
  text: string;
  fields: ChatField[];
  footer: string;
}

/** The JSON body of a Mattermost incoming-webhook request. */
export interface MattermostMessage {
  text: string;
  attachments: MattermostAttachment[];
}

/** Herald's caps, in characters, which keep a post short. */
const limits = { text: 500, fallback: 1000, title: 250, summary: 3000, footer: 300 };

/**
 * Renders the incoming-webhook payload. Every text from the event is neutralised: mentions,
 * links, images and autolinks are broken and markdown is escaped (see chat-markdown.ts).
 */
export function renderMattermostMessage(notification: Notification): MattermostMessage {
  const { event, notifier } = notification;
  const message = composeMessage(notification);
  const subject = messageSubject(notification, message);
  const fallback = `${subject}: ${message.summary[0] ?? ''}`;
  const footer = `Herald · notifier ${notifier.name} · event ${event.name} (${event.type})`;

  const attachment: MattermostAttachment = {
    fallback: fitText(singleLine(fallback), limits.fallback, plainChatText),
    color: mattermostColor,
    title: fitText(singleLine(`${message.headline} · ${event.app}`), limits.title, plainChatText),
    text: fitText(message.summary.join('\n'), limits.summary, mattermostMarkdown),
    fields: chatFields(message, mattermostMarkdown),
    footer: fitText(singleLine(footer), limits.footer, plainChatText),
  };
  if (message.link) attachment.title_link = message.link.url;

  return {
    text: fitText(subject, limits.text, mattermostMarkdown),
    attachments: [attachment],
  };
}

/** The Mattermost incoming-webhook channel. */
export const mattermostChannel = createJsonChannel({
  platform: 'mattermost',
  render: renderMattermostMessage,
});
