import {
  PatchStrategy,
  setHeaderOptions,
  type CoreV1Api,
  type CoreV1Event,
} from '@kubernetes/client-node';
import type { Clock } from '../util/clock.ts';
import type { Logger } from '../util/log.ts';
import { apiStatusCode, describeApiError } from './kube.ts';
import { TokenBuckets } from './token-buckets.ts';

/** The object an Event is about, as `involvedObject` names it. */
export interface ObjectReference {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  /** `kubectl describe` finds the Events of an object by its uid, so set it whenever known. */
  uid?: string;
}

/** The Event types Kubernetes defines. */
export type EventType = 'Normal' | 'Warning';

/** Options of EventRecorder. */
export interface EventRecorderOptions {
  core: CoreV1Api;
  /** `source.component` and `reportingComponent` of every Event, such as "herald-operator". */
  component: string;
  /** `reportingInstance`: the identity of this replica. */
  instance: string;
  clock: Clock;
  logger: Logger;
  /** Repeats within this many ms of the last occurrence bump one Event; 10 minutes by default. */
  aggregationWindowMs?: number;
  /** Writes to the API server per involved object that may happen back to back; 25 by default. */
  burst?: number;
  /** After the burst, one more write per this many ms and object; 5 minutes by default. */
  refillIntervalMs?: number;
  /** Maximum number of distinct Events remembered for aggregation; 4096 by default. */
  maxEntries?: number;
}

/** One Event this replica recorded: its occurrences and what the API server has stored. */
interface Entry {
  object: ObjectReference;
  type: EventType;
  reason: string;
  message: string;
  /** Name of the stored Event, once created or found. */
  name: string | undefined;
  /** `count` of the stored Event before this replica first bumped it. */
  baseCount: number;
  /** Occurrences recorded by this replica. */
  count: number;
  /** Occurrences already written to the API server. */
  writtenCount: number;
  firstTimestamp: Date;
  lastTimestamp: Date;
  writing: Promise<void> | undefined;
}

/** Maximum message length in characters; a longer message is cut, as Events are meant to be short. */
const maxMessageLength = 1024;

/**
 * Records core/v1 Events the way kube's event recorder does. An occurrence with the same object,
 * type, reason and message as one recorded within the aggregation window bumps `count` and
 * `lastTimestamp` of that Event instead of creating another. That Event may have been written
 * before a restart or by another replica. A token bucket limits the writes per involved object:
 * a write without a token waits for one and then carries every occurrence seen meanwhile, so
 * counts stay exact while the store gets few writes.
 */
export class EventRecorder {
  private readonly options: EventRecorderOptions;
  private readonly windowMs: number;
  private readonly maxEntries: number;
  /** Entries by aggregation key, oldest use first. */
  private readonly entries = new Map<string, Entry>();
  private readonly buckets: TokenBuckets;
  private readonly closing = new AbortController();

  constructor(options: EventRecorderOptions) {
    this.options = options;
    this.windowMs = options.aggregationWindowMs ?? 10 * 60_000;
    this.maxEntries = options.maxEntries ?? 4096;
    this.buckets = new TokenBuckets({
      burst: options.burst ?? 25,
      refillIntervalMs: options.refillIntervalMs ?? 5 * 60_000,
      maxBuckets: this.maxEntries,
      clock: options.clock,
    });
  }

  /**
   * Records one occurrence. Returns at once, because the write happens in the background; a
   * failed write is logged rather than thrown.
   */
  record(object: ObjectReference, type: EventType, reason: string, message: string): void {
    if (this.closing.signal.aborted) return;
    const now = this.options.clock.now();
    const text = message.length > maxMessageLength ? message.slice(0, maxMessageLength) : message;
    const key = [object.namespace, object.kind, object.name, object.uid, type, reason, text].join(
      '\u0000',
    );

    let entry = this.entries.get(key);
    if (!entry || now - entry.lastTimestamp.getTime() > this.windowMs) {
      entry = {
        object,
        type,
        reason,
        message: text,
        name: undefined,
        baseCount: 0,
        count: 0,
        writtenCount: 0,
        firstTimestamp: new Date(now),
        lastTimestamp: new Date(now),
        writing: undefined,
      };
    }
    entry.count += 1;
    entry.lastTimestamp = new Date(now);
    this.remember(key, entry);
    this.startWriting(entry);
  }

  /** Resolves once every write started so far has ended, including writes waiting for a token. */
  async flush(): Promise<void> {
    const writes = [...this.entries.values()].map((entry) => entry.writing);
    await Promise.all(writes);
  }

  /**
   * Stops recording: occurrences still waiting for a token are dropped and logged. Resolves
   * once the writes under way have ended.
   */
  async close(): Promise<void> {
    this.closing.abort(new Error('event recorder closed'));
    await this.flush();
  }

  /** Moves an entry to the newest position, forgetting the oldest beyond `maxEntries`. */
  private remember(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    for (const [oldest] of this.entries) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  private startWriting(entry: Entry): void {
    if (entry.writing) return; // The running loop writes the new count once it gets to it.
    entry.writing = this.writeLoop(entry).finally(() => {
      entry.writing = undefined;
    });
  }

  private async writeLoop(entry: Entry): Promise<void> {
    while (entry.count > entry.writtenCount) {
      const { object } = entry;
      const bucket = `${object.namespace}/${object.kind}/${object.name}/${object.uid ?? ''}`;
      if (!(await this.buckets.take(bucket, this.closing.signal))) {
        this.options.logger.debug(
          { ...this.logFields(entry), dropped: entry.count - entry.writtenCount },
          'event recorder closed; occurrences not written',
        );
        return;
      }
      const count = entry.count;
      try {
        await this.write(entry, count);
        entry.writtenCount = count;
      } catch (error) {
        // The occurrences stay unwritten; the next one of the same Event writes them all.
        this.options.logger.warn(
          { ...this.logFields(entry), error: describeApiError(error) },
          'writing a Kubernetes Event failed',
        );
        return;
      }
    }
  }

  private async write(entry: Entry, count: number): Promise<void> {
    entry.name ??= await this.findStored(entry);
    if (entry.name) {
      try {
        await this.bump(entry, entry.name, entry.baseCount + count);
        return;
      } catch (error) {
        if (apiStatusCode(error) !== 404) throw error;
        // The Event expired or was deleted: start a new one with the occurrences seen so far.
        entry.baseCount = 0;
      }
    }
    entry.name = await this.create(entry, count);
  }

  private async create(entry: Entry, count: number): Promise<string> {
    const { object } = entry;
    const now = this.options.clock.now();
    // kube's recorder names Events `<object>.<nanoseconds in hex>`; the random part keeps two
    // replicas that record in the same millisecond apart.
    const nanos = BigInt(now) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000));
    const body: CoreV1Event = {
      metadata: { name: `${object.name}.${nanos.toString(16)}`, namespace: object.namespace },
      involvedObject: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: object.name,
        namespace: object.namespace,
        ...(object.uid ? { uid: object.uid } : {}),
      },
      type: entry.type,
      reason: entry.reason,
      message: entry.message,
      count,
      firstTimestamp: entry.firstTimestamp,
      lastTimestamp: entry.lastTimestamp,
      source: { component: this.options.component },
      reportingComponent: this.options.component,
      reportingInstance: this.options.instance,
    };
    const created = await this.options.core.createNamespacedEvent({
      namespace: object.namespace,
      body,
    });
    return created.metadata.name ?? body.metadata.name ?? '';
  }

  private async bump(entry: Entry, name: string, count: number): Promise<void> {
    await this.options.core.patchNamespacedEvent(
      {
        name,
        namespace: entry.object.namespace,
        body: { count, lastTimestamp: entry.lastTimestamp.toISOString() },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  /**
   * Finds an Event with the same object, type, reason, message and component whose last
   * occurrence is within the window, such as one written before a restart. Sets `baseCount`.
   */
  private async findStored(entry: Entry): Promise<string | undefined> {
    const { object } = entry;
    const selector = [
      `involvedObject.kind=${object.kind}`,
      `involvedObject.name=${object.name}`,
      ...(object.uid ? [`involvedObject.uid=${object.uid}`] : []),
      `reason=${entry.reason}`,
      `type=${entry.type}`,
    ].join(',');
    const list = await this.options.core.listNamespacedEvent({
      namespace: object.namespace,
      fieldSelector: selector,
    });
    const now = this.options.clock.now();
    const match = list.items.find((event) => {
      const last = event.lastTimestamp ? new Date(event.lastTimestamp).getTime() : NaN;
      return (
        event.message === entry.message &&
        (event.source?.component ?? event.reportingComponent) === this.options.component &&
        now - last <= this.windowMs
      );
    });
    if (!match) return undefined;
    entry.baseCount = match.count ?? 1;
    if (match.firstTimestamp) entry.firstTimestamp = new Date(match.firstTimestamp);
    return match.metadata.name;
  }

  private logFields(entry: Entry) {
    return {
      namespace: entry.object.namespace,
      kind: entry.object.kind,
      name: entry.object.name,
      reason: entry.reason,
    };
  }
}
