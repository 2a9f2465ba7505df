/**
 * A local Kubernetes API server for tests and demos: one Node process that speaks enough of the
 * Kubernetes REST API for the unmodified kubectl 1.32 and @kubernetes/client-node 2.x.
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { dirname } from 'node:path';

import { silentLogger, type Logger } from '../util/log.ts';
import { AuditLog, type AuditRecord } from './audit.ts';
import { configMapType, secretType } from './builtins/data.ts';
import { eventType } from './builtins/events.ts';
import { namespaceType } from './builtins/namespaces.ts';
import { leaseType } from './builtins/leases.ts';
import type { ApiContext } from './context.ts';
import { crdType } from './crd.ts';
import { FaultPlan, type FaultMatch } from './faults.ts';
import { GarbageCollector } from './gc.ts';
import { errorMessage } from './http.ts';
import { renderKubeconfig } from './kubeconfig.ts';
import { LifecycleController } from './lifecycle.ts';
import { Registry } from './registry.ts';
import { handleHttpRequest, type ServerParts } from './server.ts';
import { ObjectStore } from './store.ts';
import { WatchHub } from './watch.ts';
import { createObject } from './writes.ts';

export type { AuditRecord, AuditVerb } from './audit.ts';
export type { FaultMatch } from './faults.ts';

/** Options of `startLocalApiServer`. */
export interface LocalApiServerOptions {
  /** Address to listen on, 127.0.0.1 by default. */
  host?: string;
  /** Port to listen on. 0, the default, picks a free one. */
  port?: number;
  /** Number of changes kept for resuming watches and paged lists, 1000 by default. */
  historyLimit?: number;
  /** Clock for timestamps and table ages. */
  now?: () => Date;
  logger?: Logger;
  /** Time between BOOKMARK events on watches that allow them, in milliseconds (10000 by default). */
  bookmarkIntervalMs?: number;
}

/** A running local API server. */
export interface LocalApiServer {
  /** Base URL, such as http://127.0.0.1:PORT. */
  readonly url: string;
  /** A kubeconfig (YAML) whose context "herald-local" points at this server, namespace default. */
  kubeconfig(): string;
  /** Writes `kubeconfig()` to a file, creating its directory. */
  writeKubeconfig(path: string): Promise<void>;
  /** Ends every watch and closes the listener and its connections. */
  close(): Promise<void>;
  /** Faults injected before normal handling. */
  readonly faults: {
    /** Ends every open watch stream, so clients reconnect. */
    closeAllWatches(): void;
    /** Forgets the kept history: watches and continue tokens from older revisions get 410. */
    expireHistory(): void;
    /** Fails the next `count` matching requests with a Status of HTTP code `status`. */
    failNext(match: FaultMatch, count: number, status: number): void;
    /** Delays matching requests (all when `match` is unset) by `ms` milliseconds. 0 removes it. */
    setLatency(ms: number, match?: { path: string | RegExp }): void;
    /** Removes every failure and latency rule. */
    reset(): void;
  };
  /** Records of the requests served, per client. */
  readonly audit: {
    /** Deduplicated records, in the order first seen. */
    records(): AuditRecord[];
    reset(): void;
  };
}

const builtinTypes = [namespaceType, configMapType, secretType, eventType, leaseType, crdType];
const initialNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function createInitialNamespaces(context: ApiContext): void {
  const type = namespaceType();
  const version = type.versions[0];
  if (version === undefined) return;
  for (const name of initialNamespaces) {
    createObject(
      context,
      {
        type,
        version,
        namespace: undefined,
        manager: 'kube-apiserver',
        fieldValidation: 'Strict',
        writeKind: 'create',
        warnings: [],
        dryRun: false,
      },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
    );
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/** Starts a local API server with the built-in namespaces default, kube-system and kube-public. */
export async function startLocalApiServer(
  options: LocalApiServerOptions = {},
): Promise<LocalApiServer> {
  const logger = options.logger ?? silentLogger;
  const pending = new Set<NodeJS.Immediate>();
  const registry = new Registry();
  for (const build of builtinTypes) registry.set(build());

  const context: ApiContext = {
    store: new ObjectStore(options.historyLimit ?? 1000),
    registry,
    now: options.now ?? (() => new Date()),
    logger,
    schedule(task) {
      const handle = setImmediate(() => {
        pending.delete(handle);
        try {
          task();
        } catch (error) {
          logger.error({ err: errorMessage(error) }, 'background task failed');
        }
      });
      pending.add(handle);
    },
  };
  const watches = new WatchHub(context, options.bookmarkIntervalMs ?? 10_000);
  const stopLifecycle = new LifecycleController(context, watches).start();
  const stopCollector = new GarbageCollector(context).start();
  createInitialNamespaces(context);

  const faults = new FaultPlan();
  const audit = new AuditLog();
  const host = options.host ?? '127.0.0.1';
  let url = '';
  const parts: ServerParts = { context, watches, faults, audit, url: () => url };
  const server = createServer((request, response) => {
    void handleHttpRequest(parts, request, response);
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  const port = await listen(server, options.port ?? 0, host);
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ address: url }, 'local API server listening');

  return {
    url,
    kubeconfig: () => renderKubeconfig(url),
    async writeKubeconfig(path) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, renderKubeconfig(url), { mode: 0o600 });
    },
    async close() {
      watches.closeAll();
      stopLifecycle();
      stopCollector();
      for (const handle of pending) clearImmediate(handle);
      pending.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      logger.info({ address: url }, 'local API server stopped');
    },
    faults: {
      closeAllWatches: () => watches.closeAll(),
      expireHistory: () => context.store.expireHistory(),
      failNext: (match, count, status) => faults.failNext(match, count, status),
      setLatency: (ms, match) => faults.setLatency(ms, match?.path),
      reset: () => faults.reset(),
    },
    audit: {
      records: () => audit.records(),
      reset: () => audit.reset(),
    },
  };
}
