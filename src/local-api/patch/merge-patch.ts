import { cloneJson, getMember, isJsonMap, setMember, type JsonMap } from './json.ts';

/**
 * Applies an RFC 7386 JSON merge patch and returns the result; inputs are not mutated.
 *
 * A patch that is an object merges member by member: `null` removes a member, an object merges
 * recursively (replacing a target member that is not an object), anything else replaces. A
 * patch that is not an object replaces the whole target. Arrays are never merged.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonMap(patch)) return cloneJson(patch);

  const result: JsonMap = isJsonMap(target) ? cloneJson(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
      continue;
    }
    setMember(result, key, applyMergePatch(getMember(result, key), value));
  }
  return result;
}
