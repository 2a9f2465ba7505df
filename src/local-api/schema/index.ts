/**
 * Structural-schema handling for custom resources in the local API server: pruning, defaulting,
 * validation (OpenAPI, list types and CEL rules) and the checks of a CRD version's schema, with
 * kube-apiserver 1.32's rules and messages.
 */
export type { FieldCause, JSONSchemaProps, ValidationRule } from './types.ts';
export { formatCause } from './causes.ts';
export { prune } from './prune.ts';
export { applyDefaults } from './defaults.ts';
export { validate } from './validate.ts';
export { checkSchema } from './check-schema.ts';
