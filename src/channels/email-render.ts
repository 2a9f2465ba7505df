import { fitText } from './format.ts';
import { renderEmailHtml } from './email-html.ts';
import { renderEmailText } from './email-text.ts';
import { composeMessage, messageSubject } from './message.ts';
import type { Notification } from './types.ts';

/** A rendered email, without the recipients. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Herald's cap on the subject, in characters. */
const maxSubjectLength = 200;

/** Renders the subject, the plain-text part and the HTML part of a notification email. */
export function renderEmail(notification: Notification): RenderedEmail {
  const message = composeMessage(notification);
  return {
    subject: renderEmailSubject(notification, message),
    text: renderEmailText(notification, message),
    html: renderEmailHtml(notification, message),
  };
}

/**
 * Renders "[<app>] <headline>" on one line, such as "[shop-api] App deployed". CR, LF and every
 * other control character are replaced, so nothing from an event can end the Subject header and
 * add another.
 */
export function renderEmailSubject(
  notification: Notification,
  message = composeMessage(notification),
): string {
  return fitText(messageSubject(notification, message), maxSubjectLength);
}
