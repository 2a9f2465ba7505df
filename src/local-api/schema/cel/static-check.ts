/**
 * A compile-time check of CEL rules against the schema, in place of cel-go's type checker, which
 * @bufbuild/cel does not expose. It reports undeclared variables and functions, fields the
 * schema does not declare and field selection on scalars, and infers the result kind.
 * NOTE: types are only tracked along schema paths. Other mistakes, such as wrong operand types,
 * surface when the rule runs, as they do in kube-apiserver for int-or-string and preserved fields.
 */
import type { parse } from '@bufbuild/cel';
import { mapValueSchema } from '../json-values.ts';
import type { JSONSchemaProps } from '../types.ts';
import { celViewOf } from './declared-schema.ts';
import { isKnownFunction } from './environment.ts';
import { escapePropertyName } from './escape.ts';

type ParsedExpr = ReturnType<typeof parse>;
type Expr = ParsedExpr['expr'];

/** The known facts about an expression's result: its kind, and its schema node if any. */
export type Kind = 'bool' | 'string' | 'number' | 'list' | 'map' | 'unknown';
interface Typed {
  kind: Kind;
  node?: JSONSchemaProps;
}

/** A problem found in the expression, at a character offset of its source. */
export interface Problem {
  offset: number;
  message: string;
}

const UNKNOWN: Typed = { kind: 'unknown' };
// CEL's type denotations, which are declared identifiers (`type(x) == int`).
const TYPE_NAMES = new Set([
  'bool',
  'bytes',
  'double',
  'dyn',
  'int',
  'list',
  'map',
  'null_type',
  'string',
  'type',
  'uint',
]);
const BOOL_FUNCTIONS = new Set([
  '_==_',
  '_!=_',
  '_<_',
  '_<=_',
  '_>_',
  '_>=_',
  '_&&_',
  '_||_',
  '!_',
  '@in',
  '@not_strictly_false',
  'matches',
  'startsWith',
  'endsWith',
  'contains',
  'isSorted',
  'hasValue',
  'has',
  'bool',
]);
const STRING_FUNCTIONS = new Set([
  'string',
  'lowerAscii',
  'upperAscii',
  'trim',
  'replace',
  'substring',
  'charAt',
  'format',
  'join',
]);
const NUMBER_FUNCTIONS = new Set(['size', 'int', 'uint', 'double', 'indexOf', 'lastIndexOf', '-_']);

/** Returns the kind of values a schema node describes. */
export function kindOfNode(node: JSONSchemaProps): Kind {
  if (node['x-kubernetes-int-or-string'] === true) return 'unknown';
  switch (node.type) {
    case 'boolean':
      return 'bool';
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'array':
      return 'list';
    case 'object':
      return 'map';
    default:
      return 'unknown';
  }
}

function typed(node: JSONSchemaProps | undefined): Typed {
  return node === undefined ? UNKNOWN : { kind: kindOfNode(node), node };
}

const CEL_TYPE_NAMES: Record<string, string> = {
  string: 'string',
  integer: 'int',
  number: 'double',
  boolean: 'bool',
};

/** Walks one parsed expression, collecting problems; `check` returns the result's kind. */
export class StaticChecker {
  readonly problems: Problem[] = [];
  private readonly positions: Record<string, number>;
  private readonly source: string;

  constructor(parsed: ParsedExpr, source: string) {
    this.positions = (parsed.sourceInfo?.positions ?? {}) as Record<string, number>;
    this.source = source;
  }

  /** Checks an expression where the variables of `scope` are declared. */
  check(expr: Expr, scope: ReadonlyMap<string, Typed>): Typed {
    const kind = expr.exprKind;
    switch (kind.case) {
      case 'constExpr':
        return { kind: constantKind(kind.value.constantKind.case) };
      case 'identExpr':
        if (TYPE_NAMES.has(kind.value.name)) return UNKNOWN;
        return scope.get(kind.value.name) ?? this.report(expr, undeclared(kind.value.name));
      case 'selectExpr': {
        const operand =
          kind.value.operand === undefined ? UNKNOWN : this.check(kind.value.operand, scope);
        const field = this.selectField(expr, operand, kind.value.field);
        return kind.value.testOnly ? { kind: 'bool' } : field;
      }
      case 'callExpr':
        return this.checkCall(expr, kind.value, scope);
      case 'listExpr':
        kind.value.elements.forEach((element) => this.check(element, scope));
        return { kind: 'list' };
      case 'structExpr':
        for (const entry of kind.value.entries) {
          if (entry.keyKind.case === 'mapKey') this.check(entry.keyKind.value, scope);
          if (entry.value !== undefined) this.check(entry.value, scope);
        }
        return { kind: kind.value.messageName === '' ? 'map' : 'unknown' };
      case 'comprehensionExpr':
        return this.checkComprehension(kind.value, scope);
      default:
        return UNKNOWN;
    }
  }

  private report(expr: Expr, message: string): Typed {
    this.problems.push({ offset: this.positions[String(expr.id)] ?? 0, message });
    return UNKNOWN;
  }

  /** Reports a problem with a call where cel-go does: at its opening parenthesis. */
  private reportCall(expr: Expr, message: string): Typed {
    const start = this.positions[String(expr.id)] ?? 0;
    const parenthesis = this.source.indexOf('(', start);
    this.problems.push({ offset: parenthesis < 0 ? start : parenthesis, message });
    return UNKNOWN;
  }

  private selectField(expr: Expr, operand: Typed, field: string): Typed {
    const node = operand.node;
    if (node === undefined || node['x-kubernetes-int-or-string'] === true) return UNKNOWN;

    const properties = node.properties;
    if (properties !== undefined) {
      const match = Object.entries(properties).find(([name]) => escapePropertyName(name) === field);
      if (match !== undefined) return typed(celViewOf(match[1], false));
      if (node['x-kubernetes-preserve-unknown-fields'] === true) return UNKNOWN;
      return this.report(expr, `undefined field '${field}'`);
    }
    const valueSchema = mapValueSchema(node);
    if (valueSchema !== undefined) return typed(valueSchema ?? undefined);

    const scalar = CEL_TYPE_NAMES[node.type ?? ''];
    if (scalar !== undefined)
      return this.report(expr, `type '${scalar}' does not support field selection`);
    return UNKNOWN;
  }

  private checkCall(expr: Expr, call: CallExpr, scope: ReadonlyMap<string, Typed>): Typed {
    if (call.target !== undefined) this.check(call.target, scope);
    const args = call.args.map((arg) => this.check(arg, scope));
    if (!isKnownFunction(call.function)) return this.reportCall(expr, undeclared(call.function));

    if (call.function === '_[_]') return indexed(args[0], call.args[1]);
    if (call.function === '_?_:_') return sameKind(args[1], args[2]);
    if (call.function === '_+_') return sameKind(args[0], args[1]);
    if (['_-_', '_*_', '_/_', '_%_'].includes(call.function)) return { kind: 'number' };
    if (BOOL_FUNCTIONS.has(call.function)) return { kind: 'bool' };
    if (STRING_FUNCTIONS.has(call.function)) return { kind: 'string' };
    if (NUMBER_FUNCTIONS.has(call.function)) return { kind: 'number' };
    return call.function === 'split' ? { kind: 'list' } : UNKNOWN;
  }

  private checkComprehension(loop: ComprehensionExpr, scope: ReadonlyMap<string, Typed>): Typed {
    const range = loop.iterRange === undefined ? UNKNOWN : this.check(loop.iterRange, scope);
    const accumulator = loop.accuInit === undefined ? UNKNOWN : this.check(loop.accuInit, scope);

    const inner = new Map(scope);
    inner.set(loop.iterVar, elementOf(range));
    if (loop.iterVar2 !== '') inner.set(loop.iterVar2, UNKNOWN);
    inner.set(loop.accuVar, accumulator);
    if (loop.loopCondition !== undefined) this.check(loop.loopCondition, inner);
    if (loop.loopStep !== undefined) this.check(loop.loopStep, inner);

    const outer = new Map(scope);
    outer.set(loop.accuVar, accumulator);
    return loop.result === undefined ? UNKNOWN : this.check(loop.result, outer);
  }
}

type ExprCase<C> = Extract<Expr['exprKind'], { case: C }>['value'];
type CallExpr = ExprCase<'callExpr'>;
type ComprehensionExpr = ExprCase<'comprehensionExpr'>;

function undeclared(name: string): string {
  return `undeclared reference to '${name}' (in container '')`;
}

function constantKind(constant: string | undefined): Kind {
  switch (constant) {
    case 'boolValue':
      return 'bool';
    case 'stringValue':
      return 'string';
    case 'int64Value':
    case 'uint64Value':
    case 'doubleValue':
      return 'number';
    default:
      return 'unknown';
  }
}

function sameKind(a: Typed | undefined, b: Typed | undefined): Typed {
  return a !== undefined && b !== undefined && a.kind === b.kind ? { kind: a.kind } : UNKNOWN;
}

/** Returns the element a comprehension visits: list items, or map keys (strings). */
function elementOf(range: Typed): Typed {
  if (range.node?.type === 'array') return typed(range.node.items);
  return range.kind === 'map' ? { kind: 'string' } : UNKNOWN;
}

/** Returns the type of `list[i]`, `map[key]` and `object['property']` along the schema. */
function indexed(operand: Typed | undefined, index: Expr | undefined): Typed {
  const node = operand?.node;
  if (node === undefined) return UNKNOWN;
  if (node.type === 'array') return typed(node.items);

  const valueSchema = mapValueSchema(node);
  if (valueSchema !== undefined) return typed(valueSchema ?? undefined);
  const key = index?.exprKind.case === 'constExpr' ? index.exprKind.value.constantKind : undefined;
  if (key?.case === 'stringValue' && node.properties !== undefined) {
    return typed(node.properties[key.value]);
  }
  return UNKNOWN;
}
