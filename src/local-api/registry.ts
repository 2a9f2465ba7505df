/**
 * The resource types the server serves: built-ins plus one entry per established
 * CustomResourceDefinition. Every type goes through the same handlers, and an entry only describes
 * names, versions, schemas, columns and the few behaviours that differ between kinds.
 */
import type { ApiContext } from './context.ts';
import type { FieldError } from './errors.ts';
import type { NameRule } from './names.ts';
import type { JsonObject } from './object.ts';
import type { JSONSchemaProps } from './schema/index.ts';

/** A printer column (CRD additionalPrinterColumns, or a built-in's column). */
export interface PrinterColumn {
  name: string;
  /** integer, number, string, boolean or date. */
  type: string;
  format?: string;
  description?: string;
  /** 0 is shown by default, and higher priorities only with `-o wide`. */
  priority: number;
  jsonPath: string;
}

/** One served version of a resource type. */
export interface ResourceVersion {
  name: string;
  /** Schema used for pruning, defaulting, validation and OpenAPI. */
  schema: JSONSchemaProps | undefined;
  /** Extra columns after Name. Empty means Name and Age. */
  columns: PrinterColumn[];
  statusSubresource: boolean;
  deprecationWarning?: string;
}

/** Hooks for the few behaviours that a kind changes in the shared write path. */
export interface ResourceHooks {
  /** Rewrites an incoming object before validation (for example secrets' stringData). */
  normalize?(object: JsonObject): void;
  /** Sets server-owned fields on create (for example a namespace's status.phase). */
  prepareCreate?(object: JsonObject): void;
  /** Runs kind-specific validation after the schema's. `old` is set on updates. */
  validate?(object: JsonObject, old: JsonObject | undefined): FieldError[];
  /** Sets fields the server computes on every write, after validation (a CRD's status). */
  beforeStore?(object: JsonObject, old: JsonObject | undefined, context: ApiContext): void;
  /** Rejects a delete request by throwing an ApiError (protected namespaces). */
  validateDelete?(object: JsonObject): void;
  /** Records that deletion started (a namespace's Terminating phase, a CRD's clean-up finalizer). */
  markDeleting?(object: JsonObject, now: Date): void;
  /** Whether deletion must wait for more than metadata.finalizers (a namespace's spec.finalizers). */
  blocksDeletion?(object: JsonObject): boolean;
}

/** The table layout of a built-in kind (custom resources use printer columns instead). */
export interface BuiltinTable {
  /** Every column, Name included, in display order. */
  columns: PrinterColumn[];
  /** Returns one cell per column, in column order. `now` is the reference time for ages. */
  cells(object: JsonObject, now: Date): unknown[];
}

/** Everything the handlers, discovery, OpenAPI and tables need to know about one resource. */
export interface ResourceType {
  group: string;
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Served versions, the preferred one first. */
  versions: ResourceVersion[];
  /** The version objects are stored in. Reads return them with the requested apiVersion. */
  storageVersion: string;
  /** Schema of the storage version, applied when custom resources are read back. */
  storageSchema?: JSONSchemaProps;
  origin: 'builtin' | 'crd';
  /** Whether metadata.generation is kept (custom resources and CRDs). */
  tracksGeneration: boolean;
  /** Whether PUT on a missing object creates it. */
  allowCreateOnUpdate: boolean;
  /** Whether PUT may omit metadata.resourceVersion. */
  allowUnconditionalUpdate: boolean;
  /** Whether DELETE returns the deleted object rather than a success Status. */
  returnDeletedObject: boolean;
  /** Whether application/strategic-merge-patch+json is accepted. */
  strategicMergePatch: boolean;
  nameRule: NameRule;
  /** Field selector labels this type supports. */
  fieldSelectors: readonly string[];
  /** Values of the supported field selector labels for one object. */
  selectableFields(object: JsonObject): Record<string, string>;
  hooks: ResourceHooks;
  table?: BuiltinTable;
  /** Set while the type's CRD is being deleted: creates are rejected. */
  terminating?: boolean;
}

/** Returns the key that identifies a type in the store and registry: "group/plural". */
export function typeKey(type: { group: string; plural: string }): string {
  return `${type.group}/${type.plural}`;
}

/** Returns "group/version", or "version" for the core group. */
export function groupVersion(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** Returns the field selector values every object supports (name, and namespace if namespaced). */
export function metadataFields(object: JsonObject, namespaced: boolean): Record<string, string> {
  const metadata = (object.metadata ?? {}) as JsonObject;
  const fields: Record<string, string> = { 'metadata.name': String(metadata.name ?? '') };
  if (namespaced) fields['metadata.namespace'] = String(metadata.namespace ?? '');
  return fields;
}

const kubeVersionPattern = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/**
 * Orders versions as kube-apiserver does: GA before beta before alpha, higher numbers first,
 * then versions that do not look like Kubernetes versions, alphabetically.
 */
export function compareKubeVersions(a: string, b: string): number {
  const rank = (version: string): [number, number, number] | undefined => {
    const match = kubeVersionPattern.exec(version);
    if (match === null) return undefined;
    let stability = 3;
    if (match[2] === 'beta') stability = 2;
    if (match[2] === 'alpha') stability = 1;
    return [stability, Number(match[1]), Number(match[3] ?? 0)];
  };
  const rankA = rank(a);
  const rankB = rank(b);
  if (rankA === undefined || rankB === undefined) {
    if (rankA !== undefined) return -1;
    if (rankB !== undefined) return 1;
    return a.localeCompare(b);
  }
  for (let index = 0; index < 3; index += 1) {
    const difference = (rankB[index] ?? 0) - (rankA[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** A served group with its versions, preferred first. */
export interface ServedGroup {
  name: string;
  versions: string[];
}

/** The set of resource types currently served. */
export class Registry {
  private readonly types = new Map<string, ResourceType>();

  /** Adds or replaces a type. */
  set(type: ResourceType): void {
    this.types.set(typeKey(type), type);
  }

  /** Removes a type, whose objects must already be gone. */
  delete(group: string, plural: string): void {
    this.types.delete(typeKey({ group, plural }));
  }

  /** Returns the type with this group and plural, whatever its versions. */
  get(group: string, plural: string): ResourceType | undefined {
    return this.types.get(typeKey({ group, plural }));
  }

  /** Returns the type with this store key ("group/plural"). */
  getByKey(key: string): ResourceType | undefined {
    return this.types.get(key);
  }

  /** Resolves a URL's group, version and resource to a served type and version. */
  resolve(
    group: string,
    version: string,
    plural: string,
  ): { type: ResourceType; version: ResourceVersion } | undefined {
    const type = this.get(group, plural);
    const served = type?.versions.find((candidate) => candidate.name === version);
    return type !== undefined && served !== undefined ? { type, version: served } : undefined;
  }

  /** Finds the type that serves `kind` in `group`, for owner references and CRD conflicts. */
  findByKind(group: string, kind: string): ResourceType | undefined {
    return this.all().find((type) => type.group === group && type.kind === kind);
  }

  /** Returns every served type, built-ins first. */
  all(): ResourceType[] {
    return [...this.types.values()];
  }

  /** Lists every group with served versions. The core group is named "". */
  groups(): ServedGroup[] {
    const versionsByGroup = new Map<string, Set<string>>();
    for (const type of this.types.values()) {
      const versions = versionsByGroup.get(type.group) ?? new Set<string>();
      for (const version of type.versions) versions.add(version.name);
      versionsByGroup.set(type.group, versions);
    }
    return [...versionsByGroup.entries()].map(([name, versions]) => ({
      name,
      versions: [...versions].sort(compareKubeVersions),
    }));
  }

  /** Types served in one group-version. */
  typesIn(group: string, version: string): Array<{ type: ResourceType; version: ResourceVersion }> {
    const result: Array<{ type: ResourceType; version: ResourceVersion }> = [];
    for (const type of this.types.values()) {
      if (type.group !== group) continue;
      const served = type.versions.find((candidate) => candidate.name === version);
      if (served !== undefined) result.push({ type, version: served });
    }
    return result;
  }
}
