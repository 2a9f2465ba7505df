import { alertNames, type AlertStatus } from '../api/alert.ts';
import { group, version } from '../api/group.ts';
import type { EventRecorder } from '../operator/event-recorder.ts';
import { heraldInformer, type ResilientInformer } from '../operator/informer.ts';
import type { KubeClients } from '../operator/kube.ts';
import { StatusWriter } from '../operator/status-writer.ts';
import type { Clock } from '../util/clock.ts';
import type { Logger } from '../util/log.ts';
import type { AlertConfig } from './alert-config.ts';
import { AlertController, type AlertObject } from './alert-controller.ts';
import { createAlertMetrics, type AlertMetricsTarget } from './alert-metrics.ts';
import { createAppEventCreator } from './app-event-creator.ts';
import { createPrometheusClient } from './prometheus-client.ts';
import type { AppMetricsSettings } from './query-template.ts';

/** Dependencies and settings of startAlerts. */
export interface AlertsOptions {
  clients: KubeClients;
  /** Alert settings; undefined disables alerts. */
  config: AlertConfig | undefined;
  /** Namespaces to watch; empty means every namespace. */
  namespaces: readonly string[];
  clock: Clock;
  logger: Logger;
  /** Registry for the alert metrics, such as the operator's; a private one when absent. */
  metrics?: AlertMetricsTarget;
  /** The App's `spec.metrics` of an app: the labels that find its pods. */
  appMetrics?: (namespace: string, app: string) => AppMetricsSettings | undefined;
  /** Records Kubernetes Events on Alerts whose evaluation fails. */
  recorder?: Pick<EventRecorder, 'record'>;
}

/** Running alert evaluation. */
export interface RunningAlerts {
  /** The controller, or undefined when alerts are disabled. */
  readonly controller: AlertController | undefined;
  /** Informer restarts after API errors. */
  informerRestarts(): number;
  /** Stops evaluating and watching Alerts. */
  stop(): Promise<void>;
}

/**
 * Watches Alerts and evaluates them against Prometheus. Without a Prometheus URL it logs that
 * alerts are disabled and starts no informer. Resolves once the Alerts are listed.
 */
export async function startAlerts(options: AlertsOptions): Promise<RunningAlerts> {
  const { config, clients, clock, logger } = options;
  if (!config) {
    logger.info({}, 'alerts are disabled: no Prometheus URL is set (--prometheus-url)');
    return { controller: undefined, informerRestarts: () => 0, stop: async () => {} };
  }

  const controller = new AlertController({
    prometheus: createPrometheusClient({
      url: config.prometheusUrl,
      timeoutMs: config.prometheusTimeoutMs,
      bearerTokenFile: config.prometheusBearerTokenFile,
    }),
    events: createAppEventCreator(clients.customObjects),
    statusWriter: new StatusWriter<AlertStatus>({
      api: clients.customObjects,
      group,
      version,
      plural: alertNames.plural,
      logger,
    }),
    queries: config.queries,
    rateWindow: config.rateWindow,
    intervalMs: config.intervalMs,
    metrics: createAlertMetrics(options.metrics),
    ...(options.appMetrics ? { appMetrics: options.appMetrics } : {}),
    ...(options.recorder ? { recorder: options.recorder } : {}),
    clock,
    logger,
  });

  const scopes = options.namespaces.length > 0 ? options.namespaces : [undefined];
  const informers = scopes.map((namespace) =>
    alertInformer(clients, namespace, controller, options),
  );
  await Promise.all(informers.map((each) => each.start()));
  controller.start();
  logger.info({ intervalMs: config.intervalMs }, 'alert evaluation started');

  return {
    controller,
    informerRestarts: () => informers.reduce((sum, each) => sum + each.restarts, 0),
    async stop() {
      await Promise.all(informers.map((each) => each.stop()));
      await controller.stop();
    },
  };
}

function alertInformer(
  clients: KubeClients,
  namespace: string | undefined,
  controller: AlertController,
  options: AlertsOptions,
): ResilientInformer<AlertObject> {
  return heraldInformer<AlertObject>(
    clients,
    alertNames.plural,
    namespace,
    options.clock,
    options.logger,
    {
      add: (object) => controller.upsert(object),
      update: (object) => controller.upsert(object),
      delete: (object) => controller.remove(object),
    },
  );
}
