import { describe, expect, it } from 'vitest';
import { effectiveFormat, matchesFormat } from '../../../src/local-api/schema/formats.ts';
import {
  formatCause,
  validate,
  type JSONSchemaProps,
} from '../../../src/local-api/schema/index.ts';

const BLOCKED =
  '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

describe('formats', () => {
  it.each([
    ['bsonobjectid', '507f1f77bcf86cd799439011', '507f1f77bcf86cd79943901'],
    ['uri', 'https://hooks.example.com/a?b=c', 'relative/path'],
    ['uri', '/absolute/path', 'http://bad host/'],
    ['email', 'ops@example.com', 'not-an-email'],
    ['email', 'Ops Team <ops@example.com>', 'ops@'],
    ['hostname', 'api.example.com', '-bad-.example.com'],
    ['ipv4', '10.0.0.1', '10.0.0.256'],
    ['ipv4', '10.0.0.1', '010.0.0.1'],
    ['ipv6', 'fe80::1', '10.0.0.1'],
    ['cidr', '10.0.0.0/8', '10.0.0.0/33'],
    ['cidr', 'fd00::/64', '10.0.0.0'],
    ['mac', '00:00:5e:00:53:01', '00:00:5e:00:53'],
    ['mac', '0000.5e00.5301', '00-00-5e:00-53-01'],
    ['uuid', '123e4567-e89b-12d3-a456-426614174000', '123e4567-e89b-12d3-a456'],
    ['uuid3', 'a3bb189e-8bf9-3888-9912-ace4e6543002', '123e4567-e89b-12d3-a456-426614174000'],
    ['uuid4', '9b2a3c1e-5f4d-4e6a-8b7c-1d2e3f4a5b6c', 'a3bb189e-8bf9-3888-9912-ace4e6543002'],
    ['uuid5', '886313e1-3b8a-5372-9b90-0c9aee199e5d', '9b2a3c1e-5f4d-4e6a-8b7c-1d2e3f4a5b6c'],
    ['isbn10', '0321751043', '0321751044'],
    ['isbn13', '978-0321751041', '978-0321751042'],
    ['isbn', '0321751043', '12345'],
    ['creditcard', '4111 1111 1111 1111', '4111 1111 1111 1112'],
    ['ssn', '123-45-6789', '123456789'],
    ['hexcolor', '#ff00AA', '#ff00a'],
    ['rgbcolor', 'rgb(255, 0, 10)', 'rgb(256,0,0)'],
    ['byte', 'aGVsbG8=', 'aGVsbG8'],
    ['byte', '', 'a'],
    ['byte', 'aGVsbG8h', 'aGVs bG8='],
    ['date', '2024-02-29', '2023-02-29'],
    ['date-time', '2024-05-01T10:20:30Z', '2024-05-01 10:20:30'],
    ['date-time', '2024-05-01T10:20:30.123+02:00', '2024-05-01T24:00:00Z'],
    ['datetime', '2024-05-01t10:20:30z', '2024-05-01T10:20Z'],
    ['duration', '1h30m', '1x'],
    ['duration', '5m', '5'],
    ['duration', '3 days', 'soon'],
  ])('%s accepts %j and rejects %j', (format, valid, invalid) => {
    expect(matchesFormat(format, valid)).toBe(true);
    expect(matchesFormat(format, invalid)).toBe(false);
  });

  it.each<[JSONSchemaProps, string]>([
    [{ type: 'string', format: 'date-time' }, 'date-time'],
    [{ type: 'string', format: 'k8s-short-name' }, ''],
    [{ type: 'string', format: 'int32' }, ''],
    [{ type: 'integer', format: 'int32' }, 'int32'],
    [{ type: 'integer', format: 'email' }, ''],
    [{ type: 'number', format: 'double' }, 'double'],
    [{ type: 'boolean', format: 'email' }, ''],
  ])('keeps the format of %j as %j', (node, expected) => {
    expect(effectiveFormat(node)).toBe(expected);
  });

  it.each([
    [
      'email',
      'nope',
      'spec.x: Invalid value: "nope": spec.x in body must be of type email: "nope"',
    ],
    [
      'date-time',
      'yesterday',
      'spec.x: Invalid value: "yesterday": spec.x in body must be of type date-time: "yesterday"',
    ],
  ])('reports an invalid %s', (format, value, expected) => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: { spec: { type: 'object', properties: { x: { type: 'string', format } } } },
    };

    const causes = validate(schema, { spec: { x: value } });

    expect(causes.map(formatCause)).toEqual([expected, BLOCKED]);
    expect(causes[0]?.reason).toBe('FieldValueTypeInvalid');
  });

  it('ignores formats Kubernetes does not check', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: {
        spec: { type: 'object', properties: { x: { type: 'string', format: 'color' } } },
      },
    };

    expect(validate(schema, { spec: { x: 'anything' } })).toEqual([]);
  });
});
