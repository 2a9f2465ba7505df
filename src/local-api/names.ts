/**
 * Name and metadata checks with kube-apiserver's rules and messages (apimachinery's
 * util/validation and api/validation packages).
 */
import { randomInt } from 'node:crypto';

import type { FieldError } from './errors.ts';
import { isJsonObject, type JsonObject } from './object.ts';

const dns1123LabelPattern = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123SubdomainPattern = `${dns1123LabelPattern}(\\.${dns1123LabelPattern})*`;
const qualifiedNamePattern = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const labelValuePattern = `(${qualifiedNamePattern})?`;

const dns1123LabelMessage =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const dns1123SubdomainMessage =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const qualifiedNameMessage =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const labelValueMessage =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/** Maximum length of a label or name part (RFC 1123 label), in characters. */
export const DNS1123_LABEL_MAX_LENGTH = 63;
/** Maximum length of a subdomain, in characters. */
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
/** Largest total size of an object's annotations (keys plus values), in bytes. */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/** Returns the problems of `value` as an RFC 1123 label (namespace names), or [] when valid. */
export function checkDns1123Label(value: string): string[] {
  const problems: string[] = [];
  if (value.length > DNS1123_LABEL_MAX_LENGTH) {
    problems.push(`must be no more than ${DNS1123_LABEL_MAX_LENGTH} characters`);
  }
  if (!new RegExp(`^${dns1123LabelPattern}$`).test(value)) problems.push(dns1123LabelMessage);
  return problems;
}

/** Returns the problems of `value` as an RFC 1123 subdomain (most object names), or []. */
export function checkDns1123Subdomain(value: string): string[] {
  const problems: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX_LENGTH) {
    problems.push(`must be no more than ${DNS1123_SUBDOMAIN_MAX_LENGTH} characters`);
  }
  if (!new RegExp(`^${dns1123SubdomainPattern}$`).test(value)) {
    problems.push(dns1123SubdomainMessage);
  }
  return problems;
}

/** Returns the problems of a qualified name (`prefix/name` label keys, finalizers), or []. */
export function checkQualifiedName(value: string): string[] {
  const parts = value.split('/');
  if (parts.length > 2) {
    return [
      `a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${qualifiedNamePattern}') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  const name = parts.length === 2 ? (parts[1] ?? '') : value;
  const problems: string[] = [];
  if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    if (prefix.length === 0) problems.push('prefix part must be non-empty');
    else problems.push(...checkDns1123Subdomain(prefix).map((text) => `prefix part ${text}`));
  }
  if (name.length === 0) return [...problems, 'name part must be non-empty'];
  if (name.length > DNS1123_LABEL_MAX_LENGTH) {
    problems.push(`name part must be no more than ${DNS1123_LABEL_MAX_LENGTH} characters`);
  }
  if (!new RegExp(`^${qualifiedNamePattern}$`).test(name)) problems.push(qualifiedNameMessage);
  return problems;
}

/** Returns the problems of a label value, or []. */
export function checkLabelValue(value: string): string[] {
  const problems: string[] = [];
  if (value.length > DNS1123_LABEL_MAX_LENGTH) {
    problems.push(`must be no more than ${DNS1123_LABEL_MAX_LENGTH} characters`);
  }
  if (!new RegExp(`^${labelValuePattern}$`).test(value)) problems.push(labelValueMessage);
  return problems;
}

/** Formats a value the way field.Invalid prints it: strings quoted, others as JSON. */
export function formatInvalidValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return 'null';
  return JSON.stringify(value);
}

/** Builds a FieldValueInvalid cause: `Invalid value: "x": <detail>`. */
export function invalidField(field: string, value: unknown, detail: string): FieldError {
  return {
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${formatInvalidValue(value)}: ${detail}`,
    field,
  };
}

/** Builds a FieldValueRequired cause. */
export function requiredField(field: string, detail?: string): FieldError {
  return {
    reason: 'FieldValueRequired',
    message: detail === undefined ? 'Required value' : `Required value: ${detail}`,
    field,
  };
}

/** Builds a FieldValueForbidden cause. */
export function forbiddenField(field: string, detail: string): FieldError {
  return { reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field };
}

const generatedSuffixAlphabet = 'bcdfghjklmnpqrstvwxz2456789';
const generatedSuffixLength = 5;

/** Appends five random characters to `generateName` as kube's SimpleNameGenerator does. */
export function generateName(base: string): string {
  const maxBase = DNS1123_LABEL_MAX_LENGTH - generatedSuffixLength;
  let suffix = '';
  for (let index = 0; index < generatedSuffixLength; index += 1) {
    suffix += generatedSuffixAlphabet[randomInt(generatedSuffixAlphabet.length)];
  }
  return `${base.slice(0, maxBase)}${suffix}`;
}

/** The rule an object's name is checked against: most kinds use subdomains, namespaces use labels. */
export type NameRule = 'subdomain' | 'label';

/**
 * Checks metadata as ValidateObjectMeta does: name (or generateName), labels, annotations,
 * finalizers and ownerReferences. Returns every problem found.
 */
export function validateObjectMeta(metadata: JsonObject, nameRule: NameRule): FieldError[] {
  return [
    ...validateName(metadata, nameRule),
    ...validateLabels(metadata.labels),
    ...validateAnnotations(metadata.annotations),
    ...validateFinalizers(metadata.finalizers),
    ...validateOwnerReferences(metadata.ownerReferences),
  ];
}

function validateName(metadata: JsonObject, nameRule: NameRule): FieldError[] {
  const name = metadata.name;
  if (typeof name !== 'string' || name === '') {
    return [requiredField('metadata.name', 'name or generateName is required')];
  }
  const problems = nameRule === 'label' ? checkDns1123Label(name) : checkDns1123Subdomain(name);
  return problems.map((problem) => invalidField('metadata.name', name, problem));
}

function validateLabels(labels: unknown): FieldError[] {
  if (!isJsonObject(labels)) return [];
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(labels)) {
    for (const problem of checkQualifiedName(key)) {
      errors.push(invalidField('metadata.labels', key, problem));
    }
    const text = typeof value === 'string' ? value : String(value);
    for (const problem of checkLabelValue(text)) {
      errors.push(invalidField('metadata.labels', text, problem));
    }
  }
  return errors;
}

function validateAnnotations(annotations: unknown): FieldError[] {
  if (!isJsonObject(annotations)) return [];
  const errors: FieldError[] = [];
  let totalBytes = 0;
  for (const [key, value] of Object.entries(annotations)) {
    for (const problem of checkQualifiedName(key.toLowerCase())) {
      errors.push(invalidField('metadata.annotations', key, problem));
    }
    totalBytes += Buffer.byteLength(key) + Buffer.byteLength(String(value));
  }
  if (totalBytes > ANNOTATIONS_MAX_BYTES) {
    errors.push({
      reason: 'FieldValueTooLong',
      message: `Too long: must have at most ${ANNOTATIONS_MAX_BYTES} bytes`,
      field: 'metadata.annotations',
    });
  }
  return errors;
}

const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

function validateFinalizers(finalizers: unknown): FieldError[] {
  if (!Array.isArray(finalizers)) return [];
  const errors: FieldError[] = [];
  finalizers.forEach((finalizer, index) => {
    const field = `metadata.finalizers[${index}]`;
    const text = String(finalizer);
    if (standardFinalizers.has(text)) return;
    for (const problem of checkQualifiedName(text)) errors.push(invalidField(field, text, problem));
  });
  return errors;
}

function validateOwnerReferences(references: unknown): FieldError[] {
  if (!Array.isArray(references)) return [];
  const errors: FieldError[] = [];
  let controllers = 0;
  for (const reference of references) {
    if (!isJsonObject(reference)) continue;
    const checks: Array<[string, string]> = [
      ['apiVersion', 'version must not be empty'],
      ['kind', 'kind must not be empty'],
      ['name', 'name must not be empty'],
      ['uid', 'uid must not be empty'],
    ];
    for (const [field, problem] of checks) {
      const value = reference[field];
      if (typeof value !== 'string' || value === '') {
        errors.push(invalidField(`metadata.ownerReferences.${field}`, value ?? '', problem));
      }
    }
    if (reference.controller === true) controllers += 1;
  }
  if (controllers > 1) {
    errors.push(
      invalidField(
        'metadata.ownerReferences',
        references,
        'Only one reference can have Controller set to true',
      ),
    );
  }
  return errors;
}
