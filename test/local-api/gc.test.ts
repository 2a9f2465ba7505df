import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { LocalApiServer } from '../../src/local-api/index.ts';
import { call, eventually, installWidgets, startServer, widget, widgetsPath } from './helpers.ts';

let server: LocalApiServer;

beforeEach(async () => {
  server = await startServer();
  await installWidgets(server);
});

afterEach(async () => {
  await server.close();
});

const configMaps = '/api/v1/namespaces/default/configmaps';

async function createOwner(name: string): Promise<string> {
  const reply = await call(server, 'POST', widgetsPath(), widget(name));
  return String(reply.body.metadata?.uid);
}

async function createDependent(
  name: string,
  owners: Array<{ name: string; uid: string }>,
  block = false,
): Promise<void> {
  const ownerReferences = owners.map((owner) => ({
    apiVersion: 'example.herald.dev/v1',
    kind: 'Widget',
    name: owner.name,
    uid: owner.uid,
    ...(block ? { blockOwnerDeletion: true } : {}),
  }));
  const reply = await call(server, 'POST', configMaps, { metadata: { name, ownerReferences } });
  expect(reply.status).toBe(201);
}

async function status(path: string): Promise<number> {
  return (await call(server, 'GET', path)).status;
}

async function gone(path: string): Promise<true | undefined> {
  return (await status(path)) === 404 ? true : undefined;
}

describe('garbage collection', () => {
  it('deletes dependents once their owner is gone', async () => {
    const uid = await createOwner('owner');
    await createDependent('child', [{ name: 'owner', uid }]);
    await call(server, 'DELETE', `${widgetsPath()}/owner`);
    await eventually(() => gone(`${configMaps}/child`), 3000, 'the dependent to be collected');
  });

  it('keeps a dependent with a living owner and drops the dangling reference', async () => {
    const first = await createOwner('first');
    const second = await createOwner('second');
    await createDependent('shared', [
      { name: 'first', uid: first },
      { name: 'second', uid: second },
    ]);
    await call(server, 'DELETE', `${widgetsPath()}/first`);
    const kept = await eventually(async () => {
      const reply = await call(server, 'GET', `${configMaps}/shared`);
      const references = reply.body.metadata?.ownerReferences as unknown as unknown[] | undefined;
      return references?.length === 1 ? reply : undefined;
    });
    expect(kept.body.metadata?.ownerReferences?.[0]?.uid).toBe(second);
  });

  it('orphans dependents with propagationPolicy Orphan', async () => {
    const uid = await createOwner('parent');
    await createDependent('orphan', [{ name: 'parent', uid }]);
    await call(server, 'DELETE', `${widgetsPath()}/parent`, { propagationPolicy: 'Orphan' });
    await eventually(() => gone(`${widgetsPath()}/parent`), 3000, 'the owner to be deleted');
    const orphan = await call(server, 'GET', `${configMaps}/orphan`);
    expect(orphan.status).toBe(200);
    expect(orphan.body.metadata?.ownerReferences).toBeUndefined();
  });

  it('deletes the owner last with propagationPolicy Foreground', async () => {
    const uid = await createOwner('root');
    await createDependent('leaf', [{ name: 'root', uid }], true);
    const reply = await call(
      server,
      'DELETE',
      `${widgetsPath()}/root?propagationPolicy=Foreground`,
    );
    expect(reply.body.metadata?.finalizers).toEqual(['foregroundDeletion']);
    await eventually(() => gone(`${configMaps}/leaf`), 3000, 'the dependent to be deleted');
    await eventually(() => gone(`${widgetsPath()}/root`), 3000, 'the owner to be deleted');
  });

  it('deletes a dependent whose owner never existed', async () => {
    await createDependent('stray', [
      { name: 'missing', uid: '00000000-0000-0000-0000-000000000000' },
    ]);
    await eventually(
      () => gone(`${configMaps}/stray`),
      3000,
      'the stray dependent to be collected',
    );
  });
});
