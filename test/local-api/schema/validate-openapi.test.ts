import { describe, expect, it } from 'vitest';
import {
  formatCause,
  validate,
  type JSONSchemaProps,
} from '../../../src/local-api/schema/index.ts';

/** Builds a resource schema whose spec has one field, `x`, described by `field`. */
function specWith(field: JSONSchemaProps, required: string[] = []): JSONSchemaProps {
  return {
    type: 'object',
    properties: { spec: { type: 'object', required, properties: { x: field } } },
  };
}

function messages(schema: JSONSchemaProps, spec: Record<string, unknown>): string[] {
  return validate(schema, { spec }).map(formatCause);
}

const BLOCKED =
  '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

describe('validate: OpenAPI rules', () => {
  it.each<[string, JSONSchemaProps, unknown, string[]]>([
    [
      'string for integer',
      { type: 'integer' },
      'string',
      [
        'spec.x: Invalid value: "string": spec.x in body must be of type integer: "string"',
        BLOCKED,
      ],
    ],
    [
      'float for integer',
      { type: 'integer' },
      1.5,
      [
        'spec.x: Invalid value: "number": spec.x in body must be of type integer: "number"',
        BLOCKED,
      ],
    ],
    [
      'number for string',
      { type: 'string' },
      5,
      [
        'spec.x: Invalid value: "integer": spec.x in body must be of type string: "integer"',
        BLOCKED,
      ],
    ],
    [
      'object for array',
      { type: 'array', items: { type: 'string' } },
      { a: 1 },
      ['spec.x: Invalid value: "object": spec.x in body must be of type array: "object"', BLOCKED],
    ],
    [
      'null for non-nullable',
      { type: 'string' },
      null,
      ['spec.x: Invalid value: "null": spec.x in body must be of type string: "null"', BLOCKED],
    ],
    [
      'boolean for int-or-string',
      { 'x-kubernetes-int-or-string': true },
      true,
      [
        'spec.x: Invalid value: "boolean": spec.x in body must be of type integer,string: "boolean"',
        BLOCKED,
      ],
    ],
    [
      'value outside enum',
      { type: 'string', enum: ['email', 'slack'] },
      'sms',
      ['spec.x: Unsupported value: "sms": supported values: "email", "slack"', BLOCKED],
    ],
    [
      'number outside enum',
      { type: 'integer', enum: [1, 2] },
      3,
      ['spec.x: Unsupported value: 3: supported values: "1", "2"', BLOCKED],
    ],
    [
      'pattern mismatch',
      { type: 'string', pattern: '^[a-z]+$' },
      'ABC',
      ['spec.x: Invalid value: "ABC": spec.x in body should match \'^[a-z]+$\''],
    ],
    [
      'too long string',
      { type: 'string', maxLength: 3, pattern: '^[a-z]+$' },
      'ABCD',
      ['spec.x: Too long: may not be more than 3 bytes', BLOCKED],
    ],
    [
      'too short string',
      { type: 'string', minLength: 3 },
      'ab',
      ['spec.x: Invalid value: "ab": spec.x in body should be at least 3 chars long'],
    ],
    [
      'below minimum',
      { type: 'integer', minimum: 1 },
      0,
      ['spec.x: Invalid value: 0: spec.x in body should be greater than or equal to 1'],
    ],
    [
      'at exclusive minimum',
      { type: 'number', minimum: 0.5, exclusiveMinimum: true },
      0.5,
      ['spec.x: Invalid value: 0.5: spec.x in body should be greater than 0.5'],
    ],
    [
      'above maximum',
      { type: 'integer', maximum: 10 },
      11,
      ['spec.x: Invalid value: 11: spec.x in body should be less than or equal to 10'],
    ],
    [
      'at exclusive maximum',
      { type: 'integer', maximum: 10, exclusiveMaximum: true },
      10,
      ['spec.x: Invalid value: 10: spec.x in body should be less than 10'],
    ],
    [
      'not a multiple',
      { type: 'integer', multipleOf: 5 },
      7,
      ['spec.x: Invalid value: 7: spec.x in body should be a multiple of 5'],
    ],
    [
      'too few items',
      { type: 'array', minItems: 2, items: { type: 'string' } },
      ['a'],
      ['spec.x: Invalid value: 1: spec.x in body should have at least 2 items'],
    ],
    [
      'too many items',
      { type: 'array', maxItems: 3, items: { type: 'string' } },
      ['a', 'b', 'c', 'd', 'e'],
      ['spec.x: Too many: 5: must have at most 3 items', BLOCKED],
    ],
    [
      'duplicate unique items',
      { type: 'array', uniqueItems: true, items: { type: 'string' } },
      ['a', 'a'],
      ['spec.x: Invalid value: "": spec.x in body shouldn\'t contain duplicates'],
    ],
    [
      'too few properties',
      { type: 'object', minProperties: 2, additionalProperties: { type: 'string' } },
      { a: 'x' },
      ['spec.x: Invalid value: 1: spec.x in body should have at least 2 properties'],
    ],
    [
      'too many properties',
      { type: 'object', maxProperties: 1, additionalProperties: { type: 'string' } },
      { a: 'x', b: 'y' },
      ['spec.x: Too many: 2: must have at most 1 item', BLOCKED],
    ],
    [
      'list item error',
      { type: 'array', items: { type: 'string', enum: ['a'] } },
      ['a', 'a', 'b'],
      ['spec.x[2]: Unsupported value: "b": supported values: "a"', BLOCKED],
    ],
    [
      'map value error',
      { type: 'object', additionalProperties: { type: 'integer' } },
      { key: 'v' },
      [
        'spec.x.key: Invalid value: "string": spec.x.key in body must be of type integer: "string"',
        BLOCKED,
      ],
    ],
    [
      'forbidden property',
      { type: 'object', additionalProperties: false },
      { key: 'v' },
      ['spec.x: Invalid value: "key": spec.x.key in body is a forbidden property'],
    ],
    [
      'no anyOf alternative',
      { type: 'integer', anyOf: [{ minimum: 5 }, { maximum: 1 }] },
      3,
      [
        '<nil>: Invalid value: "": "spec.x" must validate at least one schema (anyOf)',
        'spec.x: Invalid value: 3: spec.x in body should be greater than or equal to 5',
      ],
    ],
    [
      'two oneOf alternatives',
      { type: 'integer', oneOf: [{ minimum: 1 }, { maximum: 5 }] },
      3,
      [
        '<nil>: Invalid value: "": "spec.x" must validate one and only one schema (oneOf). Found 2 valid alternatives',
      ],
    ],
    [
      'failed allOf part',
      { type: 'integer', allOf: [{ minimum: 1 }, { maximum: 2 }] },
      3,
      [
        'spec.x: Invalid value: 3: spec.x in body should be less than or equal to 2',
        '<nil>: Invalid value: "": "spec.x" must validate all the schemas (allOf)',
      ],
    ],
    [
      'matched not',
      { type: 'string', not: { enum: ['root'] } },
      'root',
      ['<nil>: Invalid value: "": "spec.x" must not validate the schema (not)'],
    ],
  ])('reports %s', (_name, field, value, expected) => {
    expect(messages(specWith(field), { x: value })).toEqual(expected);
  });

  it.each<[string, JSONSchemaProps, unknown]>([
    ['integer as number', { type: 'number' }, 3],
    ['nullable null', { type: 'string', nullable: true }, null],
    ['int-or-string integer', { 'x-kubernetes-int-or-string': true }, 3],
    ['int-or-string string', { 'x-kubernetes-int-or-string': true }, '50%'],
    ['anything preserved', { 'x-kubernetes-preserve-unknown-fields': true }, { a: [1] }],
    ['float multiple', { type: 'number', multipleOf: 0.1 }, 0.3],
    ['long unicode string', { type: 'string', maxLength: 3 }, 'héé'],
  ])('accepts %s', (_name, field, value) => {
    expect(messages(specWith(field), { x: value })).toEqual([]);
  });

  it('reports a missing required field', () => {
    const causes = validate(specWith({ type: 'string' }, ['x']), { spec: {} });

    expect(causes.map(formatCause)).toEqual(['spec.x: Required value', BLOCKED]);
    expect(causes[0]?.reason).toBe('FieldValueRequired');
  });

  it('reports a missing required field at the root', () => {
    const causes = validate(
      { type: 'object', required: ['spec'], properties: { spec: { type: 'object' } } },
      {},
    );

    expect(causes.map(formatCause)).toEqual(['spec: Required value', BLOCKED]);
  });

  it('reports every invalid field', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            platform: { type: 'string', enum: ['email'] },
            events: {
              type: 'object',
              properties: { types: { type: 'array', items: { type: 'string', minLength: 2 } } },
            },
          },
        },
      },
    };

    const causes = validate(schema, { spec: { platform: 'sms', events: { types: ['ok', 'x'] } } });

    expect(causes.map((cause) => cause.field)).toEqual([
      'spec.platform',
      'spec.events.types[1]',
      '<nil>',
    ]);
    expect(causes.map((cause) => cause.reason)).toEqual([
      'FieldValueNotSupported',
      'FieldValueInvalid',
      'FieldValueInvalid',
    ]);
  });
});
