import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Evaluation counters and timings that the operator's metrics may already define. */
export interface EvaluationMetrics {
  readonly evaluations: Counter;
  readonly evaluationDuration: Histogram;
  readonly evaluationErrors: Counter;
}

/** Destination of the alert metrics: a registry, and the evaluation metrics already in it. */
export interface AlertMetricsTarget {
  readonly registry: Registry;
  readonly alerts?: EvaluationMetrics;
}

/** The metrics the alert controller records. */
export interface AlertMetrics {
  /** Records the latest value of an alert's metric. */
  observe(namespace: string, alert: string, value: number): void;
  /** Records one evaluation: its duration in seconds and whether it failed. */
  evaluated(seconds: number, failed: boolean): void;
  /** Drops the value of a deleted or paused alert. */
  forget(namespace: string, alert: string): void;
}

const evaluationBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Creates the alert metrics in `target.registry`: `herald_alert_value`, and the evaluation
 * metrics unless `target.alerts` brings them. Without a target they go to a registry of their own
 * that nothing exports.
 */
export function createAlertMetrics(target?: AlertMetricsTarget): AlertMetrics {
  const registry = target?.registry ?? new Registry();
  const registers = [registry];
  const evaluation = target?.alerts ?? createEvaluationMetrics(registers);
  const value = new Gauge({
    name: 'herald_alert_value',
    help: 'Latest value of the metric an alert watches, in the unit of the metric.',
    labelNames: ['namespace', 'alert'] as const,
    registers,
  });

  return {
    observe: (namespace, alert, latest) => value.set({ namespace, alert }, latest),
    evaluated: (seconds, failed) => {
      evaluation.evaluations.inc();
      evaluation.evaluationDuration.observe(seconds);
      if (failed) evaluation.evaluationErrors.inc();
    },
    forget: (namespace, alert) => value.remove({ namespace, alert }),
  };
}

function createEvaluationMetrics(registers: Registry[]): EvaluationMetrics {
  return {
    evaluations: new Counter({
      name: 'herald_alert_evaluations_total',
      help: 'Alert rule evaluations.',
      registers,
    }),
    evaluationDuration: new Histogram({
      name: 'herald_alert_evaluation_duration_seconds',
      help: 'Duration of one alert rule evaluation, Prometheus query included.',
      buckets: evaluationBuckets,
      registers,
    }),
    evaluationErrors: new Counter({
      name: 'herald_alert_evaluation_errors_total',
      help: 'Alert rule evaluations that failed with an error.',
      registers,
    }),
  };
}
