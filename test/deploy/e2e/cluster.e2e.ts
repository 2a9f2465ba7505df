import { execFile } from 'node:child_process';
import {
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  type V1Pod,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { group, version } from '../../../src/api/group.ts';
import { waitFor } from '../../support/wait.ts';

// Runs against the cluster of KUBECONFIG with deploy/ applied, as scripts/e2e-kind.sh sets up.
const operatorNamespace = 'herald-system';
const image = process.env.HERALD_E2E_IMAGE ?? '';
const namespace = `herald-e2e-${Date.now().toString(36)}`;
const app = 'e2e-app';

/** A webhook receiver that logs one JSON line per request, which the test reads back. */
const receiverScript = `
const http = require('node:http');
http.createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    console.log(JSON.stringify({ path: request.url, delivery: request.headers['herald-delivery'] ?? null, body }));
    response.end('ok');
  });
}).listen(8080);
`;

interface ReceivedRequest {
  path: string;
  delivery: string | null;
  body: string;
}

let config: KubeConfig;
let core: CoreV1Api;
let custom: CustomObjectsApi;
let leases: CoordinationV1Api;

function requireCluster(): void {
  if (!process.env.KUBECONFIG || !image) {
    throw new Error(
      'the e2e suite needs a cluster with deploy/ applied: run it through npm run e2e:kind, which sets KUBECONFIG and HERALD_E2E_IMAGE',
    );
  }
}

async function receivedRequests(): Promise<ReceivedRequest[]> {
  const log = await core.readNamespacedPodLog({ name: 'receiver', namespace });
  return log
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as ReceivedRequest);
}

async function createEvent(type: string): Promise<string> {
  const created = (await custom.createNamespacedCustomObject({
    group,
    version,
    plural: 'appevents',
    namespace,
    body: {
      apiVersion: `${group}/${version}`,
      kind: 'AppEvent',
      metadata: { generateName: `${app}-` },
      spec: { app, type },
    },
  })) as { metadata: { name: string } };
  return created.metadata.name;
}

async function waitForPhase(name: string, phase: string): Promise<void> {
  await waitFor(
    `AppEvent ${namespace}/${name} to reach ${phase}`,
    async () => {
      const event = (await custom.getNamespacedCustomObject({
        group,
        version,
        plural: 'appevents',
        namespace,
        name,
      })) as { status?: { phase?: string } };
      return event.status?.phase === phase ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}

async function leaseHolder(): Promise<string | undefined> {
  const lease = await leases.readNamespacedLease({
    name: 'herald-operator',
    namespace: operatorNamespace,
  });
  return lease.spec?.holderIdentity ?? undefined;
}

async function operatorPods(): Promise<V1Pod[]> {
  const list = await core.listNamespacedPod({
    namespace: operatorNamespace,
    labelSelector: 'app.kubernetes.io/name=herald,app.kubernetes.io/component=operator',
  });
  return list.items.filter((pod) => pod.metadata?.deletionTimestamp === undefined);
}

function kubectl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('kubectl', args, { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`kubectl ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

describe('Herald installed from deploy/', () => {
  beforeAll(async () => {
    requireCluster();
    config = new KubeConfig();
    config.loadFromDefault();
    core = config.makeApiClient(CoreV1Api);
    custom = config.makeApiClient(CustomObjectsApi);
    leases = config.makeApiClient(CoordinationV1Api);

    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'receiver', labels: { app: 'receiver' } },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 65532 },
          containers: [
            {
              name: 'receiver',
              image,
              imagePullPolicy: 'IfNotPresent',
              command: ['node', '-e', receiverScript],
              ports: [{ containerPort: 8080 }],
            },
          ],
        },
      },
    });
    await core.createNamespacedService({
      namespace,
      body: {
        metadata: { name: 'receiver' },
        spec: { selector: { app: 'receiver' }, ports: [{ port: 8080, targetPort: 8080 }] },
      },
    });
    await waitFor(
      'the receiver pod to run',
      async () => {
        const pod = await core.readNamespacedPod({ name: 'receiver', namespace });
        return pod.status?.phase === 'Running' ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    );

    await core.createNamespacedSecret({
      namespace,
      body: {
        metadata: { name: 'receiver' },
        stringData: { url: `http://receiver.${namespace}.svc.cluster.local:8080/hook` },
      },
    });
    await custom.createNamespacedCustomObject({
      group,
      version,
      plural: 'notifiers',
      namespace,
      body: {
        apiVersion: `${group}/${version}`,
        kind: 'Notifier',
        metadata: { name: 'receiver' },
        spec: {
          app,
          platform: 'webhook',
          events: { selection: 'all' },
          webhook: { urlSecretRef: { name: 'receiver', key: 'url' } },
        },
      },
    });
  });

  afterAll(async () => {
    await core?.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it('runs two ready replicas and one leader', async () => {
    const pods = await operatorPods();
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      const ready = pod.status?.conditions?.find((condition) => condition.type === 'Ready');
      expect(ready?.status, pod.metadata?.name).toBe('True');
    }
    const names = pods.map((pod) => pod.metadata?.name);
    expect(names).toContain(await leaseHolder());
  });

  it('delivers an AppEvent to an in-cluster webhook', async () => {
    const name = await createEvent('app_deployed');
    await waitForPhase(name, 'Delivered');
    const deliveries = (await receivedRequests()).filter((request) => request.body.includes(name));
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]?.path).toBe('/hook');
  });

  it('serves metrics inside the pod', async () => {
    const holder = (await leaseHolder()) ?? '';
    const script =
      "fetch('http://127.0.0.1:8081/metrics').then((r) => r.text()).then((t) => console.log(t))";
    const metrics = await kubectl([
      ...['-n', operatorNamespace, 'exec', holder, '--'],
      ...['node', '-e', script],
    ]);
    expect(metrics).toMatch(/^herald_leader 1$/m);
    expect(metrics).toMatch(/^herald_notifications_sent_total\{platform="webhook"\} [1-9]/m);
  });

  it('hands over to the standby when the leader is killed', async () => {
    const leader = (await leaseHolder()) ?? '';
    await core.deleteNamespacedPod({
      name: leader,
      namespace: operatorNamespace,
      gracePeriodSeconds: 0,
    });

    const next = await waitFor(
      'another replica to take the lease',
      async () => {
        const holder = await leaseHolder();
        const running = (await operatorPods()).map((pod) => pod.metadata?.name);
        return holder && holder !== leader && running.includes(holder) ? holder : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 1000 },
    );
    expect(next).not.toBe(leader);

    const name = await createEvent('app_restarted');
    await waitForPhase(name, 'Delivered');
    const deliveries = (await receivedRequests()).filter((request) => request.body.includes(name));
    expect(deliveries).toHaveLength(1);
  });
});
