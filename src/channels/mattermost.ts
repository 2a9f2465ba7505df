import { chatFields, mattermostMarkdown, plainChatText, type ChatField } from './chat-markdown.ts';
import { cleanText, fitText, singleLine, summaryLine } from './format.ts';
import { createJsonChannel } from './json-channel.ts';
import type { Notification } from './types.ts';

/** Colour of the attachment's left border. */
export const mattermostColor = '#1f6feb';

/**
 * One attachment of Mattermost's Slack-compatible payload. Mattermost renders `text` and field
 * values as markdown and scans them for mentions. `fallback`, `title` and `footer` are plain
 * text (developers.mattermost.com, "Use message attachments").
 */
export interface MattermostAttachment {
  fallback: string;
  color: string;
  title: string;
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
const limits = { text: 500, fallback: 1000, title: 250, description: 3000, footer: 300 };

/**
 * Renders the incoming-webhook payload. Every text from the event is neutralised: mentions,
 * links, images and autolinks are broken and markdown is escaped (see chat-markdown.ts).
 */
export function renderMattermostMessage(notification: Notification): MattermostMessage {
  const { event, notifier } = notification;
  const description = cleanText(event.description).trim();
  const summary = summaryLine(event);
  const fallback = description ? `${summary}: ${singleLine(description)}` : summary;
  const footer = `Herald · notifier ${notifier.name} · event ${event.name} (${event.type})`;

  return {
    text: fitText(summary, limits.text, mattermostMarkdown),
    attachments: [
      {
        fallback: fitText(fallback, limits.fallback, plainChatText),
        color: mattermostColor,
        title: fitText(
          singleLine(`${event.displayName} · ${event.app}`),
          limits.title,
          plainChatText,
        ),
        text: fitText(description, limits.description, mattermostMarkdown),
        fields: chatFields(event, mattermostMarkdown),
        footer: fitText(singleLine(footer), limits.footer, plainChatText),
      },
    ],
  };
}

/** The Mattermost incoming-webhook channel. */
export const mattermostChannel = createJsonChannel({
  platform: 'mattermost',
  render: renderMattermostMessage,
});
