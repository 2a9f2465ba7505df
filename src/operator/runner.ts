import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { CoordinationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { systemClock, type Clock } from '../util/clock.ts';
import type { Logger } from '../util/log.ts';
import type { OperatorConfig } from './config.ts';
import { startHealthServer, type HealthServer } from './health-server.ts';
import { asOperatorKubeConfig } from './kube.ts';
import { LeaderElector, type LeadingEnd } from './leader-election.ts';
import { LeaseLock } from './lease-lock.ts';
import { createMetrics, type HeraldMetrics } from './metrics.ts';
import { startOperator, type RunningOperator } from './operator.ts';

/** Options of runOperator. */
export interface RunnerOptions {
  kubeConfig: KubeConfig;
  config: OperatorConfig;
  logger: Logger;
  clock?: Clock;
  /** Metrics served at /metrics; new ones with Node's process metrics when unset. */
  metrics?: HeraldMetrics;
}

/** A running operator process: probes, leader election and the operator itself. */
export interface OperatorRunner {
  /** This replica's identity in the Lease and in Events. */
  readonly identity: string;
  /** The health server, unless --health-address is empty. */
  readonly health: HealthServer | undefined;
  readonly metrics: HeraldMetrics;
  /**
   * Resolves with the exit code once the runner has ended: 0 after `shutdown`, 1 when the lease
   * was lost or the operator failed to start. After 1 the process should exit, as kube
   * controllers do, because a half-started operator may still run.
   */
  readonly done: Promise<number>;
  /**
   * Shuts down gracefully: readiness fails, no new event is taken, deliveries in flight get the
   * shutdown timeout to finish and be recorded, and the lease is released so that a standby
   * takes over at once. Resolves with the exit code; later calls return the same promise.
   */
  shutdown(reason: string): Promise<number>;
}

/** What the runner is doing, which decides the readiness probe. */
type Phase = 'standby' | 'starting' | 'leading' | 'stopping';

/**
 * Runs the operator as a process does: serves the probes and metrics, and with leader election
 * waits for the lease, starts the operator once it leads, and ends when it loses the lease or is
 * shut down. Readiness fails while the leader's informers are syncing and while stopping. A
 * standby is ready: it does all a replica should while another leads, and a rolling update or a
 * PodDisruptionBudget must be able to count it as available.
 */
export async function runOperator(options: RunnerOptions): Promise<OperatorRunner> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const metrics = options.metrics ?? createMetrics({ processMetrics: true });
  const identity = config.lease.identity ?? `${hostname()}_${randomBytes(4).toString('hex')}`;

  let phase: Phase = config.leaderElect ? 'standby' : 'starting';
  const health = config.healthAddress
    ? await startHealthServer({
        ...config.healthAddress,
        registry: metrics.registry,
        liveness: () => undefined,
        readiness: () => readinessProblem(phase),
        logger,
      })
    : undefined;

  let requestShutdown: (reason: string) => void = () => undefined;
  const shutdownRequested = new Promise<string>((resolve) => (requestShutdown = resolve));
  const lifecycle: Lifecycle = {
    ...options,
    clock,
    metrics,
    identity,
    shutdownRequested,
    setPhase: (next) => {
      if (phase !== 'stopping') phase = next;
    },
  };
  const done = (config.leaderElect ? runElected(lifecycle) : runAlone(lifecycle)).then(
    async (code) => {
      await health?.close();
      metrics.leader.set(0);
      logger.info({ exitCode: code }, 'operator runner ended');
      return code;
    },
  );

  return {
    identity,
    health,
    metrics,
    done,
    shutdown(reason) {
      if (phase !== 'stopping') logger.info({ reason }, 'shutting down');
      phase = 'stopping';
      requestShutdown(reason);
      return done;
    },
  };
}

function readinessProblem(phase: Phase): string | undefined {
  if (phase === 'starting') return 'not ready: the informers are not synced yet';
  if (phase === 'stopping') return 'not ready: shutting down';
  return undefined;
}

interface Lifecycle extends RunnerOptions {
  clock: Clock;
  metrics: HeraldMetrics;
  identity: string;
  /** Resolves with the reason once shutdown is requested. */
  shutdownRequested: Promise<string>;
  setPhase(phase: Phase): void;
}

/** Runs without leader election: this replica always dispatches. */
async function runAlone(run: Lifecycle): Promise<number> {
  run.metrics.leader.set(1);
  const started = await startWhile(run, new Promise<never>(() => undefined));
  if (started.kind !== 'started') return started.kind === 'shutdown' ? 0 : 1;

  run.setPhase('leading');
  await run.shutdownRequested;
  await started.operator.stop({ drainTimeoutMs: run.config.shutdownTimeoutMs });
  return 0;
}

/** Waits for the lease, dispatches while leading, and releases the lease on shutdown. */
async function runElected(run: Lifecycle): Promise<number> {
  const { config, logger } = run;
  const elector = new LeaderElector({
    lock: new LeaseLock({
      api: asOperatorKubeConfig(run.kubeConfig).makeApiClient(CoordinationV1Api),
      namespace: config.lease.namespace ?? config.operatorNamespace,
      name: config.lease.name,
    }),
    identity: run.identity,
    leaseDurationMs: config.lease.durationMs,
    renewDeadlineMs: config.lease.renewDeadlineMs,
    retryPeriodMs: config.lease.retryPeriodMs,
    clock: run.clock,
    logger,
  });

  const acquiring = elector.acquire();
  const leads = await Promise.race([acquiring, run.shutdownRequested.then(() => false)]);
  if (!leads) {
    elector.stop();
    await acquiring;
    return 0;
  }

  run.metrics.leader.set(1);
  const renewing = elector.keepRenewing();
  const started = await startWhile(run, renewing);
  if (started.kind !== 'started') {
    await elector.release();
    return started.kind === 'shutdown' ? 0 : 1;
  }
  const { operator } = started;
  run.setPhase('leading');

  const end = await Promise.race([renewing, run.shutdownRequested.then(() => 'shutdown' as const)]);
  if (end !== 'shutdown') {
    // Another replica may lead once the lease expires, so nothing may be sent from here on.
    run.metrics.leader.set(0);
    await operator.stop();
    return 1;
  }

  // The lease is renewed while deliveries drain, so no standby sends them a second time; if it
  // is lost meanwhile, the drain ends at once.
  const lost = new AbortController();
  void renewing.then((value: LeadingEnd) => {
    if (value === 'lost') lost.abort(new Error('lease lost while stopping'));
  });
  await operator.stop({ drainTimeoutMs: config.shutdownTimeoutMs, abortSignal: lost.signal });
  run.metrics.leader.set(0);
  await elector.release();
  return 0;
}

type StartOutcome =
  | { kind: 'started'; operator: RunningOperator }
  | { kind: 'shutdown' }
  | { kind: 'lost' }
  | { kind: 'failed' };

/**
 * Starts the operator unless shutdown is requested or `leading` ends first. A start that is cut
 * short keeps going in the background until the process exits, because startOperator cannot be
 * cancelled before its informers have synced.
 */
async function startWhile(run: Lifecycle, leading: Promise<LeadingEnd>): Promise<StartOutcome> {
  run.setPhase('starting');
  const starting = startOperator({
    kubeConfig: run.kubeConfig,
    config: run.config,
    logger: run.logger,
    clock: run.clock,
    metrics: run.metrics,
    identity: run.identity,
  }).then(
    (operator): StartOutcome => ({ kind: 'started', operator }),
    (error: unknown): StartOutcome => {
      run.logger.error({ err: error }, 'starting the operator failed');
      return { kind: 'failed' };
    },
  );
  const outcome = await Promise.race([
    starting,
    run.shutdownRequested.then((): StartOutcome => ({ kind: 'shutdown' })),
    leading.then((): StartOutcome => ({ kind: 'lost' })),
  ]);
  if (outcome.kind === 'shutdown') {
    // Informers that sync within the shutdown timeout are stopped properly.
    const deadline = new AbortController();
    const late = await Promise.race([
      starting,
      run.clock.sleep(run.config.shutdownTimeoutMs, deadline.signal).then(
        (): StartOutcome => ({ kind: 'failed' }),
        (): StartOutcome => ({ kind: 'failed' }),
      ),
    ]);
    deadline.abort();
    if (late.kind === 'started') await late.operator.stop();
    else run.logger.warn({}, 'the operator was still starting at the shutdown deadline');
  }
  return outcome;
}
