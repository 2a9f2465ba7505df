/**
 * The checks kube-apiserver 1.32 runs on schema defaults when a CRD is written (schema/defaulting
 * ValidateDefaults): a default must already be pruned and must validate against its node.
 */
import { invalidCause } from './causes.ts';
import { childPath, keyPath } from './field-path.ts';
import { jsonEqual } from './json-values.ts';
import { toCauses } from './openapi-errors.ts';
import { validateOpenAPI } from './openapi-validate.ts';
import { pruneNested } from './prune.ts';
import type { FieldCause, JSONSchemaProps } from './types.ts';

const META_FIELDS = new Set(['metadata', 'kind', 'apiVersion']);

/** Returns the problems of every default in the schema; `path` is the schema's field path. */
export function validateDefaults(schema: JSONSchemaProps, path: string): FieldCause[] {
  return visit({ ...schema, 'x-kubernetes-embedded-resource': true }, path, false);
}

/**
 * `insideMeta` is true below an embedded resource's apiVersion, kind or metadata.
 * TODO: defaults there are only checked against their own node; kube-apiserver also checks
 * that they make valid object metadata.
 */
function visit(node: JSONSchemaProps, path: string, insideMeta: boolean): FieldCause[] {
  const embedded = node['x-kubernetes-embedded-resource'] === true;
  const inMeta = embedded ? false : insideMeta;
  const causes: FieldCause[] = [];

  if (node.default !== undefined) {
    const defaultPath = childPath(path, 'default');
    if (!inMeta) {
      const pruned = structuredClone(node.default);
      pruneNested(pruned, node);
      if (!jsonEqual(pruned, node.default)) {
        causes.push(invalidCause(defaultPath, node.default, 'must not have unknown fields'));
      }
    }
    causes.push(...toCauses(validateOpenAPI(node, node.default, ''), defaultPath));
  }

  if (node.items !== undefined) causes.push(...visit(node.items, childPath(path, 'items'), inMeta));
  for (const [name, property] of Object.entries(node.properties ?? {})) {
    const propertyInMeta = inMeta || (embedded && META_FIELDS.has(name));
    causes.push(...visit(property, keyPath(childPath(path, 'properties'), name), propertyInMeta));
  }
  return causes;
}
