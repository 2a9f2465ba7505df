import {
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  ListWatch,
  Watch,
} from '@kubernetes/client-node';
import { group, version } from '../api/group.ts';
import type { Clock } from '../util/clock.ts';
import type { Logger } from '../util/log.ts';
import { describeApiError, type KubeClients } from './kube.ts';

/** Callbacks of one informer; each receives the object as stored by the API server. */
export interface InformerHandlers<T extends KubernetesObject> {
  add?: (object: T) => void;
  update?: (object: T) => void;
  delete?: (object: T) => void;
}

export interface ResilientInformerOptions<T extends KubernetesObject> {
  kubeConfig: KubeConfig;
  /** Watch path, such as `/apis/herald.dev/v1alpha1/notifiers`. */
  path: string;
  list: () => Promise<KubernetesListObject<T>>;
  handlers: InformerHandlers<T>;
  clock: Clock;
  logger: Logger;
  /** First restart delay after an error, doubled per failure up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * A client-node informer that restarts itself. client-node's ListWatch re-lists on 410 and
 * reconnects closed watches, but any other list or watch error (404, 500, 503, a refused
 * connection) makes it stop for good. This wrapper starts it again with capped exponential
 * backoff until `stop` is called.
 */
export class ResilientInformer<T extends KubernetesObject> {
  private readonly options: ResilientInformerOptions<T>;
  private readonly informer: ListWatch<T>;
  private readonly abort = new AbortController();
  private stopped = false;
  private failures = 0;
  /** The error that stopped the informer and has not been recovered from yet. */
  private pendingError: unknown;
  private restarting: Promise<void> | undefined;
  private markSynced!: () => void;
  /** Resolves once the first list has been received and the watch is open. */
  readonly synced: Promise<void>;
  /** Restarts after errors since construction, for metrics and tests. */
  restarts = 0;

  constructor(options: ResilientInformerOptions<T>) {
    this.options = options;
    this.synced = new Promise((resolve) => (this.markSynced = resolve));
    this.informer = new ListWatch<T>(
      options.path,
      new Watch(options.kubeConfig),
      options.list,
      false,
      undefined,
      undefined,
      { delayFn: (ms) => options.clock.sleep(ms, this.abort.signal).catch(() => undefined) },
    );
    const { add, update, delete: remove } = options.handlers;
    if (add) this.informer.on('add', add);
    if (update) this.informer.on('update', update);
    if (remove) this.informer.on('delete', remove);
    this.informer.on('error', (error) => this.onError(error));
  }

  /**
   * Starts listing and watching, retrying failed starts with backoff. Resolves once synced, or
   * once `stop` is called before that.
   */
  async start(): Promise<void> {
    const stopped = new Promise<void>((resolve) =>
      this.abort.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    await this.startOnce();
    await Promise.race([this.synced, stopped]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.informer.stop();
    await this.restarting;
  }

  /** Returns the objects currently known, as a read-only snapshot. */
  list(namespace?: string): ReadonlyArray<T> {
    return this.informer.list(namespace);
  }

  get(name: string, namespace?: string): T | undefined {
    return this.informer.get(name, namespace);
  }

  private async startOnce(): Promise<boolean> {
    this.pendingError = undefined;
    await this.informer.start();
    if (this.pendingError !== undefined || this.stopped) return false;
    if (this.failures > 0) {
      this.options.logger.info({ path: this.options.path }, 'informer recovered');
    }
    this.failures = 0;
    this.markSynced();
    return true;
  }

  private onError(error: unknown): void {
    // client-node reports its own stop() as an AbortError; a deliberate stop is not a failure.
    if (this.stopped) return;
    this.pendingError = error ?? new Error('informer stopped');
    if (this.restarting) return;
    this.restarting = this.restartLoop().finally(() => {
      this.restarting = undefined;
      if (this.pendingError !== undefined && !this.stopped) this.onError(this.pendingError);
    });
  }

  private async restartLoop(): Promise<void> {
    while (this.pendingError !== undefined && !this.stopped) {
      const error = this.pendingError;
      this.failures += 1;
      this.restarts += 1;
      const base = this.options.baseDelayMs ?? 1000;
      const max = this.options.maxDelayMs ?? 30_000;
      const delayMs = Math.min(max, base * 2 ** (this.failures - 1));
      this.options.logger.warn(
        {
          path: this.options.path,
          error: describeApiError(error),
          failures: this.failures,
          delayMs,
        },
        'informer stopped on an error; restarting',
      );
      try {
        await this.options.clock.sleep(delayMs, this.abort.signal);
      } catch {
        return;
      }
      if (this.stopped) return;
      await this.startOnce();
    }
  }
}

/** Lists and watches one Herald kind, in one namespace or, without one, in all of them. */
export function heraldInformer<T extends KubernetesObject>(
  clients: KubeClients,
  plural: string,
  namespace: string | undefined,
  clock: Clock,
  logger: Logger,
  handlers: { add: (object: T) => void; update: (object: T) => void; delete: (object: T) => void },
): ResilientInformer<T> {
  const base = `/apis/${group}/${version}`;
  const path = namespace ? `${base}/namespaces/${namespace}/${plural}` : `${base}/${plural}`;
  const list = async () =>
    (namespace
      ? await clients.customObjects.listNamespacedCustomObject({
          group,
          version,
          namespace,
          plural,
        })
      : await clients.customObjects.listClusterCustomObject({
          group,
          version,
          plural,
        })) as KubernetesListObject<T>;
  return new ResilientInformer<T>({
    kubeConfig: clients.config,
    path,
    list,
    handlers,
    clock,
    logger,
  });
}
