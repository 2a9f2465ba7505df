import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEventStatus } from '../../src/api/app-event.ts';
import { group, version } from '../../src/api/group.ts';
import { EventRetention, finishedTime } from '../../src/operator/retention.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { silentLogger } from '../../src/util/log.ts';
import { startTestCluster, type AppEventObject, type TestCluster } from '../support/cluster.ts';
import { startTestOperator } from '../support/operator.ts';
import { startHttpReceiver, type HttpReceiver } from '../support/receivers.ts';
import { waitFor } from '../support/wait.ts';

const day = 24 * 3_600_000;
const now = Date.parse('2026-03-10T00:00:00Z');
const at = (msBeforeNow: number) => new Date(now - msBeforeNow).toISOString();

/** Builds a delivery record finished `msBeforeNow` ms before `now`. */
function delivered(msBeforeNow: number) {
  return {
    notifier: 'hook',
    platform: 'webhook' as const,
    state: 'Delivered' as const,
    attempts: 1,
    lastAttemptAt: at(msBeforeNow),
    deliveredAt: at(msBeforeNow),
  };
}

describe('finishedTime', () => {
  it.each([
    ['no status', undefined, undefined],
    ['Pending', { phase: 'Pending', processedAt: at(2 * day) }, undefined],
    ['NoMatch', { phase: 'NoMatch', processedAt: at(2 * day) }, now - 2 * day],
    [
      'Delivered, from the last attempt',
      { phase: 'Delivered', processedAt: at(2 * day), deliveries: [delivered(3_600_000)] },
      now - 3_600_000,
    ],
    [
      'Failed, from the latest delivery',
      {
        phase: 'PartiallyFailed',
        processedAt: at(3 * day),
        deliveries: [delivered(2 * day), { ...delivered(day), state: 'Failed' as const }],
      },
      now - day,
    ],
  ] as Array<[string, AppEventStatus | undefined, number | undefined]>)(
    '%s',
    (_name, status, expected) => {
      expect(finishedTime({ metadata: { name: 'e' }, ...(status ? { status } : {}) })).toBe(
        expected,
      );
    },
  );

  it('falls back to the creation time', () => {
    const created = new Date(now - day);
    expect(
      finishedTime({ metadata: { creationTimestamp: created }, status: { phase: 'Expired' } }),
    ).toBe(created.getTime());
  });
});

describe('EventRetention', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster();
    await cluster.createNamespace('shop');
  });

  afterAll(async () => {
    await cluster?.close();
  });

  async function createWithStatus(name: string, status: AppEventStatus | undefined) {
    const event = await cluster.createEvent('shop', { app: 'api', type: 'app_scaled' }, name);
    if (!status) return event;
    return (await cluster.custom.replaceNamespacedCustomObjectStatus({
      group,
      version,
      plural: 'appevents',
      namespace: 'shop',
      name,
      body: { ...event, status },
    })) as AppEventObject;
  }

  async function listNames(): Promise<string[]> {
    const list = (await cluster.custom.listNamespacedCustomObject({
      group,
      version,
      namespace: 'shop',
      plural: 'appevents',
    })) as { items: AppEventObject[] };
    return list.items.map((item) => item.metadata?.name ?? '').sort();
  }

  async function listObjects(): Promise<AppEventObject[]> {
    const list = (await cluster.custom.listNamespacedCustomObject({
      group,
      version,
      namespace: 'shop',
      plural: 'appevents',
    })) as { items: AppEventObject[] };
    return list.items;
  }

  it('deletes only processed events finished longer ago than the retention', async () => {
    await createWithStatus('old-delivered', {
      phase: 'Delivered',
      processedAt: at(3 * day),
      deliveries: [delivered(2 * day)],
    });
    await createWithStatus('old-nomatch', { phase: 'NoMatch', processedAt: at(day + 60_000) });
    await createWithStatus('recent-delivered', {
      phase: 'Delivered',
      processedAt: at(2 * day),
      deliveries: [delivered(day - 60_000)],
    });
    await createWithStatus('old-pending', {
      phase: 'Pending',
      processedAt: at(5 * day),
      deliveries: [{ ...delivered(5 * day), state: 'Pending' }],
    });
    await createWithStatus('undecided', undefined);
    let known = await listObjects();
    const retention = new EventRetention({
      api: cluster.custom,
      list: () => known,
      retentionMs: day,
      clock: new ManualClock(now),
      logger: silentLogger,
    });

    const deleted = await retention.sweep();

    expect(deleted.map((each) => each.name).sort()).toEqual(['old-delivered', 'old-nomatch']);
    expect(await listNames()).toEqual(['old-pending', 'recent-delivered', 'undecided']);
    known = await listObjects();
    expect(await retention.sweep()).toEqual([]);
  });

  it('leaves a newer event that took the name of a stale one', async () => {
    const stale = await createWithStatus('reused', { phase: 'NoMatch', processedAt: at(2 * day) });
    await cluster.custom.deleteNamespacedCustomObject({
      group,
      version,
      plural: 'appevents',
      namespace: 'shop',
      name: 'reused',
    });
    await createWithStatus('reused', { phase: 'NoMatch', processedAt: at(2 * day) });
    const retention = new EventRetention({
      api: cluster.custom,
      list: () => [stale],
      retentionMs: day,
      clock: new ManualClock(now),
      logger: silentLogger,
    });

    expect(await retention.sweep()).toEqual([]);
    expect(await listNames()).toContain('reused');
  });

  it('sweeps every interval on the injected clock', async () => {
    const clock = new ManualClock(now);
    await createWithStatus('periodic', { phase: 'Expired', processedAt: at(day / 2) });
    const known = await listObjects();
    const retention = new EventRetention({
      api: cluster.custom,
      list: () => known,
      retentionMs: day,
      intervalMs: 8 * 3_600_000,
      clock,
      logger: silentLogger,
    });
    const parked = () =>
      waitFor('the retention loop to wait for its next sweep', () =>
        clock.pendingSleeps === 1 ? true : undefined,
      );
    retention.start();

    await parked();
    // Finished 12 hours before the start: 20 hours old at the first sweep, 28 at the second.
    await clock.advance(8 * 3_600_000);
    await parked();
    expect(await listNames()).toContain('periodic');
    await clock.advance(8 * 3_600_000);
    await waitFor('the periodic sweep to delete the event', async () =>
      (await listNames()).includes('periodic') ? undefined : true,
    );
    await retention.stop();
    expect(clock.pendingSleeps).toBe(0);
  });
});

describe('operator retention', () => {
  let cluster: TestCluster;
  let receiver: HttpReceiver;

  beforeAll(async () => {
    cluster = await startTestCluster();
    receiver = await startHttpReceiver();
    await cluster.createNamespace('shop');
    await cluster.createSecret('shop', 'hook', { url: `${receiver.url}/hook` });
    await cluster.createNotifier('shop', 'hook', {
      app: 'api',
      platform: 'webhook',
      events: { selection: 'custom', types: ['app_deployed'] },
      webhook: { urlSecretRef: { name: 'hook', key: 'url' } },
    });
  });

  afterAll(async () => {
    await receiver?.close();
    await cluster?.close();
  });

  it('deletes a delivered event once the retention has passed', async () => {
    const operator = await startTestOperator(cluster, [
      '--event-retention',
      '1s',
      '--crash-quiet-period',
      '1s',
    ]);
    try {
      const event = await cluster.createEvent('shop', { app: 'api', type: 'app_deployed' });
      const final = await cluster.waitForFinal('shop', event.metadata!.name!);
      expect(final.status?.phase).toBe('Delivered');

      await waitFor('the delivered event to be deleted', async () => {
        try {
          await cluster.getEvent('shop', event.metadata!.name!);
          return undefined;
        } catch {
          return true;
        }
      });
      expect(receiver.requests).toHaveLength(1);
    } finally {
      await operator.stop();
    }
  });
});
