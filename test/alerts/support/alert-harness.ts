import { EventRecorder } from '../../../src/operator/event-recorder.ts';
import { Writable } from 'node:stream';
import type { KubernetesObject } from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import type { AlertSpecInput, AlertStatus } from '../../../src/api/alert.ts';
import type { AppEventSpec } from '../../../src/api/app-event.ts';
import { group, version } from '../../../src/api/group.ts';
import { AlertController, type AlertObject } from '../../../src/alerts/alert-controller.ts';
import { defaultQueries } from '../../../src/alerts/alert-evaluation.ts';
import { alertUidLabel } from '../../../src/alerts/alert-events.ts';
import { createAlertMetrics } from '../../../src/alerts/alert-metrics.ts';
import { createAppEventCreator } from '../../../src/alerts/app-event-creator.ts';
import { createPrometheusClient } from '../../../src/alerts/prometheus-client.ts';
import { StatusWriter } from '../../../src/operator/status-writer.ts';
import type { Clock } from '../../../src/util/clock.ts';
import { createLogger } from '../../../src/util/log.ts';
import type { TestCluster } from '../../support/cluster.ts';

const alerts = { group, version, plural: 'alerts' };
const appevents = { group, version, plural: 'appevents' };

/** An AppEvent as listed from the API server. */
export type StoredAppEvent = KubernetesObject & { spec: AppEventSpec };

/** Creates an Alert in the local API server and returns it as stored. */
export async function createAlert(
  cluster: TestCluster,
  namespace: string,
  name: string,
  spec: AlertSpecInput,
): Promise<AlertObject> {
  return (await cluster.custom.createNamespacedCustomObject({
    ...alerts,
    namespace,
    body: { apiVersion: `${group}/${version}`, kind: 'Alert', metadata: { name }, spec },
  })) as AlertObject;
}

/** Reads an Alert from the local API server. */
export async function getAlert(
  cluster: TestCluster,
  namespace: string,
  name: string,
): Promise<AlertObject & { status?: AlertStatus }> {
  return (await cluster.custom.getNamespacedCustomObject({
    ...alerts,
    namespace,
    name,
  })) as AlertObject;
}

/** Lists the AppEvents created for an Alert, oldest first. */
export async function alertEvents(
  cluster: TestCluster,
  alert: AlertObject,
): Promise<StoredAppEvent[]> {
  const list = (await cluster.custom.listNamespacedCustomObject({
    ...appevents,
    namespace: alert.metadata?.namespace ?? '',
    labelSelector: `${alertUidLabel}=${alert.metadata?.uid}`,
  })) as { items: StoredAppEvent[] };
  return list.items.sort((a, b) =>
    String(a.metadata?.creationTimestamp).localeCompare(String(b.metadata?.creationTimestamp)),
  );
}

/** Lists the kind of each alert event: its type, or the state of an app_alert_triggered event. */
export function eventKinds(events: readonly StoredAppEvent[]): string[] {
  return events.map((event) =>
    event.spec.type === 'app_alert_triggered' ? String(event.spec.data?.state) : event.spec.type,
  );
}

/** An alert controller wired to a local API server and a Prometheus URL, with its log lines. */
export interface ControllerHarness {
  controller: AlertController;
  /** Registry of the alert metrics. */
  registry: Registry;
  /** Writes the Kubernetes Events the controller records; `flush` waits for them. */
  recorder: EventRecorder;
  logLines: string[];
  /** Parsed log records whose message is `message`. */
  logsWith(message: string): Record<string, unknown>[];
}

/** Builds an alert controller as the operator does, without informers or its loop. */
export function alertController(
  cluster: TestCluster,
  prometheusUrl: string,
  clock: Clock,
  options: { timeoutMs?: number } = {},
): ControllerHarness {
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  const logger = createLogger({ level: 'debug' }, sink);
  const registry = new Registry();
  const recorder = new EventRecorder({
    core: cluster.core,
    component: 'herald-operator',
    instance: 'alert-test',
    clock,
    logger,
  });
  const controller = new AlertController({
    prometheus: createPrometheusClient({
      url: prometheusUrl,
      timeoutMs: options.timeoutMs ?? 2000,
    }),
    events: createAppEventCreator(cluster.custom),
    statusWriter: new StatusWriter<AlertStatus>({
      api: cluster.custom,
      group,
      version,
      plural: 'alerts',
      logger,
    }),
    queries: defaultQueries(),
    rateWindow: '2m',
    intervalMs: 30_000,
    metrics: createAlertMetrics({ registry }),
    recorder,
    clock,
    logger,
  });
  return {
    controller,
    recorder,
    registry,
    logLines,
    logsWith: (message) =>
      logLines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((record) => record.msg === message),
  };
}
