import { describe, expect, it } from 'vitest';
import { EventDataReader } from '../../../src/channels/layouts/event-data-reader.ts';

describe('EventDataReader', () => {
  it.each([
    ['a string', 'web-1', 'web-1'],
    ['a number', 137, '137'],
    ['a boolean', true, 'true'],
    ['control characters', 'a\u0007b\u202Ec', 'abc'],
    ['surrounding space', '  web  ', 'web'],
  ])('reads text from %s', (_case, value, text) => {
    expect(new EventDataReader({ key: value }).text('key')).toBe(text);
  });

  it.each([
    ['an object', { a: 1 }],
    ['a list', ['a']],
    ['null', null],
    ['an empty string', '   '],
    ['NaN', Number.NaN],
  ])('reads no text from %s and leaves it unread', (_case, value) => {
    const data = new EventDataReader({ key: value });

    expect(data.text('key')).toBeUndefined();
    expect(data.unreadEntries()).toEqual([['key', value]]);
  });

  it('caps long text', () => {
    const text = new EventDataReader({ key: 'x'.repeat(10_000) }).text('key') ?? '';

    expect(text).toHaveLength(500);
    expect(text.endsWith('…')).toBe(true);
  });

  it.each([
    [137, 137],
    ['137', 137],
    [-1, -1],
    [1.5, undefined],
    ['1.5', undefined],
    ['12abc', undefined],
    [2 ** 60, undefined],
  ])('reads integer %j as %j', (value, expected) => {
    expect(new EventDataReader({ key: value }).integer('key')).toBe(expected);
  });

  it.each([
    [93.5, 93.5],
    ['93.5', 93.5],
    [' 80 ', 80],
    ['93%', undefined],
    [Number.POSITIVE_INFINITY, undefined],
    [true, undefined],
  ])('reads number %j as %j', (value, expected) => {
    expect(new EventDataReader({ key: value }).number('key')).toBe(expected);
  });

  it.each([
    [95, 95],
    ['95s', 95],
    ['2m30s', 150],
    [-5, undefined],
    ['soon', undefined],
  ])('reads seconds from %j as %j', (value, expected) => {
    expect(new EventDataReader({ key: value }).seconds('key')).toBe(expected);
  });

  it('reads a time as milliseconds', () => {
    const data = new EventDataReader({ since: '2026-03-01T12:00:00Z', bad: 'yesterday' });

    expect(data.time('since')).toBe(Date.UTC(2026, 2, 1, 12));
    expect(data.time('bad')).toBeUndefined();
  });

  it('reads one of the allowed values only', () => {
    const data = new EventDataReader({ state: 'resolved', other: 'pending' });

    expect(data.oneOf('state', ['firing', 'resolved'])).toBe('resolved');
    expect(data.oneOf('other', ['firing', 'resolved'])).toBeUndefined();
  });

  it.each([
    ['a list', ['DATABASE_URL', 'REDIS_URL'], ['DATABASE_URL', 'REDIS_URL']],
    ['one name', 'DATABASE_URL', ['DATABASE_URL']],
    ['a map', { DATABASE_URL: 'postgres://u:secret@db', KEY: 'x' }, ['DATABASE_URL', 'KEY']],
    ['a list with other items', ['A', 3, null, { B: 'x' }, 'C'], ['A', 'C']],
    ['names with line breaks', ['A\nB'], ['A B']],
  ])('reads names from %s', (_case, value, names) => {
    expect(new EventDataReader({ key: value }).names('key')).toEqual(names);
  });

  it.each([[[]], [{}], [''], [[1, 2]], [42]])('reads no names from %j', (value) => {
    expect(new EventDataReader({ key: value }).names('key')).toBeUndefined();
  });

  it('reads a formation', () => {
    const formation = new EventDataReader({ to: { web: 2, worker: '0' } }).formation('to');

    expect(formation).toEqual(
      new Map([
        ['web', 2],
        ['worker', 0],
      ]),
    );
  });

  it.each([
    ['a negative count', { web: -1 }],
    ['a fraction', { web: 1.5 }],
    ['a word', { web: 'two' }],
    ['a list', [2, 1]],
    ['an empty map', {}],
    ['a number', 3],
  ])('reads no formation from %s', (_case, value) => {
    expect(new EventDataReader({ to: value }).formation('to')).toBeUndefined();
  });

  it('lists the unread entries in the emitter order', () => {
    const data = new EventDataReader({ b: 1, a: 'x', c: { d: 1 } });

    data.text('a');

    expect(data.unreadEntries()).toEqual([
      ['b', 1],
      ['c', { d: 1 }],
    ]);
  });

  it('never reads inherited properties', () => {
    const data = new EventDataReader({});

    expect(data.text('constructor')).toBeUndefined();
    expect(data.names('toString')).toBeUndefined();
    expect(data.formation('__proto__')).toBeUndefined();
  });
});
