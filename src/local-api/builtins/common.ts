/** Pieces shared by the built-in resource types. */
import { humanDuration } from '../duration.ts';
import { isJsonObject, type JsonObject } from '../object.ts';
import type { PrinterColumn, ResourceType, ResourceVersion } from '../registry.ts';
import type { JSONSchemaProps } from '../schema/index.ts';

/** Description kube gives the Name column. */
export const NAME_COLUMN_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically.';

/** Description kube gives the Age column. */
export const AGE_COLUMN_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created.';

/** The Name column every table starts with. */
export const nameColumn: PrinterColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: NAME_COLUMN_DESCRIPTION,
  priority: 0,
  jsonPath: '.metadata.name',
};

/** The Age column of built-in tables (cells already rendered, so typed string). */
export const ageColumn: PrinterColumn = {
  name: 'Age',
  type: 'string',
  description: AGE_COLUMN_DESCRIPTION,
  priority: 0,
  jsonPath: '.metadata.creationTimestamp',
};

/** Renders the time since an RFC 3339 timestamp as kube's tables do, "<unknown>" if absent. */
export function ageSince(timestamp: unknown, now: Date): string {
  if (typeof timestamp !== 'string' || timestamp === '') return '<unknown>';
  const time = Date.parse(timestamp);
  if (Number.isNaN(time)) return '<invalid>';
  return humanDuration(now.getTime() - time);
}

/** Reads a nested field by path, or undefined. */
export function fieldAt(object: JsonObject, ...path: string[]): unknown {
  let current: unknown = object;
  for (const part of path) {
    if (!isJsonObject(current)) return undefined;
    current = current[part];
  }
  return current;
}

/** Reads a nested string field, or "" when absent. */
export function textAt(object: JsonObject, ...path: string[]): string {
  const value = fieldAt(object, ...path);
  return typeof value === 'string' ? value : '';
}

/** Counts the keys of a nested map field. */
export function keyCount(object: JsonObject, ...path: string[]): number {
  const value = fieldAt(object, ...path);
  return isJsonObject(value) ? Object.keys(value).length : 0;
}

/** A single served version with a schema and no printer columns of its own. */
export function servedVersion(name: string, schema: JSONSchemaProps): ResourceVersion {
  return { name, schema, columns: [], statusSubresource: false };
}

/** Defaults shared by the built-in types. Each type overrides what differs. */
export const builtinDefaults: Pick<
  ResourceType,
  | 'origin'
  | 'tracksGeneration'
  | 'allowCreateOnUpdate'
  | 'allowUnconditionalUpdate'
  | 'returnDeletedObject'
  | 'strategicMergePatch'
  | 'nameRule'
  | 'categories'
> = {
  origin: 'builtin',
  tracksGeneration: false,
  allowCreateOnUpdate: false,
  allowUnconditionalUpdate: true,
  returnDeletedObject: false,
  strategicMergePatch: true,
  nameRule: 'subdomain',
  categories: [],
};

/** Returns a string property with a description. */
export function stringField(description: string, extra: JSONSchemaProps = {}): JSONSchemaProps {
  return { type: 'string', description, ...extra };
}

/** Returns a map of strings with a description. */
export function stringMapField(description: string, format?: string): JSONSchemaProps {
  const values: JSONSchemaProps =
    format === undefined ? { type: 'string' } : { type: 'string', format };
  return { type: 'object', description, additionalProperties: values };
}

/** Returns the standard top-level properties of a kind: apiVersion, kind and metadata. */
export function objectRoot(
  description: string,
  properties: Record<string, JSONSchemaProps>,
  required?: string[],
): JSONSchemaProps {
  const schema: JSONSchemaProps = {
    type: 'object',
    description,
    properties: {
      apiVersion: {
        type: 'string',
        description: 'APIVersion of this representation of the object.',
      },
      kind: { type: 'string', description: 'Kind of the object, in CamelCase.' },
      metadata: { type: 'object', description: "Standard object's metadata." },
      ...properties,
    },
  };
  if (required !== undefined) schema.required = required;
  return schema;
}
