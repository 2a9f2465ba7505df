/**
 * Evaluation of x-kubernetes-validations rules over an object, ported from the schema/cel
 * Validator of apiextensions-apiserver (Kubernetes 1.32). It decides which nodes run rules,
 * which old value each rule receives, and how failures are worded.
 * NOTE: there is no cost budget, where kube-apiserver stops rules past its CEL cost limits.
 */
import { celError, isCelError, type CelInput, type CelResult } from '@bufbuild/cel';
import { duplicateCause, forbiddenCause, invalidCause, requiredCause } from '../causes.ts';
import { childPath, indexPath, keyPath } from '../field-path.ts';
import { isJsonMap, jsonEqual, mapValueSchema } from '../json-values.ts';
import type { FieldCause, JSONSchemaProps, ValidationRule } from '../types.ts';
import { compileRules, type CompiledRule, type RuleProgram } from './compile.ts';
import { celViewOf } from './declared-schema.ts';
import { optionalOf } from './library.ts';
import { CelConverter } from './values.ts';

/** kube-apiserver's limit on an evaluated messageExpression (5 KiB). */
const MAX_MESSAGE_BYTES = 5 * 1024;

/** Evaluates every rule of the schema over the object; `oldObject` is set on updates. */
export function validateRules(
  schema: JSONSchemaProps,
  object: Record<string, unknown>,
  oldObject: Record<string, unknown> | undefined,
): FieldCause[] {
  const walk = new RuleWalk();
  walk.visit(schema, object, oldObject, '', true);
  return walk.causes;
}

class RuleWalk {
  readonly causes: FieldCause[] = [];
  private readonly converter = new CelConverter();

  visit(node: JSONSchemaProps, value: unknown, old: unknown, path: string, isRoot: boolean): void {
    if (value === null || value === undefined || !hasRules(node)) return;
    this.runRules(node, value, old ?? undefined, path, isRoot);

    if (Array.isArray(value)) {
      this.visitItems(node, value, Array.isArray(old) ? old : undefined, path);
    } else if (isJsonMap(value)) {
      this.visitFields(node, value, isJsonMap(old) ? old : undefined, path);
    }
  }

  private visitItems(
    node: JSONSchemaProps,
    items: unknown[],
    old: unknown[] | undefined,
    path: string,
  ) {
    const itemSchema = node.items;
    if (itemSchema === undefined) return;
    // Only list-type map items have an old counterpart: the old item with the same keys.
    const keys =
      node['x-kubernetes-list-type'] === 'map' ? node['x-kubernetes-list-map-keys'] : undefined;
    items.forEach((item, i) => {
      const oldItem =
        keys === undefined || old === undefined ? undefined : sameKeyItem(keys, item, old);
      this.visit(itemSchema, item, oldItem, indexPath(path, i), isEmbedded(itemSchema));
    });
  }

  private visitFields(
    node: JSONSchemaProps,
    map: Record<string, unknown>,
    old: Record<string, unknown> | undefined,
    path: string,
  ) {
    const oldFields = isCorrelatableMap(node) ? old : undefined;
    const valueSchema = mapValueSchema(node);
    for (const [key, value] of Object.entries(map)) {
      const oldValue =
        oldFields !== undefined && Object.hasOwn(oldFields, key) ? oldFields[key] : undefined;
      if (valueSchema !== undefined && valueSchema !== null) {
        this.visit(valueSchema, value, oldValue, keyPath(path, key), isEmbedded(valueSchema));
      }
      const property = node.properties?.[key];
      if (property !== undefined && Object.hasOwn(node.properties ?? {}, key)) {
        this.visit(property, value, oldValue, childPath(path, key), isEmbedded(property));
      }
    }
  }

  private runRules(
    node: JSONSchemaProps,
    value: unknown,
    old: unknown,
    path: string,
    isRoot: boolean,
  ) {
    const rules = compileRules(node, isRoot);
    if (rules.length === 0) return;

    const typeName = node.type ?? '';
    const view = celViewOf(node, isRoot);
    const self = this.converter.convert(value, view);
    const oldSelf = old === undefined ? undefined : this.converter.convert(old, view);
    for (const compiled of rules) {
      const cause = this.runRule(compiled, { self, oldSelf }, path, typeName);
      if (cause !== undefined) this.causes.push(cause);
    }
  }

  private runRule(compiled: CompiledRule, values: RuleValues, path: string, typeName: string) {
    const { rule, program } = compiled;
    if (compiled.error !== undefined) {
      return invalidCause(path, typeName, `rule compile error: ${compiled.error}`);
    }
    if (program === undefined) return undefined;

    const optional = rule.optionalOldSelf === true;
    if (compiled.usesOldSelf && values.oldSelf === undefined && !optional) return undefined;

    const oldSelf = optional ? optionalOf(values.oldSelf) : (values.oldSelf ?? null);
    const result = evaluate(program, { self: values.self, oldSelf });
    if (isCelError(result)) {
      return invalidCause(path, typeName, evaluationFailure(result.message, rule));
    }
    if (result === true) return undefined;

    const failedPath =
      compiled.fieldPath === undefined ? path : childPath(path, compiled.fieldPath);
    const detail = evaluateMessage(compiled, values) ?? defaultMessage(rule);
    return causeForReason(rule.reason, failedPath, typeName, detail);
  }
}

interface RuleValues {
  self: CelInput;
  oldSelf: CelInput | undefined;
}

const hasRulesCache = new WeakMap<JSONSchemaProps, boolean>();

/** Tells whether a node or any node below it has rules, so that rule-free subtrees are skipped. */
function hasRules(node: JSONSchemaProps): boolean {
  const cached = hasRulesCache.get(node);
  if (cached !== undefined) return cached;

  const additional = mapValueSchema(node);
  const result =
    (node['x-kubernetes-validations'] ?? []).length > 0 ||
    (node.items !== undefined && hasRules(node.items)) ||
    (additional !== undefined && additional !== null && hasRules(additional)) ||
    Object.values(node.properties ?? {}).some(hasRules);
  hasRulesCache.set(node, result);
  return result;
}

/** Map fields keep their old values by key; granular and atomic maps (the only types) both do. */
export function isCorrelatableMap(node: JSONSchemaProps): boolean {
  const mapType = node['x-kubernetes-map-type'];
  return mapType === undefined || mapType === 'granular' || mapType === 'atomic';
}

function isEmbedded(node: JSONSchemaProps): boolean {
  return node['x-kubernetes-embedded-resource'] === true;
}

function sameKeyItem(keys: string[], item: unknown, old: unknown[]): unknown {
  if (!isJsonMap(item)) return undefined;
  return old.find(
    (candidate) =>
      isJsonMap(candidate) && keys.every((key) => jsonEqual(candidate[key], item[key])),
  );
}

function evaluate(
  program: RuleProgram,
  bindings: { self: CelInput; oldSelf: CelInput },
): CelResult {
  try {
    return program(bindings);
  } catch (error) {
    return celError(error);
  }
}

/** Returns the text kube-apiserver names a rule by, trimmed: its message, else its expression. */
function ruleText(rule: ValidationRule): string {
  const message = rule.message?.trim() ?? '';
  return message === '' ? rule.rule.trim() : message;
}

function defaultMessage(rule: ValidationRule): string {
  const message = rule.message?.trim() ?? '';
  return message === '' ? `failed rule: ${ruleText(rule)}` : message;
}

/** Rewords @bufbuild/cel runtime errors as cel-go (and so kube-apiserver) words them. */
function celGoError(message: string): string {
  const missingKey = /^field not found: (.*)$/s.exec(message);
  if (missingKey !== null) return `no such key: ${missingKey[1] ?? ''}`;
  if (message.startsWith('found no matching overload') || message === 'no such overload') {
    return 'no such overload';
  }
  if (message === 'int divide by zero') return 'division by zero';
  if (message === 'int modulus by zero') return 'modulus by zero';
  if (message.startsWith('int overflow')) return 'integer overflow';
  return message;
}

function evaluationFailure(message: string, rule: ValidationRule): string {
  const error = celGoError(message);
  if (error.startsWith('no such overload')) {
    return `'${error}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleText(rule)}`;
  }
  return `${error} evaluating rule: ${ruleText(rule)}`;
}

/** Evaluates the messageExpression; undefined when it fails, so the rule's message is used. */
function evaluateMessage(compiled: CompiledRule, values: RuleValues): string | undefined {
  if (compiled.messageProgram === undefined) return undefined;
  const result = evaluate(compiled.messageProgram, {
    self: values.self,
    oldSelf: values.oldSelf ?? null,
  });
  if (typeof result !== 'string') return undefined;

  const message = result.trim();
  const tooLong = Buffer.byteLength(message, 'utf8') > MAX_MESSAGE_BYTES;
  if (message === '' || tooLong || /\n/.test(message)) return undefined;
  return message;
}

function causeForReason(
  reason: ValidationRule['reason'],
  path: string,
  typeName: string,
  detail: string,
): FieldCause {
  switch (reason) {
    case 'FieldValueForbidden':
      return forbiddenCause(path, detail);
    case 'FieldValueRequired':
      return requiredCause(path, detail);
    case 'FieldValueDuplicate':
      return duplicateCause(path, typeName);
    default:
      return invalidCause(path, typeName, detail);
  }
}
