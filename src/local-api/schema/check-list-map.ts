/**
 * The checks a CRD node's extensions get when the CRD is written (Kubernetes 1.32):
 * x-kubernetes-preserve-unknown-fields, x-kubernetes-map-type, x-kubernetes-list-type and
 * x-kubernetes-list-map-keys.
 */
import { forbiddenCause, invalidCause, notSupportedCause, requiredCause } from './causes.ts';
import { childPath, keyPath } from './field-path.ts';
import { GoLiteral, goQuote } from './go-format.ts';
import type { FieldCause, JSONSchemaProps } from './types.ts';

function typeMustBe(
  node: JSONSchemaProps,
  path: string,
  type: string,
  detail: string,
): FieldCause[] {
  if (node.type === type) return [];
  const typePath = childPath(path, 'type');
  return [
    node.type === undefined || node.type === ''
      ? requiredCause(typePath, detail)
      : invalidCause(typePath, node.type, detail),
  ];
}

/** Checks the extensions of one node (not its children). */
export function extensionChecks(node: JSONSchemaProps, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  if (node['x-kubernetes-preserve-unknown-fields'] === false) {
    const extensionPath = childPath(path, 'x-kubernetes-preserve-unknown-fields');
    causes.push(invalidCause(extensionPath, false, 'must be true or undefined'));
  }

  const mapType = node['x-kubernetes-map-type'];
  if (mapType !== undefined) {
    causes.push(
      ...typeMustBe(node, path, 'object', 'must be object if x-kubernetes-map-type is specified'),
    );
    if (mapType !== 'atomic' && mapType !== 'granular') {
      causes.push(
        notSupportedCause(childPath(path, 'x-kubernetes-map-type'), mapType, [
          'atomic',
          'granular',
        ]),
      );
    }
  }

  const listType = node['x-kubernetes-list-type'];
  if (listType !== undefined && node.type !== 'array') {
    causes.push(
      ...typeMustBe(node, path, 'array', 'must be array if x-kubernetes-list-type is specified'),
    );
  } else if (listType === 'set' && node.items !== undefined) {
    causes.push(...setItemChecks(node.items, childPath(path, 'items')));
  }
  if (listType !== undefined && !['atomic', 'set', 'map'].includes(listType)) {
    causes.push(
      notSupportedCause(childPath(path, 'x-kubernetes-list-type'), listType, [
        'atomic',
        'set',
        'map',
      ]),
    );
  }
  return causes;
}

/** Items of a set must be compared whole, so nested lists and maps must be atomic. */
function setItemChecks(items: JSONSchemaProps, path: string): FieldCause[] {
  const detail = 'must be atomic as item of a list with x-kubernetes-list-type=set';
  const listType = items['x-kubernetes-list-type'];
  if (items.type === 'array' && listType !== undefined && listType !== 'atomic') {
    return [invalidCause(childPath(path, 'x-kubernetes-list-type'), listType, detail)];
  }
  if (items.type === 'object' && items['x-kubernetes-map-type'] !== 'atomic') {
    // kube-apiserver reports the item's list type (unset, so null) as the bad value here.
    return [invalidCause(childPath(path, 'x-kubernetes-map-type'), listType ?? null, detail)];
  }
  return [];
}

function stringSlice(values: string[]): GoLiteral {
  return new GoLiteral(`[]string{${values.map(goQuote).join(', ')}}`);
}

/** Checks x-kubernetes-list-map-keys and the items of sets and list-maps. */
export function listMapChecks(node: JSONSchemaProps, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const keys = node['x-kubernetes-list-map-keys'] ?? [];
  const listType = node['x-kubernetes-list-type'];
  const listTypePath = childPath(path, 'x-kubernetes-list-type');
  const keysPath = childPath(path, 'x-kubernetes-list-map-keys');
  if (keys.length > 0) {
    const detail = 'must be map if x-kubernetes-list-map-keys is non-empty';
    if (listType === undefined) causes.push(requiredCause(listTypePath, detail));
    else if (listType !== 'map') causes.push(invalidCause(listTypePath, listType, detail));
  }
  if (listType !== 'map') return [...causes, ...mapSetItemChecks(node, path)];

  if (keys.length === 0)
    causes.push(requiredCause(keysPath, 'must not be empty if x-kubernetes-list-type is map'));
  const items = node.items;
  if (items === undefined) {
    causes.push(
      requiredCause(
        childPath(path, 'items'),
        'must have a schema if x-kubernetes-list-type is map',
      ),
    );
  } else if (items.type !== 'object') {
    const detail = "must be object if parent array's x-kubernetes-list-type is map";
    causes.push(
      invalidCause(childPath(childPath(path, 'items'), 'type'), items.type ?? '', detail),
    );
  } else {
    const seen = new Set<string>();
    for (const key of keys) {
      const property = items.properties?.[key];
      if (property === undefined) {
        causes.push(
          invalidCause(keysPath, stringSlice(keys), 'entries must all be names of item properties'),
        );
      } else if (property.type === 'array' || property.type === 'object') {
        const typePath = childPath(
          keyPath(childPath(childPath(path, 'items'), 'properties'), key),
          'type',
        );
        const detail = "must be a scalar type if parent array's x-kubernetes-list-type is map";
        causes.push(invalidCause(typePath, items.type, detail));
      }
      if (seen.has(key))
        causes.push(
          invalidCause(keysPath, stringSlice(keys), 'must not contain duplicate entries'),
        );
      seen.add(key);
    }
  }
  return [...causes, ...mapSetItemChecks(node, path)];
}

/** Items of sets and list-maps cannot be null, and list-map keys must always have a value. */
function mapSetItemChecks(node: JSONSchemaProps, path: string): FieldCause[] {
  const listType = node['x-kubernetes-list-type'];
  const items = node.items;
  if (items === undefined || (listType !== 'set' && listType !== 'map')) return [];

  const itemsPath = childPath(path, 'items');
  const causes: FieldCause[] = [];
  if (items.nullable === true) {
    causes.push(
      forbiddenCause(
        childPath(itemsPath, 'nullable'),
        `cannot be nullable when x-kubernetes-list-type is ${listType}`,
      ),
    );
  }
  if (listType !== 'map') return causes;

  for (const key of node['x-kubernetes-list-map-keys'] ?? []) {
    const property = items.properties?.[key];
    if (property === undefined) continue;
    const propertyPath = keyPath(childPath(itemsPath, 'properties'), key);
    if (!(items.required ?? []).includes(key) && property.default === undefined) {
      const detail =
        'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property';
      causes.push(requiredCause(childPath(propertyPath, 'default'), detail));
    }
    if (property.nullable === true) {
      const detail = 'this property is in x-kubernetes-list-map-keys, so it cannot be nullable';
      causes.push(forbiddenCause(childPath(propertyPath, 'nullable'), detail));
    }
  }
  return causes;
}
