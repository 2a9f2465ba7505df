import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpReceiver } from '../support/receivers.ts';
import { deliveryOf, startTestCluster, type TestCluster } from '../support/cluster.ts';
import { startTestOperator, type TestOperator } from '../support/operator.ts';

type Receiver = Awaited<ReturnType<typeof startHttpReceiver>>;

describe('app event phases', () => {
  let cluster: TestCluster;
  let operator: TestOperator;
  let receiver: Receiver;

  beforeAll(async () => {
    cluster = await startTestCluster();
    receiver = await startHttpReceiver({
      respond: (request) => ({ status: request.path === '/down' ? 503 : 200 }),
    });
    await cluster.createNamespace('shop');
    for (const name of ['up', 'down']) {
      await cluster.createSecret('shop', name, { url: `${receiver.url}/${name}` });
      await cluster.createNotifier('shop', name, {
        app: 'api',
        platform: 'webhook',
        webhook: { urlSecretRef: { name, key: 'url' } },
      });
    }
    operator = await startTestOperator(cluster, ['--event-max-age', '1h', '--max-attempts', '2']);
  });

  afterAll(async () => {
    await operator?.stop();
    await receiver?.close();
    await cluster?.close();
  });

  it('records an event older than the maximum age as Expired', async () => {
    const occurredAt = new Date(Date.now() - 2 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const event = await cluster.createEvent('shop', {
      app: 'api',
      type: 'app_deployed',
      occurredAt,
    });

    const final = await cluster.waitForFinal('shop', event.metadata!.name!);

    expect(final.status?.phase).toBe('Expired');
    expect(final.status?.message).toContain('maximum age');
    expect(final.status?.deliveries ?? []).toHaveLength(0);
  });

  it('records PartiallyFailed when one of two notifiers fails', async () => {
    const event = await cluster.createEvent('shop', {
      app: 'api',
      type: 'app_scaled',
      actor: 'alice',
      data: { from: { web: 1 }, to: { web: 3 } },
    });

    const final = await cluster.waitForFinal('shop', event.metadata!.name!);

    expect(final.status?.phase).toBe('PartiallyFailed');
    expect(deliveryOf(final, 'up')?.state).toBe('Delivered');
    expect(deliveryOf(final, 'down')?.state).toBe('Failed');
    expect(deliveryOf(final, 'down')?.attempts).toBe(2);
    expect(deliveryOf(final, 'down')?.lastError).toContain('503');
    expect(final.status?.processedAt).toBeDefined();
  });

  it('records an event of a type the operator does not know as Failed', async () => {
    await cluster.updateCrdSchema('appevents.herald.dev', (schema) => {
      delete schema.properties?.spec?.properties?.type?.enum;
    });

    const event = await cluster.createEvent('shop', { app: 'api', type: 'app_exploded' as never });
    const final = await cluster.waitForFinal('shop', event.metadata!.name!);

    expect(final.status?.phase).toBe('Failed');
    expect(final.status?.message).toContain('spec.type');
    expect(final.status?.message).toContain('app_exploded');
    const next = await cluster.createEvent('shop', { app: 'api', type: 'app_restarted' });
    expect((await cluster.waitForFinal('shop', next.metadata!.name!)).status?.phase).toBe(
      'PartiallyFailed',
    );
  });
});
