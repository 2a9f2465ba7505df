/**
 * meta.k8s.io Table rendering, as kube-apiserver produces it for `kubectl get`: Name plus the
 * CRD's printer columns (or Age), or a built-in's columns, with ages rendered by the server.
 */
import { AGE_COLUMN_DESCRIPTION, nameColumn } from './builtins/common.ts';
import { humanDuration } from './duration.ts';
import { badRequest } from './errors.ts';
import { evaluateJsonPath } from './jsonpath.ts';
import { isJsonObject, metaString, type JsonObject } from './object.ts';
import type { PrinterColumn, ResourceType, ResourceVersion } from './registry.ts';

/** The object each table row carries besides its cells (the `includeObject` query parameter). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Reads `includeObject`, defaulting to Metadata, failing with kube's 400 on other values. */
export function parseIncludeObject(query: URLSearchParams): IncludeObject {
  const value = query.get('includeObject') ?? '';
  if (value === '' || value === 'Metadata') return 'Metadata';
  if (value === 'None' || value === 'Object') return value;
  throw badRequest(
    `Unable to convert to Table as requested: includeObject: Unsupported value: ${JSON.stringify(value)}: supported values: "Metadata", "None", "Object"`,
  );
}

/** The column kube adds to CRDs without printer columns. */
const crdAgeColumn: PrinterColumn = {
  name: 'Age',
  type: 'date',
  description: AGE_COLUMN_DESCRIPTION,
  priority: 0,
  jsonPath: '.metadata.creationTimestamp',
};

/** Every column of a type's table at one version, Name first. */
export function tableColumns(type: ResourceType, version: ResourceVersion): PrinterColumn[] {
  if (type.table !== undefined) return type.table.columns;
  const extra = version.columns.length > 0 ? version.columns : [crdAgeColumn];
  return [nameColumn, ...extra];
}

/** Go's fmt.Sprint for JSON values, as the jsonpath printer renders non-string cells. */
function goText(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map((entry) => goText(entry)).join(' ')}]`;
  if (isJsonObject(value)) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${key}:${goText(value[key])}`);
    return `map[${entries.join(' ')}]`;
  }
  return String(value);
}

/** Converts a column's first JSONPath match into a cell, as the CRD table convertor does. */
function cellFor(column: PrinterColumn, value: unknown, now: Date): unknown {
  if (value === undefined || value === null) return null;
  switch (column.type) {
    case 'string':
      return typeof value === 'string' ? value : goText(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date': {
      if (typeof value !== 'string') return null;
      const time = Date.parse(value);
      return Number.isNaN(time) ? '<invalid>' : humanDuration(now.getTime() - time);
    }
    default:
      return null;
  }
}

function customCells(columns: PrinterColumn[], object: JsonObject, now: Date): unknown[] {
  const cells: unknown[] = [metaString(object, 'name') ?? ''];
  for (const column of columns.slice(1)) {
    let matches: unknown[] = [];
    try {
      matches = evaluateJsonPath(object, column.jsonPath);
    } catch {
      // A column whose path fails on this object shows an empty cell, as in kube.
      matches = [];
    }
    cells.push(cellFor(column, matches[0], now));
  }
  return cells;
}

/** Renders the row object for one object, per `includeObject`. */
function rowObject(object: JsonObject, include: IncludeObject, tableApiVersion: string): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return object;
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: tableApiVersion,
    metadata: object.metadata ?? {},
  };
}

/** Inputs of a table. */
export interface TableInput {
  type: ResourceType;
  version: ResourceVersion;
  /** Objects as served at `version`. */
  objects: JsonObject[];
  now: Date;
  include: IncludeObject;
  /** meta.k8s.io/v1 or meta.k8s.io/v1beta1, as the Accept header asked. */
  apiVersion: string;
  /** List metadata (resourceVersion, continue, remainingItemCount). */
  listMeta: JsonObject;
  /** Omits column definitions, as kube does for every watch event after the first. */
  noHeaders?: boolean;
}

/** Builds a meta.k8s.io Table. */
export function buildTable(input: TableInput): JsonObject {
  const columns = tableColumns(input.type, input.version);
  const rows = input.objects.map((object) => {
    const cells =
      input.type.table !== undefined
        ? input.type.table.cells(object, input.now)
        : customCells(columns, object, input.now);
    const row: JsonObject = { cells };
    const embedded = rowObject(object, input.include, input.apiVersion);
    if (embedded !== undefined) row.object = embedded;
    return row;
  });
  return {
    kind: 'Table',
    apiVersion: input.apiVersion,
    metadata: input.listMeta,
    columnDefinitions:
      input.noHeaders === true
        ? []
        : columns.map((column) => ({
            name: column.name,
            type: column.type,
            format: column.format ?? '',
            description: column.description ?? '',
            priority: column.priority,
          })),
    rows,
  };
}
