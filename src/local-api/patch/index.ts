/**
 * Patches and field ownership for the local Kubernetes API server: JSON merge patch, JSON patch,
 * metadata.managedFields bookkeeping and server-side apply.
 */
export { PatchError } from './errors.ts';
export { applyMergePatch } from './merge-patch.ts';
export { applyJsonPatch } from './json-patch.ts';
export { fieldSetOf, type FieldsV1 } from './field-set.ts';
export type { ManagedFieldsEntry } from './managed-fields.ts';
export { recordUpdate, type UpdateRecord } from './record-update.ts';
export { serverSideApply, type ApplyRequest, type ApplyResult } from './apply.ts';
export {
  conflictCauses,
  formatConflicts,
  type ApplyConflict,
  type ConflictCause,
} from './conflicts.ts';
