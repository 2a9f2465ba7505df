import {
  ellipsis,
  fitText,
  formatTimestamp,
  graphemes,
  singleLine,
  type DetailField,
  type Escaper,
} from './format.ts';
import { createJsonChannel } from './json-channel.ts';
import { composeMessage, messageSubject, type Message, type MessageLink } from './message.ts';
import type { Notification } from './types.ts';

/**
 * Limits of Slack's Block Kit (docs.slack.dev, "Header block" and "Section block"): a header's
 * plain_text at most 150 characters, a section's text at most 3000, at most 10 fields per
 * section and 2000 characters per field.
 */
export const slackLimits = {
  header: 150,
  sectionText: 3000,
  fieldsPerSection: 10,
  fieldText: 2000,
  /** Herald's own cap on the `text` fallback, which Slack shows in notifications. */
  fallbackText: 3000,
} as const;

/** A Slack text object. */
interface SlackText {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
}

/** One Block Kit block, as far as Herald uses them. */
export type SlackBlock =
  | { type: 'header'; text: SlackText }
  | { type: 'section'; text: SlackText }
  | { type: 'section'; fields: SlackText[] }
  | { type: 'context'; elements: SlackText[] };

/** The JSON body of a Slack incoming-webhook request. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/**
 * Escapes the three characters that Slack parses as control characters (`&`, `<`, `>`), so
 * that `<!channel>`, `<@U123>` and `<http://x|y>` from an event neither ping nor link.
 */
export const slackEscape: Escaper = (characters) =>
  characters.map((character) => {
    if (character === '&') return '&amp;';
    if (character === '<') return '&lt;';
    if (character === '>') return '&gt;';
    return character;
  });

/** Renders the incoming-webhook payload: a `text` fallback and the Block Kit blocks. */
export function renderSlackMessage(notification: Notification): SlackMessage {
  const message = composeMessage(notification);
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: headerText(notification, message), emoji: true },
    },
    { type: 'section', text: { type: 'mrkdwn', text: summarySectionText(message) } },
  ];

  const context = message.context.map((field) =>
    field.label === 'When' ? slackTimeField(notification.event.occurredAt) : slackField(field),
  );
  blocks.push({ type: 'section', fields: context });

  if (message.details.length > 0) {
    blocks.push({ type: 'section', fields: detailSlackFields(message.details) });
  }

  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: contextText(notification) }],
  });

  return { text: fallbackText(notification, message), blocks };
}

function headerText(notification: Notification, message: Message): string {
  return fitText(
    singleLine(`${message.headline} · ${notification.event.app}`),
    slackLimits.header,
    slackEscape,
  );
}

/**
 * Formats the summary, then the dashboard link on its own line. The summary is cut first, so the
 * link always fits within the section's limit.
 */
function summarySectionText(message: Message): string {
  const link = message.link ? slackLink(message.link) : undefined;
  const room = slackLimits.sectionText - (link ? link.length + 1 : 0);
  const summary = fitText(message.summary.join('\n'), room, slackEscape);
  return link ? `${summary}\n${link}` : summary;
}

/**
 * Formats a link as `<url|label>`, or returns undefined for a URL too long to leave room for the
 * summary. `&`, `<` and `>` are escaped as everywhere in Slack text, and `|`, which would end the
 * URL, is percent-encoded.
 */
export function slackLink(link: MessageLink): string | undefined {
  const url = slackEscape(graphemes(link.url.replaceAll('|', '%7C'))).join('');
  if (url.length > slackLimits.sectionText / 2) return undefined;

  const label = fitText(link.label.replaceAll('|', '/'), 200, slackEscape);
  return `<${url}|${label}>`;
}

function fallbackText(notification: Notification, message: Message): string {
  const line = `${messageSubject(notification, message)}: ${message.summary[0] ?? ''}`;
  return fitText(singleLine(line), slackLimits.fallbackText, slackEscape);
}

/** Formats a field as "*Label*\nvalue" within Slack's per-field limit. */
function slackField(field: DetailField): SlackText {
  const label = fitText(field.label, 100, slackEscape);
  const room = slackLimits.fieldText - label.length - 3;
  return { type: 'mrkdwn', text: `*${label}*\n${fitText(field.value, room, slackEscape)}` };
}

/**
 * Formats the time as a Slack date token, which each reader sees in their own time zone. The
 * token is built from the parsed time, never from event text, and the fallback after `|` is
 * escaped.
 */
function slackTimeField(occurredAt: string): SlackText {
  const time = Date.parse(occurredAt);
  const fallback = fitText(formatTimestamp(occurredAt), 100, slackEscape);
  if (Number.isNaN(time)) return { type: 'mrkdwn', text: `*When*\n${fallback}` };

  const seconds = Math.floor(time / 1000);
  return {
    type: 'mrkdwn',
    text: `*When*\n<!date^${seconds}^{date_short_pretty} {time_secs}|${fallback}>`,
  };
}

/** Formats the details. Past Slack's 10, the last field counts the fields left out. */
function detailSlackFields(details: DetailField[]): SlackText[] {
  const max = slackLimits.fieldsPerSection;
  if (details.length <= max) return details.map(slackField);

  const visible = details.slice(0, max - 1).map(slackField);
  const hidden = details.length - visible.length;
  visible.push({ type: 'mrkdwn', text: `*${ellipsis}*\n${hidden} more details not shown` });
  return visible;
}

function contextText(notification: Notification): string {
  const { event, notifier } = notification;
  const text = `Herald · notifier ${notifier.name} · event ${event.name} (${event.type})`;
  return fitText(singleLine(text), slackLimits.sectionText, slackEscape);
}

/** The Slack incoming-webhook channel. */
export const slackChannel = createJsonChannel({ platform: 'slack', render: renderSlackMessage });
