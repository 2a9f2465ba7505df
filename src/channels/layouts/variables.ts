import type { Layout } from './types.ts';
import { formatNames } from './values.ts';

/** Verb of each variable event type, in the past participle. */
const verbs: Record<string, string> = {
  variable_added: 'added',
  variable_edited: 'edited',
  variable_removed: 'removed',
  variable_bulk_edited: 'edited',
};

/**
 * Lays out the variable events with the names of the variables, never their values. Names come from
 * `variables` and from the keys of a `values` map. Every other key of these events is listed with
 * its value hidden, as EventDataSpec.showUndocumentedValues sets.
 */
export const variablesLayout: Layout = (event, data) => {
  const fromList = data.names('variables') ?? [];
  const names = [...new Set([...fromList, ...(data.keys('values') ?? [])])];
  if (names.length === 0) {
    return { headline: event.displayName, summary: [event.description], fields: [] };
  }

  const verb = verbs[event.type] ?? 'changed';
  const listed = formatNames(names);
  const summary =
    names.length === 1
      ? `Variable ${listed} was ${verb}.`
      : `${names.length} variables were ${verb}: ${listed}.`;
  return {
    headline: event.displayName,
    summary: [summary],
    fields: [{ label: names.length === 1 ? 'Variable' : 'Variables', value: listed }],
  };
};
