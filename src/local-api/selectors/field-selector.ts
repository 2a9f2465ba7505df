/**
 * Field selectors of list and watch requests, parsed as kube-apiserver 1.32 does (apimachinery
 * `fields.ParseSelector`), with the same error text, and matched against an object's fields.
 */
import { SelectorError } from './label-selector.ts';

/** One term of a field selector. */
export type FieldRequirement = { field: string; operator: '=' | '==' | '!='; value: string };

/**
 * Parses the `fieldSelector` query; `supported` lists the fields this resource allows (custom
 * resources: metadata.name, metadata.namespace); others get kube-apiserver's error:
 * 'field label not supported: spec.x'. Values may escape `\`, `,` and `=` with a backslash;
 * spaces are not trimmed. Terms come back sorted by their text, as kube sorts them.
 */
export function parseFieldSelector(text: string, supported: readonly string[]): FieldRequirement[] {
  const requirements: FieldRequirement[] = [];
  for (const term of splitFieldTerms(text).sort()) {
    if (term === '') continue;

    const parsed = splitFieldTerm(term);
    if (parsed === undefined) {
      throw new SelectorError(`invalid selector: '${text}'; can't understand '${term}'`);
    }
    requirements.push({ ...parsed, value: unescapeFieldValue(parsed.value) });
  }

  const unsupported = requirements.find((requirement) => !supported.includes(requirement.field));
  if (unsupported !== undefined) {
    throw new SelectorError(`field label not supported: ${unsupported.field}`);
  }
  return requirements;
}

/** Tells whether the fields satisfy every term; a missing field has the value "". */
export function matchesFields(
  selector: FieldRequirement[],
  fields: Record<string, string>,
): boolean {
  return selector.every((requirement) => {
    const value = Object.hasOwn(fields, requirement.field) ? fields[requirement.field] : '';
    return requirement.operator === '!='
      ? value !== requirement.value
      : value === requirement.value;
  });
}

/** Splits at commas that no backslash escapes; the escapes stay in the terms. */
function splitFieldTerms(text: string): string[] {
  if (text === '') return [];

  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let index = 0; index < text.length; index++) {
    const character = text.charAt(index);
    if (escaped) escaped = false;
    else if (character === '\\') escaped = true;
    else if (character === ',') {
      terms.push(text.slice(start, index));
      start = index + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

/** Splits a term at the first operator; the field part cannot escape anything. */
function splitFieldTerm(term: string): FieldRequirement | undefined {
  for (let index = 0; index < term.length; index++) {
    for (const operator of ['!=', '==', '='] as const) {
      if (term.startsWith(operator, index)) {
        return {
          field: term.slice(0, index),
          operator,
          value: term.slice(index + operator.length),
        };
      }
    }
  }
  return undefined;
}

/**
 * Removes the backslash escapes of a field selector value. An unescaped "," or "=" is reported
 * by its Unicode code point ("61" for "="), because kube-apiserver formats the rune with %v.
 */
function unescapeFieldValue(raw: string): string {
  let value = '';
  let escaped = false;
  for (const character of raw) {
    if (escaped) {
      if (character !== '\\' && character !== ',' && character !== '=') {
        throw new SelectorError(`invalid field selector: invalid escape sequence: \\${character}`);
      }
      value += character;
      escaped = false;
    } else if (character === '\\') {
      escaped = true;
    } else if (character === ',' || character === '=') {
      throw new SelectorError(
        `invalid field selector: unescaped character in value: ${character.codePointAt(0)}`,
      );
    } else {
      value += character;
    }
  }

  if (escaped) throw new SelectorError('invalid field selector: invalid escape sequence: \\');
  return value;
}
