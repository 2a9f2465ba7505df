import { describe, expect, it } from 'vitest';
import { prune, type JSONSchemaProps } from '../../../src/local-api/schema/index.ts';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        platform: { type: 'string' },
        channels: {
          type: 'array',
          items: { type: 'object', properties: { name: { type: 'string' } } },
        },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        routes: {
          type: 'object',
          additionalProperties: { type: 'object', properties: { url: { type: 'string' } } },
        },
        config: {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
          properties: { known: { type: 'object', properties: { a: { type: 'string' } } } },
        },
        template: {
          type: 'object',
          'x-kubernetes-embedded-resource': true,
          properties: { spec: { type: 'object', properties: { image: { type: 'string' } } } },
        },
        anything: { type: 'object', additionalProperties: true },
      },
    },
  },
};

describe('prune', () => {
  it.each([
    ['a top-level field', { extra: 1 }, {}, ['extra']],
    [
      'a nested field',
      { spec: { platform: 'slack', extra: 1 } },
      { spec: { platform: 'slack' } },
      ['spec.extra'],
    ],
    [
      'a field in list items',
      { spec: { channels: [{ name: 'a' }, { name: 'b', extra: 1 }] } },
      { spec: { channels: [{ name: 'a' }, { name: 'b' }] } },
      ['spec.channels[1].extra'],
    ],
    [
      'a field in map values',
      { spec: { routes: { main: { url: 'u', extra: 1 } } } },
      { spec: { routes: { main: { url: 'u' } } } },
      ['spec.routes.main.extra'],
    ],
    [
      'a field below preserved ones',
      { spec: { config: { free: { deep: 1 }, known: { a: 'x', extra: 1 } } } },
      { spec: { config: { free: { deep: 1 }, known: { a: 'x' } } } },
      ['spec.config.known.extra'],
    ],
    [
      'a field of an embedded resource',
      {
        spec: {
          template: {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: 'p', anything: 1 },
            spec: { image: 'i', extra: 1 },
            extra: 1,
          },
        },
      },
      {
        spec: {
          template: {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: 'p', anything: 1 },
            spec: { image: 'i' },
          },
        },
      },
      ['spec.template.extra', 'spec.template.spec.extra'],
    ],
    [
      'nested objects under a schemaless map',
      { spec: { anything: { a: 1, b: { c: 1 } } } },
      { spec: { anything: { a: 1, b: {} } } },
      ['spec.anything.b.c'],
    ],
  ])('removes %s', (_name, input, expected, removed) => {
    const object = structuredClone(input) as Record<string, unknown>;

    const paths = prune(schema, object);

    expect(object).toEqual(expected);
    expect(paths).toEqual(removed);
  });

  it('keeps apiVersion, kind and metadata at the root', () => {
    const object = { apiVersion: 'herald.dev/v1', kind: 'Notifier', metadata: { name: 'n', x: 1 } };

    const paths = prune({ type: 'object', properties: {} }, object);

    expect(paths).toEqual([]);
    expect(object).toEqual({
      apiVersion: 'herald.dev/v1',
      kind: 'Notifier',
      metadata: { name: 'n', x: 1 },
    });
  });

  it('keeps map values and list items of other types', () => {
    const object = { spec: { labels: { a: 'x', b: 2 }, channels: ['s', 3] } };

    expect(prune(schema, object)).toEqual([]);
    expect(object).toEqual({ spec: { labels: { a: 'x', b: 2 }, channels: ['s', 3] } });
  });

  it('empties an object given where a scalar is declared', () => {
    const object = { spec: { platform: { a: 1 } } };

    expect(prune(schema, object)).toEqual(['spec.platform.a']);
    expect(object).toEqual({ spec: { platform: {} } });
  });

  it('returns the removed paths sorted', () => {
    const object = { z: 1, spec: { b: 1, a: 1 } };

    expect(prune(schema, object)).toEqual(['spec.a', 'spec.b', 'z']);
  });
});
