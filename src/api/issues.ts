import type { z } from 'zod';

/** A zod issue before zod fills in its message, as error maps receive it. */
type RawIssue = z.core.$ZodRawIssue;

/**
 * Writes the message of a zod issue in the words `kubectl` users expect ("is required", "must be
 * at most 63 characters"). Pass it as the `error` option of `safeParse`. Messages set on a schema
 * take precedence over it.
 */
export const issueMessage: z.core.$ZodErrorMap = (issue) => {
  if (
    issue.input === undefined &&
    (issue.code === 'invalid_type' || issue.code === 'invalid_value')
  ) {
    return 'is required';
  }
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${article(issue.expected)}, not ${article(typeName(issue.input))}`;
    case 'too_small':
      return tooSmallMessage(issue);
    case 'too_big':
      return tooBigMessage(issue);
    case 'invalid_value':
      return `must be one of: ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'invalid_format':
      return `must be a valid ${issue.format}`;
    default:
      return undefined;
  }
};

/** Formats an issue path as a field path, such as `spec.events.types[1]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let formatted = '';
  for (const key of path) {
    if (typeof key === 'number') formatted += `[${key}]`;
    else formatted += formatted === '' ? String(key) : `.${String(key)}`;
  }
  return formatted;
}

/** Joins issues into one message of `field: problem` parts separated by "; ". */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const path = formatPath(issue.path);
      return path === '' ? issue.message : `${path}: ${issue.message}`;
    })
    .join('; ');
}

function tooSmallMessage(issue: RawIssue & { code: 'too_small' }): string {
  const minimum = Number(issue.minimum);
  switch (issue.origin) {
    case 'string':
      return minimum === 1 ? 'must not be empty' : `must be at least ${minimum} characters long`;
    case 'array':
    case 'set':
      return `must list at least ${minimum} ${minimum === 1 ? 'item' : 'items'}`;
    default:
      return issue.inclusive === false
        ? `must be greater than ${minimum}`
        : `must be at least ${minimum}`;
  }
}

function tooBigMessage(issue: RawIssue & { code: 'too_big' }): string {
  const maximum = Number(issue.maximum);
  switch (issue.origin) {
    case 'string':
      return `must be at most ${maximum} characters long`;
    case 'array':
    case 'set':
      return `must list at most ${maximum} ${maximum === 1 ? 'item' : 'items'}`;
    default:
      return issue.inclusive === false
        ? `must be less than ${maximum}`
        : `must be at most ${maximum}`;
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isInteger(value)) return 'integer';
  return typeof value;
}

/** zod's names for expected types, in the words of JSON and Kubernetes. */
const spokenTypes: Record<string, string> = { int: 'integer', record: 'object' };

function article(noun: string): string {
  const spoken = spokenTypes[noun] ?? noun;
  if (spoken === 'null' || spoken === 'undefined') return spoken;
  return /^[aeiou]/.test(spoken) ? `an ${spoken}` : `a ${spoken}`;
}
