import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { LocalApiServer } from '../../src/local-api/index.ts';
import { call, installWidgets, items, startServer, type Json } from './helpers.ts';

let server: LocalApiServer;

beforeAll(async () => {
  server = await startServer();
  await installWidgets(server);
});

afterAll(async () => {
  await server.close();
});

const aggregated =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';

function findResource(list: Json, group: string, resource: string): Json | undefined {
  const entry = items(list.items).find((item) => (item.metadata?.name ?? '') === group);
  return items(items(entry?.versions)[0]?.resources).find(
    (item) => String(item.resource) === resource,
  );
}

describe('server endpoints', () => {
  it('reports version 1.32', async () => {
    const reply = await call(server, 'GET', '/version');
    expect(reply.body).toMatchObject({ major: '1', minor: '32' });
    expect(String(reply.body.gitVersion)).toMatch(/^v1\.32\./);
  });

  it.each(['/healthz', '/readyz', '/livez'])('serves %s', async (path) => {
    const reply = await call(server, 'GET', path);
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('ok');
  });
});

describe('aggregated discovery', () => {
  it('lists the core group under /api', async () => {
    const reply = await call(server, 'GET', '/api', undefined, { accept: aggregated });
    expect(reply.headers.get('content-type')).toBe(
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    );
    expect(reply.body.kind).toBe('APIGroupDiscoveryList');
    const namespaces = findResource(reply.body, '', 'namespaces');
    expect(namespaces).toMatchObject({
      scope: 'Cluster',
      singularResource: 'namespace',
      shortNames: ['ns'],
      responseKind: { group: '', version: 'v1', kind: 'Namespace' },
    });
    expect(namespaces?.verbs).toEqual([
      'create',
      'delete',
      'deletecollection',
      'get',
      'list',
      'patch',
      'update',
      'watch',
    ]);
  });

  it('lists CRD groups under /apis', async () => {
    const reply = await call(server, 'GET', '/apis', undefined, { accept: aggregated });
    const widgets = findResource(reply.body, 'example.herald.dev', 'widgets');
    expect(widgets).toMatchObject({
      scope: 'Namespaced',
      singularResource: 'widget',
      shortNames: ['wdg'],
      categories: ['herald'],
      subresources: [{ subresource: 'status', verbs: ['get', 'patch', 'update'] }],
    });
    expect(findResource(reply.body, 'coordination.k8s.io', 'leases')).toBeDefined();
  });
});

describe('legacy discovery', () => {
  it('serves APIVersions at /api', async () => {
    const reply = await call(server, 'GET', '/api');
    expect(reply.body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
  });

  it('serves APIGroupList at /apis', async () => {
    const reply = await call(server, 'GET', '/apis');
    const group = items(reply.body.groups).find(
      (entry) => String(entry.name) === 'example.herald.dev',
    );
    expect(group?.preferredVersion).toEqual({
      groupVersion: 'example.herald.dev/v1',
      version: 'v1',
    });
  });

  it('serves an APIResourceList per group-version', async () => {
    const reply = await call(server, 'GET', '/apis/example.herald.dev/v1');
    expect(reply.body.kind).toBe('APIResourceList');
    expect(reply.body.groupVersion).toBe('example.herald.dev/v1');
    const names = items(reply.body.resources).map((resource) => resource.name);
    expect(names).toEqual(['widgets', 'widgets/status']);
    expect(items(reply.body.resources)[0]).toMatchObject({
      kind: 'Widget',
      namespaced: true,
      singularName: 'widget',
    });
  });

  it('returns 404 for an unknown group-version', async () => {
    const reply = await call(server, 'GET', '/apis/nothing.example/v1');
    expect(reply.status).toBe(404);
  });
});

describe('OpenAPI v3', () => {
  it('indexes each group-version with a hash', async () => {
    const reply = await call(server, 'GET', '/openapi/v3');
    const entry = reply.body.paths?.['apis/example.herald.dev/v1'];
    expect(String(entry?.serverRelativeURL)).toMatch(
      /^\/openapi\/v3\/apis\/example\.herald\.dev\/v1\?hash=[0-9A-F]+$/,
    );
    expect(reply.body.paths?.['api/v1']).toBeDefined();
  });

  it('describes the kind with its GVK and a PATCH fieldValidation parameter', async () => {
    const reply = await call(server, 'GET', '/openapi/v3/apis/example.herald.dev/v1');
    const schema = reply.body.components?.schemas?.['dev.herald.example.v1.Widget'];
    expect(schema?.['x-kubernetes-group-version-kind']).toEqual([
      { group: 'example.herald.dev', kind: 'Widget', version: 'v1' },
    ]);
    expect(schema?.properties?.spec?.properties?.color?.description).toBe(
      'Paint color of the widget.',
    );
    const patch =
      reply.body.paths?.['/apis/example.herald.dev/v1/namespaces/{namespace}/widgets/{name}']
        ?.patch;
    expect(items(patch?.parameters).map((parameter) => parameter.name)).toContain(
      'fieldValidation',
    );
    expect(Object.keys(patch?.requestBody?.content ?? {})).not.toContain(
      'application/strategic-merge-patch+json',
    );
    expect(
      reply.body.components?.schemas?.['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'],
    ).toBeDefined();
  });

  it('changes the hash when a CRD changes', async () => {
    const before = await call(server, 'GET', '/openapi/v3');
    const crdPath =
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.herald.dev';
    const patch = [
      {
        op: 'replace',
        path: '/spec/versions/0/schema/openAPIV3Schema/description',
        value: 'Changed.',
      },
    ];
    const patched = await call(server, 'PATCH', crdPath, patch, {
      'content-type': 'application/json-patch+json',
    });
    expect(patched.status).toBe(200);
    const after = await call(server, 'GET', '/openapi/v3');
    const key = 'apis/example.herald.dev/v1';
    expect(after.body.paths?.[key]?.serverRelativeURL).not.toBe(
      before.body.paths?.[key]?.serverRelativeURL,
    );
  });
});

describe('errors', () => {
  it('returns 404 with kube body for an unknown resource', async () => {
    const reply = await call(
      server,
      'GET',
      '/apis/example.herald.dev/v1/namespaces/default/gadgets',
    );
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server could not find the requested resource',
      reason: 'NotFound',
      details: {},
      code: 404,
    });
  });

  it('returns 405 for POST to a named object', async () => {
    const reply = await call(server, 'POST', '/api/v1/namespaces/default/configmaps/x', {
      metadata: { name: 'x' },
    });
    expect(reply.status).toBe(405);
    expect(reply.body.reason).toBe('MethodNotAllowed');
  });

  it('returns 406 when no acceptable format exists', async () => {
    const reply = await call(server, 'GET', '/api/v1/namespaces', undefined, {
      accept: 'application/vnd.kubernetes.protobuf',
    });
    expect(reply.status).toBe(406);
    expect(reply.body.reason).toBe('NotAcceptable');
  });

  it('returns 415 for an unknown body format', async () => {
    const reply = await call(server, 'POST', '/api/v1/namespaces/default/configmaps', 'x=y', {
      'content-type': 'text/plain',
    });
    expect(reply.status).toBe(415);
    expect(reply.body.message).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf',
    );
  });

  it('returns 400 for malformed JSON', async () => {
    const reply = await call(
      server,
      'POST',
      '/api/v1/namespaces/default/configmaps',
      '{"metadata": ',
      {},
    );
    expect(reply.status).toBe(400);
    expect(reply.body.message).toMatch(/^couldn't get version\/kind; json parse error: /);
  });

  it('returns 400 for malformed YAML', async () => {
    const reply = await call(
      server,
      'POST',
      '/api/v1/namespaces/default/configmaps',
      'metadata: [',
      {
        'content-type': 'application/yaml',
      },
    );
    expect(reply.status).toBe(400);
    expect(reply.body.message).toMatch(/^error converting YAML to JSON: /);
  });

  it('accepts YAML bodies', async () => {
    const reply = await call(
      server,
      'POST',
      '/api/v1/namespaces/default/configmaps',
      'metadata:\n  name: from-yaml\ndata:\n  a: b\n',
      {
        'content-type': 'application/yaml',
      },
    );
    expect(reply.status).toBe(201);
    expect(reply.body.data).toEqual({ a: 'b' });
  });

  it('returns 413 above 3 MiB', async () => {
    const big = { metadata: { name: 'big' }, data: { blob: 'x'.repeat(3 * 1024 * 1024) } };
    const reply = await call(server, 'POST', '/api/v1/namespaces/default/configmaps', big);
    expect(reply.status).toBe(413);
    expect(reply.body.message).toBe('Request entity too large: limit is 3145728');
  });

  it('returns 400 for an apiVersion that does not match the URL', async () => {
    const body = {
      apiVersion: 'example.herald.dev/v2',
      kind: 'Widget',
      metadata: { name: 'x' },
      spec: { color: 'red' },
    };
    const reply = await call(
      server,
      'POST',
      '/apis/example.herald.dev/v1/namespaces/default/widgets',
      body,
    );
    expect(reply.status).toBe(400);
  });

  it('keeps serving after errors', async () => {
    const reply = await call(server, 'GET', '/api/v1/namespaces/default');
    expect(reply.status).toBe(200);
  });
});
