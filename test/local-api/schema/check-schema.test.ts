import { describe, expect, it } from 'vitest';
import {
  checkSchema,
  formatCause,
  type JSONSchemaProps,
} from '../../../src/local-api/schema/index.ts';

const PREFIX = 'spec.versions[0].schema.openAPIV3Schema';
const SPEC = `${PREFIX}.properties[spec]`;
const NO_POINTERS =
  'Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}';

/** Builds a root schema whose spec is `spec`. */
function withSpec(spec: JSONSchemaProps): JSONSchemaProps {
  return { type: 'object', properties: { spec } };
}

function messages(schema: JSONSchemaProps): string[] {
  return checkSchema(schema, PREFIX).map(formatCause);
}

const goodSchema: JSONSchemaProps = {
  type: 'object',
  'x-kubernetes-validations': [
    { rule: 'self.metadata.name.size() <= 40', message: 'name too long' },
  ],
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['platform'],
      'x-kubernetes-validations': [
        { rule: 'self == oldSelf', message: 'spec is immutable' },
        {
          rule: "self.platform != 'sms' || has(self.phone)",
          fieldPath: '.phone',
          reason: 'FieldValueRequired',
        },
      ],
      properties: {
        platform: { type: 'string', enum: ['email', 'slack', 'sms'] },
        phone: { type: 'string', pattern: '^\\+[0-9]+$' },
        replicas: { type: 'integer', minimum: 1, default: 1 },
        port: {
          'x-kubernetes-int-or-string': true,
          anyOf: [{ type: 'integer' }, { type: 'string' }],
        },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        channels: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: {
            type: 'object',
            required: ['name'],
            'x-kubernetes-validations': [{ rule: 'self.url == oldSelf.url' }],
            properties: { name: { type: 'string' }, url: { type: 'string', format: 'uri' } },
          },
        },
        template: {
          type: 'object',
          'x-kubernetes-embedded-resource': true,
          'x-kubernetes-preserve-unknown-fields': true,
        },
      },
    },
    status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
};

describe('checkSchema', () => {
  it('accepts a structural schema with rules', () => {
    expect(messages(goodSchema)).toEqual([]);
  });

  it.each<[string, JSONSchemaProps, string[]]>([
    [
      'a field without type',
      withSpec({ type: 'object', properties: { a: {} } }),
      [`${SPEC}.properties[a].type: Required value: must not be empty for specified object fields`],
    ],
    [
      'a root without type',
      { properties: { spec: { type: 'object' } } },
      [`${PREFIX}.type: Required value: must not be empty at the root`],
    ],
    [
      'items without type',
      withSpec({ type: 'array', items: {} }),
      [`${SPEC}.items.type: Required value: must not be empty for specified array items`],
    ],
    [
      'an array without items',
      withSpec({ type: 'array' }),
      [`${SPEC}.items: Required value: must be specified`],
    ],
    [
      'additionalProperties with properties',
      withSpec({
        type: 'object',
        properties: { a: { type: 'string' } },
        additionalProperties: { type: 'string' },
      }),
      [
        `${SPEC}.additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
      ],
    ],
    [
      'additionalProperties at the root',
      { type: 'object', additionalProperties: { type: 'string' } },
      [`${PREFIX}.additionalProperties: Forbidden: must not be used at the root`],
    ],
    [
      'a type in a value validation',
      withSpec({ type: 'string', allOf: [{ type: 'string', default: 'a' }] }),
      [
        `${SPEC}.allOf[0].default: Forbidden: must be undefined to be structural`,
        `${SPEC}.allOf[0].type: Forbidden: must be empty to be structural`,
      ],
    ],
    [
      'a value validation on an undeclared field',
      { type: 'object', anyOf: [{ required: ['a'], properties: { a: { minLength: 1 } } }] },
      [
        `${PREFIX}.properties[a]: Required value: because it is defined in ${PREFIX}.anyOf[0].properties[a]`,
      ],
    ],
    [
      'an embedded resource without type',
      withSpec({
        'x-kubernetes-embedded-resource': true,
        'x-kubernetes-preserve-unknown-fields': true,
      }),
      [`${SPEC}.type: Required value: must be object if x-kubernetes-embedded-resource is true`],
    ],
    [
      'int-or-string preserving unknown fields',
      withSpec({
        'x-kubernetes-int-or-string': true,
        'x-kubernetes-preserve-unknown-fields': true,
      }),
      [
        `${SPEC}.x-kubernetes-preserve-unknown-fields: Invalid value: true: must be false if x-kubernetes-int-or-string is true`,
      ],
    ],
    [
      'a restricted metadata',
      {
        type: 'object',
        properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } } },
      },
      [
        `${PREFIX}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`,
      ],
    ],
    [
      'an invalid pattern',
      withSpec({ type: 'string', pattern: '(a' }),
      [
        `${SPEC}.pattern: Invalid value: "(a": must be a valid regular expression, but isn't: error parsing regexp: missing closing ): \`(a\``,
      ],
    ],
    [
      'uniqueItems',
      withSpec({ type: 'array', uniqueItems: true, items: { type: 'string' } }),
      [
        `${SPEC}.uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`,
      ],
    ],
    [
      'a default with unknown fields',
      withSpec({
        type: 'object',
        default: { a: 'x', b: 1 },
        properties: { a: { type: 'string' } },
      }),
      [
        `${SPEC}.default: Invalid value: map[string]interface {}{"a":"x", "b":1}: must not have unknown fields`,
      ],
    ],
    [
      'a default of the wrong type',
      withSpec({ type: 'object', properties: { n: { type: 'integer', default: 'one' } } }),
      [
        `${SPEC}.properties[n].default: Invalid value: "string":  in body must be of type integer: "string"`,
      ],
    ],
    [
      'a default in metadata',
      { type: 'object', properties: { metadata: { type: 'object', default: {} } } },
      [`${PREFIX}.properties[metadata].default: Forbidden: must not be set in top-level metadata`],
    ],
    [
      'a list-map without keys',
      withSpec({ type: 'array', 'x-kubernetes-list-type': 'map', items: { type: 'object' } }),
      [
        `${SPEC}.x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`,
      ],
    ],
    [
      'a list-map key that is not an item property',
      withSpec({
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['id'],
        items: { type: 'object', properties: { name: { type: 'string' } } },
      }),
      [
        `${SPEC}.x-kubernetes-list-map-keys: Invalid value: []string{"id"}: entries must all be names of item properties`,
      ],
    ],
    [
      'an optional list-map key',
      withSpec({
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        items: { type: 'object', properties: { name: { type: 'string' } } },
      }),
      [
        `${SPEC}.items.properties[name].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`,
      ],
    ],
    [
      'a list type on an object',
      withSpec({ type: 'object', 'x-kubernetes-list-type': 'set' }),
      [
        `${SPEC}.type: Invalid value: "object": must be array if x-kubernetes-list-type is specified`,
      ],
    ],
    [
      'an unknown list type',
      withSpec({
        type: 'array',
        items: { type: 'string' },
        'x-kubernetes-list-type': 'bag' as 'set',
      }),
      [
        `${SPEC}.x-kubernetes-list-type: Unsupported value: "bag": supported values: "atomic", "set", "map"`,
      ],
    ],
    [
      'preserve-unknown-fields set to false',
      withSpec({ type: 'object', 'x-kubernetes-preserve-unknown-fields': false }),
      [
        `${SPEC}.x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined`,
      ],
    ],
    [
      'an empty rule',
      withSpec({ type: 'object', 'x-kubernetes-validations': [{ rule: ' ' }] }),
      [`${SPEC}.x-kubernetes-validations[0].rule: Required value: rule is not specified`],
    ],
    [
      'an invalid rule fieldPath',
      withSpec({
        type: 'object',
        'x-kubernetes-validations': [{ rule: 'true', fieldPath: '.nope' }],
      }),
      [
        `${SPEC}.x-kubernetes-validations[0].fieldPath: Invalid value: ".nope": fieldPath must be a valid path`,
      ],
    ],
    [
      'an unknown reason',
      withSpec({
        type: 'object',
        'x-kubernetes-validations': [{ rule: 'true', reason: 'Nope' as 'FieldValueInvalid' }],
      }),
      [
        `${SPEC}.x-kubernetes-validations[0].reason: Unsupported value: "Nope": supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"`,
      ],
    ],
    [
      'a rule on an undeclared field',
      withSpec({
        type: 'object',
        'x-kubernetes-validations': [{ rule: 'self.foo == 1' }],
        properties: { a: { type: 'string' } },
      }),
      [
        `${SPEC}.x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{Rule:"self.foo == 1", Message:"", MessageExpression:"", ${NO_POINTERS}: compilation failed: ERROR: <input>:1:5: undefined field 'foo'\n | self.foo == 1\n | ....^`,
      ],
    ],
    [
      'a rule with a syntax error',
      withSpec({
        type: 'object',
        'x-kubernetes-validations': [{ rule: 'self.a +' }],
        properties: { a: { type: 'integer' } },
      }),
      [
        `${SPEC}.x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{Rule:"self.a +", Message:"", MessageExpression:"", ${NO_POINTERS}: compilation failed: ERROR: <input>:1:8: Syntax error: found + but expecting end of input\n | self.a +\n | .......^`,
      ],
    ],
    [
      'a rule with an unknown function',
      withSpec({ type: 'object', 'x-kubernetes-validations': [{ rule: 'nope(self)' }] }),
      [
        `${SPEC}.x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{Rule:"nope(self)", Message:"", MessageExpression:"", ${NO_POINTERS}: compilation failed: ERROR: <input>:1:5: undeclared reference to 'nope' (in container '')\n | nope(self)\n | ....^`,
      ],
    ],
    [
      'a rule with an undeclared variable',
      withSpec({ type: 'object', 'x-kubernetes-validations': [{ rule: 'foo == 1' }] }),
      [
        `${SPEC}.x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{Rule:"foo == 1", Message:"", MessageExpression:"", ${NO_POINTERS}: compilation failed: ERROR: <input>:1:1: undeclared reference to 'foo' (in container '')\n | foo == 1\n | ^`,
      ],
    ],
    [
      'a rule that is not boolean',
      withSpec({
        type: 'object',
        'x-kubernetes-validations': [{ rule: 'self.a + 1' }],
        properties: { a: { type: 'integer' } },
      }),
      [
        `${SPEC}.x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{Rule:"self.a + 1", Message:"", MessageExpression:"", ${NO_POINTERS}: cel expression must evaluate to a bool`,
      ],
    ],
    [
      'field selection on a string',
      withSpec({
        type: 'object',
        'x-kubernetes-validations': [{ rule: 'self.a.b == 1' }],
        properties: { a: { type: 'string' } },
      }),
      [
        `${SPEC}.x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{Rule:"self.a.b == 1", Message:"", MessageExpression:"", ${NO_POINTERS}: compilation failed: ERROR: <input>:1:7: type 'string' does not support field selection\n | self.a.b == 1\n | ......^`,
      ],
    ],
    [
      'oldSelf in an atomic list',
      withSpec({
        type: 'array',
        items: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf' }] },
      }),
      [
        `${SPEC}.items.x-kubernetes-validations[0].rule: Invalid value: "self == oldSelf": oldSelf cannot be used on the uncorrelatable portion of the schema within ${SPEC}`,
      ],
    ],
    [
      'optionalOldSelf without oldSelf',
      withSpec({
        type: 'object',
        'x-kubernetes-validations': [{ rule: 'true', optionalOldSelf: true }],
      }),
      [
        `${SPEC}.x-kubernetes-validations[0].optionalOldSelf: Invalid value: true: may not be set if oldSelf is not used in rule`,
      ],
    ],
  ])('names %s', (_name, schema, expected) => {
    expect(messages(schema)).toEqual(expected);
  });

  it('compiles no rule of a schema that is not structural', () => {
    const schema = withSpec({
      type: 'object',
      'x-kubernetes-validations': [{ rule: 'self.foo == 1' }],
      properties: { a: {} },
    });

    expect(messages(schema)).toEqual([
      `${SPEC}.properties[a].type: Required value: must not be empty for specified object fields`,
    ]);
  });
});
