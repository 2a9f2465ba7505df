/**
 * Go's fmt and encoding/json renderings of JSON values. kube-apiserver builds its error messages
 * with them, so the messages here only match a real cluster's if values print the same way.
 */

/** Text that is already in its Go form and is printed as it is. */
export class GoLiteral {
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  '"': '\\"',
};

// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Quotes a string as Go's strconv.Quote (and so fmt's %q) does. */
export function goQuote(text: string): string {
  let quoted = '"';
  for (const char of text) {
    const escape = SIMPLE_ESCAPES[char];
    if (escape !== undefined) {
      quoted += escape;
    } else if (PRINTABLE.test(char)) {
      quoted += char;
    } else {
      quoted += escapeCodePoint(char.codePointAt(0) ?? 0);
    }
  }
  return `${quoted}"`;
}

function escapeCodePoint(codePoint: number): string {
  if (codePoint < 0x80) return `\\x${codePoint.toString(16).padStart(2, '0')}`;
  if (codePoint < 0x10000) return `\\u${codePoint.toString(16).padStart(4, '0')}`;
  return `\\U${codePoint.toString(16).padStart(8, '0')}`;
}

/**
 * Formats a float64 as fmt's %v does: the shortest digits, in exponent form ("1e+06") when the
 * decimal exponent is below -4 or at least 6.
 */
export function goFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';

  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent >= -4 && exponent < 6) return String(value);

  const sign = exponent < 0 ? '-' : '+';
  return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

/**
 * Formats a JSON number the way kube-apiserver decodes it: integral values decode to int64 and
 * print as integers, others decode to float64.
 */
export function goNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : goFloat(value);
}

/** Renders an unstructured value as fmt's %#v does (map[string]interface {}{...} and so on). */
export function goSharpV(value: unknown): string {
  if (value instanceof GoLiteral) return value.text;
  if (value === null || value === undefined) return 'interface {}(nil)';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number') return goNumber(value);
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[]interface {}{${value.map(goSharpV).join(', ')}}`;

  const entries = Object.entries(value as Record<string, unknown>)
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([key, entry]) => `${goQuote(key)}:${goSharpV(entry)}`);
  return `map[string]interface {}{${entries.join(', ')}}`;
}

/** Serializes a value as Go's json.Marshal does: sorted object keys and HTML-safe escapes. */
export function goJSON(value: unknown): string {
  if (value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(goJSON).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([key, entry]) => `${escapeJSON(JSON.stringify(key))}:${goJSON(entry)}`);
    return `{${entries.join(',')}}`;
  }
  return escapeJSON(JSON.stringify(value));
}

function escapeJSON(json: string): string {
  return json
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

/** Orders strings by UTF-16 code units, which matches Go's byte order for the BMP. */
export function compareStrings(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
