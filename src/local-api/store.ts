/**
 * In-memory object storage with one cluster-wide resourceVersion counter and a bounded history
 * of changes, from which watches resume and paged lists read consistent snapshots.
 */
import { cloneJson, metadataOf, metaString, type JsonObject } from './object.ts';

/** The change a watch event reports. */
export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One stored change, as kept in the history. */
export interface StoreEvent {
  type: ChangeType;
  /** The type key ("group/plural") of the changed object. */
  resource: string;
  /** The resourceVersion this change created. */
  revision: number;
  /** The object after the change. For DELETED, its last state carrying `revision`. */
  object: JsonObject;
  /** The object before the change, undefined for ADDED. */
  previous: JsonObject | undefined;
}

/** Returned by history reads when the requested revision is older than what is kept. */
export interface ExpiredHistory {
  expired: true;
  /** The oldest revision the history can still resume from. */
  oldest: number;
}

/** Builds the key objects are sorted and looked up by: "namespace/name" ("/name" if cluster-scoped). */
export function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function keyOf(object: JsonObject): string {
  return objectKey(metaString(object, 'namespace'), metaString(object, 'name') ?? '');
}

function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** The objects of every resource type, their history and the revision counter. */
export class ObjectStore {
  private revision = 0;
  private historyStart = 0;
  private history: StoreEvent[] = [];
  private readonly objects = new Map<string, Map<string, JsonObject>>();
  private readonly uids = new Map<string, { resource: string; key: string }>();
  private readonly listeners = new Set<(event: StoreEvent) => void>();
  private readonly historyLimit: number;

  /** `historyLimit` is the number of changes kept for watches and paged lists. */
  constructor(historyLimit: number) {
    this.historyLimit = Math.max(1, historyLimit);
  }

  /** The latest resourceVersion handed out. */
  get currentRevision(): number {
    return this.revision;
  }

  /** The oldest revision from which every later change is still kept. */
  get oldestRevision(): number {
    return this.historyStart;
  }

  /** Returns a copy of one object, or undefined. */
  get(resource: string, namespace: string | undefined, name: string): JsonObject | undefined {
    const object = this.objects.get(resource)?.get(objectKey(namespace, name));
    return object === undefined ? undefined : cloneJson(object);
  }

  /** Finds an object of any type by uid (owner references point by uid). */
  findByUid(uid: string): { resource: string; object: JsonObject } | undefined {
    const location = this.uids.get(uid);
    if (location === undefined) return undefined;
    const object = this.objects.get(location.resource)?.get(location.key);
    return object === undefined
      ? undefined
      : { resource: location.resource, object: cloneJson(object) };
  }

  /** Returns copies of a type's objects, in one namespace or all, sorted by namespace and name. */
  list(resource: string, namespace?: string): JsonObject[] {
    const table = this.objects.get(resource);
    if (table === undefined) return [];
    return [...table.entries()]
      .filter(
        ([, object]) => namespace === undefined || metaString(object, 'namespace') === namespace,
      )
      .sort(([a], [b]) => compareKeys(a, b))
      .map(([, object]) => cloneJson(object));
  }

  /** Returns the type keys that have at least one object in `namespace`. */
  resourcesInNamespace(namespace: string): string[] {
    const resources: string[] = [];
    for (const [resource, table] of this.objects) {
      for (const object of table.values()) {
        if (metaString(object, 'namespace') === namespace) {
          resources.push(resource);
          break;
        }
      }
    }
    return resources;
  }

  /** Stores a new object under the next revision and returns the stored copy. */
  create(resource: string, object: JsonObject): JsonObject {
    const stored = this.stamp(object);
    const table = this.objects.get(resource) ?? new Map<string, JsonObject>();
    this.objects.set(resource, table);
    table.set(keyOf(stored), stored);
    this.indexUid(resource, stored);
    this.record({
      type: 'ADDED',
      resource,
      revision: this.revision,
      object: stored,
      previous: undefined,
    });
    return cloneJson(stored);
  }

  /** Replaces an existing object under the next revision and returns the stored copy. */
  update(resource: string, object: JsonObject): JsonObject {
    const key = keyOf(object);
    const table = this.objects.get(resource);
    const previous = table?.get(key);
    if (table === undefined || previous === undefined) {
      throw new Error(`cannot update ${resource} ${key}: it is not stored`);
    }
    const stored = this.stamp(object);
    table.set(key, stored);
    this.record({ type: 'MODIFIED', resource, revision: this.revision, object: stored, previous });
    return cloneJson(stored);
  }

  /** Removes an object. The returned last state carries the deletion's revision. */
  delete(resource: string, namespace: string | undefined, name: string): JsonObject | undefined {
    const key = objectKey(namespace, name);
    const table = this.objects.get(resource);
    const previous = table?.get(key);
    if (table === undefined || previous === undefined) return undefined;
    table.delete(key);
    const uid = metaString(previous, 'uid');
    if (uid !== undefined) this.uids.delete(uid);
    const last = this.stamp(previous);
    this.record({ type: 'DELETED', resource, revision: this.revision, object: last, previous });
    return cloneJson(last);
  }

  /** Returns the changes after `revision`, oldest first, or ExpiredHistory if some are gone. */
  changesAfter(revision: number): StoreEvent[] | ExpiredHistory {
    if (revision < this.historyStart) return { expired: true, oldest: this.historyStart };
    return this.history.filter((event) => event.revision > revision);
  }

  /**
   * Rebuilds a type's objects as they were at `revision` by undoing later changes, for paged
   * lists that must stay consistent. Returns ExpiredHistory when the changes are no longer kept.
   */
  snapshot(resource: string, revision: number): Map<string, JsonObject> | ExpiredHistory {
    if (revision < this.historyStart) return { expired: true, oldest: this.historyStart };
    const state = new Map(this.objects.get(resource) ?? []);
    for (let index = this.history.length - 1; index >= 0; index -= 1) {
      const event = this.history[index];
      if (event === undefined || event.revision <= revision) break;
      if (event.resource !== resource) continue;
      const key = keyOf(event.object);
      if (event.previous === undefined) state.delete(key);
      else state.set(key, event.previous);
    }
    return new Map([...state.entries()].sort(([a], [b]) => compareKeys(a, b)));
  }

  /** Calls `listener` synchronously after every change and returns the unsubscribe function. */
  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets the whole history: resuming from any earlier revision now gets 410 Expired. */
  expireHistory(): void {
    this.history = [];
    this.historyStart = this.revision;
  }

  private stamp(object: JsonObject): JsonObject {
    this.revision += 1;
    const stored = cloneJson(object);
    metadataOf(stored).resourceVersion = String(this.revision);
    return stored;
  }

  private indexUid(resource: string, object: JsonObject): void {
    const uid = metaString(object, 'uid');
    if (uid !== undefined) this.uids.set(uid, { resource, key: keyOf(object) });
  }

  private record(event: StoreEvent): void {
    this.history.push(event);
    while (this.history.length > this.historyLimit) {
      const dropped = this.history.shift();
      if (dropped !== undefined) this.historyStart = dropped.revision;
    }
    for (const listener of this.listeners) listener(event);
  }
}
