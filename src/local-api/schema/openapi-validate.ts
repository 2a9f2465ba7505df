/**
 * A port of kube-openapi's SchemaValidator (the one kube-apiserver 1.32 runs on custom
 * resources): which checks apply to a value, in which order, and under which dotted name.
 */
import { isJsonMap, jsonEqual } from './json-values.ts';
import { compositeError, schemaError, type OpenAPIError } from './openapi-errors.ts';
import { checkEnum, checkFormat, checkNumber, checkString, checkType } from './openapi-scalars.ts';
import type { JSONSchemaProps } from './types.ts';

/**
 * Validates a value against a schema node, naming it `name` ("" for the root), and returns
 * kube-openapi's errors in kube-openapi's order: type, combinators, string, format, number,
 * list, enum, object.
 */
export function validateOpenAPI(
  node: JSONSchemaProps,
  data: unknown,
  name: string,
): OpenAPIError[] {
  if (data === null || data === undefined) {
    return [...checkType(node, null, name), ...checkEnum(node, null, name)];
  }

  const errors = [...checkType(node, data, name), ...checkCombinators(node, data, name)];
  if (typeof data === 'string') {
    errors.push(...checkString(node, data, name), ...checkFormat(node, data, name));
  }
  if (typeof data === 'number') errors.push(...checkNumber(node, data, name));
  if (Array.isArray(data)) errors.push(...checkList(node, data, name));
  errors.push(...checkEnum(node, data, name));
  if (isJsonMap(data)) errors.push(...checkObject(node, data, name));
  return errors;
}

function childName(name: string, key: string): string {
  return name === '' ? key : `${name}.${key}`;
}

function checkList(node: JSONSchemaProps, data: unknown[], name: string): OpenAPIError[] {
  const errors: OpenAPIError[] = [];
  const items = node.items;
  if (items !== undefined) {
    data.forEach((item, i) => errors.push(...validateOpenAPI(items, item, `${name}[${i}]`)));
  }

  const size = data.length;
  if (node.minItems !== undefined && size < node.minItems) {
    errors.push(
      schemaError('other', name, `should have at least ${node.minItems} items`, { value: size }),
    );
  }
  if (node.maxItems !== undefined && size > node.maxItems) {
    const detail = `should have at most ${node.maxItems} items`;
    errors.push(schemaError('maxItems', name, detail, { value: size, valid: node.maxItems }));
  }
  if (node.uniqueItems === true && hasDuplicates(data)) {
    errors.push(schemaError('other', name, "shouldn't contain duplicates"));
  }
  return errors;
}

function hasDuplicates(data: unknown[]): boolean {
  return data.some((item, i) => data.slice(0, i).some((earlier) => jsonEqual(earlier, item)));
}

/** Runs the object validator, which stops at a failed property count as kube-openapi's does. */
function checkObject(
  node: JSONSchemaProps,
  data: Record<string, unknown>,
  name: string,
): OpenAPIError[] {
  const keyCount = Object.keys(data).length;
  if (node.minProperties !== undefined && keyCount < node.minProperties) {
    const detail = `should have at least ${node.minProperties} properties`;
    return [schemaError('other', name, detail, { value: keyCount })];
  }
  if (node.maxProperties !== undefined && keyCount > node.maxProperties) {
    const detail = `should have at most ${node.maxProperties} properties`;
    return [
      schemaError('tooManyProperties', name, detail, {
        value: keyCount,
        valid: node.maxProperties,
      }),
    ];
  }

  const errors = checkAdditionalProperties(node, data, name);
  for (const [property, schema] of Object.entries(node.properties ?? {})) {
    if (Object.hasOwn(data, property)) {
      errors.push(...validateOpenAPI(schema, data[property], childName(name, property)));
    }
  }
  for (const required of node.required ?? []) {
    if (!Object.hasOwn(data, required)) {
      errors.push(schemaError('required', `${name}.${required}`, 'is required'));
    }
  }
  return errors;
}

function checkAdditionalProperties(
  node: JSONSchemaProps,
  data: Record<string, unknown>,
  name: string,
): OpenAPIError[] {
  const additional = node.additionalProperties;
  const declared = node.properties ?? {};
  const errors: OpenAPIError[] = [];
  for (const key of Object.keys(data)) {
    if (Object.hasOwn(declared, key)) continue;
    if (additional === false) {
      const message = `${name}.${key} in body is a forbidden property`;
      errors.push({ validation: true, code: 'other', name, message, value: key });
    } else if (typeof additional === 'object') {
      // Map entries are named with a dot even at the root, as kube-openapi does.
      errors.push(...validateOpenAPI(additional, data[key], `${name}.${key}`));
    }
  }
  return errors;
}

/**
 * allOf, anyOf, oneOf and not. Where kube-openapi reports the errors of the alternative with
 * the most passing checks, this reports the alternative with the fewest errors.
 */
function checkCombinators(node: JSONSchemaProps, data: unknown, name: string): OpenAPIError[] {
  const errors: OpenAPIError[] = [];
  if (node.anyOf !== undefined && node.anyOf.length > 0) {
    const results = node.anyOf.map((alternative) => validateOpenAPI(alternative, data, name));
    if (!results.some((result) => result.length === 0)) {
      errors.push(
        compositeError(name, 'must validate at least one schema (anyOf)'),
        ...fewest(results),
      );
    }
  }
  if (node.oneOf !== undefined && node.oneOf.length > 0) {
    const results = node.oneOf.map((alternative) => validateOpenAPI(alternative, data, name));
    const valid = results.filter((result) => result.length === 0).length;
    if (valid !== 1) {
      const found = valid === 0 ? 'Found none valid' : `Found ${valid} valid alternatives`;
      errors.push(compositeError(name, `must validate one and only one schema (oneOf). ${found}`));
      if (valid === 0) errors.push(...fewest(results));
    }
  }
  if (node.allOf !== undefined && node.allOf.length > 0) {
    const results = node.allOf.map((part) => validateOpenAPI(part, data, name));
    const valid = results.filter((result) => result.length === 0).length;
    errors.push(...results.flat());
    if (valid !== results.length) {
      const none = valid === 0 ? '. None validated' : '';
      errors.push(compositeError(name, `must validate all the schemas (allOf)${none}`));
    }
  }
  if (node.not !== undefined && validateOpenAPI(node.not, data, name).length === 0) {
    errors.push(compositeError(name, 'must not validate the schema (not)'));
  }
  return errors;
}

function fewest(results: OpenAPIError[][]): OpenAPIError[] {
  let best: OpenAPIError[] | undefined;
  for (const result of results) {
    if (best === undefined || result.length < best.length) best = result;
  }
  return best ?? [];
}
