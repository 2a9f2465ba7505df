import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deliveryOf, startTestCluster, type TestCluster } from '../support/cluster.ts';
import { waitFor } from '../support/wait.ts';
import {
  leaseDurationMs,
  spawnOperator,
  startControlledReceiver,
  type ControlledReceiver,
  type OperatorProcess,
} from './leader-support.ts';

describe('graceful shutdown on SIGTERM', () => {
  let cluster: TestCluster;
  let folder: string;
  let kubeconfigPath: string;
  let receiver: ControlledReceiver;
  let processes: OperatorProcess[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster();
    folder = await mkdtemp(join(tmpdir(), 'herald-shutdown-'));
    kubeconfigPath = join(folder, 'kubeconfig');
    await writeFile(kubeconfigPath, cluster.server.kubeconfig());
    await cluster.createNamespace('shop');
    receiver = await startControlledReceiver();
    await cluster.createSecret('shop', 'hook', { url: `${receiver.url}/hook` });
    await cluster.createNotifier('shop', 'hook', {
      app: 'api',
      platform: 'webhook',
      // Only the test's own event types, so the notifier_* events the operator records about
      // this notifier never occupy its queue.
      events: { selection: 'custom', types: ['app_deployed', 'app_scaled'] },
      webhook: { urlSecretRef: { name: 'hook', key: 'url' } },
    });
  });

  afterEach(async () => {
    await Promise.all(processes.map((each) => each.kill('SIGKILL')));
    processes = [];
    receiver.hold = false;
    receiver.release();
  });

  afterAll(async () => {
    await receiver?.close();
    await cluster?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  function start(identity: string, flags: string[] = []): OperatorProcess {
    const started = spawnOperator(kubeconfigPath, identity, flags);
    processes.push(started);
    return started;
  }

  /** Starts a leader and a standby, each with its own lease so tests do not share one. */
  async function startPair(lease: string, leaderFlags: string[] = []) {
    // Held requests must outlast any wait in the test, so that no attempt times out and frees
    // the notifier's queue for the next event while the machine is busy.
    const flags = ['--lease-name', lease, '--http-timeout', '60s'];
    const leader = start(`${lease}-a`, [...flags, ...leaderFlags]);
    await leader.waitForLog('operator started');
    const standby = start(`${lease}-b`, flags);
    await standby.waitForLog('health server listening');
    return { leader, standby };
  }

  async function holder(lease: string): Promise<string | undefined> {
    const read = await cluster.kubeConfig
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ namespace: 'default', name: lease });
    return read.spec?.holderIdentity;
  }

  it('finishes the delivery in flight', async () => {
    const { leader, standby } = await startPair('finish');
    receiver.hold = true;
    const event = await cluster.createEvent('shop', { app: 'api', type: 'app_deployed' });
    const deliveryId = `${event.metadata!.uid}.hook`;
    await waitFor('the delivery to be in flight', () =>
      receiver.deliveries(deliveryId).length === 1 ? true : undefined,
    );

    leader.child.kill('SIGTERM');
    await leader.waitForLog('shutting down');
    expect((await leader.probe('/readyz')).status).toBe(503);
    receiver.release();
    const stoppedAt = Date.now();

    expect(await leader.exited).toBe(0);
    const final = await cluster.getEvent('shop', event.metadata!.name!);
    expect(final.status?.phase).toBe('Delivered');
    expect(leader.logs.some((record) => record.msg === 'released the lease')).toBe(true);
    const takeover = await standby.waitForLog('became the leader');
    expect(Number(takeover.time) - stoppedAt).toBeLessThan(leaseDurationMs);
    expect(await holder('finish')).toBe('finish-b');
    expect(receiver.deliveries(deliveryId)).toHaveLength(1);
  });

  it('leaves Pending at the deadline', async () => {
    const { leader, standby } = await startPair('deadline', ['--shutdown-timeout', '300ms']);
    receiver.hold = true;
    const first = await cluster.createEvent('shop', { app: 'api', type: 'app_deployed' });
    const second = await cluster.createEvent('shop', { app: 'api', type: 'app_scaled' });
    const firstId = `${first.metadata!.uid}.hook`;
    await waitFor('the first delivery to be in flight and the second to be queued', async () => {
      const queued = await cluster.getEvent('shop', second.metadata!.name!);
      return receiver.deliveries(firstId).length === 1 && queued.status?.phase === 'Pending'
        ? true
        : undefined;
    });

    expect(await leader.kill('SIGTERM')).toBe(0);
    const firstLeft = await cluster.getEvent('shop', first.metadata!.name!);
    const secondLeft = await cluster.getEvent('shop', second.metadata!.name!);
    expect(deliveryOf(firstLeft, 'hook')?.state).toBe('Pending');
    expect(deliveryOf(secondLeft, 'hook')?.state).toBe('Pending');
    expect(receiver.deliveries(`${second.metadata!.uid}.hook`)).toHaveLength(0);

    receiver.hold = false;
    receiver.release();
    await standby.waitForLog('became the leader');
    const firstFinal = await cluster.waitForFinal('shop', first.metadata!.name!);
    const secondFinal = await cluster.waitForFinal('shop', second.metadata!.name!);
    expect(firstFinal.status?.phase).toBe('Delivered');
    expect(secondFinal.status?.phase).toBe('Delivered');
    // The aborted attempt was never recorded, so the next leader sends it again, once.
    expect(receiver.deliveries(firstId)).toHaveLength(2);
    expect(receiver.deliveries(`${second.metadata!.uid}.hook`)).toHaveLength(1);
  });

  it('stops a standby cleanly', async () => {
    const { leader, standby } = await startPair('standby');

    expect(await standby.kill('SIGTERM')).toBe(0);
    expect(await holder('standby')).toBe('standby-a');
    expect((await leader.probe('/readyz')).status).toBe(200);
  });
});
