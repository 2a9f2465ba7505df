/**
 * The completeness rule of structural schemas (Kubernetes 1.32): a field or list item that a
 * value validation (allOf, anyOf, oneOf, not) restricts must also be declared structurally.
 */
import { requiredCause } from './causes.ts';
import { childPath, indexPath, keyPath } from './field-path.ts';
import type { FieldCause, JSONSchemaProps } from './types.ts';

function propertiesPath(path: string, name: string): string {
  return keyPath(childPath(path, 'properties'), name);
}

/**
 * Checks that every field or item a value validation restricts is also specified structurally.
 * Like kube-apiserver, this only looks at the junctors of the root node.
 */
export function validateCompleteness(node: JSONSchemaProps, path: string): FieldCause[] {
  return junctorCompleteness(node, node, path, path);
}

function junctorCompleteness(v: JSONSchemaProps, s: JSONSchemaProps, sPath: string, vPath: string) {
  const causes: FieldCause[] = [];
  if (v.not !== undefined)
    causes.push(...nestedCompleteness(v.not, s, sPath, childPath(vPath, 'not')));
  for (const junctor of ['allOf', 'anyOf', 'oneOf'] as const) {
    v[junctor]?.forEach((part, i) => {
      causes.push(...nestedCompleteness(part, s, sPath, indexPath(childPath(vPath, junctor), i)));
    });
  }
  return causes;
}

function nestedCompleteness(
  v: JSONSchemaProps,
  s: JSONSchemaProps | undefined,
  sPath: string,
  vPath: string,
): FieldCause[] {
  if (s === undefined) return [requiredCause(sPath, `because it is defined in ${vPath}`)];

  const causes = junctorCompleteness(v, s, sPath, vPath);
  if (v.items !== undefined) {
    causes.push(
      ...nestedCompleteness(v.items, s.items, childPath(sPath, 'items'), childPath(vPath, 'items')),
    );
  }
  for (const [name, property] of Object.entries(v.properties ?? {})) {
    const structural = s.properties?.[name];
    const sChild = propertiesPath(sPath, name);
    const vChild = propertiesPath(vPath, name);
    if (structural === undefined) {
      causes.push(requiredCause(sChild, `because it is defined in ${vChild}`));
    } else {
      causes.push(...nestedCompleteness(property, structural, sChild, vChild));
    }
  }
  return causes;
}
