import type { CustomObjectsApi } from '@kubernetes/client-node';
import type { AppEventStatus } from '../api/app-event.ts';
import { appEventNames, group, version } from '../api/group.ts';
import type { Clock } from '../util/clock.ts';
import type { Logger } from '../util/log.ts';
import { apiStatusCode, describeApiError } from './kube.ts';
import type { ObjectWithStatus } from './status-writer.ts';

/** Options of EventRetention. */
export interface EventRetentionOptions {
  api: CustomObjectsApi;
  /** The AppEvents known now, such as the informers' caches. */
  list: () => Iterable<
    ObjectWithStatus<AppEventStatus> & { metadata?: { creationTimestamp?: unknown } }
  >;
  /** Processed AppEvents are deleted this many ms after they were finished. */
  retentionMs: number;
  /** Interval between sweeps in ms; a tenth of the retention, at most 10 minutes, by default. */
  intervalMs?: number;
  clock: Clock;
  logger: Logger;
}

/** The AppEvent that a sweep deleted. */
export interface DeletedEvent {
  namespace: string;
  name: string;
}

/**
 * Deletes processed AppEvents, those in a final phase, once `retentionMs` has passed since they
 * were finished, so that the store does not grow without bound. Pending events are never
 * deleted, however old.
 */
export class EventRetention {
  private readonly options: EventRetentionOptions;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(options: EventRetentionOptions) {
    this.options = options;
  }

  /** Starts sweeping every interval; the first sweep runs after one interval. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Stops sweeping; resolves once a sweep under way has ended. */
  async stop(): Promise<void> {
    this.stopping.abort(new Error('retention stopped'));
    await this.loop;
  }

  /** Deletes every processed AppEvent past the retention time, one after the other. */
  async sweep(): Promise<DeletedEvent[]> {
    const now = this.options.clock.now();
    const deleted: DeletedEvent[] = [];
    for (const object of [...this.options.list()]) {
      if (this.stopping.signal.aborted) break;
      const finishedAt = finishedTime(object);
      if (finishedAt === undefined || now - finishedAt < this.options.retentionMs) continue;
      if (await this.delete(object)) {
        deleted.push({
          namespace: object.metadata?.namespace ?? '',
          name: object.metadata?.name ?? '',
        });
      }
    }
    if (deleted.length > 0) {
      this.options.logger.info(
        { deleted: deleted.length, retentionMs: this.options.retentionMs },
        'deleted processed app events past the retention time',
      );
    }
    return deleted;
  }

  private async run(): Promise<void> {
    const intervalMs =
      this.options.intervalMs ??
      Math.min(10 * 60_000, Math.max(1000, this.options.retentionMs / 10));
    for (;;) {
      try {
        await this.options.clock.sleep(intervalMs, this.stopping.signal);
      } catch {
        return;
      }
      await this.sweep();
    }
  }

  /** Deletes one AppEvent, on condition that it is still the object that was checked. */
  private async delete(object: ObjectWithStatus<AppEventStatus>): Promise<boolean> {
    const namespace = object.metadata?.namespace ?? '';
    const name = object.metadata?.name ?? '';
    try {
      await this.options.api.deleteNamespacedCustomObject({
        group,
        version,
        plural: appEventNames.plural,
        namespace,
        name,
        body: { preconditions: { uid: object.metadata?.uid ?? '' } },
      });
      return true;
    } catch (error) {
      const code = apiStatusCode(error);
      // 404: already gone; 409: a new event took the name, and it is checked on its own.
      if (code === 404 || code === 409) return false;
      this.options.logger.warn(
        { namespace, event: name, error: describeApiError(error) },
        'deleting a processed app event failed; retrying on the next sweep',
      );
      return false;
    }
  }
}

/**
 * Computes when a processed AppEvent was finished, in ms since the Unix epoch: the latest of its
 * processedAt and of its deliveries' last attempts. Returns undefined while it is not final.
 */
export function finishedTime(
  object: ObjectWithStatus<AppEventStatus> & { metadata?: { creationTimestamp?: unknown } },
): number | undefined {
  const status = object.status;
  if (!status?.phase || status.phase === 'Pending') return undefined;

  const times = [
    status.processedAt,
    ...(status.deliveries ?? []).flatMap((delivery) => [
      delivery.lastAttemptAt,
      delivery.deliveredAt,
    ]),
  ]
    .map((text) => Date.parse(text ?? ''))
    .filter((time) => Number.isFinite(time));
  if (times.length > 0) return Math.max(...times);

  const created = object.metadata?.creationTimestamp;
  const fallback = created instanceof Date ? created.getTime() : Date.parse(String(created ?? ''));
  return Number.isFinite(fallback) ? fallback : undefined;
}
