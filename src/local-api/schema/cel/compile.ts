/**
 * Compilation of x-kubernetes-validations rules: parsing, the static check against the schema,
 * planning with @bufbuild/cel, and a cache so that each schema node's rules compile once.
 */
import { parse, plan, type CelInput, type CelResult } from '@bufbuild/cel';
import type { JSONSchemaProps, ValidationRule } from '../types.ts';
import { celViewOf } from './declared-schema.ts';
import { ruleEnvironment } from './environment.ts';
import { validFieldPath } from './rule-field-path.ts';
import { kindOfNode, StaticChecker, type Kind, type Problem } from './static-check.ts';

/** A planned CEL program: evaluates with `self` and `oldSelf` bound. */
export type RuleProgram = (bindings: { self: CelInput; oldSelf: CelInput }) => CelResult;

/** One rule, ready to run; a rule with neither program nor error is empty and skipped. */
export interface CompiledRule {
  rule: ValidationRule;
  program?: RuleProgram;
  /** The reason the rule does not compile, worded as kube-apiserver's compiler reports it. */
  error?: string;
  messageProgram?: RuleProgram;
  /** The reason the messageExpression does not compile. */
  messageError?: string;
  /** Whether the rule reads oldSelf, which makes it a transition rule. */
  usesOldSelf: boolean;
  /** The rule's fieldPath normalized ("spec.replicas"), when it has a valid one. */
  fieldPath?: string;
  /** The reason the rule's fieldPath does not name a field of the schema. */
  fieldPathError?: string;
}

const cache = new WeakMap<JSONSchemaProps, Map<boolean, CompiledRule[]>>();
let compilations = 0;

/** Number of rules compiled since the process started, for tests of the cache. */
export function compilationCount(): number {
  return compilations;
}

/**
 * Returns the compiled rules of a node, compiling them on first use. `isResourceRoot` is true
 * for the schema's root, where rules also see apiVersion, kind and metadata.
 */
export function compileRules(node: JSONSchemaProps, isResourceRoot: boolean): CompiledRule[] {
  let byRoot = cache.get(node);
  if (byRoot === undefined) {
    byRoot = new Map();
    cache.set(node, byRoot);
  }
  const cached = byRoot.get(isResourceRoot);
  if (cached !== undefined) return cached;

  const view = celViewOf(node, isResourceRoot);
  const compiled = (node['x-kubernetes-validations'] ?? []).map((rule) => compileRule(rule, view));
  byRoot.set(isResourceRoot, compiled);
  return compiled;
}

function compileRule(rule: ValidationRule, view: JSONSchemaProps): CompiledRule {
  compilations++;
  const compiled: CompiledRule = { rule, usesOldSelf: false };
  if (rule.rule.trim() === '') return compiled;

  // As in kube-apiserver, a rule that fails to compile does not count as a transition rule.
  const expression = compileExpression(rule.rule, view, rule.optionalOldSelf === true);
  if ('error' in expression) {
    compiled.error = `compilation failed: ${expression.error}`;
  } else if (expression.kind !== 'unknown' && expression.kind !== 'bool') {
    compiled.error = 'cel expression must evaluate to a bool';
  } else {
    compiled.program = expression.program;
    compiled.usesOldSelf = expression.usesOldSelf;
  }

  if (rule.messageExpression !== undefined && rule.messageExpression.trim() !== '') {
    const message = compileExpression(rule.messageExpression, view, false);
    if ('error' in message) {
      compiled.messageError = `messageExpression compilation failed: ${message.error}`;
    } else if (message.kind !== 'unknown' && message.kind !== 'string') {
      compiled.messageError = 'messageExpression must evaluate to a string';
    } else {
      compiled.messageProgram = message.program;
    }
  }

  if (rule.fieldPath !== undefined && rule.fieldPath.trim() !== '') {
    const fieldPath = validFieldPath(rule.fieldPath.trim(), view);
    if ('path' in fieldPath) compiled.fieldPath = fieldPath.path;
    else compiled.fieldPathError = fieldPath.error;
  }
  return compiled;
}

type Compiled = { program: RuleProgram; kind: Kind; usesOldSelf: boolean } | { error: string };

function compileExpression(
  source: string,
  view: JSONSchemaProps,
  optionalOldSelf: boolean,
): Compiled {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(source);
  } catch (error) {
    return { error: syntaxError(error, source) };
  }

  const self = { kind: kindOfNode(view), node: view };
  const scope = new Map([
    ['self', self],
    ['oldSelf', optionalOldSelf ? { kind: 'unknown' as const } : self],
  ]);
  const checker = new StaticChecker(parsed, source);
  const result = checker.check(parsed.expr, scope);
  if (checker.problems.length > 0) return { error: formatProblems(checker.problems, source) };

  const program = plan(ruleEnvironment, parsed) as RuleProgram;
  return { program, kind: result.kind, usesOldSelf: referencesOldSelf(parsed.expr) };
}

/** Tells whether any identifier of the syntax tree is `oldSelf`. */
function referencesOldSelf(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(referencesOldSelf);
  if (typeof node !== 'object' || node === null) return false;

  const kind = (node as { case?: unknown; value?: { name?: unknown } }).case;
  if (kind === 'identExpr' && (node as { value: { name?: unknown } }).value.name === 'oldSelf') {
    return true;
  }
  return Object.values(node).some(referencesOldSelf);
}

/** Rewrites a @bufbuild/cel parse failure ("<input>:1:8: found + ...") in cel-go's format. */
function syntaxError(error: unknown, source: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const located = /^<input>:(\d+):(\d+): (.*)$/s.exec(message);
  if (located === null) return `ERROR: <input>:1:1: Syntax error: ${message}`;

  const [, line = '1', column = '1', text = ''] = located;
  return formatIssue(source, Number(line), Number(column) - 1, `Syntax error: ${text}`);
}

function formatProblems(problems: Problem[], source: string): string {
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') lineStarts.push(i + 1);

  return [...problems]
    .sort((a, b) => a.offset - b.offset)
    .map((problem) => {
      const line = lineStarts.filter((start) => start <= problem.offset).length;
      const column = problem.offset - (lineStarts[line - 1] ?? 0);
      return formatIssue(source, line, column, problem.message);
    })
    .join('\n');
}

/**
 * Formats one issue as cel-go prints it: the location, the message, the source line and a caret
 * under the column. Columns count from 0 here and print from 1.
 */
function formatIssue(source: string, line: number, column: number, message: string): string {
  const snippet = (source.split('\n')[line - 1] ?? '').replaceAll('\t', ' ');
  const chars = [...snippet];
  const dots = chars
    .slice(0, column)
    .map((char) => (char.charCodeAt(0) < 0x80 ? '.' : '\uff0e'))
    .join('');
  const caret = (chars[column]?.charCodeAt(0) ?? 0) < 0x80 ? '^' : '\uff3e';
  return `ERROR: <input>:${line}:${column + 1}: ${message}\n | ${snippet}\n | ${dots}${caret}`;
}
