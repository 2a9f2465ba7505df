import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { toStructuralSchema } from '../../src/api/json-schema.ts';

describe('toStructuralSchema', () => {
  it('drops the keys structural schemas reject', () => {
    const schema = toStructuralSchema(
      z.object({
        data: z
          .record(z.string(), z.unknown())
          .meta({ 'x-kubernetes-preserve-unknown-fields': true }),
      }),
    );
    expect(schema).toEqual({
      type: 'object',
      properties: { data: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      required: ['data'],
    });
  });

  it('drops zod patterns beside a format', () => {
    const schema = toStructuralSchema(z.object({ to: z.email(), at: z.iso.datetime() }));
    expect(schema.properties?.to).toEqual({ type: 'string', format: 'email' });
    expect(schema.properties?.at).toEqual({ type: 'string', format: 'date-time' });
  });

  it('keeps a pattern without a format', () => {
    const schema = toStructuralSchema(z.string().regex(/^[a-z]+$/));
    expect(schema).toEqual({ type: 'string', pattern: '^[a-z]+$' });
  });

  it('marks integers as int64 without safe-integer bounds', () => {
    expect(toStructuralSchema(z.int())).toEqual({ type: 'integer', format: 'int64' });
    expect(toStructuralSchema(z.int().nonnegative())).toEqual({
      type: 'integer',
      format: 'int64',
      minimum: 0,
    });
  });

  it('keeps descriptions, defaults and extensions', () => {
    const schema = toStructuralSchema(
      z
        .object({ on: z.boolean().default(true).describe('Whether it is on.') })
        .meta({ 'x-kubernetes-validations': [{ rule: 'true', message: 'never fails' }] })
        .describe('A switch.'),
    );
    expect(schema).toEqual({
      type: 'object',
      description: 'A switch.',
      properties: { on: { type: 'boolean', default: true, description: 'Whether it is on.' } },
      'x-kubernetes-validations': [{ rule: 'true', message: 'never fails' }],
    });
  });

  it.each([
    ['a union', z.object({ value: z.union([z.string(), z.number()]) }), /\.value uses "anyOf"/],
    ['a nullable field', z.object({ value: z.string().nullable() }), /\.value uses "nullable"/],
  ])('rejects %s', (_name, schema, error) => {
    expect(() => toStructuralSchema(schema)).toThrow(error);
  });
});
