import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { group, version } from '../../src/api/group.ts';
import type { AuditRecord } from '../../src/local-api/index.ts';
import { operatorUserAgent } from '../../src/operator/kube.ts';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { fastFlags } from '../support/operator.ts';
import { startHttpReceiver, startSmtpReceiver } from '../support/receivers.ts';
import { waitFor } from '../support/wait.ts';
import { objectsOfKind, operatorNamespace, type RenderedObject } from './manifests.ts';
import { deploymentEnvironment, spawnOperator, type OperatorProcess } from './operator-process.ts';

/** The namespace the scenario's objects live in; the namespaced overlay watches it too. */
export const scenarioNamespace = 'shop';

/** An instant query result above the scenario alert's limit, as the Prometheus HTTP API sends it. */
const prometheusAnswer = {
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    status: 'success',
    data: { resultType: 'vector', result: [{ metric: {}, value: [1_700_000_000, '0.9'] }] },
  }),
};

/** What the operator requested while it went through the scenario. */
export interface ScenarioResult {
  /** The deduplicated requests sent with the operator's User-Agent. */
  records: AuditRecord[];
  exitCode: number | null;
  /** The operator's log, for failure messages. */
  output: string;
}

/**
 * Runs the operator against the local API server as a pod of the rendered Deployment would run
 * it, with the same environment and entry point. The scenario goes through every path that calls
 * the API: leader election, informers on every kind, Secret reads, and status writes with a
 * conflict on each kind. It also has deliveries that succeed and fail (and the Events that report
 * them), an invalid notifier, an App's default notifier created and deleted, an alert that fires,
 * retention deleting processed AppEvents, and a graceful stop.
 *
 * New API calls on these paths show up in the result without changing this code. A feature whose
 * calls need their own trigger needs a step here.
 */
export async function runOperatorScenario(objects: RenderedObject[]): Promise<ScenarioResult> {
  const cluster = await startTestCluster();
  const folder = await mkdtemp(join(tmpdir(), 'herald-rbac-'));
  const webhook = await startHttpReceiver({
    respond: (request) => (request.path === '/failing' ? { status: 500 } : { status: 200 }),
  });
  const smtp = await startSmtpReceiver();
  const prometheus = await startHttpReceiver({ respond: () => prometheusAnswer });
  let operator: OperatorProcess | undefined;

  try {
    const kubeconfigPath = join(folder, 'kubeconfig');
    await writeFile(kubeconfigPath, cluster.server.kubeconfig());
    // The operator keeps state in its own namespace, which deploy/ creates.
    for (const namespace of objectsOfKind(objects, 'Namespace')) {
      await cluster.createNamespace(namespace.metadata?.name ?? '');
    }
    await createObjects(cluster, webhook.url);
    conflictOnce(cluster);

    const environment = deploymentEnvironment(objects, 'herald-operator', {
      name: 'herald-operator-0',
      namespace: operatorNamespace,
      serviceAccountName: 'herald-operator',
      ip: '127.0.0.1',
    });
    operator = spawnOperator({
      kubeconfigPath,
      environment,
      flags: [
        ...fastFlags,
        ...['--max-attempts', '1', '--failure-threshold', '1', '--log-level', 'warn'],
        ...[
          '--health-address',
          '127.0.0.1:0',
          '--event-retention',
          '1s',
          '--crash-quiet-period',
          '1s',
        ],
        ...['--smtp-host', '127.0.0.1', '--smtp-port', String(smtp.port)],
        ...['--prometheus-url', prometheus.url, '--alert-interval', '100ms'],
      ],
    });
    const running = operator;

    await withOperatorLog(running, () => exercise(cluster));
    const exitCode = await running.terminate();
    const records = cluster.server.audit
      .records()
      .filter((record) => record.userAgent === operatorUserAgent);
    return { records, exitCode, output: running.output() };
  } finally {
    if (operator?.child.exitCode === null) operator.child.kill('SIGKILL');
    await webhook.close();
    await smtp.close();
    await prometheus.close();
    await cluster.close();
    await rm(folder, { recursive: true, force: true });
  }
}

async function createObjects(cluster: TestCluster, webhookUrl: string): Promise<void> {
  await cluster.createNamespace(scenarioNamespace);
  await cluster.createNamespace('billing');
  for (const name of ['working', 'failing']) {
    await cluster.createSecret(scenarioNamespace, name, { url: `${webhookUrl}/${name}` });
    await cluster.createNotifier(scenarioNamespace, name, {
      app: 'api',
      platform: 'webhook',
      events: { selection: 'all' },
      webhook: { urlSecretRef: { name, key: 'url' } },
    });
  }
  // Its Secret never exists, so the notifier stays invalid.
  await cluster.createNotifier(scenarioNamespace, 'invalid', {
    app: 'api',
    platform: 'webhook',
    webhook: { urlSecretRef: { name: 'missing', key: 'url' } },
  });
  await cluster.custom.createNamespacedCustomObject({
    group,
    version,
    plural: 'apps',
    namespace: scenarioNamespace,
    body: {
      apiVersion: `${group}/${version}`,
      kind: 'App',
      metadata: { name: 'api' },
      spec: { owner: { email: 'owner@example.com' } },
    },
  });
  await cluster.custom.createNamespacedCustomObject({
    group,
    version,
    plural: 'alerts',
    namespace: scenarioNamespace,
    body: {
      apiVersion: `${group}/${version}`,
      kind: 'Alert',
      metadata: { name: 'api-cpu' },
      spec: { app: 'api', metric: 'cpu', limit: 0.5, for: '0s', notifiers: ['working'] },
    },
  });
}

/**
 * Makes the first status write of each kind, and the first ledger ConfigMap update, conflict, so
 * the operator takes its path that reads the object again.
 */
function conflictOnce(cluster: TestCluster): void {
  const paths = [
    ...['notifiers', 'appevents', 'apps', 'alerts'].map(
      (plural) => new RegExp(`/${plural}/[^/]+/status$`),
    ),
    new RegExp(`/namespaces/${operatorNamespace}/configmaps/[^/]+$`),
  ];
  for (const path of paths) cluster.server.faults.failNext({ path, method: 'PUT' }, 1, 409);
}

async function exercise(cluster: TestCluster): Promise<void> {
  await cluster.waitForReady(scenarioNamespace, 'working', 'True');
  await cluster.waitForReady(scenarioNamespace, 'invalid', 'False');
  await waitFor('the default notifier of App api', () =>
    cluster.getNotifier(scenarioNamespace, 'api-default').catch(() => undefined),
  );

  // Two failures in a row on the same notifier, so that repeated reports take their own path.
  const processed: string[] = [];
  for (const type of ['app_deployed', 'app_restarted'] as const) {
    const event = await cluster.createEvent(scenarioNamespace, { app: 'api', type });
    processed.push(event.metadata?.name ?? '');
    await cluster.waitForFinal(scenarioNamespace, event.metadata?.name ?? '');
  }

  await waitFor('Alert api-cpu to fire', async () => {
    const alert = (await cluster.custom.getNamespacedCustomObject({
      group,
      version,
      plural: 'alerts',
      namespace: scenarioNamespace,
      name: 'api-cpu',
    })) as { status?: { state?: string } };
    return alert.status?.state === 'firing' ? true : undefined;
  });

  const app = (await cluster.custom.getNamespacedCustomObject({
    group,
    version,
    plural: 'apps',
    namespace: scenarioNamespace,
    name: 'api',
  })) as RenderedObject & { spec: Record<string, unknown> };
  await cluster.custom.replaceNamespacedCustomObject({
    group,
    version,
    plural: 'apps',
    namespace: scenarioNamespace,
    name: 'api',
    body: { ...app, spec: { ...app.spec, defaultNotifier: false } },
  });
  await waitFor('the default notifier to be deleted after the opt-out', async () => {
    const deleted = await cluster
      .getNotifier(scenarioNamespace, 'api-default')
      .then(() => false)
      .catch(() => true);
    return deleted ? true : undefined;
  });

  // Retention sweeps once a second with a retention of 1s.
  await waitFor(
    'retention to delete a processed AppEvent',
    async () => {
      const found = await Promise.all(
        processed.map((name) =>
          cluster.getEvent(scenarioNamespace, name).then(
            () => true,
            () => false,
          ),
        ),
      );
      return found.includes(false) ? true : undefined;
    },
    { timeoutMs: 10_000 },
  );
}

/** Adds the operator's log to a failure, because a wait that times out cannot show the cause. */
async function withOperatorLog(
  operator: OperatorProcess,
  step: () => Promise<void>,
): Promise<void> {
  try {
    await step();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `${message}\noperator exit code: ${operator.child.exitCode}\noperator log:\n${operator.output()}`,
      {
        cause: error,
      },
    );
  }
}
