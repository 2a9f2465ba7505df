/**
 * A rule's `fieldPath` (".spec.replicas", ".labels['app']"), checked against the schema and
 * normalized as kube-apiserver's ValidFieldPath does.
 */
import { childPath, keyPath } from '../field-path.ts';
import { hasProperty, mapValueSchema } from '../json-values.ts';
import type { JSONSchemaProps } from '../types.ts';

/** Either the normalized path ("spec.replicas", "labels[app]") or the reason it is invalid. */
export type FieldPathResult = { path: string } | { error: string };

/** Splits a path into ".", "[", "]", quoted strings and names, as ValidFieldPath's scanner. */
function tokenize(jsonPath: string): string[] {
  const tokens: string[] = [];
  let rest = jsonPath;
  while (rest !== '') {
    if (rest.startsWith("'")) {
      const end = closingQuote(rest) + 1;
      tokens.push(rest.slice(0, end));
      rest = rest.slice(end);
      continue;
    }
    const delimiter = rest.search(/[.[\]]/);
    let end = delimiter < 0 ? rest.length : delimiter;
    if (delimiter === 0) end = 1;
    tokens.push(rest.slice(0, end));
    rest = rest.slice(end);
  }
  return tokens;
}

/** Index of the quote closing a quoted string, or the last index when it is unterminated. */
function closingQuote(text: string): number {
  for (let i = 1; i < text.length; i++) {
    if (text[i] === "'" && text[i - 1] !== '\\') return i;
  }
  return text.length - 1;
}

const ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  "'": "'",
  '\\': '\\',
};

function unescapeQuoted(text: string): string | undefined {
  let invalid = false;
  const result = text.replace(/\\(.)/g, (_, directive: string) => {
    const replacement = ESCAPES[directive];
    if (replacement === undefined) invalid = true;
    return replacement ?? '';
  });
  return invalid ? undefined : result;
}

/** Checks a rule's fieldPath against the node the rule is declared on. */
export function validFieldPath(jsonPath: string, schema: JSONSchemaProps): FieldPathResult {
  const tokens = tokenize(jsonPath);
  let path = '';
  let node: JSONSchemaProps | null = schema;

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token !== '.' && token !== '[') return { error: `expected [ or . but got: ${token}` };

    const name = tokens[++i];
    if (name === undefined) return { error: 'unexpected end of JSON path' };
    let segment = name;
    if (token === '[') {
      const quoted = name.length >= 2 && name.startsWith("'") && name.endsWith("'");
      if (!quoted) return { error: `expected single quoted string but got ${name}` };
      const unescaped = unescapeQuoted(name.slice(1, -1));
      if (unescaped === undefined) return { error: 'invalid string literal' };
      segment = unescaped;
      if (tokens[++i] !== ']') return { error: `expected ] but got ${tokens[i] ?? ''}` };
    }

    if (node === null) return { error: 'does not refer to a valid field' };
    if (node.properties !== undefined) {
      if (!hasProperty(node, segment)) return { error: 'does not refer to a valid field' };
      path = childPath(path, segment);
      node = node.properties[segment] ?? null;
    } else if (node.additionalProperties !== undefined) {
      path = keyPath(path, segment);
      node = mapValueSchema(node) ?? null;
    } else {
      return { error: 'does not refer to a valid field' };
    }
  }
  return { path };
}
