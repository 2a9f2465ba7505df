/**
 * Label selectors of list and watch requests, parsed as kube-apiserver 1.32 does (apimachinery
 * `labels.Parse`), with the same error text, and matched against an object's labels.
 */
import { labelKeyErrors, labelValueErrors } from './label-validation.ts';

/**
 * A label selector or field selector that cannot be parsed. The message is kube-apiserver's 400
 * text.
 */
export class SelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorError';
  }
}

/**
 * One requirement of a label selector. Besides the documented operators, kube-apiserver also
 * accepts `gt` and `lt` (`replicas>2`), which compare integer label values.
 */
export type LabelRequirement = {
  key: string;
  operator: 'in' | 'notin' | 'exists' | '!' | '=' | '==' | '!=' | 'gt' | 'lt';
  /** Sorted and without duplicates, as kube stores them. */
  values: string[];
};

type TokenKind =
  'end' | 'identifier' | 'in' | 'notin' | '(' | ')' | ',' | '!' | '=' | '==' | '!=' | '>' | '<';
type Token = { kind: TokenKind; literal: string };

const symbolTokens = new Set<string>(['(', ')', ',', '!', '=', '==', '!=', '>', '<']);
const specialCharacters = new Set(['=', '!', '(', ')', ',', '>', '<']);
const whitespace = new Set([' ', '\t', '\r', '\n']);
const binaryOperators = 'in, notin, =, ==, !=, gt, lt';

/** Splits a label selector into tokens, the way apimachinery's label lexer does. */
function lexLabelSelector(text: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;

  while (true) {
    while (position < text.length && whitespace.has(text.charAt(position))) position++;
    if (position >= text.length) break;

    const start = position;
    if (specialCharacters.has(text.charAt(position))) {
      // Read special characters while they form a known operator: "!=" is one token, "!(" two.
      let end = position + 1;
      while (end < text.length && symbolTokens.has(text.slice(start, end + 1))) end++;
      position = end;
    } else {
      while (position < text.length) {
        const character = text.charAt(position);
        if (specialCharacters.has(character) || whitespace.has(character)) break;
        position++;
      }
    }

    const literal = text.slice(start, position);
    const kind: TokenKind =
      symbolTokens.has(literal) || literal === 'in' || literal === 'notin'
        ? (literal as TokenKind)
        : 'identifier';
    tokens.push({ kind, literal });
  }

  tokens.push({ kind: 'end', literal: '' });
  return tokens;
}

/** Recursive-descent parser over the tokens, with apimachinery's error messages. */
class LabelParser {
  private readonly tokens: Token[];
  private position = 0;

  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const next = this.peek();
      if (next.kind === 'end') return requirements;
      if (next.kind !== 'identifier' && next.kind !== '!') {
        throw new SelectorError(
          `found '${next.literal}', expected: !, identifier, or 'end of string'`,
        );
      }

      requirements.push(this.parseRequirementOrThrow());

      const separator = this.consume();
      if (separator.kind === 'end') return requirements;
      if (separator.kind !== ',') {
        throw new SelectorError(`found '${separator.literal}', expected: ',' or 'end of string'`);
      }
      const following = this.peek();
      if (following.kind !== 'identifier' && following.kind !== '!') {
        throw new SelectorError(`found '${following.literal}', expected: identifier after ','`);
      }
    }
  }

  /** In a value position "in" and "notin" are plain identifiers ("a in (in)"). */
  private peek(): Token {
    return asValue(this.tokens[this.position] ?? { kind: 'end', literal: '' });
  }

  private consume(): Token {
    const token = this.peek();
    this.position++;
    return token;
  }

  private parseRequirementOrThrow(): LabelRequirement {
    try {
      return this.parseRequirement();
    } catch (error) {
      if (!(error instanceof SelectorError)) throw error;
      throw new SelectorError(`unable to parse requirement: ${error.message}`);
    }
  }

  private parseRequirement(): LabelRequirement {
    let token = this.consume();
    const negated = token.kind === '!';
    if (negated) token = this.consume();
    if (token.kind !== 'identifier') {
      throw new SelectorError(`found '${token.literal}', expected: identifier`);
    }

    const key = token.literal;
    const keyErrors = labelKeyErrors(key);
    if (keyErrors.length > 0) throw new SelectorError(invalidValue('<nil>', key, keyErrors));

    // After "!" kube-apiserver reads no operator, so "!a=b" fails at the "=" that follows.
    if (negated) return { key, operator: '!', values: [] };
    const next = this.peek().kind;
    if (next === 'end' || next === ',') return { key, operator: 'exists', values: [] };

    const operator = this.parseOperator();
    const values =
      operator === 'in' || operator === 'notin' ? this.parseValueSet() : this.parseExactValue();
    return newRequirement(key, operator, values);
  }

  private parseOperator(): LabelRequirement['operator'] {
    const token = this.tokens[this.position] ?? { kind: 'end', literal: '' };
    this.position++;
    switch (token.kind) {
      case 'in':
      case 'notin':
      case '=':
      case '==':
      case '!=':
        return token.kind;
      case '>':
        return 'gt';
      case '<':
        return 'lt';
      default:
        throw new SelectorError(`found '${token.literal}', expected: ${binaryOperators}`);
    }
  }

  private parseValueSet(): string[] {
    const open = this.consume();
    if (open.kind !== '(') throw new SelectorError(`found '${open.literal}' expected: '('`);

    const first = this.peek();
    if (first.kind === ')') {
      this.consume();
      return [''];
    }
    if (first.kind !== 'identifier' && first.kind !== ',') {
      throw new SelectorError(`found '${first.literal}', expected: ',', ')' or identifier`);
    }

    const values = this.parseIdentifierList();
    if (this.consume().kind !== ')') {
      throw new SelectorError(`found '${first.literal}', expected: ')'`);
    }
    return values;
  }

  /** Parses a comma-separated list whose empty entries are the empty value: "(,a)" is {"", "a"}. */
  private parseIdentifierList(): string[] {
    const values = new Set<string>();
    for (;;) {
      const token = this.consume();
      if (token.kind === 'identifier') {
        values.add(token.literal);
        const next = this.peek();
        if (next.kind === ')') return [...values];
        if (next.kind !== ',') {
          throw new SelectorError(`found '${next.literal}', expected: ',' or ')'`);
        }
        continue;
      }
      if (token.kind !== ',') {
        throw new SelectorError(`found '${token.literal}', expected: ',', or identifier`);
      }

      if (values.size === 0) values.add('');
      const next = this.peek().kind;
      if (next === ')') {
        values.add('');
        return [...values];
      }
      if (next === ',') values.add('');
    }
  }

  private parseExactValue(): string[] {
    const next = this.peek();
    if (next.kind === 'end' || next.kind === ',') return [''];

    const token = this.consume();
    if (token.kind !== 'identifier') {
      throw new SelectorError(`found '${token.literal}', expected: identifier`);
    }
    return [token.literal];
  }
}

function asValue(token: Token): Token {
  return token.kind === 'in' || token.kind === 'notin' ? { ...token, kind: 'identifier' } : token;
}

/** Validates the values as apimachinery's NewRequirement does and sorts them. */
function newRequirement(
  key: string,
  operator: LabelRequirement['operator'],
  unsorted: string[],
): LabelRequirement {
  const values = [...new Set(unsorted)].sort();
  const errors: string[] = [];

  values.forEach((value, index) => {
    if ((operator === 'gt' || operator === 'lt') && parseInteger(value) === undefined) {
      errors.push(
        invalidValue(`values[${index}]`, value, [
          "for 'Gt', 'Lt' operators, the value must be an integer",
        ]),
      );
    }
  });
  values.forEach((value, index) => {
    const valueErrors = labelValueErrors(value);
    if (valueErrors.length > 0) {
      errors.push(invalidValue(`values[${index}][${key}]`, value, valueErrors));
    }
  });

  if (errors.length > 0) {
    const unique = [...new Set(errors)];
    throw new SelectorError(unique.length === 1 ? (unique[0] ?? '') : `[${unique.join(', ')}]`);
  }
  return { key, operator, values };
}

/** Formats apimachinery field.Invalid(...).Error(): `path: Invalid value: "v": detail; detail`. */
function invalidValue(path: string, value: string, details: string[]): string {
  return `${path}: Invalid value: ${JSON.stringify(value)}: ${details.join('; ')}`;
}

/** Parses an integer as Go's strconv.ParseInt(value, 10, 64) accepts it, or returns undefined. */
function parseInteger(value: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(value)) return undefined;
  const parsed = BigInt(value);
  const limit = 2n ** 63n;
  return parsed >= -limit && parsed < limit ? parsed : undefined;
}

/**
 * Parses the `labelSelector` query: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`,
 * `!a`, comma = AND; validates keys (optional DNS prefix + name) and values as Kubernetes does.
 * Empty string = everything. Requirements come back sorted by key.
 */
export function parseLabelSelector(text: string): LabelRequirement[] {
  const requirements = new LabelParser(lexLabelSelector(text)).parse();
  return requirements.sort((a, b) => compareText(a.key, b.key));
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Tells whether labels satisfy every requirement. A missing label satisfies `!=`, `notin`, `!`. */
export function matchesLabels(
  selector: LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const present = labels ?? {};
  return selector.every((requirement) => {
    const value = Object.hasOwn(present, requirement.key) ? present[requirement.key] : undefined;
    switch (requirement.operator) {
      case 'in':
      case '=':
      case '==':
        return value !== undefined && requirement.values.includes(value);
      case 'notin':
      case '!=':
        return value === undefined || !requirement.values.includes(value);
      case 'exists':
        return value !== undefined;
      case '!':
        return value === undefined;
      case 'gt':
      case 'lt':
        return compareInteger(requirement, value);
    }
  });
}

function compareInteger(requirement: LabelRequirement, value: string | undefined): boolean {
  const actual = value === undefined ? undefined : parseInteger(value);
  const bound = parseInteger(requirement.values[0] ?? '');
  if (actual === undefined || bound === undefined) return false;
  return requirement.operator === 'gt' ? actual > bound : actual < bound;
}
