/** The paths part of the OpenAPI v3 documents: one set of operations per resource. */
import type { JsonObject } from './object.ts';
import type { ResourceType, ResourceVersion } from './registry.ts';

/** Component names shared by every document. */
export const PATCH_REF = 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch';
export const STATUS_REF = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';
export const DELETE_OPTIONS_REF = 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions';

/** A JSON reference to a component schema. */
export const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });

/** The x-kubernetes-group-version-kind value of a type at one version. */
export function gvk(type: ResourceType, version: ResourceVersion, kind = type.kind): JsonObject {
  return { group: type.group, kind, version: version.name };
}

const queryParameter = (name: string, description: string, type = 'string'): JsonObject => ({
  name,
  in: 'query',
  description,
  schema: { type, uniqueItems: true },
});

const pathParameter = (name: string, description: string): JsonObject => ({
  name,
  in: 'path',
  description,
  required: true,
  schema: { type: 'string', uniqueItems: true },
});

const writeParameters = (): JsonObject[] => [
  queryParameter('dryRun', 'When present (value "All"), the change is validated but not stored.'),
  queryParameter('fieldManager', 'Name of the actor making the change, recorded in managedFields.'),
  queryParameter(
    'fieldValidation',
    'How unknown fields are handled: Ignore drops them, Warn (the default) drops them with a Warning header, Strict rejects the request.',
  ),
];

function jsonContent(schemaRef: string): JsonObject {
  return {
    'application/json': { schema: ref(schemaRef) },
    'application/yaml': { schema: ref(schemaRef) },
  };
}

function operation(
  type: ResourceType,
  version: ResourceVersion,
  action: string,
  operationId: string,
  responseRef: string,
  extra: JsonObject = {},
): JsonObject {
  return {
    tags: [`${type.group === '' ? 'core' : type.group}_${version.name}`],
    description: `${action} ${type.kind}`,
    operationId,
    responses: { '200': { description: 'OK', content: jsonContent(responseRef) } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk(type, version),
    ...extra,
  };
}

function patchOperation(
  type: ResourceType,
  version: ResourceVersion,
  kindRef: string,
  id: string,
): JsonObject {
  const patchTypes = ['application/json-patch+json', 'application/merge-patch+json'];
  if (type.strategicMergePatch) patchTypes.push('application/strategic-merge-patch+json');
  patchTypes.push('application/apply-patch+yaml');
  const content: JsonObject = {};
  for (const patchType of patchTypes) content[patchType] = { schema: ref(PATCH_REF) };
  return operation(type, version, 'patch', id, kindRef, {
    parameters: [
      ...writeParameters(),
      queryParameter(
        'force',
        'Forces an apply over conflicts with other field managers.',
        'boolean',
      ),
    ],
    requestBody: { content, required: true },
  });
}

/** Adds the collection, object, status and all-namespaces paths of one resource. */
export function addResourcePaths(
  paths: JsonObject,
  type: ResourceType,
  version: ResourceVersion,
  kindRef: string,
  listRef: string,
): void {
  const base = type.group === '' ? `/api/${version.name}` : `/apis/${type.group}/${version.name}`;
  const scoped = type.namespaced
    ? `${base}/namespaces/{namespace}/${type.plural}`
    : `${base}/${type.plural}`;
  const id = `${type.kind}${version.name}`;
  const scopeParameters = type.namespaced
    ? [pathParameter('namespace', 'Object name and auth scope.')]
    : [];

  paths[scoped] = {
    get: operation(type, version, 'list', `list${id}`, listRef),
    post: operation(type, version, 'post', `create${id}`, kindRef, {
      parameters: writeParameters(),
      requestBody: { content: jsonContent(kindRef), required: true },
    }),
    delete: operation(type, version, 'deletecollection', `deletecollection${id}`, STATUS_REF),
    parameters: scopeParameters,
  };
  paths[`${scoped}/{name}`] = {
    get: operation(type, version, 'get', `read${id}`, kindRef),
    put: operation(type, version, 'put', `replace${id}`, kindRef, {
      parameters: writeParameters(),
      requestBody: { content: jsonContent(kindRef), required: true },
    }),
    patch: patchOperation(type, version, kindRef, `patch${id}`),
    delete: operation(type, version, 'delete', `delete${id}`, STATUS_REF, {
      requestBody: { content: jsonContent(DELETE_OPTIONS_REF) },
    }),
    parameters: [pathParameter('name', `name of the ${type.kind}`), ...scopeParameters],
  };
  if (version.statusSubresource) {
    paths[`${scoped}/{name}/status`] = {
      get: operation(type, version, 'get', `read${id}Status`, kindRef),
      put: operation(type, version, 'put', `replace${id}Status`, kindRef, {
        parameters: writeParameters(),
        requestBody: { content: jsonContent(kindRef), required: true },
      }),
      patch: patchOperation(type, version, kindRef, `patch${id}Status`),
      parameters: [pathParameter('name', `name of the ${type.kind}`), ...scopeParameters],
    };
  }
  if (type.namespaced) {
    paths[`${base}/${type.plural}`] = {
      get: operation(type, version, 'list', `list${id}ForAllNamespaces`, listRef),
    };
  }
}
