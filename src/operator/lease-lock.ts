import { V1MicroTime, type CoordinationV1Api, type V1Lease } from '@kubernetes/client-node';
import { apiStatusCode } from './kube.ts';

/** The leader election fields of a coordination.k8s.io/v1 Lease. */
export interface LeaseRecord {
  /** Identity of the holder; empty when the lease was released. */
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: Date | undefined;
  renewTime: Date | undefined;
  leaseTransitions: number;
}

/** A lease record as stored, with the resourceVersion an update must name. */
export interface StoredLease {
  record: LeaseRecord;
  resourceVersion: string;
}

/** Options of LeaseLock. */
export interface LeaseLockOptions {
  api: CoordinationV1Api;
  namespace: string;
  name: string;
}

/**
 * Reads and writes one Lease with optimistic concurrency: every update names the resourceVersion
 * it read, so two replicas can never both believe that their write made them the holder.
 */
export class LeaseLock {
  private readonly options: LeaseLockOptions;

  constructor(options: LeaseLockOptions) {
    this.options = options;
  }

  /** `namespace/name` of the Lease, for logs and errors. */
  describe(): string {
    return `${this.options.namespace}/${this.options.name}`;
  }

  /** Reads the Lease; resolves to undefined when it does not exist. */
  async get(): Promise<StoredLease | undefined> {
    try {
      const lease = await this.options.api.readNamespacedLease({
        namespace: this.options.namespace,
        name: this.options.name,
      });
      return stored(lease);
    } catch (error) {
      if (apiStatusCode(error) === 404) return undefined;
      throw error;
    }
  }

  /** Creates the Lease; resolves to undefined when another replica created it first. */
  async create(record: LeaseRecord): Promise<StoredLease | undefined> {
    try {
      const lease = await this.options.api.createNamespacedLease({
        namespace: this.options.namespace,
        body: this.body(record, undefined),
      });
      return stored(lease);
    } catch (error) {
      if (apiStatusCode(error) === 409) return undefined;
      throw error;
    }
  }

  /**
   * Replaces the Lease's record if it still has `resourceVersion`; resolves to undefined when
   * another write came first (409 Conflict) or the Lease was deleted (404).
   */
  async update(record: LeaseRecord, resourceVersion: string): Promise<StoredLease | undefined> {
    try {
      const lease = await this.options.api.replaceNamespacedLease({
        namespace: this.options.namespace,
        name: this.options.name,
        body: this.body(record, resourceVersion),
      });
      return stored(lease);
    } catch (error) {
      const code = apiStatusCode(error);
      if (code === 409 || code === 404) return undefined;
      throw error;
    }
  }

  private body(record: LeaseRecord, resourceVersion: string | undefined): V1Lease {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.options.name,
        namespace: this.options.namespace,
        ...(resourceVersion ? { resourceVersion } : {}),
      },
      spec: {
        holderIdentity: record.holderIdentity,
        leaseDurationSeconds: record.leaseDurationSeconds,
        leaseTransitions: record.leaseTransitions,
        ...(record.acquireTime ? { acquireTime: microTime(record.acquireTime) } : {}),
        ...(record.renewTime ? { renewTime: microTime(record.renewTime) } : {}),
      },
    };
  }
}

/** Converts a time to a MicroTime, which serializes with the microseconds Kubernetes requires. */
function microTime(date: Date): V1MicroTime {
  return new V1MicroTime(date.getTime());
}

/** client-node types MicroTime fields as Date but leaves them as strings when reading. */
function parseTime(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value !== 'string') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function stored(lease: V1Lease): StoredLease {
  const spec = lease.spec ?? {};
  return {
    resourceVersion: lease.metadata?.resourceVersion ?? '',
    record: {
      holderIdentity: spec.holderIdentity ?? '',
      leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
      acquireTime: parseTime(spec.acquireTime),
      renewTime: parseTime(spec.renewTime),
      leaseTransitions: spec.leaseTransitions ?? 0,
    },
  };
}
