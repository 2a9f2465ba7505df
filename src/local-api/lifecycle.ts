/**
 * The controllers kube runs for namespaces and CRDs, reduced to what the API shows. A CRD
 * becomes a served type once established. Deleting a CRD or a namespace deletes its objects, and
 * the CRD or namespace goes once they are gone.
 */
import type { ApiContext } from './context.ts';
import { CRD_CLEANUP_FINALIZER, CRD_RESOURCE } from './crd.ts';
import { customResourceKey, customResourceType, isEstablished } from './custom-resources.ts';
import { deleteObject, removeFinalizer } from './deletion.ts';
import { errorMessage } from './http.ts';
import { isJsonObject, metaString, type JsonObject } from './object.ts';
import type { StoreEvent } from './store.ts';
import type { WatchHub } from './watch.ts';

const NAMESPACES = '/namespaces';

function isDeleting(object: JsonObject): boolean {
  return isJsonObject(object.metadata) && object.metadata.deletionTimestamp !== undefined;
}

/** Keeps CRD-backed types and terminating namespaces in step with stored objects. */
export class LifecycleController {
  private readonly context: ApiContext;
  private readonly watches: WatchHub;

  constructor(context: ApiContext, watches: WatchHub) {
    this.context = context;
    this.watches = watches;
  }

  /** Subscribes to changes and returns the function that stops the controller. */
  start(): () => void {
    return this.context.store.subscribe((change) => this.onChange(change));
  }

  private onChange(change: StoreEvent): void {
    if (change.resource === CRD_RESOURCE) {
      this.onCrdChange(change);
      return;
    }
    if (change.resource === NAMESPACES && change.type !== 'DELETED' && isDeleting(change.object)) {
      const name = metaString(change.object, 'name') ?? '';
      this.context.schedule(() => this.finalizeNamespace(name));
      return;
    }
    if (change.type !== 'DELETED') return;
    const namespace = metaString(change.object, 'namespace');
    if (namespace !== undefined) this.context.schedule(() => this.finalizeNamespace(namespace));
    const type = this.context.registry.getByKey(change.resource);
    if (type?.origin === 'crd' && type.terminating === true) {
      const crdName = `${type.plural}.${type.group}`;
      this.context.schedule(() => this.finalizeCrd(crdName));
    }
  }

  private onCrdChange(change: StoreEvent): void {
    const crd = change.object;
    const key = customResourceKey(crd);
    if (change.type === 'DELETED') {
      const spec = crd.spec as JsonObject;
      this.context.registry.delete(String(spec.group), String((spec.names as JsonObject).plural));
      this.watches.closeResource(key);
      return;
    }
    if (isEstablished(crd)) this.context.registry.set(customResourceType(crd));
    if (isDeleting(crd)) {
      const name = metaString(crd, 'name') ?? '';
      this.context.schedule(() => this.finalizeCrd(name));
    }
  }

  /** Deletes a terminating CRD's objects, then lets the CRD go. */
  private finalizeCrd(name: string): void {
    const crd = this.context.store.get(CRD_RESOURCE, undefined, name);
    if (crd === undefined || !isDeleting(crd)) return;
    const key = customResourceKey(crd);
    const type = this.context.registry.getByKey(key);
    const remaining = this.context.store.list(key);
    if (type !== undefined) {
      for (const object of remaining) {
        if (isDeleting(object)) continue;
        this.deleteQuietly(type.plural, () =>
          deleteObject(
            this.context,
            type,
            type.storageVersion,
            metaString(object, 'namespace'),
            metaString(object, 'name') ?? '',
            { preconditions: {}, dryRun: false },
          ),
        );
      }
    }
    if (this.context.store.list(key).length > 0) return;
    const crdType = this.context.registry.getByKey(CRD_RESOURCE);
    if (crdType !== undefined) removeFinalizer(this.context, crdType, crd, CRD_CLEANUP_FINALIZER);
  }

  /** Deletes a terminating namespace's objects, then the namespace itself. */
  private finalizeNamespace(name: string): void {
    const namespace = this.context.store.get(NAMESPACES, undefined, name);
    if (namespace === undefined || !isDeleting(namespace)) return;
    for (const key of this.context.store.resourcesInNamespace(name)) {
      const type = this.context.registry.getByKey(key);
      if (type === undefined) continue;
      for (const object of this.context.store.list(key, name)) {
        if (isDeleting(object)) continue;
        this.deleteQuietly(type.plural, () =>
          deleteObject(
            this.context,
            type,
            type.storageVersion,
            name,
            metaString(object, 'name') ?? '',
            {
              preconditions: {},
              dryRun: false,
            },
          ),
        );
      }
    }
    if (this.context.store.resourcesInNamespace(name).length > 0) return;
    const current = this.context.store.get(NAMESPACES, undefined, name);
    if (current !== undefined && isDeleting(current)) {
      this.context.store.delete(NAMESPACES, undefined, name);
    }
  }

  private deleteQuietly(resource: string, action: () => void): void {
    try {
      action();
    } catch (error) {
      this.context.logger.warn({ resource, err: errorMessage(error) }, 'clean-up delete failed');
    }
  }
}
