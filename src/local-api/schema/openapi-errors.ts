/**
 * The errors of kube-openapi's validate package and their conversion to field causes, as
 * apiextensions-apiserver's kubeOpenAPIResultToFieldErrors does it (Kubernetes 1.32).
 */
import {
  invalidCause,
  notSupportedCause,
  requiredCause,
  tooLongCause,
  tooManyCause,
  typeInvalidCause,
} from './causes.ts';
import { childPath } from './field-path.ts';
import { goJSON, goQuote } from './go-format.ts';
import type { FieldCause } from './types.ts';

/** The kube-openapi error codes that Kubernetes converts to a specific cause. */
export type OpenAPICode =
  'required' | 'enum' | 'tooLong' | 'maxItems' | 'tooManyProperties' | 'invalidType' | 'other';

/**
 * One kube-openapi error. `name` is the dotted path of the value ("spec.items[2].name"),
 * `value` the Go error's Value (undefined when Go has nil), `valid` its limit.
 */
export interface OpenAPIError {
  /** False for errors that are not *errors.Validation (composite allOf/anyOf/oneOf/not ones). */
  validation: boolean;
  code: OpenAPICode;
  name: string;
  message: string;
  value?: unknown;
  valid?: number;
  values?: unknown[];
}

/** Builds a *errors.Validation whose message names the value "<name> in body". */
export function schemaError(
  code: OpenAPICode,
  name: string,
  detail: string,
  extra: Pick<OpenAPIError, 'value' | 'valid' | 'values'> = {},
): OpenAPIError {
  return { validation: true, code, name, message: `${name} in body ${detail}`, ...extra };
}

/** errors.InvalidType: the message quotes the actual type (or format) when it is a string. */
export function invalidTypeError(name: string, typeName: string, actual: string): OpenAPIError {
  return schemaError('invalidType', name, `must be of type ${typeName}: ${goQuote(actual)}`, {
    value: actual,
  });
}

/** Builds a composite error (allOf, anyOf, oneOf, not); these name the path in quotes. */
export function compositeError(name: string, detail: string): OpenAPIError {
  return { validation: false, code: 'other', name, message: `${goQuote(name)} ${detail}` };
}

function enumValueText(value: unknown): string {
  return typeof value === 'string' ? value : goJSON(value);
}

/** Returns the field a kube-openapi error is reported on, below the validation's prefix. */
function errorField(prefix: string, name: string): string {
  if (name === '' || name === '.') return prefix;
  return childPath(prefix, name.startsWith('.') ? name.slice(1) : name);
}

/** Converts kube-openapi errors to causes; `prefix` is the field path the validation ran at. */
export function toCauses(errors: readonly OpenAPIError[], prefix: string): FieldCause[] {
  return errors.map((error) => {
    if (!error.validation) return invalidCause(prefix, '', error.message);

    const field = errorField(prefix, error.name);
    const value = error.value ?? '';
    switch (error.code) {
      case 'required':
        return requiredCause(field);
      case 'enum':
        return notSupportedCause(
          field,
          error.value ?? null,
          (error.values ?? []).map(enumValueText),
        );
      case 'tooLong':
        return tooLongCause(field, error.valid ?? -1);
      case 'maxItems':
      case 'tooManyProperties':
        return tooManyCause(field, typeof value === 'number' ? value : -1, error.valid ?? -1);
      case 'invalidType':
        return typeInvalidCause(field, value, error.message);
      case 'other':
        return invalidCause(field, value, error.message);
    }
  });
}
