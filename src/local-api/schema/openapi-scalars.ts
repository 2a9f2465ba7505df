/**
 * The per-value checks of kube-openapi's validate package: type, string, format, number and
 * enum validators, with their quirks (integral limits are truncated for integer values, only the
 * first failing string check is reported).
 */
import { effectiveFormat, isCheckedStringFormat, matchesFormat } from './formats.ts';
import { goFloat } from './go-format.ts';
import { jsonEqual } from './json-values.ts';
import { invalidTypeError, schemaError, type OpenAPIError } from './openapi-errors.ts';
import { matchRegex } from './regex.ts';
import type { JSONSchemaProps } from './types.ts';

/** Returns the node's types as kube-openapi reads them: int-or-string is "integer,string". */
export function schemaTypes(node: JSONSchemaProps): string[] {
  if (node['x-kubernetes-int-or-string'] === true) return ['integer', 'string'];
  return node.type === undefined || node.type === '' ? [] : [node.type];
}

/** Infers the JSON type and Go format kube-openapi gives a decoded value. */
function inferType(data: unknown): [string, string] {
  if (typeof data === 'boolean') return ['boolean', ''];
  if (typeof data === 'string') return ['string', ''];
  if (typeof data === 'number')
    return Number.isInteger(data) ? ['integer', 'int64'] : ['number', 'float64'];
  if (Array.isArray(data)) return ['array', ''];
  return ['object', ''];
}

/** Runs the type validator; a null passes only where the node is nullable or has no type. */
export function checkType(node: JSONSchemaProps, data: unknown, name: string): OpenAPIError[] {
  const types = schemaTypes(node);
  const format = effectiveFormat(node);
  if (types.length === 0 && format === '') return [];

  if (data === null || data === undefined) {
    const nullAllowed = types.length === 0 || node.nullable === true;
    return nullAllowed ? [] : [invalidTypeError(name, types.join(','), 'null')];
  }

  const [actualType, actualFormat] = inferType(data);
  const isText = typeof data === 'string' || Array.isArray(data);
  const intAsNumber = actualType === 'integer' && types.includes('number');
  const floatAsInt =
    actualType === 'number' && isJSONInteger(data as number) && types.includes('integer');
  const typeMatches = types.includes(actualType) || intAsNumber || floatAsInt;
  if (!isText && format !== '' && !(typeMatches || actualFormat === format)) {
    return [invalidTypeError(name, format, actualFormat)];
  }
  // kube-openapi skips the type check of formatted strings when given a string or a list.
  if (!types.includes('number') && !types.includes('integer') && format !== '' && isText) return [];
  return typeMatches ? [] : [invalidTypeError(name, types.join(','), actualType)];
}

/** maxLength, minLength then pattern; lengths count Unicode code points; the first failure wins. */
export function checkString(node: JSONSchemaProps, data: string, name: string): OpenAPIError[] {
  const length = [...data].length;
  if (node.maxLength !== undefined && length > node.maxLength) {
    return [
      schemaError('tooLong', name, `should be at most ${node.maxLength} chars long`, {
        value: data,
        valid: node.maxLength,
      }),
    ];
  }
  if (node.minLength !== undefined && length < node.minLength) {
    return [
      schemaError('other', name, `should be at least ${node.minLength} chars long`, {
        value: data,
      }),
    ];
  }
  if (node.pattern === undefined || node.pattern === '') return [];

  const result = matchRegex(node.pattern, data);
  if ('error' in result) {
    const detail = `should match '${node.pattern}, but pattern is invalid: ${result.error}'`;
    return [schemaError('other', name, detail, { value: data })];
  }
  if (result.matched) return [];
  return [schemaError('other', name, `should match '${node.pattern}'`, { value: data })];
}

/** Runs the format validator, for the string formats Kubernetes checks. */
export function checkFormat(node: JSONSchemaProps, data: string, name: string): OpenAPIError[] {
  const format = effectiveFormat(node);
  if (format === '' || !isCheckedStringFormat(format) || matchesFormat(format, data)) return [];
  return [{ ...invalidTypeError(name, format, data), value: data }];
}

/** swag.IsFloat64AJSONInteger: integral within 2^53, allowing a 1e-9 relative error. */
function isJSONInteger(value: number): boolean {
  if (!Number.isFinite(value) || Math.abs(value) > 2 ** 53) return false;
  if (Number.isInteger(value)) return true;
  const nearest = Math.trunc(value);
  const diff = Math.abs(value - nearest);
  if (nearest === 0) return false;
  return diff / (Math.abs(value) + Math.abs(nearest)) < 1e-9;
}

function checkMultipleOf(factor: number, data: number, name: string): OpenAPIError[] {
  // Integer values are checked against the truncated factor, as kube-openapi does. A factor
  // that truncates to 0 would crash kube-apiserver, so the float check is used for it.
  if (Number.isInteger(data) && Math.trunc(factor) !== 0) {
    const integral = Math.trunc(factor);
    if (integral < 0) return [positiveFactorError(name, String(integral))];
    return data % integral === 0 ? [] : [notMultipleError(name, String(integral), data)];
  }
  if (factor < 0) return [positiveFactorError(name, goFloat(factor))];
  const quotient = factor < 1 ? (1 / factor) * data : data / factor;
  return isJSONInteger(quotient) ? [] : [notMultipleError(name, goFloat(factor), data)];
}

function positiveFactorError(name: string, factor: string): OpenAPIError {
  const message = `factor MultipleOf declared for ${name} must be positive: ${factor}`;
  return { validation: true, code: 'other', name, message, value: Number(factor) };
}

function notMultipleError(name: string, factor: string, data: number): OpenAPIError {
  return schemaError('other', name, `should be a multiple of ${factor}`, { value: data });
}

/** Compares against a limit, truncating the limit for integer values as kube-openapi does. */
function exceeds(
  data: number,
  limit: number,
  exclusive: boolean,
  below: boolean,
): string | undefined {
  const bound = Number.isInteger(data) ? Math.trunc(limit) : limit;
  const text = Number.isInteger(data) ? String(bound) : goFloat(bound);
  if (below) {
    if (exclusive ? data <= bound : data < bound) {
      return exclusive
        ? `should be greater than ${text}`
        : `should be greater than or equal to ${text}`;
    }
    return undefined;
  }
  if (exclusive ? data >= bound : data > bound) {
    return exclusive ? `should be less than ${text}` : `should be less than or equal to ${text}`;
  }
  return undefined;
}

/** multipleOf, minimum, then maximum; every failing one is reported. */
export function checkNumber(node: JSONSchemaProps, data: number, name: string): OpenAPIError[] {
  const errors: OpenAPIError[] = [];
  if (node.multipleOf !== undefined) errors.push(...checkMultipleOf(node.multipleOf, data, name));

  const limits: [number | undefined, boolean, boolean][] = [
    [node.minimum, node.exclusiveMinimum === true, true],
    [node.maximum, node.exclusiveMaximum === true, false],
  ];
  for (const [limit, exclusive, below] of limits) {
    if (limit === undefined) continue;
    const detail = exceeds(data, limit, exclusive, below);
    if (detail !== undefined) errors.push(schemaError('other', name, detail, { value: data }));
  }
  return errors;
}

/** Runs the enum validator, where a null never matches, even a null entry, as in kube-openapi. */
export function checkEnum(node: JSONSchemaProps, data: unknown, name: string): OpenAPIError[] {
  const values = node.enum;
  if (values === undefined || values.length === 0) return [];
  const isNull = data === null || data === undefined;
  if (!isNull && values.some((value) => value !== null && jsonEqual(data, value))) return [];
  return [
    schemaError('enum', name, `should be one of ${JSON.stringify(values)}`, {
      value: data,
      values,
    }),
  ];
}
