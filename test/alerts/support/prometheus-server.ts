import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../support/wait.ts';
import { unusedUrl } from './fake-prometheus.ts';

/** Path of the Prometheus server that Debian's prometheus package installs. */
export const prometheusBinary = '/usr/bin/prometheus';

/** A Prometheus server started by a test, with its own configuration and data folder. */
export interface PrometheusServer {
  /** Base URL, such as http://127.0.0.1:40123. */
  url: string;
  /** Stops the server by its process id and removes its folder. */
  stop(): Promise<void>;
}

/** Options of startPrometheus. */
export interface PrometheusServerOptions {
  /** `host:port` of each target scraped under the job "exporter". */
  targets: string[];
  /** Scrape interval, such as "1s". */
  scrapeInterval: string;
}

/**
 * Starts /usr/bin/prometheus on a free port of 127.0.0.1 with a configuration that scrapes only
 * `targets`, and resolves once it is ready. It shares nothing with a Prometheus service the
 * package may run: the configuration, the data folder and the port are its own.
 */
export async function startPrometheus(options: PrometheusServerOptions): Promise<PrometheusServer> {
  if (!existsSync(prometheusBinary)) {
    throw new Error(
      `${prometheusBinary} is missing; install Debian's prometheus package (apt-get install prometheus)`,
    );
  }

  const folder = await mkdtemp(join(tmpdir(), 'herald-prometheus-'));
  const configFile = join(folder, 'prometheus.yml');
  await writeFile(configFile, configuration(options));

  // A port found free can be taken before Prometheus binds it, so a failed start is retried.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const url = await unusedUrl();
    const child = spawn(
      prometheusBinary,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(folder, `data-${attempt}`)}`,
        `--web.listen-address=${new URL(url).host}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const stderr: string[] = [];
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));

    try {
      await waitUntilReady(url, child, stderr);
      return { url, stop: () => stopProcess(child).then(() => removeFolder(folder)) };
    } catch (error) {
      lastError = error;
      await stopProcess(child);
    }
  }
  await removeFolder(folder);
  throw lastError;
}

function configuration(options: PrometheusServerOptions): string {
  const targets = options.targets.map((target) => JSON.stringify(target)).join(', ');
  return [
    'global:',
    `  scrape_interval: ${options.scrapeInterval}`,
    `  evaluation_interval: ${options.scrapeInterval}`,
    'scrape_configs:',
    '  - job_name: exporter',
    // The exporter's namespace and pod labels are the ones the queries join on.
    '    honor_labels: true',
    '    static_configs:',
    `      - targets: [${targets}]`,
    '',
  ].join('\n');
}

async function waitUntilReady(url: string, child: ChildProcess, stderr: string[]): Promise<void> {
  await waitFor(
    `Prometheus at ${url} to be ready`,
    async () => {
      if (child.exitCode !== null) {
        throw new Error(`Prometheus exited with ${child.exitCode}: ${stderr.join('').trim()}`);
      }
      const response = await fetch(`${url}/-/ready`);
      return response.ok ? true : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 100 },
  );
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  }, 5000);
  await exited;
  clearTimeout(timer);
}

async function removeFolder(folder: string): Promise<void> {
  await rm(folder, { recursive: true, force: true });
}
