import type { DetailField } from '../format.ts';
import type { NotificationEvent } from '../types.ts';
import type { EventDataReader } from './event-data-reader.ts';

/** Content that a layout builds for one event, before any platform escaping or limit. */
export interface MessageLayout {
  /** Short title: the display name, or a more precise one such as "Alert resolved: memory". */
  headline: string;
  /** Sentences saying what happened, one line each, in plain text. */
  summary: string[];
  /** Labelled details, in display order. Keys the layout did not read are added after them. */
  fields: DetailField[];
}

/**
 * Builds the layout of one event type. It reads `event.data` through `data`, so that the keys it
 * does not read can still be listed.
 */
export type Layout = (event: NotificationEvent, data: EventDataReader) => MessageLayout;
