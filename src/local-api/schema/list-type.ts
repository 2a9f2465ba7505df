/**
 * The uniqueness invariants of x-kubernetes-list-type "set" (whole items) and "map" (key
 * fields), ported from apiextensions-apiserver's schema/listtype package (Kubernetes 1.32).
 */
import { duplicateCause, invalidCause } from './causes.ts';
import { childPath, indexPath, keyPath } from './field-path.ts';
import { goJSON } from './go-format.ts';
import { hasProperty, isJsonMap, mapValueSchema } from './json-values.ts';
import type { FieldCause, JSONSchemaProps } from './types.ts';

/** Returns a Duplicate cause for every repeated set item or list-map key below the root. */
export function validateListTypes(schema: JSONSchemaProps, object: Record<string, unknown>) {
  return walk('', schema, object);
}

function walk(path: string, node: JSONSchemaProps, value: unknown): FieldCause[] {
  if (Array.isArray(value)) return checkList(path, node, value);
  if (!isJsonMap(value)) return [];

  const causes: FieldCause[] = [];
  const valueSchema = mapValueSchema(node);
  for (const [key, item] of Object.entries(value)) {
    const property = node.properties?.[key];
    if (property !== undefined && hasProperty(node, key)) {
      causes.push(...walk(childPath(path, key), property, item));
    } else if (valueSchema !== undefined && valueSchema !== null) {
      causes.push(...walk(keyPath(path, key), valueSchema, item));
    }
  }
  return causes;
}

function checkList(path: string, node: JSONSchemaProps, list: unknown[]): FieldCause[] {
  const causes: FieldCause[] = [];
  if (node['x-kubernetes-list-type'] === 'set') {
    for (const i of repeatedIndices(list)) causes.push(duplicateCause(indexPath(path, i), list[i]));
  } else if (node['x-kubernetes-list-type'] === 'map') {
    causes.push(...checkListMap(path, node['x-kubernetes-list-map-keys'] ?? [], list));
  }

  const items = node.items;
  if (items !== undefined)
    list.forEach((item, i) => causes.push(...walk(indexPath(path, i), items, item)));
  return causes;
}

/** Returns the identity of a set member: scalars by type and value, compounds by their JSON. */
function identity(value: unknown): string {
  if (value === UNSPECIFIED) return 'unspecified';
  if (typeof value === 'object' && value !== null) return `json:${goJSON(value)}`;
  return `${typeof value}:${String(value)}`;
}

const UNSPECIFIED = Symbol('unspecified key');

/** Returns the index of each repeated value's second occurrence (later repeats are not reported). */
function repeatedIndices(values: unknown[]): number[] {
  const seen = new Map<string, number>();
  const repeated: number[] = [];
  values.forEach((value, i) => {
    const id = identity(value);
    const times = seen.get(id) ?? 0;
    if (times === 1) repeated.push(i);
    seen.set(id, times + 1);
  });
  return repeated;
}

function checkListMap(path: string, keyFields: string[], list: unknown[]): FieldCause[] {
  const notObject = list.findIndex((item) => item !== null && !isJsonMap(item));
  if (notObject >= 0) {
    const detail = 'must be an object for an array of list-type map';
    return [invalidCause(indexPath(path, notObject), list[notObject], detail)];
  }
  if (list.length <= 1) return [];

  const keys = list.map((item) => listMapKey(keyFields, item as Record<string, unknown> | null));
  return repeatedIndices(keys).map((i) =>
    duplicateCause(indexPath(path, i), duplicateValue(keyFields, keys[i])),
  );
}

/** Returns the key of one item: the single key's value, or an object of the present key fields. */
function listMapKey(keyFields: string[], item: Record<string, unknown> | null): unknown {
  if (keyFields.length === 1) {
    const field = keyFields[0] ?? '';
    return item !== null && Object.hasOwn(item, field) ? item[field] : UNSPECIFIED;
  }
  const key: Record<string, unknown> = {};
  for (const field of keyFields) {
    if (item !== null && Object.hasOwn(item, field)) key[field] = item[field];
  }
  return key;
}

function duplicateValue(keyFields: string[], key: unknown): unknown {
  if (keyFields.length !== 1) return key;
  return key === UNSPECIFIED ? {} : { [keyFields[0] ?? '']: key };
}
