import { PatchError } from './errors.ts';
import { getMember, isJsonMap, type JsonMap } from './json.ts';

/** The container that contains a JSON pointer's target, and the target's key within it. */
export interface PointerLocation {
  parent: JsonMap | unknown[];
  key: string;
}

/**
 * Splits an RFC 6901 JSON pointer into unescaped reference tokens ("" is the whole document).
 * `operation` names the patch operation for the error message.
 */
export function parsePointer(pointer: string, operation: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw new PatchError(
      `${operation} operation does not apply: invalid JSON pointer "${pointer}": it must be empty or start with "/"`,
    );
  }

  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      if (/~(?![01])/.test(token)) {
        throw new PatchError(
          `${operation} operation does not apply: invalid JSON pointer "${pointer}": "~" must be followed by 0 or 1`,
        );
      }
      return token.replaceAll('~1', '/').replaceAll('~0', '~');
    });
}

/**
 * Parses an array index token. Negative indices count from the end, as kube-apiserver's JSON
 * patch library (evanphx/json-patch v4) allows; `length` bounds them and is the array length.
 */
export function parseArrayIndex(token: string, length: number): number | undefined {
  if (!/^-?\d+$/.test(token)) return undefined;

  const index = Number(token);
  if (index < -length) return undefined;
  return index < 0 ? index + length : index;
}

/**
 * Finds the container of the value that `tokens` points at, or undefined when a container on
 * the way is missing or is not an object or array. The root pointer has no container.
 */
export function locateParent(document: unknown, tokens: string[]): PointerLocation | undefined {
  const key = tokens.at(-1);
  if (key === undefined) return undefined;

  let current: unknown = document;
  for (const token of tokens.slice(0, -1)) {
    current = childOf(current, token);
    if (current === undefined) return undefined;
  }

  if (!isJsonMap(current) && !Array.isArray(current)) return undefined;
  return { parent: current, key };
}

/** Reads the value at a location: `found` is false when the key or index does not exist. */
export function readLocation(location: PointerLocation): { found: boolean; value: unknown } {
  const { parent, key } = location;

  if (Array.isArray(parent)) {
    const index = parseArrayIndex(key, parent.length);
    if (index === undefined || index >= parent.length) return { found: false, value: undefined };
    return { found: true, value: parent[index] };
  }

  return { found: Object.hasOwn(parent, key), value: getMember(parent, key) };
}

function childOf(container: unknown, token: string): unknown {
  if (Array.isArray(container)) {
    const index = parseArrayIndex(token, container.length);
    return index === undefined || index >= container.length ? undefined : container[index];
  }
  if (isJsonMap(container)) return getMember(container, token);
  return undefined;
}
