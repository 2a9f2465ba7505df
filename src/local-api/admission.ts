/**
 * The validation pipeline every write goes through: kind-specific normalization, pruning of
 * unknown fields (with the request's fieldValidation directive), schema defaults, and schema,
 * metadata and kind-specific validation.
 */
import { ApiError, badRequest, invalid, type FieldError } from './errors.ts';
import { forbiddenField, validateObjectMeta } from './names.ts';
import { isJsonObject, metadataOf, stringList, type JsonObject } from './object.ts';
import type { ResourceType, ResourceVersion } from './registry.ts';
import { applyDefaults, prune, validate } from './schema/index.ts';

/** The handling of unknown fields, from the `fieldValidation` query parameter. */
export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

/** The request kind that unknown fields are reported for, which decides the error's form. */
export type WriteKind = 'create' | 'update' | 'patch' | 'apply';

const optionsKind: Record<WriteKind, string> = {
  create: 'CreateOptions',
  update: 'UpdateOptions',
  patch: 'PatchOptions',
  apply: 'PatchOptions',
};

/** Reads `fieldValidation`, which kube-apiserver defaults to Warn. */
export function parseFieldValidation(query: URLSearchParams, kind: WriteKind): FieldValidation {
  const value = query.get('fieldValidation');
  if (value === null || value === '') return 'Warn';
  if (value === 'Ignore' || value === 'Warn' || value === 'Strict') return value;
  throw invalid({ group: 'meta.k8s.io', kind: optionsKind[kind] }, '', [
    {
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(value)}: supported values: "Ignore", "Strict", "Warn"`,
      field: 'fieldValidation',
    },
  ]);
}

const objectMetaFields = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

/** Removes the metadata fields ObjectMeta does not have and returns their paths. */
function pruneMetadata(object: JsonObject): string[] {
  const metadata = object.metadata;
  if (!isJsonObject(metadata)) return [];
  const removed: string[] = [];
  for (const key of Object.keys(metadata)) {
    if (!objectMetaFields.has(key)) {
      delete metadata[key];
      removed.push(`metadata.${key}`);
    }
  }
  return removed;
}

/** Everything the pipeline needs to know about the request. */
export interface AdmissionInput {
  type: ResourceType;
  version: ResourceVersion;
  object: JsonObject;
  old: JsonObject | undefined;
  fieldValidation: FieldValidation;
  writeKind: WriteKind;
  /** Receives warnings for the `Warning` response header. */
  warnings: string[];
}

/**
 * Prunes unknown fields from `input.object` in place, reporting them as the directive requests.
 * Strict rejects with the error form kube uses for this kind of request.
 */
export function pruneUnknownFields(input: AdmissionInput): void {
  const { type, version, object } = input;
  const unknown = [...pruneMetadata(object)];
  if (version.schema !== undefined) unknown.push(...prune(version.schema, object));
  if (unknown.length === 0 || input.fieldValidation === 'Ignore') return;

  const messages = unknown.map((path) => `unknown field ${JSON.stringify(path)}`);
  if (input.fieldValidation === 'Warn') {
    input.warnings.push(...messages);
    return;
  }
  const strictError = `strict decoding error: ${messages.join(', ')}`;
  if (input.writeKind === 'patch') {
    throw invalid({ group: '', kind: '' }, '', [
      {
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(JSON.stringify(object))}: ${strictError}`,
        field: 'patch',
      },
    ]);
  }
  if (input.writeKind === 'apply') {
    const paths = unknown.map((path) => `.${path}: field not declared in schema`).join(', ');
    throw new ApiError(
      500,
      'Unknown',
      `failed to create typed patch object (${objectGvk(type, version)}): ${paths}`,
    );
  }
  throw badRequest(
    `${type.kind} in version ${JSON.stringify(version.name)} cannot be handled as a ${type.kind}: ${strictError}`,
  );
}

function objectGvk(type: ResourceType, version: ResourceVersion): string {
  const groupVersion = type.group === '' ? `/${version.name}` : `${type.group}/${version.name}`;
  return `${groupVersion}, Kind=${type.kind}`;
}

/**
 * Runs normalization, pruning and defaulting: everything that rewrites the object.
 * NOTE: built-in kinds are checked against their OpenAPI schema here too, so a wrongly typed
 * field is a 422 Invalid where kube-apiserver's Go decoder returns 400 BadRequest.
 */
export function mutateObject(input: AdmissionInput): void {
  input.type.hooks.normalize?.(input.object);
  pruneUnknownFields(input);
  if (input.version.schema !== undefined) applyDefaults(input.version.schema, input.object);
}

/** Validates the object and throws 422 Invalid with every cause found. */
export function validateObject(input: AdmissionInput): void {
  const { type, version, object, old } = input;
  const metadata = metadataOf(object);
  const causes: FieldError[] = [
    ...validateObjectMeta(metadata, type.nameRule),
    ...finalizerAdditionsWhileDeleting(object, old),
  ];
  if (version.schema !== undefined) causes.push(...validate(version.schema, object, old));
  causes.push(...(type.hooks.validate?.(object, old) ?? []));
  if (causes.length > 0) {
    throw invalid({ group: type.group, kind: type.kind }, String(metadata.name ?? ''), causes);
  }
}

/** kube forbids adding finalizers once deletion has started. */
function finalizerAdditionsWhileDeleting(
  object: JsonObject,
  old: JsonObject | undefined,
): FieldError[] {
  if (
    old === undefined ||
    !isJsonObject(old.metadata) ||
    old.metadata.deletionTimestamp === undefined
  ) {
    return [];
  }
  const before = new Set(stringList(old.metadata.finalizers));
  const added = [...new Set(stringList(metadataOf(object).finalizers))]
    .filter((finalizer) => !before.has(finalizer))
    .sort();
  if (added.length === 0) return [];
  const goList = `[]string{${added.map((finalizer) => JSON.stringify(finalizer)).join(', ')}}`;
  return [
    forbiddenField(
      'metadata.finalizers',
      `no new finalizers can be added if the object is being deleted, found new finalizers ${goList}`,
    ),
  ];
}
