import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../util/log.ts';

/** A probe: returns undefined when the check passes, or the reason it fails. */
export type Probe = () => string | undefined;

/** Options of startHealthServer. */
export interface HealthServerOptions {
  /** Address to bind, such as 0.0.0.0, 127.0.0.1 or ::. */
  host: string;
  /** Port to bind; 0 picks a free one. */
  port: number;
  /** Metrics served at /metrics. */
  registry: Registry;
  /** Liveness, served at /healthz. */
  liveness: Probe;
  /** Readiness, served at /readyz. */
  readiness: Probe;
  logger: Logger;
}

/** A running health server. */
export interface HealthServer {
  /** The bound address; `port` is the real one when 0 was requested. */
  readonly host: string;
  readonly port: number;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/**
 * Serves /healthz and /readyz for the kubelet's probes (200 "ok", or 503 with the reason) and
 * /metrics in the Prometheus text format. Rejects when the address cannot be bound.
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server = createServer((request, response) => {
    handle(options, request, response).catch((error: unknown) => {
      options.logger.error({ err: error, path: request.url }, 'health server request failed');
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end('internal error\n');
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          `the health server failed to listen on ${options.host}:${options.port} (${error.code ?? error.message}); choose another --health-address`,
          { cause: error },
        ),
      );
    });
    server.listen(options.port, options.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  options.logger.info({ host: address, port }, 'health server listening');

  return {
    host: address,
    port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

async function handle(
  options: HealthServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://health').pathname;
  const probes: Record<string, Probe> = {
    '/healthz': options.liveness,
    '/readyz': options.readiness,
  };
  const known = path === '/metrics' || probes[path] !== undefined;
  if (!known) {
    reply(
      response,
      request,
      404,
      'text/plain',
      `not found: ${path}; try /healthz, /readyz or /metrics\n`,
    );
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    reply(response, request, 405, 'text/plain', `method ${request.method} not allowed\n`);
    return;
  }

  if (path === '/metrics') {
    const text = await options.registry.metrics();
    reply(response, request, 200, options.registry.contentType, text);
    return;
  }
  const problem = probes[path]?.();
  if (problem === undefined) reply(response, request, 200, 'text/plain', 'ok\n');
  else reply(response, request, 503, 'text/plain', `${problem}\n`);
}

function reply(
  response: ServerResponse,
  request: IncomingMessage,
  status: number,
  contentType: string,
  body: string,
): void {
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}
