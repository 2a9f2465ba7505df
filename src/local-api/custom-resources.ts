/** The resource type a CustomResourceDefinition defines, derived from the stored CRD. */
import { isJsonObject, metadataOf, stringList, type JsonObject } from './object.ts';
import {
  compareKubeVersions,
  metadataFields,
  typeKey,
  type PrinterColumn,
  type ResourceType,
  type ResourceVersion,
} from './registry.ts';
import type { JSONSchemaProps } from './schema/index.ts';

/** Tells whether a stored CRD is Established (its names were accepted). */
export function isEstablished(crd: JsonObject): boolean {
  const status = isJsonObject(crd.status) ? crd.status : {};
  const conditions = Array.isArray(status.conditions) ? (status.conditions as JsonObject[]) : [];
  return conditions.some((entry) => entry.type === 'Established' && entry.status === 'True');
}

function printerColumns(version: JsonObject): PrinterColumn[] {
  const columns = Array.isArray(version.additionalPrinterColumns)
    ? version.additionalPrinterColumns
    : [];
  return columns.filter(isJsonObject).map((column) => {
    const result: PrinterColumn = {
      name: String(column.name),
      type: String(column.type),
      priority: typeof column.priority === 'number' ? column.priority : 0,
      jsonPath: String(column.jsonPath),
      description:
        typeof column.description === 'string' && column.description !== ''
          ? column.description
          : `Custom resource definition column (in JSONPath format): ${String(column.jsonPath)}`,
    };
    if (typeof column.format === 'string') result.format = column.format;
    return result;
  });
}

/** The Warning kube sends for a deprecated version: the CRD's own text, or its default one. */
function deprecationWarning(spec: JsonObject, version: JsonObject): string {
  if (typeof version.deprecationWarning === 'string') return version.deprecationWarning;
  const kind = String((spec.names as JsonObject).kind);
  const served = (Array.isArray(spec.versions) ? spec.versions : [])
    .filter(
      (candidate): candidate is JsonObject =>
        isJsonObject(candidate) && candidate.served === true && candidate.deprecated !== true,
    )
    .map((candidate) => String(candidate.name))
    .sort(compareKubeVersions);
  const base = `${String(spec.group)}/${String(version.name)} ${kind} is deprecated`;
  return served[0] === undefined ? base : `${base}; use ${String(spec.group)}/${served[0]} ${kind}`;
}

function servedVersions(spec: JsonObject): ResourceVersion[] {
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isJsonObject) : [];
  return versions
    .filter((version) => version.served === true)
    .sort((a, b) => compareKubeVersions(String(a.name), String(b.name)))
    .map((version) => {
      const schema = isJsonObject(version.schema) ? version.schema.openAPIV3Schema : undefined;
      const subresources = isJsonObject(version.subresources) ? version.subresources : {};
      const served: ResourceVersion = {
        name: String(version.name),
        schema: isJsonObject(schema) ? (schema as JSONSchemaProps) : undefined,
        columns: printerColumns(version),
        statusSubresource: isJsonObject(subresources.status),
      };
      if (version.deprecated === true) {
        served.deprecationWarning = deprecationWarning(spec, version);
      }
      return served;
    });
}

function storageSchemaOf(storage: JsonObject | undefined): { storageSchema?: JSONSchemaProps } {
  const schema =
    storage !== undefined && isJsonObject(storage.schema)
      ? storage.schema.openAPIV3Schema
      : undefined;
  return isJsonObject(schema) ? { storageSchema: schema as JSONSchemaProps } : {};
}

/**
 * Builds the resource type that serves a CRD's objects.
 * NOTE: conversion is always "None": objects are stored once and returned with the requested
 * apiVersion, and conversion webhooks are not called. The scale subresource is not served.
 */
export function customResourceType(crd: JsonObject): ResourceType {
  const spec = crd.spec as JsonObject;
  const names = spec.names as JsonObject;
  const namespaced = spec.scope === 'Namespaced';
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isJsonObject) : [];
  const storage = versions.find((version) => version.storage === true);
  return {
    group: String(spec.group),
    plural: String(names.plural),
    singular: String(names.singular ?? String(names.kind).toLowerCase()),
    kind: String(names.kind),
    listKind: String(names.listKind ?? `${String(names.kind)}List`),
    namespaced,
    shortNames: stringList(names.shortNames),
    categories: stringList(names.categories),
    versions: servedVersions(spec),
    storageVersion: String(storage?.name ?? ''),
    ...storageSchemaOf(storage),
    origin: 'crd',
    tracksGeneration: true,
    allowCreateOnUpdate: false,
    allowUnconditionalUpdate: false,
    returnDeletedObject: false,
    strategicMergePatch: false,
    nameRule: 'subdomain',
    fieldSelectors: namespaced ? ['metadata.name', 'metadata.namespace'] : ['metadata.name'],
    selectableFields: (object) => metadataFields(object, namespaced),
    hooks: {},
    terminating: metadataOf(crd).deletionTimestamp !== undefined,
  };
}

/** Returns the store key of the objects a CRD defines. */
export function customResourceKey(crd: JsonObject): string {
  const spec = crd.spec as JsonObject;
  return typeKey({ group: String(spec.group), plural: String((spec.names as JsonObject).plural) });
}
