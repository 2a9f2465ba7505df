import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { LocalApiServer } from '../../src/local-api/index.ts';
import {
  call,
  installWidgets,
  items,
  startServer,
  widget,
  widgetsPath,
  type Json,
} from './helpers.ts';

let server: LocalApiServer;
let clock = new Date('2026-03-01T12:00:00Z');
const TABLE = {
  accept:
    'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
};

beforeEach(async () => {
  clock = new Date('2026-03-01T12:00:00Z');
  server = await startServer({ now: () => clock });
  await installWidgets(server);
});

afterEach(async () => {
  await server.close();
});

const columnNames = (table: Json): unknown[] =>
  items(table.columnDefinitions).map((column) => column.name);

describe('tables', () => {
  it('renders printer columns and ages for custom resources', async () => {
    await call(server, 'POST', widgetsPath(), widget('w', { color: 'green', shape: 'cube' }));
    await call(
      server,
      'PATCH',
      `${widgetsPath()}/w/status`,
      { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
      {
        'content-type': 'application/merge-patch+json',
      },
    );
    clock = new Date('2026-03-01T12:05:00Z');
    const reply = await call(server, 'GET', widgetsPath(), undefined, TABLE);
    expect(reply.body.kind).toBe('Table');
    expect(reply.body.apiVersion).toBe('meta.k8s.io/v1');
    expect(columnNames(reply.body)).toEqual(['Name', 'Color', 'Size', 'Ready', 'Shape', 'Age']);
    expect(items(reply.body.columnDefinitions)[4]?.priority).toBe(1);
    const row = items(reply.body.rows)[0];
    expect(row?.cells).toEqual(['w', 'green', 10, 'True', 'cube', '5m']);
    expect(row?.object).toMatchObject({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { name: 'w', namespace: 'default' },
    });
  });

  it('uses Name and Age for CRDs without printer columns', async () => {
    await call(server, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'plain.example.herald.dev' },
      spec: {
        group: 'example.herald.dev',
        scope: 'Namespaced',
        names: { plural: 'plain', kind: 'Plain' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        ],
      },
    });
    await call(server, 'POST', '/apis/example.herald.dev/v1/namespaces/default/plain', {
      apiVersion: 'example.herald.dev/v1',
      kind: 'Plain',
      metadata: { name: 'p' },
    });
    const reply = await call(
      server,
      'GET',
      '/apis/example.herald.dev/v1/namespaces/default/plain',
      undefined,
      TABLE,
    );
    expect(columnNames(reply.body)).toEqual(['Name', 'Age']);
    expect(items(reply.body.rows)[0]?.cells).toEqual(['p', '0s']);
  });

  it.each([
    ['/api/v1/namespaces', ['Name', 'Status', 'Age']],
    ['/api/v1/namespaces/default/secrets', ['Name', 'Type', 'Data', 'Age']],
    ['/api/v1/namespaces/default/configmaps', ['Name', 'Data', 'Age']],
    ['/apis/coordination.k8s.io/v1/namespaces/default/leases', ['Name', 'Holder', 'Age']],
    [
      '/api/v1/namespaces/default/events',
      [
        'Last Seen',
        'Type',
        'Reason',
        'Object',
        'Subobject',
        'Source',
        'Message',
        'First Seen',
        'Count',
        'Name',
      ],
    ],
    ['/apis/apiextensions.k8s.io/v1/customresourcedefinitions', ['Name', 'Created At']],
  ])('gives %s kube-like columns', async (path, expected) => {
    const reply = await call(server, 'GET', path, undefined, TABLE);
    expect(reply.status).toBe(200);
    expect(columnNames(reply.body)).toEqual(expected);
  });

  it('renders built-in cells', async () => {
    await call(server, 'POST', '/api/v1/namespaces/default/secrets', {
      metadata: { name: 's' },
      stringData: { a: '1', b: '2' },
    });
    await call(server, 'POST', '/api/v1/namespaces/default/events', {
      metadata: { name: 'ev' },
      involvedObject: { kind: 'Widget', name: 'w', namespace: 'default' },
      reason: 'Painted',
      message: 'now green ',
      type: 'Normal',
      count: 3,
      firstTimestamp: '2026-03-01T11:00:00Z',
      lastTimestamp: '2026-03-01T11:58:00Z',
      source: { component: 'herald' },
    });
    const secrets = await call(
      server,
      'GET',
      '/api/v1/namespaces/default/secrets',
      undefined,
      TABLE,
    );
    expect(items(secrets.body.rows)[0]?.cells).toEqual(['s', 'Opaque', 2, '0s']);
    const events = await call(server, 'GET', '/api/v1/namespaces/default/events', undefined, TABLE);
    expect(items(events.body.rows)[0]?.cells).toEqual([
      '2m',
      'Normal',
      'Painted',
      'widget/w',
      '',
      'herald',
      'now green',
      '60m',
      3,
      'ev',
    ]);
    const namespaces = await call(server, 'GET', '/api/v1/namespaces/default', undefined, TABLE);
    expect(items(namespaces.body.rows)[0]?.cells).toEqual(['default', 'Active', '0s']);
  });

  it.each([
    ['None', undefined],
    ['Object', 'Widget'],
    ['Metadata', 'PartialObjectMetadata'],
  ])('honours includeObject=%s', async (include, kind) => {
    await call(server, 'POST', widgetsPath(), widget('w'));
    const reply = await call(
      server,
      'GET',
      `${widgetsPath()}?includeObject=${include}`,
      undefined,
      TABLE,
    );
    expect(items(reply.body.rows)[0]?.object?.kind).toBe(kind);
  });

  it('rejects an unknown includeObject', async () => {
    const reply = await call(server, 'GET', `${widgetsPath()}?includeObject=All`, undefined, TABLE);
    expect(reply.status).toBe(400);
    expect(reply.body.message).toContain('Unable to convert to Table as requested');
  });

  it('carries list metadata for paging', async () => {
    await call(server, 'POST', widgetsPath(), widget('a'));
    await call(server, 'POST', widgetsPath(), widget('b'));
    const reply = await call(server, 'GET', `${widgetsPath()}?limit=1`, undefined, TABLE);
    expect(items(reply.body.rows)).toHaveLength(1);
    expect(reply.body.metadata?.continue).toEqual(expect.any(String));
  });

  it('renders one object as a one-row table', async () => {
    await call(server, 'POST', widgetsPath(), widget('single'));
    const reply = await call(server, 'GET', `${widgetsPath()}/single`, undefined, TABLE);
    expect(items(reply.body.rows)).toHaveLength(1);
  });
});
