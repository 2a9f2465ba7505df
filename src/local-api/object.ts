/** Small helpers for Kubernetes objects held as parsed JSON. */

/** A JSON object: a Kubernetes object, or any map inside one. */
export type JsonObject = Record<string, unknown>;

/** Tells whether a value is a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns `object.metadata`, creating an empty one when it is missing or not an object. */
export function metadataOf(object: JsonObject): JsonObject {
  const metadata = object.metadata;
  if (isJsonObject(metadata)) return metadata;
  const created: JsonObject = {};
  object.metadata = created;
  return created;
}

/** Reads a string field of metadata, or undefined when absent or not a string. */
export function metaString(object: JsonObject, field: string): string | undefined {
  const value = isJsonObject(object.metadata) ? object.metadata[field] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** Reads a string-to-string map such as labels, ignoring non-string values. */
export function stringMap(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (!isJsonObject(value)) return result;
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry === 'string') result[key] = entry;
  }
  return result;
}

/** Reads a list of strings such as finalizers, ignoring non-string entries. */
export function stringList(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((entry): entry is string => typeof entry === 'string')
    : [];
}

/** Deep copy of a JSON value. */
export function cloneJson<T>(value: T): T {
  return structuredClone(value);
}

/** Compares two JSON values deeply, ignoring key order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((entry, index) => jsonEqual(entry, b[index]));
  }
  if (isJsonObject(a)) {
    if (!isJsonObject(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
  }
  return false;
}

/** Returns the object's top-level fields other than metadata, for generation checks. */
export function withoutMetadata(object: JsonObject): JsonObject {
  const rest: JsonObject = {};
  for (const [key, value] of Object.entries(object)) {
    if (key !== 'metadata') rest[key] = value;
  }
  return rest;
}

/** Formats a time as kube does for metav1.Time: RFC 3339 in UTC with whole seconds. */
export function formatTimestamp(time: Date): string {
  return `${time.toISOString().slice(0, 19)}Z`;
}
