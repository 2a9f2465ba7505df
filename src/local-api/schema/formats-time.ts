/** The date, date-time and duration formats, as kube-openapi's strfmt package checks them. */

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** Go's time.Parse("2006-01-02", text): four-digit year, two-digit month and day in range. */
export function isDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) return false;

  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12) return false;
  const days = month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  return day >= 1 && day <= days;
}

// The time part after the "t"; the unescaped dot matches any character, as in kube-openapi.
const TIME_OF_DAY = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/;

/** kube-openapi's IsDateTime: a valid date, a "T" and a time of day with a zone. */
export function isDateTime(text: string): boolean {
  if (text.length < 4) return false;
  const parts = text.toLowerCase().split('t');
  const [date = '', time = ''] = parts;
  if (parts.length < 2 || !isDate(date)) return false;

  const match = TIME_OF_DAY.exec(time);
  if (match === null) return false;
  const [, hour = '', minute = '', second = ''] = match;
  return hour <= '23' && minute <= '59' && second <= '59';
}

// Go's time.ParseDuration: an optional sign, then "0" or decimal numbers with units.
const GO_DURATION = /^[-+]?(?:0|(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)$/;

// kube-openapi's fallback for Scala-style durations such as "3 days" or "1 week".
const SCALA_DURATION = /^\s*(?:\d+\s*[A-Za-z\u00b5]+\s*)+$/;
const SCALA_PART = /(\d+)\s*([A-Za-z\u00b5]+)/g;
const SCALA_UNITS = [
  ['ns', 'nano'],
  ['us', '\u00b5s', 'micro'],
  ['ms', 'milli'],
  ['s', 'sec'],
  ['m', 'min'],
  ['h', 'hr', 'hour'],
  ['d', 'day'],
  ['w', 'wk', 'week'],
];

/** Tells whether a Scala unit is known; the last spelling of each unit also matches as a prefix. */
function isScalaUnit(unit: string): boolean {
  return SCALA_UNITS.some((variants) =>
    variants.some(
      (variant, i) => variant === unit || (i === variants.length - 1 && unit.startsWith(variant)),
    ),
  );
}

/**
 * kube-openapi's IsDuration: Go's duration syntax ("5m", "1h30m"), or the Scala-like form where
 * at least one part has a known unit (kube-openapi accepts the whole string then).
 */
export function isDuration(text: string): boolean {
  if (GO_DURATION.test(text)) return true;
  if (!SCALA_DURATION.test(text)) return false;
  return [...text.matchAll(SCALA_PART)].some((part) => isScalaUnit((part[2] ?? '').toLowerCase()));
}
