import { describe, expect, it } from 'vitest';
import { applyJsonPatch, PatchError } from '../../../src/local-api/patch/index.ts';

describe('applyJsonPatch', () => {
  // RFC 6902 appendix A examples first, then pointer escapes, roots and negative indices.
  it.each<[string, unknown, unknown[], unknown]>([
    [
      'adds an object member',
      { foo: 'bar' },
      [{ op: 'add', path: '/baz', value: 'qux' }],
      { baz: 'qux', foo: 'bar' },
    ],
    [
      'inserts an array element',
      { foo: ['bar', 'baz'] },
      [{ op: 'add', path: '/foo/1', value: 'qux' }],
      { foo: ['bar', 'qux', 'baz'] },
    ],
    [
      'removes an object member',
      { baz: 'qux', foo: 'bar' },
      [{ op: 'remove', path: '/baz' }],
      { foo: 'bar' },
    ],
    [
      'removes an array element',
      { foo: ['bar', 'qux', 'baz'] },
      [{ op: 'remove', path: '/foo/1' }],
      { foo: ['bar', 'baz'] },
    ],
    [
      'replaces a value',
      { baz: 'qux', foo: 'bar' },
      [{ op: 'replace', path: '/baz', value: 'boo' }],
      { baz: 'boo', foo: 'bar' },
    ],
    [
      'moves a value',
      { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
      [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
    ],
    [
      'moves an array element',
      { foo: ['all', 'grass', 'cows', 'eat'] },
      [{ op: 'move', from: '/foo/1', path: '/foo/3' }],
      { foo: ['all', 'cows', 'eat', 'grass'] },
    ],
    [
      'passes a test',
      { baz: 'qux', foo: ['a', 2, 'c'] },
      [
        { op: 'test', path: '/baz', value: 'qux' },
        { op: 'test', path: '/foo/1', value: 2 },
      ],
      { baz: 'qux', foo: ['a', 2, 'c'] },
    ],
    [
      'adds a nested object',
      { foo: 'bar' },
      [{ op: 'add', path: '/child', value: { grandchild: {} } }],
      { foo: 'bar', child: { grandchild: {} } },
    ],
    [
      'ignores unknown operation members',
      { foo: 'bar' },
      [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }],
      { foo: 'bar', baz: 'qux' },
    ],
    [
      'decodes ~01 as ~1, not /',
      { '/': 9, '~1': 10 },
      [{ op: 'test', path: '/~01', value: 10 }],
      { '/': 9, '~1': 10 },
    ],
    [
      'appends an array as one element',
      { foo: ['bar'] },
      [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }],
      { foo: ['bar', ['abc', 'def']] },
    ],
    [
      'resolves ~1 as /',
      { metadata: { labels: { 'app.kubernetes.io/name': 'a' } } },
      [{ op: 'replace', path: '/metadata/labels/app.kubernetes.io~1name', value: 'b' }],
      { metadata: { labels: { 'app.kubernetes.io/name': 'b' } } },
    ],
    ['replaces the root', { a: 1 }, [{ op: 'replace', path: '', value: [1] }], [1]],
    ['adds at the root', { a: 1 }, [{ op: 'add', path: '', value: { b: 2 } }], { b: 2 }],
    ['tests the root', { a: [1] }, [{ op: 'test', path: '', value: { a: [1] } }], { a: [1] }],
    [
      'copies a value deeply',
      { a: { b: [1] } },
      [
        { op: 'copy', from: '/a', path: '/c' },
        { op: 'add', path: '/c/b/-', value: 2 },
      ],
      { a: { b: [1] }, c: { b: [1, 2] } },
    ],
    [
      'appends with index -1',
      { a: [1, 2] },
      [{ op: 'add', path: '/a/-1', value: 9 }],
      { a: [1, 2, 9] },
    ],
    [
      'removes the last element with -1',
      { a: [1, 2] },
      [{ op: 'remove', path: '/a/-1' }],
      { a: [1] },
    ],
    [
      'treats a move onto itself as a no-op',
      { a: 1 },
      [{ op: 'move', from: '/a', path: '/a' }],
      { a: 1 },
    ],
    [
      'compares objects regardless of key order',
      { a: { x: 1, y: 2 } },
      [{ op: 'test', path: '/a', value: { y: 2, x: 1 } }],
      { a: { x: 1, y: 2 } },
    ],
    ['applies an empty patch', { a: 1 }, [], { a: 1 }],
  ])('%s', (_name, target, operations, expected) => {
    expect(applyJsonPatch(target, operations)).toEqual(expected);
  });

  it.each<[string, unknown, unknown, string]>([
    [
      'a failed test',
      { baz: 'qux' },
      [{ op: 'test', path: '/baz', value: 'bar' }],
      'testing value /baz failed: test failed',
    ],
    [
      'a test of a number against a string',
      { '/': 9, '~1': 10 },
      [{ op: 'test', path: '/~01', value: '10' }],
      'testing value /~01 failed: test failed',
    ],
    [
      'a test of a missing member',
      { a: {} },
      [{ op: 'test', path: '/a/b', value: null }],
      'testing value /a/b failed: test failed',
    ],
    [
      'a test under a missing parent',
      {},
      [{ op: 'test', path: '/a/b', value: 1 }],
      'test operation does not apply: is missing path: /a/b: missing value',
    ],
    [
      'an add under a missing parent',
      { q: { bar: 2 } },
      [{ op: 'add', path: '/a/b', value: 1 }],
      'add operation does not apply: doc is missing path: "/a/b": missing value',
    ],
    [
      'an add past the end',
      { a: [1] },
      [{ op: 'add', path: '/a/5', value: 1 }],
      "error in add for path: '/a/5': Unable to access invalid index: 5: invalid index referenced",
    ],
    [
      'an add with a non-numeric index',
      { a: [1] },
      [{ op: 'add', path: '/a/x', value: 1 }],
      "error in add for path: '/a/x': value was not a proper array index: 'x'",
    ],
    [
      'a remove of a missing member',
      { a: {} },
      [{ op: 'remove', path: '/a/b' }],
      "error in remove for path: '/a/b': Unable to remove nonexistent key: b: missing value",
    ],
    [
      'a remove past the end',
      { a: [1] },
      [{ op: 'remove', path: '/a/1' }],
      "error in remove for path: '/a/1': Unable to access invalid index: 1: invalid index referenced",
    ],
    [
      'a remove under a missing parent',
      {},
      [{ op: 'remove', path: '/a/b' }],
      'remove operation does not apply: doc is missing path: "/a/b": missing value',
    ],
    [
      'a replace of a missing member',
      { a: {} },
      [{ op: 'replace', path: '/a/b', value: 1 }],
      'replace operation does not apply: doc is missing key: /a/b: missing value',
    ],
    [
      'a replace under a missing parent',
      {},
      [{ op: 'replace', path: '/a/b', value: 1 }],
      'replace operation does not apply: doc is missing path: /a/b: missing value',
    ],
    [
      'a move from a missing path',
      {},
      [{ op: 'move', from: '/a/b', path: '/c' }],
      'move operation does not apply: doc is missing from path: /a/b: missing value',
    ],
    [
      'a move to a missing parent',
      { a: 1 },
      [{ op: 'move', from: '/a', path: '/x/y' }],
      'move operation does not apply: doc is missing destination path: /x/y: missing value',
    ],
    [
      'a move into its own child',
      { a: { b: 1 } },
      [{ op: 'move', from: '/a', path: '/a/b/c' }],
      'move operation does not apply: cannot move "/a" into its own child "/a/b/c"',
    ],
    [
      'a copy from a missing path',
      {},
      [{ op: 'copy', from: '/a', path: '/b' }],
      'copy operation does not apply: doc is missing from path: /a: missing value',
    ],
    [
      'a copy to a missing parent',
      { a: 1 },
      [{ op: 'copy', from: '/a', path: '/x/y' }],
      'copy operation does not apply: doc is missing destination path: /x/y: missing value',
    ],
    ['an unknown operation', {}, [{ op: 'merge', path: '/a' }], 'Unexpected kind: merge'],
    [
      'a missing path',
      {},
      [{ op: 'add', value: 1 }],
      'add operation failed to decode path: missing value',
    ],
    [
      'a missing from',
      { a: 1 },
      [{ op: 'copy', path: '/b' }],
      'copy operation failed to decode from: missing value',
    ],
    [
      'a missing value',
      {},
      [{ op: 'add', path: '/a' }],
      'add operation for path "/a" is missing the "value" member',
    ],
    [
      'a pointer without a leading slash',
      { a: 1 },
      [{ op: 'remove', path: 'a' }],
      'remove operation does not apply: invalid JSON pointer "a": it must be empty or start with "/"',
    ],
    [
      'a bad tilde escape',
      { a: 1 },
      [{ op: 'remove', path: '/a~2' }],
      'remove operation does not apply: invalid JSON pointer "/a~2": "~" must be followed by 0 or 1',
    ],
    [
      'a patch that is not an array',
      {},
      { op: 'add' },
      'JSON patch must be an array of operations, got object',
    ],
    [
      'an operation that is not an object',
      {},
      ['add'],
      'JSON patch operation 0 must be an object, got string',
    ],
  ])('rejects %s', (_name, target, operations, message) => {
    expect(() => applyJsonPatch(target, operations)).toThrow(PatchError);
    expect(() => applyJsonPatch(target, operations)).toThrow(new PatchError(message));
  });

  it('leaves its inputs unchanged, also when an operation fails', () => {
    const target = { a: [1, 2], b: { c: 1 } };
    const operations = [
      { op: 'add', path: '/a/-', value: { d: 1 } },
      { op: 'remove', path: '/b/c' },
      { op: 'test', path: '/a/0', value: 9 },
    ];
    const targetCopy = structuredClone(target);
    const operationsCopy = structuredClone(operations);

    expect(() => applyJsonPatch(target, operations)).toThrow('testing value /a/0 failed');

    expect(target).toEqual(targetCopy);
    expect(operations).toEqual(operationsCopy);
  });

  it('stores __proto__ as an ordinary member', () => {
    const result = applyJsonPatch({}, [
      { op: 'add', path: '/__proto__', value: { polluted: true } },
    ]) as Record<string, unknown>;

    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.hasOwn(result, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
