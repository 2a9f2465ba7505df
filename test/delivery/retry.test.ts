import { describe, expect, it, vi } from 'vitest';
import type { AttemptResult } from '../../src/channels/types.ts';
import {
  maxRetryAfterMs,
  retryDelayMs,
  sendWithRetries,
  type RetryOptions,
} from '../../src/delivery/retry.ts';
import { ManualClock } from '../../src/util/clock.ts';

const retryable: AttemptResult = {
  ok: false,
  retryable: true,
  error: 'HTTP 503 Service Unavailable',
};
const permanent: AttemptResult = { ok: false, retryable: false, error: 'HTTP 404 Not Found' };
const success: AttemptResult = { ok: true, status: 200 };

function retryableAfter(retryAfterMs: number): AttemptResult {
  return { ok: false, retryable: true, retryAfterMs, error: 'HTTP 429 Too Many Requests' };
}

/** An attempt function that returns `results` in order and counts its calls. */
function scripted(results: AttemptResult[]) {
  const calls: number[] = [];
  const attempt = async (attemptNumber: number) => {
    calls.push(attemptNumber);
    return results[Math.min(calls.length - 1, results.length - 1)]!;
  };
  return { attempt, calls };
}

/** Waits until the code under test sleeps on the clock. */
async function parked(clock: ManualClock): Promise<void> {
  await vi.waitFor(() => expect(clock.pendingSleeps).toBe(1), { timeout: 2000, interval: 1 });
}

/**
 * Checks that the next attempt starts exactly `delayMs` after the previous one failed: not one
 * millisecond earlier, and once the full delay passed.
 */
async function expectBackoff(clock: ManualClock, calls: number[], delayMs: number) {
  await parked(clock);
  const before = calls.length;

  await clock.advance(delayMs - 1);
  expect(calls).toHaveLength(before);

  await clock.advance(1);
  await vi.waitFor(() => expect(calls).toHaveLength(before + 1), { timeout: 2000, interval: 1 });
}

function options(clock: ManualClock, overrides: Partial<RetryOptions> = {}): RetryOptions {
  return {
    maxAttempts: 5,
    baseDelayMs: 100,
    maxDelayMs: 500,
    clock,
    random: () => 1,
    ...overrides,
  };
}

describe('sendWithRetries', () => {
  it('returns the first success without sleeping', async () => {
    const clock = new ManualClock();
    const { attempt, calls } = scripted([success]);

    const outcome = await sendWithRetries(attempt, options(clock));

    expect(outcome).toEqual({ result: success, attempts: 1 });
    expect(calls).toEqual([1]);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('grows the delay and caps it', async () => {
    const clock = new ManualClock();
    const { attempt, calls } = scripted([retryable]);

    const pending = sendWithRetries(attempt, options(clock));
    for (const delay of [100, 200, 400, 500]) await expectBackoff(clock, calls, delay);
    const outcome = await pending;

    expect(outcome).toEqual({ result: retryable, attempts: 5 });
    expect(calls).toEqual([1, 2, 3, 4, 5]);
  });

  it('applies jitter between half and all of the delay', async () => {
    const clock = new ManualClock();
    const { attempt, calls } = scripted([retryable, retryable, success]);

    const pending = sendWithRetries(attempt, options(clock, { random: () => 0 }));
    await expectBackoff(clock, calls, 50);
    await expectBackoff(clock, calls, 100);

    expect(await pending).toEqual({ result: success, attempts: 3 });
  });

  it('waits for Retry-After when it is longer than the backoff', async () => {
    const clock = new ManualClock();
    const limited: AttemptResult = retryableAfter(3000);
    const { attempt, calls } = scripted([limited, success]);

    const pending = sendWithRetries(attempt, options(clock));
    await expectBackoff(clock, calls, 3000);

    expect(await pending).toEqual({ result: success, attempts: 2 });
  });

  it('caps Retry-After', async () => {
    const clock = new ManualClock();
    const hostile: AttemptResult = retryableAfter(86_400_000);
    const { attempt, calls } = scripted([hostile, success]);

    const pending = sendWithRetries(attempt, options(clock, { maxRetryAfterMs: 60_000 }));
    await expectBackoff(clock, calls, 60_000);

    expect(await pending).toEqual({ result: success, attempts: 2 });
  });

  it('stops on a permanent failure', async () => {
    const clock = new ManualClock();
    const { attempt, calls } = scripted([retryable, permanent]);

    const pending = sendWithRetries(attempt, options(clock));
    await expectBackoff(clock, calls, 100);

    expect(await pending).toEqual({ result: permanent, attempts: 2 });
    expect(clock.pendingSleeps).toBe(0);
  });

  it('reports every attempt before the backoff', async () => {
    const clock = new ManualClock();
    const { attempt, calls } = scripted([retryable, success]);
    const seen: Array<[number, boolean]> = [];

    const pending = sendWithRetries(attempt, {
      ...options(clock),
      onAttempt: async (attemptNumber, result) => {
        seen.push([attemptNumber, result.ok]);
      },
    });
    await parked(clock);
    expect(seen).toEqual([[1, false]]);
    await expectBackoff(clock, calls, 100);
    await pending;

    expect(seen).toEqual([
      [1, false],
      [2, true],
    ]);
  });

  it('rejects with the reason when aborted during a backoff', async () => {
    const clock = new ManualClock();
    const { attempt, calls } = scripted([retryable]);
    const controller = new AbortController();

    const pending = sendWithRetries(attempt, { ...options(clock), signal: controller.signal });
    await parked(clock);
    controller.abort(new Error('shutting down'));

    await expect(pending).rejects.toThrow('shutting down');
    expect(calls).toEqual([1]);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('rejects without an attempt when already aborted', async () => {
    const clock = new ManualClock();
    const { attempt, calls } = scripted([success]);

    const pending = sendWithRetries(attempt, { ...options(clock), signal: AbortSignal.abort() });

    await expect(pending).rejects.toThrow();
    expect(calls).toEqual([]);
  });

  it.each([
    [{ maxAttempts: 0 }, 'invalid maxAttempts 0'],
    [{ maxAttempts: 1.5 }, 'invalid maxAttempts 1.5'],
    [{ baseDelayMs: -1 }, 'invalid backoff'],
    [{ baseDelayMs: 1000, maxDelayMs: 10 }, 'invalid backoff'],
  ])('rejects options %j', async (overrides, message) => {
    const { attempt } = scripted([success]);

    await expect(sendWithRetries(attempt, options(new ManualClock(), overrides))).rejects.toThrow(
      message,
    );
  });
});

describe('retryDelayMs', () => {
  const base = { baseDelayMs: 1000, maxDelayMs: 30_000 };

  it.each([
    [1, 1, 1000],
    [2, 1, 2000],
    [5, 1, 16_000],
    [6, 1, 30_000],
    [60, 1, 30_000],
    [1, 0, 500],
    [3, 0.5, 3000],
  ])('after attempt %i with random %d waits %i ms', (attemptNumber, random, expected) => {
    expect(retryDelayMs(attemptNumber, retryable, { ...base, random: () => random })).toBe(
      expected,
    );
  });

  it('uses the default Retry-After cap', () => {
    const result = retryableAfter(Number.MAX_SAFE_INTEGER);

    expect(retryDelayMs(1, result, { ...base, random: () => 1 })).toBe(maxRetryAfterMs);
  });
});
