import { FieldSet, nodesOf } from './field-set.ts';
import type { JsonMap } from './json.ts';

/** The fields that differ between two versions of an object, without stripped metadata. */
export interface FieldChanges {
  /** Fields present only in the new version; a new map is itself added. */
  added: FieldSet;
  /** Fields present in both with different values, or changed between map and non-map. */
  modified: FieldSet;
  /** Fields present only in the old version, including every field below a removed map. */
  removed: FieldSet;
}

/** Compares two versions of an object field by field, as structured-merge-diff's Compare does. */
export function compareObjects(before: JsonMap, after: JsonMap): FieldChanges {
  const oldNodes = nodesOf(before);
  const newNodes = nodesOf(after);
  const changes: FieldChanges = {
    added: new FieldSet(),
    modified: new FieldSet(),
    removed: new FieldSet(),
  };

  for (const [key, node] of newNodes) {
    const previous = oldNodes.get(key);
    if (previous === undefined) changes.added.add(node.path);
    else if (previous.signature !== node.signature) changes.modified.add(node.path);
  }
  for (const [key, node] of oldNodes) {
    if (!newNodes.has(key)) changes.removed.add(node.path);
  }
  return changes;
}

/** Tells whether a comparison found no difference. */
export function isUnchanged(changes: FieldChanges): boolean {
  return changes.added.size === 0 && changes.modified.size === 0 && changes.removed.size === 0;
}
