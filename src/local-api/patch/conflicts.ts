/**
 * A field that an apply would change although another manager owns it. `operation`,
 * `apiVersion` and `subresource` describe the owning entry; serverSideApply always sets
 * `operation` and `apiVersion`.
 */
export interface ApplyConflict {
  manager: string;
  /** The field as kube-apiserver prints it: `.spec.app`. */
  field: string;
  operation?: 'Apply' | 'Update';
  apiVersion?: string;
  subresource?: string;
}

/** One entry of the 409 Status `details.causes` for an apply conflict. */
export interface ConflictCause {
  reason: 'FieldManagerConflict';
  message: string;
  field: string;
}

/**
 * Formats kube-apiserver's 409 message for apply conflicts:
 * 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using herald.dev/v1alpha1: .spec.app'.
 * Several conflicts are grouped by manager: 'Apply failed with 2 conflicts: conflicts with "a"
 * using v1:\n- .spec.x\n- .spec.y'. `apiVersion` is used for a conflict that carries none.
 */
export function formatConflicts(conflicts: ApplyConflict[], apiVersion: string): string {
  const [only] = conflicts;
  if (conflicts.length === 1 && only !== undefined) {
    return `Apply failed with 1 conflict: conflict with ${describeManager(only, apiVersion)}: ${only.field}`;
  }

  const groups = new Map<string, { owner: string; fields: string[] }>();
  for (const conflict of conflicts) {
    const key = JSON.stringify([
      conflict.manager,
      conflict.operation ?? 'Update',
      conflict.apiVersion ?? apiVersion,
      conflict.subresource ?? '',
    ]);
    const group = groups.get(key) ?? { owner: describeManager(conflict, apiVersion), fields: [] };
    group.fields.push(conflict.field);
    groups.set(key, group);
  }

  const lines = [...groups.keys()].sort().flatMap((key) => {
    const group = groups.get(key);
    if (group === undefined) return [];
    return [`conflicts with ${group.owner}:`, ...group.fields.map((field) => `- ${field}`)];
  });
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** Builds the Status causes that kube-apiserver sends with an apply conflict, one per field. */
export function conflictCauses(conflicts: ApplyConflict[], apiVersion: string): ConflictCause[] {
  return conflicts.map((conflict) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${describeManager(conflict, apiVersion)}`,
    field: conflict.field,
  }));
}

/**
 * Names the owner as kube-apiserver does: an applier by name only, an updater with the API
 * version it wrote with, and a subresource when the entry has one.
 */
function describeManager(conflict: ApplyConflict, apiVersion: string): string {
  let owner = JSON.stringify(conflict.manager);
  if (conflict.subresource !== undefined && conflict.subresource !== '') {
    owner += ` with subresource ${JSON.stringify(conflict.subresource)}`;
  }
  if (conflict.operation === 'Apply') return owner;
  return `${owner} using ${conflict.apiVersion ?? apiVersion}`;
}
