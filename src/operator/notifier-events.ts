import { group, version } from '../api/group.ts';
import type { NotifierStatus } from '../api/notifier.ts';
import type { DeliveryObserver } from './delivery-observer.ts';
import type { EventRecorder, ObjectReference } from './event-recorder.ts';
import type { ObjectWithStatus } from './status-writer.ts';

/**
 * Ready reasons that a delivery failure causes. They are reported by the DeliveryFailed Events
 * themselves, so they get no configuration Event.
 */
const deliveryReasons = new Set(['DeliveryFailing']);

/**
 * Turns what happens to Notifiers into Kubernetes Events on them, which `kubectl describe
 * notifier` lists: a Warning DeliveryFailed for each delivery that finally failed, and a Warning
 * with the Ready condition's reason whenever a notifier's configuration turns it not Ready. The
 * recorder aggregates repeats, so a failing webhook bumps the count of one Event.
 */
export class NotifierEvents {
  private readonly recorder: EventRecorder;
  /** Notifier references by `namespace/name`, for delivery outcomes that name only the notifier. */
  private readonly references = new Map<string, ObjectReference>();
  /** The last Ready problem reported per notifier, so an unchanged condition is not repeated. */
  private readonly reported = new Map<string, string>();

  constructor(recorder: EventRecorder) {
    this.recorder = recorder;
  }

  /** Takes note of an added or changed Notifier from the informer. */
  notifierChanged(object: ObjectWithStatus<NotifierStatus>): void {
    const reference = referenceOf(object);
    const key = `${reference.namespace}/${reference.name}`;
    this.references.set(key, reference);

    const ready = object.status?.conditions?.find((condition) => condition.type === 'Ready');
    if (ready?.status !== 'False' || deliveryReasons.has(ready.reason)) {
      this.reported.delete(key);
      return;
    }
    const problem = `${ready.reason}\u0000${ready.message}`;
    if (this.reported.get(key) === problem) return;
    this.reported.set(key, problem);
    this.recorder.record(reference, 'Warning', ready.reason, ready.message);
  }

  /** Forgets a deleted Notifier. */
  notifierRemoved(object: ObjectWithStatus<NotifierStatus>): void {
    const key = `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
    this.references.delete(key);
    this.reported.delete(key);
  }

  /** Records a DeliveryFailed Event on the notifier of each delivery that finally failed. */
  readonly deliveryObserver: DeliveryObserver = {
    finished: (outcome) => {
      if (outcome.ok) return;
      const reference = this.references.get(`${outcome.namespace}/${outcome.notifier}`) ?? {
        apiVersion: `${group}/${version}`,
        kind: 'Notifier',
        name: outcome.notifier,
        namespace: outcome.namespace,
      };
      // The message leaves out the event's name, so that failures with the same cause aggregate.
      this.recorder.record(
        reference,
        'Warning',
        'DeliveryFailed',
        `delivery failed (${outcome.reason}): ${outcome.error ?? 'unknown error'}`,
      );
    },
  };
}

function referenceOf(object: ObjectWithStatus<NotifierStatus>): ObjectReference {
  return {
    apiVersion: object.apiVersion ?? `${group}/${version}`,
    kind: object.kind ?? 'Notifier',
    name: object.metadata?.name ?? '',
    namespace: object.metadata?.namespace ?? '',
    ...(object.metadata?.uid ? { uid: object.metadata.uid } : {}),
  };
}
