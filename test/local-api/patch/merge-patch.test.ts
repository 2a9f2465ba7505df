import { describe, expect, it } from 'vitest';
import { applyMergePatch } from '../../../src/local-api/patch/index.ts';

describe('applyMergePatch', () => {
  // The example table of RFC 7386 appendix A, plus cases for nested and prototype-named members.
  it.each<[string, unknown, unknown, unknown]>([
    ['replaces a member', { a: 'b' }, { a: 'c' }, { a: 'c' }],
    ['adds a member', { a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    ['removes a member with null', { a: 'b' }, { a: null }, {}],
    ['keeps unrelated members', { a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    ['replaces an array by a string', { a: ['b'] }, { a: 'c' }, { a: 'c' }],
    ['replaces a string by an array', { a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    ['merges nested objects', { a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    ['replaces arrays whole', { a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    ['replaces an array target', ['a', 'b'], ['c', 'd'], ['c', 'd']],
    ['replaces an object by an array patch', { a: 'b' }, ['c'], ['c']],
    ['replaces the target by null', { a: 'foo' }, null, null],
    ['replaces the target by a string', { a: 'foo' }, 'bar', 'bar'],
    ['keeps null members of the target', { e: null }, { a: 1 }, { e: null, a: 1 }],
    ['turns a non-object target into an object', [1, 2], { a: 'b', c: null }, { a: 'b' }],
    ['drops nulls inside new objects', {}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ['keeps nulls inside arrays', {}, { a: [null, 1] }, { a: [null, 1] }],
    ['treats an undefined target as empty', undefined, { a: 1 }, { a: 1 }],
    [
      'merges Kubernetes metadata',
      { metadata: { name: 'web', labels: { app: 'shop', tier: 'web' } }, spec: { app: 'shop' } },
      { metadata: { labels: { tier: null, team: 'a' } }, spec: { app: 'cart' } },
      { metadata: { name: 'web', labels: { app: 'shop', team: 'a' } }, spec: { app: 'cart' } },
    ],
  ])('%s', (_name, target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  it('leaves its inputs unchanged', () => {
    const target = { a: { b: 'c' }, list: [1] };
    const patch = { a: { b: null, d: { e: 1 } }, list: [2] };
    const targetCopy = structuredClone(target);
    const patchCopy = structuredClone(patch);

    const result = applyMergePatch(target, patch) as { a: { d: object } };
    result.a.d = {};

    expect(target).toEqual(targetCopy);
    expect(patch).toEqual(patchCopy);
  });

  it('stores __proto__ as an ordinary member', () => {
    const patch = JSON.parse('{"__proto__": {"polluted": true}, "spec": {"constructor": 1}}');

    const result = applyMergePatch({}, patch) as Record<string, unknown>;

    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.hasOwn(result, '__proto__')).toBe(true);
    expect(JSON.parse(JSON.stringify(result))).toEqual(patch);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
