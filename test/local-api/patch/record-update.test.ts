import { describe, expect, it } from 'vitest';
import { recordUpdate } from '../../../src/local-api/patch/index.ts';
import { apiVersion, entry, notifier, ownership, t0, t1 } from './ownership.ts';

const appliedAppAndReplicas = entry('kubectl', 'Apply', {
  'f:spec': { '.': {}, 'f:app': {}, 'f:replicas': {} },
});

describe('recordUpdate', () => {
  it('records a create as owning every field', () => {
    const after = notifier({ app: 'shop', channels: ['ops'] }, [], { labels: { tier: 'web' } });

    const entries = recordUpdate({
      before: undefined,
      after,
      manager: 'kubectl-create',
      apiVersion,
      time: t0,
    });

    expect(entries).toEqual([
      entry('kubectl-create', 'Update', {
        'f:metadata': { 'f:labels': { '.': {}, 'f:tier': {} } },
        'f:spec': { '.': {}, 'f:app': {}, 'f:channels': {} },
      }),
    ]);
  });

  it.each<{
    name: string;
    before: Record<string, unknown>;
    after: Record<string, unknown>;
    manager: string;
    subresource?: string;
    writerApiVersion?: string;
    expected: Record<string, string[]>;
  }>([
    {
      name: 'moves a changed field to the writer',
      before: notifier({ app: 'shop', replicas: 1 }, [appliedAppAndReplicas]),
      after: notifier({ app: 'cart', replicas: 1 }),
      manager: 'herald-controller',
      expected: {
        'kubectl Apply': ['.spec', '.spec.replicas'],
        'herald-controller Update': ['.spec.app'],
      },
    },
    {
      name: 'removes a deleted field from every owner',
      before: notifier({ app: 'shop', replicas: 1 }, [
        appliedAppAndReplicas,
        entry('scaler', 'Update', { 'f:spec': { 'f:replicas': {} } }),
      ]),
      after: notifier({ app: 'shop' }),
      manager: 'kubectl-edit',
      expected: { 'kubectl Apply': ['.spec', '.spec.app'] },
    },
    {
      name: 'adds to the writer entry it already has',
      before: notifier({ app: 'shop', a: 1 }, [
        entry('ctl', 'Update', { 'f:spec': { 'f:a': {} } }),
      ]),
      after: notifier({ app: 'shop', a: 1, b: 2 }),
      manager: 'ctl',
      expected: { 'ctl Update': ['.spec.a', '.spec.b'] },
    },
    {
      name: 'drops an entry left with no fields',
      before: notifier({ app: 'shop' }, [entry('old', 'Update', { 'f:spec': { 'f:app': {} } })]),
      after: notifier({ app: 'cart' }),
      manager: 'new',
      expected: { 'new Update': ['.spec.app'] },
    },
    {
      name: 'keeps a status write in its own entry',
      before: {
        ...notifier({ app: 'shop' }, [entry('ctl', 'Update', { 'f:spec': { 'f:app': {} } })]),
        status: { phase: 'Pending' },
      },
      after: { ...notifier({ app: 'shop' }), status: { phase: 'Ready' } },
      manager: 'ctl',
      subresource: 'status',
      expected: { 'ctl Update': ['.spec.app'], 'ctl Update status': ['.status.phase'] },
    },
    {
      name: 'keeps one entry per API version',
      before: notifier({ a: 1 }, [entry('ctl', 'Update', { 'f:spec': { 'f:a': {} } })]),
      after: notifier({ a: 1, b: 1 }),
      manager: 'ctl',
      writerApiVersion: 'herald.dev/v1beta1',
      expected: { 'ctl Update': ['.spec.a'], 'ctl Update herald.dev/v1beta1': ['.spec.b'] },
    },
    {
      name: 'takes the field from the same manager applying',
      before: notifier({ app: 'shop', replicas: 1 }, [appliedAppAndReplicas]),
      after: notifier({ app: 'shop', replicas: 3 }),
      manager: 'kubectl',
      expected: { 'kubectl Apply': ['.spec', '.spec.app'], 'kubectl Update': ['.spec.replicas'] },
    },
    {
      name: 'gives a new map and its members to the writer',
      before: notifier({ app: 'shop' }, [entry('kubectl', 'Apply', { 'f:spec': { 'f:app': {} } })]),
      after: notifier({ app: 'shop', route: { channel: 'ops' } }),
      manager: 'ctl',
      expected: {
        'kubectl Apply': ['.spec.app'],
        'ctl Update': ['.spec.route', '.spec.route.channel'],
      },
    },
  ])('$name', ({ before, after, manager, subresource, writerApiVersion, expected }) => {
    const input = { before, after, manager, apiVersion: writerApiVersion ?? apiVersion, time: t1 };

    const entries = recordUpdate(subresource === undefined ? input : { ...input, subresource });

    expect(ownership(entries)).toEqual(expected);
  });

  it('stamps only the writer entry with the new time', () => {
    const before = notifier({ app: 'shop', replicas: 1 }, [appliedAppAndReplicas]);
    const after = notifier({ app: 'cart', replicas: 1 });

    const entries = recordUpdate({ before, after, manager: 'ctl', apiVersion, time: t1 });

    expect(entries.map((written) => [written.manager, written.time])).toEqual([
      ['kubectl', t0],
      ['ctl', t1],
    ]);
  });

  it('keeps the entries and their times when nothing changed', () => {
    const managedFields = [
      appliedAppAndReplicas,
      entry('ctl', 'Update', { 'f:spec': { 'f:other': {} } }),
    ];
    const before = notifier({ app: 'shop', replicas: 1, other: true }, managedFields);
    const after = notifier({ app: 'shop', replicas: 1, other: true }, [], {
      resourceVersion: '6',
      generation: 4,
    });

    const entries = recordUpdate({ before, after, manager: 'ctl', apiVersion, time: t1 });

    expect(entries).toEqual(managedFields);
  });

  it('sorts Apply before Update, then by time and manager', () => {
    const before = notifier({ a: 1, b: 1, c: 1 }, [
      entry('zeta', 'Update', { 'f:spec': { 'f:a': {} } }, { time: t0 }),
      entry('beta', 'Apply', { 'f:spec': { 'f:b': {} } }, { time: t1 }),
      entry('alpha', 'Update', { 'f:spec': { 'f:c': {} } }, { time: t0 }),
    ]);
    const after = notifier({ a: 1, b: 1, c: 1, d: 1 });

    const entries = recordUpdate({ before, after, manager: 'aardvark', apiVersion, time: t1 });

    expect(entries.map((written) => written.manager)).toEqual([
      'beta',
      'alpha',
      'zeta',
      'aardvark',
    ]);
  });

  it('ignores managedFields sent with the new object', () => {
    const before = notifier({ app: 'shop' }, [
      entry('kubectl', 'Apply', { 'f:spec': { 'f:app': {} } }),
    ]);
    const after = notifier({ app: 'shop', b: 1 }, [
      entry('intruder', 'Update', { 'f:spec': { 'f:app': {} } }),
    ]);

    const entries = recordUpdate({ before, after, manager: 'ctl', apiVersion, time: t1 });

    expect(ownership(entries)).toEqual({
      'kubectl Apply': ['.spec.app'],
      'ctl Update': ['.spec.b'],
    });
  });
});
