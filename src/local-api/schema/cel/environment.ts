/** The CEL environment x-kubernetes-validations rules run in. */
import { CelScalar, celEnv } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { kubernetesFunctions } from './library.ts';

/**
 * `self` and `oldSelf` with the standard library, the strings extension (charAt, indexOf,
 * lowerAscii, replace, split, substring, trim, upperAscii, join, format...) and the Kubernetes
 * additions of library.ts.
 */
export const ruleEnvironment = celEnv({
  variables: { self: CelScalar.DYN, oldSelf: CelScalar.DYN },
  funcs: [...strings, ...kubernetesFunctions],
});

// Operators and macros the planner implements itself rather than through the function table.
const BUILT_IN_CALLS = new Set(['has', 'size', 'dyn', 'type']);

/** Tells whether a call to `name` resolves in the rule environment. */
export function isKnownFunction(name: string): boolean {
  if (/^[_@!-]/.test(name) || BUILT_IN_CALLS.has(name)) return true;
  return ruleEnvironment.funcs.find(name) !== undefined;
}
