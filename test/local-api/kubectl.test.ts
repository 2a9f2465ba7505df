import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { LocalApiServer } from '../../src/local-api/index.ts';
import { call, eventually, fixturePath, startServer, widgetsPath } from './helpers.ts';

const KUBECTL = '/usr/bin/kubectl';

let server: LocalApiServer;
let home: string;
let kubeconfigPath: string;
const children: ChildProcess[] = [];

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function environment(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, KUBECONFIG: kubeconfigPath };
}

/** Runs kubectl to completion; a non-zero exit is returned, not thrown. */
function kubectl(...args: string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    execFile(KUBECTL, args, { env: environment(), timeout: 20_000 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') {
        reject(new Error(`kubectl ${args.join(' ')} did not finish: ${error.message}`));
        return;
      }
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
    });
  });
}

/** Starts kubectl in the background, collecting its output. */
function spawnKubectl(...args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(KUBECTL, args, { env: environment(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return { child, output: () => output };
}

function exited(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code ?? -1));
  });
}

/** Splits kubectl's table output into rows of cells (columns separated by 2+ spaces). */
function tableRows(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s{2,}/));
}

async function writeManifest(name: string, text: string): Promise<string> {
  const path = join(home, name);
  await writeFile(path, text);
  return path;
}

const widgetYaml = (name: string, color: string, extra = '') => `apiVersion: example.herald.dev/v1
kind: Widget
metadata:
  name: ${name}
  namespace: default
spec:
  color: ${color}
${extra}`;

beforeAll(async () => {
  if (!existsSync(KUBECTL)) {
    throw new Error(
      `${KUBECTL} is missing: install kubectl 1.32 to run the local API server's kubectl tests`,
    );
  }
  home = await mkdtemp(join(tmpdir(), 'herald-kubectl-'));
  kubeconfigPath = join(home, 'kubeconfig');
  server = await startServer();
  await server.writeKubeconfig(kubeconfigPath);
});

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.pid !== undefined) {
      child.kill('SIGTERM');
      await exited(child);
    }
  }
});

afterAll(async () => {
  await server?.close();
  if (home !== undefined) await rm(home, { recursive: true, force: true });
});

describe('kubectl against the local API server', () => {
  it('lists the built-in namespaces', async () => {
    const result = await kubectl('get', 'ns');
    expect(result.code).toBe(0);
    const rows = tableRows(result.stdout);
    expect(rows[0]).toEqual(['NAME', 'STATUS', 'AGE']);
    expect(rows.slice(1).map((row) => row[0])).toEqual([
      'default',
      'kube-node-lease',
      'kube-public',
      'kube-system',
    ]);
  });

  it('applies the CRD and a widget, then reports unchanged and configured', async () => {
    const crd = await kubectl('apply', '-f', fixturePath('widgets-crd.yaml'));
    expect(crd.stdout.trim()).toBe(
      'customresourcedefinition.apiextensions.k8s.io/widgets.example.herald.dev created',
    );

    const created = await kubectl('apply', '-f', fixturePath('widget.yaml'));
    expect(created.stderr).toBe('');
    expect(created.stdout.trim()).toBe('widget.example.herald.dev/sprocket created');

    const unchanged = await kubectl('apply', '-f', fixturePath('widget.yaml'));
    expect(unchanged.stdout.trim()).toBe('widget.example.herald.dev/sprocket unchanged');

    const changed = await writeManifest(
      'changed.yaml',
      widgetYaml('sprocket', 'green', '  shape: round\n'),
    );
    const configured = await kubectl('apply', '-f', changed);
    expect(configured.stdout.trim()).toBe('widget.example.herald.dev/sprocket configured');
  });

  it('prints the printer columns', async () => {
    const result = await kubectl('get', 'widgets');
    const rows = tableRows(result.stdout);
    expect(rows[0]).toEqual(['NAME', 'COLOR', 'SIZE', 'READY', 'AGE']);
    expect(rows[1]?.slice(0, 3)).toEqual(['sprocket', 'green', '10']);

    const wide = await kubectl('get', 'wdg', '-o', 'wide');
    expect(tableRows(wide.stdout)[0]).toEqual(['NAME', 'COLOR', 'SIZE', 'READY', 'SHAPE', 'AGE']);
  });

  it('patches with merge and JSON patches, and reports 415 for the default', async () => {
    const merge = await kubectl(
      'patch',
      'widget',
      'sprocket',
      '--type=merge',
      '-p',
      '{"spec":{"size":20}}',
    );
    expect(merge.stdout.trim()).toBe('widget.example.herald.dev/sprocket patched');

    const json = await kubectl(
      'patch',
      'widget',
      'sprocket',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/size","value":30}]',
    );
    expect(json.stdout.trim()).toBe('widget.example.herald.dev/sprocket patched');
    const read = await call(server, 'GET', `${widgetsPath()}/sprocket`);
    expect(read.body.spec?.size).toBe(30);

    const strategic = await kubectl('patch', 'widget', 'sprocket', '-p', '{"spec":{"size":40}}');
    expect(strategic.code).not.toBe(0);
    expect(strategic.stderr).toContain(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
  });

  it('labels a widget', async () => {
    const result = await kubectl('label', 'widget', 'sprocket', 'tier=gold');
    expect(result.stdout.trim()).toBe('widget.example.herald.dev/sprocket labeled');
    const selected = await kubectl('get', 'widgets', '-l', 'tier=gold', '-o', 'name');
    expect(selected.stdout.trim()).toBe('widget.example.herald.dev/sprocket');
  });

  it('watches a change with get -w', async () => {
    const watcher = spawnKubectl('get', 'widgets', '-w');
    await eventually(
      () => (watcher.output().includes('sprocket') ? true : undefined),
      10_000,
      'the initial rows',
    );
    await call(
      server,
      'PATCH',
      `${widgetsPath()}/sprocket`,
      { spec: { color: 'blue' } },
      { 'content-type': 'application/merge-patch+json' },
    );
    const lines = await eventually(
      () => {
        const found = watcher
          .output()
          .split('\n')
          .filter((line) => /^sprocket\s+blue\s/.test(line));
        return found.length > 0 ? found : undefined;
      },
      10_000,
      'kubectl get -w to print the change',
    );
    expect(lines[0]).toMatch(/^sprocket\s+blue\s+30\s/);
  });

  it('waits for a Ready condition written meanwhile', async () => {
    server.audit.reset();
    const waiter = spawnKubectl(
      'wait',
      '--for=condition=Ready',
      'widget/sprocket',
      '--timeout=15s',
    );
    await eventually(
      () =>
        server.audit
          .records()
          .some((record) => record.verb === 'watch' && record.userAgent.startsWith('kubectl'))
          ? true
          : undefined,
      10_000,
      'kubectl wait to watch',
    );
    const status = {
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'Tested',
            lastTransitionTime: '2026-01-01T00:00:00Z',
          },
        ],
      },
    };
    await call(server, 'PATCH', `${widgetsPath()}/sprocket/status`, status, {
      'content-type': 'application/merge-patch+json',
    });
    expect(await exited(waiter.child)).toBe(0);
    expect(waiter.output().trim()).toBe('widget.example.herald.dev/sprocket condition met');
  });

  it('server-side applies, reports a conflict and forces it', async () => {
    const manifest = await writeManifest('ssa.yaml', widgetYaml('gear', 'red'));
    const created = await kubectl('apply', '--server-side', '-f', manifest);
    expect(created.stdout.trim()).toBe('widget.example.herald.dev/gear serverside-applied');

    const other = await writeManifest('ssa-other.yaml', widgetYaml('gear', 'blue'));
    const conflict = await kubectl('apply', '--server-side', '--field-manager=other', '-f', other);
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain(
      'Apply failed with 1 conflict: conflict with "kubectl": .spec.color',
    );

    const forced = await kubectl(
      'apply',
      '--server-side',
      '--field-manager=other',
      '--force-conflicts',
      '-f',
      other,
    );
    expect(forced.stdout.trim()).toBe('widget.example.herald.dev/gear serverside-applied');
    const read = await call(server, 'GET', `${widgetsPath()}/gear`);
    expect(read.body.spec?.color).toBe('blue');
  });

  it('names the invalid field of a rejected object', async () => {
    const manifest = await writeManifest('invalid.yaml', widgetYaml('broken', 'purple'));
    const result = await kubectl('apply', '-f', manifest);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      'spec.color: Unsupported value: "purple": supported values: "red", "green", "blue"',
    );
  });

  it('rejects unknown fields, as kubectl asks for strict validation', async () => {
    const manifest = await writeManifest(
      'unknown.yaml',
      widgetYaml('extra', 'red', '  sparkle: true\n'),
    );
    const result = await kubectl('apply', '-f', manifest);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('unknown field "spec.sparkle"');
  });

  it('explains widget.spec from the OpenAPI schema', async () => {
    const result = await kubectl('explain', 'widget.spec');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('KIND:       Widget');
    expect(result.stdout).toContain('Desired state of the widget.');
    expect(result.stdout).toMatch(/color\s+<string> -required-/);
    expect(result.stdout).toContain('enum: red, green, blue');
  });

  it('describes a widget with its events', async () => {
    const widget = await call(server, 'GET', `${widgetsPath()}/sprocket`);
    await call(server, 'POST', '/api/v1/namespaces/default/events', {
      metadata: { name: 'sprocket.painted' },
      involvedObject: {
        apiVersion: 'example.herald.dev/v1',
        kind: 'Widget',
        name: 'sprocket',
        namespace: 'default',
        uid: widget.body.metadata?.uid,
      },
      reason: 'Painted',
      message: 'the widget was painted blue',
      type: 'Normal',
      count: 1,
      firstTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      lastTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      source: { component: 'herald-test' },
    });
    const result = await kubectl('describe', 'widget', 'sprocket');
    expect(result.stdout).toContain('Events:');
    expect(result.stdout).toMatch(/Normal\s+Painted\s+.*herald-test\s+the widget was painted blue/);
  });

  it('deletes without and with a finalizer', async () => {
    const plain = await kubectl('delete', 'widget', 'gear');
    expect(plain.stdout.trim()).toBe('widget.example.herald.dev "gear" deleted');

    await kubectl(
      'patch',
      'widget',
      'sprocket',
      '--type=merge',
      '-p',
      '{"metadata":{"finalizers":["example.herald.dev/hold"]}}',
    );
    const marked = await kubectl('delete', 'widget', 'sprocket', '--wait=false');
    expect(marked.code).toBe(0);
    const pending = await kubectl(
      'get',
      'widget',
      'sprocket',
      '-o',
      'jsonpath={.metadata.deletionTimestamp}',
    );
    expect(pending.stdout).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    await kubectl(
      'patch',
      'widget',
      'sprocket',
      '--type=json',
      '-p',
      '[{"op":"remove","path":"/metadata/finalizers"}]',
    );
    const gone = await kubectl('get', 'widget', 'sprocket');
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('widgets.example.herald.dev "sprocket" not found');
  });

  it('creates a generic secret', async () => {
    const created = await kubectl(
      'create',
      'secret',
      'generic',
      'creds',
      '--from-literal=token=abc',
    );
    expect(created.stdout.trim()).toBe('secret/creds created');
    const listed = await kubectl('get', 'secrets');
    expect(tableRows(listed.stdout)[1]?.slice(0, 3)).toEqual(['creds', 'Opaque', '1']);
    const read = await call(server, 'GET', '/api/v1/namespaces/default/secrets/creds');
    expect(Buffer.from(String(read.body.data?.token), 'base64').toString('utf8')).toBe('abc');
  });
});
