import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertSpecSchema, type AlertMetric, type AlertSpecInput } from '../../src/api/alert.ts';
import { alertQuery, defaultQueries } from '../../src/alerts/alert-evaluation.ts';
import { createPrometheusClient } from '../../src/alerts/prometheus-client.ts';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { startTestOperator, type TestOperator } from '../support/operator.ts';
import {
  startHttpReceiver,
  type HttpReceiver,
  type RecordedRequest,
} from '../support/receivers.ts';
import { waitFor } from '../support/wait.ts';
import { alertEvents, createAlert, eventKinds, getAlert } from './support/alert-harness.ts';
import { startExporter, type Exporter } from './support/exporter.ts';
import { startPrometheus, type PrometheusServer } from './support/prometheus-server.ts';
import { setMemory, shopSeries } from './support/shop-series.ts';

/** Short enough for a rate over a few 1 s scrapes; the operator default is 2m. */
const rateWindow = '5s';

describe('alerts against a real Prometheus', () => {
  let exporter: Exporter;
  let prometheus: PrometheusServer;
  let cluster: TestCluster;
  let receiver: HttpReceiver;
  let operator: TestOperator | undefined;

  beforeAll(async () => {
    exporter = await startExporter(shopSeries());
    prometheus = await startPrometheus({ targets: [exporter.target], scrapeInterval: '1s' });
    cluster = await startTestCluster();
    receiver = await startHttpReceiver();
    await cluster.createNamespace('shop');
  }, 60_000);

  afterAll(async () => {
    await operator?.stop();
    await receiver?.close();
    await cluster?.close();
    await prometheus?.stop();
    await exporter?.close();
  });

  it('fires once, reminds and resolves', async () => {
    await createWebhookNotifier('shop-alerts', { selection: 'deployments' });
    await createWebhookNotifier('shop-watch', {
      selection: 'custom',
      types: ['app_alert_triggered'],
    });
    await createWebhookNotifier('shop-deploys', { selection: 'deployments' });
    operator = await startTestOperator(cluster, [
      '--prometheus-url',
      prometheus.url,
      '--alert-interval',
      '250ms',
      '--alert-rate-window',
      rateWindow,
    ]);

    const alert = await createAlert(cluster, 'shop', 'shop-memory', {
      app: 'shop-api',
      metric: 'memory',
      limit: 0.8,
      for: '2s',
      remindEvery: '3s',
      notifiers: ['shop-alerts'],
    });
    await waitForState('ok');

    setMemory(exporter.series, 'shop-api-web-1', 0.95e9);
    const pending = await waitForState('pending');
    expect(pending.status?.value).toBeCloseTo(0.95);
    await waitForState('firing');
    await waitFor('a reminder', async () =>
      eventKinds(await alertEvents(cluster, alert)).includes('reminder') ? true : undefined,
    );

    setMemory(exporter.series, 'shop-api-web-1', 0.4e9);
    const resolved = await waitForState('ok', (status) => status.lastNotifiedAt !== undefined);
    expect(resolved.status?.value).toBeCloseTo(0.4);
    expect(resolved.status?.evaluationError).toBeUndefined();

    const kinds = eventKinds(await alertEvents(cluster, alert));
    expect(kinds.filter((kind) => kind === 'firing')).toHaveLength(1);
    expect(kinds.filter((kind) => kind === 'resolved')).toHaveLength(1);
    expect(kinds[0]).toBe('alert_added');
    expect(kinds.at(-1)).toBe('resolved');

    // The named notifier receives every notification, whatever it selects; so does one that
    // selects app_alert_triggered; one that selects neither receives nothing.
    const count = kinds.length - 1;
    const named = await waitForRequests('/shop-alerts', count);
    expect(named.map((request) => dataOf(request).state)).toEqual(kinds.slice(1));
    expect(String(dataOf(named.at(-1)).message)).toMatch(/^Resolved: Memory usage of the web/);
    expect(String(dataOf(named[0]).message)).toMatch(
      /^Firing: Memory usage of the web containers of shop-api is 95% of the memory limit, above the alert limit of 80% for \d+s/,
    );
    await waitForRequests('/shop-watch', count);
    expect(receiver.requests.filter((request) => request.path === '/shop-deploys')).toEqual([]);

    // The query checks below expect the initial series.
    setMemory(exporter.series, 'shop-api-web-1', 0.5e9);
  });

  it.each([
    ['cpu', {}, 0.8],
    ['memory', {}, 0.5],
    ['swap', {}, 0.1],
    ['rpm', {}, 630],
    ['rpm_per_container', {}, 315],
    ['5xx', {}, 30],
    ['5xx', { app: 'other-app' }, 0],
    ['p95_response_time', {}, 375],
    ['memory', { direction: 'below' }, 0.3],
    ['memory', { containerType: 'worker' }, 0.99],
  ] as [AlertMetric, Partial<AlertSpecInput>, number][])(
    'default %s query %j returns %d',
    async (metric, overrides, expected) => {
      const spec = alertSpecSchema.parse({
        app: 'shop-api',
        metric,
        limit: 1,
        notifiers: ['n'],
        ...overrides,
      });
      const client = createPrometheusClient({ url: prometheus.url, timeoutMs: 5000 });
      const query = alertQuery('shop', spec, defaultQueries(), rateWindow);

      // Rates need a few scrapes; the gauges are right from the first one.
      const value = await waitFor(
        `${metric} to approach ${expected}`,
        async () => {
          const result = await client.query(query);
          if (!result.ok) throw new Error(result.message);
          return Math.abs(result.value - expected) <= 0.03 * expected ? result.value : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 250 },
      );
      expect(value).toBeCloseTo(expected, expected < 10 ? 1 : -1);
    },
  );

  /** Creates a webhook notifier of shop-api whose Secret points at the receiver. */
  async function createWebhookNotifier(
    name: string,
    events: { selection: 'deployments' | 'custom'; types?: 'app_alert_triggered'[] },
  ): Promise<void> {
    await cluster.createSecret('shop', name, { url: `${receiver.url}/${name}` });
    await cluster.createNotifier('shop', name, {
      app: 'shop-api',
      platform: 'webhook',
      events,
      webhook: { urlSecretRef: { name, key: 'url' } },
    });
  }

  async function waitForState(
    state: string,
    extra: (status: NonNullable<Awaited<ReturnType<typeof getAlert>>['status']>) => boolean = () =>
      true,
  ) {
    return waitFor(
      `alert shop-memory to be ${state}`,
      async () => {
        const alert = await getAlert(cluster, 'shop', 'shop-memory');
        return alert.status?.state === state && extra(alert.status) ? alert : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
  }

  async function waitForRequests(path: string, count: number): Promise<RecordedRequest[]> {
    return waitFor(`${count} notifications at ${path}`, () => {
      const found = receiver.requests.filter((request) => request.path === path);
      return found.length >= count ? found : undefined;
    });
  }
});

function dataOf(request: RecordedRequest | undefined): Record<string, unknown> {
  const payload = request?.json as { event?: { data?: Record<string, unknown> } } | undefined;
  return payload?.event?.data ?? {};
}
