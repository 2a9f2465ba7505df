import { describe, expect, it } from 'vitest';
import {
  formatFormation,
  formatNames,
  formatNumber,
  formatQuantity,
  formatSeconds,
  maxListedNames,
  ordinal,
  parseDuration,
  shortGitRef,
} from '../../../src/channels/layouts/values.ts';

describe('parseDuration', () => {
  it.each([
    ['95', 95],
    ['95s', 95],
    ['2m30s', 150],
    ['1h', 3600],
    ['1.5h', 5400],
    ['1h30m', 5400],
    ['500ms', 0.5],
    ['2d', 172_800],
    [' 6m10s ', 370],
    ['0s', 0],
  ])('parses %j as %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', 'soon', '5 minutes', '-5s', '5x', 's', '1h 30m', '1e3'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatSeconds', () => {
  it.each([
    [0, '0 s'],
    [0.5, '0.5 s'],
    [9.25, '9.25 s'],
    [45, '45 s'],
    [59.9, '59 s'],
    [60, '1 min'],
    [95, '1 min 35 s'],
    [3600, '1 h'],
    [3725, '1 h 2 min'],
    [7200, '2 h'],
    [90_061, '1 d 1 h'],
    [86_400 + 300, '1 d'],
  ])('formats %d as %j', (seconds, text) => {
    expect(formatSeconds(seconds)).toBe(text);
  });
});

describe('formatNumber and formatQuantity', () => {
  it.each([
    [1234.5, '1,234.5'],
    [0.1 + 0.2, '0.3'],
    [-3, '-3'],
  ])('formats %d as %j', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });

  it.each([
    [93, undefined, '93'],
    [93, '%', '93%'],
    [512, 'MB', '512 MB'],
    [0.93, 'fraction of the CPU limit', '93% of the CPU limit'],
    [0.805, 'fraction of the memory limit', '80.5% of the memory limit'],
    [3, 'req/s\nBcc: x', '3 req/s Bcc: x'],
  ])('formats %d with unit %j as %j', (value, unit, text) => {
    expect(formatQuantity(value, unit)).toBe(text);
  });
});

describe('formatNames', () => {
  it('joins names with commas', () => {
    expect(formatNames(['A', 'B', 'C'])).toBe('A, B, C');
  });

  it('counts the names past the maximum', () => {
    const names = Array.from({ length: maxListedNames + 5 }, (_, i) => `VAR_${i}`);

    const text = formatNames(names);

    expect(text.startsWith('VAR_0, VAR_1,')).toBe(true);
    expect(text).toContain(`VAR_${maxListedNames - 1} and 5 more`);
    expect(text).not.toContain(`VAR_${maxListedNames},`);
  });
});

describe('formatFormation', () => {
  it('lists container types with their counts', () => {
    expect(
      formatFormation(
        new Map([
          ['web', 2],
          ['worker', 0],
        ]),
      ),
    ).toBe('web: 2, worker: 0');
  });
});

describe('ordinal', () => {
  it.each([
    [1, '1st'],
    [2, '2nd'],
    [3, '3rd'],
    [4, '4th'],
    [11, '11th'],
    [12, '12th'],
    [13, '13th'],
    [21, '21st'],
    [102, '102nd'],
    [111, '111th'],
  ])('writes %d as %j', (value, text) => {
    expect(ordinal(value)).toBe(text);
  });
});

describe('shortGitRef', () => {
  it.each([
    ['3f2c1a9d0e6b4c2a8f1e3d5c7b9a0f2e4d6c8b1a', '3f2c1a9'],
    ['a'.repeat(64), 'aaaaaaa'],
    ['3f2c1a9', '3f2c1a9'],
    ['v1.4.0', 'v1.4.0'],
    ['main', 'main'],
    ['3f2c1a9d0e6b4c2a8f1e3d5c7b9a0f2e4d6c8b1', '3f2c1a9d0e6b4c2a8f1e3d5c7b9a0f2e4d6c8b1'],
  ])('shortens %j to %j', (ref, short) => {
    expect(shortGitRef(ref)).toBe(short);
  });
});
