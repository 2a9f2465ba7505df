import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/util/clock.ts';
import { startHttpReceiver } from '../support/receivers.ts';
import { deliveryOf, startTestCluster, type TestCluster } from '../support/cluster.ts';
import { startTestOperator, type TestOperator } from '../support/operator.ts';
import { waitFor } from '../support/wait.ts';

type Receiver = Awaited<ReturnType<typeof startHttpReceiver>>;

/**
 * Rate limits and Retry-After, on a clock that moves only when the test advances it, so each step
 * checks what was sent before and after time moves.
 */
describe('delivery pacing', () => {
  const clock = new ManualClock();
  let cluster: TestCluster;
  let operator: TestOperator;
  let receiver: Receiver;
  let limitedCalls = 0;

  beforeAll(async () => {
    cluster = await startTestCluster();
    receiver = await startHttpReceiver({
      respond: (request) => {
        if (request.path !== '/limited') return { status: 200 };
        limitedCalls += 1;
        return limitedCalls === 1
          ? { status: 429, headers: { 'retry-after': '30' } }
          : { status: 200 };
      },
    });
    await cluster.createNamespace('shop');
    for (const [name, platform] of [
      ['chat', 'slack'],
      ['limited', 'webhook'],
    ] as const) {
      await cluster.createSecret('shop', name, { url: `${receiver.url}/${name}` });
      await cluster.createNotifier('shop', name, {
        app: name,
        platform,
        events: { selection: 'custom', types: ['app_scaled', 'app_deployed'] },
        webhook: { urlSecretRef: { name, key: 'url' } },
      });
    }
    operator = await startTestOperator(cluster, ['--resync-interval', '1h'], { clock });
  });

  afterAll(async () => {
    await operator?.stop();
    await receiver?.close();
    await cluster?.close();
  });

  const sentTo = (path: string) => receiver.requests.filter((each) => each.path === path).length;

  /** Waits until the operator waits on the clock with `count` sleeps besides the resync loop. */
  const parked = (count: number) =>
    waitFor(`${count} pending sleeps`, () => (clock.pendingSleeps >= count + 1 ? true : undefined));

  it('queues a burst to Slack at one message per second', async () => {
    const names: string[] = [];
    for (let index = 0; index < 6; index++) {
      const event = await cluster.createEvent('shop', { app: 'chat', type: 'app_scaled' });
      names.push(event.metadata!.name!);
    }

    await waitFor('the first message', () => (sentTo('/chat') === 1 ? true : undefined));
    for (let second = 1; second < 6; second++) {
      await parked(1);
      expect(sentTo('/chat')).toBe(second);
      await clock.advance(999);
      expect(sentTo('/chat')).toBe(second);
      await clock.advance(1);
      await waitFor(`message ${second + 1}`, () =>
        sentTo('/chat') === second + 1 ? true : undefined,
      );
    }

    for (const name of names) {
      expect((await cluster.waitForFinal('shop', name)).status?.phase).toBe('Delivered');
    }
    expect(
      receiver.requests.filter((each) => each.path === '/chat' && each.method !== 'POST'),
    ).toHaveLength(0);
  });

  it('waits as long as Retry-After asks before retrying', async () => {
    const event = await cluster.createEvent('shop', { app: 'limited', type: 'app_deployed' });

    await waitFor('the first attempt', () => (sentTo('/limited') === 1 ? true : undefined));
    await parked(1);
    const retrying = await cluster.getEvent('shop', event.metadata!.name!);
    expect(deliveryOf(retrying, 'limited')?.attempts).toBe(1);
    expect(deliveryOf(retrying, 'limited')?.lastError).toContain('429');
    await clock.advance(29_999);
    expect(sentTo('/limited')).toBe(1);
    await clock.advance(1);
    const final = await cluster.waitForFinal('shop', event.metadata!.name!);

    expect(sentTo('/limited')).toBe(2);
    expect(final.status?.phase).toBe('Delivered');
    expect(deliveryOf(final, 'limited')?.attempts).toBe(2);
  });
});
