import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { formatIssues, formatPath, issueMessage } from '../../src/api/issues.ts';

describe('formatPath', () => {
  it.each([
    [[], ''],
    [['spec'], 'spec'],
    [['spec', 'events', 'types', 1], 'spec.events.types[1]'],
    [['status', 'deliveries', 0, 'state'], 'status.deliveries[0].state'],
    [[0, 'name'], '[0].name'],
  ])('formats %j as %j', (path, expected) => {
    expect(formatPath(path)).toBe(expected);
  });
});

describe('issueMessage', () => {
  const schema = z.object({
    name: z.string().min(1).max(3),
    count: z.int().min(1).max(5),
    tags: z.array(z.string()).min(2).max(2),
    kind: z.enum(['a', 'b']),
  });
  const valid = { name: 'abc', count: 2, tags: ['x', 'y'], kind: 'a' };

  it.each([
    ['missing field', { name: undefined }, 'name: is required'],
    ['missing enum', { kind: undefined }, 'kind: is required'],
    ['wrong type', { name: 5 }, 'name: must be a string, not an integer'],
    ['fraction for integer', { count: 1.5 }, 'count: must be an integer, not a number'],
    ['empty string', { name: '' }, 'name: must not be empty'],
    ['long string', { name: 'abcd' }, 'name: must be at most 3 characters long'],
    ['small number', { count: 0 }, 'count: must be at least 1'],
    ['big number', { count: 6 }, 'count: must be at most 5'],
    ['short list', { tags: ['x'] }, 'tags: must list at least 2 items'],
    ['long list', { tags: ['x', 'y', 'z'] }, 'tags: must list at most 2 items'],
    ['enum value', { kind: 'c' }, 'kind: must be one of: "a", "b"'],
    ['null', { tags: null }, 'tags: must be an array, not null'],
  ])('words %s', (_name, change, expected) => {
    const result = schema.safeParse({ ...valid, ...change }, { error: issueMessage });
    expect(result.success).toBe(false);
    expect(formatIssues(result.error?.issues ?? [])).toBe(expected);
  });

  it('joins several issues', () => {
    const result = schema.safeParse({ ...valid, name: '', count: 0 }, { error: issueMessage });
    expect(result.success).toBe(false);
    expect(formatIssues(result.error?.issues ?? [])).toBe(
      'name: must not be empty; count: must be at least 1',
    );
  });

  it('keeps messages set on a schema', () => {
    const custom = z.string().regex(/^x$/, { error: 'must be x' });
    const result = custom.safeParse('y', { error: issueMessage });
    expect(result.success).toBe(false);
    expect(formatIssues(result.error?.issues ?? [])).toBe('must be x');
  });
});
