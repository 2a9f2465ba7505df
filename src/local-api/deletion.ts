/**
 * Deletion as kube-apiserver performs it: preconditions, propagation policies expressed as the
 * orphan and foregroundDeletion finalizers, graceful marking while finalizers remain, and
 * removal once none do.
 */
import { readStoredObject, type ApiContext } from './context.ts';
import { badRequest } from './errors.ts';
import {
  formatTimestamp,
  jsonEqual,
  metadataOf,
  metaString,
  stringList,
  type JsonObject,
} from './object.ts';
import { checkPreconditions, requireObject } from './preconditions.ts';
import { typeKey, type ResourceType, type ResourceVersion } from './registry.ts';

/** Finalizer the garbage collector honours to orphan dependents. */
export const ORPHAN_FINALIZER = 'orphan';
/** Finalizer the garbage collector honours to delete dependents first. */
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

/** The treatment of dependents when their owner is deleted. */
export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

/** DeleteOptions, from the body or the query. */
export interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  preconditions: { uid?: string; resourceVersion?: string };
  dryRun: boolean;
}

/** The outcome of a delete: the object's final or pending state, and whether it is gone. */
export interface DeleteResult {
  object: JsonObject;
  deleted: boolean;
}

/** Tells whether something still blocks removing the object (finalizers or a kind's own rule). */
export function blocksDeletion(type: ResourceType, object: JsonObject): boolean {
  const finalizers = stringList(metadataOf(object).finalizers);
  return finalizers.length > 0 || (type.hooks.blocksDeletion?.(object) ?? false);
}

/** Reads DeleteOptions from a JSON body (may be empty) and the query, body first. */
export function parseDeleteOptions(
  body: unknown,
  query: URLSearchParams,
  dryRun: boolean,
): DeleteOptions {
  const options: DeleteOptions = { preconditions: {}, dryRun };
  const source =
    typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as JsonObject) : {};
  const policy = source.propagationPolicy ?? query.get('propagationPolicy') ?? undefined;
  const orphan = source.orphanDependents ?? query.get('orphanDependents') ?? undefined;
  if (policy !== undefined && policy !== null && policy !== '') {
    if (policy !== 'Background' && policy !== 'Foreground' && policy !== 'Orphan') {
      throw badRequest(
        `propagationPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan"`,
      );
    }
    options.propagationPolicy = policy;
  } else if (orphan === true || orphan === 'true') {
    options.propagationPolicy = 'Orphan';
  }
  const preconditions = source.preconditions;
  if (typeof preconditions === 'object' && preconditions !== null) {
    const { uid, resourceVersion } = preconditions as JsonObject;
    if (typeof uid === 'string') options.preconditions.uid = uid;
    if (typeof resourceVersion === 'string') {
      options.preconditions.resourceVersion = resourceVersion;
    }
  }
  if (source.dryRun !== undefined) {
    options.dryRun = Array.isArray(source.dryRun) && source.dryRun.includes('All');
  }
  return options;
}

function applyPropagation(metadata: JsonObject, policy: PropagationPolicy | undefined): void {
  if (policy === undefined) return;
  const finalizers = stringList(metadata.finalizers).filter(
    (finalizer) => finalizer !== ORPHAN_FINALIZER && finalizer !== FOREGROUND_FINALIZER,
  );
  if (policy === 'Orphan') finalizers.push(ORPHAN_FINALIZER);
  if (policy === 'Foreground') finalizers.push(FOREGROUND_FINALIZER);
  if (finalizers.length > 0) metadata.finalizers = finalizers;
  else delete metadata.finalizers;
}

/**
 * Deletes an object, or marks it deleting (deletionTimestamp, MODIFIED) while finalizers remain.
 * The result is presented in `version`.
 */
export function deleteObject(
  context: ApiContext,
  type: ResourceType,
  version: ResourceVersion | string,
  namespace: string | undefined,
  name: string,
  options: DeleteOptions,
): DeleteResult {
  const existing = requireObject(context, type, namespace, name);
  checkPreconditions(type, existing, options.preconditions);
  type.hooks.validateDelete?.(existing);

  const next = structuredClone(existing);
  const metadata = metadataOf(next);
  const alreadyDeleting = metadata.deletionTimestamp !== undefined;
  if (!alreadyDeleting) applyPropagation(metadata, options.propagationPolicy);
  type.hooks.markDeleting?.(next, context.now());

  // NOTE: gracePeriodSeconds is ignored: without finalizers an object goes at once, as custom
  // resources and the built-in kinds served here do on kube-apiserver.
  if (!blocksDeletion(type, next)) {
    if (options.dryRun) return { object: readStoredObject(existing, type, version), deleted: true };
    const removed = context.store.delete(typeKey(type), namespace, name) ?? existing;
    return { object: readStoredObject(removed, type, version), deleted: true };
  }

  if (!alreadyDeleting) {
    metadata.deletionTimestamp = formatTimestamp(context.now());
    metadata.deletionGracePeriodSeconds = 0;
    const generation = Number(metadata.generation ?? 0);
    if (type.tracksGeneration && generation > 0) metadata.generation = generation + 1;
  }
  if (options.dryRun || jsonEqual(next, existing)) {
    return { object: readStoredObject(next, type, version), deleted: false };
  }
  const stored = context.store.update(typeKey(type), next);
  return { object: readStoredObject(stored, type, version), deleted: false };
}

/** The success Status kube-apiserver returns for an immediate delete of most kinds. */
export function deletedStatus(type: ResourceType, object: JsonObject): JsonObject {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: {
      name: metaString(object, 'name') ?? '',
      group: type.group,
      kind: type.plural,
      uid: metaString(object, 'uid') ?? '',
    },
  };
}

/**
 * Removes one finalizer from a stored object on behalf of a built-in controller, and removes
 * the object when nothing else blocks its pending deletion.
 */
export function removeFinalizer(
  context: ApiContext,
  type: ResourceType,
  stored: JsonObject,
  finalizer: string,
): void {
  const next = structuredClone(stored);
  const metadata = metadataOf(next);
  const finalizers = stringList(metadata.finalizers).filter((entry) => entry !== finalizer);
  if (finalizers.length > 0) metadata.finalizers = finalizers;
  else delete metadata.finalizers;
  if (jsonEqual(next, stored)) return;
  const namespace = metaString(next, 'namespace');
  const name = metaString(next, 'name') ?? '';
  if (metadata.deletionTimestamp !== undefined && !blocksDeletion(type, next)) {
    context.store.delete(typeKey(type), namespace, name);
  } else {
    context.store.update(typeKey(type), next);
  }
}
