import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHttpReceiver } from '../support/receivers.ts';
import { deliveryOf, startTestCluster, type TestCluster } from '../support/cluster.ts';
import { fastFlags } from '../support/operator.ts';
import { waitFor } from '../support/wait.ts';

const operatorEntry = fileURLToPath(new URL('../../src/cli/operator.ts', import.meta.url));

type Receiver = Awaited<ReturnType<typeof startHttpReceiver>>;

describe('operator restarted with SIGKILL', () => {
  let cluster: TestCluster;
  let folder: string;
  let kubeconfigPath: string;
  let child: ChildProcess | undefined;
  let fast: Receiver;
  let slow: Receiver;
  /** While true, the slow receiver accepts requests and never responds. */
  let slowHangs = false;

  beforeAll(async () => {
    cluster = await startTestCluster();
    folder = await mkdtemp(join(tmpdir(), 'herald-restart-'));
    kubeconfigPath = join(folder, 'kubeconfig');
    await writeFile(kubeconfigPath, cluster.server.kubeconfig());
    await cluster.createNamespace('shop');

    fast = await startHttpReceiver();
    slow = await startHttpReceiver({ respond: () => ({ status: 200, hang: slowHangs }) });
    for (const [name, receiver, events] of [
      ['fast', fast, 'all'],
      ['slow', slow, 'deployments'],
    ] as const) {
      await cluster.createSecret('shop', name, { url: `${receiver.url}/${name}` });
      await cluster.createNotifier('shop', name, {
        app: 'api',
        platform: 'webhook',
        events: { selection: events },
        webhook: { urlSecretRef: { name, key: 'url' } },
      });
    }
  });

  afterEach(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  afterAll(async () => {
    await fast?.close();
    await slow?.close();
    await cluster?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  /** Starts the operator as its own process, as `npm start` does. */
  function startOperatorProcess(): ChildProcess {
    const started = spawn(
      process.execPath,
      [operatorEntry, ...fastFlags, '--http-timeout', '20s', '--log-level', 'warn'],
      {
        env: { ...process.env, KUBECONFIG: kubeconfigPath },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    child = started;
    return started;
  }

  async function kill(process: ChildProcess): Promise<void> {
    const exited = new Promise((resolve) => process.once('exit', resolve));
    process.kill('SIGKILL');
    await exited;
  }

  function deliveriesOf(receiver: Receiver, eventUid: string) {
    return receiver.requests.filter((request) =>
      String(request.headers['herald-delivery']).startsWith(`${eventUid}.`),
    );
  }

  it('finishes events created while it was down and repeats none', async () => {
    let operator = startOperatorProcess();
    const first = await cluster.createEvent('shop', { app: 'api', type: 'app_scaled' });
    expect((await cluster.waitForFinal('shop', first.metadata!.name!)).status?.phase).toBe(
      'Delivered',
    );
    await kill(operator);

    const second = await cluster.createEvent('shop', { app: 'api', type: 'app_scaled' });
    operator = startOperatorProcess();
    const final = await cluster.waitForFinal('shop', second.metadata!.name!);

    expect(final.status?.phase).toBe('Delivered');
    expect(deliveriesOf(fast, first.metadata!.uid!)).toHaveLength(1);
    expect(deliveriesOf(fast, second.metadata!.uid!)).toHaveLength(1);
    await kill(operator);
  });

  it('resends only the unrecorded delivery after a kill mid-dispatch', async () => {
    slowHangs = true;
    let operator = startOperatorProcess();
    const event = await cluster.createEvent('shop', { app: 'api', type: 'app_deployed' });
    const uid = event.metadata!.uid!;
    await waitFor('the fast delivery to be recorded and the slow one to be in flight', async () => {
      const current = await cluster.getEvent('shop', event.metadata!.name!);
      const fastRecorded = deliveryOf(current, 'fast')?.state === 'Delivered';
      return fastRecorded && deliveriesOf(slow, uid).length === 1 ? true : undefined;
    });
    await kill(operator);
    const pending = await cluster.getEvent('shop', event.metadata!.name!);
    expect(pending.status?.phase).toBe('Pending');
    expect(deliveryOf(pending, 'slow')?.state).toBe('Pending');

    slowHangs = false;
    operator = startOperatorProcess();
    const final = await cluster.waitForFinal('shop', event.metadata!.name!);

    expect(final.status?.phase).toBe('Delivered');
    expect(deliveriesOf(fast, uid)).toHaveLength(1);
    expect(deliveriesOf(slow, uid)).toHaveLength(2);
    expect(
      new Set(deliveriesOf(slow, uid).map((request) => request.headers['herald-delivery'])).size,
    ).toBe(1);
    await kill(operator);
  });
});
