/** The coordination.k8s.io/v1 leases resource, used for leader election. */
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

const leaseSchema = objectRoot('Lease defines a lease concept.', {
  spec: {
    type: 'object',
    description: 'Specification of the Lease.',
    properties: {
      acquireTime: {
        type: 'string',
        format: 'date-time',
        description: 'Time at which the current lease was acquired, with microseconds.',
      },
      holderIdentity: stringField('Identity of the holder of the current lease.'),
      leaseDurationSeconds: {
        type: 'integer',
        format: 'int32',
        description:
          'Seconds that candidates wait before forcibly acquiring the lease, counted from the last renewal.',
      },
      leaseTransitions: {
        type: 'integer',
        format: 'int32',
        description: 'Number of transitions of the lease between holders.',
      },
      preferredHolder: stringField('Identity the lease should pass to, when a strategy is set.'),
      renewTime: {
        type: 'string',
        format: 'date-time',
        description: 'Time at which the current holder last renewed the lease, with microseconds.',
      },
      strategy: stringField('Strategy for picking the leader in coordinated leader election.'),
    },
  },
});

/** Defines the leases resource. */
export function leaseType(): ResourceType {
  return {
    ...builtinDefaults,
    group: 'coordination.k8s.io',
    plural: 'leases',
    singular: 'lease',
    kind: 'Lease',
    listKind: 'LeaseList',
    namespaced: true,
    shortNames: [],
    versions: [servedVersion('v1', leaseSchema)],
    storageVersion: 'v1',
    fieldSelectors: ['metadata.name', 'metadata.namespace'],
    selectableFields: (object) => metadataFields(object, true),
    hooks: {},
    table: {
      columns: [
        nameColumn,
        {
          name: 'Holder',
          type: 'string',
          description: 'Identity of the holder of the current lease.',
          priority: 0,
          jsonPath: '.spec.holderIdentity',
        },
        ageColumn,
      ],
      cells: (object, now) => [
        textAt(object, 'metadata', 'name'),
        textAt(object, 'spec', 'holderIdentity'),
        ageSince(textAt(object, 'metadata', 'creationTimestamp'), now),
      ],
    },
  };
}
