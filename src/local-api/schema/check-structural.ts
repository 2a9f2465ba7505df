/**
 * The structural schema invariants, ported from ValidateStructural in apiextensions-apiserver's
 * schema package (Kubernetes 1.32). Every specified node has a type, and value validations
 * (allOf, anyOf, oneOf, not) only restrict what the structural part declares. Metadata may only
 * be restricted by name and generateName.
 */
import { formatCause, forbiddenCause, invalidCause, requiredCause } from './causes.ts';
import { validateCompleteness } from './check-completeness.ts';
import { childPath, indexPath, keyPath } from './field-path.ts';
import { compareStrings } from './go-format.ts';
import { regexError } from './regex.ts';
import type { FieldCause, JSONSchemaProps } from './types.ts';

type Level = 'root' | 'item' | 'field';

/** Returns the structural schema violations, sorted by message as kube-apiserver sorts them. */
export function validateStructural(schema: JSONSchemaProps, path: string): FieldCause[] {
  const causes = [...invariants(schema, 'root', path), ...validateCompleteness(schema, path)];
  return causes.sort((a, b) => compareStrings(formatCause(a), formatCause(b)));
}

function propertiesPath(path: string, name: string): string {
  return keyPath(childPath(path, 'properties'), name);
}

function invariants(node: JSONSchemaProps, level: Level, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  if (node.type === 'array' && node.items === undefined) {
    causes.push(requiredCause(childPath(path, 'items'), 'must be specified'));
  }
  if (node.items !== undefined)
    causes.push(...invariants(node.items, 'item', childPath(path, 'items')));
  for (const [name, property] of Object.entries(node.properties ?? {})) {
    causes.push(...invariants(property, 'field', propertiesPath(path, name)));
  }
  if (node.additionalProperties !== undefined) {
    const additionalPath = childPath(path, 'additionalProperties');
    if (level === 'root')
      causes.push(forbiddenCause(additionalPath, 'must not be used at the root'));
    if (typeof node.additionalProperties === 'object') {
      causes.push(...invariants(node.additionalProperties, 'field', additionalPath));
    }
  }

  causes.push(...extensionConflicts(node, path));
  causes.push(
    ...valueValidation(node, isIntOrStringAnyOf(node.anyOf), isIntOrStringAllOf(node), level, path),
  );
  causes.push(...typeInvariants(node, level, path));
  return causes;
}

function extensionConflicts(node: JSONSchemaProps, path: string): FieldCause[] {
  if (node['x-kubernetes-int-or-string'] !== true) return [];
  const detail = 'must be false if x-kubernetes-int-or-string is true';
  return (['x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource'] as const)
    .filter((extension) => node[extension] === true)
    .map((extension) => invalidCause(childPath(path, extension), true, detail));
}

function typeInvariants(node: JSONSchemaProps, level: Level, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const typePath = childPath(path, 'type');
  const type = node.type ?? '';
  const embedded = node['x-kubernetes-embedded-resource'] === true;
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (embedded && type !== 'object') {
    const detail = 'must be object if x-kubernetes-embedded-resource is true';
    causes.push(
      type === '' ? requiredCause(typePath, detail) : invalidCause(typePath, type, detail),
    );
  } else if (type === '' && node['x-kubernetes-int-or-string'] !== true && !preserve) {
    const where = {
      root: 'at the root',
      item: 'for specified array items',
      field: 'for specified object fields',
    };
    causes.push(requiredCause(typePath, `must not be empty ${where[level]}`));
  }
  if (embedded && node.additionalProperties !== undefined) {
    const detail = 'must not be used if x-kubernetes-embedded-resource is set';
    causes.push(forbiddenCause(childPath(path, 'additionalProperties'), detail));
  }
  if (level === 'root' && type !== '' && type !== 'object') {
    causes.push(invalidCause(typePath, type, 'must be object at the root'));
  }

  const checkMetadata = level === 'root' || embedded;
  for (const field of ['kind', 'apiVersion']) {
    const property = node.properties?.[field];
    if (property !== undefined && checkMetadata && property.type !== 'string') {
      causes.push(
        invalidCause(
          childPath(propertiesPath(path, field), 'type'),
          property.type ?? '',
          'must be string',
        ),
      );
    }
  }
  const metadata = node.properties?.metadata;
  if (metadata !== undefined)
    causes.push(
      ...metadataInvariants(metadata, checkMetadata, level, propertiesPath(path, 'metadata')),
    );

  if (embedded && !preserve && Object.keys(node.properties ?? {}).length === 0) {
    const detail =
      'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields';
    causes.push(requiredCause(childPath(path, 'properties'), detail));
  }
  return causes;
}

function metadataInvariants(
  node: JSONSchemaProps,
  checkMetadata: boolean,
  level: Level,
  path: string,
) {
  const causes: FieldCause[] = [];
  if (checkMetadata && node.type !== 'object') {
    causes.push(invalidCause(childPath(path, 'type'), node.type ?? '', 'must be object'));
  }
  if (level !== 'root') return causes;

  // Only type, a default, and properties limited to name and generateName may be given.
  const names = Object.keys(node.properties ?? {});
  const onlyNames =
    names.length > 0 && names.every((name) => name === 'name' || name === 'generateName');
  const rest = Object.entries(node).filter(
    ([key, value]) =>
      value !== undefined &&
      key !== 'type' &&
      key !== 'default' &&
      !(key === 'properties' && onlyNames),
  );
  if (rest.length > 0) {
    const detail =
      'must not specify anything other than name and generateName, but metadata is implicitly specified';
    causes.push(forbiddenCause(path, detail));
  }
  return causes;
}

function isOnlyType(node: JSONSchemaProps | undefined, type: string): boolean {
  return node !== undefined && Object.keys(node).length === 1 && node.type === type;
}

function isIntOrStringAnyOf(anyOf: JSONSchemaProps[] | undefined): boolean {
  return anyOf?.length === 2 && isOnlyType(anyOf[0], 'integer') && isOnlyType(anyOf[1], 'string');
}

function isIntOrStringAllOf(node: JSONSchemaProps): boolean {
  return isIntOrStringAnyOf(node.allOf?.[0]?.anyOf);
}

/** Value validations of a node: the junctors are checked as nested value validations. */
function valueValidation(
  node: JSONSchemaProps,
  skipAnyOf: boolean,
  skipFirstAllOfAnyOf: boolean,
  level: Level,
  path: string,
): FieldCause[] {
  const causes: FieldCause[] = [];
  if (!skipAnyOf) {
    node.anyOf?.forEach((part, i) =>
      causes.push(...nested(part, false, level, indexPath(childPath(path, 'anyOf'), i))),
    );
  }
  node.allOf?.forEach((part, i) => {
    causes.push(
      ...nested(
        part,
        skipFirstAllOfAnyOf && i === 0,
        level,
        indexPath(childPath(path, 'allOf'), i),
      ),
    );
  });
  node.oneOf?.forEach((part, i) =>
    causes.push(...nested(part, false, level, indexPath(childPath(path, 'oneOf'), i))),
  );
  if (node.not !== undefined)
    causes.push(...nested(node.not, false, level, childPath(path, 'not')));

  if (node.pattern !== undefined && node.pattern !== '') {
    const error = regexError(node.pattern);
    if (error !== undefined) {
      const detail = `must be a valid regular expression, but isn't: ${error}`;
      causes.push(invalidCause(childPath(path, 'pattern'), node.pattern, detail));
    }
  }
  return causes;
}

const NESTED_FORBIDDEN: [keyof JSONSchemaProps, string][] = [
  ['type', 'must be empty to be structural'],
  ['additionalProperties', 'must be undefined to be structural'],
  ['default', 'must be undefined to be structural'],
  ['description', 'must be empty to be structural'],
  ['x-kubernetes-list-map-keys', 'must be empty to be structural'],
  ['x-kubernetes-list-type', 'must be undefined to be structural'],
  ['x-kubernetes-map-type', 'must be undefined to be structural'],
];
const NESTED_FLAGS: [keyof JSONSchemaProps, string][] = [
  ['nullable', 'must be false to be structural'],
  ['x-kubernetes-preserve-unknown-fields', 'must be false to be structural'],
  ['x-kubernetes-embedded-resource', 'must be false to be structural'],
  ['x-kubernetes-int-or-string', 'must be false to be structural'],
];

/** Checks a schema under allOf, anyOf, oneOf or not, which may only contain value validations. */
function nested(
  node: JSONSchemaProps,
  skipAnyOf: boolean,
  level: Level,
  path: string,
): FieldCause[] {
  const causes = valueValidation(node, skipAnyOf, false, level, path);
  if (node.items !== undefined)
    causes.push(...nested(node.items, false, level, childPath(path, 'items')));
  for (const [name, property] of Object.entries(node.properties ?? {})) {
    causes.push(...nested(property, false, 'field', propertiesPath(path, name)));
  }

  for (const [key, detail] of NESTED_FORBIDDEN) {
    if (node[key] !== undefined && node[key] !== '')
      causes.push(forbiddenCause(childPath(path, key), detail));
  }
  for (const [key, detail] of NESTED_FLAGS) {
    if (node[key] === true) causes.push(forbiddenCause(childPath(path, key), detail));
  }
  if ((node['x-kubernetes-validations'] ?? []).length > 0) {
    causes.push(
      forbiddenCause(childPath(path, 'x-kubernetes-validations'), 'must be empty to be structural'),
    );
  }
  if (node.properties?.metadata !== undefined) {
    causes.push(
      forbiddenCause(propertiesPath(path, 'metadata'), 'must not be specified in a nested context'),
    );
  }
  return causes;
}
