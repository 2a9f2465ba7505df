/** A record of which requests each client made, so tests can check what an operator touched. */

/** The RBAC verbs kube-apiserver authorizes requests by. */
export type AuditVerb =
  'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** One kind of request served to one client. */
export interface AuditRecord {
  userAgent: string;
  verb: AuditVerb;
  /** API group, or "" for the core group. */
  apiGroup: string;
  resource: string;
  subresource?: string;
  namespace?: string;
}

function recordKey(record: AuditRecord): string {
  return JSON.stringify([
    record.userAgent,
    record.verb,
    record.apiGroup,
    record.resource,
    record.subresource ?? '',
    record.namespace ?? '',
  ]);
}

/** Deduplicated audit records, in the order first seen. */
export class AuditLog {
  private readonly entries = new Map<string, AuditRecord>();

  /** Adds a record unless the same one was already seen. */
  add(record: AuditRecord): void {
    const key = recordKey(record);
    if (!this.entries.has(key)) this.entries.set(key, record);
  }

  /** Returns copies of every record. */
  records(): AuditRecord[] {
    return [...this.entries.values()].map((record) => ({ ...record }));
  }

  /** Forgets every record. */
  reset(): void {
    this.entries.clear();
  }
}
