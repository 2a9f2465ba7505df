import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ApiextensionsV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { loadAll } from 'js-yaml';
import { systemClock, type Clock } from './clock.ts';

/**
 * Reads every YAML document of the .yaml files in a folder, in file name order, with Namespaces
 * first and Secrets next, so that creating them in order never refers to an object not yet there.
 */
export async function readManifests(folder: string): Promise<KubernetesObject[]> {
  const files = (await readdir(folder)).filter((file) => file.endsWith('.yaml')).sort();
  const objects: KubernetesObject[] = [];
  for (const file of files) {
    for (const document of loadAll(await readFile(join(folder, file), 'utf8'))) {
      if (document && typeof document === 'object') objects.push(document as KubernetesObject);
    }
  }
  const order = ['Namespace', 'Secret'];
  const rank = (object: KubernetesObject) => {
    const position = order.indexOf(object.kind ?? '');
    return position === -1 ? order.length : position;
  };
  return objects.sort((a, b) => rank(a) - rank(b));
}

/** Creates the CRDs of a folder and waits until the API server reports each one Established. */
export async function installCrds(
  kubeConfig: KubeConfig,
  folder: string,
  options: { timeoutMs?: number; clock?: Clock } = {},
): Promise<void> {
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 10_000;
  // CustomObjectsApi sends the body as it is. KubernetesObjectApi would run it through client-node's
  // typed serializer, which drops schema keywords that it spells differently, such as `default`,
  // `enum` and `x-kubernetes-preserve-unknown-fields`, from plain YAML objects.
  const client = kubeConfig.makeApiClient(CustomObjectsApi);
  const crds = await readManifests(folder);
  for (const crd of crds) {
    await client.createClusterCustomObject({
      group: 'apiextensions.k8s.io',
      version: 'v1',
      plural: 'customresourcedefinitions',
      body: crd,
    });
  }

  const api = kubeConfig.makeApiClient(ApiextensionsV1Api);
  for (const crd of crds) {
    const name = crd.metadata?.name ?? '';
    const deadline = clock.now() + timeoutMs;
    for (;;) {
      const stored = await api.readCustomResourceDefinition({ name });
      const established = stored.status?.conditions?.some(
        (condition) => condition.type === 'Established' && condition.status === 'True',
      );
      if (established) break;
      if (clock.now() > deadline) {
        throw new Error(`CRD ${name} was not Established within ${timeoutMs} ms`);
      }
      await clock.sleep(20);
    }
  }
}
