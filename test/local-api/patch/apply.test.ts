import { describe, expect, it } from 'vitest';
import {
  PatchError,
  recordUpdate,
  serverSideApply,
  type ApplyConflict,
} from '../../../src/local-api/patch/index.ts';
import { apiVersion, notifier, ownership, t0, t1, t2 } from './ownership.ts';

/** One write in a scenario: a server-side apply or a plain update of the spec (and labels). */
type Write = {
  manager: string;
  kind: 'apply' | 'update';
  spec?: Record<string, unknown>;
  labels?: Record<string, string>;
  force?: boolean;
};

const times = [t0, t1, t2, '2026-01-01T00:03:00Z', '2026-01-01T00:04:00Z'];

/** Builds an apply configuration as kubectl sends it: identity plus the fields the manager sets. */
function configuration(write: Write): Record<string, unknown> {
  const metadata: Record<string, unknown> = { name: 'web', namespace: 'team-a' };
  if (write.labels !== undefined) metadata.labels = write.labels;
  const config: Record<string, unknown> = { apiVersion, kind: 'Notifier', metadata };
  if (write.spec !== undefined) config.spec = write.spec;
  return config;
}

/** Runs the writes in order; the last one's result is returned, earlier ones must succeed. */
function run(writes: Write[]): ReturnType<typeof serverSideApply> {
  let live: Record<string, unknown> | undefined;
  let result: ReturnType<typeof serverSideApply> = { object: {} };

  writes.forEach((write, index) => {
    const time = times[index] ?? t2;
    if (write.kind === 'apply') {
      result = serverSideApply({
        live,
        applied: configuration(write),
        manager: write.manager,
        force: write.force ?? false,
        apiVersion,
        time,
      });
    } else {
      const after = { ...structuredClone(live ?? notifier({})), ...configuration(write) };
      const metadata = after.metadata as Record<string, unknown>;
      metadata.managedFields = recordUpdate({
        before: live,
        after,
        manager: write.manager,
        apiVersion,
        time,
      });
      result = { object: after };
    }

    if (index < writes.length - 1) {
      if (!('object' in result))
        throw new Error(`write ${index} conflicted: ${JSON.stringify(result)}`);
      live = result.object;
    }
  });
  return result;
}

function objectOf(result: ReturnType<typeof serverSideApply>): Record<string, unknown> {
  if (!('object' in result))
    throw new Error(`apply conflicted: ${JSON.stringify(result.conflicts)}`);
  return result.object;
}

function managedFieldsOf(object: Record<string, unknown>): unknown {
  return (object.metadata as Record<string, unknown>).managedFields;
}

describe('serverSideApply', () => {
  it.each<{ name: string; writes: Write[]; spec: unknown; owners: Record<string, string[]> }>([
    {
      name: 'creates an object owned by the applier',
      writes: [{ manager: 'kubectl', kind: 'apply', spec: { app: 'shop', replicas: 2 } }],
      spec: { app: 'shop', replicas: 2 },
      owners: { 'kubectl Apply': ['.spec', '.spec.app', '.spec.replicas'] },
    },
    {
      name: 'shares a field set to the same value',
      writes: [
        { manager: 'kubectl-client-side-apply', kind: 'update', spec: { app: 'shop' } },
        { manager: 'kubectl', kind: 'apply', spec: { app: 'shop' } },
      ],
      spec: { app: 'shop' },
      owners: {
        'kubectl Apply': ['.spec', '.spec.app'],
        'kubectl-client-side-apply Update': ['.spec', '.spec.app'],
      },
    },
    {
      name: 'takes a conflicting field with force',
      writes: [
        {
          manager: 'kubectl-client-side-apply',
          kind: 'update',
          spec: { app: 'shop', replicas: 1 },
        },
        { manager: 'kubectl', kind: 'apply', spec: { app: 'cart' }, force: true },
      ],
      spec: { app: 'cart', replicas: 1 },
      owners: {
        'kubectl Apply': ['.spec', '.spec.app'],
        'kubectl-client-side-apply Update': ['.spec', '.spec.replicas'],
      },
    },
    {
      name: 'removes a field the applier dropped',
      writes: [
        { manager: 'kubectl', kind: 'apply', spec: { app: 'shop', replicas: 2 } },
        { manager: 'kubectl', kind: 'apply', spec: { app: 'shop' } },
      ],
      spec: { app: 'shop' },
      owners: { 'kubectl Apply': ['.spec', '.spec.app'] },
    },
    {
      name: 'keeps a dropped field another applier shares',
      writes: [
        { manager: 'a', kind: 'apply', spec: { app: 'shop', replicas: 2 } },
        { manager: 'b', kind: 'apply', spec: { replicas: 2 } },
        { manager: 'a', kind: 'apply', spec: { app: 'shop' } },
      ],
      spec: { app: 'shop', replicas: 2 },
      owners: { 'a Apply': ['.spec', '.spec.app'], 'b Apply': ['.spec', '.spec.replicas'] },
    },
    {
      name: 'removes a shared field once both appliers drop it',
      writes: [
        { manager: 'a', kind: 'apply', spec: { app: 'shop', replicas: 2 } },
        { manager: 'b', kind: 'apply', spec: { replicas: 2 } },
        { manager: 'a', kind: 'apply', spec: { app: 'shop' } },
        { manager: 'b', kind: 'apply' },
      ],
      spec: { app: 'shop' },
      owners: { 'a Apply': ['.spec', '.spec.app'] },
    },
    {
      name: 'keeps a dropped field an updater took over',
      writes: [
        { manager: 'kubectl', kind: 'apply', spec: { app: 'shop', replicas: 2 } },
        { manager: 'scaler', kind: 'update', spec: { app: 'shop', replicas: 3 } },
        { manager: 'kubectl', kind: 'apply', spec: { app: 'shop' } },
      ],
      spec: { app: 'shop', replicas: 3 },
      owners: { 'kubectl Apply': ['.spec', '.spec.app'], 'scaler Update': ['.spec.replicas'] },
    },
    {
      name: 'keeps a dropped map while others own members',
      writes: [
        { manager: 'kubectl', kind: 'apply', spec: { app: 'shop', route: { channel: 'ops' } } },
        {
          manager: 'ctl',
          kind: 'update',
          spec: { app: 'shop', route: { channel: 'ops', severity: 'high' } },
        },
        { manager: 'kubectl', kind: 'apply', spec: { app: 'shop' } },
      ],
      spec: { app: 'shop', route: { severity: 'high' } },
      owners: { 'kubectl Apply': ['.spec', '.spec.app'], 'ctl Update': ['.spec.route.severity'] },
    },
    {
      name: 'merges labels with existing ones',
      writes: [
        {
          manager: 'kubectl-create',
          kind: 'update',
          labels: { tier: 'web' },
          spec: { app: 'shop' },
        },
        { manager: 'kubectl', kind: 'apply', labels: { team: 'a' } },
      ],
      spec: { app: 'shop' },
      owners: {
        'kubectl Apply': ['.metadata.labels', '.metadata.labels.team'],
        'kubectl-create Update': [
          '.metadata.labels',
          '.metadata.labels.tier',
          '.spec',
          '.spec.app',
        ],
      },
    },
  ])('$name', ({ writes, spec, owners }) => {
    const object = objectOf(run(writes));

    expect(object.spec).toEqual(spec);
    expect(ownership(managedFieldsOf(object))).toEqual(owners);
  });

  it.each<{ name: string; writes: Write[]; conflicts: ApplyConflict[] }>([
    {
      name: 'a field an updater set differently',
      writes: [
        { manager: 'kubectl-client-side-apply', kind: 'update', spec: { app: 'shop' } },
        { manager: 'kubectl', kind: 'apply', spec: { app: 'cart' } },
      ],
      conflicts: [
        {
          manager: 'kubectl-client-side-apply',
          field: '.spec.app',
          operation: 'Update',
          apiVersion,
        },
      ],
    },
    {
      name: 'a field another applier set differently',
      writes: [
        { manager: 'a', kind: 'apply', spec: { app: 'shop' } },
        { manager: 'b', kind: 'apply', spec: { app: 'cart' } },
      ],
      conflicts: [{ manager: 'a', field: '.spec.app', operation: 'Apply', apiVersion }],
    },
    {
      name: 'several fields, sorted by manager and field',
      writes: [
        { manager: 'zeta', kind: 'update', spec: { c: 1 } },
        { manager: 'alpha', kind: 'update', spec: { c: 1, b: 1, a: 1 } },
        { manager: 'kubectl', kind: 'apply', spec: { a: 2, b: 2, c: 2 } },
      ],
      conflicts: [
        { manager: 'alpha', field: '.spec.a', operation: 'Update', apiVersion },
        { manager: 'alpha', field: '.spec.b', operation: 'Update', apiVersion },
        { manager: 'zeta', field: '.spec.c', operation: 'Update', apiVersion },
      ],
    },
    {
      name: 'a map another manager owns turned into a value',
      writes: [
        { manager: 'ctl', kind: 'update', spec: { route: { channel: 'ops' } } },
        { manager: 'kubectl', kind: 'apply', spec: { route: 'ops' } },
      ],
      conflicts: [{ manager: 'ctl', field: '.spec.route', operation: 'Update', apiVersion }],
    },
  ])('reports a conflict on $name', ({ writes, conflicts }) => {
    expect(run(writes)).toEqual({ conflicts });
  });

  it('keeps the object and times on an unchanged re-apply', () => {
    const writes: Write[] = [{ manager: 'kubectl', kind: 'apply', spec: { app: 'shop' } }];
    const first = objectOf(run(writes));

    const second = objectOf(run([...writes, ...writes]));

    expect(second).toEqual(first);
    expect(managedFieldsOf(second)).toEqual([
      expect.objectContaining({ manager: 'kubectl', time: t0 }),
    ]);
  });

  it('keeps server-set metadata of the live object', () => {
    const live = notifier({ app: 'shop' }, [], { generation: 3, creationTimestamp: t0 });

    const object = objectOf(
      serverSideApply({
        live,
        applied: configuration({ manager: 'k', kind: 'apply', spec: { x: 1 } }),
        manager: 'k',
        force: false,
        apiVersion,
        time: t1,
      }),
    );

    expect(object.metadata).toMatchObject({
      uid: 'u-1',
      resourceVersion: '5',
      generation: 3,
      creationTimestamp: t0,
    });
    expect(object.spec).toEqual({ app: 'shop', x: 1 });
  });

  it('leaves its inputs unchanged', () => {
    const live = notifier({ app: 'shop', route: { channel: 'ops' } });
    const applied = configuration({
      manager: 'k',
      kind: 'apply',
      spec: { route: { severity: 'high' } },
    });
    const liveCopy = structuredClone(live);
    const appliedCopy = structuredClone(applied);

    serverSideApply({ live, applied, manager: 'k', force: false, apiVersion, time: t1 });

    expect(live).toEqual(liveCopy);
    expect(applied).toEqual(appliedCopy);
  });

  it('rejects managedFields in the configuration', () => {
    const applied = notifier({ app: 'shop' }, [], { managedFields: [] });

    expect(() =>
      serverSideApply({
        live: undefined,
        applied,
        manager: 'k',
        force: false,
        apiVersion,
        time: t0,
      }),
    ).toThrow(new PatchError('metadata.managedFields must be nil'));
  });
});
