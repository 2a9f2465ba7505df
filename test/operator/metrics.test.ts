import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptResult } from '../../src/channels/types.ts';
import { loadConfig } from '../../src/operator/config.ts';
import { failureReason } from '../../src/operator/failure-reason.ts';
import { startHealthServer } from '../../src/operator/health-server.ts';
import { createMetrics } from '../../src/operator/metrics.ts';
import { runOperator, type OperatorRunner } from '../../src/operator/runner.ts';
import { silentLogger } from '../../src/util/log.ts';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { fastFlags } from '../support/operator.ts';
import { startHttpReceiver, type HttpReceiver } from '../support/receivers.ts';
import { waitFor } from '../support/wait.ts';
import { startControlledReceiver } from './leader-support.ts';

/** Returns the value of one sample line, such as `name{label="x"} 3`, or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    const space = line.lastIndexOf(' ');
    if (space > 0 && line.slice(0, space) === series) return Number(line.slice(space + 1));
  }
  return undefined;
}

async function get(runner: OperatorRunner, path: string) {
  const response = await fetch(`http://127.0.0.1:${runner.health?.port}${path}`);
  return { status: response.status, body: await response.text() };
}

describe('operator metrics and probes', () => {
  let cluster: TestCluster;
  let good: HttpReceiver;
  let bad: HttpReceiver;
  let runner: OperatorRunner | undefined;

  beforeAll(async () => {
    cluster = await startTestCluster();
    await cluster.createNamespace('shop');
    good = await startHttpReceiver();
    bad = await startHttpReceiver({ respond: () => ({ status: 500 }) });
    for (const [name, receiver] of [
      ['good', good],
      ['bad', bad],
    ] as const) {
      await cluster.createSecret('shop', name, { url: `${receiver.url}/${name}` });
      await cluster.createNotifier('shop', name, {
        app: 'api',
        platform: 'webhook',
        // Only this type, so the operator's own announcements of notifier changes match neither.
        events: { selection: 'custom', types: ['app_deployed'] },
        webhook: { urlSecretRef: { name, key: 'url' } },
      });
    }
  });

  afterEach(async () => {
    cluster.server.faults.reset();
    const ended = await runner?.shutdown('test ended');
    runner = undefined;
    expect(ended ?? 0).toBe(0);
  });

  afterAll(async () => {
    await good?.close();
    await bad?.close();
    await cluster?.close();
  });

  function start(flags: string[] = []): Promise<OperatorRunner> {
    const config = loadConfig(
      [...fastFlags, '--health-address', '127.0.0.1:0', '--max-attempts', '2', ...flags],
      {},
    );
    return runOperator({ kubeConfig: cluster.kubeConfig, config, logger: silentLogger });
  }

  it('reports ready after informers sync', async () => {
    // The first list of notifiers fails, so the informer syncs only after its restart delay.
    cluster.server.faults.failNext(
      { path: '/apis/herald.dev/v1alpha1/notifiers', method: 'GET', watch: false },
      1,
      503,
    );
    runner = await start();

    const before = await get(runner, '/readyz');
    expect(before.status).toBe(503);
    expect(before.body).toContain('not synced');
    expect((await get(runner, '/healthz')).status).toBe(200);
    await waitFor('readiness after the informers synced', async () =>
      (await get(runner!, '/readyz')).status === 200 ? true : undefined,
    );
    const metrics = (await get(runner, '/metrics')).body;
    expect(sample(metrics, 'herald_watch_restarts')).toBeGreaterThanOrEqual(1);
    expect(sample(metrics, 'herald_leader')).toBe(1);
  });

  it('counts deliveries, failures and retries', async () => {
    runner = await start();
    await waitFor('readiness', async () =>
      (await get(runner!, '/readyz')).status === 200 ? true : undefined,
    );
    await waitFor('every earlier event to be processed', async () => {
      const list = (await cluster.custom.listNamespacedCustomObject({
        group: 'herald.dev',
        version: 'v1alpha1',
        namespace: 'shop',
        plural: 'appevents',
      })) as { items: Array<{ status?: { phase?: string } }> };
      return list.items.every((item) => item.status?.phase && item.status.phase !== 'Pending')
        ? true
        : undefined;
    });
    const received = sample((await get(runner, '/metrics')).body, 'herald_events_received_total');

    const event = await cluster.createEvent('shop', { app: 'api', type: 'app_deployed' });
    const final = await cluster.waitForFinal('shop', event.metadata!.name!);
    expect(final.status?.phase).toBe('PartiallyFailed');

    const response = await get(runner, '/metrics');
    const text = response.body;
    expect(response.status).toBe(200);
    expect(sample(text, 'herald_notifications_sent_total{platform="webhook"}')).toBe(1);
    expect(
      sample(
        text,
        'herald_notifications_failed_total{platform="webhook",reason="HTTPServerError"}',
      ),
    ).toBe(1);
    expect(sample(text, 'herald_delivery_retries_total{platform="webhook"}')).toBe(1);
    expect(sample(text, 'herald_delivery_attempt_duration_seconds_count{platform="webhook"}')).toBe(
      3,
    );
    expect(
      sample(text, 'herald_delivery_latency_seconds_count{platform="webhook",outcome="Delivered"}'),
    ).toBe(1);
    expect(
      sample(text, 'herald_delivery_latency_seconds_count{platform="webhook",outcome="Failed"}'),
    ).toBe(1);
    expect(sample(text, 'herald_events_received_total')).toBe((received ?? 0) + 1);
    expect(sample(text, 'herald_routing_table_notifiers')).toBe(2);
    expect(sample(text, 'herald_queue_depth')).toBe(0);
    expect(sample(text, 'herald_alert_evaluations_total')).toBe(0);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
  });

  it('turns not ready when stopping', async () => {
    const heldReceiver = await startControlledReceiver();
    heldReceiver.hold = true;
    await cluster.createNamespace('slow');
    await cluster.createSecret('slow', 'held', { url: `${heldReceiver.url}/held` });
    await cluster.createNotifier('slow', 'held', {
      app: 'web',
      platform: 'webhook',
      events: { selection: 'custom', types: ['app_deployed'] },
      webhook: { urlSecretRef: { name: 'held', key: 'url' } },
    });
    runner = await start(['--shutdown-timeout', '10s']);
    const event = await cluster.createEvent('slow', { app: 'web', type: 'app_deployed' });
    await waitFor('the delivery to be in flight', () =>
      heldReceiver.requests.length > 0 ? true : undefined,
    );
    const port = runner.health?.port;

    const ended = runner.shutdown('test');
    const during = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(during.status).toBe(503);
    expect(await during.text()).toBe('not ready: shutting down\n');
    heldReceiver.release();
    expect(await ended).toBe(0);
    runner = undefined;

    expect((await cluster.getEvent('slow', event.metadata!.name!)).status?.phase).toBe('Delivered');
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    await heldReceiver.close();
  });
});

describe('health server', () => {
  const metrics = createMetrics();
  let server: Awaited<ReturnType<typeof startHealthServer>>;
  let ready: string | undefined = 'not ready: starting';

  beforeAll(async () => {
    server = await startHealthServer({
      host: '127.0.0.1',
      port: 0,
      registry: metrics.registry,
      liveness: () => undefined,
      readiness: () => ready,
      logger: silentLogger,
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;

  it.each([
    ['/healthz', 'GET', 200],
    ['/readyz', 'GET', 503],
    ['/metrics', 'GET', 200],
    ['/metrics', 'HEAD', 200],
    ['/metrics', 'POST', 405],
    ['/other', 'GET', 404],
  ])('answers %s %s with %i', async (path, method, status) => {
    const response = await fetch(url(path), { method });
    expect(response.status).toBe(status);
  });

  it('serves the Prometheus text format', async () => {
    metrics.notificationsSent.inc({ platform: 'slack' });
    const response = await fetch(url('/metrics'));
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    expect(sample(await response.text(), 'herald_notifications_sent_total{platform="slack"}')).toBe(
      1,
    );
  });

  it('follows the readiness probe', async () => {
    ready = undefined;
    expect((await fetch(url('/readyz'))).status).toBe(200);
    ready = 'not ready: shutting down';
    const response = await fetch(url('/readyz'));
    expect(response.status).toBe(503);
    expect(await response.text()).toBe('not ready: shutting down\n');
  });

  it('reports an address in use', async () => {
    await expect(
      startHealthServer({
        host: '127.0.0.1',
        port: server.port,
        registry: metrics.registry,
        liveness: () => undefined,
        readiness: () => undefined,
        logger: silentLogger,
      }),
    ).rejects.toThrow(
      /failed to listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\); choose another --health-address/,
    );
  });
});

describe('alert metrics', () => {
  it('counts evaluations, their duration and errors', async () => {
    let now = 1000;
    const metrics = createMetrics({ now: () => now });

    await metrics.alerts.observeEvaluation(async () => {
      now += 250;
    });
    await expect(
      metrics.alerts.observeEvaluation(async () => {
        now += 50;
        throw new Error('query failed');
      }),
    ).rejects.toThrow('query failed');

    const text = await metrics.registry.metrics();
    expect(sample(text, 'herald_alert_evaluations_total')).toBe(2);
    expect(sample(text, 'herald_alert_evaluation_errors_total')).toBe(1);
    expect(sample(text, 'herald_alert_evaluation_duration_seconds_sum')).toBeCloseTo(0.3);
    expect(sample(text, 'herald_alert_evaluation_duration_seconds_bucket{le="0.1"}')).toBe(1);
  });
});

describe('failureReason', () => {
  const failed = (error: string, status?: number): AttemptResult =>
    status === undefined
      ? { ok: false, retryable: true, error }
      : { ok: false, retryable: true, error, status };

  it.each([
    [failed('HTTP 429 Too Many Requests', 429), 'RateLimited'],
    [failed('HTTP 301 Moved Permanently: redirects are not followed', 301), 'Redirected'],
    [failed('HTTP 404 Not Found', 404), 'HTTPClientError'],
    [failed('HTTP 503 Service Unavailable', 503), 'HTTPServerError'],
    [failed('timed out after 2000 ms'), 'Timeout'],
    [failed('connection timed out (UND_ERR_CONNECT_TIMEOUT)'), 'Timeout'],
    [failed('connection refused (ECONNREFUSED)'), 'ConnectionFailed'],
    [failed('host name not found (ENOTFOUND)'), 'DNSFailed'],
    [failed('TLS certificate is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE)'), 'TLSFailed'],
    [
      failed('blocked address 169.254.169.254: link-local addresses are not allowed'),
      'BlockedAddress',
    ],
    [failed('SMTP server replied 550 at RCPT TO'), 'SMTPRejected'],
    [failed('SMTP authentication failed 535 at AUTH PLAIN'), 'SMTPAuthFailed'],
    [failed('SMTP connection failed (ECONNECTION, ECONNREFUSED)'), 'ConnectionFailed'],
    [failed('SMTP connection failed (ESOCKET, CERT_HAS_EXPIRED)'), 'TLSFailed'],
    [
      failed(
        'TLS certificate of the SMTP server is not trusted (ESOCKET, SELF_SIGNED_CERT_IN_CHAIN)',
      ),
      'TLSFailed',
    ],
    [failed('SMTP server timed out (ETIMEDOUT)'), 'Timeout'],
    [failed('cancelled before a response arrived'), 'Cancelled'],
    [failed('request failed (TypeError)'), 'Other'],
    [{ ok: true, status: 200 } as AttemptResult, 'Delivered'],
  ])('maps %j to %s', (result, reason) => {
    expect(failureReason(result)).toBe(reason);
  });

  it('prefers the reason the destination gave', () => {
    expect(failureReason(failed('Secret "hook" not found'), 'SecretNotFound')).toBe(
      'SecretNotFound',
    );
  });
});
