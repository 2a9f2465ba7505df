/** The core/v1 secrets and configmaps resources. */
import { badRequest, type FieldError } from '../errors.ts';
import { forbiddenField, invalidField } from '../names.ts';
import { isJsonObject, jsonEqual, type JsonObject } from '../object.ts';
import { metadataFields, type ResourceType } from '../registry.ts';
import {
  ageColumn,
  ageSince,
  builtinDefaults,
  keyCount,
  nameColumn,
  objectRoot,
  servedVersion,
  stringField,
  stringMapField,
  textAt,
} from './common.ts';

const configKeyPattern = /^[-._a-zA-Z0-9]+$/;
const configKeyMessage =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
/** Largest total size of a secret's or configmap's data, in bytes. */
const MAX_DATA_BYTES = 1024 * 1024;

function validateDataMaps(
  object: JsonObject,
  old: JsonObject | undefined,
  fields: string[],
  sizeOf: (value: string) => number,
): FieldError[] {
  const errors: FieldError[] = [];
  let total = 0;
  for (const field of fields) {
    const map = object[field];
    if (!isJsonObject(map)) continue;
    for (const [key, value] of Object.entries(map)) {
      if (!configKeyPattern.test(key) || key === '.' || key === '..') {
        errors.push(invalidField(`${field}[${key}]`, key, configKeyMessage));
      }
      total += typeof value === 'string' ? sizeOf(value) : 0;
    }
  }
  if (total > MAX_DATA_BYTES) {
    errors.push({
      reason: 'FieldValueTooLong',
      message: `Too long: must have at most ${MAX_DATA_BYTES} bytes`,
      field: fields[0] ?? 'data',
    });
  }
  if (old?.immutable === true) {
    for (const field of fields) {
      if (!jsonEqual(object[field] ?? {}, old[field] ?? {})) {
        errors.push(forbiddenField(field, 'field is immutable when `immutable` is set'));
      }
    }
    if (object.immutable !== true) {
      errors.push(forbiddenField('immutable', 'field is immutable when `immutable` is set'));
    }
  }
  return errors;
}

const base64Alphabet = /^[A-Za-z0-9+/]*={0,2}$/;

/** Returns the byte offset Go's base64 decoder reports for malformed input, or -1 if valid. */
function invalidBase64Offset(text: string): number {
  if (base64Alphabet.test(text) && text.length % 4 === 0) return -1;
  const firstBad = [...text].findIndex((character) => !/[A-Za-z0-9+/=]/.test(character));
  if (firstBad >= 0) return firstBad;
  return text.length - (text.length % 4);
}

function mergeStringData(secret: JsonObject): void {
  const stringData = secret.stringData;
  delete secret.stringData;
  if (!isJsonObject(stringData)) return;
  const data = isJsonObject(secret.data) ? secret.data : {};
  for (const [key, value] of Object.entries(stringData)) {
    data[key] = Buffer.from(String(value), 'utf8').toString('base64');
  }
  secret.data = data;
}

/** Rejects a map of base64 values with the 400 kube's decoder gives (Secret data, binaryData). */
function checkBase64Values(object: JsonObject, field: string, kind: string): void {
  const map = object[field];
  if (!isJsonObject(map)) return;
  for (const value of Object.values(map)) {
    const offset = typeof value === 'string' ? invalidBase64Offset(value) : 0;
    if (offset >= 0) {
      throw badRequest(
        `${kind} in version "v1" cannot be handled as a ${kind}: illegal base64 data at input byte ${offset}`,
      );
    }
  }
}

const secretSchema = objectRoot(
  'Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than 1 MiB.',
  {
    data: stringMapField(
      'Data contains the secret data. Each key must consist of alphanumeric characters, "-", "_" or ".". Values are base64 encoded.',
    ),
    stringData: stringMapField(
      'stringData allows specifying non-binary secret data in string form. It is merged into data on write and never returned.',
    ),
    type: stringField('Used to facilitate programmatic handling of secret data.'),
    immutable: {
      type: 'boolean',
      description: 'If true, data cannot be changed after creation; only metadata can.',
    },
  },
);

/** Builds the secrets resource, which merges stringData into data and checks data as base64. */
export function secretType(): ResourceType {
  return {
    ...builtinDefaults,
    group: '',
    plural: 'secrets',
    singular: 'secret',
    kind: 'Secret',
    listKind: 'SecretList',
    namespaced: true,
    shortNames: [],
    versions: [servedVersion('v1', secretSchema)],
    storageVersion: 'v1',
    fieldSelectors: ['metadata.name', 'metadata.namespace', 'type'],
    selectableFields: (object) => ({
      ...metadataFields(object, true),
      type: textAt(object, 'type'),
    }),
    hooks: {
      normalize(object) {
        mergeStringData(object);
        checkBase64Values(object, 'data', 'Secret');
        if (typeof object.type !== 'string' || object.type === '') object.type = 'Opaque';
      },
      validate: (object, old) =>
        validateDataMaps(object, old, ['data'], (value) => Buffer.from(value, 'base64').length),
    },
    table: {
      columns: [
        nameColumn,
        {
          name: 'Type',
          type: 'string',
          description: 'Used to facilitate programmatic handling of secret data.',
          priority: 0,
          jsonPath: '.type',
        },
        {
          name: 'Data',
          type: 'string',
          description: 'The number of keys in data.',
          priority: 0,
          jsonPath: '.data',
        },
        ageColumn,
      ],
      cells: (object, now) => [
        textAt(object, 'metadata', 'name'),
        textAt(object, 'type'),
        keyCount(object, 'data'),
        ageSince(textAt(object, 'metadata', 'creationTimestamp'), now),
      ],
    },
  };
}

const configMapSchema = objectRoot('ConfigMap holds configuration data for pods to consume.', {
  data: stringMapField('Data contains the configuration data, as UTF-8 strings.'),
  binaryData: stringMapField('BinaryData contains binary data, base64 encoded.'),
  immutable: {
    type: 'boolean',
    description: 'If true, data cannot be changed after creation; only metadata can.',
  },
});

/** Builds the configmaps resource. */
export function configMapType(): ResourceType {
  return {
    ...builtinDefaults,
    group: '',
    plural: 'configmaps',
    singular: 'configmap',
    kind: 'ConfigMap',
    listKind: 'ConfigMapList',
    namespaced: true,
    shortNames: ['cm'],
    versions: [servedVersion('v1', configMapSchema)],
    storageVersion: 'v1',
    fieldSelectors: ['metadata.name', 'metadata.namespace'],
    selectableFields: (object) => metadataFields(object, true),
    hooks: {
      normalize: (object) => checkBase64Values(object, 'binaryData', 'ConfigMap'),
      validate: (object, old) =>
        validateDataMaps(object, old, ['data', 'binaryData'], (value) => Buffer.byteLength(value)),
    },
    table: {
      columns: [
        nameColumn,
        {
          name: 'Data',
          type: 'string',
          description: 'The number of keys in data and binaryData.',
          priority: 0,
          jsonPath: '.data',
        },
        ageColumn,
      ],
      cells: (object, now) => [
        textAt(object, 'metadata', 'name'),
        keyCount(object, 'data') + keyCount(object, 'binaryData'),
        ageSince(textAt(object, 'metadata', 'creationTimestamp'), now),
      ],
    },
  };
}
