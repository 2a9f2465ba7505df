import { decodeFieldSet, encodeFieldSet, FieldSet, type FieldsV1 } from './field-set.ts';
import { getMember, isJsonMap, type JsonMap } from './json.ts';

/** One entry of metadata.managedFields. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: FieldsV1;
  subresource?: string;
}

/** A managedFields entry being rewritten: its identity and time, and the fields it owns. */
export interface OwnedFields {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  subresource?: string;
  fields: FieldSet;
}

/**
 * Reads metadata.managedFields of an object. Entries that are not well-formed FieldsV1 entries
 * are dropped: only this server writes managedFields, so such an entry can only come from a
 * client and kube-apiserver would reset it too.
 */
export function readOwnedFields(object: JsonMap | undefined): OwnedFields[] {
  const metadata = object === undefined ? undefined : getMember(object, 'metadata');
  const entries = isJsonMap(metadata) ? getMember(metadata, 'managedFields') : undefined;
  if (!Array.isArray(entries)) return [];

  return entries.flatMap((entry): OwnedFields[] => {
    if (!isJsonMap(entry) || typeof entry.manager !== 'string') return [];
    if (entry.operation !== 'Apply' && entry.operation !== 'Update') return [];
    if (entry.fieldsType !== undefined && entry.fieldsType !== 'FieldsV1') return [];

    const owned: OwnedFields = {
      manager: entry.manager,
      operation: entry.operation,
      apiVersion: typeof entry.apiVersion === 'string' ? entry.apiVersion : '',
      time: typeof entry.time === 'string' ? entry.time : '',
      fields: decodeFieldSet(entry.fieldsV1),
    };
    if (typeof entry.subresource === 'string' && entry.subresource !== '') {
      owned.subresource = entry.subresource;
    }
    return [owned];
  });
}

/**
 * Tells whether two entries belong to the same manager as kube-apiserver keys them: by name,
 * operation and subresource, and for Update also by apiVersion (an applier keeps one entry
 * whatever version it applies with).
 */
export function isSameManager(a: OwnedFields, b: OwnedFields): boolean {
  if (a.manager !== b.manager || a.operation !== b.operation) return false;
  if ((a.subresource ?? '') !== (b.subresource ?? '')) return false;
  return a.operation === 'Apply' || a.apiVersion === b.apiVersion;
}

/**
 * Encodes entries as metadata.managedFields: entries that own nothing are dropped and the rest
 * are sorted as kube-apiserver sorts them (operation, time in whole seconds, manager,
 * apiVersion, subresource).
 */
export function encodeOwnedFields(owned: OwnedFields[]): ManagedFieldsEntry[] {
  const entries = owned
    .filter((entry) => entry.fields.size > 0)
    .map((entry): ManagedFieldsEntry => {
      const encoded: ManagedFieldsEntry = {
        manager: entry.manager,
        operation: entry.operation,
        apiVersion: entry.apiVersion,
        time: entry.time,
        fieldsType: 'FieldsV1',
        fieldsV1: encodeFieldSet(entry.fields),
      };
      if (entry.subresource !== undefined) encoded.subresource = entry.subresource;
      return encoded;
    });

  return entries.sort(compareEntries);
}

function compareEntries(a: ManagedFieldsEntry, b: ManagedFieldsEntry): number {
  return (
    compareText(a.operation, b.operation) ||
    wholeSeconds(a.time) - wholeSeconds(b.time) ||
    compareText(a.manager, b.manager) ||
    compareText(a.apiVersion, b.apiVersion) ||
    compareText(a.subresource ?? '', b.subresource ?? '')
  );
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function wholeSeconds(time: string): number {
  const milliseconds = Date.parse(time);
  return Number.isNaN(milliseconds) ? 0 : Math.floor(milliseconds / 1000);
}
