/**
 * OpenAPI schemas of the meta/v1 types that every kind refers to (ObjectMeta and its parts),
 * published under the component names kube-apiserver uses so that `kubectl explain` resolves
 * `metadata` the same way.
 */
import type { JSONSchemaProps } from '../schema/index.ts';

/** Component name of ObjectMeta in OpenAPI documents. */
export const OBJECT_META_REF = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

const stringMap = (description: string): JSONSchemaProps => ({
  type: 'object',
  description,
  additionalProperties: { type: 'string', default: '' },
});

const ownerReference: JSONSchemaProps = {
  type: 'object',
  description:
    'OwnerReference identifies an object that owns this one. The garbage collector deletes an object once all of its owners are gone.',
  required: ['apiVersion', 'kind', 'name', 'uid'],
  properties: {
    apiVersion: { type: 'string', default: '', description: 'API version of the owner.' },
    kind: { type: 'string', default: '', description: 'Kind of the owner.' },
    name: { type: 'string', default: '', description: 'Name of the owner.' },
    uid: { type: 'string', default: '', description: 'UID of the owner.' },
    controller: {
      type: 'boolean',
      description: 'True when the owner is the managing controller. At most one owner may set it.',
    },
    blockOwnerDeletion: {
      type: 'boolean',
      description:
        'When true, a foreground deletion of the owner waits until this object is deleted.',
    },
  },
};

const managedFieldsEntry: JSONSchemaProps = {
  type: 'object',
  description: 'ManagedFieldsEntry records which fields a manager set and with which operation.',
  properties: {
    apiVersion: { type: 'string', description: 'Version of the fields recorded in fieldsV1.' },
    fieldsType: { type: 'string', description: 'Format of the field set; always "FieldsV1".' },
    fieldsV1: {
      type: 'object',
      description: 'The set of fields the manager owns, in the FieldsV1 encoding.',
      'x-kubernetes-preserve-unknown-fields': true,
    },
    manager: { type: 'string', description: 'Name of the workflow that set the fields.' },
    operation: {
      type: 'string',
      description: 'The operation that set the fields: "Apply" or "Update".',
    },
    subresource: {
      type: 'string',
      description: 'The subresource written through, or empty for the main resource.',
    },
    time: {
      type: 'string',
      format: 'date-time',
      description: 'When the manager last changed one of its fields.',
    },
  },
};

/** The ObjectMeta schema with descriptions (metadata of every persisted object). */
export const objectMetaSchema: JSONSchemaProps = {
  type: 'object',
  description:
    'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
  properties: {
    annotations: stringMap(
      'Annotations is an unstructured key value map for arbitrary metadata. They are not queryable.',
    ),
    creationTimestamp: {
      type: 'string',
      format: 'date-time',
      description: 'Time the server created the object, in UTC. Set by the server; read-only.',
    },
    deletionGracePeriodSeconds: {
      type: 'integer',
      format: 'int64',
      description:
        'Seconds allowed for graceful termination once deletion was requested. Read-only.',
    },
    deletionTimestamp: {
      type: 'string',
      format: 'date-time',
      description:
        'Time after which the object is deleted, set when a deletion is requested while finalizers remain. Read-only.',
    },
    finalizers: {
      type: 'array',
      description:
        'Finalizers must be empty before the object is removed from the registry. Each entry names a controller responsible for a clean-up step.',
      items: { type: 'string', default: '' },
      'x-kubernetes-list-type': 'set',
    },
    generateName: {
      type: 'string',
      description:
        'Prefix for a server-generated name, used when name is empty: the server appends five random characters.',
    },
    generation: {
      type: 'integer',
      format: 'int64',
      description: 'Sequence number of changes to the desired state. Set by the server; read-only.',
    },
    labels: stringMap(
      'Map of string keys and values used to organize and select objects (label selectors).',
    ),
    managedFields: {
      type: 'array',
      description: 'Which manager owns which fields, as tracked for server-side apply.',
      items: managedFieldsEntry,
    },
    name: {
      type: 'string',
      description: 'Name must be unique within a namespace. It cannot be updated.',
    },
    namespace: {
      type: 'string',
      description:
        'Namespace the object lives in. Empty means the default namespace for namespaced kinds; cluster-scoped objects have none.',
    },
    ownerReferences: {
      type: 'array',
      description:
        'Objects this object depends on. Once every listed owner is deleted, this object is garbage collected.',
      items: ownerReference,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['uid'],
    },
    resourceVersion: {
      type: 'string',
      description:
        'Opaque value that changes on every write, used for optimistic concurrency and watches. Read-only.',
    },
    selfLink: { type: 'string', description: 'Deprecated and never set.' },
    uid: {
      type: 'string',
      description: 'Unique identifier of this object over time and space. Set by the server.',
    },
  },
};

/** Standard description of the apiVersion field. */
export const API_VERSION_DESCRIPTION =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.';

/** Standard description of the kind field. */
export const KIND_DESCRIPTION =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. In CamelCase.';

/** Standard description of the metadata field. */
export const METADATA_DESCRIPTION = "Standard object's metadata.";

/** Extra component schemas that published documents may refer to, by component name. */
export const metaComponents: Record<string, JSONSchemaProps> = {
  [OBJECT_META_REF]: objectMetaSchema,
  'io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference': ownerReference,
  'io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry': managedFieldsEntry,
};
