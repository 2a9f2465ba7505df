import { Counter, Gauge, Histogram, register, type Registry } from 'prom-client';

/** Outcome label of an evaluation. */
export type EvaluationOutcome = 'success' | 'server_error' | 'query_error';

/** Prometheus metrics of alert evaluation. */
export interface AlertMetrics {
  /** Records the latest value of an alert's metric. */
  observe(namespace: string, alert: string, value: number): void;
  /** Records how long one evaluation took, in seconds, and how it ended. */
  evaluated(outcome: EvaluationOutcome, seconds: number): void;
  /** Drops the series of a deleted or paused alert. */
  forget(namespace: string, alert: string): void;
}

/**
 * Creates the alert metrics in `registry` (prom-client's default one unless given). Metrics that
 * already exist there are reused, so several operators in one process share them.
 */
export function createAlertMetrics(registry: Registry = register): AlertMetrics {
  const value = reuse(
    registry,
    'herald_alert_value',
    () =>
      new Gauge({
        name: 'herald_alert_value',
        help: 'Latest value of the metric an alert watches, in the unit of the metric.',
        labelNames: ['namespace', 'alert'],
        registers: [registry],
      }),
  );
  const duration = reuse(
    registry,
    'herald_alert_evaluation_duration_seconds',
    () =>
      new Histogram({
        name: 'herald_alert_evaluation_duration_seconds',
        help: 'Time taken by one alert evaluation, Prometheus query included, in seconds.',
        labelNames: ['outcome'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers: [registry],
      }),
  );
  const evaluations = reuse(
    registry,
    'herald_alert_evaluations_total',
    () =>
      new Counter({
        name: 'herald_alert_evaluations_total',
        help: 'Alert evaluations, by outcome: success, server_error or query_error.',
        labelNames: ['outcome'],
        registers: [registry],
      }),
  );

  return {
    observe: (namespace, alert, latest) => value.set({ namespace, alert }, latest),
    evaluated: (outcome, seconds) => {
      duration.observe({ outcome }, seconds);
      evaluations.inc({ outcome });
    },
    forget: (namespace, alert) => value.remove({ namespace, alert }),
  };
}

function reuse<M>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}
