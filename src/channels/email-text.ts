import { cleanText, fitText, singleLine, type DetailField } from './format.ts';
import { composeMessage } from './message.ts';
import type { Notification } from './types.ts';

/** Herald's cap on the summary in the body, in characters. */
export const maxEmailSummaryLength = 5000;

/** Renders the plain-text part: headline, summary, link, the fields, details and who sent it. */
export function renderEmailText(
  notification: Notification,
  message = composeMessage(notification),
): string {
  const summary = fitText(cleanText(message.summary.join('\n')), maxEmailSummaryLength);

  const lines = [singleLine(`${message.headline} in ${notification.event.app}`), '', summary, ''];
  if (message.link) lines.push(`${message.link.label}: ${message.link.url}`, '');
  lines.push(...message.context.map(textLine), eventLine(notification));
  if (message.details.length > 0) lines.push('', 'Details:', ...message.details.map(textLine));
  lines.push('', '-- ', emailFooter(notification));
  return lines.join('\n');
}

function textLine(field: DetailField): string {
  // Continuation lines are indented, so a multi-line value stays visibly inside its field.
  return `${field.label}: ${field.value.replace(/\n/g, '\n    ')}`;
}

/** Formats "Event: <name> (<type>)", the line that identifies the AppEvent. */
function eventLine(notification: Notification): string {
  const { event } = notification;
  return `Event: ${singleLine(event.name)} (${singleLine(event.type)})`;
}

/** Formats the footer line, which names the notifier that sent the email. */
export function emailFooter(notification: Notification): string {
  const { notifier } = notification;
  return singleLine(
    `Sent by Herald for notifier ${notifier.name} in namespace ${notifier.namespace}.`,
  );
}
