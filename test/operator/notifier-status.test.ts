import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpReceiver } from '../support/receivers.ts';
import {
  deliveryOf,
  retryOnConflict,
  startTestCluster,
  type TestCluster,
} from '../support/cluster.ts';
import { startTestOperator, type TestOperator } from '../support/operator.ts';
import { waitFor } from '../support/wait.ts';

type Receiver = Awaited<ReturnType<typeof startHttpReceiver>>;

const flags = ['--max-attempts', '2', '--failure-threshold', '2', '--secret-cache-ttl', '1h'];

describe('notifier Ready condition', () => {
  let cluster: TestCluster;
  let operator: TestOperator;
  let receiver: Receiver;
  /** Once true, the receiver responds to the broken notifier's requests with 200. */
  let brokenFixed = false;

  beforeAll(async () => {
    cluster = await startTestCluster();
    receiver = await startHttpReceiver({
      respond: (request) => ({ status: request.path === '/broken' && !brokenFixed ? 500 : 200 }),
    });
    await cluster.createNamespace('shop');
    operator = await startTestOperator(cluster, flags);
  });

  afterAll(async () => {
    await operator?.stop();
    await receiver?.close();
    await cluster?.close();
  });

  it('turns Ready once a missing Secret is created, and delivers', async () => {
    await cluster.createNotifier('shop', 'late-secret', {
      app: 'late',
      platform: 'slack',
      webhook: { urlSecretRef: { name: 'late-secret', key: 'url' } },
    });
    const missing = await cluster.waitForReady('shop', 'late-secret', 'False', 'SecretNotFound');
    const condition = missing.status?.conditions?.find((each) => each.type === 'Ready');
    expect(condition?.message).toContain('Secret "late-secret" not found in namespace "shop"');
    expect(missing.status?.observedGeneration).toBe(missing.metadata?.generation);

    await cluster.createSecret('shop', 'late-secret', { url: `${receiver.url}/late` });
    await cluster.waitForReady('shop', 'late-secret', 'True', 'Ready');
    const event = await cluster.createEvent('shop', { app: 'late', type: 'app_deployed' });
    const final = await cluster.waitForFinal('shop', event.metadata!.name!);

    expect(final.status?.phase).toBe('Delivered');
  });

  it('sends one test notification per annotation value', async () => {
    await cluster.createSecret('shop', 'tested', { url: `${receiver.url}/tested` });
    await cluster.createNotifier('shop', 'tested', {
      app: 'tested',
      platform: 'slack',
      events: { selection: 'deployments' },
      webhook: { urlSecretRef: { name: 'tested', key: 'url' } },
    });
    await cluster.waitForReady('shop', 'tested', 'True', 'Ready');

    const annotate = (value: string) =>
      retryOnConflict(async () => {
        const current = await cluster.getNotifier('shop', 'tested');
        const annotations = { ...current.metadata?.annotations, 'herald.dev/send-test': value };
        await cluster.custom.replaceNamespacedCustomObject({
          group: 'herald.dev',
          version: 'v1alpha1',
          plural: 'notifiers',
          namespace: 'shop',
          name: 'tested',
          body: { ...current, metadata: { ...current.metadata, annotations } },
        });
      });
    const lastTest = (value: string) =>
      waitFor(`the outcome of test ${value}`, async () => {
        const notifier = await cluster.getNotifier('shop', 'tested');
        return notifier.status?.lastTest?.request === value ? notifier.status.lastTest : undefined;
      });
    const tests = () => receiver.requests.filter((request) => request.path === '/tested');

    await annotate('1');
    expect((await lastTest('1')).outcome).toBe('Delivered');
    expect(tests()).toHaveLength(1);
    expect(tests()[0]?.body).toContain('Test notification');

    await cluster.patchNotifier('shop', 'tested', { active: true, events: { selection: 'all' } });
    await annotate('2');
    expect((await lastTest('2')).outcome).toBe('Delivered');
    expect(tests().filter((request) => request.body.includes('Test notification'))).toHaveLength(2);
  });

  it('names a missing key', async () => {
    await cluster.createSecret('shop', 'no-key', { other: 'x' });
    await cluster.createNotifier('shop', 'no-key', {
      app: 'nokey',
      platform: 'mattermost',
      webhook: { urlSecretRef: { name: 'no-key', key: 'url' } },
    });

    const notifier = await cluster.waitForReady('shop', 'no-key', 'False', 'SecretKeyNotFound');
    const condition = notifier.status?.conditions?.find((each) => each.type === 'Ready');

    expect(condition?.message).toContain('has no key "url"');

    // The Secret is cached for an hour in this suite: an added key must count at once anyway.
    await cluster.core.replaceNamespacedSecret({
      namespace: 'shop',
      name: 'no-key',
      body: {
        metadata: { name: 'no-key' },
        stringData: { other: 'x', url: `${receiver.url}/nokey` },
      },
    });
    await cluster.waitForReady('shop', 'no-key', 'True', 'Ready');
  });

  it('rejects a URL that is not http or https without echoing it', async () => {
    await cluster.createSecret('shop', 'ftp', { url: 'ftp://files.example.com/secret-token' });
    await cluster.createNotifier('shop', 'ftp', {
      app: 'ftp',
      platform: 'webhook',
      webhook: { urlSecretRef: { name: 'ftp', key: 'url' } },
    });

    const notifier = await cluster.waitForReady('shop', 'ftp', 'False', 'InvalidDestination');
    const condition = notifier.status?.conditions?.find((each) => each.type === 'Ready');

    expect(condition?.message).toMatch(/http/);
    expect(condition?.message).not.toContain('secret-token');
  });

  it('rejects a link-local address before sending', async () => {
    // Only the decision is checked: the operator refuses before it opens any connection.
    await cluster.createSecret('shop', 'metadata', {
      url: 'http://169.254.169.254/latest/meta-data',
    });
    await cluster.createNotifier('shop', 'metadata', {
      app: 'metadata',
      platform: 'webhook',
      events: { selection: 'deployments' },
      webhook: { urlSecretRef: { name: 'metadata', key: 'url' } },
    });

    const notifier = await cluster.waitForReady('shop', 'metadata', 'False', 'BlockedAddress');
    const condition = notifier.status?.conditions?.find((each) => each.type === 'Ready');
    expect(condition?.message).toContain('link-local');
    expect(condition?.message).toContain('Secret "metadata" key "url"');
    expect(condition?.message).not.toContain('meta-data');

    const event = await cluster.createEvent('shop', { app: 'metadata', type: 'app_deployed' });
    const final = await cluster.waitForFinal('shop', event.metadata!.name!);
    expect(final.status?.phase).toBe('Failed');
    expect(deliveryOf(final, 'metadata')?.attempts).toBe(1);
  });

  it('turns not Ready after repeated failures and Ready again after a success', async () => {
    await cluster.createSecret('shop', 'broken', { url: `${receiver.url}/broken` });
    await cluster.createNotifier('shop', 'broken', {
      app: 'broken',
      platform: 'webhook',
      events: { selection: 'deployments' },
      webhook: { urlSecretRef: { name: 'broken', key: 'url' } },
    });
    await cluster.waitForReady('shop', 'broken', 'True', 'Ready');

    for (let count = 0; count < 2; count++) {
      const event = await cluster.createEvent('shop', { app: 'broken', type: 'app_deployed' });
      const final = await cluster.waitForFinal('shop', event.metadata!.name!);
      expect(deliveryOf(final, 'broken')?.state).toBe('Failed');
    }
    const failing = await cluster.waitForReady('shop', 'broken', 'False', 'DeliveryFailing');
    const condition = failing.status?.conditions?.find((each) => each.type === 'Ready');
    expect(condition?.message).toContain('HTTP 500');

    // A restarted operator takes the failing state over instead of starting from Ready.
    await operator.stop();
    operator = await startTestOperator(cluster, flags);
    const afterRestart = await cluster.createEvent('shop', { app: 'broken', type: 'app_deployed' });
    await cluster.waitForFinal('shop', afterRestart.metadata!.name!);
    const stillFailing = await cluster.waitForReady('shop', 'broken', 'False', 'DeliveryFailing');
    const kept = stillFailing.status?.conditions?.find((each) => each.type === 'Ready');
    expect(kept?.lastTransitionTime).toBe(condition?.lastTransitionTime);

    brokenFixed = true;
    const event = await cluster.createEvent('shop', { app: 'broken', type: 'app_deployed' });
    expect((await cluster.waitForFinal('shop', event.metadata!.name!)).status?.phase).toBe(
      'Delivered',
    );
    await cluster.waitForReady('shop', 'broken', 'True', 'Ready');
  });

  it('reports a stored notifier the operator cannot use and keeps routing the others', async () => {
    // An older CRD may have stored objects that the current schema rejects. Loosen the stored CRD
    // so that it accepts any event type, as an older version might have.
    await cluster.updateCrdSchema('notifiers.herald.dev', (schema) => {
      delete schema.properties?.spec?.properties?.events?.properties?.types?.items?.enum;
    });

    await cluster.createNotifier('shop', 'outdated', {
      app: 'mixed',
      platform: 'email',
      events: { selection: 'custom', types: ['app_exploded' as never] },
      email: { to: ['ops@example.com'] },
    });
    await cluster.createSecret('shop', 'ok', { url: `${receiver.url}/ok` });
    await cluster.createNotifier('shop', 'ok', {
      app: 'mixed',
      platform: 'webhook',
      webhook: { urlSecretRef: { name: 'ok', key: 'url' } },
    });

    const outdated = await cluster.waitForReady('shop', 'outdated', 'False', 'InvalidSpec');
    const condition = outdated.status?.conditions?.find((each) => each.type === 'Ready');
    expect(condition?.message).toContain('spec.events.types[0]');
    expect(condition?.message).toContain('app_exploded');
    await cluster.waitForReady('shop', 'ok', 'True');
    const event = await cluster.createEvent('shop', { app: 'mixed', type: 'app_deployed' });
    const final = await cluster.waitForFinal('shop', event.metadata!.name!);
    expect(final.status?.phase).toBe('Delivered');
    expect(final.status?.deliveries?.map((delivery) => delivery.notifier)).toEqual(['ok']);
  });
});
