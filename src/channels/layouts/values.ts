import { fitText, singleLine } from '../format.ts';

/** How many names a list shows before it counts the rest. */
export const maxListedNames = 20;

const secondsPerUnit: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
};

/**
 * Parses a duration written as a number of seconds ("95") or as Go-style parts ("95s", "2m30s",
 * "1h", "1.5h", "500ms", and "d" for days). Returns seconds, or undefined when unparsable.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(trimmed)) return undefined;

  let seconds = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) {
    seconds += Number(amount) * (secondsPerUnit[unit ?? ''] ?? 0);
  }
  return seconds;
}

/**
 * Formats seconds for people: "45 s", "1 min 35 s", "2 h 5 min", "3 d 4 h". Longer durations
 * show their two largest units, so a deployment of 3725 s reads "1 h 2 min".
 */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${formatNumber(seconds < 10 ? seconds : Math.floor(seconds))} s`;

  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3600],
    ['min', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let rest = Math.floor(seconds);
  for (const [name, size] of units) {
    const amount = Math.floor(rest / size);
    rest -= amount * size;
    if (amount > 0 || parts.length > 0) parts.push(`${amount} ${name}`);
  }
  return parts
    .slice(0, 2)
    .filter((part) => !part.startsWith('0 '))
    .join(' ');
}

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });

/** Formats a number with thousands separators and at most three decimals: "1,234.5". */
export function formatNumber(value: number): string {
  return numberFormat.format(value);
}

/**
 * Formats a number with its unit: "93%" for percentages, "512 MB" for other units. A unit
 * "fraction of <what>" marks a fraction, shown as a percentage: 0.93 becomes "93% of <what>".
 */
export function formatQuantity(value: number, unit: string | undefined): string {
  if (!unit) return formatNumber(value);
  if (unit === '%') return `${formatNumber(value)}%`;

  const fraction = /^fraction of (.+)$/.exec(unit);
  if (fraction)
    return `${formatNumber(value * 100)}% of ${fitText(singleLine(fraction[1] ?? ''), 64)}`;
  return `${formatNumber(value)} ${fitText(singleLine(unit), 64)}`;
}

/** Lists names separated by commas; past maxListedNames, the rest are counted. */
export function formatNames(names: readonly string[]): string {
  if (names.length <= maxListedNames) return names.join(', ');

  const hidden = names.length - maxListedNames;
  return `${names.slice(0, maxListedNames).join(', ')} and ${hidden} more`;
}

/** Formats a formation as "web: 2, worker: 1". */
export function formatFormation(formation: ReadonlyMap<string, number>): string {
  return Array.from(formation, ([type, count]) => `${type}: ${count}`).join(', ');
}

/** Formats 1, 2, 3, 11, 21 as "1st", "2nd", "3rd", "11th", "21st". */
export function ordinal(value: number): string {
  const lastTwo = Math.abs(value) % 100;
  if (lastTwo >= 11 && lastTwo <= 13) return `${value}th`;

  const suffixes: Record<number, string> = { 1: 'st', 2: 'nd', 3: 'rd' };
  return `${value}${suffixes[Math.abs(value) % 10] ?? 'th'}`;
}

/** Shortens a full commit hash (40 or 64 hex digits) to git's default 7; keeps other refs. */
export function shortGitRef(ref: string): string {
  return /^([0-9a-f]{40}|[0-9a-f]{64})$/i.test(ref) ? ref.slice(0, 7) : ref;
}
