/** The schema a CEL rule reads its node with, which differs from the node at resource roots. */
import type { JSONSchemaProps } from '../types.ts';

const STRING: JSONSchemaProps = { type: 'string' };
const OBJECT_META: JSONSchemaProps = {
  type: 'object',
  properties: { name: STRING, generateName: STRING },
};

const withTypeMetaCache = new WeakMap<JSONSchemaProps, JSONSchemaProps>();

/**
 * Adds apiVersion, kind and a metadata with only name and generateName to a resource root, as
 * kube-apiserver's WithTypeAndObjectMeta does: rules at a resource root can read those fields
 * whatever the schema declares.
 */
export function withTypeMeta(node: JSONSchemaProps): JSONSchemaProps {
  const cached = withTypeMetaCache.get(node);
  if (cached !== undefined) return cached;

  const augmented: JSONSchemaProps = {
    ...node,
    properties: { ...node.properties, kind: STRING, apiVersion: STRING, metadata: OBJECT_META },
  };
  withTypeMetaCache.set(node, augmented);
  return augmented;
}

/** Returns the schema rules read a node with: resource roots and embedded resources gain type meta. */
export function celViewOf(node: JSONSchemaProps, isResourceRoot: boolean): JSONSchemaProps {
  const isRoot = isResourceRoot || node['x-kubernetes-embedded-resource'] === true;
  return isRoot ? withTypeMeta(node) : node;
}
