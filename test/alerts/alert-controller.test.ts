import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertSpecInput } from '../../src/api/alert.ts';
import { ManualClock } from '../../src/util/clock.ts';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { startTestOperator } from '../support/operator.ts';
import {
  alertController,
  alertEvents,
  createAlert,
  eventKinds,
  getAlert,
} from './support/alert-harness.ts';
import {
  errorResponse,
  startFakePrometheus,
  unusedUrl,
  vectorResponse,
  type FakePrometheus,
} from './support/fake-prometheus.ts';

const second = 1000;
const minute = 60 * second;

/** CPU above 80% for 2 minutes, reminding every 10 minutes. */
const cpuSpec: AlertSpecInput = {
  app: 'shop-api',
  metric: 'cpu',
  limit: 0.8,
  for: '2m',
  remindEvery: '10m',
  notifiers: ['shop-slack'],
};

describe('alert controller', () => {
  let cluster: TestCluster;
  let prometheus: FakePrometheus;

  beforeAll(async () => {
    cluster = await startTestCluster();
    await cluster.createNamespace('shop');
    prometheus = await startFakePrometheus();
  });

  afterAll(async () => {
    await prometheus?.close();
    await cluster?.close();
  });

  /** Sets the value Prometheus returns, moves the clock and evaluates every alert once. */
  async function evaluate(
    harness: ReturnType<typeof alertController>,
    clock: ManualClock,
    value: number | undefined,
    afterMs: number,
  ): Promise<void> {
    if (value !== undefined) prometheus.response = vectorResponse([value]);
    await clock.advance(afterMs);
    await harness.controller.evaluateAll();
  }

  it('fires, reminds and resolves through AppEvents', async () => {
    const clock = new ManualClock();
    const harness = alertController(cluster, prometheus.url, clock);
    const alert = await createAlert(cluster, 'shop', 'cpu-cycle', cpuSpec);
    harness.controller.upsert(alert);

    await evaluate(harness, clock, 0.5, 0);
    const first = await getAlert(cluster, 'shop', 'cpu-cycle');
    expect(first.status).toMatchObject({ state: 'ok', observedGeneration: 1 });
    expect(eventKinds(await alertEvents(cluster, alert))).toEqual(['alert_added']);

    await evaluate(harness, clock, 0.6, 30 * second);
    const unchanged = await getAlert(cluster, 'shop', 'cpu-cycle');
    expect(unchanged.metadata?.resourceVersion, 'status written without a change').toBe(
      first.metadata?.resourceVersion,
    );

    await evaluate(harness, clock, 0.93, 30 * second);
    const pending = await getAlert(cluster, 'shop', 'cpu-cycle');
    expect(pending.status).toMatchObject({ state: 'pending', value: 0.93 });
    expect(pending.status?.activeAt).toBe(pending.status?.since);

    await evaluate(harness, clock, 0.95, minute);
    expect((await getAlert(cluster, 'shop', 'cpu-cycle')).status?.state).toBe('pending');
    await evaluate(harness, clock, 0.97, minute);
    const firing = await getAlert(cluster, 'shop', 'cpu-cycle');
    expect(firing.status).toMatchObject({ state: 'firing', value: 0.97 });
    expect(firing.status?.lastNotifiedAt).toBe(firing.status?.since);

    const [, fired] = await alertEvents(cluster, alert);
    expect(fired?.spec).toMatchObject({
      app: 'shop-api',
      type: 'app_alert_triggered',
      notifiers: ['shop-slack'],
      data: { state: 'firing', metric: 'cpu', value: 0.97, limit: 0.8, heldFor: '2m' },
    });
    expect(String(fired?.spec.data?.message)).toMatch(/^Firing: CPU usage of the web containers/);

    await evaluate(harness, clock, 0.9, 9 * minute);
    expect(eventKinds(await alertEvents(cluster, alert))).toEqual(['alert_added', 'firing']);
    await evaluate(harness, clock, 0.9, minute);
    await evaluate(harness, clock, 0.42, 30 * second);

    const events = await alertEvents(cluster, alert);
    expect(eventKinds(events)).toEqual(['alert_added', 'firing', 'reminder', 'resolved']);
    expect(String(events[3]?.spec.data?.message)).toMatch(/^Resolved: /);
    expect(events[3]?.spec.notifiers).toEqual(['shop-slack']);
    const resolved = await getAlert(cluster, 'shop', 'cpu-cycle');
    expect(resolved.status).toMatchObject({ state: 'ok', value: 0.42 });
    expect(resolved.status?.activeAt).toBeUndefined();

    const metrics = await harness.registry.getSingleMetricAsString('herald_alert_value');
    expect(metrics).toContain('herald_alert_value{namespace="shop",alert="cpu-cycle"} 0.42');
  });

  it('keeps a firing alert through failed queries and logs an outage once', async () => {
    const clock = new ManualClock();
    const harness = alertController(cluster, prometheus.url, clock, { timeoutMs: 300 });
    const alert = await createAlert(cluster, 'shop', 'cpu-outage', { ...cpuSpec, for: '0s' });
    harness.controller.upsert(alert);
    await evaluate(harness, clock, 0.9, 0);
    expect((await getAlert(cluster, 'shop', 'cpu-outage')).status?.state).toBe('firing');

    const failures = [
      [errorResponse(503, 'unavailable', 'TSDB not ready'), /rejected the query \(unavailable\)/],
      [{ status: 502, body: 'Bad Gateway' }, /Prometheus answered with HTTP 502/],
      [{ status: 200, body: '<html>' }, /not a query result/],
      [{ status: 200, hang: true }, /Prometheus query timed out after 300 ms/],
      [vectorResponse([]), /the query returned no data/],
      [vectorResponse(['NaN']), /the query returned NaN/],
      [errorResponse(400, 'bad_data', 'parse error'), /rejected the query \(bad_data\)/],
    ] as const;
    for (const [response, message] of failures) {
      prometheus.response = response;
      await evaluate(harness, clock, undefined, 30 * minute);
      const stored = await getAlert(cluster, 'shop', 'cpu-outage');
      expect(stored.status?.state).toBe('firing');
      expect(stored.status?.evaluationError).toMatch(message);
    }

    expect(eventKinds(await alertEvents(cluster, alert))).toEqual(['alert_added', 'firing']);
    expect(harness.logsWith('Prometheus queries fail; alerts keep their state')).toHaveLength(1);
    expect(harness.logsWith('Prometheus responds again')).toHaveLength(1);
    expect(harness.logsWith('alert evaluation failed; its state is kept')).toHaveLength(3);

    await evaluate(harness, clock, 0.9, 0);
    expect((await getAlert(cluster, 'shop', 'cpu-outage')).status?.evaluationError).toBeUndefined();
    await evaluate(harness, clock, 0.2, 30 * second);
    const events = await alertEvents(cluster, alert);
    expect(eventKinds(events)).toEqual(['alert_added', 'firing', 'reminder', 'resolved']);
  });

  it('records an unreachable Prometheus without notifying', async () => {
    const clock = new ManualClock();
    const harness = alertController(cluster, await unusedUrl(), clock);
    const alert = await createAlert(cluster, 'shop', 'cpu-unreachable', { ...cpuSpec, for: '0s' });
    harness.controller.upsert(alert);
    for (let round = 0; round < 3; round++) {
      await clock.advance(30 * second);
      await harness.controller.evaluateAll();
    }

    const stored = await getAlert(cluster, 'shop', 'cpu-unreachable');
    expect(stored.status).toMatchObject({
      state: 'ok',
      evaluationError: 'connecting to Prometheus failed with ECONNREFUSED',
    });
    expect(eventKinds(await alertEvents(cluster, alert))).toEqual(['alert_added']);
    expect(harness.logsWith('Prometheus queries fail; alerts keep their state')).toHaveLength(1);

    await harness.recorder.flush();
    const events = await cluster.core.listNamespacedEvent({
      namespace: 'shop',
      fieldSelector: `involvedObject.name=cpu-unreachable,involvedObject.kind=Alert`,
    });
    expect(events.items.map((event) => [event.type, event.reason, event.count])).toEqual([
      ['Warning', 'EvaluationFailed', 1],
    ]);
    expect(events.items[0]?.message).toBe('connecting to Prometheus failed with ECONNREFUSED');
  });

  it('resumes a pending alert after a restart', async () => {
    const clock = new ManualClock();
    const before = alertController(cluster, prometheus.url, clock);
    const alert = await createAlert(cluster, 'shop', 'cpu-restart', cpuSpec);
    before.controller.upsert(alert);
    await evaluate(before, clock, 0.9, 0);
    await evaluate(before, clock, 0.9, minute);
    expect((await getAlert(cluster, 'shop', 'cpu-restart')).status?.state).toBe('pending');

    const after = alertController(cluster, prometheus.url, clock);
    after.controller.upsert(await getAlert(cluster, 'shop', 'cpu-restart'));
    await evaluate(after, clock, 0.9, 30 * second);
    expect((await getAlert(cluster, 'shop', 'cpu-restart')).status?.state).toBe('pending');
    await evaluate(after, clock, 0.9, 30 * second);

    expect((await getAlert(cluster, 'shop', 'cpu-restart')).status?.state).toBe('firing');
    expect(eventKinds(await alertEvents(cluster, alert))).toEqual(['alert_added', 'firing']);
  });

  it('creates a notification once when a restart repeats it', async () => {
    const clock = new ManualClock();
    const first = alertController(cluster, prometheus.url, clock);
    const alert = await createAlert(cluster, 'shop', 'cpu-repeat', cpuSpec);
    first.controller.upsert(alert);
    await evaluate(first, clock, 0.9, 0);
    const pending = await getAlert(cluster, 'shop', 'cpu-repeat');
    await evaluate(first, clock, 0.9, 2 * minute);

    // A second controller that starts from the pending status, as after a crash between creating
    // the event and writing the status, decides the same notification.
    const second = alertController(cluster, prometheus.url, clock);
    second.controller.upsert(pending);
    await second.controller.evaluateAll();

    expect(eventKinds(await alertEvents(cluster, alert))).toEqual(['alert_added', 'firing']);
    expect((await getAlert(cluster, 'shop', 'cpu-repeat')).status?.state).toBe('firing');
  });

  it('retries failed API writes without notifying twice', async () => {
    const clock = new ManualClock();
    const harness = alertController(cluster, prometheus.url, clock);
    const alert = await createAlert(cluster, 'shop', 'cpu-api-down', { ...cpuSpec, for: '0s' });
    const created = { path: '/apis/herald.dev/v1alpha1/namespaces/shop/appevents', method: 'POST' };
    const statusPath = '/apis/herald.dev/v1alpha1/namespaces/shop/alerts/cpu-api-down/status';

    // A failed alert_added event is created again before the first evaluation.
    cluster.server.faults.failNext(created, 1, 500);
    harness.controller.upsert(alert);
    await evaluate(harness, clock, 0.5, 0);
    expect(eventKinds(await alertEvents(cluster, alert))).toEqual(['alert_added']);

    // A failed firing event leaves the status as it was, so the next round decides it again.
    cluster.server.faults.failNext(created, 1, 503);
    await evaluate(harness, clock, 0.9, 30 * second);
    expect(eventKinds(await alertEvents(cluster, alert))).toEqual(['alert_added']);
    expect((await getAlert(cluster, 'shop', 'cpu-api-down')).status?.state).toBe('ok');

    // The status write fails after the event exists; the next round writes it without a
    // second event.
    cluster.server.faults.failNext({ path: statusPath, method: 'PUT' }, 1, 500);
    await evaluate(harness, clock, 0.9, 30 * second);
    expect(eventKinds(await alertEvents(cluster, alert))).toEqual(['alert_added', 'firing']);
    expect((await getAlert(cluster, 'shop', 'cpu-api-down')).status?.state).toBe('ok');
    await evaluate(harness, clock, 0.9, 30 * second);

    expect((await getAlert(cluster, 'shop', 'cpu-api-down')).status?.state).toBe('firing');
    expect(eventKinds(await alertEvents(cluster, alert))).toEqual(['alert_added', 'firing']);
    expect(
      harness.logsWith('creating an alert event failed; retrying at the next evaluation'),
    ).toHaveLength(2);
  });

  it('returns a paused alert to ok without querying or notifying', async () => {
    const clock = new ManualClock();
    const harness = alertController(cluster, prometheus.url, clock);
    const alert = await createAlert(cluster, 'shop', 'cpu-paused', { ...cpuSpec, for: '0s' });
    harness.controller.upsert(alert);
    await evaluate(harness, clock, 0.9, 0);

    const stored = await getAlert(cluster, 'shop', 'cpu-paused');
    const paused = (await cluster.custom.replaceNamespacedCustomObject({
      group: 'herald.dev',
      version: 'v1alpha1',
      plural: 'alerts',
      namespace: 'shop',
      name: 'cpu-paused',
      body: { ...stored, spec: { ...(stored.spec as object), active: false } },
    })) as typeof stored;
    harness.controller.upsert(paused);
    const requests = prometheus.receiver.requests.length;
    await evaluate(harness, clock, 0.9, 30 * second);

    expect(prometheus.receiver.requests.length).toBe(requests);
    expect((await getAlert(cluster, 'shop', 'cpu-paused')).status).toMatchObject({
      state: 'ok',
      observedGeneration: 2,
    });
    expect(eventKinds(await alertEvents(cluster, alert))).toEqual(['alert_added', 'firing']);
  });

  it('stays disabled without a Prometheus URL', async () => {
    const operator = await startTestOperator(cluster);
    await operator.stop();
    const messages = operator.logLines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).toContain('alerts are disabled: no Prometheus URL is set (--prometheus-url)');
    expect(messages).not.toContain('alert evaluation started');
  });

  it('announces a deleted alert', async () => {
    const clock = new ManualClock();
    const harness = alertController(cluster, prometheus.url, clock);
    const alert = await createAlert(cluster, 'shop', 'cpu-deleted', cpuSpec);
    harness.controller.upsert(alert);
    await harness.controller.evaluateAll();

    await cluster.custom.deleteNamespacedCustomObject({
      group: 'herald.dev',
      version: 'v1alpha1',
      plural: 'alerts',
      namespace: 'shop',
      name: 'cpu-deleted',
    });
    harness.controller.remove(alert);
    await harness.controller.stop();

    expect(eventKinds(await alertEvents(cluster, alert))).toEqual(['alert_added', 'alert_deleted']);
  });
});
