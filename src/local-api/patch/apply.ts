import { compareObjects, isUnchanged } from './compare.ts';
import type { ApplyConflict } from './conflicts.ts';
import { PatchError } from './errors.ts';
import { fieldPathsOf, formatFieldPath, type FieldPath, type FieldSet } from './field-set.ts';
import { cloneJson, getMember, isJsonMap, setMember, type JsonMap } from './json.ts';
import {
  encodeOwnedFields,
  isSameManager,
  readOwnedFields,
  type OwnedFields,
} from './managed-fields.ts';

/** A server-side apply request: the live object (undefined on create) and the configuration. */
export interface ApplyRequest {
  live: Record<string, unknown> | undefined;
  applied: Record<string, unknown>;
  manager: string;
  force: boolean;
  apiVersion: string;
  /** RFC 3339 time of the apply, stored in the manager's entry. */
  time: string;
}

/** The applied object, or the fields that other managers own and the apply would change. */
export type ApplyResult = { object: Record<string, unknown> } | { conflicts: ApplyConflict[] };

/**
 * Server-side apply: merges `applied` into `live` (undefined when creating), owned by `manager`.
 * Without `force`, a field set by `applied` to a value different from the live one and owned by
 * another manager is a conflict. Fields the same manager applied before and no longer sets are
 * removed unless another manager also owns them. Returns the new object with managedFields set,
 * or the conflicts, sorted by manager and field.
 *
 * NOTE: this approximates structured-merge-diff without the CRD schema. Lists are atomic (a
 * list is one field, replaced whole, so two managers that add different finalizers or list
 * items conflict), list-map keys (`k:{...}`) and set values (`v:...`) are never merged, and
 * `x-kubernetes-map-type` / `x-kubernetes-list-type` are not read. A `null` in the
 * configuration is stored as null rather than dropped by schema pruning.
 *
 * Throws PatchError when the configuration carries metadata.managedFields.
 */
export function serverSideApply(input: ApplyRequest): ApplyResult {
  rejectManagedFields(input.applied);

  const live = input.live ?? {};
  const previous = readOwnedFields(input.live);
  const applier: OwnedFields = {
    manager: input.manager,
    operation: 'Apply',
    apiVersion: input.apiVersion,
    time: input.time,
    fields: fieldPathsOf(input.applied),
  };
  const lastApplied = previous.find((entry) => isSameManager(entry, applier));
  const others = previous.filter((entry) => !isSameManager(entry, applier));

  const merged = mergeConfiguration(live, input.applied);
  if (lastApplied !== undefined) {
    pruneDroppedFields(merged, lastApplied.fields.difference(applier.fields), others);
  }

  const changes = compareObjects(live, merged);
  const touched = changes.added.union(changes.modified);
  const conflicts = findConflicts(others, touched);
  if (conflicts.length > 0 && !input.force) return { conflicts };

  const unchanged =
    isUnchanged(changes) &&
    lastApplied !== undefined &&
    lastApplied.apiVersion === applier.apiVersion &&
    lastApplied.fields.equals(applier.fields);
  const entries = unchanged
    ? previous
    : [
        ...others.map((entry) => ({
          ...entry,
          fields: entry.fields.difference(touched).difference(changes.removed),
        })),
        applier,
      ];

  setManagedFields(merged, encodeOwnedFields(entries));
  return { object: merged };
}

function rejectManagedFields(applied: JsonMap): void {
  const metadata = getMember(applied, 'metadata');
  const managedFields = isJsonMap(metadata) ? getMember(metadata, 'managedFields') : undefined;
  if (managedFields !== undefined && managedFields !== null) {
    throw new PatchError('metadata.managedFields must be nil');
  }
}

/**
 * Merges the configuration into the live object. Maps merge member by member, and any other
 * value replaces the live one.
 */
function mergeConfiguration(live: unknown, applied: unknown): JsonMap {
  const merged = mergeValue(live, applied);
  return isJsonMap(merged) ? merged : {};
}

function mergeValue(live: unknown, applied: unknown): unknown {
  if (!isJsonMap(live) || !isJsonMap(applied)) return cloneJson(applied);

  const result = cloneJson(live);
  for (const [key, value] of Object.entries(applied)) {
    setMember(result, key, mergeValue(getMember(result, key), value));
  }
  return result;
}

/**
 * Removes the fields the applier set last time and has now dropped, deepest first. A field
 * stays when another manager owns it or anything below it. A map stays while it still has
 * members, so unowned fields are never removed with their parent.
 */
function pruneDroppedFields(object: JsonMap, dropped: FieldSet, others: OwnedFields[]): void {
  const paths = dropped.paths().sort((a, b) => b.length - a.length);
  for (const path of paths) {
    if (others.some((entry) => entry.fields.hasAtOrBelow(path))) continue;
    removeLeafOrEmptyMap(object, path);
  }
}

function removeLeafOrEmptyMap(object: JsonMap, path: FieldPath): void {
  const names = path.map((key) => (key.startsWith('f:') ? key.slice(2) : undefined));
  const last = names.pop();
  if (last === undefined) return;

  let parent: unknown = object;
  for (const name of names) {
    if (name === undefined || !isJsonMap(parent)) return;
    parent = getMember(parent, name);
  }
  if (!isJsonMap(parent) || !Object.hasOwn(parent, last)) return;

  const value = parent[last];
  if (isJsonMap(value) && Object.keys(value).length > 0) return;
  delete parent[last];
}

function findConflicts(others: OwnedFields[], touched: FieldSet): ApplyConflict[] {
  const conflicts = others.flatMap((entry) =>
    entry.fields
      .intersection(touched)
      .paths()
      .map((path): ApplyConflict => {
        const conflict: ApplyConflict = {
          manager: entry.manager,
          field: formatFieldPath(path),
          operation: entry.operation,
          apiVersion: entry.apiVersion,
        };
        if (entry.subresource !== undefined) conflict.subresource = entry.subresource;
        return conflict;
      }),
  );

  return conflicts.sort(
    (a, b) => compareText(a.manager, b.manager) || compareText(a.field, b.field),
  );
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function setManagedFields(object: JsonMap, entries: unknown[]): void {
  let metadata = getMember(object, 'metadata');
  if (!isJsonMap(metadata)) {
    if (entries.length === 0) return;
    metadata = {};
    setMember(object, 'metadata', metadata);
  }

  const target = metadata as JsonMap;
  if (entries.length === 0) delete target.managedFields;
  else setMember(target, 'managedFields', entries);
}
