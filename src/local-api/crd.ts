/**
 * The customresourcedefinitions resource: validation, defaults, and the status kube's naming
 * and establishing controllers would write (NamesAccepted, Established, Terminating conditions,
 * accepted names, stored versions). custom-resources.ts derives the type a CRD serves.
 */
import {
  builtinDefaults,
  NAME_COLUMN_DESCRIPTION,
  objectRoot,
  stringField,
  textAt,
} from './builtins/common.ts';
import type { ApiContext } from './context.ts';
import { defaultCrd, validateCrd } from './crd-validation.ts';
import {
  formatTimestamp,
  isJsonObject,
  metadataOf,
  stringList,
  type JsonObject,
} from './object.ts';
import { metadataFields, type ResourceType } from './registry.ts';
import type { JSONSchemaProps } from './schema/index.ts';

/** The type key of CRDs in the store. */
export const CRD_RESOURCE = 'apiextensions.k8s.io/customresourcedefinitions';
/** Finalizer kube puts on a CRD while its objects are deleted. */
export const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

const anyObject = (description: string): JSONSchemaProps => ({
  type: 'object',
  description,
  'x-kubernetes-preserve-unknown-fields': true,
});

const crdSchema = objectRoot(
  'CustomResourceDefinition represents a resource that should be exposed on the API server. Its name MUST be in the format <.spec.name>.<.spec.group>.',
  {
    spec: {
      type: 'object',
      description: 'spec describes how the user wants the resources to appear',
      required: ['group', 'names', 'scope', 'versions'],
      properties: {
        group: stringField('group is the API group of the defined custom resource.'),
        names: {
          type: 'object',
          description: 'names specify the resource and kind names for the custom resource.',
          properties: {
            categories: {
              type: 'array',
              items: { type: 'string' },
              description: 'Grouped resources this resource belongs to, such as "all".',
            },
            kind: stringField('kind is the serialized kind of the resource, in CamelCase.'),
            listKind: stringField(
              'listKind is the serialized kind of the list; defaults to "<kind>List".',
            ),
            plural: stringField(
              'plural is the plural name of the resource to serve, all lowercase.',
            ),
            shortNames: {
              type: 'array',
              items: { type: 'string' },
              description: 'Short names for the resource, usable in kubectl.',
            },
            singular: stringField(
              'singular is the singular name of the resource; defaults to the lowercased kind.',
            ),
          },
        },
        scope: stringField(
          'scope indicates whether the resource is cluster- or namespace-scoped: Cluster or Namespaced.',
        ),
        versions: {
          type: 'array',
          description: 'versions is the list of all API versions of the defined custom resource.',
          items: anyObject(
            'A version of the custom resource: name, served, storage, schema, subresources, printer columns.',
          ),
        },
        conversion: anyObject('conversion defines conversion settings for the CRD.'),
        preserveUnknownFields: { type: 'boolean', description: 'Deprecated; must be false.' },
      },
    },
    status: anyObject('status indicates the actual state of the CustomResourceDefinition'),
  },
  ['spec'],
);

function condition(
  type: string,
  status: 'True' | 'False',
  reason: string,
  message: string,
  previous: JsonObject[],
  now: string,
): JsonObject {
  const earlier = previous.find((entry) => entry.type === type);
  const lastTransitionTime =
    earlier !== undefined &&
    earlier.status === status &&
    typeof earlier.lastTransitionTime === 'string'
      ? earlier.lastTransitionTime
      : now;
  return { type, status, lastTransitionTime, reason, message };
}

/** Returns the first accepted name that another established CRD of the group already uses. */
function findNameConflict(context: ApiContext, crd: JsonObject): string | undefined {
  const spec = crd.spec as JsonObject;
  const names = spec.names as JsonObject;
  for (const other of context.store.list(CRD_RESOURCE)) {
    if (metadataOf(other).name === metadataOf(crd).name) continue;
    const otherSpec = isJsonObject(other.spec) ? other.spec : {};
    if (otherSpec.group !== spec.group || !isJsonObject(other.status)) continue;
    const accepted = isJsonObject(other.status.acceptedNames) ? other.status.acceptedNames : {};
    if (accepted.plural === names.plural) return `"${String(names.plural)}" is already in use`;
    if (accepted.kind === names.kind) return `"${String(names.kind)}" is already in use`;
    const shortNames = new Set(stringList(accepted.shortNames));
    const clash = stringList(names.shortNames).find((shortName) => shortNames.has(shortName));
    if (clash !== undefined) return `"${clash}" is already in use`;
  }
  return undefined;
}

/** Computes a CRD's status as kube's naming and establishing controllers would. */
function computeStatus(context: ApiContext, crd: JsonObject, old: JsonObject | undefined): void {
  const now = formatTimestamp(context.now());
  const oldStatus = old !== undefined && isJsonObject(old.status) ? old.status : {};
  const previous = Array.isArray(oldStatus.conditions)
    ? (oldStatus.conditions as JsonObject[])
    : [];
  const spec = crd.spec as JsonObject;
  const conflict = findNameConflict(context, crd);
  const storage = (spec.versions as JsonObject[]).find((version) => version.storage === true);
  const storedVersions = [...stringList(oldStatus.storedVersions)];
  if (storage !== undefined && !storedVersions.includes(String(storage.name))) {
    storedVersions.push(String(storage.name));
  }

  const conditions =
    conflict === undefined
      ? [
          condition('NamesAccepted', 'True', 'NoConflicts', 'no conflicts found', previous, now),
          condition(
            'Established',
            'True',
            'InitialNamesAccepted',
            'the initial names have been accepted',
            previous,
            now,
          ),
        ]
      : [
          condition('NamesAccepted', 'False', 'AlreadyInUse', conflict, previous, now),
          condition(
            'Established',
            'False',
            'NotAccepted',
            'not all names are accepted',
            previous,
            now,
          ),
        ];
  const terminating = previous.find((entry) => entry.type === 'Terminating');
  if (terminating !== undefined) conditions.push(terminating);
  crd.status = {
    conditions,
    acceptedNames:
      conflict === undefined ? spec.names : (oldStatus.acceptedNames ?? { plural: '', kind: '' }),
    storedVersions,
  };
}

/** Marks a CRD as deleting: the clean-up finalizer and the Terminating condition. */
function markCrdDeleting(crd: JsonObject, now: Date): void {
  const metadata = metadataOf(crd);
  const finalizers = stringList(metadata.finalizers);
  if (!finalizers.includes(CRD_CLEANUP_FINALIZER)) {
    metadata.finalizers = [...finalizers, CRD_CLEANUP_FINALIZER];
  }
  const status = isJsonObject(crd.status) ? crd.status : {};
  const conditions = Array.isArray(status.conditions) ? (status.conditions as JsonObject[]) : [];
  if (!conditions.some((entry) => entry.type === 'Terminating')) {
    conditions.push({
      type: 'Terminating',
      status: 'True',
      lastTransitionTime: formatTimestamp(now),
      reason: 'InstanceDeletionInProgress',
      message: 'CustomResource deletion is in progress',
    });
  }
  crd.status = { ...status, conditions };
}

/** Builds the customresourcedefinitions resource type. */
export function crdType(): ResourceType {
  return {
    ...builtinDefaults,
    group: 'apiextensions.k8s.io',
    plural: 'customresourcedefinitions',
    singular: 'customresourcedefinition',
    kind: 'CustomResourceDefinition',
    listKind: 'CustomResourceDefinitionList',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    versions: [{ name: 'v1', schema: crdSchema, columns: [], statusSubresource: true }],
    storageVersion: 'v1',
    tracksGeneration: true,
    fieldSelectors: ['metadata.name'],
    selectableFields: (object) => metadataFields(object, false),
    hooks: {
      normalize: defaultCrd,
      validate: validateCrd,
      beforeStore: (crd, old, context) => computeStatus(context, crd, old),
      markDeleting: markCrdDeleting,
    },
    table: {
      columns: [
        {
          name: 'Name',
          type: 'string',
          format: 'name',
          description: NAME_COLUMN_DESCRIPTION,
          priority: 0,
          jsonPath: '.metadata.name',
        },
        {
          name: 'Created At',
          type: 'date',
          description: 'The time the object was created.',
          priority: 0,
          jsonPath: '.metadata.creationTimestamp',
        },
      ],
      cells: (object) => [
        textAt(object, 'metadata', 'name'),
        textAt(object, 'metadata', 'creationTimestamp'),
      ],
    },
  };
}
