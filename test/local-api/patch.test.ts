import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { LocalApiServer } from '../../src/local-api/index.ts';
import { call, installWidgets, items, startServer, widget, widgetsPath } from './helpers.ts';

let server: LocalApiServer;

beforeEach(async () => {
  server = await startServer();
  await installWidgets(server);
  await call(
    server,
    'POST',
    widgetsPath(),
    widget('w', { color: 'red' }, { labels: { app: 'demo' } }),
  );
});

afterEach(async () => {
  await server.close();
});

const MERGE = { 'content-type': 'application/merge-patch+json' };
const JSON_PATCH = { 'content-type': 'application/json-patch+json' };
const STRATEGIC = { 'content-type': 'application/strategic-merge-patch+json' };
const APPLY = { 'content-type': 'application/apply-patch+yaml' };

describe('merge patch', () => {
  it('merges maps and removes nulls', async () => {
    const reply = await call(
      server,
      'PATCH',
      `${widgetsPath()}/w`,
      { metadata: { labels: { app: null, tier: 'gold' } }, spec: { color: 'blue' } },
      MERGE,
    );
    expect(reply.status).toBe(200);
    expect(reply.body.metadata?.labels).toEqual({ tier: 'gold' });
    expect(reply.body.spec?.color).toBe('blue');
  });

  it('honours a resourceVersion precondition', async () => {
    const reply = await call(
      server,
      'PATCH',
      `${widgetsPath()}/w`,
      { metadata: { resourceVersion: '1' }, spec: { color: 'blue' } },
      MERGE,
    );
    expect(reply.status).toBe(409);
    expect(reply.body.reason).toBe('Conflict');
  });

  it('reports unknown fields as 422 with fieldValidation=Strict', async () => {
    const reply = await call(
      server,
      'PATCH',
      `${widgetsPath()}/w?fieldValidation=Strict`,
      { spec: { bogus: 1 } },
      MERGE,
    );
    expect(reply.status).toBe(422);
    expect(reply.body.message).toContain('strict decoding error: unknown field "spec.bogus"');
    expect(items(reply.body.details?.causes)[0]?.field).toBe('patch');
  });

  it('returns 404 for a missing object', async () => {
    const reply = await call(
      server,
      'PATCH',
      `${widgetsPath()}/ghost`,
      { spec: { color: 'blue' } },
      MERGE,
    );
    expect(reply.status).toBe(404);
  });

  it('returns 400 for a malformed patch', async () => {
    const reply = await call(server, 'PATCH', `${widgetsPath()}/w`, '{"spec":', MERGE);
    expect(reply.status).toBe(400);
    expect(reply.body.message).toMatch(/^error decoding patch: /);
  });
});

describe('JSON patch', () => {
  it('applies operations in order', async () => {
    const patch = [
      { op: 'replace', path: '/spec/color', value: 'green' },
      { op: 'add', path: '/metadata/labels/tier', value: 'gold' },
    ];
    const reply = await call(server, 'PATCH', `${widgetsPath()}/w`, patch, JSON_PATCH);
    expect(reply.status).toBe(200);
    expect(reply.body.spec?.color).toBe('green');
    expect(reply.body.metadata?.labels?.tier).toBe('gold');
  });

  it('returns 422 when a test operation fails', async () => {
    const reply = await call(
      server,
      'PATCH',
      `${widgetsPath()}/w`,
      [{ op: 'test', path: '/spec/color', value: 'blue' }],
      JSON_PATCH,
    );
    expect(reply.status).toBe(422);
    expect(reply.body.reason).toBe('Invalid');
    expect(String(items(reply.body.details?.causes)[0]?.message)).not.toBe('');
  });

  it('patches the status subresource only', async () => {
    const patch = [
      { op: 'add', path: '/status', value: { observedGeneration: 1 } },
      { op: 'replace', path: '/spec/color', value: 'blue' },
    ];
    const reply = await call(server, 'PATCH', `${widgetsPath()}/w/status`, patch, JSON_PATCH);
    expect(reply.status).toBe(200);
    expect(reply.body.status?.observedGeneration).toBe(1);
    expect(reply.body.spec?.color).toBe('red');
  });
});

describe('strategic merge patch', () => {
  it('is refused for custom resources with 415', async () => {
    const reply = await call(
      server,
      'PATCH',
      `${widgetsPath()}/w`,
      { spec: { color: 'blue' } },
      STRATEGIC,
    );
    expect(reply.status).toBe(415);
    expect(reply.body.reason).toBe('UnsupportedMediaType');
    expect(reply.body.message).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
  });

  it('merges finalizers and replaces other lists for built-ins', async () => {
    await call(server, 'POST', '/api/v1/namespaces/default/configmaps', {
      metadata: { name: 'cm', finalizers: ['a.example/one'] },
      data: { a: '1' },
    });
    const patch = {
      metadata: { finalizers: ['b.example/two'], labels: { x: 'y' } },
      data: { b: '2' },
    };
    const reply = await call(
      server,
      'PATCH',
      '/api/v1/namespaces/default/configmaps/cm',
      patch,
      STRATEGIC,
    );
    expect(reply.status).toBe(200);
    expect(reply.body.metadata?.finalizers).toEqual(['a.example/one', 'b.example/two']);
    expect(reply.body.data).toEqual({ a: '1', b: '2' });
    const removal = {
      $deleteFromPrimitiveList: undefined,
      metadata: { '$deleteFromPrimitiveList/finalizers': ['a.example/one', 'b.example/two'] },
    };
    const removed = await call(
      server,
      'PATCH',
      '/api/v1/namespaces/default/configmaps/cm',
      removal,
      STRATEGIC,
    );
    expect(removed.body.metadata?.finalizers).toBeUndefined();
  });
});

describe('server-side apply', () => {
  const applied = (color: string) => JSON.stringify(widget('applied', { color }));

  it('creates with 201 and records the manager', async () => {
    const reply = await call(
      server,
      'PATCH',
      `${widgetsPath()}/applied?fieldManager=tool`,
      applied('red'),
      APPLY,
    );
    expect(reply.status).toBe(201);
    expect(items(reply.body.metadata?.managedFields)[0]).toMatchObject({
      manager: 'tool',
      operation: 'Apply',
    });
  });

  it('accepts YAML configurations', async () => {
    const yaml =
      'apiVersion: example.herald.dev/v1\nkind: Widget\nmetadata:\n  name: applied\nspec:\n  color: green\n';
    const reply = await call(
      server,
      'PATCH',
      `${widgetsPath()}/applied?fieldManager=tool`,
      yaml,
      APPLY,
    );
    expect(reply.status).toBe(201);
    expect(reply.body.spec?.color).toBe('green');
  });

  it('reports conflicts with another manager and forces through them', async () => {
    await call(
      server,
      'PATCH',
      `${widgetsPath()}/applied?fieldManager=first`,
      applied('red'),
      APPLY,
    );
    const conflict = await call(
      server,
      'PATCH',
      `${widgetsPath()}/applied?fieldManager=second`,
      applied('blue'),
      APPLY,
    );
    expect(conflict.status).toBe(409);
    expect(conflict.body.reason).toBe('Conflict');
    expect(conflict.body.message).toBe(
      'Apply failed with 1 conflict: conflict with "first": .spec.color',
    );
    expect(items(conflict.body.details?.causes)[0]).toMatchObject({
      reason: 'FieldManagerConflict',
      field: '.spec.color',
    });

    const forced = await call(
      server,
      'PATCH',
      `${widgetsPath()}/applied?fieldManager=second&force=true`,
      applied('blue'),
      APPLY,
    );
    expect(forced.status).toBe(200);
    expect(forced.body.spec?.color).toBe('blue');
  });

  it('requires a field manager', async () => {
    const reply = await call(server, 'PATCH', `${widgetsPath()}/applied`, applied('red'), APPLY);
    expect(reply.status).toBe(422);
    expect(reply.body.message).toBe(
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    );
  });

  it('refuses force on other patch types', async () => {
    const reply = await call(server, 'PATCH', `${widgetsPath()}/w?force=true`, { spec: {} }, MERGE);
    expect(reply.status).toBe(422);
    expect(reply.body.message).toContain(
      'force: Forbidden: may not be specified for non-apply patch',
    );
  });

  it('rejects unknown fields with fieldValidation=Strict', async () => {
    const body = JSON.stringify(widget('applied', { color: 'red', bogus: 1 }));
    const reply = await call(
      server,
      'PATCH',
      `${widgetsPath()}/applied?fieldManager=tool&fieldValidation=Strict`,
      body,
      APPLY,
    );
    expect(reply.status).toBe(500);
    expect(reply.body.message).toContain('.spec.bogus: field not declared in schema');
  });

  it('leaves the object alone when nothing changes', async () => {
    const first = await call(
      server,
      'PATCH',
      `${widgetsPath()}/applied?fieldManager=tool`,
      applied('red'),
      APPLY,
    );
    const second = await call(
      server,
      'PATCH',
      `${widgetsPath()}/applied?fieldManager=tool`,
      applied('red'),
      APPLY,
    );
    expect(second.status).toBe(200);
    expect(second.body.metadata?.resourceVersion).toBe(first.body.metadata?.resourceVersion);
  });
});
