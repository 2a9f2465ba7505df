import {
  parseAppEvent,
  type AppEvent,
  type AppEventStatus,
  type DeliveryRecord,
} from '../api/app-event.ts';
import type { NotifierRoute, RoutingTable } from '../routing/routing-table.ts';
import { humanDuration } from '../local-api/duration.ts';
import type { Clock } from '../util/clock.ts';
import type { Logger } from '../util/log.ts';
import { countedEventTypes, notifiedCrashCounts, type CrashCounter } from './crash-counter.ts';
import type { ObjectWithStatus, StatusWriter } from './status-writer.ts';

/** Phases after which an AppEvent is never touched again. */
const finalPhases = new Set(['Delivered', 'PartiallyFailed', 'Failed', 'Expired', 'NoMatch']);

/** Sends one recorded delivery; implemented by the dispatcher. */
export interface DeliveryScheduler {
  /** Queues the delivery unless it is already queued; returns false when its queue is full. */
  schedule(event: AppEvent, delivery: DeliveryRecord): boolean;
}

export interface EventControllerOptions {
  routing: RoutingTable;
  statusWriter: StatusWriter<AppEventStatus>;
  scheduler: DeliveryScheduler;
  /** Events first seen longer than this after they occurred are recorded as Expired, in ms. */
  maxAgeMs: number;
  crashes: CrashCounter;
  clock: Clock;
  logger: Logger;
}

/**
 * Decides, once per AppEvent, which notifiers receive it, and records that decision in the
 * event's status before anything is sent. Then it hands each pending delivery to the scheduler.
 * A restarted operator finds the decision in the status and schedules only what is still pending.
 */
export class EventController {
  private readonly options: EventControllerOptions;
  /** Events whose decision is being written, so a second informer event does not decide again. */
  private readonly deciding = new Set<string>();
  /** The last crash decision of each app, so crashes of one app are counted one at a time. */
  private readonly crashDecisions = new Map<string, Promise<void>>();

  constructor(options: EventControllerOptions) {
    this.options = options;
  }

  /** Handles an added or changed AppEvent. */
  upsert(object: ObjectWithStatus<AppEventStatus>): void {
    this.options.statusWriter.observe(object);
    const phase = object.status?.phase;
    // The periodic resync hands every event over again: a finished event needs no parsing unless
    // the crash counter reads it.
    const type = (object.spec as { type?: unknown } | undefined)?.type;
    if (phase && finalPhases.has(phase) && !countedEventTypes.has(String(type))) return;

    const parsed = parseAppEvent(object);
    if (parsed.ok) {
      const { event } = parsed;
      this.options.crashes.observe(event, occurredAt(event), event.status?.crashCount);
    }
    if (phase && finalPhases.has(phase)) return;
    if (!phase) {
      if (parsed.ok && parsed.event.spec.type === 'app_crashed') {
        this.decideCrash(parsed.event, object);
      } else {
        void this.decide(object);
      }
      return;
    }
    if (parsed.ok) this.schedulePending(parsed.event, object);
  }

  /** Handles a deleted AppEvent. */
  remove(object: ObjectWithStatus<AppEventStatus>): void {
    const parsed = parseAppEvent(object);
    if (parsed.ok) this.options.crashes.forget(parsed.event);
    this.options.statusWriter.forget(object.metadata?.namespace ?? '', object.metadata?.name ?? '');
  }

  /** Schedules the pending deliveries of an event whose decision is recorded. */
  private schedulePending(event: AppEvent, object: ObjectWithStatus<AppEventStatus>): void {
    for (const delivery of object.status?.deliveries ?? []) {
      if (delivery.state === 'Pending') this.options.scheduler.schedule(event, delivery);
    }
  }

  /** Decides crashes of one app one after another, so each is counted after the one before. */
  private decideCrash(event: AppEvent, object: ObjectWithStatus<AppEventStatus>): void {
    const key = `${event.metadata.namespace}/${event.spec.app}`;
    const previous = this.crashDecisions.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.decide(object));
    this.crashDecisions.set(key, next);
    void next.then(() => {
      if (this.crashDecisions.get(key) === next) this.crashDecisions.delete(key);
    });
  }

  private async decide(object: ObjectWithStatus<AppEventStatus>): Promise<void> {
    const key = `${object.metadata?.namespace}/${object.metadata?.name}`;
    if (this.deciding.has(key)) return;
    this.deciding.add(key);
    try {
      const stored = await this.options.statusWriter.update(object, (current) =>
        current.status?.phase ? undefined : this.decision(current),
      );
      const storedEvent = stored ? parseAppEvent(stored) : undefined;
      if (storedEvent?.ok) {
        const { event } = storedEvent;
        this.options.crashes.observe(event, occurredAt(event), event.status?.crashCount);
      }
      if (storedEvent?.ok && stored?.status?.phase === 'Pending') {
        this.schedulePending(storedEvent.event, stored);
      }
    } catch (error) {
      this.options.logger.error(
        { namespace: object.metadata?.namespace, event: object.metadata?.name, err: error },
        'recording the routing decision failed; retrying on the next resync',
      );
    } finally {
      this.deciding.delete(key);
    }
  }

  /** Returns the first status of an event: its routing decision, or why it is not delivered. */
  private decision(object: ObjectWithStatus<AppEventStatus>): AppEventStatus {
    const now = new Date(this.options.clock.now());
    const processedAt = timestamp(now);
    const generation = object.metadata?.generation;
    const log = this.options.logger.child({
      namespace: object.metadata?.namespace,
      event: object.metadata?.name,
    });

    const parsed = parseAppEvent(object);
    if (!parsed.ok) {
      log.warn({ problem: parsed.message }, 'app event is invalid; recorded as Failed');
      return {
        phase: 'Failed',
        message: parsed.message,
        processedAt,
        observedGeneration: generation,
      };
    }
    const event = parsed.event;

    const ageMs = now.getTime() - occurredAt(event);
    if (Number.isFinite(ageMs) && ageMs > this.options.maxAgeMs) {
      log.info({ app: event.spec.app, type: event.spec.type, ageMs }, 'app event expired');
      return {
        phase: 'Expired',
        message: `the event occurred ${humanDuration(ageMs)} before it was first seen, more than the maximum age of ${humanDuration(this.options.maxAgeMs)} (--event-max-age); it was not delivered`,
        processedAt,
        observedGeneration: generation,
      };
    }

    const crashCount =
      event.spec.type === 'app_crashed'
        ? this.options.crashes.count(event, occurredAt(event))
        : undefined;
    const { routes, missing } = routesFor(this.options.routing, event, crashCount);
    const missingNote =
      missing.length > 0
        ? `named notifiers not found or invalid: ${missing.map((name) => `"${name}"`).join(', ')}`
        : undefined;
    if (routes.length === 0) {
      log.debug({ app: event.spec.app, type: event.spec.type }, 'no notifier matches app event');
      return {
        phase: 'NoMatch',
        message: [
          crashCount === undefined
            ? `no active notifier of app "${event.spec.app}" selects ${event.spec.type}`
            : `crash ${crashCount} in a row: no active notifier of app "${event.spec.app}" selects app_crashed_repeated, and app_crashed notifiers are told of the 2nd, 5th and 12th only`,
          missingNote,
        ]
          .filter(Boolean)
          .join('; '),
        processedAt,
        observedGeneration: generation,
        ...(crashCount === undefined ? {} : { crashCount }),
      };
    }

    log.debug(
      { app: event.spec.app, type: event.spec.type, notifiers: routes.length },
      'app event routed',
    );
    return {
      phase: 'Pending',
      ...(missingNote ? { message: missingNote } : {}),
      processedAt,
      observedGeneration: generation,
      ...(crashCount === undefined ? {} : { crashCount }),
      deliveries: routes.map((route) => ({
        notifier: route.name,
        platform: route.platform,
        state: 'Pending',
        attempts: 0,
      })),
    };
  }
}

/**
 * Finds the notifiers an event goes to: those selecting its type, then the active ones it names. A
 * crash goes to the notifiers selecting app_crashed_repeated every time, and to those selecting
 * app_crashed only when it is the 2nd, 5th or 12th in a row.
 */
function routesFor(
  routing: RoutingTable,
  event: AppEvent,
  crashCount: number | undefined,
): { routes: NotifierRoute[]; missing: string[] } {
  const { namespace } = event.metadata;
  const { app, type } = event.spec;
  const routes =
    crashCount === undefined
      ? [...routing.match(namespace, app, type)]
      : [...routing.match(namespace, app, 'app_crashed_repeated')];
  if (crashCount !== undefined && notifiedCrashCounts.has(crashCount)) {
    for (const route of routing.match(namespace, app, 'app_crashed')) {
      if (!routes.some((each) => each.name === route.name)) routes.push(route);
    }
  }
  const missing: string[] = [];
  for (const name of event.spec.notifiers ?? []) {
    const route = routing.get(namespace, name);
    if (!route) missing.push(name);
    else if (route.active && !routes.some((each) => each.name === name)) routes.push(route);
  }
  return { routes, missing };
}

/** When an event happened: its occurredAt, or its creation time when absent, in ms. */
function occurredAt(event: AppEvent): number {
  return Date.parse(event.spec.occurredAt ?? event.metadata.creationTimestamp ?? '');
}

/** RFC 3339 with whole seconds, as Kubernetes writes timestamps. */
export function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Returns the phase an event reaches once no delivery is pending, or undefined while one is. */
export function finalPhase(deliveries: readonly DeliveryRecord[]): AppEventStatus['phase'] {
  if (deliveries.some((delivery) => delivery.state === 'Pending')) return undefined;
  const delivered = deliveries.filter((delivery) => delivery.state === 'Delivered').length;
  if (delivered === deliveries.length) return 'Delivered';
  return delivered === 0 ? 'Failed' : 'PartiallyFailed';
}
