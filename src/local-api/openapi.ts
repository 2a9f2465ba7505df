/**
 * OpenAPI v3 documents per group-version, shaped like kube-apiserver's: kubectl validates
 * `apply` through the PATCH operations' `fieldValidation` parameter, decides between strategic
 * and JSON merge patches from their request content types, and `kubectl explain` reads the
 * component schemas marked with x-kubernetes-group-version-kind.
 */
import { createHash } from 'node:crypto';

import {
  API_VERSION_DESCRIPTION,
  KIND_DESCRIPTION,
  METADATA_DESCRIPTION,
  metaComponents,
  OBJECT_META_REF,
} from './builtins/meta-schemas.ts';
import { cloneJson, isJsonObject, type JsonObject } from './object.ts';
import {
  addResourcePaths,
  DELETE_OPTIONS_REF,
  gvk,
  PATCH_REF,
  ref,
  STATUS_REF,
} from './openapi-paths.ts';
import type { Registry, ResourceType, ResourceVersion } from './registry.ts';

const LIST_META_REF = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';

const sharedComponents: Record<string, JsonObject> = {
  [LIST_META_REF]: {
    type: 'object',
    description: 'ListMeta describes metadata that synthetic resources must have, including lists.',
    properties: {
      continue: { type: 'string', description: 'Token for the next page of a paged list.' },
      remainingItemCount: {
        type: 'integer',
        format: 'int64',
        description: 'Number of items after this page, when known.',
      },
      resourceVersion: { type: 'string', description: 'Revision the list was read at.' },
    },
  },
  [PATCH_REF]: {
    type: 'object',
    description: 'The body of a PATCH request, in the format named by its Content-Type.',
  },
  [STATUS_REF]: {
    type: 'object',
    description: 'Status is the result of an operation that returns no object.',
    properties: {
      code: { type: 'integer', format: 'int32', description: 'HTTP status code.' },
      message: { type: 'string', description: 'Human-readable description of the status.' },
      reason: { type: 'string', description: 'Machine-readable reason for a failure.' },
      status: { type: 'string', description: '"Success" or "Failure".' },
    },
  },
  [DELETE_OPTIONS_REF]: {
    type: 'object',
    description: 'DeleteOptions may be provided when deleting an API object.',
    properties: {
      propagationPolicy: {
        type: 'string',
        description:
          'Whether and how garbage collection deletes dependents: Orphan, Background or Foreground.',
      },
      preconditions: {
        type: 'object',
        description: 'Conditions that must hold for the delete to proceed.',
        properties: { resourceVersion: { type: 'string' }, uid: { type: 'string' } },
      },
    },
  },
};

/** Component name prefix kube uses for a group ("example.herald.dev" -> "dev.herald.example"). */
function componentPrefix(type: ResourceType): string {
  if (type.origin === 'builtin') {
    if (type.group === 'apiextensions.k8s.io') {
      return 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions';
    }
    const group = type.group === '' ? 'core' : type.group.replace(/\.k8s\.io$/, '');
    return `io.k8s.api.${group}`;
  }
  return type.group.split('.').reverse().join('.');
}

/** Builds the published schema of one kind: the version's schema plus the standard type meta fields. */
function kindSchema(type: ResourceType, version: ResourceVersion): JsonObject {
  const schema: JsonObject = isJsonObject(version.schema)
    ? (cloneJson(version.schema) as JsonObject)
    : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const properties = isJsonObject(schema.properties) ? schema.properties : {};
  properties.apiVersion = { type: 'string', description: API_VERSION_DESCRIPTION };
  properties.kind = { type: 'string', description: KIND_DESCRIPTION };
  properties.metadata = { allOf: [ref(OBJECT_META_REF)], description: METADATA_DESCRIPTION };
  schema.properties = properties;
  schema.type = 'object';
  schema['x-kubernetes-group-version-kind'] = [gvk(type, version)];
  return schema;
}

function listSchema(type: ResourceType, version: ResourceVersion, kindRef: string): JsonObject {
  return {
    type: 'object',
    description: `${type.listKind} is a list of ${type.kind}`,
    required: ['items'],
    properties: {
      apiVersion: { type: 'string', description: API_VERSION_DESCRIPTION },
      items: {
        type: 'array',
        description: `List of ${type.plural}.`,
        items: ref(kindRef),
      },
      kind: { type: 'string', description: KIND_DESCRIPTION },
      metadata: { allOf: [ref(LIST_META_REF)], description: 'Standard list metadata.' },
    },
    'x-kubernetes-group-version-kind': [gvk(type, version, type.listKind)],
  };
}

/** Builds the OpenAPI v3 document of one group-version, or undefined when it is not served. */
export function openApiDocument(
  registry: Registry,
  group: string,
  version: string,
): JsonObject | undefined {
  const types = registry.typesIn(group, version);
  if (types.length === 0) return undefined;
  const paths: JsonObject = {};
  const schemas: JsonObject = { ...cloneJson(metaComponents), ...cloneJson(sharedComponents) };
  for (const { type, version: served } of types) {
    const prefix = `${componentPrefix(type)}.${served.name}`;
    const kindRef = `${prefix}.${type.kind}`;
    const listRef = `${prefix}.${type.listKind}`;
    schemas[kindRef] = kindSchema(type, served);
    schemas[listRef] = listSchema(type, served, kindRef);
    addResourcePaths(paths, type, served, kindRef, listRef);
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0-herald' },
    paths,
    components: { schemas },
  };
}

/** Hashes a document for the `?hash=` of its URL in the index. */
export function documentHash(document: JsonObject): string {
  return createHash('sha512')
    .update(JSON.stringify(document))
    .digest('hex')
    .toUpperCase()
    .slice(0, 128);
}

/** Builds the `/openapi/v3` index, with one entry per served group-version. */
export function openApiIndex(registry: Registry): JsonObject {
  const paths: JsonObject = {};
  for (const group of registry.groups()) {
    for (const version of group.versions) {
      const key = group.name === '' ? `api/${version}` : `apis/${group.name}/${version}`;
      const document = openApiDocument(registry, group.name, version);
      if (document === undefined) continue;
      paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${documentHash(document)}` };
    }
  }
  return { paths };
}
