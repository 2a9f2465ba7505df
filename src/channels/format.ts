import type { NotificationEvent } from './types.ts';

/** Marker appended to every truncated text. */
export const ellipsis = '…';

/** Cap on one rendered value of `event.data`, in UTF-16 code units, before any escaping. */
export const maxValueLength = 500;

/** Cap on one rendered key of `event.data`. */
export const maxLabelLength = 100;

/**
 * Turns the user-perceived characters of a text into output units, escaping as one platform
 * needs. One input character may become several output characters, but never fewer than one.
 */
export type Escaper = (characters: readonly string[]) => string[];

/** Leaves every character as it is. */
export const noEscaping: Escaper = (characters) => [...characters];

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Splits a text into grapheme clusters, so that truncation never splits an emoji. */
export function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (segment) => segment.segment);
}

/**
 * Escapes a text and truncates it to at most `maxLength` UTF-16 code units, ending with "…" when
 * cut. An escape sequence is kept whole or dropped whole, so the cut never leaves half an entity
 * or a dangling backslash. Platforms count length in characters, which are never more than
 * UTF-16 code units, so the limit is met however the platform counts.
 */
export function fitText(text: string, maxLength: number, escape: Escaper = noEscaping): string {
  // Each input character yields at least one output unit, so a little more than maxLength
  // characters decide the output, whatever the size of the input.
  const window = maxLength + 16;
  const cut = text.length > window;
  const units = escape(graphemes(cut ? text.slice(0, window) : text));

  const total = units.reduce((sum, unit) => sum + unit.length, 0);
  if (!cut && total <= maxLength) return units.join('');

  let truncated = '';
  for (const unit of units) {
    if (truncated.length + unit.length > maxLength - ellipsis.length) break;
    truncated += unit;
  }
  return truncated + ellipsis;
}

// C0 controls except tab and line feed, DEL, C1 controls, and the bidirectional embedding,
// override and isolate controls, which can make text read differently from what it contains.
const unsafeControls = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Removes control characters from a multi-line text. CR LF, CR and U+2028/9 become LF. */
export function cleanText(text: string): string {
  return text.replace(/\r\n?|[\u2028\u2029]/g, '\n').replace(unsafeControls, '');
}

/** Makes a single-line text: every line break, tab and control character becomes one space. */
export function singleLine(text: string): string {
  return cleanText(text)
    .replace(/[\n\t]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/**
 * Renders one value of `event.data` as text: strings as they are, everything else as compact
 * JSON, capped at maxValueLength.
 */
export function formatValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string') {
    text = value;
  } else if (value === undefined) {
    text = '';
  } else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      // Only values that did not come from JSON can fail: cycles and BigInts.
      text = String(value);
    }
  }
  return fitText(cleanText(text), maxValueLength);
}

/** One labelled value of a notification. */
export interface DetailField {
  label: string;
  value: string;
}

/** Lists the app, namespace, time and actor of an event as fields. */
export function summaryFields(event: NotificationEvent): DetailField[] {
  const fields: DetailField[] = [
    { label: 'App', value: singleLine(event.app) },
    { label: 'Namespace', value: singleLine(event.namespace) },
    { label: 'When', value: formatTimestamp(event.occurredAt) },
  ];
  if (event.actor) fields.push({ label: 'Actor', value: singleLine(event.actor) });
  return fields;
}

/** Formats an RFC 3339 timestamp as "2026-01-01 12:00:00 UTC". An unparsable one stays as is. */
export function formatTimestamp(occurredAt: string): string {
  const time = Date.parse(occurredAt);
  if (Number.isNaN(time)) return fitText(singleLine(occurredAt), 64);
  return new Date(time)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}
