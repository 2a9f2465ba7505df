/**
 * The checks kube-apiserver 1.32 runs on a node's x-kubernetes-validations when a CRD is
 * written: the rule fields themselves, then the CEL compilation of rule and messageExpression.
 */
import { invalidCause, notSupportedCause, requiredCause } from './causes.ts';
import { compileRules } from './cel/compile.ts';
import { childPath, indexPath } from './field-path.ts';
import { GoLiteral, goQuote } from './go-format.ts';
import type { FieldCause, JSONSchemaProps, ValidationRule } from './types.ts';
import { validFieldPath } from './cel/rule-field-path.ts';

const SUPPORTED_REASONS = [
  'FieldValueDuplicate',
  'FieldValueForbidden',
  'FieldValueInvalid',
  'FieldValueRequired',
];
const LINE_BREAK = /[\n\r]+/;

function rulePath(path: string, index: number, field: string): string {
  return childPath(indexPath(childPath(path, 'x-kubernetes-validations'), index), field);
}

/**
 * Renders a rule as kube-apiserver prints it in CRD errors: Go's %#v of its internal
 * ValidationRule. Go prints set pointer fields as memory addresses, which differ between
 * servers, so a fixed address is printed in their place.
 */
export function ruleLiteral(rule: ValidationRule): GoLiteral {
  const pointer = (type: string, isSet: boolean) => `(*${type})(${isSet ? '0xc000000000' : 'nil'})`;
  const fields = [
    `Rule:${goQuote(rule.rule)}`,
    `Message:${goQuote(rule.message ?? '')}`,
    `MessageExpression:${goQuote(rule.messageExpression ?? '')}`,
    `Reason:${pointer('apiextensions.FieldValueErrorReason', rule.reason !== undefined)}`,
    `FieldPath:${goQuote(rule.fieldPath ?? '')}`,
    `OptionalOldSelf:${pointer('bool', rule.optionalOldSelf !== undefined)}`,
  ];
  return new GoLiteral(`apiextensions.ValidationRule{${fields.join(', ')}}`);
}

/** Checks the fields of every rule (not their CEL): presence, line breaks, reason, fieldPath. */
export function checkRuleFields(node: JSONSchemaProps, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  (node['x-kubernetes-validations'] ?? []).forEach((rule, i) => {
    const message = rule.message ?? '';
    if (rule.rule.trim() === '') {
      causes.push(requiredCause(rulePath(path, i, 'rule'), 'rule is not specified'));
    } else if (message !== '' && message.trim() === '') {
      causes.push(
        invalidCause(
          rulePath(path, i, 'message'),
          message,
          'message must be non-empty if specified',
        ),
      );
    } else if (LINE_BREAK.test(message.trim())) {
      causes.push(
        invalidCause(rulePath(path, i, 'message'), message, 'message must not contain line breaks'),
      );
    } else if (LINE_BREAK.test(rule.rule.trim()) && message.trim() === '') {
      const detail = 'message must be specified if rule contains line breaks';
      causes.push(requiredCause(rulePath(path, i, 'message'), detail));
    }

    const messageExpression = rule.messageExpression ?? '';
    if (messageExpression !== '' && messageExpression.trim() === '') {
      const detail = 'messageExpression must be non-empty if specified';
      causes.push(requiredCause(rulePath(path, i, 'messageExpression'), detail));
    }
    if (rule.reason !== undefined && !SUPPORTED_REASONS.includes(rule.reason)) {
      causes.push(notSupportedCause(rulePath(path, i, 'reason'), rule.reason, SUPPORTED_REASONS));
    }
    causes.push(...checkFieldPath(node, rule, rulePath(path, i, 'fieldPath')));
  });
  return causes;
}

function checkFieldPath(node: JSONSchemaProps, rule: ValidationRule, path: string): FieldCause[] {
  const fieldPath = rule.fieldPath ?? '';
  if (fieldPath === '') return [];

  const causes: FieldCause[] = [];
  if (fieldPath.trim() === '')
    causes.push(invalidCause(path, fieldPath, 'fieldPath must be non-empty if specified'));
  if (LINE_BREAK.test(fieldPath))
    causes.push(invalidCause(path, fieldPath, 'fieldPath must not contain line breaks'));
  if ('error' in validFieldPath(fieldPath, node)) {
    causes.push(invalidCause(path, fieldPath, 'fieldPath must be a valid path'));
  }
  return causes;
}

/**
 * Compiles a node's rules and reports what does not compile, transition rules where old values
 * cannot be correlated (`uncorrelatablePath` is the list or atomic map above the node), and
 * optionalOldSelf on rules that do not read oldSelf.
 */
export function checkRuleCompilation(
  node: JSONSchemaProps,
  path: string,
  isResourceRoot: boolean,
  uncorrelatablePath: string | undefined,
): FieldCause[] {
  const causes: FieldCause[] = [];
  compileRules(node, isResourceRoot).forEach((compiled, i) => {
    const { rule } = compiled;
    if (compiled.error !== undefined) {
      causes.push(invalidCause(rulePath(path, i, 'rule'), ruleLiteral(rule), compiled.error));
    }
    if (compiled.messageError !== undefined) {
      causes.push(
        invalidCause(
          rulePath(path, i, 'messageExpression'),
          ruleLiteral(rule),
          compiled.messageError,
        ),
      );
    }
    if (compiled.usesOldSelf && uncorrelatablePath !== undefined) {
      const detail = `oldSelf cannot be used on the uncorrelatable portion of the schema within ${uncorrelatablePath}`;
      causes.push(invalidCause(rulePath(path, i, 'rule'), rule.rule, detail));
    } else if (!compiled.usesOldSelf && rule.optionalOldSelf !== undefined) {
      const detail = 'may not be set if oldSelf is not used in rule';
      causes.push(invalidCause(rulePath(path, i, 'optionalOldSelf'), rule.optionalOldSelf, detail));
    }
  });
  return causes;
}
