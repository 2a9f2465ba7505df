import type { AttemptResult } from '../channels/types.ts';
import type { Clock } from '../util/clock.ts';

/** Options of sendWithRetries. */
export interface RetryOptions {
  /** Attempts in total, the first included, at least 1. */
  maxAttempts: number;
  /** Backoff before the second attempt in milliseconds. It doubles for each later attempt. */
  baseDelayMs: number;
  /** Upper bound of the exponential backoff, in milliseconds. */
  maxDelayMs: number;
  /** Upper bound on a receiver's Retry-After in milliseconds, maxRetryAfterMs by default. */
  maxRetryAfterMs?: number;
  clock: Clock;
  /** Signal that stops the retries, after which sendWithRetries rejects with its reason. */
  signal?: AbortSignal;
  /** Uniform random number in [0, 1) for the jitter, Math.random by default. */
  random?: () => number;
  /** Callback after every attempt, before any backoff. Its rejection stops the retries. */
  onAttempt?: (attempt: number, result: AttemptResult) => void | Promise<void>;
}

/** The final outcome and the number of attempts made. */
export interface RetryOutcome {
  result: AttemptResult;
  attempts: number;
}

/**
 * Default cap on a receiver's Retry-After: 5 minutes. A longer value is cut to it, so that a
 * receiver cannot park a delivery for hours.
 */
export const maxRetryAfterMs = 5 * 60_000;

/**
 * Runs `attempt` until it succeeds, fails permanently, or `maxAttempts` is reached, sleeping on
 * `clock` between attempts. Attempts are numbered from 1. The backoff and the retry decision
 * are those of retryDelayMs. An abort of `signal` rejects with the signal's reason, as other
 * AbortSignal APIs do, so that a caller can tell a cancelled delivery from a failed one. An
 * attempt that succeeded or failed permanently before the abort was seen still returns its result.
 */
export async function sendWithRetries(
  attempt: (attemptNumber: number) => Promise<AttemptResult>,
  options: RetryOptions,
): Promise<RetryOutcome> {
  validateRetryOptions(options);
  const { signal } = options;

  for (let attemptNumber = 1; ; attemptNumber++) {
    signal?.throwIfAborted();
    const result = await attempt(attemptNumber);
    await options.onAttempt?.(attemptNumber, result);

    if (result.ok || !result.retryable) return { result, attempts: attemptNumber };
    signal?.throwIfAborted();
    if (attemptNumber >= options.maxAttempts) return { result, attempts: attemptNumber };

    await options.clock.sleep(retryDelayMs(attemptNumber, result, options), signal);
  }
}

/**
 * Computes the backoff after failed attempt number `attemptNumber` (from 1), in milliseconds.
 * The exponential delay is `baseDelayMs * 2^(attemptNumber - 1)`, capped at `maxDelayMs`, with
 * "equal jitter": a uniform value between half the delay and the full delay, so that delays grow
 * and never collapse to zero. A Retry-After from the receiver, capped at `maxRetryAfterMs`, is a
 * lower bound: the result is never shorter than what the receiver asked for.
 */
export function retryDelayMs(
  attemptNumber: number,
  result: AttemptResult,
  options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'maxRetryAfterMs' | 'random'>,
): number {
  const exponential = Math.min(
    options.maxDelayMs,
    options.baseDelayMs * 2 ** Math.min(attemptNumber - 1, 52),
  );
  const random = options.random ?? Math.random;
  const jittered = Math.round(exponential / 2 + (random() * exponential) / 2);

  const retryAfter = result.ok ? undefined : result.retryAfterMs;
  if (retryAfter === undefined) return jittered;
  const cappedRetryAfter = Math.min(retryAfter, options.maxRetryAfterMs ?? maxRetryAfterMs);
  return Math.max(jittered, cappedRetryAfter);
}

function validateRetryOptions(options: RetryOptions): void {
  if (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1) {
    throw new RangeError(
      `invalid maxAttempts ${options.maxAttempts}: it must be an integer of at least 1`,
    );
  }
  if (!(options.baseDelayMs >= 0) || !(options.maxDelayMs >= options.baseDelayMs)) {
    throw new RangeError(
      `invalid backoff: baseDelayMs ${options.baseDelayMs} must be at least 0 and maxDelayMs ${options.maxDelayMs} at least baseDelayMs`,
    );
  }
}
