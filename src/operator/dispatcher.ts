import type { AppEvent, AppEventStatus, DeliveryRecord } from '../api/app-event.ts';
import { eventTypeInfo } from '../api/event-types.ts';
import type { Platform } from '../api/platforms.ts';
import type { AttemptResult, Channel, ChannelContext, Notification } from '../channels/types.ts';
import type { NotifierQueues } from '../delivery/notifier-queue.ts';
import { sendWithRetries } from '../delivery/retry.ts';
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
 * Sends each recorded delivery through its notifier's queue, retrying failed attempts, and
 * records every failed attempt and the final outcome in the AppEvent's status. A delivery is
 * sent again only while its record says Pending, so a restart repeats nothing that was recorded.
 */
export class Dispatcher implements DeliveryScheduler {
  private readonly options: DispatcherOptions;
  /** Aborted by `stop`: cancels requests under way. */
  private readonly abort = new AbortController();
  /** Aborted by `drain` and `stop`: no delivery starts, and retry waits end. */
  private readonly draining = new AbortController();
  /** Deliveries running now, so that `drain` can wait for them. */
  private readonly running = new Set<Promise<void>>();
  /** Deliveries queued or running, by `uid/notifier`. */
  private readonly inFlight = new Set<string>();
  /**
   * Deliveries this process finished, by event uid. An informer may still hand over an older copy
   * of the event showing them Pending; this set keeps them from being sent twice.
   */
  private readonly finished = new Map<string, Set<string>>();

  constructor(options: DispatcherOptions) {
    this.options = options;
  }

  schedule(event: AppEvent, delivery: DeliveryRecord): boolean {
    const uid = event.metadata.uid ?? '';
    const key = `${uid}/${delivery.notifier}`;
    if (this.inFlight.has(key) || this.finished.get(uid)?.has(delivery.notifier)) return true;
    if (this.draining.signal.aborted) return false;

    const queue = this.options.queues.get(
      `${event.metadata.namespace}/${delivery.notifier}`,
      delivery.platform,
    );
    const accepted = queue.push(() => this.run(event, delivery));
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
    this.inFlight.add(key);
    return true;
  }

  /** Forgets what was finished for an event that reached a final phase or was deleted. */
  forget(uid: string): void {
    this.finished.delete(uid);
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
    // A delivery still queued when the operator began stopping is left Pending, unsent.
    if (this.draining.signal.aborted) {
      this.inFlight.delete(`${uid}/${delivery.notifier}`);
      return;
    }
    const running = this.deliver(event, delivery);
    this.running.add(running);
    try {
      await running;
    } finally {
      this.running.delete(running);
      this.inFlight.delete(`${uid}/${delivery.notifier}`);
    }
  }

  private async deliver(event: AppEvent, delivery: DeliveryRecord): Promise<void> {
    const { namespace, name } = event.metadata;
    const log = this.options.logger.child({
      namespace,
      app: event.spec.app,
      event: name,
      notifier: delivery.notifier,
    });
    const notification = toNotification(event, delivery, this.options.dashboardUrl);
    const remaining = Math.max(1, this.options.maxAttempts - delivery.attempts);
    const signal = this.draining.signal;
    const info: DeliveryInfo = {
      namespace,
      event: name,
      notifier: delivery.notifier,
      platform: delivery.platform,
    };
    let destinationReason: string | undefined;
    const attempt = async (attemptNumber: number) => {
      const sent = await this.attempt(notification, attemptNumber, info);
      destinationReason = sent.destinationReason;
      return sent.result;
    };

    let outcome: { result: AttemptResult; attempts: number };
    try {
      outcome = await sendWithRetries(attempt, {
        maxAttempts: remaining,
        baseDelayMs: this.options.retryBaseDelayMs,
        maxDelayMs: this.options.retryMaxDelayMs,
        clock: this.options.clock,
        signal,
        onAttempt: async (attempt, result) => {
          if (result.ok || !result.retryable || attempt >= remaining) return;
          this.options.observer?.retrying?.(info);
          log.info(
            { attempt: delivery.attempts + attempt, error: result.error },
            'delivery attempt failed; retrying',
          );
          await this.record(event, delivery.notifier, {
            attempts: delivery.attempts + attempt,
            lastError: result.error,
            lastAttemptAt: timestamp(new Date(this.options.clock.now())),
          });
        },
      });
    } catch (error) {
      if (signal.aborted) return; // Still Pending in the status: the next leader finishes it.
      throw error;
    }

    const attempts = delivery.attempts + outcome.attempts;
    const now = timestamp(new Date(this.options.clock.now()));
    const { result } = outcome;
    if (result.ok) {
      log.info({ attempts }, 'notification delivered');
    } else {
      log.warn({ attempts, error: result.error }, 'delivery failed');
    }
    let finished = this.finished.get(event.metadata.uid ?? '');
    if (!finished) {
      finished = new Set();
      this.finished.set(event.metadata.uid ?? '', finished);
    }
    finished.add(delivery.notifier);
    await this.recordFinal(event, delivery.notifier, {
      state: result.ok ? 'Delivered' : 'Failed',
      attempts,
      lastAttemptAt: now,
      ...(result.ok ? { deliveredAt: now } : { lastError: result.error }),
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
      namespace,
      delivery.notifier,
      result.ok ? undefined : result.error,
    );
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
