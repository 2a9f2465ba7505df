import { describe, expect, it } from 'vitest';
import {
  formatCause,
  validate,
  type JSONSchemaProps,
} from '../../../src/local-api/schema/index.ts';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
        sets: {
          type: 'array',
          'x-kubernetes-list-type': 'set',
          items: {
            type: 'object',
            'x-kubernetes-map-type': 'atomic',
            'x-kubernetes-preserve-unknown-fields': true,
          },
        },
        channels: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: {
            type: 'object',
            required: ['name'],
            properties: { name: { type: 'string' }, url: { type: 'string' } },
          },
        },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['port', 'protocol'],
          items: {
            type: 'object',
            properties: { port: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' } },
          },
        },
        groups: {
          type: 'object',
          additionalProperties: {
            type: 'array',
            'x-kubernetes-list-type': 'set',
            items: { type: 'integer' },
          },
        },
        template: {
          type: 'object',
          'x-kubernetes-embedded-resource': true,
          'x-kubernetes-preserve-unknown-fields': true,
        },
      },
    },
  },
};

function messages(spec: Record<string, unknown>): string[] {
  return validate(schema, { spec }).map(formatCause);
}

describe('validate: list types and embedded resources', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['a repeated set item', { tags: ['a', 'b', 'a', 'a'] }, ['spec.tags[2]: Duplicate value: "a"']],
    [
      'a repeated compound set item',
      {
        sets: [
          { a: 1, b: 2 },
          { b: 2, a: 1 },
        ],
      },
      ['spec.sets[1]: Duplicate value: map[string]interface {}{"a":1, "b":2}'],
    ],
    [
      'a repeated list-map key',
      {
        channels: [
          { name: 'ops', url: 'a' },
          { name: 'ops', url: 'b' },
        ],
      },
      ['spec.channels[1]: Duplicate value: map[string]interface {}{"name":"ops"}'],
    ],
    [
      'a repeated composite key',
      {
        ports: [
          { port: 80, protocol: 'TCP' },
          { port: 80, protocol: 'UDP' },
          { port: 80, protocol: 'TCP' },
        ],
      },
      ['spec.ports[2]: Duplicate value: map[string]interface {}{"port":80, "protocol":"TCP"}'],
    ],
    [
      'a list-map item that is not an object',
      { channels: [{ name: 'ops' }, 'ops'] },
      [
        'spec.channels[1]: Invalid value: "string": spec.channels[1] in body must be of type object: "string"',
        'spec.channels[1]: Invalid value: "ops": must be an object for an array of list-type map',
        '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
      ],
    ],
    [
      'a repeated set item in a map value',
      { groups: { a: [1, 1] } },
      ['spec.groups[a][1]: Duplicate value: 1'],
    ],
    [
      'an embedded resource without type meta',
      { template: { metadata: { name: 'x' } } },
      [
        'spec.template.apiVersion: Required value',
        'spec.template.kind: Required value',
        '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
      ],
    ],
    [
      'an embedded resource with a bad kind',
      { template: { apiVersion: 'a/b/c', kind: 'Bad_Kind' } },
      [
        'spec.template.apiVersion: Invalid value: "a/b/c": unexpected GroupVersion string: a/b/c',
        "spec.template.kind: Invalid value: \"Bad_Kind\": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name' or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      ],
    ],
  ])('reports %s', (_name, spec, expected) => {
    expect(messages(spec)).toEqual(expected);
  });

  it('accepts unique items and keys', () => {
    const spec = {
      tags: ['a', 'b'],
      channels: [{ name: 'ops' }, { name: 'dev' }],
      ports: [
        { port: 80, protocol: 'TCP' },
        { port: 80, protocol: 'UDP' },
      ],
      template: { apiVersion: 'v1', kind: 'ConfigMap' },
    };

    expect(messages(spec)).toEqual([]);
  });

  it('uses the Duplicate reason', () => {
    const causes = validate(schema, { spec: { tags: ['a', 'a'] } });

    expect(causes.map((cause) => cause.reason)).toEqual(['FieldValueDuplicate']);
  });
});
