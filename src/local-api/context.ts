/** The shared state that request handlers and background controllers work on. */
import type { Logger } from '../util/log.ts';
import {
  groupVersion,
  type Registry,
  type ResourceType,
  type ResourceVersion,
} from './registry.ts';
import type { ObjectStore } from './store.ts';
import { cloneJson, type JsonObject } from './object.ts';
import { applyDefaults, prune } from './schema/index.ts';

/** Server state: objects, resource types, time and logging. */
export interface ApiContext {
  store: ObjectStore;
  registry: Registry;
  /** Current time, injectable so tests control timestamps and ages. */
  now(): Date;
  logger: Logger;
  /** Runs background work (garbage collection, namespace and CRD clean-up) soon after a change. */
  schedule(task: () => void): void;
}

/** Returns a copy of a stored object as served in `version` (objects are stored once). */
export function presentObject(
  object: JsonObject,
  type: ResourceType,
  version: ResourceVersion | string,
): JsonObject {
  const copy = cloneJson(object);
  const name = typeof version === 'string' ? version : version.name;
  return { apiVersion: groupVersion(type.group, name), kind: type.kind, ...withoutTypeMeta(copy) };
}

function withoutTypeMeta(object: JsonObject): JsonObject {
  const rest: JsonObject = {};
  for (const [key, value] of Object.entries(object)) {
    if (key !== 'apiVersion' && key !== 'kind') rest[key] = value;
  }
  return rest;
}

/**
 * Returns a stored object as reads show it, presented in `version`. Custom resources are first
 * pruned and defaulted with the storage version's schema, as kube-apiserver does when it decodes
 * them from etcd, so schema changes reach objects stored before them.
 */
export function readStoredObject(
  object: JsonObject,
  type: ResourceType,
  version: ResourceVersion | string,
): JsonObject {
  const copy = cloneJson(object);
  if (type.storageSchema !== undefined) {
    prune(type.storageSchema, copy);
    applyDefaults(type.storageSchema, copy);
  }
  return presentObject(copy, type, version);
}
