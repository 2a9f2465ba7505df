import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { group, version } from '../../src/api/group.ts';
import { startTestCluster, type AppEventObject, type TestCluster } from '../support/cluster.ts';
import { waitFor } from '../support/wait.ts';
import {
  leaseDurationMs,
  retryPeriodMs,
  spawnOperator,
  startControlledReceiver,
  type ControlledReceiver,
  type OperatorProcess,
} from './leader-support.ts';

/** Events in the stream; the leader is killed after a third of them arrived. */
const eventCount = 18;

describe('leader failover', () => {
  let cluster: TestCluster;
  let folder: string;
  let kubeconfigPath: string;
  let receiver: ControlledReceiver;
  const processes: OperatorProcess[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster();
    folder = await mkdtemp(join(tmpdir(), 'herald-failover-'));
    kubeconfigPath = join(folder, 'kubeconfig');
    await writeFile(kubeconfigPath, cluster.server.kubeconfig());
    await cluster.createNamespace('shop');
    // A short response delay keeps a delivery in flight most of the time.
    receiver = await startControlledReceiver(150);
    await cluster.createSecret('shop', 'hook', { url: `${receiver.url}/hook` });
    await cluster.createNotifier('shop', 'hook', {
      app: 'api',
      platform: 'webhook',
      // Only the test's own event types, so the notifier_* events the operator records about
      // this notifier never occupy its queue.
      events: { selection: 'custom', types: ['app_scaled'] },
      webhook: { urlSecretRef: { name: 'hook', key: 'url' } },
    });
  });

  afterAll(async () => {
    await Promise.all(processes.map((each) => each.kill('SIGKILL')));
    await receiver?.close();
    await cluster?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  async function listEvents(): Promise<AppEventObject[]> {
    const list = (await cluster.custom.listNamespacedCustomObject({
      group,
      version,
      namespace: 'shop',
      plural: 'appevents',
    })) as { items: AppEventObject[] };
    return list.items;
  }

  it('standby takes over after SIGKILL', async () => {
    const leader = spawnOperator(kubeconfigPath, 'replica-a');
    processes.push(leader);
    await leader.waitForLog('became the leader');
    await leader.waitForLog('operator started');
    const standby = spawnOperator(kubeconfigPath, 'replica-b');
    processes.push(standby);
    await standby.waitForLog('health server listening');
    expect((await standby.probe('/readyz')).status).toBe(200);
    expect((await standby.probe('/metrics')).body).toMatch(/^herald_leader 0$/m);

    // The stream: events are created while the leader delivers, and after it died.
    const created: AppEventObject[] = [];
    let killed = false;
    const stream = (async () => {
      for (let index = 0; index < eventCount; index++) {
        created.push(await cluster.createEvent('shop', { app: 'api', type: 'app_scaled' }));
        await waitFor('the stream to advance', () =>
          killed || receiver.requests.length >= index / 2 ? true : undefined,
        );
      }
    })();

    await waitFor('a third of the stream to arrive', () =>
      receiver.requests.length >= eventCount / 3 ? true : undefined,
    );
    const killedAt = Date.now();
    expect(await leader.kill('SIGKILL')).toBe('SIGKILL');
    killed = true;
    // Only what is recorded in the API counts as sent; the dead leader writes nothing more.
    const recorded = new Set<string>();
    for (const event of await listEvents()) {
      for (const delivery of event.status?.deliveries ?? []) {
        if (delivery.state !== 'Pending')
          recorded.add(`${event.metadata?.uid}.${delivery.notifier}`);
      }
    }

    const takeover = await standby.waitForLog('became the leader');
    await stream;
    const finals = await Promise.all(
      created.map((event) => cluster.waitForFinal('shop', event.metadata!.name!, 20_000)),
    );

    expect(recorded.size).toBeGreaterThan(0);
    expect(Number(takeover.time) - killedAt).toBeLessThanOrEqual(
      leaseDurationMs + retryPeriodMs + 1000,
    );
    for (const final of finals) {
      expect(final.status?.phase).toBe('Delivered');
      const id = `${final.metadata?.uid}.hook`;
      const sent = receiver.deliveries(id).length;
      expect(sent, `deliveries of ${final.metadata?.name}`).toBeGreaterThanOrEqual(1);
      if (recorded.has(id)) expect(sent, `recorded delivery ${id} sent again`).toBe(1);
    }
    // At most the one delivery in flight at the kill is sent twice: the queue runs one at a time.
    const repeats = finals.filter(
      (final) => receiver.deliveries(`${final.metadata?.uid}.hook`).length > 1,
    );
    expect(repeats.length).toBeLessThanOrEqual(1);

    const lease = await cluster.kubeConfig
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ namespace: 'default', name: 'herald-operator' });
    expect(lease.spec?.holderIdentity).toBe('replica-b');
    expect((await standby.probe('/metrics')).body).toMatch(/^herald_leader 1$/m);
    expect((await standby.probe('/readyz')).status).toBe(200);
  });
});
