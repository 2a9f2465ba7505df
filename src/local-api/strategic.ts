/**
 * A strategic merge patch for the built-in kinds this server serves. Maps merge like a JSON merge
 * patch, the `$patch`, `$retainKeys`, `$setElementOrder/...` and `$deleteFromPrimitiveList/...`
 * directives are honoured, and the few lists with a merge strategy in these kinds merge by key.
 * NOTE: merge keys come from a fixed table (finalizers, ownerReferences, conditions) rather
 * than from each type's Go struct tags, so other lists are replaced as a whole.
 */
import { PatchError } from './patch/index.ts';
import { cloneJson, isJsonObject, type JsonObject } from './object.ts';

/** Lists with a merge strategy, by dotted path: a merge key, or "" for a set of primitives. */
const mergeLists: Record<string, string> = {
  'metadata.finalizers': '',
  'metadata.ownerReferences': 'uid',
  'status.conditions': 'type',
};

const setElementOrderPrefix = '$setElementOrder/';
const deleteFromPrimitiveListPrefix = '$deleteFromPrimitiveList/';

/** Applies a strategic merge patch to a JSON object and returns the result without changing the inputs. */
export function applyStrategicMergePatch(target: JsonObject, patch: unknown): JsonObject {
  if (!isJsonObject(patch)) {
    throw new PatchError('strategic merge patch must be a JSON object');
  }
  return mergeMap(cloneJson(target), patch, '');
}

function childPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function mergeMap(target: JsonObject, patch: JsonObject, path: string): JsonObject {
  if (patch.$patch === 'replace') {
    const { $patch: _directive, ...rest } = patch;
    return stripDirectives(rest);
  }
  if (patch.$patch === 'delete') return {};
  let result = target;
  if (Array.isArray(patch.$retainKeys)) {
    const retained = new Set(patch.$retainKeys.map(String));
    result = Object.fromEntries(Object.entries(result).filter(([key]) => retained.has(key)));
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith(setElementOrderPrefix)) {
      continue;
    }
    if (key.startsWith(deleteFromPrimitiveListPrefix)) {
      const field = key.slice(deleteFromPrimitiveListPrefix.length);
      const removed = new Set(
        (Array.isArray(value) ? value : []).map((entry) => JSON.stringify(entry)),
      );
      const current = result[field];
      if (Array.isArray(current)) {
        const remaining = current.filter((entry) => !removed.has(JSON.stringify(entry)));
        // Built-in kinds omit empty lists (Go's omitempty), so an emptied list disappears.
        if (remaining.length > 0) result[field] = remaining;
        else delete result[field];
      }
      continue;
    }
    result[key] = mergeValue(result[key], value, childPath(path, key));
    if (result[key] === undefined) delete result[key];
  }
  return result;
}

function mergeValue(current: unknown, patch: unknown, path: string): unknown {
  if (patch === null) return undefined;
  if (isJsonObject(patch)) {
    if (patch.$patch === 'delete') return undefined;
    return mergeMap(isJsonObject(current) ? current : {}, patch, path);
  }
  if (Array.isArray(patch)) {
    const mergeKey = mergeLists[path];
    if (mergeKey === undefined || !Array.isArray(current)) return stripDirectives(patch);
    return mergeKey === ''
      ? mergePrimitiveList(current, patch)
      : mergeKeyedList(current, patch, mergeKey, path);
  }
  return patch;
}

function mergePrimitiveList(current: unknown[], patch: unknown[]): unknown[] {
  const seen = new Set(current.map((entry) => JSON.stringify(entry)));
  const result = [...current];
  for (const entry of patch) {
    if (!seen.has(JSON.stringify(entry))) result.push(entry);
  }
  return result;
}

function mergeKeyedList(
  current: unknown[],
  patch: unknown[],
  mergeKey: string,
  path: string,
): unknown[] {
  const result = cloneJson(current);
  for (const entry of patch) {
    if (!isJsonObject(entry)) continue;
    const index = result.findIndex(
      (existing) => isJsonObject(existing) && existing[mergeKey] === entry[mergeKey],
    );
    if (entry.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
      continue;
    }
    if (index >= 0) {
      const existing = result[index];
      result[index] = mergeMap(isJsonObject(existing) ? existing : {}, entry, path);
    } else {
      result.push(stripDirectives(entry));
    }
  }
  return result;
}

function stripDirectives<T>(value: T): T {
  if (Array.isArray(value)) return value.map((entry) => stripDirectives(entry)) as T;
  if (!isJsonObject(value)) return value;
  const result: JsonObject = {};
  for (const [key, entry] of Object.entries(value)) {
    if (key.startsWith('$')) continue;
    result[key] = stripDirectives(entry);
  }
  return result as T;
}
