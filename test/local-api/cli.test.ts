import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, it } from 'vitest';

import { eventually } from './helpers.ts';

const CLI = fileURLToPath(new URL('../../src/cli/local-api.ts', import.meta.url));
const children: ChildProcess[] = [];
const directories: string[] = [];

function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 15_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
    });
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await exited(child);
    }
  }
  for (const directory of directories.splice(0))
    await rm(directory, { recursive: true, force: true });
});

describe('local-api CLI', () => {
  it('describes every flag in --help', async () => {
    const result = await run('--help');
    expect(result.code).toBe(0);
    for (const flag of ['--port', '--host', '--kubeconfig', '--help'])
      expect(result.stdout).toContain(flag);
  });

  it.each([
    [['--port', 'eighty'], 'invalid --port "eighty"'],
    [['--port', '70000'], 'invalid --port "70000"'],
    [['--host', 'not a host'], 'invalid --host "not a host"'],
    [['--verbose'], "Unknown option '--verbose'"],
  ])('exits 2 on bad flags %j', async (args, message) => {
    const result = await run(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('serves, writes the kubeconfig and stops on SIGTERM', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'herald-cli-'));
    directories.push(directory);
    const kubeconfig = join(directory, 'nested', 'local.kubeconfig');
    const child = spawn(process.execPath, [CLI, '--port', '0', '--kubeconfig', kubeconfig], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));

    await eventually(
      () => (stdout.includes('kubectl get ns') ? true : undefined),
      10_000,
      'the CLI to print its instructions',
    );
    const url = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
    expect(url).toBeDefined();
    expect(stdout).toContain(`Kubeconfig: ${kubeconfig}`);
    expect(stdout).toContain(`KUBECONFIG=${kubeconfig} kubectl get ns`);
    expect(await readFile(kubeconfig, 'utf8')).toContain(`server: ${url}`);
    const response = await fetch(`${url}/api/v1/namespaces/default`);
    expect(response.status).toBe(200);

    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });
});
