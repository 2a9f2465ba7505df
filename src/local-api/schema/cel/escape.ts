/**
 * Property names as rules spell them, escaped as k8s.io/apiserver/pkg/cel does: `foo-bar` is
 * `foo__dash__bar`, `namespace` is `__namespace__`.
 */

const RESERVED = new Set([
  'true',
  'false',
  'null',
  'in',
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
]);

const REPLACEMENTS: Record<string, string> = {
  __: '__underscores__',
  '.': '__dot__',
  '-': '__dash__',
  '/': '__slash__',
};

/**
 * Returns the CEL identifier for a property name, or undefined when the name starts with a digit
 * or has characters other than letters, digits and `_.-/`. Rules cannot read such properties.
 */
export function escapePropertyName(name: string): string | undefined {
  if (name === '' || /^[0-9]/.test(name)) return undefined;
  if (RESERVED.has(name)) return `__${name}__`;
  if (/[^a-zA-Z0-9_.\-/]/.test(name)) return undefined;
  return name.replace(/__|[-./]/g, (match) => REPLACEMENTS[match] ?? match);
}
