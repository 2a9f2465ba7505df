/**
 * Create as kube-apiserver's generic registry performs it: name generation, server-owned
 * metadata, the status subresource, generation, managedFields and the validation pipeline.
 * Handlers, the server-side apply path and start-up share it. updates.ts contains the update.
 */
import { randomUUID } from 'node:crypto';

import { mutateObject, validateObject, type FieldValidation, type WriteKind } from './admission.ts';
import { presentObject, type ApiContext } from './context.ts';
import { ApiError, alreadyExists } from './errors.ts';
import { generateName } from './names.ts';
import { formatTimestamp, metadataOf, type JsonObject } from './object.ts';
import { recordUpdate, type ManagedFieldsEntry } from './patch/index.ts';
import { checkCreateAllowed, checkNamespaceMatches, checkTypeMeta } from './preconditions.ts';
import { groupVersion, typeKey, type ResourceType, type ResourceVersion } from './registry.ts';

/** The request-side inputs of a write. */
export interface WriteRequest {
  type: ResourceType;
  version: ResourceVersion;
  namespace: string | undefined;
  /** The field manager recorded in managedFields. */
  manager: string;
  fieldValidation: FieldValidation;
  writeKind: WriteKind;
  warnings: string[];
  dryRun: boolean;
  /** "status" for writes through the status subresource. */
  subresource?: string;
  /** managedFields computed by server-side apply. When unset, the write is recorded as an Update. */
  managedFields?: ManagedFieldsEntry[];
}

/** The outcome of a write: the object as served, and whether it was created. */
export interface WriteResult {
  object: JsonObject;
  created: boolean;
}

const serverOwnedOnCreate = ['uid', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];

/** Creates an object from a request body. */
export function createObject(
  context: ApiContext,
  request: WriteRequest,
  body: JsonObject,
): WriteResult {
  const { type, version } = request;
  checkTypeMeta(body, type, version);
  checkNamespaceMatches(body, request.namespace);
  const metadata = metadataOf(body);
  if (type.namespaced) metadata.namespace = request.namespace;
  else delete metadata.namespace;
  assignName(context, type, metadata);
  checkCreateAllowed(context, type, request.namespace, String(metadata.name ?? ''));

  stampCreateMetadata(context, request, body);

  const admission = { ...request, object: body, old: undefined };
  mutateObject(admission);
  validateObject(admission);
  type.hooks.beforeStore?.(body, undefined, context);

  const name = String(metadata.name);
  if (context.store.get(typeKey(type), request.namespace, name) !== undefined) {
    throw alreadyExists({ group: type.group, resource: type.plural }, name);
  }
  metadata.managedFields =
    request.managedFields ??
    recordUpdate({
      before: undefined,
      after: body,
      manager: request.manager,
      apiVersion: groupVersion(type.group, version.name),
      time: formatTimestamp(context.now()),
    });
  dropEmptyManagedFields(metadata);

  if (request.dryRun) return { object: presentObject(body, type, version), created: true };
  const stored = context.store.create(
    typeKey(type),
    presentObject(body, type, type.storageVersion),
  );
  return { object: presentObject(stored, type, version), created: true };
}

/** Sets the metadata the server owns on create, and drops what a create may not set. */
function stampCreateMetadata(context: ApiContext, request: WriteRequest, body: JsonObject): void {
  const metadata = metadataOf(body);
  if (typeof metadata.resourceVersion === 'string' && metadata.resourceVersion !== '') {
    throw new ApiError(
      500,
      'Unknown',
      'resourceVersion should not be set on objects to be created',
    );
  }
  for (const field of serverOwnedOnCreate) delete metadata[field];
  metadata.uid = randomUUID();
  metadata.creationTimestamp = formatTimestamp(context.now());
  if (request.type.tracksGeneration) metadata.generation = 1;
  else delete metadata.generation;
  if (request.version.statusSubresource) delete body.status;
  request.type.hooks.prepareCreate?.(body);
}

function assignName(context: ApiContext, type: ResourceType, metadata: JsonObject): void {
  const name = metadata.name;
  const base = metadata.generateName;
  if ((typeof name === 'string' && name !== '') || typeof base !== 'string' || base === '') return;
  for (let attempt = 0; attempt < 8; attempt += 1) {
    const candidate = generateName(base);
    const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
    if (context.store.get(typeKey(type), namespace, candidate) === undefined) {
      metadata.name = candidate;
      return;
    }
  }
  metadata.name = generateName(base);
}

/** Removes an empty managedFields list, which kube never stores. */
export function dropEmptyManagedFields(metadata: JsonObject): void {
  if (Array.isArray(metadata.managedFields) && metadata.managedFields.length === 0) {
    delete metadata.managedFields;
  }
}
