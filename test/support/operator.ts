import { Writable } from 'node:stream';
import { loadConfig } from '../../src/operator/config.ts';
import { startOperator, type RunningOperator } from '../../src/operator/operator.ts';
import type { Clock } from '../../src/util/clock.ts';
import { createLogger } from '../../src/util/log.ts';
import type { TestCluster } from './cluster.ts';

/** Settings that keep retries and resyncs quick in tests; each test may add flags after them. */
export const fastFlags = [
  '--retry-base-delay',
  '20ms',
  '--retry-max-delay',
  '200ms',
  '--resync-interval',
  '200ms',
  '--secret-cache-ttl',
  '100ms',
  '--http-timeout',
  '2s',
  '--health-address',
  '127.0.0.1:0',
];

/** An in-process operator whose log records are kept for assertions. */
export interface TestOperator {
  operator: RunningOperator;
  /** Every log line written so far, raw. */
  logLines: string[];
  stop(): Promise<void>;
}

export async function startTestOperator(
  cluster: TestCluster,
  flags: string[] = [],
  options: { clock?: Clock } = {},
): Promise<TestOperator> {
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  const config = loadConfig([...fastFlags, ...flags], {});
  const operator = await startOperator({
    kubeConfig: cluster.kubeConfig,
    config,
    logger: createLogger({ level: 'debug' }, sink),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return { operator, logLines, stop: () => operator.stop() };
}
