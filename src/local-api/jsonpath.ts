/**
 * The JSONPath subset of Kubernetes (client-go util/jsonpath) that CRD additionalPrinterColumns
 * use: fields, `*`, indices, slices, unions, `..` and `[?(...)]` filters. Templates with text
 * around the braces, several `{}` actions, `range`/`end` and other keywords are not supported.
 * Evaluation behaves as kube-apiserver's printer columns do with missing keys allowed: a path
 * that leads nowhere yields no match instead of an error.
 */

/** A JSONPath expression that cannot be parsed. The message describes what is wrong. */
export class JsonPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPathError';
  }
}

type FilterOperator = '==' | '!=' | '<' | '>' | '<=' | '>=';
type Operand = { kind: 'path'; steps: Step[] } | { kind: 'literal'; value: unknown };
type Step =
  | { kind: 'field'; name: string }
  | { kind: 'wildcard' }
  | { kind: 'recursive' }
  | { kind: 'slice'; start: number | undefined; end: number | undefined; step: number }
  | { kind: 'index'; index: number }
  | { kind: 'union'; branches: Step[][] }
  | { kind: 'filter'; left: Step[]; operator: FilterOperator | 'exists'; right?: Operand };

const filterOperators = new Set(['==', '!=', '<', '>', '<=', '>=']);
const terminators = new Set([' ', '\t', '\r', '\n', '.', ',', '[', ']', '$', '@', '{', '}']);

/** Parses a path such as `.status.conditions[0].type` with a cursor over the text. */
class PathParser {
  private readonly text: string;
  private position = 0;

  constructor(text: string) {
    this.text = text;
  }

  parse(): Step[] {
    const steps: Step[] = [];
    while (this.position < this.text.length) {
      const rest = this.text.slice(this.position);
      if (rest.startsWith('[?(')) steps.push(this.parseFilter());
      else if (rest.startsWith('..')) this.parseRecursive(steps);
      else if (rest.startsWith('.')) {
        this.position++;
        steps.push(this.parseField());
      } else if (rest.startsWith('[')) steps.push(this.parseBracket());
      else if (rest.startsWith(' ') || rest.startsWith('$') || rest.startsWith('@'))
        this.position++;
      else throw new JsonPathError(`unrecognized character in action: ${describe(rest)}`);
    }
    return steps;
  }

  private parseRecursive(steps: Step[]): void {
    if (steps.at(-1)?.kind === 'recursive') {
      throw new JsonPathError('invalid multiple recursive descent');
    }
    this.position += 2;
    steps.push({ kind: 'recursive' });
    if (/^[\p{L}\p{N}_*]/u.test(this.text.slice(this.position))) steps.push(this.parseField());
  }

  /** Parses a member name up to the next unescaped terminator, removing backslashes like kube. */
  private parseField(): Step {
    const start = this.position;
    while (this.position < this.text.length) {
      const character = this.text.charAt(this.position);
      if (character === '\\') this.position += 2;
      else if (terminators.has(character)) break;
      else this.position++;
    }

    const name = this.text.slice(start, this.position).replaceAll('\\', '');
    return name === '*' ? { kind: 'wildcard' } : { kind: 'field', name };
  }

  private parseBracket(): Step {
    const close = this.text.indexOf(']', this.position);
    if (close < 0 || this.text.slice(this.position, close).includes('\n')) {
      throw new JsonPathError('unterminated array');
    }
    const content = this.text.slice(this.position + 1, close);
    this.position = close + 1;
    return parseBracketContent(content);
  }

  /** `[?(left op right)]` or `[?(path)]`; a ")" inside a quoted string does not end it. */
  private parseFilter(): Step {
    this.position += 3;
    const start = this.position;
    let quote: string | undefined;
    for (;;) {
      const character = this.text.charAt(this.position);
      if (character === '' || character === '\n') throw new JsonPathError('unterminated filter');
      this.position++;
      if (quote === undefined && (character === '"' || character === "'")) quote = character;
      else if (character === quote && this.text.charAt(this.position - 2) !== '\\')
        quote = undefined;
      else if (character === ')' && quote === undefined) break;
    }
    if (this.text.charAt(this.position) !== ']') throw new JsonPathError('unclosed array expect ]');
    this.position++;
    return parseFilterContent(this.text.slice(start, this.position - 2));
  }
}

function parseBracketContent(content: string): Step {
  if (content === '*') return { kind: 'wildcard' };

  if (content.includes(',')) {
    const branches = content.split(',').map((part) => [parseBracketContent(part.trim())]);
    return { kind: 'union', branches };
  }

  const quoted = /^'([^']*)'$/.exec(content) ?? /^"([^"]*)"$/.exec(content);
  if (quoted !== null) return { kind: 'field', name: quoted[1] ?? '' };

  const slice = /^(-?\d*)(?::(-?\d*))?(?::(-?\d*))?$/.exec(content);
  if (slice === null || content === '') throw new JsonPathError(`invalid array index ${content}`);

  const [, start = '', end, step] = slice;
  if (end === undefined && step === undefined) return { kind: 'index', index: Number(start) };

  const stepValue = step === undefined || step === '' ? 1 : Number(step);
  if (stepValue <= 0) throw new JsonPathError(`step must be > 0 in array index ${content}`);
  return {
    kind: 'slice',
    start: start === '' ? undefined : Number(start),
    end: end === undefined || end === '' ? undefined : Number(end),
    step: stepValue,
  };
}

function parseFilterContent(content: string): Step {
  const comparison = /^([^!<>=]+)([!<>=]+)(.+?)$/.exec(content);
  if (comparison === null) {
    return { kind: 'filter', left: new PathParser(content).parse(), operator: 'exists' };
  }

  const [, left = '', operator = '', right = ''] = comparison;
  if (!filterOperators.has(operator)) {
    throw new JsonPathError(`unrecognized filter operator ${operator}`);
  }
  return {
    kind: 'filter',
    left: new PathParser(left).parse(),
    operator: operator as FilterOperator,
    right: parseOperand(right.trim()),
  };
}

function parseOperand(text: string): Operand {
  const quoted = /^(["'])(.*)\1$/s.exec(text);
  if (quoted !== null) {
    const body = quoted[2] ?? '';
    return { kind: 'literal', value: body.replace(/\\(.)/gs, '$1') };
  }
  if (/^[+-]?\d+(\.\d+)?$/.test(text)) return { kind: 'literal', value: Number(text) };
  if (text === 'true' || text === 'false') return { kind: 'literal', value: text === 'true' };
  if (/^[.@$\[]/.test(text)) return { kind: 'path', steps: new PathParser(text).parse() };
  throw new JsonPathError(`unsupported filter operand ${text}`);
}

/** Go's %#U: `U+0021 '!'`. */
function describe(rest: string): string {
  const codePoint = rest.codePointAt(0) ?? 0;
  const hex = codePoint.toString(16).toUpperCase().padStart(4, '0');
  return `U+${hex} '${String.fromCodePoint(codePoint)}'`;
}

/** Strips the optional `{}` around an expression; text outside the braces is not supported. */
function parseExpression(expression: string): Step[] {
  const trimmed = expression.trim();
  if (trimmed.startsWith('{')) {
    if (!trimmed.endsWith('}')) throw new JsonPathError('unclosed action');
    return new PathParser(trimmed.slice(1, -1)).parse();
  }
  return new PathParser(trimmed).parse();
}

/**
 * Evaluates the JSONPath subset that CRD additionalPrinterColumns use (`.spec.app`, `.a.b[0]`,
 * `.a[*].b`, `.status.conditions[?(@.type=="Ready")].status`, with or without `{}` braces).
 * Returns the matches in order. Throws JsonPathError when the expression cannot be parsed.
 */
export function evaluateJsonPath(object: unknown, expression: string): unknown[] {
  return evaluateSteps(parseExpression(expression), [object]);
}

/**
 * Checks an expression at CRD creation; returns an error message or undefined. As
 * kube-apiserver requires for printer columns, the expression starts with "." (no braces).
 */
export function checkJsonPath(expression: string): string | undefined {
  if (expression === '') return 'must not be empty';
  if (!expression.startsWith('.')) return 'must be a simple json path starting with .';
  try {
    parseExpression(expression);
    return undefined;
  } catch (error) {
    if (error instanceof JsonPathError) return error.message;
    throw error;
  }
}

function evaluateSteps(steps: Step[], input: unknown[]): unknown[] {
  let values = input;
  for (const step of steps) values = values.flatMap((value) => evaluateStep(step, value));
  return values;
}

function evaluateStep(step: Step, value: unknown): unknown[] {
  switch (step.kind) {
    case 'field':
      if (step.name === '') return [value];
      return isMap(value) && Object.hasOwn(value, step.name) ? [value[step.name]] : [];
    case 'wildcard':
      return isMap(value) ? Object.values(value) : Array.isArray(value) ? value : [];
    case 'recursive':
      return selfAndDescendants(value);
    case 'index':
      return Array.isArray(value) ? elementAt(value, step.index) : [];
    case 'slice':
      return Array.isArray(value) ? sliceOf(value, step) : [];
    case 'union':
      return step.branches.flatMap((branch) => evaluateSteps(branch, [value]));
    case 'filter':
      return Array.isArray(value) ? value.filter((element) => passesFilter(step, element)) : [];
  }
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function selfAndDescendants(value: unknown): unknown[] {
  const children = isMap(value) ? Object.values(value) : Array.isArray(value) ? value : [];
  return [value, ...children.flatMap((child) => selfAndDescendants(child))];
}

function elementAt(array: unknown[], index: number): unknown[] {
  const position = index < 0 ? index + array.length : index;
  return position >= 0 && position < array.length ? [array[position]] : [];
}

function sliceOf(
  array: unknown[],
  slice: { start?: number; end?: number; step: number },
): unknown[] {
  const clamp = (index: number) =>
    Math.min(Math.max(index < 0 ? index + array.length : index, 0), array.length);
  const start = clamp(slice.start ?? 0);
  const end = clamp(slice.end ?? array.length);

  const result: unknown[] = [];
  for (let index = start; index < end; index += slice.step) result.push(array[index]);
  return result;
}

/**
 * Applies a filter to one element. A comparison needs exactly one value on each side. Values of
 * different types never match, where kube reports an error that also leaves the cell empty.
 */
function passesFilter(step: Extract<Step, { kind: 'filter' }>, element: unknown): boolean {
  const left = evaluateSteps(step.left, [element]);
  if (step.operator === 'exists') return left.length > 0;

  const right =
    step.right?.kind === 'path' ? evaluateSteps(step.right.steps, [element]) : [step.right?.value];
  const [a] = left;
  const [b] = right;
  if (left.length !== 1 || right.length !== 1) return false;
  return compareValues(a, b, step.operator);
}

function compareValues(a: unknown, b: unknown, operator: FilterOperator): boolean {
  const comparable =
    (typeof a === 'number' && typeof b === 'number') ||
    (typeof a === 'string' && typeof b === 'string') ||
    (typeof a === 'boolean' && typeof b === 'boolean' && (operator === '==' || operator === '!='));
  if (!comparable) return false;

  const [x, y] = [a as number | string | boolean, b as number | string | boolean];
  switch (operator) {
    case '==':
      return x === y;
    case '!=':
      return x !== y;
    case '<':
      return x < y;
    case '>':
      return x > y;
    case '<=':
      return x <= y;
    case '>=':
      return x >= y;
  }
}
