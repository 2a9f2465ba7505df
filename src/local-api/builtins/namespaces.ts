/** The core/v1 namespaces resource. */
import { forbidden } from '../errors.ts';
import { isJsonObject, metadataOf, metaString, stringList } from '../object.ts';
import { metadataFields, type ResourceType } from '../registry.ts';
import {
  ageColumn,
  ageSince,
  builtinDefaults,
  nameColumn,
  objectRoot,
  servedVersion,
  stringField,
  textAt,
} from './common.ts';

/** Namespaces kube refuses to delete. */
export const PROTECTED_NAMESPACES = ['default', 'kube-system', 'kube-public'];

/** Label kube puts on every namespace, holding its name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

const namespaceSchema = objectRoot('Namespace provides a scope for names.', {
  spec: {
    type: 'object',
    description: 'Spec defines the behavior of the Namespace.',
    properties: {
      finalizers: {
        type: 'array',
        description:
          'Finalizers that must be empty before the namespace is removed; "kubernetes" stands for deleting its content.',
        items: { type: 'string' },
      },
    },
  },
  status: {
    type: 'object',
    description: 'Status describes the current status of a Namespace.',
    properties: {
      phase: stringField('Phase is the current lifecycle phase of the namespace.', {
        enum: ['Active', 'Terminating'],
      }),
      conditions: {
        type: 'array',
        description: 'Latest available observations of the namespace state.',
        items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
  },
});

/** Builds the namespaces resource. Deleting a namespace deletes its content first (see lifecycle.ts). */
export function namespaceType(): ResourceType {
  return {
    ...builtinDefaults,
    group: '',
    plural: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    listKind: 'NamespaceList',
    namespaced: false,
    shortNames: ['ns'],
    versions: [{ ...servedVersion('v1', namespaceSchema), statusSubresource: true }],
    storageVersion: 'v1',
    returnDeletedObject: true,
    nameRule: 'label',
    fieldSelectors: ['metadata.name', 'status.phase'],
    selectableFields: (object) => ({
      ...metadataFields(object, false),
      'status.phase': textAt(object, 'status', 'phase'),
    }),
    hooks: {
      normalize(object) {
        const metadata = metadataOf(object);
        if (typeof metadata.name !== 'string') return;
        const labels = isJsonObject(metadata.labels) ? metadata.labels : {};
        labels[NAMESPACE_NAME_LABEL] = metadata.name;
        metadata.labels = labels;
      },
      prepareCreate(object) {
        object.spec = { finalizers: ['kubernetes'] };
        object.status = { phase: 'Active' };
      },
      validateDelete(object) {
        const name = metaString(object, 'name') ?? '';
        if (PROTECTED_NAMESPACES.includes(name)) {
          throw forbidden(
            { group: '', resource: 'namespaces' },
            name,
            'this namespace may not be deleted',
          );
        }
      },
      markDeleting(object) {
        object.status = {
          ...(isJsonObject(object.status) ? object.status : {}),
          phase: 'Terminating',
        };
      },
      blocksDeletion: (object) =>
        stringList(isJsonObject(object.spec) ? object.spec.finalizers : undefined).length > 0,
    },
    table: {
      columns: [
        nameColumn,
        {
          name: 'Status',
          type: 'string',
          description: 'The status of the namespace',
          priority: 0,
          jsonPath: '.status.phase',
        },
        ageColumn,
      ],
      cells: (object, now) => [
        textAt(object, 'metadata', 'name'),
        textAt(object, 'status', 'phase'),
        ageSince(textAt(object, 'metadata', 'creationTimestamp'), now),
      ],
    },
  };
}
