/** Validation of CustomResourceDefinitions with kube-apiextensions' rules and wording. */
import type { FieldError } from './errors.ts';
import { checkJsonPath } from './jsonpath.ts';
import { checkDns1123Subdomain, invalidField, requiredField } from './names.ts';
import { isJsonObject, metaString, type JsonObject } from './object.ts';
import { checkSchema, type JSONSchemaProps } from './schema/index.ts';

const dns1035Pattern = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const dns1035Message =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

function checkDns1035(field: string, value: unknown): FieldError[] {
  if (typeof value !== 'string' || value === '') return [requiredField(field)];
  const errors: FieldError[] = [];
  if (value.length > 63) {
    errors.push(invalidField(field, value, 'must be no more than 63 characters'));
  }
  if (!dns1035Pattern.test(value)) errors.push(invalidField(field, value, dns1035Message));
  return errors;
}

function unsupported(field: string, value: unknown, supported: string[]): FieldError {
  return {
    reason: 'FieldValueNotSupported',
    message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${supported.map((entry) => JSON.stringify(entry)).join(', ')}`,
    field,
  };
}

function validateGroup(group: unknown): FieldError[] {
  if (typeof group !== 'string' || group === '') return [requiredField('spec.group')];
  const errors = checkDns1123Subdomain(group).map((problem) =>
    invalidField('spec.group', group, problem),
  );
  if (!group.includes('.')) {
    errors.push(invalidField('spec.group', group, 'should be a domain with at least one dot'));
  }
  return errors;
}

function validateNames(names: unknown): FieldError[] {
  if (!isJsonObject(names)) return [requiredField('spec.names')];
  const errors = [...checkDns1035('spec.names.plural', names.plural)];
  if (names.singular !== undefined && names.singular !== '') {
    errors.push(...checkDns1035('spec.names.singular', names.singular));
  }
  if (typeof names.kind !== 'string' || names.kind === '') {
    errors.push(requiredField('spec.names.kind'));
  }
  if (names.listKind !== undefined && names.listKind === names.kind) {
    errors.push(
      invalidField('spec.names.listKind', names.listKind, 'kind and listKind cannot be the same'),
    );
  }
  if (Array.isArray(names.shortNames)) {
    names.shortNames.forEach((shortName, index) => {
      errors.push(...checkDns1035(`spec.names.shortNames[${index}]`, shortName));
    });
  }
  return errors;
}

const columnTypes = ['boolean', 'date', 'integer', 'number', 'string'];
const columnFormats = [
  'byte',
  'date',
  'date-time',
  'double',
  'float',
  'int32',
  'int64',
  'password',
];

function validateColumns(columns: unknown, prefix: string): FieldError[] {
  if (!Array.isArray(columns)) return [];
  const errors: FieldError[] = [];
  columns.forEach((column, index) => {
    const field = `${prefix}.additionalPrinterColumns[${index}]`;
    if (!isJsonObject(column)) return;
    if (typeof column.name !== 'string' || column.name === '') {
      errors.push(requiredField(`${field}.name`));
    }
    if (!columnTypes.includes(String(column.type))) {
      errors.push(unsupported(`${field}.type`, column.type ?? '', columnTypes));
    }
    if (
      column.format !== undefined &&
      column.format !== '' &&
      !columnFormats.includes(String(column.format))
    ) {
      errors.push(unsupported(`${field}.format`, column.format, columnFormats));
    }
    if (typeof column.jsonPath !== 'string' || column.jsonPath === '') {
      errors.push(requiredField(`${field}.jsonPath`));
    } else {
      const problem = checkJsonPath(column.jsonPath);
      if (problem !== undefined) {
        errors.push(invalidField(`${field}.jsonPath`, column.jsonPath, problem));
      }
    }
  });
  return errors;
}

function validateVersion(version: unknown, index: number): FieldError[] {
  const prefix = `spec.versions[${index}]`;
  if (!isJsonObject(version)) return [requiredField(prefix)];
  const errors = checkDns1035(`${prefix}.name`, version.name);
  const schema = isJsonObject(version.schema) ? version.schema.openAPIV3Schema : undefined;
  if (!isJsonObject(schema)) {
    errors.push(requiredField(`${prefix}.schema.openAPIV3Schema`, 'schemas are required'));
  } else {
    errors.push(...checkSchema(schema as JSONSchemaProps, `${prefix}.schema.openAPIV3Schema`));
  }
  errors.push(...validateColumns(version.additionalPrinterColumns, prefix));
  return errors;
}

function validateVersions(versions: unknown): FieldError[] {
  if (!Array.isArray(versions) || versions.length === 0) {
    return [
      requiredField('spec.versions', 'must have exactly one version marked as storage version'),
    ];
  }
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  versions.forEach((version, index) => {
    errors.push(...validateVersion(version, index));
    const name = isJsonObject(version) ? String(version.name ?? '') : '';
    if (seen.has(name)) {
      errors.push({
        reason: 'FieldValueDuplicate',
        message: `Duplicate value: ${JSON.stringify(name)}`,
        field: `spec.versions[${index}].name`,
      });
    }
    seen.add(name);
  });
  const storage = versions.filter((version) => isJsonObject(version) && version.storage === true);
  if (storage.length !== 1) {
    errors.push(
      invalidField(
        'spec.versions',
        versions.map((version) => (isJsonObject(version) ? version.name : version)),
        'must have exactly one version marked as storage version',
      ),
    );
  }
  if (!versions.some((version) => isJsonObject(version) && version.served === true)) {
    errors.push(
      invalidField('spec.versions', versions.length, 'must have at least one version served'),
    );
  }
  return errors;
}

/** Validates a CRD. `old` is set on updates, for the immutable fields. */
export function validateCrd(crd: JsonObject, old: JsonObject | undefined): FieldError[] {
  const spec = isJsonObject(crd.spec) ? crd.spec : {};
  const names = isJsonObject(spec.names) ? spec.names : {};
  const errors = [...validateGroup(spec.group), ...validateNames(spec.names)];

  const expectedName = `${String(names.plural ?? '')}.${String(spec.group ?? '')}`;
  const name = metaString(crd, 'name') ?? '';
  if (name !== expectedName) {
    errors.push(invalidField('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
  }
  if (spec.scope !== 'Cluster' && spec.scope !== 'Namespaced') {
    errors.push(
      spec.scope === undefined || spec.scope === ''
        ? requiredField('spec.scope')
        : unsupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']),
    );
  }
  errors.push(...validateVersions(spec.versions));

  const oldSpec = old !== undefined && isJsonObject(old.spec) ? old.spec : undefined;
  if (oldSpec !== undefined && oldSpec.scope !== spec.scope) {
    errors.push(invalidField('spec.scope', spec.scope, 'field is immutable'));
  }
  if (oldSpec !== undefined && oldSpec.group !== spec.group) {
    errors.push(invalidField('spec.group', spec.group, 'field is immutable'));
  }
  return errors;
}

/** Fills the defaults kube's v1 API applies to a CRD (names, conversion). */
export function defaultCrd(crd: JsonObject): void {
  const spec = isJsonObject(crd.spec) ? crd.spec : undefined;
  if (spec === undefined) return;
  const names = isJsonObject(spec.names) ? spec.names : undefined;
  if (names !== undefined && typeof names.kind === 'string' && names.kind !== '') {
    if (names.singular === undefined || names.singular === '') {
      names.singular = names.kind.toLowerCase();
    }
    if (names.listKind === undefined || names.listKind === '') names.listKind = `${names.kind}List`;
  }
  if (!isJsonObject(spec.conversion)) spec.conversion = { strategy: 'None' };
}
