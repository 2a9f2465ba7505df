import type { DetailField } from '../format.ts';
import type { Layout } from './types.ts';
import { formatFormation } from './values.ts';

/**
 * app_scaled: one field per container type ("web: 2 → 4") and a sentence naming the changed
 * types. A type missing from one side counts 0 there, because a formation lists only the types
 * that run.
 */
export const scaleLayout: Layout = (event, data) => {
  const from = data.formation('from');
  const to = data.formation('to');

  if (from && to) return { headline: event.displayName, ...compareFormations(from, to) };
  if (to) {
    return {
      headline: event.displayName,
      summary: [`Formation is now ${formatFormation(to)}.`],
      fields: formationFields(to),
    };
  }

  const fields = from ? [{ label: 'Before', value: formatFormation(from) }] : [];
  return { headline: event.displayName, summary: [event.description], fields };
};

function compareFormations(
  from: ReadonlyMap<string, number>,
  to: ReadonlyMap<string, number>,
): { summary: string[]; fields: DetailField[] } {
  const types = [...new Set([...to.keys(), ...from.keys()])];
  const fields: DetailField[] = [];
  const changes: string[] = [];
  for (const type of types) {
    const before = from.get(type) ?? 0;
    const after = to.get(type) ?? 0;
    fields.push({ label: type, value: `${before} → ${after}` });
    if (before !== after) changes.push(`${type} from ${before} to ${after}`);
  }

  const summary =
    changes.length > 0
      ? `Scaled ${changes.join(', ')}.`
      : `Formation unchanged: ${formatFormation(to)}.`;
  return { summary: [summary], fields };
}

function formationFields(formation: ReadonlyMap<string, number>): DetailField[] {
  return Array.from(formation, ([type, count]) => ({ label: type, value: String(count) }));
}
