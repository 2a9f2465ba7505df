import { describe, expect, it } from 'vitest';
import { applyDefaults, type JSONSchemaProps } from '../../../src/local-api/schema/index.ts';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      default: {},
      properties: {
        replicas: { type: 'integer', default: 1 },
        mode: { type: 'string', nullable: true, default: 'fast' },
        note: { type: 'string' },
        delivery: {
          type: 'object',
          default: { retries: 3, unknown: true },
          properties: {
            retries: { type: 'integer' },
            backoff: { type: 'string', default: '5s' },
          },
        },
        channels: {
          type: 'array',
          items: {
            type: 'object',
            default: { kind: 'email' },
            properties: {
              kind: { type: 'string' },
              enabled: { type: 'boolean', default: true },
            },
          },
        },
        routes: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            properties: { timeout: { type: 'string', default: '30s' } },
          },
        },
        tags: { type: 'array', items: { type: 'string' } },
      },
    },
  },
};

function defaulted(input: Record<string, unknown>): Record<string, unknown> {
  const object = structuredClone(input);
  applyDefaults(schema, object);
  return object;
}

describe('applyDefaults', () => {
  it('fills absent fields at every depth and defaults the defaults', () => {
    expect(defaulted({})).toEqual({
      spec: {
        replicas: 1,
        mode: 'fast',
        delivery: { retries: 3, backoff: '5s' },
      },
    });
  });

  it('keeps values that are set', () => {
    const object = defaulted({ spec: { replicas: 4, mode: 'slow', delivery: { retries: 0 } } });

    expect(object).toEqual({
      spec: { replicas: 4, mode: 'slow', delivery: { retries: 0, backoff: '5s' } },
    });
  });

  it('prunes unknown fields out of a default', () => {
    const spec = defaulted({ spec: {} }).spec as Record<string, unknown>;

    expect(spec.delivery).toEqual({ retries: 3, backoff: '5s' });
  });

  it('defaults a null field that is not nullable', () => {
    const spec = defaulted({ spec: { replicas: null } }).spec as Record<string, unknown>;

    expect(spec.replicas).toBe(1);
  });

  it('keeps a null in a nullable field', () => {
    const spec = defaulted({ spec: { mode: null } }).spec as Record<string, unknown>;

    expect(spec.mode).toBeNull();
  });

  it('drops a null field without default', () => {
    const spec = defaulted({ spec: { note: null } }).spec as Record<string, unknown>;

    expect(spec).not.toHaveProperty('note');
  });

  it('keeps a null list item without default', () => {
    const spec = defaulted({ spec: { tags: ['a', null] } }).spec as Record<string, unknown>;

    expect(spec.tags).toEqual(['a', null]);
  });

  it('defaults list items one by one', () => {
    const spec = defaulted({ spec: { channels: [{ kind: 'slack' }, null, { enabled: false }] } })
      .spec as Record<string, unknown>;

    expect(spec.channels).toEqual([
      { kind: 'slack', enabled: true },
      { kind: 'email', enabled: true },
      { enabled: false },
    ]);
  });

  it('defaults map values one by one', () => {
    const spec = defaulted({ spec: { routes: { a: {}, b: { timeout: '1s' } } } }).spec as Record<
      string,
      unknown
    >;

    expect(spec.routes).toEqual({ a: { timeout: '30s' }, b: { timeout: '1s' } });
  });

  it('copies defaults instead of sharing them', () => {
    const first = defaulted({}).spec as Record<string, Record<string, unknown>>;
    const second = defaulted({}).spec as Record<string, Record<string, unknown>>;

    first.delivery!.retries = 9;

    expect(second.delivery!.retries).toBe(3);
    expect(schema.properties?.spec?.properties?.delivery?.default).toEqual({
      retries: 3,
      unknown: true,
    });
  });
});
