import { describe, expect, it } from 'vitest';
import { fieldSetOf, type FieldsV1 } from '../../../src/local-api/patch/index.ts';

describe('fieldSetOf', () => {
  it.each<[string, Record<string, unknown>, FieldsV1]>([
    ['an empty object', {}, {}],
    ['one leaf', { spec: { app: 'shop' } }, { 'f:spec': { '.': {}, 'f:app': {} } }],
    [
      'nested maps',
      { spec: { route: { channel: 'ops', severity: 'high' } } },
      {
        'f:spec': {
          '.': {},
          'f:route': { '.': {}, 'f:channel': {}, 'f:severity': {} },
        },
      },
    ],
    [
      'a list as one leaf',
      { spec: { channels: [{ name: 'ops' }] } },
      { 'f:spec': { '.': {}, 'f:channels': {} } },
    ],
    ['an empty map as a leaf', { spec: {} }, { 'f:spec': {} }],
    ['a null as a leaf', { spec: { app: null } }, { 'f:spec': { '.': {}, 'f:app': {} } }],
    [
      'identity and bookkeeping metadata left out',
      {
        apiVersion: 'herald.dev/v1alpha1',
        kind: 'Notifier',
        metadata: {
          name: 'web',
          namespace: 'team-a',
          uid: 'u-1',
          resourceVersion: '7',
          generation: 2,
          creationTimestamp: '2026-01-01T00:00:00Z',
          deletionTimestamp: '2026-01-02T00:00:00Z',
          deletionGracePeriodSeconds: 0,
          selfLink: '/x',
          managedFields: [{ manager: 'kubectl' }],
        },
      },
      {},
    ],
    [
      'labels, annotations, finalizers and ownerReferences kept',
      {
        metadata: {
          name: 'web',
          labels: { 'app.kubernetes.io/name': 'herald' },
          annotations: { note: 'x' },
          finalizers: ['herald.dev/cleanup'],
          ownerReferences: [{ uid: 'u-2' }],
        },
      },
      {
        'f:metadata': {
          'f:annotations': { '.': {}, 'f:note': {} },
          'f:finalizers': {},
          'f:labels': { '.': {}, 'f:app.kubernetes.io/name': {} },
          'f:ownerReferences': {},
        },
      },
    ],
    [
      'keys sorted with "." first',
      { status: { b: 1, a: 2 }, spec: { z: 1 } },
      {
        'f:spec': { '.': {}, 'f:z': {} },
        'f:status': { '.': {}, 'f:a': {}, 'f:b': {} },
      },
    ],
  ])('encodes %s', (_name, object, expected) => {
    const fields = fieldSetOf(object);

    expect(fields).toEqual(expected);
    expect(JSON.stringify(fields)).toBe(JSON.stringify(expected));
  });
});
