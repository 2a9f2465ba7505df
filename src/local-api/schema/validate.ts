/**
 * Validation of a custom resource against its version's schema, in the order kube-apiserver 1.32
 * runs it: OpenAPI schema validation, embedded resources' type meta, list-type invariants, then
 * the CEL rules unless an earlier error makes them unsafe to run.
 * NOTE: kube-apiserver 1.32 ratchets updates: it drops an error on a value the update leaves
 * unchanged, or turns it into a warning for CEL rules without oldSelf. Here every error counts.
 */
import { invalidCause } from './causes.ts';
import { validateRules } from './cel/evaluate.ts';
import { validateEmbeddedResources } from './embedded.ts';
import { validateListTypes } from './list-type.ts';
import { toCauses } from './openapi-errors.ts';
import { validateOpenAPI } from './openapi-validate.ts';
import type { FieldCause, JSONSchemaProps } from './types.ts';

// Errors after which kube-apiserver skips the CEL rules: the object lacks the shape they assume.
const BLOCKING_REASONS = new Set([
  'FieldValueNotSupported',
  'FieldValueRequired',
  'FieldValueTooLong',
  'FieldValueTooMany',
  'FieldValueTypeInvalid',
]);

/**
 * Validates an object (after pruning and defaulting) and returns every field error, CEL rules
 * included. With `oldObject` (an update), transition rules that use oldSelf are evaluated where
 * the old value exists.
 */
export function validate(
  schema: JSONSchemaProps,
  object: Record<string, unknown>,
  oldObject?: Record<string, unknown>,
): FieldCause[] {
  const causes = [
    ...toCauses(validateOpenAPI(schema, object, ''), ''),
    ...validateEmbeddedResources(schema, object),
    ...validateListTypes(schema, object),
  ];

  if (causes.some((cause) => BLOCKING_REASONS.has(cause.reason))) {
    const detail =
      'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';
    causes.push(invalidCause('', null, detail));
  } else {
    causes.push(...validateRules(schema, object, oldObject));
  }
  return causes;
}
