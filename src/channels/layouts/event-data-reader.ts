import { cleanText, fitText, maxValueLength, singleLine } from '../format.ts';
import { parseDuration } from './values.ts';

/** Cap on one name (a variable or a container type), in characters. */
const maxNameLength = 100;

/**
 * Typed access to `event.data`, which comes from emitters and can hold anything. Each getter
 * returns undefined for a missing key or a value of the wrong kind, and marks a key as read only
 * when it returns a value. The keys left unread (`unreadEntries`) are listed as plain details,
 * so a value that a layout cannot use is still shown rather than dropped.
 */
export class EventDataReader {
  readonly #data: Record<string, unknown>;
  readonly #read = new Set<string>();

  constructor(data: Record<string, unknown>) {
    this.#data = data;
  }

  /** Reads a string, number or boolean as text, without control characters and capped. */
  text(key: string): string | undefined {
    const value = this.#value(key);
    let text: string | undefined;
    if (typeof value === 'string') text = cleanText(value).trim();
    if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
    if (typeof value === 'boolean') text = String(value);
    if (!text) return undefined;

    this.#read.add(key);
    return fitText(text, maxValueLength);
  }

  /** Reads a safe integer, given as a number or as a string of digits. */
  integer(key: string): number | undefined {
    const number = this.#numeric(key);
    return number !== undefined && Number.isSafeInteger(number)
      ? this.#use(key, number)
      : undefined;
  }

  /** Reads a finite number, given as a number or as a decimal string. */
  number(key: string): number | undefined {
    const number = this.#numeric(key);
    return number === undefined ? undefined : this.#use(key, number);
  }

  /** Reads a non-negative duration in seconds, given as seconds or as a string such as "2m30s". */
  seconds(key: string): number | undefined {
    const value = this.#value(key);
    let seconds: number | undefined;
    if (typeof value === 'number' && Number.isFinite(value)) seconds = value;
    if (typeof value === 'string') seconds = parseDuration(value);
    return seconds !== undefined && seconds >= 0 ? this.#use(key, seconds) : undefined;
  }

  /** Reads an RFC 3339 date-time, returned as milliseconds since the epoch. */
  time(key: string): number | undefined {
    const value = this.#value(key);
    if (typeof value !== 'string') return undefined;

    const time = Date.parse(value);
    return Number.isNaN(time) ? undefined : this.#use(key, time);
  }

  /** Reads one of `values`. */
  oneOf<T extends string>(key: string, values: readonly T[]): T | undefined {
    const value = this.#value(key);
    const match = values.find((allowed) => allowed === value);
    return match === undefined ? undefined : this.#use(key, match);
  }

  /**
   * Reads names given as a list of strings, a single string, or the keys of a map. A map's values
   * are never returned, because a map of variable name to value contains secrets.
   */
  names(key: string): string[] | undefined {
    const value = this.#value(key);
    let names: string[] = [];
    if (typeof value === 'string') names = [value];
    if (Array.isArray(value)) names = value.filter((item) => typeof item === 'string');
    if (isPlainObject(value)) names = Object.keys(value);

    const cleaned = names.map(fitName).filter((name) => name !== '');
    return cleaned.length === 0 ? undefined : this.#use(key, cleaned);
  }

  /**
   * Reads the keys of a map, such as the names of a map of variable name to value. Anything other
   * than a map returns undefined, so that a value is never taken for a name.
   */
  keys(key: string): string[] | undefined {
    const value = this.#value(key);
    if (!isPlainObject(value)) return undefined;

    const keys = Object.keys(value)
      .map(fitName)
      .filter((name) => name !== '');
    return keys.length === 0 ? undefined : this.#use(key, keys);
  }

  /** Reads a formation: a map of container type to a non-negative integer count. */
  formation(key: string): Map<string, number> | undefined {
    const value = this.#value(key);
    if (!isPlainObject(value) || Object.keys(value).length === 0) return undefined;

    const formation = new Map<string, number>();
    for (const [type, count] of Object.entries(value)) {
      const number = typeof count === 'string' ? numericString(count) : count;
      if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) {
        return undefined;
      }
      formation.set(fitName(type), number);
    }
    return this.#use(key, formation);
  }

  /** Lists the entries that no getter returned, in the order the emitter wrote them. */
  unreadEntries(): [string, unknown][] {
    return Object.entries(this.#data).filter(([key]) => !this.#read.has(key));
  }

  #value(key: string): unknown {
    // Own keys only, so that "constructor" or "toString" never reach Object.prototype.
    return Object.hasOwn(this.#data, key) ? this.#data[key] : undefined;
  }

  #numeric(key: string): number | undefined {
    const value = this.#value(key);
    if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
    if (typeof value === 'string') return numericString(value);
    return undefined;
  }

  #use<T>(key: string, value: T): T {
    this.#read.add(key);
    return value;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numericString(text: string): number | undefined {
  return /^\s*-?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : undefined;
}

function fitName(name: string): string {
  return fitText(singleLine(name), maxNameLength);
}
