import type { AppEvent, AppEventStatus, DeliveryRecord } from '../api/app-event.ts';
import { eventTypeInfo } from '../api/event-types.ts';
import type { Platform } from '../api/platforms.ts';
import type { AttemptResult, Channel, ChannelContext, Notification } from '../channels/types.ts';
import type { NotifierQueues } from '../delivery/notifier-queue.ts';
import { retryDelayMs } from '../delivery/retry.ts';
import type { Clock } from '../util/clock.ts';
import type { Logger } from '../util/log.ts';
import type { DeliveryInfo, DeliveryObserver } from './delivery-observer.ts';
import { finalPhase, timestamp, type DeliveryScheduler } from './event-controller.ts';
import { failureReason } from './failure-reason.ts';
import type { NotifierController } from './notifier-controller.ts';
import type { StatusWriter } from './status-writer.ts';

export interface DispatcherOptions {
  queues: NotifierQueues;
  notifiers: NotifierController;
  statusWriter: StatusWriter<AppEventStatus>;
  channels: ReadonlyMap<Platform, Channel>;
  context: Omit<ChannelContext, 'signal' | 'now'>;
  /** Base URL of the dashboard, for the link to the app in each message. */
  dashboardUrl?: string;
  /** Attempts per delivery, the first included, counted across operator restarts. */
  maxAttempts: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  clock: Clock;
  logger: Logger;
  /** Receives attempts and outcomes, for metrics and Kubernetes Events. */
  observer?: DeliveryObserver;
}

/**
 * Sends each recorded delivery through its notifier's queue and records every failed attempt and
 * the final outcome in the AppEvent's status. Each queue turn makes one attempt: a retry waits
 * for its backoff outside the queue and then queues again, so one failing event never holds back
 * the notifier's later events. A 429 pauses the whole notifier for its Retry-After. A delivery is
 * sent again only while its record is Pending, so a restart repeats nothing that was recorded.
 */
export class Dispatcher implements DeliveryScheduler {
  private readonly options: DispatcherOptions;
  /** Aborted by `stop`: cancels requests under way. */
  private readonly abort = new AbortController();
  /** Aborted by `drain` and `stop`: no delivery starts, and retry waits end. */
  private readonly draining = new AbortController();
  /** Deliveries running now, so that `drain` can wait for them. */
  private readonly running = new Set<Promise<unknown>>();
  /** Deliveries queued, running or waiting for a retry: the namespace by `uid/notifier`. */
  private readonly inFlight = new Map<string, string>();
  /**
   * Deliveries this process finished, by event uid. An informer may still hand over an older copy
   * of the event showing them Pending; this set keeps them from being sent twice.
   */
  private readonly finished = new Map<string, Set<string>>();
  /** Deleted events whose queued deliveries must not be sent. */
  private readonly cancelled = new Set<string>();

  constructor(options: DispatcherOptions) {
    this.options = options;
  }

  schedule(event: AppEvent, delivery: DeliveryRecord): boolean {
    const uid = event.metadata.uid ?? '';
    const key = `${uid}/${delivery.notifier}`;
    if (this.inFlight.has(key) || this.finished.get(uid)?.has(delivery.notifier)) return true;
    if (this.draining.signal.aborted || this.cancelled.has(uid)) return false;

    if (!this.options.notifiers.get(event.metadata.namespace, delivery.notifier)) {
      // A deleted notifier sends nothing, so its backlog fails at once rather than at its rate.
      this.inFlight.set(key, event.metadata.namespace);
      void this.finish(event, delivery, delivery.attempts, {
        ok: false,
        retryable: false,
        error: `Notifier "${delivery.notifier}" was deleted, or its spec became invalid, before the event was delivered`,
      }).finally(() => this.inFlight.delete(key));
      return true;
    }
    const accepted = this.enqueue(event, delivery);
    if (!accepted) {
      this.options.logger.warn(
        {
          namespace: event.metadata.namespace,
          event: event.metadata.name,
          notifier: delivery.notifier,
        },
        'notifier queue is full; the delivery stays pending until the next resync',
      );
      return false;
    }
    this.inFlight.set(key, event.metadata.namespace);
    return true;
  }

  /** Forgets what was finished for an event that reached a final phase. */
  forget(uid: string): void {
    this.finished.delete(uid);
  }

  /**
   * Drops the queued deliveries of a deleted notifier. They stay Pending, and the next resync
   * records them as failed at once instead of at the notifier's rate.
   */
  notifierRemoved(namespace: string, name: string): void {
    void this.options.queues.remove(`${namespace}/${name}`);
    for (const [key, eventNamespace] of this.inFlight) {
      if (eventNamespace === namespace && key.endsWith(`/${name}`)) this.inFlight.delete(key);
    }
  }

  /** Drops the deliveries of a deleted event that have not started yet. */
  cancel(uid: string): void {
    this.finished.delete(uid);
    if ([...this.inFlight.keys()].some((key) => key.startsWith(`${uid}/`))) this.cancelled.add(uid);
  }

  private enqueue(event: AppEvent, delivery: DeliveryRecord): boolean {
    const queue = this.options.queues.get(
      `${event.metadata.namespace}/${delivery.notifier}`,
      delivery.platform,
    );
    return queue.push(() => this.run(event, delivery));
  }

  /** Number of deliveries queued or running. */
  get pending(): number {
    return this.inFlight.size;
  }

  /** Stops starting attempts and aborts retry waits and requests under way. */
  stop(): void {
    this.draining.abort(new Error('operator is stopping'));
    this.abort.abort(new Error('operator is stopping'));
  }

  /**
   * Stops gracefully: no delivery starts and retry waits end at once, so those deliveries stay
   * Pending with their attempts recorded. Attempts under way get up to `timeoutMs`, or until
   * `signal` aborts, to finish and have their outcome recorded. Then `stop` aborts the rest,
   * which stay Pending for the next leader. Resolves once no delivery runs.
   */
  async drain(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    this.draining.abort(new Error('operator is stopping'));
    if (timeoutMs > 0 && this.running.size > 0 && !signal?.aborted) {
      const deadline = new AbortController();
      const cutShort = () => deadline.abort();
      signal?.addEventListener('abort', cutShort, { once: true });
      const timedOut = this.options.clock
        .sleep(timeoutMs, deadline.signal)
        .then(() => true)
        .catch(() => signal?.aborted === true);
      const finished = Promise.allSettled([...this.running]).then(() => false);
      const aborting = await Promise.race([finished, timedOut]);
      signal?.removeEventListener('abort', cutShort);
      if (aborting) {
        this.options.logger.warn(
          { deliveries: this.running.size, timeoutMs },
          'deliveries still running when the shutdown drain ended; aborting them, they stay Pending',
        );
      }
      deadline.abort();
    }
    this.stop();
    await Promise.allSettled([...this.running]);
  }

  private async run(event: AppEvent, delivery: DeliveryRecord): Promise<void> {
    const uid = event.metadata.uid ?? '';
    // A delivery still queued when the operator began stopping is left Pending, unsent, and one
    // of a deleted event is dropped.
    if (this.draining.signal.aborted || this.cancelled.has(uid)) {
      this.release(uid, delivery.notifier);
      return;
    }
    const running = this.deliver(event, delivery);
    this.running.add(running);
    let retryScheduled = false;
    try {
      retryScheduled = await running;
    } finally {
      this.running.delete(running);
      if (!retryScheduled) this.release(uid, delivery.notifier);
    }
  }

  /** Marks a delivery as no longer queued, running or waiting for a retry. */
  private release(uid: string, notifier: string): void {
    this.inFlight.delete(`${uid}/${notifier}`);
    if (
      this.cancelled.has(uid) &&
      ![...this.inFlight.keys()].some((key) => key.startsWith(`${uid}/`))
    ) {
      this.cancelled.delete(uid);
    }
  }

  /**
   * Makes one attempt and records it. Resolves to true when a retry was scheduled, in which case
   * the delivery stays in flight until the retry runs.
   */
  private async deliver(event: AppEvent, delivery: DeliveryRecord): Promise<boolean> {
    const info = deliveryInfo(event, delivery);
    const notification = toNotification(event, delivery, this.options.dashboardUrl);
    const attempts = delivery.attempts + 1;
    const sent = await this.attempt(notification, attempts, info);
    const { result } = sent;

    if (result.ok || !result.retryable || attempts >= this.options.maxAttempts) {
      await this.finish(event, delivery, attempts, result, sent.destinationReason);
      return false;
    }
    // Stopping: the attempt is not recorded, so the next leader makes it again.
    if (this.draining.signal.aborted) return false;

    this.options.observer?.retrying?.(info);
    const delayMs = retryDelayMs(attempts, result, {
      baseDelayMs: this.options.retryBaseDelayMs,
      maxDelayMs: this.options.retryMaxDelayMs,
    });
    this.logger(event, delivery).info(
      { attempt: attempts, error: result.error, delayMs },
      'delivery attempt failed; retrying',
    );
    await this.record(event, delivery.notifier, {
      attempts,
      lastError: result.error,
      lastAttemptAt: timestamp(new Date(this.options.clock.now())),
    });
    if (result.retryAfterMs !== undefined) {
      // The receiver asked the notifier to slow down, which holds for its other events too.
      this.options.queues
        .get(`${event.metadata.namespace}/${delivery.notifier}`, delivery.platform)
        .pause(delayMs);
    }
    void this.retryLater(event, { ...delivery, attempts }, delayMs);
    return true;
  }

  /** Queues a delivery again once its backoff has passed; it stays Pending if stopped first. */
  private async retryLater(event: AppEvent, delivery: DeliveryRecord, delayMs: number) {
    const uid = event.metadata.uid ?? '';
    try {
      await this.options.clock.sleep(delayMs, this.draining.signal);
    } catch {
      this.release(uid, delivery.notifier);
      return;
    }
    if (this.cancelled.has(uid) || !this.enqueue(event, delivery)) {
      this.release(uid, delivery.notifier);
    }
  }

  /** Records the final outcome of a delivery and reports it. */
  private async finish(
    event: AppEvent,
    delivery: DeliveryRecord,
    attempts: number,
    result: AttemptResult,
    destinationReason?: string,
  ): Promise<void> {
    const info = deliveryInfo(event, delivery);
    const now = timestamp(new Date(this.options.clock.now()));
    const log = this.logger(event, delivery);
    if (result.ok) log.info({ attempts }, 'notification delivered');
    else log.warn({ attempts, error: result.error }, 'delivery failed');

    const uid = event.metadata.uid ?? '';
    let finished = this.finished.get(uid);
    if (!finished) {
      finished = new Set();
      this.finished.set(uid, finished);
    }
    finished.add(delivery.notifier);
    await this.recordFinal(event, delivery.notifier, {
      state: result.ok ? 'Delivered' : 'Failed',
      attempts,
      lastAttemptAt: now,
      ...(result.ok ? { deliveredAt: now, lastError: undefined } : { lastError: result.error }),
    });
    this.options.observer?.finished?.({
      ...info,
      ok: result.ok,
      attempts,
      reason: failureReason(result, destinationReason),
      ...(result.ok ? {} : { error: result.error }),
      ...(event.metadata.creationTimestamp
        ? { eventCreatedAt: event.metadata.creationTimestamp }
        : {}),
    });
    this.options.notifiers.recordOutcome(
      event.metadata.namespace,
      delivery.notifier,
      result.ok ? undefined : result.error,
    );
  }

  private logger(event: AppEvent, delivery: DeliveryRecord) {
    return this.options.logger.child({
      namespace: event.metadata.namespace,
      app: event.spec.app,
      event: event.metadata.name,
      notifier: delivery.notifier,
    });
  }

  /**
   * Makes one attempt. `destinationReason` is set when the notifier's destination could not be
   * resolved, so that no request was sent.
   */
  private async attempt(
    notification: Notification,
    attempt: number,
    info: DeliveryInfo,
  ): Promise<{ result: AttemptResult; destinationReason?: string }> {
    const { namespace, name } = notification.notifier;
    const destination = await this.options.notifiers.destinationFor(namespace, name);
    if (!destination.ok) {
      const result: AttemptResult = {
        ok: false,
        retryable: destination.retryable,
        error: destination.message,
      };
      return { result, destinationReason: destination.reason };
    }
    const channel = this.options.channels.get(destination.platform);
    if (!channel) {
      return {
        result: {
          ok: false,
          retryable: false,
          error: `no channel for platform ${destination.platform}`,
        },
        destinationReason: 'UnsupportedPlatform',
      };
    }
    this.options.logger.trace({ namespace, notifier: name, attempt }, 'delivery attempt');
    const started = performance.now();
    const result = await channel.deliver(notification, destination.destination, {
      ...this.options.context,
      signal: this.abort.signal,
      now: () => new Date(this.options.clock.now()),
    });
    const durationMs = performance.now() - started;
    this.options.observer?.attempted?.({ ...info, ok: result.ok, durationMs });
    return { result };
  }

  /**
   * Records a final outcome, retrying while the API server fails: once sent, a delivery must be
   * recorded, or a restarted operator sends it again.
   */
  private async recordFinal(
    event: AppEvent,
    notifier: string,
    change: Partial<DeliveryRecord>,
  ): Promise<void> {
    for (let failures = 0; ; failures++) {
      try {
        await this.record(event, notifier, change);
        return;
      } catch (error) {
        const delayMs = Math.min(this.options.retryMaxDelayMs, 500 * 2 ** failures);
        this.options.logger.warn(
          {
            namespace: event.metadata.namespace,
            event: event.metadata.name,
            notifier,
            err: error,
            delayMs,
          },
          'recording a delivery outcome failed; retrying',
        );
        try {
          await this.options.clock.sleep(delayMs, this.abort.signal);
        } catch {
          return;
        }
      }
    }
  }

  /** Merges `change` into one delivery record and recomputes the phase. */
  private async record(
    event: AppEvent,
    notifier: string,
    change: Partial<DeliveryRecord>,
  ): Promise<void> {
    await this.options.statusWriter.update(event, (current) => {
      const status = current.status;
      if (!status?.deliveries) return undefined;
      const existing = status.deliveries.find((delivery) => delivery.notifier === notifier);
      if (!existing || existing.state !== 'Pending') return undefined;
      const deliveries = status.deliveries.map((delivery) =>
        delivery.notifier === notifier ? { ...delivery, ...change } : delivery,
      );
      return { ...status, deliveries, phase: finalPhase(deliveries) ?? 'Pending' };
    });
  }
}

function deliveryInfo(event: AppEvent, delivery: DeliveryRecord): DeliveryInfo {
  return {
    namespace: event.metadata.namespace,
    event: event.metadata.name,
    notifier: delivery.notifier,
    platform: delivery.platform,
  };
}

function toNotification(
  event: AppEvent,
  delivery: DeliveryRecord,
  dashboardUrl: string | undefined,
): Notification {
  const info = eventTypeInfo(event.spec.type);
  return {
    event: {
      uid: event.metadata.uid ?? '',
      name: event.metadata.name,
      namespace: event.metadata.namespace,
      app: event.spec.app,
      type: event.spec.type,
      displayName: info.displayName,
      description: info.description,
      occurredAt: event.spec.occurredAt ?? event.metadata.creationTimestamp ?? '',
      ...(event.spec.actor ? { actor: event.spec.actor } : {}),
      data: {
        ...event.spec.data,
        ...(event.status?.crashCount === undefined ? {} : { crashCount: event.status.crashCount }),
      },
    },
    notifier: {
      name: delivery.notifier,
      namespace: event.metadata.namespace,
      platform: delivery.platform,
    },
    deliveryId: `${event.metadata.uid}.${delivery.notifier}`,
    ...(dashboardUrl
      ? {
          appUrl: `${dashboardUrl}/${encodeURIComponent(event.metadata.namespace)}/${encodeURIComponent(event.spec.app)}`,
        }
      : {}),
  };
}
