import { PatchError } from './errors.ts';
import { cloneJson, isJsonMap, jsonEqual, jsonTypeOf, setMember } from './json.ts';
import {
  locateParent,
  parseArrayIndex,
  parsePointer,
  readLocation,
  type PointerLocation,
} from './json-pointer.ts';

/** One decoded RFC 6902 operation. `value` is present only when the operation carried one. */
interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
  hasValue: boolean;
}

/**
 * Applies an RFC 6902 JSON patch (add, remove, replace, move, copy, test; "-" for append; ~0 ~1
 * escapes). Throws PatchError with kube-apiserver-like wording on a failed test or a missing
 * path. Inputs are not mutated.
 *
 * Messages follow evanphx/json-patch v4, the library kube-apiserver uses, so that kubectl shows
 * the same text as against a real cluster. Unlike that library, and as the RFC requires, a
 * `replace` of a missing member fails, and add, replace and test need a `value`.
 */
export function applyJsonPatch(target: unknown, operations: unknown): unknown {
  const decoded = decodeOperations(operations);

  let document = cloneJson(target);
  for (const operation of decoded) document = applyOperation(document, operation);
  return document;
}

function decodeOperations(operations: unknown): Operation[] {
  if (!Array.isArray(operations)) {
    throw new PatchError(
      `JSON patch must be an array of operations, got ${jsonTypeOf(operations)}`,
    );
  }
  return operations.map((operation, index) => decodeOperation(operation, index));
}

function decodeOperation(operation: unknown, index: number): Operation {
  if (!isJsonMap(operation)) {
    throw new PatchError(
      `JSON patch operation ${index} must be an object, got ${jsonTypeOf(operation)}`,
    );
  }

  const op = typeof operation.op === 'string' ? operation.op : 'unknown';
  if (typeof operation.path !== 'string') {
    throw new PatchError(`${op} operation failed to decode path: missing value`);
  }

  const decoded: Operation = {
    op,
    path: operation.path,
    hasValue: Object.hasOwn(operation, 'value'),
  };
  if (decoded.hasValue) decoded.value = operation.value;
  if (typeof operation.from === 'string') decoded.from = operation.from;
  return decoded;
}

function applyOperation(document: unknown, operation: Operation): unknown {
  switch (operation.op) {
    case 'add':
      return addValue(document, operation.path, requireValue(operation), 'add');
    case 'remove':
      removeValue(document, operation.path, 'remove');
      return document;
    case 'replace':
      return replaceValue(document, operation);
    case 'move':
      return moveValue(document, operation);
    case 'copy':
      return copyValue(document, operation);
    case 'test':
      testValue(document, operation);
      return document;
    default:
      throw new PatchError(`Unexpected kind: ${operation.op}`);
  }
}

function requireValue(operation: Operation): unknown {
  if (!operation.hasValue) {
    throw new PatchError(
      `${operation.op} operation for path "${operation.path}" is missing the "value" member`,
    );
  }
  return cloneJson(operation.value);
}

function requireFrom(operation: Operation): string {
  if (operation.from === undefined) {
    throw new PatchError(`${operation.op} operation failed to decode from: missing value`);
  }
  return operation.from;
}

/** Adds `value` at `path` and returns the document, which is replaced when the path is "". */
function addValue(document: unknown, path: string, value: unknown, op: string): unknown {
  const tokens = parsePointer(path, op);
  if (tokens.length === 0) return value;

  const location = locateParent(document, tokens);
  if (location === undefined) {
    const missing =
      op === 'add' ? `doc is missing path: "${path}"` : `doc is missing destination path: ${path}`;
    throw new PatchError(`${op} operation does not apply: ${missing}: missing value`);
  }

  insertAt(location, value, path, op);
  return document;
}

function insertAt(location: PointerLocation, value: unknown, path: string, op: string): void {
  const { parent, key } = location;
  if (!Array.isArray(parent)) {
    setMember(parent, key, value);
    return;
  }

  if (key === '-') {
    parent.push(value);
    return;
  }

  const index = parseArrayIndex(key, parent.length + 1);
  if (index === undefined || index > parent.length) {
    const reason = /^-?\d+$/.test(key)
      ? `Unable to access invalid index: ${key}: invalid index referenced`
      : `value was not a proper array index: '${key}'`;
    throw new PatchError(`error in ${op} for path: '${path}': ${reason}`);
  }
  parent.splice(index, 0, value);
}

/** Removes the value at `path` and returns it. */
function removeValue(document: unknown, path: string, op: string): unknown {
  const tokens = parsePointer(path, op);
  const location = locateParent(document, tokens);
  if (location === undefined) {
    const missing =
      op === 'remove' ? `doc is missing path: "${path}"` : `doc is missing from path: ${path}`;
    throw new PatchError(`${op} operation does not apply: ${missing}: missing value`);
  }

  const { parent, key } = location;
  const { found, value } = readLocation(location);
  if (!found) {
    const reason = Array.isArray(parent)
      ? `Unable to access invalid index: ${key}: invalid index referenced`
      : `Unable to remove nonexistent key: ${key}: missing value`;
    throw new PatchError(`error in ${op} for path: '${path}': ${reason}`);
  }

  if (Array.isArray(parent)) {
    parent.splice(parseArrayIndex(key, parent.length) ?? parent.length, 1);
  } else {
    delete parent[key];
  }
  return value;
}

function replaceValue(document: unknown, operation: Operation): unknown {
  const value = requireValue(operation);
  const tokens = parsePointer(operation.path, 'replace');
  if (tokens.length === 0) return value;

  const location = locateParent(document, tokens);
  if (location === undefined) {
    throw new PatchError(
      `replace operation does not apply: doc is missing path: ${operation.path}: missing value`,
    );
  }
  if (!readLocation(location).found) {
    throw new PatchError(
      `replace operation does not apply: doc is missing key: ${operation.path}: missing value`,
    );
  }

  const { parent, key } = location;
  if (Array.isArray(parent)) {
    parent[parseArrayIndex(key, parent.length) ?? parent.length] = value;
  } else {
    setMember(parent, key, value);
  }
  return document;
}

function moveValue(document: unknown, operation: Operation): unknown {
  const from = requireFrom(operation);
  if (from === operation.path) {
    readExisting(document, from, 'move');
    return document;
  }
  if (operation.path.startsWith(`${from}/`)) {
    throw new PatchError(
      `move operation does not apply: cannot move "${from}" into its own child "${operation.path}"`,
    );
  }

  const value = removeValue(document, from, 'move');
  return addValue(document, operation.path, value, 'move');
}

function copyValue(document: unknown, operation: Operation): unknown {
  const from = requireFrom(operation);
  const value = readExisting(document, from, 'copy');
  return addValue(document, operation.path, cloneJson(value), 'copy');
}

/** Reads the value at `pointer`, which must exist, for move and copy. */
function readExisting(document: unknown, pointer: string, op: string): unknown {
  const tokens = parsePointer(pointer, op);
  if (tokens.length === 0) return document;

  const location = locateParent(document, tokens);
  const target = location === undefined ? undefined : readLocation(location);
  if (target === undefined || !target.found) {
    throw new PatchError(
      `${op} operation does not apply: doc is missing from path: ${pointer}: missing value`,
    );
  }
  return target.value;
}

function testValue(document: unknown, operation: Operation): void {
  const expected = requireValue(operation);
  const tokens = parsePointer(operation.path, 'test');

  let actual: { found: boolean; value: unknown } = { found: true, value: document };
  if (tokens.length > 0) {
    const location = locateParent(document, tokens);
    if (location === undefined) {
      throw new PatchError(
        `test operation does not apply: is missing path: ${operation.path}: missing value`,
      );
    }
    actual = readLocation(location);
  }

  if (!actual.found || !jsonEqual(actual.value, expected)) {
    throw new PatchError(`testing value ${operation.path} failed: test failed`);
  }
}
