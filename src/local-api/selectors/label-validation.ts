/**
 * Validation of label keys and values as apimachinery's util/validation does in Kubernetes 1.32,
 * with the same error text.
 */

const qualifiedNameFormat = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const qualifiedNameMessage =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const nameExamples = ['MyName', 'my.name', '123-abc'];
const labelValueFormat = `(${qualifiedNameFormat})?`;
const labelValueMessage =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const subdomainFormat = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const subdomainMessage =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

/** Formats apimachinery's validation.RegexError text, including its double space before "or". */
function regexError(message: string, format: string, ...examples: string[]): string {
  const shown = examples.map((example, index) => `${index > 0 ? ' or ' : ''}'${example}', `);
  return `${message} (e.g. ${shown.join('')}regex used for validation is '${format}')`;
}

function maxLengthError(length: number): string {
  return `must be no more than ${length} characters`;
}

function fullMatch(format: string, value: string): boolean {
  return new RegExp(`^(?:${format})$`).test(value);
}

/** Go's len(): label limits count UTF-8 bytes. */
function byteLength(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

/** Lists the errors apimachinery's IsQualifiedName finds in a label key (none when valid). */
export function labelKeyErrors(key: string): string[] {
  const parts = key.split('/');
  if (parts.length > 2) {
    return [
      `a qualified name ${regexError(qualifiedNameMessage, qualifiedNameFormat, ...nameExamples)} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }

  const errors: string[] = [];
  const name = parts.at(-1) ?? '';
  if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    if (prefix === '') errors.push('prefix part must be non-empty');
    else errors.push(...subdomainErrors(prefix).map((error) => `prefix part ${error}`));
  }

  if (name === '') errors.push('name part must be non-empty');
  else if (byteLength(name) > 63) errors.push(`name part ${maxLengthError(63)}`);
  if (!fullMatch(qualifiedNameFormat, name)) {
    errors.push(
      `name part ${regexError(qualifiedNameMessage, qualifiedNameFormat, ...nameExamples)}`,
    );
  }
  return errors;
}

/** Lists the errors apimachinery's IsValidLabelValue finds in a label value (none when valid). */
export function labelValueErrors(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > 63) errors.push(maxLengthError(63));
  if (!fullMatch(labelValueFormat, value)) {
    errors.push(regexError(labelValueMessage, labelValueFormat, 'MyValue', 'my_value', '12345'));
  }
  return errors;
}

function subdomainErrors(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > 253) errors.push(maxLengthError(253));
  if (!fullMatch(subdomainFormat, value)) {
    errors.push(regexError(subdomainMessage, subdomainFormat, 'example.com'));
  }
  return errors;
}
