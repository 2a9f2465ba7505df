import type { Platform } from '../api/platforms.ts';
import { systemClock, type Clock } from '../util/clock.ts';
import { silentLogger, type Logger } from '../util/log.ts';

/** A token bucket: `burst` sends at once, then `ratePerSecond` on average. */
export interface RateLimit {
  /** Tokens added per second. Each task takes one. Must be greater than 0. */
  readonly ratePerSecond: number;
  /** Bucket size: the number of tasks that may start back to back. At least 1. */
  readonly burst: number;
}

/**
 * Default rate limits per platform. Slack documents one message per second per incoming webhook,
 * with short bursts allowed but not guaranteed (https://api.slack.com/docs/rate-limits), so its
 * burst is 1. The other values are Herald's estimates, not vendor limits. Mattermost throttles
 * only when its rate limiting is on, at 10 requests per second with a burst of 100 by default.
 * A 429 from any platform pauses the queue through `pause`.
 */
export const defaultRateLimits: Readonly<Record<Platform, RateLimit>> = {
  slack: { ratePerSecond: 1, burst: 1 },
  mattermost: { ratePerSecond: 2, burst: 5 },
  rocketchat: { ratePerSecond: 1, burst: 5 },
  webhook: { ratePerSecond: 5, burst: 10 },
  email: { ratePerSecond: 1, burst: 5 },
};

/** Default maximum number of tasks waiting in one queue. */
export const defaultQueueCapacity = 1000;

/** Options of one `NotifierQueue`. */
export interface NotifierQueueOptions extends RateLimit {
  /** Maximum number of tasks waiting to start. The running task does not count. */
  readonly capacity: number;
  /** Name used in logs, such as `namespace/name`. */
  readonly key?: string;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/** A queued unit of work, typically one delivery attempt. */
export type QueueTask = () => Promise<void>;

/**
 * The work queue of one notifier: bounded, first in first out, one task at a time, and started no
 * faster than a token bucket allows. A task that throws or rejects is logged and the queue goes
 * on. Tasks should catch and record their own errors, because the queue logs only the error's
 * name, never its message, which may contain a webhook URL.
 */
export class NotifierQueue {
  private readonly options: NotifierQueueOptions;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly waiting: QueueTask[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private readonly stopping = new AbortController();
  private rateLimit: RateLimit;
  private tokens: number;
  private refilledAt: number;
  private pausedUntil = 0;
  private draining: Promise<void> | undefined;
  private closed = false;

  constructor(options: NotifierQueueOptions) {
    validateRateLimit(options);
    if (!Number.isInteger(options.capacity) || options.capacity < 1) {
      throw new RangeError(`capacity must be an integer of at least 1, got ${options.capacity}`);
    }
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.rateLimit = { ratePerSecond: options.ratePerSecond, burst: options.burst };
    this.tokens = options.burst;
    this.refilledAt = this.clock.now();
  }

  /** Number of tasks waiting to start, without the running one. */
  get size(): number {
    return this.waiting.length;
  }

  /** Whether a task is running or waiting for its turn. */
  get busy(): boolean {
    return this.draining !== undefined;
  }

  /** Queues a task. Returns false, and drops the task, when the queue is full or closed. */
  push(task: QueueTask): boolean {
    if (this.closed || this.waiting.length >= this.options.capacity) return false;
    this.waiting.push(task);
    this.draining ??= this.drain();
    return true;
  }

  /**
   * Starts no task for `ms` milliseconds from now, as after a 429 with Retry-After. A running task
   * is not interrupted, and a shorter pause never shortens a longer one.
   */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + Math.max(0, ms));
  }

  /** Changes the rate limit. Tokens already in the bucket are capped at the new burst. */
  setRateLimit(limit: RateLimit): void {
    validateRateLimit(limit);
    this.refill();
    this.rateLimit = { ratePerSecond: limit.ratePerSecond, burst: limit.burst };
    this.tokens = Math.min(this.tokens, limit.burst);
  }

  /** Resolves once no task is running or waiting. */
  onIdle(): Promise<void> {
    if (!this.draining) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops taking tasks: `push` returns false, waiting tasks are dropped and never run, and a wait
   * for a token or a pause ends. Resolves when the running task, if any, has ended.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.waiting.length = 0;
    this.stopping.abort(new Error('notifier queue closed'));
    await this.draining;
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0 && !this.closed) {
      const ready = await this.waitForTurn();
      const task = this.waiting.shift();
      if (!ready || !task) break;
      await this.run(task);
    }

    this.draining = undefined;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Waits out a pause and then for a token. Returns false when the queue was closed meanwhile. */
  private async waitForTurn(): Promise<boolean> {
    for (;;) {
      if (this.closed) return false;
      const now = this.clock.now();
      if (now < this.pausedUntil) {
        if (!(await this.sleep(this.pausedUntil - now))) return false;
        continue;
      }

      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return true;
      }
      const waitMs = Math.ceil(((1 - this.tokens) / this.rateLimit.ratePerSecond) * 1000);
      if (!(await this.sleep(waitMs))) return false;
    }
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsedSeconds = Math.max(0, now - this.refilledAt) / 1000;
    this.tokens = Math.min(
      this.rateLimit.burst,
      this.tokens + elapsedSeconds * this.rateLimit.ratePerSecond,
    );
    this.refilledAt = now;
  }

  /** Sleeps on the clock. Returns false when the queue was closed meanwhile. */
  private async sleep(ms: number): Promise<boolean> {
    try {
      await this.clock.sleep(ms, this.stopping.signal);
      return true;
    } catch {
      return false;
    }
  }

  private async run(task: QueueTask): Promise<void> {
    try {
      await task();
    } catch (error) {
      const errorName = error instanceof Error ? error.name : typeof error;
      this.logger.error(
        { notifier: this.options.key, errorName },
        'notifier queue task failed; the queue goes on',
      );
    }
  }
}

/** Options of `NotifierQueues`. */
export interface NotifierQueuesOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Maximum number of waiting tasks per queue. Defaults to `defaultQueueCapacity`. */
  readonly capacity?: number;
  /** Rate limits that replace the defaults of some platforms. */
  readonly rateLimits?: Partial<Record<Platform, RateLimit>>;
}

/**
 * One `NotifierQueue` per notifier, keyed by `namespace/name` and created on first use, so a slow
 * or rate-limited notifier never delays another.
 */
export class NotifierQueues {
  private readonly options: NotifierQueuesOptions;
  private readonly queues = new Map<string, { queue: NotifierQueue; platform: Platform }>();

  constructor(options: NotifierQueuesOptions = {}) {
    this.options = options;
  }

  /** Number of queues. */
  get size(): number {
    return this.queues.size;
  }

  /**
   * Returns the queue of a notifier, creating it with the rate limit of `platform`. When the
   * platform differs from the one the queue was created with, the queue takes the new limit.
   */
  get(key: string, platform: Platform): NotifierQueue {
    const existing = this.queues.get(key);
    if (existing) {
      if (existing.platform !== platform) {
        existing.queue.setRateLimit(this.rateLimitOf(platform));
        existing.platform = platform;
      }
      return existing.queue;
    }

    const queue = new NotifierQueue({
      ...this.rateLimitOf(platform),
      capacity: this.options.capacity ?? defaultQueueCapacity,
      key,
      clock: this.options.clock ?? systemClock,
      logger: this.options.logger ?? silentLogger,
    });
    this.queues.set(key, { queue, platform });
    return queue;
  }

  /** Closes and removes the queue of a deleted notifier. Resolves when its running task ends. */
  async remove(key: string): Promise<void> {
    const entry = this.queues.get(key);
    if (!entry) return;
    this.queues.delete(key);
    await entry.queue.close();
  }

  /** Closes every queue. Resolves when every running task has ended. */
  async close(): Promise<void> {
    const entries = [...this.queues.values()];
    this.queues.clear();
    await Promise.all(entries.map((entry) => entry.queue.close()));
  }

  private rateLimitOf(platform: Platform): RateLimit {
    return this.options.rateLimits?.[platform] ?? defaultRateLimits[platform];
  }
}

function validateRateLimit(limit: RateLimit): void {
  if (!(limit.ratePerSecond > 0) || !Number.isFinite(limit.ratePerSecond)) {
    throw new RangeError(`ratePerSecond must be a number above 0, got ${limit.ratePerSecond}`);
  }
  if (!(limit.burst >= 1) || !Number.isFinite(limit.burst)) {
    throw new RangeError(`burst must be a number of at least 1, got ${limit.burst}`);
  }
}
