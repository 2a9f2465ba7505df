import { z } from 'zod';

/**
 * A node of a Kubernetes structural schema (JSONSchemaProps), with the keys Herald uses spelled as
 * they appear on the wire.
 */
export interface JsonSchemaProps {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  properties?: Record<string, JsonSchemaProps>;
  additionalProperties?: JsonSchemaProps;
  items?: JsonSchemaProps;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-validations'?: ValidationRule[];
}

/** One CEL rule of `x-kubernetes-validations`. */
export interface ValidationRule {
  rule: string;
  message: string;
  /** Path of the field the error is reported on, relative to the node, such as `.webhook`. */
  fieldPath?: string;
  /** Status cause reason, such as `FieldValueRequired`. */
  reason?:
    'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
}

/** JSON Schema keys a structural schema may not contain, or that Herald never needs. */
const unsupportedKeys = [
  'anyOf',
  'oneOf',
  'allOf',
  'not',
  'const',
  '$ref',
  '$defs',
  'nullable',
  'exclusiveMinimum',
  'exclusiveMaximum',
];

/**
 * Converts a zod schema into a Kubernetes structural schema. Descriptions come from
 * `.describe()`, and `x-kubernetes-*` keys from `.meta()`. zod's JSON Schema output is adjusted:
 * - `additionalProperties: {}` and `propertyNames` go, because structural schemas reject them;
 * - a `pattern` beside a `format` goes, because zod emits JavaScript regexes for its formats that
 *   kube-apiserver's RE2 cannot compile, and kube-apiserver checks formats itself;
 * - integers get `format: int64` in place of zod's safe-integer bounds.
 * Throws when the schema needs a construct a structural schema cannot express (unions, literals).
 */
export function toStructuralSchema(schema: z.ZodType): JsonSchemaProps {
  const generated = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
    unrepresentable: 'throw',
  });
  return adjustNode(generated, '');
}

function adjustNode(node: Record<string, unknown>, path: string): JsonSchemaProps {
  const adjusted: Record<string, unknown> = { ...node };
  delete adjusted.$schema;
  delete adjusted.propertyNames;

  for (const key of unsupportedKeys) {
    if (key in adjusted) {
      throw new Error(
        `schema node ${path || '(root)'} uses "${key}", which a Kubernetes structural schema cannot express; change the zod schema`,
      );
    }
  }

  const additional = adjusted.additionalProperties;
  if (additional === false || isEmptyObject(additional) || adjusted.properties !== undefined) {
    delete adjusted.additionalProperties;
  }

  if (typeof adjusted.format === 'string') delete adjusted.pattern;

  if (adjusted.type === 'integer') adjustInteger(adjusted);

  if (isRecord(adjusted.properties)) {
    const properties: Record<string, JsonSchemaProps> = {};
    for (const [name, child] of Object.entries(adjusted.properties)) {
      properties[name] = adjustNode(asRecord(child, `${path}.${name}`), `${path}.${name}`);
    }
    adjusted.properties = properties;
  }
  if (adjusted.items !== undefined) {
    adjusted.items = adjustNode(asRecord(adjusted.items, `${path}[]`), `${path}[]`);
  }
  if (isRecord(adjusted.additionalProperties)) {
    adjusted.additionalProperties = adjustNode(adjusted.additionalProperties, `${path}.*`);
  }

  return adjusted as JsonSchemaProps;
}

function adjustInteger(node: Record<string, unknown>): void {
  if (node.minimum === Number.MIN_SAFE_INTEGER) delete node.minimum;
  if (node.maximum === Number.MAX_SAFE_INTEGER) delete node.maximum;
  node.format ??= 'int64';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmptyObject(value: unknown): boolean {
  return isRecord(value) && Object.keys(value).length === 0;
}

function asRecord(value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) {
    throw new Error(`schema node ${path} is not an object; zod emitted ${JSON.stringify(value)}`);
  }
  return value;
}
