/**
 * API discovery: the aggregated form (apidiscovery.k8s.io/v2, which kubectl 1.32 requests
 * first) and the legacy APIVersions / APIGroupList / APIGroup / APIResourceList documents.
 */
import { createHash } from 'node:crypto';

import { parseAccept } from './http.ts';
import type { JsonObject } from './object.ts';
import {
  groupVersion,
  type Registry,
  type ResourceType,
  type ResourceVersion,
} from './registry.ts';

/** The media type of aggregated discovery responses, per discovery version. */
export function aggregatedContentType(version: 'v2' | 'v2beta1'): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

/** Returns which aggregated discovery version the Accept header requests, if any. */
export function wantsAggregated(acceptHeader: string | undefined): 'v2' | 'v2beta1' | undefined {
  for (const type of parseAccept(acceptHeader)) {
    const { params } = type;
    if (
      type.essence === 'application/json' &&
      params.g === 'apidiscovery.k8s.io' &&
      params.as === 'APIGroupDiscoveryList' &&
      (params.v === 'v2' || params.v === 'v2beta1')
    ) {
      return params.v;
    }
    if (type.essence === 'application/json' && params.as === undefined) return undefined;
  }
  return undefined;
}

const readVerbs = ['get', 'list', 'watch'];
const writeVerbs = ['create', 'delete', 'deletecollection', 'patch', 'update'];

function verbsOf(): string[] {
  return [...writeVerbs, ...readVerbs].sort();
}

function storageVersionHash(type: ResourceType): string {
  const digest = createHash('sha256')
    .update(`${type.group}/${type.storageVersion}/${type.kind}`)
    .digest('base64');
  return digest.slice(0, 11);
}

function resourceDiscovery(type: ResourceType, version: ResourceVersion): JsonObject {
  const responseKind = { group: type.group, version: version.name, kind: type.kind };
  const entry: JsonObject = {
    resource: type.plural,
    responseKind,
    scope: type.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: type.singular,
    verbs: verbsOf(),
  };
  if (type.shortNames.length > 0) entry.shortNames = type.shortNames;
  if (type.categories.length > 0) entry.categories = type.categories;
  if (version.statusSubresource) {
    entry.subresources = [
      { subresource: 'status', responseKind, verbs: ['get', 'patch', 'update'] },
    ];
  }
  return entry;
}

function sortedVersions(registry: Registry, group: string): string[] {
  return registry.groups().find((candidate) => candidate.name === group)?.versions ?? [];
}

function groupDiscovery(registry: Registry, group: string): JsonObject {
  const versions = sortedVersions(registry, group).map((version) => ({
    version,
    resources: registry
      .typesIn(group, version)
      .sort((a, b) => a.type.plural.localeCompare(b.type.plural))
      .map(({ type, version: served }) => resourceDiscovery(type, served)),
    freshness: 'Current',
  }));
  const metadata: JsonObject =
    group === '' ? { creationTimestamp: null } : { name: group, creationTimestamp: null };
  return { metadata, versions };
}

/** Aggregated discovery for `/api` (core group only) or `/apis` (every other group). */
export function aggregatedDiscovery(
  registry: Registry,
  root: 'api' | 'apis',
  version: 'v2' | 'v2beta1',
): JsonObject {
  const groups = registry
    .groups()
    .map((group) => group.name)
    .filter((name) => (root === 'api' ? name === '' : name !== ''))
    .sort();
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((group) => groupDiscovery(registry, group)),
  };
}

/** Legacy `/api`: the core group's versions. */
export function apiVersions(serverAddress: string): JsonObject {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(registry: Registry, group: string): JsonObject {
  const versions = sortedVersions(registry, group).map((version) => ({
    groupVersion: groupVersion(group, version),
    version,
  }));
  return { name: group, versions, preferredVersion: versions[0] ?? {} };
}

/** Legacy `/apis`: every named group with its versions, preferred first. */
export function apiGroupList(registry: Registry): JsonObject {
  const groups = registry
    .groups()
    .map((group) => group.name)
    .filter((name) => name !== '')
    .sort();
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((group) => apiGroup(registry, group)),
  };
}

/** Legacy `/apis/GROUP`, or undefined when the group is not served. */
export function apiGroupDocument(registry: Registry, group: string): JsonObject | undefined {
  if (sortedVersions(registry, group).length === 0) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(registry, group) };
}

/** Legacy `/api/v1` or `/apis/GROUP/VERSION`, or undefined when not served. */
export function apiResourceList(
  registry: Registry,
  group: string,
  version: string,
): JsonObject | undefined {
  const types = registry.typesIn(group, version);
  if (types.length === 0) return undefined;
  const resources: JsonObject[] = [];
  for (const { type, version: served } of types.sort((a, b) =>
    a.type.plural.localeCompare(b.type.plural),
  )) {
    const entry: JsonObject = {
      name: type.plural,
      singularName: type.singular,
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: verbsOf(),
      storageVersionHash: storageVersionHash(type),
    };
    if (type.shortNames.length > 0) entry.shortNames = type.shortNames;
    if (type.categories.length > 0) entry.categories = type.categories;
    resources.push(entry);
    if (served.statusSubresource) {
      resources.push({
        name: `${type.plural}/status`,
        singularName: '',
        namespaced: type.namespaced,
        kind: type.kind,
        verbs: ['get', 'patch', 'update'],
      });
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion(group, version),
    resources,
  };
}
