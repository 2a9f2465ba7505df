import {
  cleanText,
  dataFields,
  fitText,
  singleLine,
  summaryFields,
  summaryLine,
  type DetailField,
} from './format.ts';
import type { Notification } from './types.ts';

/** A rendered email, without the recipients. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Herald's cap on the subject, in characters. */
const maxSubjectLength = 200;

/** Herald's cap on the description in the body, in characters. */
const maxDescriptionLength = 5000;

/** Renders the subject, the plain-text part and the HTML part of a notification email. */
export function renderEmail(notification: Notification): RenderedEmail {
  return {
    subject: renderEmailSubject(notification),
    text: renderEmailText(notification),
    html: renderEmailHtml(notification),
  };
}

/**
 * Renders "[<app>] <display name>" on one line. CR, LF and every other control character are
 * replaced, so nothing from an event can end the Subject header and add another.
 */
export function renderEmailSubject(notification: Notification): string {
  return fitText(summaryLine(notification.event), maxSubjectLength);
}

/** Renders the plain-text part: title, description, the fields, and who sent it. */
export function renderEmailText(notification: Notification): string {
  const { event } = notification;
  const description = fitText(cleanText(event.description).trim(), maxDescriptionLength);
  const fields = summaryFields(event);
  const details = dataFields(event);

  const lines = [singleLine(`${event.displayName} in ${event.app}`), ''];
  if (description) lines.push(description, '');
  lines.push(...fields.map(textLine), ...eventLines(notification));
  if (details.length > 0) lines.push('', 'Details:', ...details.map(textLine));
  lines.push('', '-- ', footerText(notification));
  return lines.join('\n');
}

function textLine(field: DetailField): string {
  // Continuation lines are indented, so a multi-line value stays visibly inside its field.
  return `${field.label}: ${field.value.replace(/\n/g, '\n    ')}`;
}

function eventLines(notification: Notification): string[] {
  const { event } = notification;
  return [`Event: ${singleLine(event.name)} (${singleLine(event.type)})`];
}

function footerText(notification: Notification): string {
  const { notifier } = notification;
  return singleLine(
    `Sent by Herald for notifier ${notifier.name} in namespace ${notifier.namespace}.`,
  );
}

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Renders the HTML part: a heading, the description and a simple table of the fields. */
export function renderEmailHtml(notification: Notification): string {
  const { event } = notification;
  const description = fitText(cleanText(event.description).trim(), maxDescriptionLength);
  const rows = [
    ...summaryFields(event),
    { label: 'Event', value: `${singleLine(event.name)} (${singleLine(event.type)})` },
    ...dataFields(event),
  ].map(htmlRow);

  const parts = [
    '<!DOCTYPE html>',
    '<html><head><meta charset="utf-8"></head><body style="font-family:sans-serif">',
    `<h2>${escapeHtml(singleLine(`${event.displayName} in ${event.app}`))}</h2>`,
  ];
  if (description) parts.push(`<p style="white-space:pre-wrap">${escapeHtml(description)}</p>`);
  parts.push(
    '<table cellpadding="4" style="border-collapse:collapse">',
    ...rows,
    '</table>',
    `<p style="color:#666;font-size:small">${escapeHtml(footerText(notification))}</p>`,
    '</body></html>',
  );
  return parts.join('\n');
}

function htmlRow(field: DetailField): string {
  const label = `<th align="left" valign="top">${escapeHtml(field.label)}</th>`;
  const value = `<td style="white-space:pre-wrap">${escapeHtml(field.value)}</td>`;
  return `<tr>${label}${value}</tr>`;
}
