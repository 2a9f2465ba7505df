import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpReceiver } from '../support/receivers.ts';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { startTestOperator, type TestOperator } from '../support/operator.ts';

type Receiver = Awaited<ReturnType<typeof startHttpReceiver>>;

const start = Date.parse('2026-12-01T10:00:00Z');

/** RFC 3339 time `minutes` after the start of the test's crash sequence. */
const at = (minutes: number) =>
  new Date(start + minutes * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');

describe('crash counting', () => {
  let cluster: TestCluster;
  let operator: TestOperator;
  let receiver: Receiver;

  beforeAll(async () => {
    cluster = await startTestCluster();
    receiver = await startHttpReceiver();
    await cluster.createNamespace('shop');
    for (const [name, type] of [
      ['throttled', 'app_crashed'],
      ['every', 'app_crashed_repeated'],
    ] as const) {
      await cluster.createSecret('shop', name, { url: `${receiver.url}/${name}` });
      await cluster.createNotifier('shop', name, {
        app: 'api',
        platform: 'webhook',
        events: { selection: 'custom', types: [type] },
        webhook: { urlSecretRef: { name, key: 'url' } },
      });
    }
  });

  afterAll(async () => {
    await operator?.stop();
    await receiver?.close();
    await cluster?.close();
  });

  const flags = ['--event-max-age', '1000h', '--crash-quiet-period', '30m'];

  /** Records a crash at `minutes` and returns its count once the operator has processed it. */
  async function crash(minutes: number, app = 'api'): Promise<number | undefined> {
    const event = await cluster.createEvent('shop', {
      app,
      type: 'app_crashed',
      occurredAt: at(minutes),
      data: { container: 'web-1' },
    });
    const final = await cluster.waitForFinal('shop', event.metadata!.name!);
    return final.status?.crashCount;
  }

  const crashCountsAt = (path: string) =>
    receiver.requests
      .filter((request) => request.path === path)
      .map(
        (request) =>
          (request.json as { event: { data: { crashCount: number } } }).event.data.crashCount,
      );

  it('tells app_crashed of the 2nd, 5th and 12th crash across a restart', async () => {
    operator = await startTestOperator(cluster, flags);
    const counts: (number | undefined)[] = [];
    for (let index = 1; index <= 6; index++) counts.push(await crash(index));

    await operator.stop();
    operator = await startTestOperator(cluster, flags);
    for (let index = 7; index <= 13; index++) counts.push(await crash(index));

    expect(counts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(crashCountsAt('/throttled')).toEqual([2, 5, 12]);
    expect(crashCountsAt('/every')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it('starts a new run after a deployment, a restart or a quiet period', async () => {
    expect(await crash(100, 'worker')).toBe(1);
    expect(await crash(101, 'worker')).toBe(2);

    const deployed = await cluster.createEvent('shop', {
      app: 'worker',
      type: 'app_deployed',
      occurredAt: at(102),
    });
    await cluster.waitForFinal('shop', deployed.metadata!.name!);
    expect(await crash(103, 'worker')).toBe(1);
    expect(await crash(104, 'worker')).toBe(2);

    const restarted = await cluster.createEvent('shop', {
      app: 'worker',
      type: 'app_restarted',
      occurredAt: at(105),
    });
    await cluster.waitForFinal('shop', restarted.metadata!.name!);
    expect(await crash(106, 'worker')).toBe(1);

    expect(await crash(140, 'worker')).toBe(1);
    expect(await crash(150, 'worker')).toBe(2);
  });
});
