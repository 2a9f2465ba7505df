import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApiServer, type LocalApiServer } from '../../src/local-api/index.ts';
import {
  baseFolder,
  kubectl,
  objectsOfKind,
  operatorNamespace,
  renderKustomization,
  repositoryRoot,
  type RenderedObject,
} from './manifests.ts';

const crdFolder = `${repositoryRoot}crds`;
const deployCrdFolder = `${repositoryRoot}deploy/base/crds`;

/** Kinds that kube-apiserver serves without a namespace. */
const clusterScopedKinds = new Set([
  'Namespace',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
]);

const expectedObjects = [
  ['Namespace', operatorNamespace],
  ['ServiceAccount', 'herald-operator'],
  ['ClusterRole', 'herald-operator'],
  ['ClusterRoleBinding', 'herald-operator'],
  ['ClusterRole', 'herald-viewer'],
  ['ClusterRole', 'herald-editor'],
  ['ClusterRole', 'herald-emitter'],
  ['Deployment', 'herald-operator'],
  ['Service', 'herald-operator-metrics'],
  ['PodDisruptionBudget', 'herald-operator'],
  ['NetworkPolicy', 'herald-operator'],
] as const;

async function yamlFiles(folder: string): Promise<string[]> {
  const files = await readdir(folder);
  return files.filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml').sort();
}

describe('kubectl kustomize deploy/', () => {
  let objects: RenderedObject[];

  beforeAll(async () => {
    objects = await renderKustomization(baseFolder);
  });

  it.each(expectedObjects)('renders %s %s', (kind, name) => {
    const found = objectsOfKind(objects, kind).filter((object) => object.metadata?.name === name);
    expect(found).toHaveLength(1);
  });

  it('renders every CRD of crds/', async () => {
    const rendered = objectsOfKind(objects, 'CustomResourceDefinition').map(
      (crd) => crd.metadata?.name,
    );
    const generated = (await yamlFiles(crdFolder)).map((file) => file.replace(/\.yaml$/, ''));
    expect(rendered.sort()).toEqual(generated);
  });

  it('puts namespaced objects in herald-system', () => {
    const misplaced = objects
      .filter((object) => !clusterScopedKinds.has(object.kind ?? ''))
      .filter((object) => object.metadata?.namespace !== operatorNamespace)
      .map((object) => `${object.kind} ${object.metadata?.name}`);
    expect(misplaced).toEqual([]);
  });

  it('labels every object as part of herald', () => {
    const unlabelled = objects
      .filter((object) => object.metadata?.labels?.['app.kubernetes.io/part-of'] !== 'herald')
      .map((object) => `${object.kind} ${object.metadata?.name}`);
    expect(unlabelled).toEqual([]);
  });
});

describe('deploy/base/crds', () => {
  it('lists the same files as crds/', async () => {
    expect(await yamlFiles(deployCrdFolder), 'run: cp crds/*.yaml deploy/base/crds/').toEqual(
      await yamlFiles(crdFolder),
    );
  });

  it('copies each CRD unchanged', async () => {
    for (const file of await yamlFiles(crdFolder)) {
      const copy = await readFile(join(deployCrdFolder, file), 'utf8').catch(() => '');
      const generated = await readFile(join(crdFolder, file), 'utf8');
      expect(copy, `deploy/base/crds/${file} differs; run: cp crds/*.yaml deploy/base/crds/`).toBe(
        generated,
      );
    }
  });

  it('kustomization lists every copied CRD', async () => {
    const kustomization = load(
      await readFile(join(deployCrdFolder, 'kustomization.yaml'), 'utf8'),
    ) as { resources?: string[] };
    expect([...(kustomization.resources ?? [])].sort()).toEqual(await yamlFiles(crdFolder));
  });
});

// The local API server serves Namespaces, ConfigMaps and CRDs, so a real server checks those
// objects. workload.test.ts and roles.test.ts check the other kinds by parsing them.
describe('deploy/ against the local API server', () => {
  let server: LocalApiServer;
  let folder: string;
  let environment: NodeJS.ProcessEnv;
  let served: string;
  let clusterScoped: string;

  beforeAll(async () => {
    server = await startLocalApiServer({ port: 0 });
    folder = await mkdtemp(join(tmpdir(), 'herald-deploy-'));
    await server.writeKubeconfig(join(folder, 'kubeconfig'));
    environment = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: folder,
      KUBECONFIG: join(folder, 'kubeconfig'),
    };
    const objects = await renderKustomization(baseFolder);
    const servedKinds = new Set(['Namespace', 'ConfigMap', 'CustomResourceDefinition']);
    const servedObjects = objects.filter((object) => servedKinds.has(object.kind ?? ''));
    served = servedObjects.map((object) => dump(object)).join('---\n');
    clusterScoped = servedObjects
      .filter((object) => clusterScopedKinds.has(object.kind ?? ''))
      .map((object) => dump(object))
      .join('---\n');
  });

  afterAll(async () => {
    await server?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  // A dry run creates nothing, so namespaced objects would find no namespace: they are checked
  // by the real apply below.
  it('accepts cluster-scoped ones in a server-side dry run', async () => {
    const result = await kubectl(['apply', '--dry-run=server', '-f', '-'], {
      input: clusterScoped,
      env: environment,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/namespace\/herald-system created \(server dry run\)/);
  });

  it('creates them and establishes every CRD', async () => {
    const path = join(folder, 'served.yaml');
    await writeFile(path, served);
    const applied = await kubectl(['apply', '-f', path], { env: environment });
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);

    const waited = await kubectl(
      ['wait', '--for=condition=Established', '--timeout=10s', 'crd', '--all'],
      { env: environment },
    );
    expect(waited.stderr).toBe('');
    expect(waited.stdout).toMatch(/notifiers\.herald\.dev condition met/);
  });
});
