import { alertNames, parseAlert, type Alert, type AlertStatus } from '../api/alert.ts';
import { apiVersion } from '../api/group.ts';
import type { EventRecorder } from '../operator/event-recorder.ts';
import { describeApiError } from '../operator/kube.ts';
import type { ObjectWithStatus, StatusWriter } from '../operator/status-writer.ts';
import type { Clock } from '../util/clock.ts';
import type { Logger } from '../util/log.ts';
import { lifecycleEvent, triggeredEvent, type AlertAppEvent } from './alert-events.ts';
import { alertRule, type MetricQueries } from './alert-evaluation.ts';
import type { AlertMetrics } from './alert-metrics.ts';
import type { AppEventCreator, CreateOutcome } from './app-event-creator.ts';
import { AlertObserver } from './alert-observer.ts';
import type { PrometheusClient } from './prometheus-client.ts';
import type { AppMetricsSettings } from './query-template.ts';
import { nextStatus, pausedStatus, timestamp } from './state-machine.ts';

/** An Alert as the informer hands it over. */
export type AlertObject = ObjectWithStatus<AlertStatus>;

/** Dependencies and settings of the alert controller. */
export interface AlertControllerOptions {
  prometheus: PrometheusClient;
  events: AppEventCreator;
  statusWriter: StatusWriter<AlertStatus>;
  queries: MetricQueries;
  /** Range of rate() in the queries, a Prometheus duration such as "2m". */
  rateWindow: string;
  /** Time between the starts of two evaluation rounds, in ms. */
  intervalMs: number;
  /** Alerts evaluated at the same time. */
  concurrency?: number;
  metrics: AlertMetrics;
  /** The App's `spec.metrics` of an app: the labels that find its pods. */
  appMetrics?: (namespace: string, app: string) => AppMetricsSettings | undefined;
  /** Records Kubernetes Events on Alerts whose evaluation fails. */
  recorder?: Pick<EventRecorder, 'record'>;
  clock: Clock;
  logger: Logger;
}

/** State the controller keeps for one Alert. */
interface TrackedAlert {
  object: AlertObject;
  parsed: { ok: true; alert: Alert } | { ok: false; message: string };
  /** The status as this process decided it, ahead of the stored one until `dirty` is false. */
  status: AlertStatus;
  dirty: boolean;
  /** Whether the alert_added event exists, or the Alert was processed before. */
  announced: boolean;
  /** The validation error last logged for this alert, so each is logged once. */
  loggedError?: string | undefined;
}

/**
 * Evaluates every Alert against Prometheus on an interval, creates the AppEvents of its
 * notifications and records its state in its status. The state lives in the status, so a
 * restarted operator resumes pending durations and never fires twice: AppEvent names derive from
 * the status, and each event is created before the status that records it is written.
 */
export class AlertController {
  private readonly options: AlertControllerOptions;
  private readonly alerts = new Map<string, TrackedAlert>();
  /** Per-alert chains that keep the writes of one Alert in order. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private readonly observer: AlertObserver;
  private loop: Promise<void> | undefined;

  constructor(options: AlertControllerOptions) {
    this.options = options;
    this.observer = new AlertObserver(options);
  }

  /** Handles an added or changed Alert. A never-processed Alert gets its alert_added event. */
  upsert(object: AlertObject): void {
    const key = alertKey(object);
    const known = this.alerts.get(key);
    if (known && known.object.metadata?.uid === object.metadata?.uid) {
      // The stored status may lag behind the decided one, so only the spec is taken over.
      known.object = object;
      known.parsed = parseAlert(object);
      return;
    }

    const status = object.status ?? {};
    const announced = status.observedGeneration !== undefined;
    this.alerts.set(key, { object, parsed: parseAlert(object), status, dirty: false, announced });
    if (!announced) void this.exclusive(key, () => this.announce(key));
  }

  /** Handles a deleted Alert: drops its state and metrics, and creates its alert_deleted event. */
  remove(object: AlertObject): void {
    const key = alertKey(object);
    this.alerts.delete(key);
    const namespace = object.metadata?.namespace ?? '';
    const name = object.metadata?.name ?? '';
    this.options.statusWriter.forget(namespace, name);
    this.observer.forget(namespace, name);

    const parsed = parseAlert(object);
    if (!parsed.ok) return;
    const event = lifecycleEvent(parsed.alert, 'alert_deleted', this.options.clock.now());
    void this.exclusive(key, () => this.announceDeletion(event, parsed.alert));
  }

  /** Starts evaluating every interval, the first round right away. */
  start(): void {
    this.loop ??= (async () => {
      for (;;) {
        await this.evaluateAll();
        try {
          await this.options.clock.sleep(this.options.intervalMs, this.abort.signal);
        } catch {
          return;
        }
      }
    })();
  }

  /** Stops the loop and aborts queries under way; resolves once the current round ends. */
  async stop(): Promise<void> {
    this.abort.abort(new Error('operator is stopping'));
    await this.loop;
    await Promise.all(this.chains.values());
  }

  /** Evaluates every known Alert once, a few at a time. Resolves when all are done. */
  async evaluateAll(): Promise<void> {
    const keys = [...this.alerts.keys()];
    const workers = Math.max(1, this.options.concurrency ?? 4);
    let next = 0;
    const work = async () => {
      while (next < keys.length && !this.abort.signal.aborted) {
        const key = keys[next++] ?? '';
        await this.exclusive(key, () => this.evaluate(key));
      }
    };
    await Promise.all(Array.from({ length: workers }, work));
  }

  /** Runs `task` after the earlier tasks of the same Alert; never rejects. */
  private exclusive(key: string, task: () => Promise<void>): Promise<void> {
    const run = (this.chains.get(key) ?? Promise.resolve()).then(task).catch((error: unknown) => {
      this.options.logger.error({ alert: key, err: error }, 'alert task failed');
    });
    this.chains.set(key, run);
    void run.then(() => {
      if (this.chains.get(key) === run) this.chains.delete(key);
    });
    return run;
  }

  private async announce(key: string): Promise<void> {
    const tracked = this.alerts.get(key);
    if (!tracked || tracked.announced || !tracked.parsed.ok) return;
    const now = this.options.clock.now();
    const event = lifecycleEvent(tracked.parsed.alert, 'alert_added', now);
    if (!(await this.createEvent(event, tracked.parsed.alert, retryNextEvaluation))) return;
    tracked.announced = true;
    this.setStatus(tracked, { state: 'ok', since: timestamp(now), ...tracked.status });
    await this.flush(key, tracked);
  }

  private async evaluate(key: string): Promise<void> {
    const tracked = this.alerts.get(key);
    if (!tracked) return;
    // An alert_added event that failed to be created is tried again before each evaluation.
    if (!tracked.announced) await this.announce(key);
    const now = this.options.clock.now();

    if (!tracked.parsed.ok) {
      const error = `the Alert is invalid: ${tracked.parsed.message}`.slice(0, 1024);
      if (tracked.loggedError !== error) {
        this.options.logger.warn({ alert: key, error }, 'alert is invalid; it is not evaluated');
        tracked.loggedError = error;
      }
      this.setStatus(tracked, { ...tracked.status, evaluationError: error });
    } else if (!tracked.parsed.alert.spec.active) {
      const { namespace, name } = tracked.parsed.alert.metadata;
      this.observer.forget(namespace, name);
      this.setStatus(tracked, pausedStatus(tracked.status, now));
    } else {
      const proceed = await this.transition(tracked, tracked.parsed.alert);
      if (!proceed) return;
    }
    await this.flush(key, tracked);
  }

  /** Queries, decides and notifies. Returns false when the notification could not be created. */
  private async transition(tracked: TrackedAlert, alert: Alert): Promise<boolean> {
    const observation = await this.observer.observe(alert, this.abort.signal);
    // A query cut short by stop() carries no information about the alert.
    if (!observation) return false;

    const now = this.options.clock.now();
    const decided = nextStatus(tracked.status, alertRule(alert.spec), observation, now);
    if (decided.notification) {
      const event = triggeredEvent(alert, decided.notification, now);
      // The status is written only once the event exists, so a failure here retries the same
      // notification, under the same name, at the next evaluation.
      const outcome = await this.createEvent(event, alert, retryNextEvaluation);
      if (!outcome) return false;
      this.options.logger.info(
        {
          namespace: alert.metadata.namespace,
          alert: alert.metadata.name,
          event: event.metadata.name,
          state: decided.notification.kind,
          outcome,
        },
        'alert notification created',
      );
    }
    this.setStatus(tracked, decided.status);
    return true;
  }

  /** Creates the alert_deleted event, retrying with backoff because nothing else will. */
  private async announceDeletion(event: AlertAppEvent, alert: Alert): Promise<void> {
    for (let attempt = 1; attempt <= deletionAttempts; attempt++) {
      const last = attempt === deletionAttempts;
      const failure = last ? 'creating an alert event failed; giving up' : retrySoon;
      if (await this.createEvent(event, alert, failure)) return;
      if (last) return;
      try {
        await this.options.clock.sleep(1000 * 2 ** (attempt - 1), this.abort.signal);
      } catch {
        return;
      }
    }
  }

  /** Creates an AppEvent. Resolves to undefined, after logging `failure`, when the API fails. */
  private async createEvent(
    event: AlertAppEvent,
    alert: Alert,
    failure: string,
  ): Promise<CreateOutcome | undefined> {
    try {
      return await this.options.events.create(event);
    } catch (error) {
      const { namespace, name } = alert.metadata;
      const fields = { namespace, alert: name, event: event.metadata.name };
      this.options.logger.error({ ...fields, error: describeApiError(error) }, failure);
      return undefined;
    }
  }

  private setStatus(tracked: TrackedAlert, status: AlertStatus): void {
    const generation = tracked.object.metadata?.generation;
    const next = generation === undefined ? status : { ...status, observedGeneration: generation };
    const error = next.evaluationError;
    if (error && error !== tracked.status.evaluationError) {
      // The recorder folds repeats of one message into one Event with a count.
      const { metadata } = tracked.object;
      this.options.recorder?.record(
        {
          apiVersion,
          kind: alertNames.kind,
          name: metadata?.name ?? '',
          namespace: metadata?.namespace ?? '',
          ...(metadata?.uid ? { uid: metadata.uid } : {}),
        },
        'Warning',
        tracked.parsed.ok ? 'EvaluationFailed' : 'InvalidSpec',
        error,
      );
    }
    tracked.status = next;
    tracked.dirty = true;
  }

  /** Writes the decided status unless the Alert is gone; keeps it dirty when the write fails. */
  private async flush(key: string, tracked: TrackedAlert): Promise<void> {
    if (!tracked.dirty || this.alerts.get(key) !== tracked) return;
    try {
      const status = tracked.status;
      await this.options.statusWriter.update(tracked.object, () => status);
      tracked.dirty = false;
    } catch (error) {
      this.options.logger.warn(
        { alert: key, error: describeApiError(error) },
        'writing an alert status failed; retrying at the next evaluation',
      );
    }
  }
}

const retryNextEvaluation = 'creating an alert event failed; retrying at the next evaluation';
const retrySoon = 'creating an alert event failed; retrying';

/** Attempts at creating an alert_deleted event: 1 s, 2 s, 4 s and 8 s apart. */
const deletionAttempts = 5;

function alertKey(object: AlertObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}
