/**
 * Update (PUT, and the final step of every patch) as kube-apiserver's generic registry performs
 * it: optimistic concurrency, the status subresource split, generation, managedFields, no-op
 * detection, and removal once a deleting object's last finalizer is gone.
 */
import { mutateObject, validateObject } from './admission.ts';
import { presentObject, readStoredObject, type ApiContext } from './context.ts';
import { blocksDeletion } from './deletion.ts';
import { badRequest, notFound } from './errors.ts';
import {
  cloneJson,
  formatTimestamp,
  isJsonObject,
  jsonEqual,
  metadataOf,
  metaString,
  withoutMetadata,
  type JsonObject,
} from './object.ts';
import { recordUpdate } from './patch/index.ts';
import {
  checkNamespaceMatches,
  checkPreconditions,
  checkResourceVersion,
  checkTypeMeta,
} from './preconditions.ts';
import { groupVersion, typeKey } from './registry.ts';
import {
  createObject,
  dropEmptyManagedFields,
  type WriteRequest,
  type WriteResult,
} from './writes.ts';

/** Options of an update that are not part of the request itself. */
export interface UpdateOptions {
  /** PUT requires metadata.resourceVersion (unless the type allows unconditional updates). */
  requireResourceVersion: boolean;
}

/**
 * Replaces an object with a request body (PUT, or the result of a patch). Returns the stored
 * object, the unchanged one for a no-op, or the created one when the type allows create on
 * update.
 */
export function updateObject(
  context: ApiContext,
  request: WriteRequest,
  name: string,
  body: JsonObject,
  options: UpdateOptions,
): WriteResult {
  const { type, version } = request;
  checkTypeMeta(body, type, version);
  checkNamespaceMatches(body, request.namespace);
  const bodyName = metaString(body, 'name') ?? '';
  if (bodyName !== name) {
    throw badRequest(
      `the name of the object (${bodyName}) does not match the name on the URL (${name})`,
    );
  }
  const stored = context.store.get(typeKey(type), request.namespace, name);
  if (stored === undefined) {
    if (request.subresource === undefined && type.allowCreateOnUpdate) {
      delete metadataOf(body).resourceVersion;
      return createObject(context, request, body);
    }
    throw notFound({ group: type.group, resource: type.plural }, name);
  }

  const existing = readStoredObject(stored, type, version);
  checkResourceVersion(type, body, existing, options.requireResourceVersion);
  checkPreconditions(type, existing, { uid: metaString(body, 'uid') });
  const next = mergeServerFields(request, existing, body);

  const admission = { ...request, object: next, old: existing };
  mutateObject(admission);
  validateObject(admission);
  type.hooks.beforeStore?.(next, existing, context);
  bumpGeneration(request, existing, next);
  recordManagedFields(context, request, existing, next);

  if (isNoOp(existing, next)) return { object: existing, created: false };
  return storeUpdate(context, request, next);
}

/**
 * Builds the object to store from the body and the server-owned parts of the existing one.
 * NOTE: managedFields always come from the stored object, so a PUT cannot reset them with an
 * empty list as it can on kube-apiserver.
 */
function mergeServerFields(
  request: WriteRequest,
  existing: JsonObject,
  body: JsonObject,
): JsonObject {
  if (request.subresource === 'status') {
    const next = cloneJson(existing);
    if (body.status === undefined) delete next.status;
    else next.status = cloneJson(body.status);
    return next;
  }

  const next = cloneJson(body);
  const metadata = metadataOf(next);
  const old = metadataOf(existing);
  for (const field of [
    'name',
    'namespace',
    'uid',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'generation',
    'resourceVersion',
    'managedFields',
  ]) {
    if (old[field] === undefined) delete metadata[field];
    else metadata[field] = cloneJson(old[field]);
  }
  if (request.version.statusSubresource) {
    if (existing.status === undefined) delete next.status;
    else next.status = cloneJson(existing.status);
  }
  return next;
}

/**
 * Bumps metadata.generation when anything outside metadata changed. With the status
 * subresource, status changes do not count.
 */
function bumpGeneration(request: WriteRequest, existing: JsonObject, next: JsonObject): void {
  if (!request.type.tracksGeneration) return;
  const generation = Number(metadataOf(existing).generation ?? 0);
  const desired = (object: JsonObject): JsonObject => {
    const rest = withoutMetadata(object);
    if (request.version.statusSubresource) delete rest.status;
    return rest;
  };
  const changed = !jsonEqual(desired(existing), desired(next));
  metadataOf(next).generation = changed ? generation + 1 : generation;
}

function recordManagedFields(
  context: ApiContext,
  request: WriteRequest,
  existing: JsonObject,
  next: JsonObject,
): void {
  const metadata = metadataOf(next);
  const entries =
    request.managedFields ??
    recordUpdate({
      before: existing,
      after: next,
      manager: request.manager,
      apiVersion: groupVersion(request.type.group, request.version.name),
      time: formatTimestamp(context.now()),
      ...(request.subresource === undefined ? {} : { subresource: request.subresource }),
    });
  metadata.managedFields = entries;
  dropEmptyManagedFields(metadata);
}

/** Tells whether a write changes nothing but managedFields timestamps. */
function isNoOp(existing: JsonObject, next: JsonObject): boolean {
  return jsonEqual(withoutManagedTimes(existing), withoutManagedTimes(next));
}

function withoutManagedTimes(object: JsonObject): JsonObject {
  const copy = cloneJson(object);
  const entries = metadataOf(copy).managedFields;
  if (Array.isArray(entries)) {
    for (const entry of entries) if (isJsonObject(entry)) delete entry.time;
  }
  return copy;
}

/** Stores an updated object, or deletes it when its last finalizer was just removed. */
function storeUpdate(context: ApiContext, request: WriteRequest, next: JsonObject): WriteResult {
  const { type, version } = request;
  if (request.dryRun) return { object: presentObject(next, type, version), created: false };
  const deleting = metadataOf(next).deletionTimestamp !== undefined;
  if (deleting && !blocksDeletion(type, next)) {
    const removed = context.store.delete(
      typeKey(type),
      request.namespace,
      metaString(next, 'name') ?? '',
    );
    return { object: presentObject(removed ?? next, type, version), created: false };
  }
  const stored = context.store.update(
    typeKey(type),
    presentObject(next, type, type.storageVersion),
  );
  return { object: presentObject(stored, type, version), created: false };
}
