import { eventDataField, eventDataSpec } from '../api/event-data.ts';
import {
  fitText,
  formatValue,
  maxLabelLength,
  singleLine,
  summaryFields,
  type DetailField,
} from './format.ts';
import { EventDataReader, layoutFor } from './layouts/index.ts';
import type { Notification } from './types.ts';

/** Shown in place of a value that may be a secret, such as the value of a variable. */
export const hiddenValue = '(value not shown)';

/** Cap on one summary line, in characters, before any escaping. */
const maxSummaryLineLength = 3000;

/** Cap on the headline, in characters, before any escaping. */
const maxHeadlineLength = 250;

/** A link to the app on the dashboard. */
export interface MessageLink {
  /** An absolute http or https URL. */
  url: string;
  /** Link text, such as "Open shop-api in the dashboard". */
  label: string;
}

/**
 * A notification's content before any platform format: each channel escapes it and applies its
 * own limits. Every text is plain, free of control characters and capped, but not escaped.
 */
export interface Message {
  /** Short title, such as "App deployed" or "Alert resolved: memory". One line. */
  headline: string;
  /** Sentences saying what happened, one line each. Never empty. */
  summary: string[];
  /** App, namespace, time and actor. */
  context: DetailField[];
  /** The event's details: the layout's fields, then the data keys it did not read. */
  details: DetailField[];
  link?: MessageLink;
}

/**
 * Builds the platform-neutral message of a notification with the layout of its event type
 * (layouts/index.ts), and adds the link to the app when the operator knows the dashboard.
 */
export function composeMessage(notification: Notification): Message {
  const { event } = notification;
  const data = new EventDataReader(event.data);
  const layout = layoutFor(event.type)(event, data);

  const headline = fitText(singleLine(layout.headline), maxHeadlineLength);
  const summary = layout.summary
    .map((line) => fitText(singleLine(line), maxSummaryLineLength))
    .filter((line) => line !== '');
  const message: Message = {
    headline,
    summary: summary.length > 0 ? summary : [headline],
    context: summaryFields(event),
    details: [...layout.fields, ...unreadFields(event.type, data)],
  };

  const link = appLink(notification);
  if (link) message.link = link;
  return message;
}

/**
 * Lists the data keys the layout did not read. A documented key keeps its label. A value that
 * may be a secret is replaced by hiddenValue, so a variable event shows names only.
 */
function unreadFields(type: string, data: EventDataReader): DetailField[] {
  const showUndocumented = eventDataSpec(type)?.showUndocumentedValues ?? true;
  return data.unreadEntries().map(([key, value]) => {
    const documented = eventDataField(type, key);
    const show = documented ? documented.showValue : showUndocumented;
    return {
      label: documented?.label ?? fitText(singleLine(key), maxLabelLength),
      value: show ? formatValue(value) : hiddenValue,
    };
  });
}

/**
 * Builds the dashboard link of a notification. The operator builds `appUrl` from its own setting
 * and never from the event, so the URL is trusted. It is still checked to be http or https, so
 * that no other scheme can become a link.
 */
function appLink(notification: Notification): MessageLink | undefined {
  const { appUrl, event } = notification;
  if (!appUrl || !URL.canParse(appUrl)) return undefined;

  const url = new URL(appUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return { url: url.href, label: `Open ${singleLine(event.app)} in the dashboard` };
}

/** Formats the one-line subject of previews and emails: "[shop-api] App deployed". */
export function messageSubject(notification: Notification, message: Message): string {
  return singleLine(`[${notification.event.app}] ${message.headline}`);
}
