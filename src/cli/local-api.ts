import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { startLocalApiServer } from '../local-api/index.ts';
import { createLogger } from '../util/log.ts';

// The local Kubernetes API server's entry point: `npm run local-api -- [flags]`.

/** Port used when --port is not given: kube-apiserver's historical plain-HTTP port. */
const DEFAULT_PORT = 8080;
const DEFAULT_KUBECONFIG = '.herald/local-api.kubeconfig';

const help = `Usage: npm run local-api -- [flags]

Starts Herald's local Kubernetes API server (plain HTTP, no authentication) and writes a
kubeconfig for kubectl and @kubernetes/client-node.

Flags:
  --port N           TCP port to listen on (default ${DEFAULT_PORT}; 0 picks a free port)
  --host ADDRESS     Address to listen on (default 127.0.0.1). Anything but a loopback
                     address exposes an unauthenticated API server to the network.
  --kubeconfig PATH  Where to write the kubeconfig (default ${DEFAULT_KUBECONFIG},
                     relative to the current directory)
  -h, --help         Show this help and exit
`;

function usageError(message: string): never {
  console.error(`herald-local-api: ${message}\nRun with --help for the list of flags.`);
  process.exit(2);
}

function parseFlags(argv: string[]): { port: number; host: string; kubeconfig: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        kubeconfig: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    usageError(error instanceof Error ? error.message : String(error));
  }
  if (parsed.values.help === true) {
    console.log(help);
    process.exit(0);
  }
  const portText = parsed.values.port ?? String(DEFAULT_PORT);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    usageError(`invalid --port ${JSON.stringify(portText)}: expected an integer from 0 to 65535`);
  }
  const host = parsed.values.host ?? '127.0.0.1';
  if (host === '' || (isIP(host) === 0 && host !== 'localhost')) {
    usageError(`invalid --host ${JSON.stringify(host)}: expected an IP address or "localhost"`);
  }
  const kubeconfig = parsed.values.kubeconfig ?? DEFAULT_KUBECONFIG;
  if (kubeconfig === '') usageError('invalid --kubeconfig "": expected a file path');
  return { port, host, kubeconfig: resolve(kubeconfig) };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

const flags = parseFlags(process.argv.slice(2));
const logger = createLogger({ name: 'herald-local-api' });
if (!isLoopback(flags.host)) {
  logger.warn(
    { host: flags.host },
    'listening on a non-loopback address: anyone who can reach it can read and change every object, because the local API server has no authentication',
  );
}

let server;
try {
  server = await startLocalApiServer({ host: flags.host, port: flags.port, logger });
} catch (error) {
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(
      `local-api: port ${flags.port} on ${flags.host} is in use; pass --port with another port, or --port 0 for a free one`,
    );
    process.exit(1);
  }
  logger.error(
    { err: error, host: flags.host, port: flags.port },
    'failed to start the local API server',
  );
  process.exit(1);
}
await server.writeKubeconfig(flags.kubeconfig);
logger.info({ kubeconfig: flags.kubeconfig }, 'kubeconfig written');
console.log(`Local Kubernetes API server at ${server.url}`);
console.log(`Kubeconfig: ${flags.kubeconfig}`);
console.log(`Try: KUBECONFIG=${flags.kubeconfig} kubectl get ns`);

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping');
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'stopping failed');
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
