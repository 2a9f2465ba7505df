import {
  ApiException,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { LocalApiServer } from '../../src/local-api/index.ts';
import { eventually, installWidgets, startServer, widget } from './helpers.ts';

interface Widget extends KubernetesObject {
  spec?: { color?: string; size?: number };
  status?: { observedGeneration?: number };
}

let server: LocalApiServer;
let customObjects: CustomObjectsApi;
let objects: KubernetesObjectApi;
let kubeConfig: KubeConfig;
const stops: Array<() => Promise<void>> = [];

const target = {
  group: 'example.herald.dev',
  version: 'v1',
  namespace: 'default',
  plural: 'widgets',
};

beforeEach(async () => {
  server = await startServer();
  await installWidgets(server);
  kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(server.kubeconfig());
  customObjects = kubeConfig.makeApiClient(CustomObjectsApi);
  objects = KubernetesObjectApi.makeApiClient(kubeConfig);
});

afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await server.close();
});

async function statusOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (error) {
    if (error instanceof ApiException) return error.code;
    throw error;
  }
}

describe('client-node CustomObjectsApi', () => {
  it('creates, reads, lists, merge-patches and deletes', async () => {
    const created = (await customObjects.createNamespacedCustomObject({
      ...target,
      body: widget('one'),
    })) as Widget;
    expect(created.metadata?.uid).toBeDefined();

    const read = (await customObjects.getNamespacedCustomObject({
      ...target,
      name: 'one',
    })) as Widget;
    expect(read.spec?.size).toBe(10);

    const list = (await customObjects.listNamespacedCustomObject(target)) as { items: Widget[] };
    expect(list.items.map((item) => item.metadata?.name)).toEqual(['one']);

    const patched = (await customObjects.patchNamespacedCustomObject(
      { ...target, name: 'one', body: { spec: { color: 'blue' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as Widget;
    expect(patched.spec?.color).toBe('blue');

    await customObjects.deleteNamespacedCustomObject({ ...target, name: 'one' });
    expect(
      await statusOf(customObjects.getNamespacedCustomObject({ ...target, name: 'one' })),
    ).toBe(404);
  });

  it('uses JSON patch by default', async () => {
    await customObjects.createNamespacedCustomObject({ ...target, body: widget('two') });
    const patched = (await customObjects.patchNamespacedCustomObject({
      ...target,
      name: 'two',
      body: [{ op: 'replace', path: '/spec/color', value: 'green' }],
    })) as Widget;
    expect(patched.spec?.color).toBe('green');
  });

  it('surfaces Status bodies in ApiException', async () => {
    try {
      await customObjects.createNamespacedCustomObject({
        ...target,
        body: widget('bad', { color: 'sms' }),
      });
      expect.unreachable('the create should fail');
    } catch (error) {
      expect(error).toBeInstanceOf(ApiException);
      const failure = error as ApiException<string>;
      expect(failure.code).toBe(422);
      expect(JSON.parse(failure.body)).toMatchObject({ kind: 'Status', reason: 'Invalid' });
    }
  });

  it('writes status only through the status subresource', async () => {
    const created = (await customObjects.createNamespacedCustomObject({
      ...target,
      body: widget('s'),
    })) as Widget;
    const withStatus = { ...created, spec: { color: 'blue' }, status: { observedGeneration: 1 } };
    const statusWrite = (await customObjects.replaceNamespacedCustomObjectStatus({
      ...target,
      name: 's',
      body: withStatus,
    })) as Widget;
    expect(statusWrite.status?.observedGeneration).toBe(1);
    expect(statusWrite.spec?.color).toBe('red');

    const specWrite = (await customObjects.replaceNamespacedCustomObject({
      ...target,
      name: 's',
      body: { ...statusWrite, spec: { color: 'green' }, status: { observedGeneration: 7 } },
    })) as Widget;
    expect(specWrite.spec?.color).toBe('green');
    expect(specWrite.status?.observedGeneration).toBe(1);
  });
});

describe('client-node KubernetesObjectApi', () => {
  it('creates, merge-patches, server-side applies and deletes', async () => {
    const created = await objects.create({
      ...widget('k'),
      metadata: { name: 'k', namespace: 'default' },
    } as Widget);
    expect(created.metadata?.uid).toBeDefined();

    const patched = await objects.patch(
      {
        apiVersion: 'example.herald.dev/v1',
        kind: 'Widget',
        metadata: { name: 'k', namespace: 'default' },
        spec: { color: 'blue' },
      } as Widget,
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    );
    expect(patched.spec?.color).toBe('blue');

    const applied = await objects.patch(
      {
        apiVersion: 'example.herald.dev/v1',
        kind: 'Widget',
        metadata: { name: 'k', namespace: 'default' },
        spec: { color: 'green' },
      } as Widget,
      undefined,
      undefined,
      'herald-test',
      true,
      PatchStrategy.ServerSideApply,
    );
    expect(applied.spec?.color).toBe('green');

    const read = await objects.read<Widget>({
      apiVersion: 'example.herald.dev/v1',
      kind: 'Widget',
      metadata: { name: 'k', namespace: 'default' },
    });
    expect(read.spec?.color).toBe('green');

    await objects.delete({
      apiVersion: 'example.herald.dev/v1',
      kind: 'Widget',
      metadata: { name: 'k', namespace: 'default' },
    });
  });

  it('gets 415 for its default strategic merge patch on custom resources', async () => {
    await objects.create({
      ...widget('smp'),
      metadata: { name: 'smp', namespace: 'default' },
    } as Widget);
    const status = await statusOf(
      objects.patch({
        apiVersion: 'example.herald.dev/v1',
        kind: 'Widget',
        metadata: { name: 'smp', namespace: 'default' },
        spec: { color: 'blue' },
      } as Widget),
    );
    expect(status).toBe(415);
  });
});

function startWidgetInformer() {
  const informer = makeInformer<Widget>(
    kubeConfig,
    '/apis/example.herald.dev/v1/namespaces/default/widgets',
    () => customObjects.listNamespacedCustomObject(target) as never,
  );
  const seen: string[] = [];
  const errors: unknown[] = [];
  informer.on('add', (object) => seen.push(`add ${object.metadata?.name}`));
  informer.on('update', (object) =>
    seen.push(`update ${object.metadata?.name} ${object.spec?.color}`),
  );
  informer.on('delete', (object) => seen.push(`delete ${object.metadata?.name}`));
  informer.on('error', (error) => errors.push(error));
  stops.push(async () => {
    await informer.stop();
  });
  return { informer, seen, errors };
}

async function patchColor(name: string, color: string): Promise<void> {
  await customObjects.patchNamespacedCustomObject(
    { ...target, name, body: { spec: { color } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

describe('client-node informer', () => {
  it('sees add, update and delete', async () => {
    const { informer, seen } = startWidgetInformer();
    await customObjects.createNamespacedCustomObject({ ...target, body: widget('early') });
    await informer.start();
    await eventually(() => (seen.includes('add early') ? true : undefined));

    await customObjects.createNamespacedCustomObject({ ...target, body: widget('late') });
    await patchColor('late', 'blue');
    await customObjects.deleteNamespacedCustomObject({ ...target, name: 'early' });
    await eventually(
      () => (seen.includes('delete early') ? true : undefined),
      5000,
      'the informer to see the delete',
    );
    expect(seen).toEqual(['add early', 'add late', 'update late blue', 'delete early']);
  });

  it('recovers after every watch is closed', async () => {
    const { informer, seen } = startWidgetInformer();
    await informer.start();
    await customObjects.createNamespacedCustomObject({ ...target, body: widget('first') });
    await eventually(() => (seen.includes('add first') ? true : undefined));

    server.faults.closeAllWatches();
    await customObjects.createNamespacedCustomObject({ ...target, body: widget('second') });
    await eventually(
      () => (seen.includes('add second') ? true : undefined),
      5000,
      'the informer to reconnect',
    );
  });

  it('re-lists after a 410 and reports objects deleted meanwhile', async () => {
    const { informer, seen } = startWidgetInformer();
    await customObjects.createNamespacedCustomObject({ ...target, body: widget('keep') });
    await customObjects.createNamespacedCustomObject({ ...target, body: widget('drop') });
    await informer.start();
    await eventually(() => (seen.includes('add drop') ? true : undefined));

    // Hold the reconnecting watch back while the object goes and the history is forgotten.
    server.faults.setLatency(300, {
      path: '/apis/example.herald.dev/v1/namespaces/default/widgets',
    });
    server.faults.closeAllWatches();
    await customObjects.deleteNamespacedCustomObject({ ...target, name: 'drop' });
    server.faults.expireHistory();
    await eventually(
      () => (seen.includes('delete drop') ? true : undefined),
      8000,
      'the informer to re-list',
    );
    expect(informer.list().map((object) => object.metadata?.name)).toEqual(['keep']);
  });
});
