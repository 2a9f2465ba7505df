import { eventDataSpec, type EventDataField } from '../../api/event-data.ts';
import { cleanText, formatTimestamp, type DetailField } from '../format.ts';
import type { EventDataReader } from './event-data-reader.ts';
import type { Layout } from './types.ts';
import { formatFormation, formatNames, formatNumber, formatSeconds } from './values.ts';

/** Formats one documented field by its kind, or returns undefined when it is missing or invalid. */
function readDocumentedField(field: EventDataField, data: EventDataReader): string | undefined {
  switch (field.kind) {
    case 'string':
      return data.text(field.name);
    case 'integer':
      return formatOptional(data.integer(field.name), formatNumber);
    case 'number':
      return formatOptional(data.number(field.name), formatNumber);
    case 'duration':
      return formatOptional(data.seconds(field.name), formatSeconds);
    case 'date-time':
      return formatOptional(data.time(field.name), (time) =>
        formatTimestamp(new Date(time).toISOString()),
      );
    case 'names':
      return formatOptional(data.names(field.name), formatNames);
    case 'formation':
      return formatOptional(data.formation(field.name), formatFormation);
    case 'enum':
      return data.oneOf(field.name, field.values ?? []);
  }
}

function formatOptional<T>(value: T | undefined, format: (value: T) => string): string | undefined {
  return value === undefined ? undefined : format(value);
}

/** Lists the documented fields of the event's type that are present, with their labels. */
function documentedFields(type: string, data: EventDataReader): DetailField[] {
  const fields: DetailField[] = [];
  for (const field of eventDataSpec(type)?.fields ?? []) {
    if (!field.showValue) continue;

    const value = readDocumentedField(field, data);
    if (value !== undefined) fields.push({ label: field.label, value });
  }
  return fields;
}

/**
 * The layout of event types without one of their own: the display name, the description, and
 * the documented fields, which the unread keys follow.
 */
export const genericLayout: Layout = (event, data) => ({
  headline: event.displayName,
  summary: [cleanText(event.description)],
  fields: documentedFields(event.type, data),
});
