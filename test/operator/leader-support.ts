import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { fastFlags } from '../support/operator.ts';
import { waitFor } from '../support/wait.ts';

const operatorEntry = fileURLToPath(new URL('../../src/cli/operator.ts', import.meta.url));

/** Lease timing for the tests: a standby takes over 2 s after the leader's last renewal. */
export const leaseFlags = [
  '--leader-elect',
  '--lease-namespace',
  'default',
  '--lease-duration',
  '2s',
  '--lease-renew-deadline',
  '1500ms',
  '--lease-retry-period',
  '250ms',
];
export const leaseDurationMs = 2000;
export const retryPeriodMs = 250;

/** One pino record from an operator's stdout. */
export type LogRecord = Record<string, unknown> & { msg?: string };

/** An operator started as its own process, as `npm start` does. */
export interface OperatorProcess {
  readonly identity: string;
  readonly child: ChildProcess;
  readonly logs: LogRecord[];
  /** Resolves with the exit code, or the signal name when killed. */
  readonly exited: Promise<number | string>;
  /** Waits for a log record with the message and returns it. */
  waitForLog(message: string, timeoutMs?: number): Promise<LogRecord>;
  /** GETs a path from the health server and returns the status and body. */
  probe(path: string): Promise<{ status: number; body: string }>;
  /** Sends a signal and waits for the exit. */
  kill(signal: NodeJS.Signals): Promise<number | string>;
}

/** Spawns an operator with leader election, a free health port and quick retries. */
export function spawnOperator(
  kubeconfigPath: string,
  identity: string,
  flags: string[] = [],
): OperatorProcess {
  const args = [
    operatorEntry,
    ...fastFlags,
    ...leaseFlags,
    '--identity',
    identity,
    '--health-address',
    '127.0.0.1:0',
    '--log-level',
    'info',
    ...flags,
  ];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, KUBECONFIG: kubeconfigPath },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const logs: LogRecord[] = [];
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as LogRecord);
      } catch {
        logs.push({ msg: line });
      }
    }
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });

  const waitForLog = (message: string, timeoutMs = 10_000) =>
    waitFor(
      `operator ${identity} to log "${message}"`,
      () => logs.find((record) => record.msg === message),
      { timeoutMs },
    );
  const probe = async (path: string) => {
    const listening = await waitForLog('health server listening');
    const response = await fetch(`http://127.0.0.1:${String(listening.port)}${path}`);
    return { status: response.status, body: await response.text() };
  };
  return {
    identity,
    child,
    logs,
    exited,
    waitForLog,
    probe,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** One request to the controlled receiver. */
export interface HeldRequest {
  path: string;
  headers: IncomingHttpHeaders;
  /** Local time of arrival, in ms. */
  receivedAt: number;
}

/** A webhook receiver whose responses a test holds back and releases. */
export interface ControlledReceiver {
  readonly url: string;
  readonly requests: HeldRequest[];
  /** While true, requests get no response until `release`. */
  hold: boolean;
  /** Responds 200 to every request held so far. */
  release(): void;
  /** Requests whose Herald-Delivery header is `deliveryId`. */
  deliveries(deliveryId: string): HeldRequest[];
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 that responds 200, after `delayMs` when given. */
export async function startControlledReceiver(delayMs = 0): Promise<ControlledReceiver> {
  const heldResponses: ServerResponse[] = [];
  const requests: HeldRequest[] = [];
  const state = { hold: false };
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      requests.push({
        path: request.url ?? '',
        headers: request.headers,
        receivedAt: Date.now(),
      });
      if (state.hold) {
        heldResponses.push(response);
        return;
      }
      setTimeout(() => response.end('ok'), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get hold() {
      return state.hold;
    },
    set hold(value: boolean) {
      state.hold = value;
    },
    release() {
      for (const response of heldResponses.splice(0)) response.end('ok');
    },
    deliveries: (deliveryId) =>
      requests.filter((request) => request.headers['herald-delivery'] === deliveryId),
    close: async () => {
      for (const response of heldResponses.splice(0)) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
