import { compareObjects, isUnchanged } from './compare.ts';
import { FieldSet } from './field-set.ts';
import {
  encodeOwnedFields,
  isSameManager,
  readOwnedFields,
  type ManagedFieldsEntry,
  type OwnedFields,
} from './managed-fields.ts';

/** A non-apply write to record: the object before it (undefined on create) and after it. */
export interface UpdateRecord {
  before: Record<string, unknown> | undefined;
  after: Record<string, unknown>;
  manager: string;
  apiVersion: string;
  /** RFC 3339 time of the write, stored in the manager's entry. */
  time: string;
  subresource?: string;
}

/**
 * Records a non-apply write (create, update, patch, status write) by `manager` into
 * managedFields. The manager's Update entry (per subresource) owns the fields that changed
 * between before and after, and those fields are removed from every other manager's entries.
 * Empty entries are dropped.
 *
 * The existing entries are read from `before`, and managedFields sent in `after` are ignored.
 * When nothing changed the entries are returned as they were, so the manager's time stays.
 */
export function recordUpdate(input: UpdateRecord): ManagedFieldsEntry[] {
  const previous = readOwnedFields(input.before);
  const changes = compareObjects(input.before ?? {}, input.after);
  if (isUnchanged(changes)) return encodeOwnedFields(previous);

  const writer: OwnedFields = {
    manager: input.manager,
    operation: 'Update',
    apiVersion: input.apiVersion,
    time: input.time,
    fields: new FieldSet(),
  };
  if (input.subresource !== undefined && input.subresource !== '') {
    writer.subresource = input.subresource;
  }

  const touched = changes.added.union(changes.modified);
  const entries: OwnedFields[] = [];
  for (const entry of previous) {
    if (isSameManager(entry, writer)) {
      writer.fields = writer.fields.union(entry.fields);
      continue;
    }
    entries.push({
      ...entry,
      fields: entry.fields.difference(touched).difference(changes.removed),
    });
  }

  writer.fields = writer.fields.union(touched).difference(changes.removed);
  entries.push(writer);
  return encodeOwnedFields(entries);
}
