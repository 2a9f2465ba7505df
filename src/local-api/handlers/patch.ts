/** PATCH handler: JSON patch, merge patch, strategic merge patch (built-ins) and server-side apply. */
import { pruneUnknownFields } from '../admission.ts';
import { readStoredObject, type ApiContext } from '../context.ts';
import {
  ApiError,
  badRequest,
  invalid,
  notFound,
  unsupportedMediaType,
  type FieldError,
} from '../errors.ts';
import { decodeBody, errorMessage, readBody, requestContentType } from '../http.ts';
import { requiredField, forbiddenField } from '../names.ts';
import {
  cloneJson,
  formatTimestamp,
  isJsonObject,
  metadataOf,
  metaString,
  type JsonObject,
} from '../object.ts';
import {
  applyJsonPatch,
  applyMergePatch,
  conflictCauses,
  formatConflicts,
  PatchError,
  serverSideApply,
  type ManagedFieldsEntry,
} from '../patch/index.ts';
import { checkNamespaceMatches, checkTypeMeta, requireObject } from '../preconditions.ts';
import { groupVersion, typeKey } from '../registry.ts';
import { queryFlag, type ApiRequest } from '../request.ts';
import { sendResourceObject } from '../respond.ts';
import { applyStrategicMergePatch } from '../strategic.ts';
import { updateObject } from '../updates.ts';
import { createObject, type WriteRequest } from '../writes.ts';
import { requestNamespace, writeRequest } from './common.ts';

const JSON_PATCH = 'application/json-patch+json';
const MERGE_PATCH = 'application/merge-patch+json';
const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
const APPLY_PATCH = 'application/apply-patch+yaml';

function acceptedPatchTypes(api: ApiRequest): string[] {
  return api.type.strategicMergePatch
    ? [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH]
    : [JSON_PATCH, MERGE_PATCH, APPLY_PATCH];
}

/** Checks PatchOptions as kube's ValidatePatchOptions does. */
function validatePatchOptions(api: ApiRequest, apply: boolean): void {
  const causes: FieldError[] = [];
  if (apply && (api.query.get('fieldManager') ?? '') === '') {
    causes.push(requiredField('fieldManager', 'is required for apply patch'));
  }
  if (!apply && api.query.has('force')) {
    causes.push(forbiddenField('force', 'may not be specified for non-apply patch'));
  }
  if (causes.length > 0) throw invalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', causes);
}

/** PATCH of an object or its status subresource. */
export async function handlePatch(
  context: ApiContext,
  api: ApiRequest,
  name: string,
): Promise<void> {
  const contentType = requestContentType(api.request);
  const accepted = acceptedPatchTypes(api);
  if (!accepted.includes(contentType)) {
    api.request.resume();
    throw unsupportedMediaType(accepted);
  }
  const apply = contentType === APPLY_PATCH;
  validatePatchOptions(api, apply);
  const raw = await readBody(api.request);

  if (apply) {
    const { object, created } = applyConfiguration(context, api, name, raw);
    sendResourceObject(context, api, created ? 201 : 200, object);
    return;
  }

  const request = writeRequest(api, 'patch');
  const stored = requireObject(context, api.type, requestNamespace(api), name);
  const current = readStoredObject(stored, api.type, api.version);
  const patched = patchObject(current, raw, contentType);
  const result = updateObject(context, request, name, patched, { requireResourceVersion: false });
  sendResourceObject(context, api, 200, result.object);
}

function parsePatch(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (error) {
    throw badRequest(`error decoding patch: ${errorMessage(error)}`);
  }
}

/** Applies a non-apply patch to the current object, failing with kube's status codes. */
function patchObject(current: JsonObject, raw: Buffer, contentType: string): JsonObject {
  const patch = parsePatch(raw);
  let result: unknown;
  try {
    if (contentType === JSON_PATCH) result = applyJsonPatch(current, patch);
    else if (contentType === MERGE_PATCH) result = applyMergePatch(current, patch);
    else result = applyStrategicMergePatch(current, patch);
  } catch (error) {
    if (!(error instanceof PatchError)) throw error;
    throw new ApiError(
      422,
      'Invalid',
      'the server rejected our request due to an error in our request',
      {
        causes: [{ message: error.message }],
      },
    );
  }
  if (!isJsonObject(result)) {
    throw badRequest('error decoding patch: the patched document is not a JSON object');
  }
  return result;
}

/** Narrows an apply configuration to what the subresource may set (status, or all but status). */
function scopeApplied(api: ApiRequest, applied: JsonObject): JsonObject {
  if (api.path.subresource === 'status') {
    const scoped: JsonObject = {
      apiVersion: applied.apiVersion,
      kind: applied.kind,
      metadata: applied.metadata,
    };
    if (applied.status !== undefined) scoped.status = applied.status;
    return scoped;
  }
  if (api.version.statusSubresource) {
    const { status: _status, ...rest } = applied;
    return rest;
  }
  return applied;
}

/** Decodes and checks an apply configuration against the URL, defaulting its name. */
function decodeApplyConfiguration(api: ApiRequest, name: string, raw: Buffer): JsonObject {
  const decoded = decodeBody(raw, APPLY_PATCH);
  if (!isJsonObject(decoded)) {
    throw badRequest('error decoding patch: an apply configuration must be an object');
  }
  checkTypeMeta(decoded, api.type, api.version);
  checkNamespaceMatches(decoded, requestNamespace(api));

  const metadata = metadataOf(decoded);
  if (metadata.managedFields !== undefined && metadata.managedFields !== null) {
    throw badRequest('metadata.managedFields must be nil');
  }
  if (metadata.name === undefined || metadata.name === '') metadata.name = name;
  if (metadata.name !== name) {
    throw badRequest(
      `the name of the object (${String(metadata.name)}) does not match the name on the URL (${name})`,
    );
  }
  if (api.type.namespaced) metadata.namespace = requestNamespace(api);
  return decoded;
}

/** Server-side apply: merges the configuration with field ownership, then stores the result. */
function applyConfiguration(
  context: ApiContext,
  api: ApiRequest,
  name: string,
  raw: Buffer,
): { object: JsonObject; created: boolean } {
  const decoded = decodeApplyConfiguration(api, name, raw);
  const request = writeRequest(api, 'apply');
  pruneUnknownFields({ ...request, object: decoded, old: undefined });
  const applied = scopeApplied(api, decoded);

  const stored = context.store.get(typeKey(api.type), requestNamespace(api), name);
  const live = stored === undefined ? undefined : readStoredObject(stored, api.type, api.version);
  const apiVersion = groupVersion(api.type.group, api.version.name);
  const outcome = serverSideApply({
    live,
    applied: cloneJson(applied),
    manager: request.manager,
    force: queryFlag(api.query, 'force'),
    apiVersion,
    time: formatTimestamp(context.now()),
  });
  if ('conflicts' in outcome) {
    throw new ApiError(409, 'Conflict', formatConflicts(outcome.conflicts, apiVersion), {
      causes: conflictCauses(outcome.conflicts, apiVersion),
    });
  }

  const merged = outcome.object;
  const managedFields = metadataOf(merged).managedFields as ManagedFieldsEntry[] | undefined;
  const applyRequest: WriteRequest = { ...request, managedFields: managedFields ?? [] };
  if (live === undefined) {
    if (api.path.subresource !== undefined) {
      throw notFound({ group: api.type.group, resource: api.type.plural }, name);
    }
    delete metadataOf(merged).resourceVersion;
    return createObject(context, applyRequest, merged);
  }
  if (metaString(merged, 'resourceVersion') === undefined) {
    metadataOf(merged).resourceVersion = metaString(live, 'resourceVersion');
  }
  return updateObject(context, applyRequest, name, merged, { requireResourceVersion: false });
}
