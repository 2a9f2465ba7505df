import { describe, expect, it } from 'vitest';
import { humanDuration } from '../../src/local-api/duration.ts';

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;
const year = 365 * day;

describe('humanDuration', () => {
  // Expected strings follow apimachinery duration.HumanDuration at each threshold.
  it.each([
    ['far future', -2 * second, '<invalid>'],
    ['skew of just under two seconds', -1999, '0s'],
    ['skew of one second', -1 * second, '0s'],
    ['zero', 0, '0s'],
    ['sub-second', 999, '0s'],
    ['one second', second, '1s'],
    ['45 seconds', 45 * second, '45s'],
    ['last seconds value', 119 * second + 999, '119s'],
    ['two minutes exactly', 2 * minute, '2m'],
    ['minutes with seconds', 2 * minute + 5 * second, '2m5s'],
    ['last minute-second value', 9 * minute + 59 * second, '9m59s'],
    ['ten minutes drops seconds', 10 * minute + 30 * second, '10m'],
    ['12 minutes', 12 * minute, '12m'],
    ['last minutes value', 179 * minute + 59 * second, '179m'],
    ['three hours exactly', 3 * hour, '3h'],
    ['hours with minutes', 4 * hour + 5 * minute, '4h5m'],
    ['last hour-minute value', 7 * hour + 59 * minute, '7h59m'],
    ['eight hours drops minutes', 8 * hour + 30 * minute, '8h'],
    ['last hours value', 47 * hour + 59 * minute, '47h'],
    ['two days exactly', 2 * day, '2d'],
    ['days with hours', 2 * day + 3 * hour, '2d3h'],
    ['last day-hour value', 7 * day + 23 * hour, '7d23h'],
    ['eight days drops hours', 8 * day + 5 * hour, '8d'],
    ['400 days', 400 * day, '400d'],
    ['last days value', 2 * year - hour, '729d'],
    ['two years exactly', 2 * year, '2y'],
    ['years with days', 2 * year + 5 * day, '2y5d'],
    ['last year-day value', 8 * year - hour, '7y364d'],
    ['eight years drops days', 8 * year + 100 * day, '8y'],
    ['decades', 30 * year, '30y'],
  ])('renders %s', (_name, milliseconds, expected) => {
    expect(humanDuration(milliseconds)).toBe(expected);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'rejects non-finite %s',
    (milliseconds) => {
      expect(humanDuration(milliseconds)).toBe('<invalid>');
    },
  );
});
