import { describe, expect, it } from 'vitest';
import {
  cleanText,
  fitText,
  formatTimestamp,
  formatValue,
  maxValueLength,
  singleLine,
} from '../../src/channels/format.ts';
import { slackEscape } from '../../src/channels/slack.ts';
import { sampleNotification } from './notification.ts';

describe('fitText', () => {
  it('keeps a text that fits', () => {
    expect(fitText('hello', 5)).toBe('hello');
  });

  it('cuts with an ellipsis within the limit', () => {
    const fitted = fitText('abcdefghij', 5);

    expect(fitted).toBe('abcd…');
    expect(fitted.length).toBe(5);
  });

  it('never splits an escape sequence', () => {
    // "a&b" escapes to "a&amp;b": 7 units. With room for 5, "&amp;" cannot fit whole.
    expect(fitText('a&b', 6, slackEscape)).toBe('a…');
    expect(fitText('a&b', 7, slackEscape)).toBe('a&amp;b');
  });

  it('never splits an emoji', () => {
    const family = '👨‍👩‍👧';
    const fitted = fitText(`${family}${family}`, 10);

    expect(fitted).toBe(`${family}…`);
  });

  it('handles a huge input quickly', () => {
    const fitted = fitText('x'.repeat(5_000_000), 100);

    expect(fitted.length).toBe(100);
    expect(fitted.endsWith('…')).toBe(true);
  });
});

describe('cleanText and singleLine', () => {
  it.each([
    ['a\r\nb\rc', 'a\nb\nc'],
    ['a\u2028b', 'a\nb'],
    ['bell\u0007 and null\u0000', 'bell and null'],
    ['tab\tstays', 'tab\tstays'],
    ['rtl \u202Eevil\u202C trick', 'rtl evil trick'],
  ])('cleanText(%j)', (input, expected) => {
    expect(cleanText(input)).toBe(expected);
  });

  it.each([
    ['Deployed\r\nBcc: victim@example.com', 'Deployed Bcc: victim@example.com'],
    ['  spaced \t\t out \n', 'spaced out'],
    ['emoji 🚀 and ümlaut', 'emoji 🚀 and ümlaut'],
  ])('singleLine(%j)', (input, expected) => {
    expect(singleLine(input)).toBe(expected);
  });
});

describe('formatValue', () => {
  it.each([
    ['text', 'text'],
    [42, '42'],
    [true, 'true'],
    [null, 'null'],
    [{ a: [1, { b: 'c' }] }, '{"a":[1,{"b":"c"}]}'],
    [['x', 2], '["x",2]'],
    [undefined, ''],
  ])('formats %j', (value, expected) => {
    expect(formatValue(value)).toBe(expected);
  });

  it('caps long values', () => {
    const formatted = formatValue({ log: 'y'.repeat(10_000) });

    expect(formatted.length).toBe(maxValueLength);
    expect(formatted.endsWith('…')).toBe(true);
  });

  it('formats values that JSON cannot hold without throwing', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;

    expect(formatValue(cyclic)).toBe('[object Object]');
    expect(formatValue(10n)).toBe('10');
  });
});

describe('formatTimestamp', () => {
  it.each([
    ['2026-03-01T12:00:00Z', '2026-03-01 12:00:00 UTC'],
    ['2026-03-01T13:30:05.123+01:00', '2026-03-01 12:30:05 UTC'],
    ['yesterday\nnoon', 'yesterday noon'],
  ])('formats %j', (input, expected) => {
    expect(formatTimestamp(input)).toBe(expected);
  });
});
