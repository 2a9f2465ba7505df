/**
 * Defaulting, ported from apiextensions-apiserver's schema/defaulting package (Kubernetes 1.32):
 * nulls that the schema neither allows nor can default are dropped first, then defaults fill in
 * absent fields and non-nullable nulls.
 */
import { hasProperty, isJsonMap, mapValueSchema } from './json-values.ts';
import { pruneNested } from './prune.ts';
import type { JSONSchemaProps } from './types.ts';

/**
 * Applies schema defaults in place, with Kubernetes' rules. Defaults apply to absent fields, and
 * to null ones unless the node is nullable. A default is itself pruned and defaulted, and
 * defaults inside items and additionalProperties apply per element. Before that, a null in an
 * object field that is neither nullable nor defaulted is removed, as kube-apiserver does.
 */
export function applyDefaults(schema: JSONSchemaProps, object: Record<string, unknown>): void {
  dropUndefaultableNulls(object, schema);
  defaultValue(object, schema);
}

function fieldSchema(node: JSONSchemaProps | null, key: string): JSONSchemaProps | null {
  if (node === null) return null;
  if (hasProperty(node, key)) return node.properties?.[key] ?? null;
  return mapValueSchema(node) ?? null;
}

function isNonNullableNull(value: unknown, node: JSONSchemaProps | null): boolean {
  return value === null && node !== null && node.nullable !== true;
}

/** PruneNonNullableNullsWithoutDefaults: only object fields are dropped, list items stay. */
function dropUndefaultableNulls(value: unknown, node: JSONSchemaProps | null): void {
  if (Array.isArray(value)) {
    for (const item of value) dropUndefaultableNulls(item, node?.items ?? null);
    return;
  }
  if (!isJsonMap(value)) return;

  for (const key of Object.keys(value)) {
    const child = fieldSchema(node, key);
    if (isNonNullableNull(value[key], child) && child?.default === undefined) {
      delete value[key];
    } else {
      dropUndefaultableNulls(value[key], child);
    }
  }
}

/** Returns a fresh copy of a node's default, pruned against the node; null when it has none. */
function copyDefault(node: JSONSchemaProps): unknown {
  if (node.default === undefined) return null;
  const copy = structuredClone(node.default);
  pruneNested(copy, node);
  return copy;
}

function defaultValue(value: unknown, node: JSONSchemaProps | null): void {
  if (node === null) return;
  if (Array.isArray(value)) {
    defaultItems(value, node.items ?? null);
    return;
  }
  if (isJsonMap(value)) defaultFields(value, node);
}

function defaultItems(items: unknown[], itemSchema: JSONSchemaProps | null): void {
  for (let i = 0; i < items.length; i++) {
    if (itemSchema !== null && isNonNullableNull(items[i], itemSchema)) {
      items[i] = copyDefault(itemSchema);
    }
    defaultValue(items[i], itemSchema);
  }
}

function defaultFields(map: Record<string, unknown>, node: JSONSchemaProps): void {
  for (const [key, property] of Object.entries(node.properties ?? {})) {
    if (property.default === undefined) continue;
    if (!Object.hasOwn(map, key) || isNonNullableNull(map[key], property)) {
      map[key] = copyDefault(property);
    }
  }

  const valueSchema = mapValueSchema(node);
  for (const key of Object.keys(map)) {
    if (hasProperty(node, key)) {
      defaultValue(map[key], node.properties?.[key] ?? null);
    } else if (valueSchema !== undefined && valueSchema !== null) {
      if (isNonNullableNull(map[key], valueSchema)) map[key] = copyDefault(valueSchema);
      defaultValue(map[key], valueSchema);
    }
  }
}
