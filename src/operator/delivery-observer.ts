import type { Platform } from '../api/platforms.ts';

/** The delivery of one AppEvent to one notifier, as observers see it. */
export interface DeliveryInfo {
  namespace: string;
  /** Name of the AppEvent. */
  event: string;
  /** Name of the notifier. */
  notifier: string;
  platform: Platform;
}

/** One attempt that ended, successful or not. */
export interface AttemptInfo extends DeliveryInfo {
  ok: boolean;
  /** Time the attempt took, in milliseconds. */
  durationMs: number;
}

/** The final outcome of a delivery, recorded in the AppEvent's status. */
export interface DeliveryOutcome extends DeliveryInfo {
  ok: boolean;
  /** Attempts made in total, across operator restarts. */
  attempts: number;
  /** Short CamelCase reason from failureReason: "Delivered" on success. */
  reason: string;
  /** The error of the last attempt; safe to log, never contains a URL or a secret. */
  error?: string;
  /** The AppEvent's metadata.creationTimestamp. */
  eventCreatedAt?: string;
}

/**
 * Callbacks of the dispatcher for metrics and Kubernetes Events. Each is optional, runs
 * synchronously in the delivery path and must not throw.
 */
export interface DeliveryObserver {
  /** Called after every attempt. */
  attempted?(attempt: AttemptInfo): void;
  /** Called when a failed attempt will be retried after a backoff. */
  retrying?(delivery: DeliveryInfo): void;
  /** Called once the final outcome of a delivery is recorded, or recording was given up. */
  finished?(outcome: DeliveryOutcome): void;
}

/** Combines observers into one that calls each in turn. */
export function combineObservers(...observers: DeliveryObserver[]): DeliveryObserver {
  return {
    attempted: (attempt) => observers.forEach((each) => each.attempted?.(attempt)),
    retrying: (delivery) => observers.forEach((each) => each.retrying?.(delivery)),
    finished: (outcome) => observers.forEach((each) => each.finished?.(outcome)),
  };
}
