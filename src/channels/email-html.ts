import { fitText, singleLine, type DetailField } from './format.ts';
import { emailFooter, maxEmailSummaryLength } from './email-text.ts';
import { composeMessage, type Message } from './message.ts';
import type { Notification } from './types.ts';

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Inline styles. Mail clients such as Gmail and Outlook drop or rewrite `<style>` blocks and
 * CSS layout, so the layout is nested tables with inline styles and system fonts.
 */
const styles = {
  body: 'margin:0;padding:0;background-color:#f6f8fa',
  outer: 'background-color:#f6f8fa',
  outerCell: 'padding:24px 12px',
  card:
    'max-width:600px;width:100%;background-color:#ffffff;border:1px solid #d0d7de;' +
    "border-radius:6px;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial," +
    'sans-serif;font-size:14px;line-height:1.5;color:#1f2328',
  content: 'padding:20px 24px',
  heading: 'margin:0 0 12px 0;font-size:20px;line-height:1.3;font-weight:600',
  summary: 'margin:0 0 16px 0;white-space:pre-wrap',
  button:
    'display:inline-block;padding:8px 16px;background-color:#1f6feb;color:#ffffff;' +
    'text-decoration:none;border-radius:6px;font-weight:600',
  section: 'margin:16px 0 4px 0;font-size:14px;font-weight:600;color:#656d76',
  table: 'border-collapse:collapse;width:100%',
  label:
    'padding:4px 12px 4px 0;text-align:left;vertical-align:top;white-space:nowrap;font-weight:600',
  value: 'padding:4px 0;vertical-align:top;white-space:pre-wrap;word-break:break-word',
  footer: 'padding:12px 24px;border-top:1px solid #d0d7de;color:#656d76;font-size:12px',
  preheader: 'display:none;max-height:0;overflow:hidden;opacity:0',
} as const;

/**
 * Renders the HTML part: a card with the headline, the summary, a button to the dashboard, a
 * table of app, namespace, time, actor and event, a table of the details, and who sent it. Every
 * text from the event is escaped; the link is the operator's trusted dashboard URL.
 */
export function renderEmailHtml(
  notification: Notification,
  message: Message = composeMessage(notification),
): string {
  const { event } = notification;
  const summary = fitText(message.summary.join('\n'), maxEmailSummaryLength);
  const context = [
    ...message.context,
    { label: 'Event', value: `${singleLine(event.name)} (${singleLine(event.type)})` },
  ];

  const content = [
    `<h1 style="${styles.heading}">${escapeHtml(singleLine(`${message.headline} · ${event.app}`))}</h1>`,
    `<p style="${styles.summary}">${escapeHtml(summary)}</p>`,
  ];
  if (message.link) content.push(linkButton(message.link.url, message.link.label));
  content.push(fieldTable(context));
  if (message.details.length > 0) {
    content.push(`<p style="${styles.section}">Details</p>`, fieldTable(message.details));
  }

  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(singleLine(`[${event.app}] ${message.headline}`))}</title></head>`,
    `<body style="${styles.body}">`,
    // Mail clients show the first text of the body next to the subject in the inbox.
    `<div style="${styles.preheader}">${escapeHtml(message.summary[0] ?? '')}</div>`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="${styles.outer}">`,
    `<tr><td align="center" style="${styles.outerCell}">`,
    `<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="${styles.card}">`,
    `<tr><td style="${styles.content}">`,
    ...content,
    '</td></tr>',
    `<tr><td style="${styles.footer}">${escapeHtml(emailFooter(notification))}</td></tr>`,
    '</table>',
    '</td></tr></table>',
    '</body></html>',
  ].join('\n');
}

function linkButton(url: string, label: string): string {
  return `<p style="margin:0 0 16px 0"><a href="${escapeHtml(url)}" style="${styles.button}">${escapeHtml(label)}</a></p>`;
}

function fieldTable(fields: readonly DetailField[]): string {
  const rows = fields.map((field) => {
    const label = `<th scope="row" style="${styles.label}">${escapeHtml(field.label)}</th>`;
    const value = `<td style="${styles.value}">${escapeHtml(field.value)}</td>`;
    return `<tr>${label}${value}</tr>`;
  });
  return [
    `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="${styles.table}">`,
    ...rows,
    '</table>',
  ].join('\n');
}
