import type { FieldsV1, ManagedFieldsEntry } from '../../../src/local-api/patch/index.ts';

/** Shared values for the managedFields tests. */
export const apiVersion = 'herald.dev/v1alpha1';
export const t0 = '2026-01-01T00:00:00Z';
export const t1 = '2026-01-01T00:01:00Z';
export const t2 = '2026-01-01T00:02:00Z';

/**
 * Summarises managedFields as "manager Operation[ subresource][ apiVersion]" → owned fields,
 * written as kube prints paths. The API version appears only when it is not `apiVersion`. A map
 * that is itself owned (a "." marker) appears as its own path.
 */
export function ownership(entries: unknown): Record<string, string[]> {
  const summary: Record<string, string[]> = {};
  for (const entry of (entries ?? []) as ManagedFieldsEntry[]) {
    const subresource = entry.subresource === undefined ? '' : ` ${entry.subresource}`;
    const version = entry.apiVersion === apiVersion ? '' : ` ${entry.apiVersion}`;
    const key = `${entry.manager} ${entry.operation}${subresource}${version}`;
    summary[key] = flatten(entry.fieldsV1, '');
  }
  return summary;
}

function flatten(fields: FieldsV1, prefix: string): string[] {
  return Object.entries(fields).flatMap(([key, child]) => {
    if (key === '.') return [prefix];
    const path = `${prefix}.${key.slice(2)}`;
    return Object.keys(child).length === 0 ? [path] : flatten(child, path);
  });
}

/** Builds a managedFields entry that owns `fieldsV1`. */
export function entry(
  manager: string,
  operation: 'Apply' | 'Update',
  fieldsV1: FieldsV1,
  options: { time?: string; apiVersion?: string; subresource?: string } = {},
): ManagedFieldsEntry {
  const result: ManagedFieldsEntry = {
    manager,
    operation,
    apiVersion: options.apiVersion ?? apiVersion,
    time: options.time ?? t0,
    fieldsType: 'FieldsV1',
    fieldsV1,
  };
  if (options.subresource !== undefined) result.subresource = options.subresource;
  return result;
}

/** Builds a Notifier with the given spec and managedFields. */
export function notifier(
  spec: Record<string, unknown>,
  managedFields: ManagedFieldsEntry[] = [],
  extraMetadata: Record<string, unknown> = {},
): Record<string, unknown> {
  const metadata: Record<string, unknown> = {
    name: 'web',
    namespace: 'team-a',
    uid: 'u-1',
    resourceVersion: '5',
    ...extraMetadata,
  };
  if (managedFields.length > 0) metadata.managedFields = managedFields;
  return { apiVersion, kind: 'Notifier', metadata, spec };
}
