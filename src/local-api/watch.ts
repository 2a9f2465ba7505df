/**
 * Watch streams: newline-delimited JSON events over a chunked HTTP response, resumed from the
 * kept history, with kube's selector transitions (an object that stops matching is DELETED, one
 * that starts matching is ADDED), bookmarks, timeouts and in-stream 410 errors.
 */
import type { ServerResponse } from 'node:http';

import { readStoredObject, type ApiContext } from './context.ts';
import { badRequest, expired } from './errors.ts';
import { matchesFilter, type ObjectFilter } from './filter.ts';
import { warningHeader } from './http.ts';
import type { JsonObject } from './object.ts';
import { groupVersion, typeKey, type ResourceType, type ResourceVersion } from './registry.ts';
import type { StoreEvent } from './store.ts';
import { buildTable, type IncludeObject } from './table.ts';

/** Annotation kube puts on the bookmark that ends the initial events of `sendInitialEvents`. */
export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';

/** Options of a watch request. */
export interface WatchOptions {
  type: ResourceType;
  version: ResourceVersion;
  filter: ObjectFilter;
  /** "" or "0" start with the current state, and a number resumes after that revision. */
  resourceVersion: string;
  allowBookmarks: boolean;
  sendInitialEvents: boolean;
  /** Closes the stream after this many seconds, or never when undefined. */
  timeoutSeconds: number | undefined;
  /** When set, each event's object is a one-row meta.k8s.io Table. */
  table?: { apiVersion: string; include: IncludeObject };
  /** Texts for `Warning` response headers (deprecated versions). */
  warnings: string[];
}

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** One open watch stream. */
class WatchStream {
  private unsubscribe: (() => void) | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private headersWritten = false;
  private closed = false;
  private tableHeadersSent = false;
  private readonly context: ApiContext;
  private readonly options: WatchOptions;
  private readonly response: ServerResponse;
  private readonly onClose: (stream: WatchStream) => void;

  constructor(
    context: ApiContext,
    options: WatchOptions,
    response: ServerResponse,
    onClose: (stream: WatchStream) => void,
    bookmarkIntervalMs: number,
  ) {
    this.context = context;
    this.options = options;
    this.response = response;
    this.onClose = onClose;
    response.on('close', () => this.close());
    this.writeHeaders();
    this.unsubscribe = this.start();
    if (this.closed) return;
    if (options.allowBookmarks) {
      this.timers.push(setInterval(() => this.sendBookmark(), bookmarkIntervalMs));
    }
    if (options.timeoutSeconds !== undefined) {
      this.timers.push(setTimeout(() => this.close(), options.timeoutSeconds * 1000));
    }
  }

  /** The type key this stream watches. */
  get resource(): string {
    return typeKey(this.options.type);
  }

  /** Ends the stream, so clients see the response end and reconnect. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    for (const timer of this.timers) clearTimeout(timer);
    if (!this.response.writableEnded) this.response.end();
    this.onClose(this);
  }

  private writeHeaders(): void {
    const headers: Record<string, string | string[]> = {
      'Content-Type': 'application/json;stream=watch',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache, private',
    };
    if (this.options.warnings.length > 0) {
      headers.Warning = this.options.warnings.map((warning) => warningHeader(warning));
    }
    this.response.writeHead(200, headers);
    this.response.flushHeaders();
    this.headersWritten = true;
  }

  /** Sends the initial or replayed events, then subscribes, in one synchronous step. */
  private start(): () => void {
    const { resourceVersion, sendInitialEvents } = this.options;
    const resource = typeKey(this.options.type);
    if (resourceVersion === '' || resourceVersion === '0' || sendInitialEvents) {
      for (const object of this.context.store.list(resource)) {
        if (matchesFilter(this.options.type, this.options.filter, object)) {
          this.send('ADDED', object);
        }
      }
      if (sendInitialEvents && this.options.allowBookmarks) this.sendBookmark(true);
    } else {
      // NOTE: a revision newer than the current one simply waits for later changes, where
      // kube-apiserver waits a few seconds and then fails with "Too large resource version".
      const revision = Number(resourceVersion);
      const changes = this.context.store.changesAfter(revision);
      if ('expired' in changes) {
        const status = expired(
          `too old resource version: ${revision} (${changes.oldest})`,
        ).toStatus();
        this.write('ERROR', status);
        this.close();
        return () => undefined;
      }
      for (const change of changes) if (change.resource === resource) this.deliver(change);
    }
    return this.context.store.subscribe((change) => {
      if (change.resource === resource) this.deliver(change);
    });
  }

  /** Sends a stored change, turning selector transitions into ADDED or DELETED. */
  private deliver(change: StoreEvent): void {
    const { type, filter } = this.options;
    const matchesNow = change.type !== 'DELETED' && matchesFilter(type, filter, change.object);
    const matchedBefore =
      change.previous !== undefined && matchesFilter(type, filter, change.previous);
    if (change.type === 'DELETED' && matchedBefore) {
      this.send('DELETED', change.object);
    } else if (matchesNow && !matchedBefore) {
      this.send('ADDED', change.object);
    } else if (matchesNow && matchedBefore) {
      this.send('MODIFIED', change.object);
    } else if (!matchesNow && matchedBefore && change.previous !== undefined) {
      const last = structuredClone(change.previous);
      (last.metadata as JsonObject).resourceVersion = String(change.revision);
      this.send('DELETED', last);
    }
  }

  private send(type: EventType, stored: JsonObject): void {
    const object = readStoredObject(stored, this.options.type, this.options.version);
    this.write(type, this.options.table === undefined ? object : this.asTable(object));
  }

  private asTable(object: JsonObject): JsonObject {
    const table = this.options.table;
    if (table === undefined) return object;
    const metadata = (object.metadata ?? {}) as JsonObject;
    const result = buildTable({
      type: this.options.type,
      version: this.options.version,
      objects: [object],
      now: this.context.now(),
      include: table.include,
      apiVersion: table.apiVersion,
      listMeta: { resourceVersion: String(metadata.resourceVersion ?? '') },
      noHeaders: this.tableHeadersSent,
    });
    this.tableHeadersSent = true;
    return result;
  }

  private sendBookmark(initialEventsEnd = false): void {
    const metadata: JsonObject = { resourceVersion: String(this.context.store.currentRevision) };
    if (initialEventsEnd) metadata.annotations = { [INITIAL_EVENTS_END_ANNOTATION]: 'true' };
    this.write('BOOKMARK', {
      kind: this.options.type.kind,
      apiVersion: groupVersion(this.options.type.group, this.options.version.name),
      metadata,
    });
  }

  private write(type: EventType, object: unknown): void {
    if (this.closed || !this.headersWritten || this.response.writableEnded) return;
    this.response.write(`${JSON.stringify({ type, object })}\n`);
  }
}

/** Parses a watch's resourceVersion, failing with 400 on a non-numeric one. */
export function checkWatchResourceVersion(text: string): string {
  if (text === '' || /^\d+$/.test(text)) return text;
  throw badRequest(`invalid resource version: ${JSON.stringify(text)}`);
}

/** Every open watch stream, so faults and CRD deletion can end them. */
export class WatchHub {
  private readonly streams = new Set<WatchStream>();
  private readonly context: ApiContext;
  private readonly bookmarkIntervalMs: number;

  /** `bookmarkIntervalMs` is the time between bookmarks on streams that asked for them. */
  constructor(context: ApiContext, bookmarkIntervalMs: number) {
    this.context = context;
    this.bookmarkIntervalMs = bookmarkIntervalMs;
  }

  /** Opens a stream on `response`, which ends on timeout, on close, or when the client leaves. */
  open(options: WatchOptions, response: ServerResponse): void {
    const stream = new WatchStream(
      this.context,
      options,
      response,
      (closed) => this.streams.delete(closed),
      this.bookmarkIntervalMs,
    );
    if (!response.writableEnded) this.streams.add(stream);
  }

  /** Number of open streams. */
  get size(): number {
    return this.streams.size;
  }

  /** Ends every stream. */
  closeAll(): void {
    for (const stream of [...this.streams]) stream.close();
  }

  /** Ends the streams on one type (its CRD was deleted). */
  closeResource(resource: string): void {
    for (const stream of [...this.streams]) if (stream.resource === resource) stream.close();
  }
}
