/**
 * Field causes built and worded as k8s.io/apimachinery's field package does in Kubernetes 1.32:
 * each constructor mirrors one of field.Required, field.Invalid, field.NotSupported and so on.
 */
import { renderPath } from './field-path.ts';
import { GoLiteral, goNumber, goQuote, goSharpV } from './go-format.ts';
import type { FieldCause } from './types.ts';

/** Formats a cause the way kube-apiserver joins it into a Status message: "<field>: <message>". */
export function formatCause(cause: FieldCause): string {
  return `${cause.field}: ${cause.message}`;
}

/** A bad value that is left out of the message (field.TooMany with an unknown count). */
const OMITTED = Symbol('omitted value');

/** Renders a bad value as field.Error.ErrorBody does in Kubernetes 1.32. */
export function renderBadValue(value: unknown): string {
  if (value instanceof GoLiteral) return value.text;
  if (value === null || value === undefined) return goQuote('null');
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number') return goNumber(value);
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return goSharpV(value);
}

function cause(reason: string, field: string, head: string, detail: string): FieldCause {
  const message = detail === '' ? head : `${head}: ${detail}`;
  return { reason, message, field: renderPath(field) };
}

function withValue(label: string, value: unknown): string {
  return value === OMITTED ? label : `${label}: ${renderBadValue(value)}`;
}

/** field.Required: "Required value", with an optional detail. */
export function requiredCause(field: string, detail = ''): FieldCause {
  return cause('FieldValueRequired', field, 'Required value', detail);
}

/** field.Forbidden: "Forbidden: <detail>". */
export function forbiddenCause(field: string, detail: string): FieldCause {
  return cause('FieldValueForbidden', field, 'Forbidden', detail);
}

/** field.Invalid: "Invalid value: <value>: <detail>". */
export function invalidCause(field: string, value: unknown, detail: string): FieldCause {
  return cause('FieldValueInvalid', field, withValue('Invalid value', value), detail);
}

/** field.TypeInvalid: worded like field.Invalid, with its own reason. */
export function typeInvalidCause(field: string, value: unknown, detail: string): FieldCause {
  return cause('FieldValueTypeInvalid', field, withValue('Invalid value', value), detail);
}

/** field.NotSupported: `Unsupported value: "sms": supported values: "email", "slack"`. */
export function notSupportedCause(field: string, value: unknown, supported: string[]): FieldCause {
  const detail =
    supported.length === 0 ? '' : `supported values: ${supported.map(goQuote).join(', ')}`;
  return cause('FieldValueNotSupported', field, withValue('Unsupported value', value), detail);
}

/** field.Duplicate: "Duplicate value: <value>". */
export function duplicateCause(field: string, value: unknown): FieldCause {
  return cause('FieldValueDuplicate', field, withValue('Duplicate value', value), '');
}

/** field.TooLong: "Too long: may not be more than <n> bytes" (the value is never shown). */
export function tooLongCause(field: string, maxLength: number): FieldCause {
  const unit = maxLength === 1 ? 'byte' : 'bytes';
  const detail = maxLength >= 0 ? `may not be more than ${maxLength} ${unit}` : 'value is too long';
  return cause('FieldValueTooLong', field, 'Too long', detail);
}

/** field.TooMany: "Too many: <count>: must have at most <n> items". */
export function tooManyCause(field: string, actual: number, max: number): FieldCause {
  const unit = max === 1 ? 'item' : 'items';
  const detail = max >= 0 ? `must have at most ${max} ${unit}` : 'has too many items';
  return cause(
    'FieldValueTooMany',
    field,
    withValue('Too many', actual >= 0 ? actual : OMITTED),
    detail,
  );
}
