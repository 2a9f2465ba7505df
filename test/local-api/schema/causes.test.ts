import { describe, expect, it } from 'vitest';
import {
  duplicateCause,
  formatCause,
  invalidCause,
  notSupportedCause,
  renderBadValue,
  requiredCause,
  tooLongCause,
  tooManyCause,
} from '../../../src/local-api/schema/causes.ts';
import { goFloat, goJSON, goQuote, goSharpV } from '../../../src/local-api/schema/go-format.ts';

describe('go formatting', () => {
  it.each([
    ['plain', 'abc', '"abc"'],
    ['quote and backslash', 'a"b\\c', '"a\\"b\\\\c"'],
    ['newline and tab', 'a\nb\tc', '"a\\nb\\tc"'],
    ['control character', 'a\x01', '"a\\x01"'],
    ['printable unicode', 'héllo ✓', '"héllo ✓"'],
  ])('quotes %s strings like strconv.Quote', (_name, input, expected) => {
    expect(goQuote(input)).toBe(expected);
  });

  it.each([
    [1.5, '1.5'],
    [100000.5, '100000.5'],
    [1234567.5, '1.2345675e+06'],
    [1e21, '1e+21'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [-2.5e-7, '-2.5e-07'],
  ])('prints float64 %d as %s', (value, expected) => {
    expect(goFloat(value)).toBe(expected);
  });

  it('prints maps and slices as %#v with sorted keys', () => {
    expect(goSharpV({ b: 1, a: 'x', c: [true, null, 1.5] })).toBe(
      'map[string]interface {}{"a":"x", "b":1, "c":[]interface {}{true, interface {}(nil), 1.5}}',
    );
  });

  it('serializes like json.Marshal', () => {
    expect(goJSON({ b: '<a&b>', a: [1, null] })).toBe(
      '{"a":[1,null],"b":"\\u003ca\\u0026b\\u003e"}',
    );
  });
});

describe('causes', () => {
  it.each([
    ['string', 'sms', '"sms"'],
    ['integer', 5, '5'],
    ['float', 0.25, '0.25'],
    ['boolean', true, 'true'],
    ['null', null, '"null"'],
    ['map', { name: 'a' }, 'map[string]interface {}{"name":"a"}'],
  ])('renders a %s bad value', (_name, value, expected) => {
    expect(renderBadValue(value)).toBe(expected);
  });

  it.each([
    [requiredCause('spec.platform'), 'FieldValueRequired', 'spec.platform: Required value'],
    [
      notSupportedCause('spec.platform', 'sms', ['email', 'slack']),
      'FieldValueNotSupported',
      'spec.platform: Unsupported value: "sms": supported values: "email", "slack"',
    ],
    [
      tooLongCause('spec.name', 63),
      'FieldValueTooLong',
      'spec.name: Too long: may not be more than 63 bytes',
    ],
    [
      tooManyCause('spec.items', 5, 3),
      'FieldValueTooMany',
      'spec.items: Too many: 5: must have at most 3 items',
    ],
    [
      duplicateCause('spec.tags[2]', 'a'),
      'FieldValueDuplicate',
      'spec.tags[2]: Duplicate value: "a"',
    ],
    [
      invalidCause('', null, 'whole object'),
      'FieldValueInvalid',
      '<nil>: Invalid value: "null": whole object',
    ],
  ])('formats %j', (cause, reason, formatted) => {
    expect(cause.reason).toBe(reason);
    expect(formatCause(cause)).toBe(formatted);
  });
});
