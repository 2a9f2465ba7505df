import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { KubernetesObject } from '@kubernetes/client-node';
import { loadAll } from 'js-yaml';

/** kubectl 1.32, which renders the kustomizations and talks to the local API server. */
export const kubectlPath = '/usr/bin/kubectl';

/** The repository root, with a trailing slash. */
export const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The kustomization that `kubectl apply -k deploy/` installs. */
export const baseFolder = `${repositoryRoot}deploy`;

/** The overlay that limits the operator to a list of namespaces. */
export const namespacedOverlayFolder = `${repositoryRoot}deploy/overlays/namespaced`;

/** The namespace that deploy/ installs the operator into. */
export const operatorNamespace = 'herald-system';

/** A rendered object, with the fields the tests read typed loosely. */
export type RenderedObject = KubernetesObject & Record<string, unknown>;

/** Output of one kubectl run. A non-zero exit is returned, not thrown. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Fails with the install hint when kubectl is missing, so that no test silently skips. */
export function requireKubectl(): void {
  if (!existsSync(kubectlPath)) {
    throw new Error(
      `kubectl not found at ${kubectlPath}; install kubectl 1.32 (the deploy tests run the real kubectl to render deploy/)`,
    );
  }
}

/** Runs kubectl with `args`, writing `input` to its standard input when given. */
export function kubectl(
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<KubectlResult> {
  requireKubectl();
  return new Promise((resolve, reject) => {
    const child = execFile(
      kubectlPath,
      args,
      { env: options.env ?? { PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeout: 20_000 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(new Error(`kubectl ${args.join(' ')} did not finish: ${error.message}`));
          return;
        }
        resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
      },
    );
    child.stdin?.end(options.input ?? '');
  });
}

/** Renders a kustomization with `kubectl kustomize` and parses every object it outputs. */
export async function renderKustomization(folder: string): Promise<RenderedObject[]> {
  const result = await kubectl(['kustomize', folder]);
  if (result.code !== 0) {
    throw new Error(`kubectl kustomize ${folder} failed (exit ${result.code}): ${result.stderr}`);
  }
  return loadAll(result.stdout).filter(
    (document): document is RenderedObject => document !== null && typeof document === 'object',
  );
}

/** Returns the one object of a kind and name, failing with the names that exist. */
export function findObject(objects: RenderedObject[], kind: string, name: string): RenderedObject {
  const found = objects.filter((object) => object.kind === kind && object.metadata?.name === name);
  if (found.length !== 1) {
    const names = objectsOfKind(objects, kind).map((object) => object.metadata?.name);
    throw new Error(
      `expected one ${kind} named ${name} in the rendered manifests, found ${found.length}; ${kind} names: ${names.join(', ') || 'none'}`,
    );
  }
  return found[0] as RenderedObject;
}

/** Returns every object of a kind, in rendered order. */
export function objectsOfKind(objects: RenderedObject[], kind: string): RenderedObject[] {
  return objects.filter((object) => object.kind === kind);
}

/** Returns the ConfigMap that a name prefix such as `herald-operator` was generated with. */
export function generatedConfigMap(objects: RenderedObject[], prefix: string): RenderedObject {
  const found = objectsOfKind(objects, 'ConfigMap').filter((object) =>
    new RegExp(`^${prefix}-[a-z0-9]{10}$`).test(object.metadata?.name ?? ''),
  );
  if (found.length !== 1) {
    throw new Error(`expected one ConfigMap generated from ${prefix}, found ${found.length}`);
  }
  return found[0] as RenderedObject;
}
