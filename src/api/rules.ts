import type { z } from 'zod';
import type { ValidationRule } from './json-schema.ts';

/**
 * A rule across fields, written once for both validators. `rule` is the CEL expression that
 * kube-apiserver evaluates with `self` bound to the node, and `isValid` is the same rule in
 * TypeScript for zod. Tests evaluate both on the same inputs to keep them in agreement.
 */
export interface CrossFieldRule<T> {
  /** CEL expression that is true when the value is valid. */
  readonly rule: string;
  /** Complete sentence naming the field, the condition and the fix. */
  readonly message: string;
  /** Field the error is reported on, relative to the node the rule sits on. */
  readonly path: readonly string[];
  readonly reason: NonNullable<ValidationRule['reason']>;
  /** The rule in TypeScript: true when `value` is valid. */
  readonly isValid: (value: T) => boolean;
}

/** Converts a rule into its `x-kubernetes-validations` entry. */
export function toValidationRule(rule: CrossFieldRule<never>): ValidationRule {
  const validation: ValidationRule = { rule: rule.rule, message: rule.message };
  if (rule.path.length > 0) validation.fieldPath = `.${rule.path.join('.')}`;
  validation.reason = rule.reason;
  return validation;
}

/**
 * Attaches rules to an object schema. zod runs `isValid` when parsing, and the CRD generator
 * emits the CEL rules from the schema's metadata.
 */
export function withRules<S extends z.ZodType>(
  schema: S,
  rules: readonly CrossFieldRule<z.output<S>>[],
): S {
  return schema
    .superRefine((value, context) => {
      for (const rule of rules) {
        if (!rule.isValid(value)) {
          context.addIssue({ code: 'custom', message: rule.message, path: [...rule.path] });
        }
      }
    })
    .meta({ 'x-kubernetes-validations': rules.map((rule) => toValidationRule(rule)) });
}

/**
 * Rejects duplicate items in a list that the CRD declares as `x-kubernetes-list-type: set`, as
 * kube-apiserver does. `itemName` names an item in the message, such as "event type".
 */
export function asSet<S extends z.ZodArray>(schema: S, itemName: string): S {
  return schema
    .superRefine((items, context) => {
      const seen = new Set<unknown>();
      items.forEach((item, index) => {
        if (seen.has(item)) {
          context.addIssue({
            code: 'custom',
            message: `duplicate ${itemName} ${JSON.stringify(item)}; list each ${itemName} once`,
            path: [index],
          });
        }
        seen.add(item);
      });
    })
    .meta({ 'x-kubernetes-list-type': 'set' });
}
