import type { AppEvent } from '../api/app-event.ts';

/** Positions in a run of crashes at which notifiers selecting app_crashed are notified. */
export const notifiedCrashCounts: ReadonlySet<number> = new Set([2, 5, 12]);

/** Event types that end a run of crashes: the app runs new code or was started afresh. */
const resetTypes = new Set(['app_deployed', 'app_restarted']);

/** Event types the counter reads: crashes and the events that end a run of them. */
export const countedEventTypes: ReadonlySet<string> = new Set(['app_crashed', ...resetTypes]);

interface Entry {
  uid: string;
  /** Occurrence time, ms since the epoch. */
  at: number;
  type: string;
  /** Position in its run of crashes, once decided. */
  count: number | undefined;
}

/**
 * Counts each app's crashes in a row, ordered by occurrence time. A deployment, a restart or a
 * quiet period longer than `quietPeriodMs` since the previous crash starts a new run. The
 * count of each crash is stored in its AppEvent's status, and this index is rebuilt from the
 * AppEvents the informer lists, so a restarted operator neither forgets a run nor counts a
 * crash twice.
 *
 * NOTE: a crash that arrives after a later crash was already counted is counted from the crashes
 * before it, and does not change the count already recorded for the later one.
 */
export class CrashCounter {
  private readonly quietPeriodMs: number;
  private readonly apps = new Map<string, Entry[]>();

  constructor(options: { quietPeriodMs: number }) {
    this.quietPeriodMs = options.quietPeriodMs;
  }

  /** Records a crash, deployment or restart event of an app; other types are ignored. */
  observe(event: AppEvent, occurredAt: number, count: number | undefined): void {
    const { type } = event.spec;
    if (!countedEventTypes.has(type)) return;
    const entries = this.entriesOf(event);
    const uid = event.metadata.uid;
    const existing = entries.find((entry) => entry.uid === uid);
    if (existing) {
      existing.count = count ?? existing.count;
      return;
    }
    entries.push({ uid, at: occurredAt, type, count });
    entries.sort((a, b) => a.at - b.at);
  }

  /** Forgets a deleted event. */
  forget(event: AppEvent): void {
    const key = appKey(event);
    const remaining = (this.apps.get(key) ?? []).filter(
      (entry) => entry.uid !== event.metadata.uid,
    );
    if (remaining.length === 0) this.apps.delete(key);
    else this.apps.set(key, remaining);
  }

  /** Returns the position of a crash in its run: 1 for the first crash after a reset. */
  count(event: AppEvent, occurredAt: number): number {
    const entries = this.apps.get(appKey(event)) ?? [];
    for (let index = entries.length - 1; index >= 0; index--) {
      const entry = entries[index];
      if (!entry || entry.uid === event.metadata.uid || entry.at > occurredAt) continue;
      if (resetTypes.has(entry.type)) return 1;
      if (entry.count === undefined) continue;
      return occurredAt - entry.at <= this.quietPeriodMs ? entry.count + 1 : 1;
    }
    return 1;
  }

  private entriesOf(event: AppEvent): Entry[] {
    const key = appKey(event);
    let entries = this.apps.get(key);
    if (!entries) {
      entries = [];
      this.apps.set(key, entries);
    }
    return entries;
  }
}

function appKey(event: AppEvent): string {
  return `${event.metadata.namespace}/${event.spec.app}`;
}
