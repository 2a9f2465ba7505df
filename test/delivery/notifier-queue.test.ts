import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  NotifierQueue,
  NotifierQueues,
  defaultRateLimits,
  type NotifierQueueOptions,
} from '../../src/delivery/notifier-queue.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { createLogger } from '../../src/util/log.ts';

/** Creates a promise that the test resolves by hand. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** Lets pending callbacks run, so that a negative check runs after the queue's next step. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function queue(clock: ManualClock, options: Partial<NotifierQueueOptions> = {}): NotifierQueue {
  return new NotifierQueue({ capacity: 100, ratePerSecond: 1000, burst: 100, clock, ...options });
}

describe('NotifierQueue', () => {
  it('runs tasks in order, one at a time', async () => {
    const clock = new ManualClock();
    const tasks = queue(clock);
    const order: number[] = [];
    let running = 0;
    let maxRunning = 0;

    for (let index = 0; index < 5; index += 1) {
      tasks.push(async () => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await settle();
        order.push(index);
        running -= 1;
      });
    }
    await tasks.onIdle();

    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(maxRunning).toBe(1);
  });

  it('rejects tasks beyond capacity', async () => {
    const clock = new ManualClock();
    const tasks = queue(clock, { capacity: 2 });
    const gate = deferred();
    let started = 0;
    const task = async () => {
      started += 1;
      await gate.promise;
    };

    expect(tasks.push(task)).toBe(true);
    await waitFor(() => started === 1, 'the first task to start');
    expect(tasks.push(task)).toBe(true);
    expect(tasks.push(task)).toBe(true);
    expect(tasks.push(task)).toBe(false);
    expect(tasks.size).toBe(2);

    gate.resolve();
    await tasks.onIdle();
    expect(started).toBe(3);
    expect(tasks.size).toBe(0);
  });

  it('starts tasks no faster than the rate limit', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const tasks = queue(clock, { ratePerSecond: 1, burst: 2 });
    const startedAt: number[] = [];
    for (let index = 0; index < 4; index += 1) {
      tasks.push(async () => {
        startedAt.push(clock.now() - start);
      });
    }

    await waitFor(() => startedAt.length === 2 && clock.pendingSleeps === 1, 'the burst');
    await clock.advance(999);
    await settle();
    expect(startedAt).toEqual([0, 0]);

    await clock.advance(1);
    await waitFor(() => startedAt.length === 3, 'the third task');
    await clock.advance(1000);
    await tasks.onIdle();
    expect(startedAt).toEqual([0, 0, 1000, 2000]);
  });

  it('refills the bucket while idle, up to the burst', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const tasks = queue(clock, { ratePerSecond: 1, burst: 2 });
    const startedAt: number[] = [];
    const task = async () => {
      startedAt.push(clock.now() - start);
    };

    tasks.push(task);
    tasks.push(task);
    await tasks.onIdle();
    await clock.advance(10_000);
    for (let index = 0; index < 3; index += 1) tasks.push(task);
    await waitFor(() => startedAt.length === 4, 'the refilled burst');
    await clock.advance(1000);
    await tasks.onIdle();

    expect(startedAt).toEqual([0, 0, 10_000, 10_000, 11_000]);
  });

  it('waits out a pause', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const tasks = queue(clock);
    const startedAt: number[] = [];

    tasks.pause(5000);
    tasks.push(async () => {
      startedAt.push(clock.now() - start);
    });
    await waitFor(() => clock.pendingSleeps === 1, 'the queue to wait');
    await clock.advance(4999);
    await settle();
    expect(startedAt).toEqual([]);

    await clock.advance(1);
    await tasks.onIdle();
    expect(startedAt).toEqual([5000]);
  });

  it('pauses after a task asks for it', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const tasks = queue(clock);
    const startedAt: number[] = [];

    tasks.push(async () => {
      startedAt.push(clock.now() - start);
      tasks.pause(30_000);
      tasks.pause(1000);
    });
    tasks.push(async () => {
      startedAt.push(clock.now() - start);
    });
    await waitFor(() => clock.pendingSleeps === 1, 'the pause');
    await clock.advance(29_999);
    await settle();
    expect(startedAt).toEqual([0]);

    await clock.advance(1);
    await tasks.onIdle();
    expect(startedAt).toEqual([0, 30_000]);
  });

  it('goes on after a task throws', async () => {
    const clock = new ManualClock();
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ level: 'error' }, destination);
    const tasks = queue(clock, { logger, key: 'shop/shop-slack' });
    const ran: string[] = [];

    tasks.push(async () => {
      throw new TypeError('POST https://hooks.slack.com/services/T000/B000/XXXX failed');
    });
    tasks.push(() => Promise.reject('a string'));
    tasks.push(async () => {
      ran.push('third');
    });
    await tasks.onIdle();
    await waitFor(() => lines.length === 2, 'two log records');

    expect(ran).toEqual(['third']);
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((record) => record.errorName)).toEqual(['TypeError', 'string']);
    expect(records[0]?.notifier).toBe('shop/shop-slack');
    expect(lines.join('')).not.toContain('hooks.slack.com');
  });

  it('closes after the running task ends, dropping the waiting ones', async () => {
    const clock = new ManualClock();
    const tasks = queue(clock);
    const gate = deferred();
    const ran: string[] = [];

    tasks.push(async () => {
      ran.push('running');
      await gate.promise;
      ran.push('finished');
    });
    tasks.push(async () => {
      ran.push('waiting');
    });
    await waitFor(() => ran.length === 1, 'the first task to start');

    let closed = false;
    const closing = tasks.close().then(() => {
      closed = true;
    });
    await settle();
    expect(closed).toBe(false);
    expect(tasks.push(async () => {})).toBe(false);

    gate.resolve();
    await closing;
    expect(ran).toEqual(['running', 'finished']);
    expect(tasks.size).toBe(0);
    await tasks.onIdle();
  });

  it('closes while waiting for a token', async () => {
    const clock = new ManualClock();
    const tasks = queue(clock, { ratePerSecond: 1, burst: 1 });
    const ran: number[] = [];
    tasks.push(async () => {
      ran.push(1);
    });
    tasks.push(async () => {
      ran.push(2);
    });
    await waitFor(() => clock.pendingSleeps === 1, 'the wait for a token');

    await tasks.close();
    expect(clock.pendingSleeps).toBe(0);
    expect(ran).toEqual([1]);
  });

  it('onIdle resolves at once when idle', async () => {
    const tasks = queue(new ManualClock());
    await tasks.onIdle();
    expect(tasks.busy).toBe(false);
  });

  it.each([
    ['zero rate', { ratePerSecond: 0 }, /ratePerSecond must be a number above 0, got 0/],
    ['burst below one', { burst: 0.5 }, /burst must be a number of at least 1, got 0.5/],
    ['zero capacity', { capacity: 0 }, /capacity must be an integer of at least 1, got 0/],
    ['infinite rate', { ratePerSecond: Infinity }, /ratePerSecond/],
  ])('rejects %s', (_name, options, error) => {
    expect(() => queue(new ManualClock(), options)).toThrow(error);
  });
});

describe('NotifierQueues', () => {
  it('keeps one queue per notifier', () => {
    const queues = new NotifierQueues({ clock: new ManualClock() });
    const first = queues.get('shop/a', 'slack');
    expect(queues.get('shop/a', 'slack')).toBe(first);
    expect(queues.get('shop/b', 'slack')).not.toBe(first);
    expect(queues.get('staging/a', 'slack')).not.toBe(first);
    expect(queues.size).toBe(3);
  });

  it('never lets a slow notifier delay another', async () => {
    const clock = new ManualClock();
    const queues = new NotifierQueues({ clock });
    const slow = queues.get('shop/slow', 'webhook');
    const limited = queues.get('shop/limited', 'slack');
    const fast = queues.get('shop/fast', 'webhook');
    const gate = deferred();
    const done: string[] = [];

    slow.push(() => gate.promise);
    slow.push(async () => {
      done.push('slow');
    });
    for (let index = 0; index < 3; index += 1) {
      limited.push(async () => {
        done.push('limited');
      });
    }
    for (let index = 0; index < 3; index += 1) {
      fast.push(async () => {
        done.push('fast');
      });
    }
    await fast.onIdle();

    expect(done.filter((name) => name === 'fast')).toHaveLength(3);
    expect(done).not.toContain('slow');
    expect(done.filter((name) => name === 'limited')).toHaveLength(1);
    expect(slow.size).toBe(1);

    gate.resolve();
    await clock.advance(2000);
    await Promise.all([slow.onIdle(), limited.onIdle()]);
    expect(done.filter((name) => name === 'limited')).toHaveLength(3);
    expect(done).toContain('slow');
  });

  it('limits Slack to one message per second', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const queues = new NotifierQueues({ clock });
    const slack = queues.get('shop/slack', 'slack');
    const startedAt: number[] = [];
    for (let index = 0; index < 3; index += 1) {
      slack.push(async () => {
        startedAt.push(clock.now() - start);
      });
    }

    await waitFor(() => startedAt.length === 1 && clock.pendingSleeps === 1, 'the first send');
    await clock.advance(2000);
    await slack.onIdle();
    expect(startedAt).toEqual([0, 1000, 2000]);
    expect(defaultRateLimits.slack).toEqual({ ratePerSecond: 1, burst: 1 });
  });

  it('takes rate limits that replace the defaults', async () => {
    const clock = new ManualClock();
    const queues = new NotifierQueues({
      clock,
      rateLimits: { slack: { ratePerSecond: 1, burst: 3 } },
    });
    const slack = queues.get('shop/slack', 'slack');
    let started = 0;
    for (let index = 0; index < 3; index += 1) {
      slack.push(async () => {
        started += 1;
      });
    }
    await slack.onIdle();
    expect(started).toBe(3);
  });

  it('applies the new limit when the platform changes', async () => {
    const clock = new ManualClock();
    const queues = new NotifierQueues({ clock });
    const notifierQueue = queues.get('shop/n', 'webhook');
    expect(queues.get('shop/n', 'slack')).toBe(notifierQueue);

    let started = 0;
    for (let index = 0; index < 2; index += 1) {
      notifierQueue.push(async () => {
        started += 1;
      });
    }
    await waitFor(() => started === 1 && clock.pendingSleeps === 1, 'the Slack limit');
    await clock.advance(1000);
    await notifierQueue.onIdle();
    expect(started).toBe(2);
  });

  it('bounds each queue by the capacity option', () => {
    const queues = new NotifierQueues({ clock: new ManualClock(), capacity: 1 });
    const notifierQueue = queues.get('shop/n', 'slack');
    const gate = deferred();
    expect(notifierQueue.push(() => gate.promise)).toBe(true);
    expect(notifierQueue.push(() => gate.promise)).toBe(false);
    gate.resolve();
  });

  it('removes and closes a queue', async () => {
    const queues = new NotifierQueues({ clock: new ManualClock() });
    const removed = queues.get('shop/n', 'slack');
    await queues.remove('shop/n');
    await queues.remove('shop/never-created');

    expect(removed.push(async () => {})).toBe(false);
    expect(queues.size).toBe(0);
    expect(queues.get('shop/n', 'slack')).not.toBe(removed);
  });

  it('closes every queue', async () => {
    const queues = new NotifierQueues({ clock: new ManualClock() });
    const first = queues.get('shop/a', 'slack');
    const second = queues.get('shop/b', 'email');
    await queues.close();

    expect(first.push(async () => {})).toBe(false);
    expect(second.push(async () => {})).toBe(false);
    expect(queues.size).toBe(0);
  });
});
