import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { LocalApiServer } from '../../src/local-api/index.ts';
import {
  call,
  CRD_PATH,
  eventually,
  installWidgets,
  items,
  startServer,
  widget,
  widgetsPath,
} from './helpers.ts';

let server: LocalApiServer;

beforeEach(async () => {
  server = await startServer();
});

afterEach(async () => {
  await server.close();
});

function gadgetsCrd(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const schema = {
    type: 'object',
    properties: { spec: { type: 'object', properties: { level: { type: 'integer' } } } },
  };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'gadgets.example.herald.dev' },
    spec: {
      group: 'example.herald.dev',
      scope: 'Cluster',
      names: { plural: 'gadgets', kind: 'Gadget' },
      versions: [
        { name: 'v1beta1', served: true, storage: false, schema: { openAPIV3Schema: schema } },
        { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } },
      ],
      ...overrides,
    },
  };
}

describe('CustomResourceDefinitions', () => {
  it('sets accepted names, conditions and stored versions', async () => {
    const reply = await call(server, 'POST', CRD_PATH, gadgetsCrd());
    expect(reply.status).toBe(201);
    const conditions = items(reply.body.status?.conditions);
    expect(conditions.map((condition) => [condition.type, condition.status])).toEqual([
      ['NamesAccepted', 'True'],
      ['Established', 'True'],
    ]);
    expect(reply.body.status?.acceptedNames).toMatchObject({
      plural: 'gadgets',
      kind: 'Gadget',
      singular: 'gadget',
      listKind: 'GadgetList',
    });
    expect(reply.body.status?.storedVersions).toEqual(['v1']);
  });

  it('serves cluster-scoped objects in every served version', async () => {
    await call(server, 'POST', CRD_PATH, gadgetsCrd());
    const created = await call(server, 'POST', '/apis/example.herald.dev/v1beta1/gadgets', {
      apiVersion: 'example.herald.dev/v1beta1',
      kind: 'Gadget',
      metadata: { name: 'g1' },
      spec: { level: 3 },
    });
    expect(created.status).toBe(201);
    expect(created.body.metadata?.namespace).toBeUndefined();
    const asV1 = await call(server, 'GET', '/apis/example.herald.dev/v1/gadgets/g1');
    expect(asV1.body.apiVersion).toBe('example.herald.dev/v1');
    expect(asV1.body.spec?.level).toBe(3);
    const namespaced = await call(
      server,
      'GET',
      '/apis/example.herald.dev/v1/namespaces/default/gadgets/g1',
    );
    expect(namespaced.status).toBe(404);
  });

  it('prefers the highest version in discovery', async () => {
    await call(server, 'POST', CRD_PATH, gadgetsCrd());
    const reply = await call(server, 'GET', '/apis/example.herald.dev');
    expect(reply.body.preferredVersion).toEqual({
      groupVersion: 'example.herald.dev/v1',
      version: 'v1',
    });
    expect(items(reply.body.versions).map((version) => version.version)).toEqual(['v1', 'v1beta1']);
  });

  it.each([
    [
      { group: 'nodots' },
      'spec.group: Invalid value: "nodots": should be a domain with at least one dot',
    ],
    [
      { scope: 'Global' },
      'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
    ],
    [
      {
        versions: [
          {
            name: 'v1',
            served: true,
            storage: false,
            schema: { openAPIV3Schema: { type: 'object' } },
          },
        ],
      },
      'spec.versions: Invalid value: ["v1"]: must have exactly one version marked as storage version',
    ],
    [
      { versions: [{ name: 'v1', served: true, storage: true }] },
      'spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required',
    ],
    [
      {
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object' } },
            additionalPrinterColumns: [{ name: 'Level', type: 'float', jsonPath: '.spec.level' }],
          },
        ],
      },
      'spec.versions[0].additionalPrinterColumns[0].type: Unsupported value: "float"',
    ],
  ])('rejects an invalid CRD (%j)', async (overrides, message) => {
    const reply = await call(server, 'POST', CRD_PATH, gadgetsCrd(overrides));
    expect(reply.status).toBe(422);
    expect(reply.body.message).toContain(
      'CustomResourceDefinition.apiextensions.k8s.io "gadgets.example.herald.dev" is invalid',
    );
    expect(reply.body.message).toContain(message);
  });

  it('rejects a name that is not plural.group', async () => {
    const crd = { ...gadgetsCrd(), metadata: { name: 'wrong.example.herald.dev' } };
    const reply = await call(server, 'POST', CRD_PATH, crd);
    expect(reply.status).toBe(422);
    expect(reply.body.message).toContain(
      'metadata.name: Invalid value: "wrong.example.herald.dev": must be spec.names.plural+"."+spec.group',
    );
  });

  it('rejects a schema that is not structural', async () => {
    const crd = gadgetsCrd({
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: {} } } },
        },
      ],
    });
    const reply = await call(server, 'POST', CRD_PATH, crd);
    expect(reply.status).toBe(422);
    expect(reply.body.message).toContain(
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value',
    );
  });

  it('does not establish a CRD whose kind is taken in its group', async () => {
    await installWidgets(server);
    const clash = gadgetsCrd({ names: { plural: 'gadgets', kind: 'Widget' } });
    const reply = await call(server, 'POST', CRD_PATH, clash);
    expect(reply.status).toBe(201);
    const conditions = items(reply.body.status?.conditions);
    expect(
      conditions.find((condition) => String(condition.type) === 'NamesAccepted'),
    ).toMatchObject({
      status: 'False',
      reason: 'AlreadyInUse',
    });
    expect(conditions.find((condition) => String(condition.type) === 'Established')?.status).toBe(
      'False',
    );
    expect((await call(server, 'GET', '/apis/example.herald.dev/v1/gadgets')).status).toBe(404);
  });

  it('updates schemas in place', async () => {
    await installWidgets(server);
    const crd = await call(server, 'GET', `${CRD_PATH}/widgets.example.herald.dev`);
    const patch = [
      {
        op: 'add',
        path: '/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/color/enum/-',
        value: 'black',
      },
    ];
    const patched = await call(server, 'PATCH', `${CRD_PATH}/widgets.example.herald.dev`, patch, {
      'content-type': 'application/json-patch+json',
    });
    expect(patched.status).toBe(200);
    expect(patched.body.metadata?.generation).toBe(Number(crd.body.metadata?.generation) + 1);
    const created = await call(server, 'POST', widgetsPath(), widget('dark', { color: 'black' }));
    expect(created.status).toBe(201);
  });

  it('prunes and defaults stored objects on read after a schema change', async () => {
    await installWidgets(server);
    await call(server, 'POST', widgetsPath(), widget('old', { color: 'red', tags: { a: 'b' } }));
    const crdPath = `${CRD_PATH}/widgets.example.herald.dev`;
    const properties = '/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties';
    const patch = [
      { op: 'remove', path: `${properties}/tags` },
      { op: 'add', path: `${properties}/finish`, value: { type: 'string', default: 'matte' } },
    ];
    const patched = await call(server, 'PATCH', crdPath, patch, {
      'content-type': 'application/json-patch+json',
    });
    expect(patched.status).toBe(200);

    const read = await call(server, 'GET', `${widgetsPath()}/old`);
    expect(read.body.spec?.finish).toBe('matte');
    expect(read.body.spec?.tags).toBeUndefined();
    const listed = await call(server, 'GET', widgetsPath());
    expect(items(listed.body.items)[0]?.spec?.finish).toBe('matte');
  });

  it('deletes objects with their CRD and stops serving the type', async () => {
    await installWidgets(server);
    await call(server, 'POST', widgetsPath(), widget('a'));
    const deleted = await call(server, 'DELETE', `${CRD_PATH}/widgets.example.herald.dev`);
    expect(deleted.status).toBe(200);
    await eventually(async () =>
      (await call(server, 'GET', `${CRD_PATH}/widgets.example.herald.dev`)).status === 404
        ? true
        : undefined,
    );
    expect((await call(server, 'GET', widgetsPath())).status).toBe(404);

    await installWidgets(server);
    const list = await call(server, 'GET', widgetsPath());
    expect(items(list.body.items)).toEqual([]);
  });

  it('waits for finalizers of objects before removing the CRD', async () => {
    await installWidgets(server);
    await call(
      server,
      'POST',
      widgetsPath(),
      widget('held', { color: 'red' }, { finalizers: ['example.herald.dev/hold'] }),
    );
    await call(server, 'DELETE', `${CRD_PATH}/widgets.example.herald.dev`);
    const terminating = await eventually(async () => {
      const reply = await call(server, 'GET', `${widgetsPath()}/held`);
      return reply.body.metadata?.deletionTimestamp === undefined ? undefined : reply;
    });
    expect(terminating.status).toBe(200);
    const blocked = await call(server, 'POST', widgetsPath(), widget('new'));
    expect(blocked.status).toBe(405);
    expect(blocked.body.message).toBe(
      'create not allowed while custom resource definition is terminating',
    );

    await call(
      server,
      'PATCH',
      `${widgetsPath()}/held`,
      { metadata: { finalizers: null } },
      { 'content-type': 'application/merge-patch+json' },
    );
    await eventually(async () =>
      (await call(server, 'GET', `${CRD_PATH}/widgets.example.herald.dev`)).status === 404
        ? true
        : undefined,
    );
  });
});
