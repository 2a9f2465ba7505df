/**
 * Pruning of unknown fields, ported from apiextensions-apiserver's schema/pruning package
 * (Kubernetes 1.32).
 */
import { hasProperty, isJsonMap, mapValueSchema } from './json-values.ts';
import type { JSONSchemaProps } from './types.ts';

const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

/** The walk's position, as the dotted path kube-apiserver reports in unknown-field warnings. */
interface PruneState {
  path: string;
  pruned: string[];
}

/**
 * Removes, in place, every field the schema does not declare (honouring
 * x-kubernetes-preserve-unknown-fields and embedded resources); returns the removed paths as
 * kube-apiserver names them, e.g. "spec.foo", sorted. At the root, apiVersion, kind and metadata
 * are kept (the server validates metadata itself).
 */
export function prune(schema: JSONSchemaProps, object: Record<string, unknown>): string[] {
  const root: JSONSchemaProps = { ...schema, 'x-kubernetes-embedded-resource': true };
  const state: PruneState = { path: '', pruned: [] };
  pruneValue(object, root, state);
  return state.pruned.sort();
}

/** Prunes a value (a default, for instance) against a schema node that is not a resource root. */
export function pruneNested(value: unknown, schema: JSONSchemaProps): void {
  pruneValue(value, schema, { path: '', pruned: [] });
}

function appendKey(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function pruneValue(value: unknown, schema: JSONSchemaProps | null, state: PruneState): void {
  if (schema?.['x-kubernetes-preserve-unknown-fields'] === true) {
    keepUnknown(value, schema, state);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      pruneValue(item, schema?.items ?? null, at(state, `${state.path}[${index}]`));
    });
    return;
  }
  if (isJsonMap(value)) pruneMap(value, schema, state);
}

function pruneMap(map: Record<string, unknown>, schema: JSONSchemaProps | null, state: PruneState) {
  for (const key of Object.keys(map)) {
    if (schema?.['x-kubernetes-embedded-resource'] === true && META_FIELDS.has(key)) continue;

    const child = at(state, appendKey(state.path, key));
    if (schema !== null && hasProperty(schema, key)) {
      pruneValue(map[key], schema.properties?.[key] ?? null, child);
      continue;
    }
    const valueSchema = schema === null ? undefined : mapValueSchema(schema);
    if (valueSchema !== undefined) {
      pruneValue(map[key], valueSchema, child);
      continue;
    }
    if (!META_FIELDS.has(key) || state.path !== '') state.pruned.push(child.path);
    delete map[key];
  }
}

/** Walks a preserve-unknown-fields node: declared parts are still pruned, the rest is kept. */
function keepUnknown(value: unknown, schema: JSONSchemaProps, state: PruneState): void {
  if (Array.isArray(value)) {
    const items = schema.items;
    if (items === undefined) return;
    value.forEach((item, index) => {
      keepUnknown(item, items, at(state, `${state.path}[${index}]`));
    });
    return;
  }
  if (!isJsonMap(value)) return;

  for (const key of Object.keys(value)) {
    if (schema['x-kubernetes-embedded-resource'] === true && META_FIELDS.has(key)) continue;

    const child = at(state, appendKey(state.path, key));
    if (hasProperty(schema, key)) {
      pruneValue(value[key], schema.properties?.[key] ?? null, child);
    } else {
      const valueSchema = mapValueSchema(schema);
      if (valueSchema !== undefined) pruneValue(value[key], valueSchema, child);
    }
  }
}

function at(state: PruneState, path: string): PruneState {
  return { path, pruned: state.pruned };
}
