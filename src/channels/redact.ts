import { eventDataField, eventDataSpec } from '../api/event-data.ts';

/**
 * Copies `data` with every value that may be a secret replaced by null, for payloads that carry
 * the event's data as JSON. A map keeps its keys (the names) and loses its values, so
 * `{values: {DATABASE_URL: "postgres://..."}}` becomes `{values: {DATABASE_URL: null}}`. Which
 * values may be secrets comes from the event data catalogue: fields marked not to show, a map
 * given where names are expected, and undocumented keys of types such as the variable events.
 * Other values are returned unchanged, and `data` itself is not modified.
 */
export function redactEventData(
  type: string,
  data: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const showUndocumented = eventDataSpec(type)?.showUndocumentedValues ?? true;
  const redacted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    const field = eventDataField(type, key);
    const hide = field
      ? !field.showValue || (field.kind === 'names' && isMap(value))
      : !showUndocumented;
    redacted[key] = hide ? hideValues(value) : value;
  }
  return redacted;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keeps the keys of a map with null values; anything else becomes null. */
function hideValues(value: unknown): unknown {
  if (!isMap(value)) return null;
  return Object.fromEntries(Object.keys(value).map((key) => [key, null]));
}
