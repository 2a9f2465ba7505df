/**
 * The per-node checks of a CRD version's schema, ported from apiextensions-apiserver's
 * ValidateCustomResourceDefinitionOpenAPISchema (Kubernetes 1.32, for a new CRD): unsupported
 * keywords, list and map types, defaults in metadata, rule fields, and CEL compilation.
 */
import { forbiddenCause, notSupportedCause } from './causes.ts';
import { isCorrelatableMap } from './cel/evaluate.ts';
import { checkRuleCompilation, checkRuleFields } from './check-rules.ts';
import { extensionChecks, listMapChecks } from './check-list-map.ts';
import { childPath, indexPath, keyPath } from './field-path.ts';
import type { FieldCause, JSONSchemaProps } from './types.ts';

/** The settings a node inherits from its ancestors. */
export interface NodeContext {
  isRoot: boolean;
  /** The reason defaults are forbidden here, or undefined when they are allowed. */
  forbiddenDefaults?: string;
  insideResourceMeta: boolean;
  /** The list or atomic map above this node, where oldSelf cannot be used. */
  uncorrelatablePath?: string;
  /** Whether rules are compiled (only when the schema is structural with valid defaults). */
  compileRules: boolean;
}

/** Schema errors and CEL errors; CEL errors are listed after all schema errors. */
export interface NodeErrors {
  schema: FieldCause[];
  cel: FieldCause[];
}

const PROPERTY_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const META_FIELDS = new Set(['metadata', 'kind', 'apiVersion']);
const UNSUPPORTED_KEYWORDS: [string, string][] = [
  ['id', 'id is not supported'],
  ['additionalItems', 'additionalItems is not supported'],
  ['patternProperties', 'patternProperties is not supported'],
  ['definitions', 'definitions is not supported'],
  ['dependencies', 'dependencies is not supported'],
  ['$ref', '$ref is not supported'],
];

function merge(target: NodeErrors, source: NodeErrors): void {
  target.schema.push(...source.schema);
  target.cel.push(...source.cel);
}

/** Checks one node and everything below it. */
export function checkNode(node: JSONSchemaProps, path: string, context: NodeContext): NodeErrors {
  const errors: NodeErrors = { schema: standardChecks(node, path, context), cel: [] };
  if (node.uniqueItems === true) {
    const detail =
      'uniqueItems cannot be set to true since the runtime complexity becomes quadratic';
    errors.schema.push(forbiddenCause(childPath(path, 'uniqueItems'), detail));
  }
  checkChildren(node, path, context, errors);
  errors.schema.push(
    ...extensionChecks(node, path),
    ...listMapChecks(node, path),
    ...checkRuleFields(node, path),
  );

  // As in kube-apiserver, rules only compile where this node and its children have no errors.
  if (errors.schema.length === 0 && context.compileRules) {
    const isResourceRoot = context.isRoot || node['x-kubernetes-embedded-resource'] === true;
    errors.cel.push(
      ...checkRuleCompilation(node, path, isResourceRoot, context.uncorrelatablePath),
    );
  }
  return errors;
}

function standardChecks(node: JSONSchemaProps, path: string, context: NodeContext): FieldCause[] {
  const causes: FieldCause[] = [];
  const raw = node as Record<string, unknown>;
  if (node.type !== undefined && node.type !== '' && !PROPERTY_TYPES.includes(node.type)) {
    causes.push(notSupportedCause(childPath(path, 'type'), node.type, PROPERTY_TYPES));
  }
  if (node.default !== undefined && context.forbiddenDefaults !== undefined) {
    causes.push(
      forbiddenCause(childPath(path, 'default'), `must not be set ${context.forbiddenDefaults}`),
    );
  }
  for (const [keyword, detail] of UNSUPPORTED_KEYWORDS) {
    if (raw[keyword] !== undefined) causes.push(forbiddenCause(childPath(path, keyword), detail));
  }
  if (node.type === 'null') {
    const detail = 'type cannot be set to null, use nullable as an alternative';
    causes.push(forbiddenCause(childPath(path, 'type'), detail));
  }
  if (Array.isArray(raw.items)) {
    causes.push(
      forbiddenCause(childPath(path, 'items'), 'items must be a schema object and not an array'),
    );
  }
  if (context.insideResourceMeta && node['x-kubernetes-embedded-resource'] === true) {
    const detail = 'must not be used inside of resource meta';
    causes.push(forbiddenCause(childPath(path, 'x-kubernetes-embedded-resource'), detail));
  }
  return causes;
}

function checkChildren(
  node: JSONSchemaProps,
  path: string,
  context: NodeContext,
  errors: NodeErrors,
) {
  const child: NodeContext = { ...context, isRoot: false };
  const additional = node.additionalProperties;
  if (additional !== undefined) {
    const additionalPath = childPath(path, 'additionalProperties');
    if (
      Object.keys(node.properties ?? {}).length > 0 &&
      (additional === false || typeof additional === 'object')
    ) {
      errors.schema.push(
        forbiddenCause(additionalPath, 'additionalProperties and properties are mutual exclusive'),
      );
    }
    if (typeof additional === 'object') {
      const forbiddenDefaults = context.insideResourceMeta
        ? 'inside additionalProperties applying to object metadata'
        : context.forbiddenDefaults;
      merge(errors, checkNode(additional, additionalPath, { ...child, forbiddenDefaults }));
    }
  }

  for (const [name, property] of Object.entries(node.properties ?? {})) {
    const propertyContext: NodeContext = { ...child };
    if (!isCorrelatableMap(node)) propertyContext.uncorrelatablePath ??= path;
    if (
      (context.isRoot || node['x-kubernetes-embedded-resource'] === true) &&
      META_FIELDS.has(name)
    ) {
      propertyContext.insideResourceMeta = true;
      if (context.isRoot) propertyContext.forbiddenDefaults = `in top-level ${name}`;
    }
    merge(
      errors,
      checkNode(property, keyPath(childPath(path, 'properties'), name), propertyContext),
    );
  }

  const junctor: NodeContext = { ...child, compileRules: false };
  if (node.not !== undefined) merge(errors, checkNode(node.not, childPath(path, 'not'), junctor));
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
    node[key]?.forEach((part, i) =>
      merge(errors, checkNode(part, indexPath(childPath(path, key), i), junctor)),
    );
  }

  const items = node.items;
  if (items !== undefined && !Array.isArray(items)) {
    const itemContext: NodeContext = { ...child };
    if (node['x-kubernetes-list-type'] !== 'map') itemContext.uncorrelatablePath ??= path;
    merge(errors, checkNode(items, childPath(path, 'items'), itemContext));
  }
}
