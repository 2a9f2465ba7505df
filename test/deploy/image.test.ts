import { execFile, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settings } from '../../src/operator/config.ts';
import { operatorUserAgent } from '../../src/operator/kube.ts';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { waitFor } from '../support/wait.ts';
import { parseDockerfile, valuesOf, type Stage } from './dockerfile.ts';
import {
  baseFolder,
  findObject,
  operatorNamespace,
  renderKustomization,
  repositoryRoot,
} from './manifests.ts';

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
  return new Promise<RunResult>((resolve, reject) => {
    execFile(command, args, { ...options, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') {
        reject(new Error(`${command} ${args.join(' ')} did not finish: ${error.message}`));
        return;
      }
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
    });
  });
}

/**
 * Links the production dependencies of package-lock.json (those not marked `dev`) into
 * `folder`, so that the build imports only what `npm ci --omit=dev` installs in the image.
 */
async function linkProductionDependencies(folder: string): Promise<void> {
  const lock = JSON.parse(await readFile(`${repositoryRoot}package-lock.json`, 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    const name = path.replace(/^node_modules\//, '');
    if (!path.startsWith('node_modules/') || name.includes('node_modules/') || entry.dev) continue;
    const target = join(folder, 'node_modules', name);
    await mkdir(dirname(target), { recursive: true });
    await symlink(`${repositoryRoot}${path}`, target);
  }
}

// Builds src/ as `npm run build` does, into a folder laid out like the image's /app: dist/,
// package.json and the production dependencies. The image itself needs a Docker engine.
describe('operator image contents', () => {
  let app: string;
  let build: RunResult;
  let environment: NodeJS.ProcessEnv;

  beforeAll(async () => {
    app = await mkdtemp(join(tmpdir(), 'herald-image-'));
    environment = { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}` };
    build = await run(
      process.execPath,
      [
        `${repositoryRoot}node_modules/typescript/bin/tsc`,
        ...['-p', 'tsconfig.build.json', '--outDir', join(app, 'dist')],
      ],
      { cwd: repositoryRoot, env: environment },
    );
    await copyFile(`${repositoryRoot}package.json`, join(app, 'package.json'));
    await linkProductionDependencies(app);
  });

  afterAll(async () => {
    if (app) await rm(app, { recursive: true, force: true });
  });

  it('compiles without errors', () => {
    expect(build.stdout + build.stderr).toBe('');
    expect(build.code).toBe(0);
  });

  it('prints every setting with --help', async () => {
    const result = await run(process.execPath, ['dist/cli/operator.js', '--help'], {
      cwd: app,
      env: environment,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const setting of settings) {
      expect(result.stdout).toContain(`--${setting.flag}`);
      expect(result.stdout).toContain(setting.env);
    }
  });

  it('rejects an unknown flag with exit code 2', async () => {
    const result = await run(process.execPath, ['dist/cli/operator.js', '--no-such-flag'], {
      cwd: app,
      env: environment,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--help/);
  });

  describe('started against the local API server', () => {
    let cluster: TestCluster;

    beforeAll(async () => {
      cluster = await startTestCluster();
      await cluster.createNamespace(operatorNamespace);
    });

    afterAll(async () => {
      await cluster?.close();
    });

    // SIGTERM is sent once the operator has started, so the test stops a running operator.
    it('starts and exits 0 on SIGTERM', async () => {
      const kubeconfig = join(app, 'kubeconfig');
      await writeFile(kubeconfig, cluster.server.kubeconfig());
      const flags = ['--log-level', 'info', '--health-address', '127.0.0.1:0'];
      const child = spawn(process.execPath, ['dist/cli/operator.js', ...flags], {
        cwd: app,
        env: { ...environment, KUBECONFIG: kubeconfig, POD_NAMESPACE: operatorNamespace },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      const keep = (chunk: Buffer) => (output += chunk.toString('utf8'));
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

      try {
        await waitFor('the built operator to log "operator started"', () =>
          output.includes('"msg":"operator started"') ? true : undefined,
        );
        const watched = cluster.server.audit
          .records()
          .filter((record) => record.userAgent === operatorUserAgent && record.verb === 'watch');
        expect(watched.map((record) => record.resource)).toContain('notifiers');
        child.kill('SIGTERM');
        expect(await exited, output).toBe(0);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    });
  });
});

describe('Dockerfile', () => {
  let stages: Stage[];
  let final: Stage;

  beforeAll(async () => {
    stages = parseDockerfile(await readFile(`${repositoryRoot}Dockerfile`, 'utf8'));
    final = stages.at(-1) as Stage;
  });

  it('builds in several stages', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
  });

  it('compiles in a stage with the development dependencies', () => {
    const runs = stages.flatMap((stage) => (stage === final ? [] : valuesOf(stage, 'RUN')));
    expect(runs).toContain('npm run build');
  });

  it('ships only production dependencies', () => {
    const copies = valuesOf(final, 'COPY').filter((value) => value.includes('node_modules'));
    expect(copies).toHaveLength(1);
    const source = /--from=(\S+)/.exec(copies[0] ?? '')?.[1];
    const stage = stages.find((each) => each.name === source);
    expect(valuesOf(stage as Stage, 'RUN').some((value) => /npm ci .*--omit=dev/.test(value))).toBe(
      true,
    );
  });

  it('installs nothing in the final stage', () => {
    expect(valuesOf(final, 'RUN')).toEqual([]);
  });

  it('runs as a numeric non-root user', () => {
    const [user] = valuesOf(final, 'USER');
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user?.split(':')[0])).toBeGreaterThan(0);
  });

  it('runs as the user the Deployment names', async () => {
    const objects = await renderKustomization(baseFolder);
    const deployment = findObject(objects, 'Deployment', 'herald-operator') as V1Deployment;
    const [user] = valuesOf(final, 'USER');
    expect(deployment.spec?.template.spec?.securityContext?.runAsUser).toBe(
      Number(user?.split(':')[0]),
    );
  });

  it('starts node as PID 1 on the built entry point', () => {
    const [entrypoint] = valuesOf(final, 'ENTRYPOINT');
    const command = JSON.parse(entrypoint ?? '[]') as string[];
    expect(command[0]).toBe('node');
    expect(command.at(-1)).toBe('dist/cli/operator.js');
    expect(valuesOf(final, 'CMD')).toEqual([]);
  });

  it('sends only the files the build copies', async () => {
    const ignore = (await readFile(`${repositoryRoot}.dockerignore`, 'utf8'))
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(ignore[0]).toBe('*');
    const included = ignore.slice(1).map((line) => line.replace(/^!/, '').replace(/\/$/, ''));
    const copied = stages
      .flatMap((stage) => valuesOf(stage, 'COPY'))
      .filter((value) => !value.startsWith('--from'))
      .flatMap((value) => value.split(/\s+/).slice(0, -1));
    expect([...new Set(copied)].sort()).toEqual([...new Set(included)].sort());
  });
});
