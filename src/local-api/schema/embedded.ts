/**
 * The type meta checks kube-apiserver 1.32 runs on embedded resources (nodes with
 * x-kubernetes-embedded-resource), from schema/objectmeta's Validate. The resource root itself
 * is left to the server, which validates its own metadata.
 */
import { invalidCause, requiredCause } from './causes.ts';
import { childPath, indexPath, keyPath } from './field-path.ts';
import { hasProperty, isJsonMap, mapValueSchema } from './json-values.ts';
import type { FieldCause, JSONSchemaProps } from './types.ts';

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_MESSAGE =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name' or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

/**
 * Checks apiVersion and kind of every embedded resource in the object.
 * TODO: the embedded objects' metadata is not validated (kube-apiserver runs ObjectMeta
 * validation on it).
 */
export function validateEmbeddedResources(
  schema: JSONSchemaProps,
  object: Record<string, unknown>,
) {
  return walk('', object, schema);
}

function walk(path: string, value: unknown, node: JSONSchemaProps | null): FieldCause[] {
  if (node === null) return [];
  if (Array.isArray(value)) {
    const items = node.items ?? null;
    return value.flatMap((item, i) => walk(indexPath(path, i), item, items));
  }
  if (!isJsonMap(value)) return [];

  const causes = node['x-kubernetes-embedded-resource'] === true ? checkTypeMeta(path, value) : [];
  const valueSchema = mapValueSchema(node);
  for (const [key, item] of Object.entries(value)) {
    if (hasProperty(node, key)) {
      causes.push(...walk(childPath(path, key), item, node.properties?.[key] ?? null));
    } else if (valueSchema !== undefined) {
      causes.push(...walk(keyPath(path, key), item, valueSchema));
    }
  }
  return causes;
}

function checkTypeMeta(path: string, object: Record<string, unknown>): FieldCause[] {
  const causes: FieldCause[] = [];
  const apiVersionPath = childPath(path, 'apiVersion');
  const kindPath = childPath(path, 'kind');
  if (!Object.hasOwn(object, 'apiVersion')) causes.push(requiredCause(apiVersionPath));
  if (!Object.hasOwn(object, 'kind')) causes.push(requiredCause(kindPath));

  if (Object.hasOwn(object, 'apiVersion')) {
    const apiVersion = object.apiVersion;
    if (typeof apiVersion !== 'string') {
      causes.push(invalidCause(apiVersionPath, apiVersion, 'must be a string'));
    } else if (apiVersion === '') {
      causes.push(requiredCause(apiVersionPath));
    } else if (apiVersion !== '/' && apiVersion.split('/').length > 2) {
      causes.push(
        invalidCause(apiVersionPath, apiVersion, `unexpected GroupVersion string: ${apiVersion}`),
      );
    }
  }
  if (Object.hasOwn(object, 'kind')) causes.push(...checkKind(kindPath, object.kind));
  return causes;
}

function checkKind(path: string, kind: unknown): FieldCause[] {
  if (typeof kind !== 'string') return [invalidCause(path, kind, 'must be a string')];
  if (kind === '') return [requiredCause(path)];

  const problems: string[] = [];
  const lower = kind.toLowerCase();
  if (lower.length > 63) problems.push('must be no more than 63 characters');
  if (!DNS1035_LABEL.test(lower)) problems.push(DNS1035_MESSAGE);
  if (problems.length === 0) return [];
  return [
    invalidCause(
      path,
      kind,
      `may have mixed case, but should otherwise match: ${problems.join(',')}`,
    ),
  ];
}
