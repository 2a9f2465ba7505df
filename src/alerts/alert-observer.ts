import type { AppMetricsSettings } from './query-template.ts';
import type { Alert } from '../api/alert.ts';
import type { Logger } from '../util/log.ts';
import { alertQuery, type MetricQueries } from './alert-evaluation.ts';
import type { AlertMetrics } from './alert-metrics.ts';
import type { PrometheusClient, QueryResult } from './prometheus-client.ts';
import type { Observation } from './state-machine.ts';

/** Dependencies and settings of an AlertObserver. */
export interface AlertObserverOptions {
  prometheus: PrometheusClient;
  queries: MetricQueries;
  /** Range of rate() in the queries, a Prometheus duration such as "2m". */
  rateWindow: string;
  metrics: AlertMetrics;
  /** The App's `spec.metrics` of an app: the labels that find its pods. */
  appMetrics?: (namespace: string, app: string) => AppMetricsSettings | undefined;
  logger: Logger;
}

/**
 * Queries the value of each alert's metric and records it and the evaluation timings as metrics.
 * It logs a Prometheus outage once when it starts and once when it ends, and each alert's query
 * error once until the error changes.
 */
export class AlertObserver {
  private readonly options: AlertObserverOptions;
  /** Whether the last query failed on the server side. */
  private outage = false;
  /** The query error last logged per alert, by `namespace/name`. */
  private readonly loggedErrors = new Map<string, string>();

  constructor(options: AlertObserverOptions) {
    this.options = options;
  }

  /** Runs the query of `alert`. Resolves to undefined when `signal` aborted it. */
  async observe(alert: Alert, signal: AbortSignal): Promise<Observation | undefined> {
    const result = await this.query(alert, signal);
    if (signal.aborted) return undefined;

    this.log(alert, result);
    return result.ok ? { ok: true, value: result.value } : { ok: false, message: result.message };
  }

  /** Drops what is known of a deleted or paused alert. */
  forget(namespace: string, name: string): void {
    this.loggedErrors.delete(`${namespace}/${name}`);
    this.options.metrics.forget(namespace, name);
  }

  private async query(alert: Alert, signal: AbortSignal): Promise<QueryResult> {
    const { namespace, name } = alert.metadata;
    const { queries, rateWindow } = this.options;
    const started = performance.now();
    let result: QueryResult;
    try {
      const app = this.options.appMetrics?.(namespace, alert.spec.app);
      const query = alertQuery(namespace, alert.spec, queries, rateWindow, app);
      result = await this.options.prometheus.query(query, signal);
    } catch (error) {
      // Only rendering throws: an Alert's own query with an unknown variable.
      result = { ok: false, scope: 'query', message: (error as Error).message };
    }

    this.options.metrics.evaluated((performance.now() - started) / 1000, !result.ok);
    if (result.ok) this.options.metrics.observe(namespace, name, result.value);
    return result;
  }

  private log(alert: Alert, result: QueryResult): void {
    const { logger } = this.options;
    const { namespace, name } = alert.metadata;
    if (!result.ok && result.scope === 'server') {
      if (!this.outage) {
        logger.warn({ error: result.message }, 'Prometheus queries fail; alerts keep their state');
      }
      this.outage = true;
      return;
    }
    if (this.outage) logger.info({}, 'Prometheus responds again');
    this.outage = false;

    const key = `${namespace}/${name}`;
    if (result.ok) {
      this.loggedErrors.delete(key);
      return;
    }
    if (this.loggedErrors.get(key) === result.message) return;
    logger.warn(
      { namespace, alert: name, error: result.message },
      'alert evaluation failed; its state is kept',
    );
    this.loggedErrors.set(key, result.message);
  }
}
