/** Helpers for decoded JSON values and the schema nodes that describe them. */
import type { JSONSchemaProps } from './types.ts';

/** A decoded JSON object. */
export type JsonMap = Record<string, unknown>;

/** Tells whether a decoded JSON value is an object (not null, not an array). */
export function isJsonMap(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Compares two decoded JSON values structurally, as Go's reflect.DeepEqual does for them. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (!isJsonMap(a) || !isJsonMap(b)) return false;

  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
}

/**
 * Returns the schema of a map's values: the additionalProperties schema, `null` when additionalProperties
 * is a boolean (any value, no schema), or undefined when the node declares no map.
 */
export function mapValueSchema(node: JSONSchemaProps): JSONSchemaProps | null | undefined {
  const additional = node.additionalProperties;
  if (additional === undefined) return undefined;
  return typeof additional === 'boolean' ? null : additional;
}

/** Tells whether a node declares a property of that name. */
export function hasProperty(node: JSONSchemaProps, name: string): boolean {
  return node.properties !== undefined && Object.hasOwn(node.properties, name);
}
