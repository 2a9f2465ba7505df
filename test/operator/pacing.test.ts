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
        if (request.path === '/failing') return { status: 500 };
        if (request.path === '/mixed') {
          const type = (request.json as { event: { type: string } }).event.type;
          return { status: type === 'app_stopped' ? 503 : 200 };
        }
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
      ['failing', 'webhook'],
      ['mixed', 'webhook'],
      ['backlog', 'slack'],
    ] as const) {
      await cluster.createSecret('shop', name, { url: `${receiver.url}/${name}` });
      await cluster.createNotifier('shop', name, {
        app: name,
        platform,
        events: { selection: 'custom', types: ['app_scaled', 'app_deployed', 'app_stopped'] },
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

  it('lets later events pass one that is waiting to retry', async () => {
    const stopped = await cluster.createEvent('shop', { app: 'mixed', type: 'app_stopped' });
    await waitFor('the failed first attempt', () => (sentTo('/mixed') === 1 ? true : undefined));
    await parked(1);

    const deployed = await cluster.createEvent('shop', { app: 'mixed', type: 'app_deployed' });
    const final = await cluster.waitForFinal('shop', deployed.metadata!.name!);

    expect(final.status?.phase).toBe('Delivered');
    const waiting = await cluster.getEvent('shop', stopped.metadata!.name!);
    expect(waiting.status?.phase).toBe('Pending');
    expect(deliveryOf(waiting, 'mixed')?.attempts).toBe(1);
  });

  it('sends nothing more for a deleted event', async () => {
    const event = await cluster.createEvent('shop', { app: 'failing', type: 'app_deployed' });
    await waitFor('the first attempt', () => (sentTo('/failing') === 1 ? true : undefined));
    await parked(2);

    await cluster.custom.deleteNamespacedCustomObject({
      group: 'herald.dev',
      version: 'v1alpha1',
      plural: 'appevents',
      namespace: 'shop',
      name: event.metadata!.name!,
    });
    await waitFor('the operator to see the deletion', async () => {
      const gone = await cluster.getEvent('shop', event.metadata!.name!).then(
        () => false,
        () => true,
      );
      return gone ? true : undefined;
    });
    await clock.advance(120_000);
    // The queue is first in, first out: a retry of the deleted event would go before this one.
    const marker = await cluster.createEvent('shop', { app: 'failing', type: 'app_deployed' });
    const requestsFor = (uid: string) =>
      receiver.requests.filter((request) =>
        String(request.headers['herald-delivery']).startsWith(`${uid}.`),
      );
    await waitFor('the next event to be sent', () =>
      requestsFor(marker.metadata!.uid!).length === 1 ? true : undefined,
    );

    expect(requestsFor(event.metadata!.uid!)).toHaveLength(1);
  });

  it('fails the backlog of a deleted notifier without waiting for its rate', async () => {
    const names: string[] = [];
    for (let index = 0; index < 4; index++) {
      const event = await cluster.createEvent('shop', { app: 'backlog', type: 'app_deployed' });
      names.push(event.metadata!.name!);
    }
    await waitFor('the first message', () => (sentTo('/backlog') === 1 ? true : undefined));

    await cluster.deleteNotifier('shop', 'backlog');
    await waitFor('the notifier to leave the routing table', () =>
      operator.operator.routing.get('shop', 'backlog') ? undefined : true,
    );
    await clock.advance(3_600_000);
    const finals = [];
    for (const name of names) finals.push(await cluster.waitForFinal('shop', name));

    expect(finals.map((event) => event.status?.phase)).toEqual([
      'Delivered',
      'Failed',
      'Failed',
      'Failed',
    ]);
    expect(deliveryOf(finals[1]!, 'backlog')?.lastError).toContain('was deleted');
    expect(sentTo('/backlog')).toBe(1);
  });
});
