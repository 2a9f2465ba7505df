/**
 * JSON value helpers shared by the patch and apply code. Every member access goes through
 * `Object.hasOwn` and every write through `setMember`, because patch documents come from
 * clients: a key such as `__proto__` or `constructor` must stay an ordinary member and never
 * reach `Object.prototype`.
 */

/** A JSON object: a Kubernetes object, or any map inside one. */
export type JsonMap = Record<string, unknown>;

/** Tells whether a value is a JSON object (not null, not an array). */
export function isJsonMap(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns the own member `key` of `map`, or undefined when it has none. */
export function getMember(map: JsonMap, key: string): unknown {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

/** Sets the own member `key` of `map`, also for keys such as `__proto__`. */
export function setMember(map: JsonMap, key: string, value: unknown): void {
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Deep copy of a JSON value; functions, class instances and cycles are not expected. */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map((entry: unknown) => cloneJson(entry)) as T;
  if (!isJsonMap(value)) return value;

  const copy: JsonMap = {};
  for (const [key, entry] of Object.entries(value)) setMember(copy, key, cloneJson(entry));
  return copy as T;
}

/** Deep equality of two JSON values; key order does not matter. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;

  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((entry, index) => jsonEqual(entry, b[index]));
  }

  if (isJsonMap(a)) {
    if (!isJsonMap(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
  }

  return false;
}

/** JSON text of a value with object keys sorted, so equal values give equal text. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((entry) => stableStringify(entry)).join(',')}]`;

  if (isJsonMap(value)) {
    const members = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableStringify(value[key])}`);
    return `{${members.join(',')}}`;
  }

  return JSON.stringify(value) ?? 'null';
}

/** Names the JSON type of a value for error messages: object, array, string, number, ... */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
