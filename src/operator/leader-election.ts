import type { Clock } from '../util/clock.ts';
import type { Logger } from '../util/log.ts';
import { describeApiError } from './kube.ts';
import type { LeaseLock, LeaseRecord, StoredLease } from './lease-lock.ts';

/** Options of LeaderElector. The three durations follow client-go's leader election. */
export interface LeaderElectorOptions {
  lock: LeaseLock;
  /** Identity of this replica, written as the Lease's holderIdentity. */
  identity: string;
  /**
   * How long a standby waits after it last saw the Lease change before it takes the Lease over,
   * in ms. A whole number of seconds, because the Lease stores it in seconds.
   */
  leaseDurationMs: number;
  /** How long the leader keeps trying to renew before it gives up leading, in ms. */
  renewDeadlineMs: number;
  /** Interval between renewals, and between a standby's attempts to acquire, in ms. */
  retryPeriodMs: number;
  clock: Clock;
  logger: Logger;
}

/** The end of leading: "lost" with the lease, "stopped" after `stop` or `release`. */
export type LeadingEnd = 'lost' | 'stopped';

/**
 * Leader election on a coordination.k8s.io Lease, in the manner of client-go. A standby measures
 * the lease's age with its own clock, from the moment it saw the Lease last change, so clocks
 * that differ between nodes do not matter. It takes over once the lease has gone unrenewed for
 * leaseDuration: within leaseDuration plus retryPeriod after the leader's last renewal. The
 * leader gives up leading once it has failed to renew for renewDeadline. That is shorter than
 * leaseDuration, so it stops working before a standby can take over.
 *
 * NOTE: there is no fencing, as in client-go. A leader whose process was paused for longer than
 * leaseDuration (a stopped container, a frozen VM) may go on sending after a standby took over,
 * until its renew loop runs again and gives up leading.
 */
export class LeaderElector {
  private readonly options: LeaderElectorOptions;
  private readonly stopping = new AbortController();
  private observed: StoredLease | undefined;
  /** Local time at which `observed` was first seen, in ms. */
  private observedAt = 0;
  /** Local time of the last successful renewal, in ms. */
  private renewedAt = 0;
  private leading = false;
  private renewing: Promise<LeadingEnd> | undefined;

  constructor(options: LeaderElectorOptions) {
    this.options = options;
  }

  /** Whether this replica holds the lease, by its last successful read or write of the Lease. */
  get isLeader(): boolean {
    return this.leading;
  }

  /** Holder of the lease as last read, or undefined when none. */
  get holder(): string | undefined {
    return this.observed?.record.holderIdentity || undefined;
  }

  /**
   * Tries to take the lease every retry period until it succeeds. Resolves to true once this
   * replica leads, or to false when `stop` or `release` is called first.
   */
  async acquire(): Promise<boolean> {
    const { clock, retryPeriodMs } = this.options;
    for (;;) {
      if (this.stopping.signal.aborted) return false;
      if (await this.tryAcquireOrRenew(this.options.renewDeadlineMs)) {
        this.leading = true;
        this.renewedAt = clock.now();
        this.options.logger.info(
          { lease: this.options.lock.describe(), identity: this.options.identity },
          'became the leader',
        );
        return true;
      }
      // Waking when the observed lease expires, not a whole retry period later, keeps the
      // takeover within leaseDuration plus retryPeriod of the leader's last renewal.
      const untilExpiry = this.expiresAt() - clock.now();
      const waitMs = untilExpiry > 0 ? Math.min(retryPeriodMs, untilExpiry) : retryPeriodMs;
      try {
        await clock.sleep(waitMs, this.stopping.signal);
      } catch {
        return false;
      }
    }
  }

  /**
   * Renews the lease every retry period while leading. Resolves to "lost" once a renewal has
   * failed for renewDeadline or another replica holds the lease, and to "stopped" after `stop` or
   * `release`. Call once, after `acquire` resolved to true.
   */
  keepRenewing(): Promise<LeadingEnd> {
    this.renewing ??= this.renewLoop();
    return this.renewing;
  }

  /** Ends acquiring and renewing without giving the lease up; a standby waits for it to expire. */
  stop(): void {
    this.stopping.abort(new Error('leader election stopped'));
  }

  /**
   * Stops renewing and gives the lease up, so that a standby takes over at its next attempt
   * instead of waiting for the lease to expire. Does nothing unless this replica leads.
   */
  async release(): Promise<void> {
    this.stop();
    await this.renewing;
    const observed = this.observed;
    if (!this.leading || !observed) return;
    this.leading = false;

    const now = new Date(this.options.clock.now());
    const record: LeaseRecord = {
      holderIdentity: '',
      leaseDurationSeconds: 1,
      acquireTime: now,
      renewTime: now,
      leaseTransitions: observed.record.leaseTransitions,
    };
    const log = { lease: this.options.lock.describe(), identity: this.options.identity };
    try {
      const released = await this.withTimeout(
        this.options.lock.update(record, observed.resourceVersion),
        this.options.renewDeadlineMs,
      );
      if (released) this.options.logger.info(log, 'released the lease');
      else this.options.logger.warn(log, 'the lease changed before it could be released');
    } catch (error) {
      this.options.logger.warn(
        { ...log, error: describeApiError(error) },
        'releasing the lease failed; a standby takes over once it expires',
      );
    }
  }

  private async renewLoop(): Promise<LeadingEnd> {
    const { clock, retryPeriodMs, renewDeadlineMs } = this.options;
    for (;;) {
      try {
        await clock.sleep(retryPeriodMs, this.stopping.signal);
      } catch {
        return 'stopped';
      }

      const deadline = this.renewedAt + renewDeadlineMs;
      for (;;) {
        const remaining = deadline - clock.now();
        if (remaining > 0 && (await this.tryAcquireOrRenew(remaining))) {
          this.renewedAt = clock.now();
          break;
        }
        if (this.stopping.signal.aborted) return 'stopped';
        const other = this.holder !== undefined && this.holder !== this.options.identity;
        if (other || deadline - clock.now() <= 0) return this.lose(other);
        try {
          await clock.sleep(Math.min(retryPeriodMs, deadline - clock.now()), this.stopping.signal);
        } catch {
          return 'stopped';
        }
      }
    }
  }

  private lose(heldByOther: boolean): LeadingEnd {
    this.leading = false;
    this.options.logger.error(
      {
        lease: this.options.lock.describe(),
        identity: this.options.identity,
        holder: this.holder,
        renewDeadlineMs: this.options.renewDeadlineMs,
      },
      heldByOther
        ? 'lost the lease: another replica holds it'
        : 'lost the lease: it could not be renewed within the renew deadline',
    );
    return 'lost';
  }

  /**
   * Makes one attempt to take or renew the lease, bounded by `timeoutMs`. Returns true when
   * this replica holds the lease afterwards. Errors are logged and count as a failed attempt.
   */
  private async tryAcquireOrRenew(timeoutMs: number): Promise<boolean> {
    const { lock, identity, clock } = this.options;
    const now = new Date(clock.now());
    try {
      // A leader writes over the copy it last stored, saving a read per renewal; a conflict
      // sends it down the full path below.
      if (this.leading && this.observed) {
        const renewed = { ...this.observed.record, renewTime: now };
        const stored = await this.withTimeout(
          lock.update(renewed, this.observed.resourceVersion),
          timeoutMs,
        );
        if (stored) return this.observe(stored, now.getTime());
      }

      const current = await this.withTimeout(lock.get(), timeoutMs);
      if (!current) {
        const created = await this.withTimeout(
          lock.create(this.recordFor(undefined, now)),
          timeoutMs,
        );
        return created ? this.observe(created, now.getTime()) : false;
      }
      this.observe(current, now.getTime());
      const holder = current.record.holderIdentity;
      if (holder !== '' && holder !== identity && this.expiresAt() > now.getTime()) return false;

      const record = this.recordFor(current.record, now);
      const stored = await this.withTimeout(
        lock.update(record, current.resourceVersion),
        timeoutMs,
      );
      return stored ? this.observe(stored, now.getTime()) : false;
    } catch (error) {
      this.options.logger.warn(
        { lease: lock.describe(), error: describeApiError(error) },
        'reading or writing the lease failed; retrying',
      );
      return false;
    }
  }

  /** Builds the record that makes this replica the holder, continuing `current`. */
  private recordFor(current: LeaseRecord | undefined, now: Date): LeaseRecord {
    const ours = current?.holderIdentity === this.options.identity;
    return {
      holderIdentity: this.options.identity,
      leaseDurationSeconds: Math.round(this.options.leaseDurationMs / 1000),
      acquireTime: ours ? (current?.acquireTime ?? now) : now,
      renewTime: now,
      leaseTransitions: (current?.leaseTransitions ?? 0) + (current && !ours ? 1 : 0),
    };
  }

  /** Remembers a record read or written; the expiry clock restarts whenever it changed. */
  private observe(stored: StoredLease, now: number): true {
    if (stored.resourceVersion !== this.observed?.resourceVersion) {
      const previous = this.observed?.record.holderIdentity;
      this.observed = stored;
      this.observedAt = now;
      const holder = stored.record.holderIdentity;
      if (holder !== previous && holder !== '' && holder !== this.options.identity) {
        this.options.logger.info(
          { lease: this.options.lock.describe(), holder },
          'another replica leads',
        );
      }
    }
    return true;
  }

  /** Local time at which the observed lease expires, in ms. */
  private expiresAt(): number {
    const seconds = this.observed?.record.leaseDurationSeconds;
    const durationMs = seconds && seconds > 0 ? seconds * 1000 : this.options.leaseDurationMs;
    return this.observedAt + durationMs;
  }

  /** Rejects when `operation` takes longer than `ms`; the request itself is left to finish. */
  private async withTimeout<T>(operation: Promise<T>, ms: number): Promise<T> {
    const timer = new AbortController();
    const timedOut = this.options.clock.sleep(ms, timer.signal).then(
      () => Promise.reject(new Error(`lease request timed out after ${ms} ms`)),
      () => new Promise<never>(() => undefined),
    );
    try {
      return await Promise.race([operation, timedOut]);
    } finally {
      timer.abort();
    }
  }
}
