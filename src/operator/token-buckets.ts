import type { Clock } from '../util/clock.ts';

/** Options of TokenBuckets. */
export interface TokenBucketsOptions {
  /** Tokens a bucket holds, and so the takes that may happen back to back. */
  burst: number;
  /** Time that refills one token, in ms. */
  refillIntervalMs: number;
  /** Maximum number of buckets kept; the least recently used go first and come back full. */
  maxBuckets: number;
  clock: Clock;
}

interface Bucket {
  tokens: number;
  refilledAt: number;
}

/** One token bucket per key, such as per involved object of an Event. */
export class TokenBuckets {
  private readonly options: TokenBucketsOptions;
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: TokenBucketsOptions) {
    this.options = options;
  }

  /**
   * Takes a token of `key`, sleeping on the clock until one is available. Resolves to true with
   * the token, or to false once `signal` aborts.
   */
  async take(key: string, signal: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal.aborted) return false;
      const bucket = this.refill(key);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return true;
      }
      const waitMs = Math.ceil((1 - bucket.tokens) * this.options.refillIntervalMs);
      try {
        await this.options.clock.sleep(waitMs, signal);
      } catch {
        return false;
      }
    }
  }

  private refill(key: string): Bucket {
    const { burst, refillIntervalMs, maxBuckets, clock } = this.options;
    const now = clock.now();
    const bucket = this.buckets.get(key) ?? { tokens: burst, refilledAt: now };
    const earned = Math.max(0, now - bucket.refilledAt) / refillIntervalMs;
    bucket.tokens = Math.min(burst, bucket.tokens + earned);
    bucket.refilledAt = now;
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    for (const [oldest] of this.buckets) {
      if (this.buckets.size <= maxBuckets) break;
      this.buckets.delete(oldest);
    }
    return bucket;
  }
}
