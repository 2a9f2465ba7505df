import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpReceiver } from '../support/receivers.ts';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { startTestOperator, type TestOperator } from '../support/operator.ts';
import { waitFor } from '../support/wait.ts';

type Receiver = Awaited<ReturnType<typeof startHttpReceiver>>;

const events = {
  selection: 'custom' as const,
  types: ['app_deployed' as const, 'app_scaled' as const, 'app_restarted' as const],
};

describe('operator against a misbehaving API server', () => {
  let cluster: TestCluster;
  let operator: TestOperator;
  let receiver: Receiver;

  beforeAll(async () => {
    cluster = await startTestCluster();
    receiver = await startHttpReceiver();
    await cluster.createNamespace('shop');
    await cluster.createSecret('shop', 'hook', { url: `${receiver.url}/hook` });
    await cluster.createNotifier('shop', 'hook', {
      app: 'api',
      platform: 'webhook',
      events,
      webhook: { urlSecretRef: { name: 'hook', key: 'url' } },
    });
    operator = await startTestOperator(cluster);
  });

  afterAll(async () => {
    await operator?.stop();
    await receiver?.close();
    await cluster?.close();
  });

  async function deliverOne(type: 'app_deployed' | 'app_scaled' | 'app_restarted'): Promise<void> {
    const event = await cluster.createEvent('shop', { app: 'api', type });
    const final = await cluster.waitForFinal('shop', event.metadata!.name!);
    expect(final.status?.phase).toBe('Delivered');
  }

  it('keeps delivering after every watch is closed', async () => {
    await deliverOne('app_deployed');
    cluster.server.faults.closeAllWatches();
    await deliverOne('app_scaled');
  });

  it('re-lists after a 410 and sees notifiers deleted meanwhile', async () => {
    cluster.server.faults.expireHistory();
    cluster.server.faults.closeAllWatches();
    await cluster.createSecret('shop', 'second', { url: `${receiver.url}/second` });
    await cluster.createNotifier('shop', 'second', {
      app: 'api',
      platform: 'webhook',
      events,
      webhook: { urlSecretRef: { name: 'second', key: 'url' } },
    });
    await waitFor('the new notifier to be routed', () =>
      operator.operator.routing.get('shop', 'second') ? true : undefined,
    );

    await deliverOne('app_restarted');
    expect(receiver.requests.filter((request) => request.path === '/second')).toHaveLength(1);
  });

  it('restarts informers stopped by a 500 on the watch', async () => {
    const restartsBefore = operator.operator.informerRestarts();
    cluster.server.faults.failNext({ path: /\/apis\/herald\.dev\//, watch: true }, 2, 500);
    cluster.server.faults.closeAllWatches();

    await waitFor('the informers to restart', () =>
      operator.operator.informerRestarts() > restartsBefore ? true : undefined,
    );
    await deliverOne('app_deployed');
  });
});
