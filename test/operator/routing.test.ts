import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpReceiver } from '../support/receivers.ts';
import { deliveryOf, startTestCluster, type TestCluster } from '../support/cluster.ts';
import { startTestOperator, type TestOperator } from '../support/operator.ts';
import { waitFor } from '../support/wait.ts';

type Receiver = Awaited<ReturnType<typeof startHttpReceiver>>;

describe('operator routing', () => {
  let cluster: TestCluster;
  let operator: TestOperator;
  let receiver: Receiver;

  beforeAll(async () => {
    cluster = await startTestCluster();
    receiver = await startHttpReceiver();
    for (const namespace of ['shop', 'blog']) await cluster.createNamespace(namespace);
    operator = await startTestOperator(cluster);
  });

  afterAll(async () => {
    await operator?.stop();
    await receiver?.close();
    await cluster?.close();
  });

  /** Creates a webhook notifier of `app` in `namespace` whose Secret points at the receiver. */
  async function webhookNotifier(
    namespace: string,
    name: string,
    app: string,
    events: { selection: 'all' | 'deployments' | 'custom'; types?: string[] },
    active = true,
  ) {
    await cluster.createSecret(namespace, name, { url: `${receiver.url}/${namespace}/${name}` });
    await cluster.createNotifier(namespace, name, {
      app,
      active,
      platform: 'webhook',
      events: events as never,
      webhook: { urlSecretRef: { name, key: 'url' } },
    });
    await waitFor(`routing table to contain ${namespace}/${name}`, () =>
      operator.operator.routing.get(namespace, name) ? true : undefined,
    );
  }

  /** Requests to `path`, without the notifier_* events the operator records about notifiers. */
  function requestsTo(path: string) {
    return receiver.requests.filter((request) => {
      const type = (request.json as { event: { type: string } }).event.type;
      return request.path === path && !type.startsWith('notifier_');
    });
  }

  it('delivers by selection: all, deployments and custom', async () => {
    await webhookNotifier('shop', 'all', 'api', { selection: 'all' });
    await webhookNotifier('shop', 'deploys', 'api', { selection: 'deployments' });
    await webhookNotifier('shop', 'custom', 'api', {
      selection: 'custom',
      types: ['app_crashed_repeated', 'database_backup_failed'],
    });

    const deployed = await cluster.createEvent('shop', { app: 'api', type: 'app_deployed' });
    const crashed = await cluster.createEvent('shop', { app: 'api', type: 'app_crashed_repeated' });
    const scaled = await cluster.createEvent('shop', { app: 'api', type: 'app_scaled' });

    const deployedFinal = await cluster.waitForFinal('shop', deployed.metadata!.name!);
    const crashedFinal = await cluster.waitForFinal('shop', crashed.metadata!.name!);
    const scaledFinal = await cluster.waitForFinal('shop', scaled.metadata!.name!);

    const notifiersOf = (event: typeof deployedFinal) =>
      (event.status?.deliveries ?? []).map((delivery) => delivery.notifier).sort();
    expect(notifiersOf(deployedFinal)).toEqual(['all', 'deploys']);
    expect(notifiersOf(crashedFinal)).toEqual(['all', 'custom']);
    expect(notifiersOf(scaledFinal)).toEqual(['all']);
    for (const event of [deployedFinal, crashedFinal, scaledFinal]) {
      expect(event.status?.phase).toBe('Delivered');
    }

    const typesAt = (path: string) =>
      requestsTo(path).map((request) => (request.json as { event: { type: string } }).event.type);
    expect(typesAt('/shop/all').sort()).toEqual([
      'app_crashed_repeated',
      'app_deployed',
      'app_scaled',
    ]);
    expect(typesAt('/shop/deploys')).toEqual(['app_deployed']);
    expect(typesAt('/shop/custom')).toEqual(['app_crashed_repeated']);
  });

  it('delivers to named notifiers whatever they select', async () => {
    const event = await cluster.createEvent('shop', {
      app: 'api',
      type: 'app_restarted',
      notifiers: ['deploys', 'no-such-notifier'],
    });
    const final = await cluster.waitForFinal('shop', event.metadata!.name!);

    const notifiers = (final.status?.deliveries ?? []).map((delivery) => delivery.notifier).sort();
    expect(notifiers).toEqual(['all', 'deploys']);
    expect(final.status?.phase).toBe('Delivered');
    expect(final.status?.message).toContain('"no-such-notifier"');
  });

  it('records NoMatch for an inactive notifier', async () => {
    await webhookNotifier('shop', 'paused', 'paused-app', { selection: 'all' }, false);

    const event = await cluster.createEvent('shop', { app: 'paused-app', type: 'app_deployed' });
    const final = await cluster.waitForFinal('shop', event.metadata!.name!);

    expect(final.status?.phase).toBe('NoMatch');
    expect(requestsTo('/shop/paused')).toHaveLength(0);
  });

  it('never routes an event to another namespace', async () => {
    await webhookNotifier('blog', 'blog-all', 'api', { selection: 'all' });

    const event = await cluster.createEvent('shop', { app: 'api', type: 'domain_added' });
    const final = await cluster.waitForFinal('shop', event.metadata!.name!);

    expect(deliveryOf(final, 'blog-all')).toBeUndefined();
    expect(requestsTo('/blog/blog-all')).toHaveLength(0);
  });

  it('follows notifier edits and deletions between events', async () => {
    await webhookNotifier('shop', 'editable', 'edit-app', { selection: 'deployments' });

    const before = await cluster.createEvent('shop', { app: 'edit-app', type: 'app_scaled' });
    expect((await cluster.waitForFinal('shop', before.metadata!.name!)).status?.phase).toBe(
      'NoMatch',
    );

    await cluster.patchNotifier('shop', 'editable', { events: { selection: 'all' } });
    await waitFor('the edit to reach the routing table', () =>
      operator.operator.routing.get('shop', 'editable')?.selection === 'all' ? true : undefined,
    );
    const after = await cluster.createEvent('shop', { app: 'edit-app', type: 'app_scaled' });
    expect((await cluster.waitForFinal('shop', after.metadata!.name!)).status?.phase).toBe(
      'Delivered',
    );

    await cluster.deleteNotifier('shop', 'editable');
    await waitFor('the deletion to reach the routing table', () =>
      operator.operator.routing.get('shop', 'editable') ? undefined : true,
    );
    const deleted = await cluster.createEvent('shop', { app: 'edit-app', type: 'app_scaled' });
    expect((await cluster.waitForFinal('shop', deleted.metadata!.name!)).status?.phase).toBe(
      'NoMatch',
    );
    expect(requestsTo('/shop/editable')).toHaveLength(1);
  });

  it('keeps the recorded decision when a notifier is added later', async () => {
    const event = await cluster.createEvent('shop', { app: 'late-app', type: 'app_deployed' });
    const final = await cluster.waitForFinal('shop', event.metadata!.name!);
    expect(final.status?.phase).toBe('NoMatch');

    await webhookNotifier('shop', 'late', 'late-app', { selection: 'all' });
    const again = await cluster.getEvent('shop', event.metadata!.name!);

    expect(again.status?.phase).toBe('NoMatch');
    expect(again.metadata?.resourceVersion).toBe(final.metadata?.resourceVersion);
  });
});
