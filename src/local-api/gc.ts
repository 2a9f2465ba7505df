/**
 * Garbage collection by ownerReferences, following kube-controller-manager's garbage collector.
 * A dependent whose every owner is gone is deleted in the background, and its dangling
 * references are removed while another owner lives. Owners deleted with propagationPolicy
 * Orphan release their dependents, and owners deleted in the foreground wait for them.
 * Work runs through `ApiContext.schedule`, so it happens promptly but after the triggering
 * request has been answered.
 */
import type { ApiContext } from './context.ts';
import {
  deleteObject,
  FOREGROUND_FINALIZER,
  ORPHAN_FINALIZER,
  removeFinalizer,
} from './deletion.ts';
import { errorMessage } from './http.ts';
import { isJsonObject, metadataOf, metaString, stringList, type JsonObject } from './object.ts';
import type { ResourceType } from './registry.ts';
import type { StoreEvent } from './store.ts';

interface OwnerReference {
  uid: string;
  blockOwnerDeletion: boolean;
}

function ownerReferences(object: JsonObject): OwnerReference[] {
  const references = isJsonObject(object.metadata) ? object.metadata.ownerReferences : undefined;
  if (!Array.isArray(references)) return [];
  return references.filter(isJsonObject).map((reference) => ({
    uid: String(reference.uid ?? ''),
    blockOwnerDeletion: reference.blockOwnerDeletion === true,
  }));
}

function isDeleting(object: JsonObject): boolean {
  return isJsonObject(object.metadata) && object.metadata.deletionTimestamp !== undefined;
}

/** A stored object together with its type. */
interface Located {
  type: ResourceType;
  object: JsonObject;
}

/** Deletes and releases dependents as their owners go. */
export class GarbageCollector {
  private readonly context: ApiContext;

  constructor(context: ApiContext) {
    this.context = context;
  }

  /** Subscribes to changes and returns the function that stops collection. */
  start(): () => void {
    return this.context.store.subscribe((change) => this.onChange(change));
  }

  private onChange(change: StoreEvent): void {
    const uid = metaString(change.object, 'uid');
    if (change.type === 'DELETED') {
      if (uid !== undefined) this.context.schedule(() => this.collectDependentsOf(uid));
      for (const owner of ownerReferences(change.object)) {
        this.context.schedule(() => this.finishOwner(owner.uid));
      }
      return;
    }
    if (isDeleting(change.object) && uid !== undefined) {
      this.context.schedule(() => this.finishOwner(uid));
    }
    if (ownerReferences(change.object).length > 0 && uid !== undefined) {
      this.context.schedule(() => this.collectIfOrphaned(uid));
    }
  }

  /** Finds every stored object that lists `ownerUid` among its owners. */
  private dependentsOf(ownerUid: string): Located[] {
    const found: Located[] = [];
    for (const type of this.context.registry.all()) {
      for (const object of this.context.store.list(`${type.group}/${type.plural}`)) {
        if (ownerReferences(object).some((reference) => reference.uid === ownerUid)) {
          found.push({ type, object });
        }
      }
    }
    return found;
  }

  private collectDependentsOf(ownerUid: string): void {
    for (const dependent of this.dependentsOf(ownerUid)) {
      const uid = metaString(dependent.object, 'uid');
      if (uid !== undefined) this.collectIfOrphaned(uid);
    }
  }

  /** Deletes a dependent whose owners are all gone, or drops its dangling references. */
  private collectIfOrphaned(uid: string): void {
    const found = this.context.store.findByUid(uid);
    const type = found === undefined ? undefined : this.context.registry.getByKey(found.resource);
    if (found === undefined || type === undefined || isDeleting(found.object)) return;
    const references = ownerReferences(found.object);
    if (references.length === 0) return;
    const alive = references.filter(
      (reference) => this.context.store.findByUid(reference.uid) !== undefined,
    );
    this.guard(type, found.object, () => {
      if (alive.length === 0) {
        deleteObject(
          this.context,
          type,
          type.storageVersion,
          metaString(found.object, 'namespace'),
          metaString(found.object, 'name') ?? '',
          {
            preconditions: { uid },
            dryRun: false,
          },
        );
      } else if (alive.length < references.length) {
        this.keepOwners(type, found.object, new Set(alive.map((reference) => reference.uid)));
      }
    });
  }

  /** Completes an owner's Orphan or Foreground deletion once its dependents allow it. */
  private finishOwner(ownerUid: string): void {
    const found = this.context.store.findByUid(ownerUid);
    const type = found === undefined ? undefined : this.context.registry.getByKey(found.resource);
    if (found === undefined || type === undefined || !isDeleting(found.object)) return;
    const finalizers = stringList(metadataOf(found.object).finalizers);
    const dependents = this.dependentsOf(ownerUid);

    if (finalizers.includes(ORPHAN_FINALIZER)) {
      for (const dependent of dependents) {
        const owners = ownerReferences(dependent.object).map((reference) => reference.uid);
        this.guard(dependent.type, dependent.object, () =>
          this.keepOwners(
            dependent.type,
            dependent.object,
            new Set(owners.filter((owner) => owner !== ownerUid)),
          ),
        );
      }
      this.guard(type, found.object, () =>
        removeFinalizer(this.context, type, found.object, ORPHAN_FINALIZER),
      );
      return;
    }

    if (finalizers.includes(FOREGROUND_FINALIZER)) {
      for (const dependent of dependents) {
        if (isDeleting(dependent.object)) continue;
        this.guard(dependent.type, dependent.object, () =>
          deleteObject(
            this.context,
            dependent.type,
            dependent.type.storageVersion,
            metaString(dependent.object, 'namespace'),
            metaString(dependent.object, 'name') ?? '',
            {
              propagationPolicy: 'Foreground',
              preconditions: {},
              dryRun: false,
            },
          ),
        );
      }
      const blocking = this.dependentsOf(ownerUid).filter((dependent) =>
        ownerReferences(dependent.object).some(
          (reference) => reference.uid === ownerUid && reference.blockOwnerDeletion,
        ),
      );
      if (blocking.length === 0) {
        const current = this.context.store.findByUid(ownerUid);
        if (current !== undefined) {
          this.guard(type, current.object, () =>
            removeFinalizer(this.context, type, current.object, FOREGROUND_FINALIZER),
          );
        }
      }
    }
  }

  /** Rewrites a dependent's ownerReferences to those whose uid is in `keep`. */
  private keepOwners(type: ResourceType, object: JsonObject, keep: Set<string>): void {
    const next = structuredClone(object);
    const metadata = metadataOf(next);
    const references = Array.isArray(metadata.ownerReferences) ? metadata.ownerReferences : [];
    const remaining = references.filter(
      (reference) => isJsonObject(reference) && keep.has(String(reference.uid)),
    );
    if (remaining.length === references.length) return;
    if (remaining.length > 0) metadata.ownerReferences = remaining;
    else delete metadata.ownerReferences;
    this.context.store.update(`${type.group}/${type.plural}`, next);
  }

  private guard(type: ResourceType, object: JsonObject, action: () => void): void {
    try {
      action();
    } catch (error) {
      this.context.logger.warn(
        { resource: type.plural, name: metaString(object, 'name'), err: errorMessage(error) },
        'garbage collection step failed',
      );
    }
  }
}
