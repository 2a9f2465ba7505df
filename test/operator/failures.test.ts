import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpReceiver } from '../support/receivers.ts';
import { deliveryOf, startTestCluster, type TestCluster } from '../support/cluster.ts';
import { startTestOperator, type TestOperator } from '../support/operator.ts';

type Receiver = Awaited<ReturnType<typeof startHttpReceiver>>;

describe('operator delivery failures', () => {
  let cluster: TestCluster;
  let operator: TestOperator;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster();
    await cluster.createNamespace('shop');
    operator = await startTestOperator(cluster, ['--http-timeout', '300ms', '--max-attempts', '3']);
  });

  afterAll(async () => {
    await operator?.stop();
    for (const receiver of receivers) await receiver.close();
    await cluster?.close();
  });

  /** Creates a webhook notifier for `app` posting to a receiver that responds with `respond`. */
  async function notifierWith(
    app: string,
    respond: Parameters<typeof startHttpReceiver>[0] extends infer O
      ? O extends { respond?: infer R }
        ? R
        : never
      : never,
  ): Promise<Receiver> {
    const receiver = await startHttpReceiver({ respond });
    receivers.push(receiver);
    await cluster.createSecret('shop', app, { url: `${receiver.url}/hook` });
    await cluster.createNotifier('shop', app, {
      app,
      platform: 'webhook',
      events: { selection: 'deployments' },
      webhook: { urlSecretRef: { name: app, key: 'url' } },
    });
    await cluster.waitForReady('shop', app, 'True', 'Ready');
    return receiver;
  }

  it('retries a 500 and records the delivery', async () => {
    const receiver = await notifierWith('flaky', (_request, index) => ({
      status: index === 0 ? 500 : 200,
    }));

    const event = await cluster.createEvent('shop', { app: 'flaky', type: 'app_deployed' });
    const final = await cluster.waitForFinal('shop', event.metadata!.name!);

    expect(final.status?.phase).toBe('Delivered');
    expect(deliveryOf(final, 'flaky')?.attempts).toBe(2);
    expect(deliveryOf(final, 'flaky')?.deliveredAt).toBeDefined();
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[0]?.headers['herald-delivery']).toBe(
      receiver.requests[1]?.headers['herald-delivery'],
    );
  });

  it('does not retry a 404', async () => {
    const receiver = await notifierWith('gone', () => ({ status: 404 }));

    const event = await cluster.createEvent('shop', { app: 'gone', type: 'app_deployed' });
    const final = await cluster.waitForFinal('shop', event.metadata!.name!);

    expect(final.status?.phase).toBe('Failed');
    expect(deliveryOf(final, 'gone')?.attempts).toBe(1);
    expect(deliveryOf(final, 'gone')?.lastError).toContain('404');
    expect(receiver.requests).toHaveLength(1);
  });

  it('times out a hanging receiver and gives up after the last attempt', async () => {
    const receiver = await notifierWith('hang', () => ({ status: 200, hang: true }));

    const event = await cluster.createEvent('shop', { app: 'hang', type: 'app_deployed' });
    const final = await cluster.waitForFinal('shop', event.metadata!.name!);

    expect(final.status?.phase).toBe('Failed');
    expect(deliveryOf(final, 'hang')?.attempts).toBe(3);
    expect(deliveryOf(final, 'hang')?.lastError).toMatch(/timed out/);
    expect(receiver.requests).toHaveLength(3);
  });

  it('never writes the webhook URL into a status or a log line', async () => {
    const receiver = await notifierWith('secretive', () => ({ status: 500 }));
    const event = await cluster.createEvent('shop', { app: 'secretive', type: 'app_deployed' });
    const final = await cluster.waitForFinal('shop', event.metadata!.name!);
    const notifier = await cluster.getNotifier('shop', 'secretive');

    expect(final.status?.phase).toBe('Failed');
    expect(JSON.stringify(final.status)).not.toContain(receiver.url);
    expect(JSON.stringify(notifier.status)).not.toContain(receiver.url);
    expect(operator.logLines.join('\n')).not.toContain(receiver.url);
  });
});
