import { describe, expect, it } from 'vitest';
import { compilationCount } from '../../../src/local-api/schema/cel/compile.ts';
import {
  formatCause,
  validate,
  type JSONSchemaProps,
  type ValidationRule,
} from '../../../src/local-api/schema/index.ts';

const specFields: Record<string, JSONSchemaProps> = {
  replicas: { type: 'integer' },
  ratio: { type: 'number' },
  platform: { type: 'string' },
  optional: { type: 'string' },
  'x-y': { type: 'string' },
  tags: { type: 'array', items: { type: 'string' } },
  labels: { type: 'object', additionalProperties: { type: 'string' } },
};

/** Builds a resource schema with the given rules on `spec`. */
function specRules(...rules: ValidationRule[]): JSONSchemaProps {
  return {
    type: 'object',
    properties: {
      spec: { type: 'object', 'x-kubernetes-validations': rules, properties: specFields },
    },
  };
}

function messages(schema: JSONSchemaProps, spec: unknown, oldSpec?: unknown): string[] {
  const old = oldSpec === undefined ? undefined : { spec: oldSpec };
  return validate(schema, { spec }, old).map(formatCause);
}

describe('validate: CEL rules', () => {
  it.each<[string, ValidationRule, Record<string, unknown>, string[]]>([
    [
      'a failed rule',
      { rule: 'self.replicas <= 5' },
      { replicas: 6 },
      ['spec: Invalid value: "object": failed rule: self.replicas <= 5'],
    ],
    ['a passing rule', { rule: 'self.replicas <= 5' }, { replicas: 5 }, []],
    [
      'a custom message',
      { rule: 'self.replicas <= 5', message: ' at most 5 replicas ' },
      { replicas: 6 },
      ['spec: Invalid value: "object": at most 5 replicas'],
    ],
    [
      'a messageExpression',
      {
        rule: 'self.replicas <= 5',
        messageExpression: "'replicas ' + string(self.replicas) + ' exceeds 5'",
      },
      { replicas: 6 },
      ['spec: Invalid value: "object": replicas 6 exceeds 5'],
    ],
    [
      'a failing messageExpression',
      { rule: 'self.replicas <= 5', message: 'too many', messageExpression: 'self.optional' },
      { replicas: 6 },
      ['spec: Invalid value: "object": too many'],
    ],
    [
      'the Forbidden reason',
      {
        rule: "self.platform != 'sms'",
        message: 'sms is not offered',
        reason: 'FieldValueForbidden',
      },
      { platform: 'sms' },
      ['spec: Forbidden: sms is not offered'],
    ],
    [
      'the Required reason',
      { rule: 'has(self.platform)', message: 'set a platform', reason: 'FieldValueRequired' },
      {},
      ['spec: Required value: set a platform'],
    ],
    [
      'the Duplicate reason',
      { rule: 'false', reason: 'FieldValueDuplicate' },
      {},
      ['spec: Duplicate value: "object"'],
    ],
    [
      'a fieldPath',
      { rule: 'self.replicas <= 5', message: 'too many', fieldPath: '.replicas' },
      { replicas: 6 },
      ['spec.replicas: Invalid value: "object": too many'],
    ],
    [
      'a fieldPath to a map key',
      { rule: "self.labels['app'] != ''", fieldPath: ".labels['app']" },
      { labels: { app: '' } },
      ["spec.labels[app]: Invalid value: \"object\": failed rule: self.labels['app'] != ''"],
    ],
    [
      'a missing key',
      { rule: "self.optional == 'x'" },
      {},
      [
        'spec: Invalid value: "object": no such key: optional evaluating rule: self.optional == \'x\'',
      ],
    ],
    [
      'a missing key with a message',
      { rule: "self.optional == 'x'", message: 'optional must be x' },
      {},
      ['spec: Invalid value: "object": no such key: optional evaluating rule: optional must be x'],
    ],
    [
      'a division by zero',
      { rule: 'self.replicas / 0 == 1' },
      { replicas: 1 },
      ['spec: Invalid value: "object": division by zero evaluating rule: self.replicas / 0 == 1'],
    ],
    [
      'an escaped property name',
      { rule: "self.x__dash__y == 'ok'" },
      { 'x-y': 'no' },
      ['spec: Invalid value: "object": failed rule: self.x__dash__y == \'ok\''],
    ],
  ])('reports %s', (_name, rule, spec, expected) => {
    expect(messages(specRules(rule), spec)).toEqual(expected);
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['integers as int', 'self.replicas == 3 && type(self.replicas) == int', { replicas: 3 }],
    ['numbers as double', 'self.ratio == 2.0 && type(self.ratio) == double', { ratio: 2 }],
    ['has()', '!has(self.optional) && has(self.platform)', { platform: 'a' }],
    [
      'size() and all()',
      "size(self.tags) == 2 && self.tags.all(t, t.startsWith('a'))",
      { tags: ['a1', 'a2'] },
    ],
    [
      'exists() and matches()',
      "self.tags.exists(t, t.matches('^b[0-9]+$'))",
      { tags: ['a', 'b12'] },
    ],
    [
      'map access',
      "self.labels['team'] == 'ops' && 'team' in self.labels",
      { labels: { team: 'ops' } },
    ],
    ['string functions', "self.platform.lowerAscii().split('-')[1] == 'b'", { platform: 'A-B' }],
    [
      'Kubernetes list functions',
      'self.tags.isSorted() && self.tags.indexOf("b") == 1',
      { tags: ['a', 'b'] },
    ],
  ])('supports %s', (_name, rule, spec) => {
    expect(messages(specRules({ rule }), spec)).toEqual([]);
  });

  it('sees type meta at the root, with a nil field', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      'x-kubernetes-validations': [
        { rule: "self.metadata.name.startsWith('app-')", message: 'name must start with app-' },
      ],
      properties: { spec: { type: 'object' } },
    };

    const causes = validate(schema, {
      apiVersion: 'v1',
      kind: 'K',
      metadata: { name: 'x', labels: {} },
    });

    expect(causes.map(formatCause)).toEqual([
      '<nil>: Invalid value: "object": name must start with app-',
    ]);
  });

  it('sees type meta in embedded resources', () => {
    const rule: ValidationRule = {
      rule: "self.kind == 'ConfigMap' && self.metadata.name.endsWith('-cm')",
      message: 'only ConfigMaps',
    };
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            template: {
              type: 'object',
              'x-kubernetes-embedded-resource': true,
              'x-kubernetes-preserve-unknown-fields': true,
              'x-kubernetes-validations': [rule],
            },
          },
        },
      },
    };
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a-cm' } };

    expect(messages(schema, { template: configMap })).toEqual([]);
    expect(messages(schema, { template: { ...configMap, kind: 'Secret' } })).toEqual([
      'spec.template: Invalid value: "object": only ConfigMaps',
    ]);
  });

  it('names the node type in the bad value', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            name: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size() < 3' }] },
          },
        },
      },
    };

    expect(messages(schema, { name: 'long' })).toEqual([
      'spec.name: Invalid value: "string": failed rule: self.size() < 3',
    ]);
  });

  it('runs rules in list items and map values', () => {
    const item: JSONSchemaProps = {
      type: 'string',
      'x-kubernetes-validations': [{ rule: "self != 'bad'" }],
    };
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            tags: { type: 'array', items: item },
            labels: { type: 'object', additionalProperties: item },
          },
        },
      },
    };

    expect(messages(schema, { tags: ['ok', 'bad'], labels: { a: 'bad' } })).toEqual([
      'spec.tags[1]: Invalid value: "string": failed rule: self != \'bad\'',
      'spec.labels[a]: Invalid value: "string": failed rule: self != \'bad\'',
    ]);
  });

  it('skips rules after a blocking schema error', () => {
    const schema = specRules({ rule: 'false' });

    expect(messages(schema, { replicas: 'three' })).toEqual([
      'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
      '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
    ]);
  });

  it('reports a rule that does not compile', () => {
    const schema = specRules({ rule: 'self.missing == 1' });

    expect(messages(schema, {})).toEqual([
      'spec: Invalid value: "object": rule compile error: compilation failed: ERROR: <input>:1:5: undefined field \'missing\'\n | self.missing == 1\n | ....^',
    ]);
  });
});

describe('validate: transition rules', () => {
  const immutable = specRules({ rule: 'self == oldSelf', message: 'spec is immutable' });

  it('skips oldSelf rules on create', () => {
    expect(messages(immutable, { replicas: 1 })).toEqual([]);
  });

  it('passes an unchanged update', () => {
    expect(messages(immutable, { replicas: 1, tags: ['a'] }, { replicas: 1, tags: ['a'] })).toEqual(
      [],
    );
  });

  it('reports a changed update', () => {
    expect(messages(immutable, { replicas: 2 }, { replicas: 1 })).toEqual([
      'spec: Invalid value: "object": spec is immutable',
    ]);
  });

  it('skips a field that had no old value', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            platform: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf' }] },
          },
        },
      },
    };

    expect(messages(schema, { platform: 'slack' }, {})).toEqual([]);
    expect(messages(schema, { platform: 'slack' }, { platform: 'email' })).toEqual([
      'spec.platform: Invalid value: "string": failed rule: self == oldSelf',
    ]);
  });

  it('gives optionalOldSelf rules an optional', () => {
    const schema = specRules({
      rule: '!oldSelf.hasValue() || self.replicas >= oldSelf.value().replicas',
      message: 'replicas may only grow',
      optionalOldSelf: true,
    });

    expect(messages(schema, { replicas: 1 })).toEqual([]);
    expect(messages(schema, { replicas: 3 }, { replicas: 2 })).toEqual([]);
    expect(messages(schema, { replicas: 1 }, { replicas: 2 })).toEqual([
      'spec: Invalid value: "object": replicas may only grow',
    ]);
  });

  it('correlates list-map items by key', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            channels: {
              type: 'array',
              'x-kubernetes-list-type': 'map',
              'x-kubernetes-list-map-keys': ['name'],
              items: {
                type: 'object',
                'x-kubernetes-validations': [
                  { rule: 'self.url == oldSelf.url', message: 'url is immutable' },
                ],
                properties: { name: { type: 'string' }, url: { type: 'string' } },
              },
            },
          },
        },
      },
    };
    const old = {
      channels: [
        { name: 'a', url: '1' },
        { name: 'b', url: '2' },
      ],
    };

    expect(
      messages(
        schema,
        {
          channels: [
            { name: 'b', url: '2' },
            { name: 'a', url: '1' },
          ],
        },
        old,
      ),
    ).toEqual([]);
    expect(
      messages(
        schema,
        {
          channels: [
            { name: 'c', url: '9' },
            { name: 'a', url: '3' },
          ],
        },
        old,
      ),
    ).toEqual(['spec.channels[1]: Invalid value: "object": url is immutable']);
  });
});

describe('rule compilation cache', () => {
  it('compiles a rule once per schema node', () => {
    const schema = specRules({ rule: 'self.replicas <= 5' }, { rule: "self.platform != 'sms'" });
    const before = compilationCount();

    validate(schema, { spec: { replicas: 1 } });
    validate(schema, { spec: { replicas: 9 } });
    validate(schema, { spec: { replicas: 2 } }, { spec: { replicas: 1 } });

    expect(compilationCount() - before).toBe(2);
  });

  it('compiles again for a new schema node', () => {
    const before = compilationCount();

    validate(specRules({ rule: 'true' }), { spec: {} });
    validate(specRules({ rule: 'true' }), { spec: {} });

    expect(compilationCount() - before).toBe(2);
  });
});
