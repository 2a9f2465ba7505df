import { isDeepStrictEqual } from 'node:util';
import type { CustomObjectsApi } from '@kubernetes/client-node';
import type { Logger } from '../util/log.ts';
import { apiStatusCode } from './kube.ts';

/** A custom object with a status of type S, as far as status writes need to know it. */
export interface ObjectWithStatus<S> {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    resourceVersion?: string;
  };
  spec?: unknown;
  status?: S;
}

/** Returns the new status, or undefined to leave the object as it is. */
export type StatusMutation<S> = (object: ObjectWithStatus<S>) => S | undefined;

const maxConflictRetries = 8;

/**
 * Writes the status subresource of one kind of custom object. Writes to the same object are
 * serialized, each starts from the newest copy this writer has seen, a status equal to the stored one
 * is not written, and a 409 Conflict is retried after reading the object again.
 */
export class StatusWriter<S> {
  private readonly api: CustomObjectsApi;
  private readonly group: string;
  private readonly version: string;
  private readonly plural: string;
  private readonly logger: Logger;
  private readonly latest = new Map<string, ObjectWithStatus<S>>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(options: {
    api: CustomObjectsApi;
    group: string;
    version: string;
    plural: string;
    logger: Logger;
  }) {
    this.api = options.api;
    this.group = options.group;
    this.version = options.version;
    this.plural = options.plural;
    this.logger = options.logger;
  }

  /**
   * Applies `mutate` to the newest known copy of the object and stores the result. Resolves to
   * the stored object, or undefined when the object no longer exists or nothing changed.
   */
  update(
    known: ObjectWithStatus<S>,
    mutate: StatusMutation<S>,
  ): Promise<ObjectWithStatus<S> | undefined> {
    const key = `${known.metadata?.namespace}/${known.metadata?.name}`;
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.write(key, known, mutate));
    const settled = next.catch(() => undefined);
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return next;
  }

  /**
   * Offers a copy an informer delivered. Informers deliver in order, so the copy they deliver last
   * is at least as new as this writer's own earlier writes, and a status changed by someone else
   * is the one the next write starts from. Objects this writer never wrote are not kept.
   */
  observe(object: ObjectWithStatus<S>): void {
    const key = `${object.metadata?.namespace}/${object.metadata?.name}`;
    const latest = this.latest.get(key);
    if (latest && latest.metadata?.uid === object.metadata?.uid) this.latest.set(key, object);
  }

  /** Drops what is known about a deleted object. */
  forget(namespace: string, name: string): void {
    this.latest.delete(`${namespace}/${name}`);
  }

  private async write(
    key: string,
    known: ObjectWithStatus<S>,
    mutate: StatusMutation<S>,
  ): Promise<ObjectWithStatus<S> | undefined> {
    let object = this.newest(key, known);
    for (let attempt = 0; attempt <= maxConflictRetries; attempt++) {
      const status = mutate(object);
      if (status === undefined || isDeepStrictEqual(status, object.status)) return undefined;

      try {
        const stored = (await this.api.replaceNamespacedCustomObjectStatus({
          group: this.group,
          version: this.version,
          plural: this.plural,
          namespace: object.metadata?.namespace ?? '',
          name: object.metadata?.name ?? '',
          body: { ...object, status },
        })) as ObjectWithStatus<S>;
        this.latest.set(key, stored);
        return stored;
      } catch (error) {
        const code = apiStatusCode(error);
        if (code === 404) {
          this.latest.delete(key);
          return undefined;
        }
        if (code !== 409) throw error;
        this.logger.debug({ object: key, attempt }, 'status write conflicted; reading again');
        const fresh = await this.read(object);
        if (!fresh) return undefined;
        object = fresh;
        this.latest.set(key, fresh);
      }
    }
    throw new Error(
      `writing the status of ${this.plural} ${key} conflicted ${maxConflictRetries + 1} times in a row`,
    );
  }

  private newest(key: string, known: ObjectWithStatus<S>): ObjectWithStatus<S> {
    const latest = this.latest.get(key);
    if (!latest || latest.metadata?.uid !== known.metadata?.uid) return known;
    return latest;
  }

  private async read(object: ObjectWithStatus<S>): Promise<ObjectWithStatus<S> | undefined> {
    try {
      return (await this.api.getNamespacedCustomObject({
        group: this.group,
        version: this.version,
        plural: this.plural,
        namespace: object.metadata?.namespace ?? '',
        name: object.metadata?.name ?? '',
      })) as ObjectWithStatus<S>;
    } catch (error) {
      if (apiStatusCode(error) === 404) return undefined;
      throw error;
    }
  }
}
