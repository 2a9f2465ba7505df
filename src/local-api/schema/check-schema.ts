/**
 * The schema checks of a CRD version, in the order kube-apiserver 1.32 runs them: structural
 * invariants, then defaults (only on a structural schema), then the per-node checks, which
 * compile the CEL rules only when both passed.
 * NOTE: the CEL cost estimates (kube-apiserver rejects rules whose estimated cost exceeds its
 * budget) and the root restrictions that apply with a status subresource are not checked.
 */
import { validateDefaults } from './check-defaults.ts';
import { checkNode } from './check-node.ts';
import { validateStructural } from './check-structural.ts';
import type { FieldCause, JSONSchemaProps } from './types.ts';

/**
 * Checks that a CRD version's schema is structural and its CEL rules compile, returning causes
 * whose field starts with `fieldPrefix` (for example "spec.versions[0].schema.openAPIV3Schema").
 */
export function checkSchema(schema: JSONSchemaProps, fieldPrefix: string): FieldCause[] {
  const causes: FieldCause[] = [];
  let compileRules = false;

  const structural = validateStructural(schema, fieldPrefix);
  if (structural.length > 0) {
    causes.push(...structural);
  } else {
    const defaults = validateDefaults(schema, fieldPrefix);
    causes.push(...defaults);
    compileRules = defaults.length === 0;
  }

  const node = checkNode(schema, fieldPrefix, {
    isRoot: true,
    insideResourceMeta: false,
    compileRules,
  });
  causes.push(...node.schema, ...node.cel);
  return causes;
}
