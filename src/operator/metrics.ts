import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DeliveryObserver } from './delivery-observer.ts';

/**
 * The metrics of alert evaluations. The alerts controller times each evaluation with
 * `observeEvaluation`, or updates the three metrics itself.
 */
export interface AlertMetrics {
  readonly evaluations: Counter;
  readonly evaluationDuration: Histogram;
  readonly evaluationErrors: Counter;
  /**
   * Runs one evaluation and records it: the count, its duration in seconds, and an error when
   * `evaluate` rejects. Resolves or rejects as `evaluate` does.
   */
  observeEvaluation<T>(evaluate: () => Promise<T>): Promise<T>;
}

/** The operator's Prometheus metrics, all in one registry. */
export interface HeraldMetrics {
  readonly registry: Registry;
  /** Deliveries that reached Delivered, by platform. */
  readonly notificationsSent: Counter<'platform'>;
  /** Deliveries that reached Failed, by platform and failure reason. */
  readonly notificationsFailed: Counter<'platform' | 'reason'>;
  /** Time from the AppEvent's creation to the final outcome of a delivery, in seconds. */
  readonly deliveryLatency: Histogram<'platform' | 'outcome'>;
  /** Duration of one delivery attempt (one HTTP request or one SMTP send), in seconds. */
  readonly attemptDuration: Histogram<'platform'>;
  /** Failed attempts that are retried, by platform. */
  readonly retries: Counter<'platform'>;
  /** Deliveries queued or running in this replica. */
  readonly queueDepth: Gauge;
  /** AppEvents first seen without a routing decision. */
  readonly eventsReceived: Counter;
  /** Notifiers in the routing table. */
  readonly routingTableSize: Gauge;
  /** Informer restarts after list or watch errors. */
  readonly watchRestarts: Gauge;
  /** 1 while this replica is the leader and dispatches deliveries, otherwise 0. */
  readonly leader: Gauge;
  readonly alerts: AlertMetrics;
  /**
   * Reads the queue depth, routing table size and watch restarts from a running operator
   * whenever the metrics are scraped. A later call replaces the sources of an earlier one.
   */
  track(sources: MetricSources): void;
  /** The dispatcher observer that counts deliveries, attempts and retries. */
  readonly deliveryObserver: DeliveryObserver;
}

/** Functions that read the current value of the gauges a running operator owns. */
export interface MetricSources {
  queueDepth(): number;
  routingTableSize(): number;
  watchRestarts(): number;
}

/** Options of createMetrics. */
export interface MetricsOptions {
  /** Also export Node's process metrics (CPU, memory, event loop lag, handles). */
  processMetrics?: boolean;
  /** Milliseconds since the Unix epoch, for the delivery latency. */
  now?: () => number;
}

const attemptBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const latencyBuckets = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
const evaluationBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Creates the operator's metrics in a registry of their own, so tests may create several. */
export function createMetrics(options: MetricsOptions = {}): HeraldMetrics {
  const registry = new Registry();
  const registers = [registry];
  const now = options.now ?? Date.now;
  if (options.processMetrics) collectDefaultMetrics({ register: registry });

  let sources: MetricSources | undefined;
  const notificationsSent = new Counter({
    name: 'herald_notifications_sent_total',
    help: 'Deliveries that reached Delivered, by platform.',
    labelNames: ['platform'] as const,
    registers,
  });
  const notificationsFailed = new Counter({
    name: 'herald_notifications_failed_total',
    help: 'Deliveries that reached Failed, by platform and failure reason.',
    labelNames: ['platform', 'reason'] as const,
    registers,
  });
  const deliveryLatency = new Histogram({
    name: 'herald_delivery_latency_seconds',
    help: "Time from the AppEvent's creation to the final outcome of a delivery.",
    labelNames: ['platform', 'outcome'] as const,
    buckets: latencyBuckets,
    registers,
  });
  const attemptDuration = new Histogram({
    name: 'herald_delivery_attempt_duration_seconds',
    help: 'Duration of one delivery attempt: one HTTP request or one SMTP send.',
    labelNames: ['platform'] as const,
    buckets: attemptBuckets,
    registers,
  });
  const retries = new Counter({
    name: 'herald_delivery_retries_total',
    help: 'Failed delivery attempts that are retried, by platform.',
    labelNames: ['platform'] as const,
    registers,
  });
  const queueDepth = new Gauge({
    name: 'herald_queue_depth',
    help: 'Deliveries queued or running in this replica.',
    registers,
    collect() {
      if (sources) this.set(sources.queueDepth());
    },
  });
  const eventsReceived = new Counter({
    name: 'herald_events_received_total',
    help: 'AppEvents first seen without a routing decision.',
    registers,
  });
  const routingTableSize = new Gauge({
    name: 'herald_routing_table_notifiers',
    help: 'Notifiers in the routing table.',
    registers,
    collect() {
      if (sources) this.set(sources.routingTableSize());
    },
  });
  const watchRestarts = new Gauge({
    name: 'herald_watch_restarts',
    help: 'Informer restarts after list or watch errors since the operator started dispatching.',
    registers,
    collect() {
      if (sources) this.set(sources.watchRestarts());
    },
  });
  const leader = new Gauge({
    name: 'herald_leader',
    help: '1 while this replica is the leader and dispatches deliveries, otherwise 0.',
    registers,
  });
  leader.set(0);

  const deliveryObserver: DeliveryObserver = {
    attempted: ({ platform, durationMs }) =>
      attemptDuration.observe({ platform }, durationMs / 1000),
    retrying: ({ platform }) => retries.inc({ platform }),
    finished: (outcome) => {
      const { platform } = outcome;
      if (outcome.ok) notificationsSent.inc({ platform });
      else notificationsFailed.inc({ platform, reason: outcome.reason });
      const created = Date.parse(outcome.eventCreatedAt ?? '');
      if (Number.isFinite(created)) {
        const seconds = Math.max(0, now() - created) / 1000;
        deliveryLatency.observe(
          { platform, outcome: outcome.ok ? 'Delivered' : 'Failed' },
          seconds,
        );
      }
    },
  };

  return {
    registry,
    notificationsSent,
    notificationsFailed,
    deliveryLatency,
    attemptDuration,
    retries,
    queueDepth,
    eventsReceived,
    routingTableSize,
    watchRestarts,
    leader,
    alerts: createAlertMetrics(registers, now),
    track: (next) => {
      sources = next;
    },
    deliveryObserver,
  };
}

function createAlertMetrics(registers: Registry[], now: () => number): AlertMetrics {
  const evaluations = new Counter({
    name: 'herald_alert_evaluations_total',
    help: 'Alert rule evaluations.',
    registers,
  });
  const evaluationDuration = new Histogram({
    name: 'herald_alert_evaluation_duration_seconds',
    help: 'Duration of one alert rule evaluation.',
    buckets: evaluationBuckets,
    registers,
  });
  const evaluationErrors = new Counter({
    name: 'herald_alert_evaluation_errors_total',
    help: 'Alert rule evaluations that failed with an error.',
    registers,
  });
  return {
    evaluations,
    evaluationDuration,
    evaluationErrors,
    async observeEvaluation(evaluate) {
      const started = now();
      evaluations.inc();
      try {
        return await evaluate();
      } catch (error) {
        evaluationErrors.inc();
        throw error;
      } finally {
        evaluationDuration.observe(Math.max(0, now() - started) / 1000);
      }
    },
  };
}
