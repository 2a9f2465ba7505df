/** Checks shared by writes: namespaces that must exist, type meta, and resourceVersions. */
import type { ApiContext } from './context.ts';
import {
  badRequest,
  conflict,
  forbidden,
  invalid,
  methodNotAllowed,
  notFound,
  OPTIMISTIC_LOCK_MESSAGE,
} from './errors.ts';
import { isJsonObject, metaString, type JsonObject } from './object.ts';
import { groupVersion, typeKey, type ResourceType, type ResourceVersion } from './registry.ts';

const namespacesResource = { group: '', resource: 'namespaces' };

/**
 * Rejects creating in a namespace that is missing (404) or terminating (403), and creating
 * objects of a type whose CRD is being deleted (405).
 */
export function checkCreateAllowed(
  context: ApiContext,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
): void {
  if (type.terminating === true) {
    throw methodNotAllowed('create not allowed while custom resource definition is terminating');
  }
  if (!type.namespaced || namespace === undefined) return;
  const stored = context.store.get('/namespaces', undefined, namespace);
  if (stored === undefined) throw notFound(namespacesResource, namespace);
  if (isJsonObject(stored.metadata) && stored.metadata.deletionTimestamp !== undefined) {
    throw forbidden(
      { group: type.group, resource: type.plural },
      name,
      `unable to create new content in namespace ${namespace} because it is being terminated`,
    );
  }
}

/** Defaults a body's apiVersion and kind from the URL and rejects mismatches with 400. */
export function checkTypeMeta(
  body: JsonObject,
  type: ResourceType,
  version: ResourceVersion,
): void {
  const expected = groupVersion(type.group, version.name);
  if (body.apiVersion === undefined || body.apiVersion === '') body.apiVersion = expected;
  if (body.kind === undefined || body.kind === '') body.kind = type.kind;
  if (body.apiVersion !== expected) {
    throw badRequest(
      `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${expected})`,
    );
  }
  if (body.kind !== type.kind) {
    throw badRequest(
      `the kind in the data (${String(body.kind)}) does not match the expected kind (${type.kind})`,
    );
  }
}

/** Rejects a body whose metadata.namespace differs from the URL's (400). */
export function checkNamespaceMatches(body: JsonObject, namespace: string | undefined): void {
  const declared = metaString(body, 'namespace');
  if (
    declared !== undefined &&
    declared !== '' &&
    namespace !== undefined &&
    declared !== namespace
  ) {
    throw badRequest(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  }
}

/**
 * Applies kube's optimistic concurrency rules to an update: a missing resourceVersion is 422
 * unless the type allows unconditional updates, a stale one is 409.
 */
export function checkResourceVersion(
  type: ResourceType,
  body: JsonObject,
  existing: JsonObject,
  requireResourceVersion: boolean,
): void {
  const name = metaString(existing, 'name') ?? '';
  const sent = metaString(body, 'resourceVersion');
  if (sent === undefined || sent === '') {
    if (requireResourceVersion && !type.allowUnconditionalUpdate) {
      throw invalid({ group: type.group, kind: type.kind }, name, [
        {
          reason: 'FieldValueInvalid',
          message: 'Invalid value: 0x0: must be specified for an update',
          field: 'metadata.resourceVersion',
        },
      ]);
    }
    return;
  }
  if (sent !== metaString(existing, 'resourceVersion')) {
    throw conflict({ group: type.group, resource: type.plural }, name, OPTIMISTIC_LOCK_MESSAGE);
  }
}

/** Rejects a write or delete whose uid or resourceVersion precondition fails (409). */
export function checkPreconditions(
  type: ResourceType,
  existing: JsonObject,
  preconditions: { uid?: string; resourceVersion?: string },
): void {
  const name = metaString(existing, 'name') ?? '';
  const target = { group: type.group, resource: type.plural };
  const uid = metaString(existing, 'uid');
  if (preconditions.uid !== undefined && preconditions.uid !== '' && preconditions.uid !== uid) {
    throw conflict(
      target,
      name,
      `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${uid ?? ''}`,
    );
  }
  const version = metaString(existing, 'resourceVersion');
  if (
    preconditions.resourceVersion !== undefined &&
    preconditions.resourceVersion !== '' &&
    preconditions.resourceVersion !== version
  ) {
    throw conflict(
      target,
      name,
      `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${version ?? ''}`,
    );
  }
}

/** Returns a stored object or throws 404 NotFound. */
export function requireObject(
  context: ApiContext,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
): JsonObject {
  const stored = context.store.get(typeKey(type), namespace, name);
  if (stored === undefined) throw notFound({ group: type.group, resource: type.plural }, name);
  return stored;
}
