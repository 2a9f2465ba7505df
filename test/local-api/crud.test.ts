import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { LocalApiServer } from '../../src/local-api/index.ts';
import {
  call,
  installWidgets,
  items,
  startServer,
  widget,
  widgetsPath,
  type Reply,
} from './helpers.ts';

let server: LocalApiServer;

beforeEach(async () => {
  server = await startServer({ now: () => new Date('2026-03-01T12:00:00Z') });
  await installWidgets(server);
});

afterEach(async () => {
  await server.close();
});

async function create(
  name: string,
  spec: Record<string, unknown> = { color: 'red' },
  query = '',
): Promise<Reply> {
  return call(server, 'POST', `${widgetsPath()}${query}`, widget(name, spec));
}

async function read(name: string): Promise<Reply> {
  return call(server, 'GET', `${widgetsPath()}/${name}`);
}

describe('create', () => {
  it('sets server-owned metadata', async () => {
    const reply = await create('one');
    expect(reply.status).toBe(201);
    const metadata = reply.body.metadata;
    expect(metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(metadata?.creationTimestamp).toBe('2026-03-01T12:00:00Z');
    expect(metadata?.generation).toBe(1);
    expect(metadata?.resourceVersion).toMatch(/^\d+$/);
    expect(items(metadata?.managedFields)[0]?.manager).toBe('herald-tests');
  });

  it('generates names from generateName', async () => {
    const reply = await call(
      server,
      'POST',
      widgetsPath(),
      widget('', { color: 'red' }, { generateName: 'auto-' }),
    );
    expect(reply.status).toBe(201);
    expect(reply.body.metadata?.name).toMatch(/^auto-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('applies schema defaults', async () => {
    const reply = await create('defaulted');
    expect(reply.body.spec?.size).toBe(10);
  });

  it('rejects a taken name with 409 AlreadyExists', async () => {
    await create('twice');
    const reply = await create('twice');
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({
      kind: 'Status',
      reason: 'AlreadyExists',
      message: 'widgets.example.herald.dev "twice" already exists',
      details: { name: 'twice', group: 'example.herald.dev', kind: 'widgets' },
    });
  });

  it('drops status when the status subresource is on', async () => {
    const body = { ...widget('with-status'), status: { observedGeneration: 5 } };
    const reply = await call(server, 'POST', widgetsPath(), body);
    expect(reply.body.status).toBeUndefined();
  });

  it('does not store on dryRun=All', async () => {
    const reply = await create('dry', { color: 'red' }, '?dryRun=All');
    expect(reply.status).toBe(201);
    expect((await read('dry')).status).toBe(404);
  });

  it('rejects a resourceVersion on create', async () => {
    const body = widget('versioned', { color: 'red' }, { resourceVersion: '5' });
    const reply = await call(server, 'POST', widgetsPath(), body);
    expect(reply.status).toBe(500);
    expect(reply.body.message).toBe('resourceVersion should not be set on objects to be created');
  });
});

describe('validation', () => {
  it('names the unsupported enum value', async () => {
    const reply = await create('bad', { color: 'sms' });
    expect(reply.status).toBe(422);
    expect(reply.body.reason).toBe('Invalid');
    expect(reply.body.message).toContain('Widget.example.herald.dev "bad" is invalid: ');
    expect(reply.body.message).toContain(
      'spec.color: Unsupported value: "sms": supported values: "red", "green", "blue"',
    );
    expect(reply.body.details).toMatchObject({
      name: 'bad',
      group: 'example.herald.dev',
      kind: 'Widget',
    });
    expect(items(reply.body.details?.causes)[0]).toMatchObject({
      reason: 'FieldValueNotSupported',
      field: 'spec.color',
    });
  });

  it('reports a required field', async () => {
    const reply = await create('empty', { size: 3 });
    expect(reply.status).toBe(422);
    expect(reply.body.message).toContain('spec.color: Required value');
  });

  it('runs CEL rules with their message', async () => {
    const reply = await create('huge', { color: 'red', size: 500 });
    expect(reply.status).toBe(422);
    expect(reply.body.message).toContain('size must be at most 100');
  });

  it('runs transition rules on update only', async () => {
    const created = await create('shaped', { color: 'red', shape: 'round' });
    expect(created.status).toBe(201);
    const reply = await call(
      server,
      'PATCH',
      `${widgetsPath()}/shaped`,
      { spec: { shape: 'square' } },
      {
        'content-type': 'application/merge-patch+json',
      },
    );
    expect(reply.status).toBe(422);
    expect(reply.body.message).toContain('spec.shape: Invalid value: "string": shape is immutable');
  });

  it.each([
    ['Bad_Name', 'metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain'],
    ['-dash', 'metadata.name: Invalid value: "-dash"'],
  ])('rejects the name %s', async (name, message) => {
    const reply = await create(name);
    expect(reply.status).toBe(422);
    expect(reply.body.message).toContain(message);
  });

  it('rejects invalid label values', async () => {
    const body = widget('labelled', { color: 'red' }, { labels: { app: 'not valid!' } });
    const reply = await call(server, 'POST', widgetsPath(), body);
    expect(reply.status).toBe(422);
    expect(reply.body.message).toContain('metadata.labels: Invalid value: "not valid!"');
  });
});

describe('unknown fields', () => {
  it('warns by default and prunes', async () => {
    const reply = await create('extra', { color: 'red', bogus: true });
    expect(reply.status).toBe(201);
    expect(reply.headers.get('warning')).toBe('299 - "unknown field \\"spec.bogus\\""');
    expect(reply.body.spec?.bogus).toBeUndefined();
  });

  it('rejects with fieldValidation=Strict', async () => {
    const reply = await create(
      'strict',
      { color: 'red', bogus: 1, other: 2 },
      '?fieldValidation=Strict',
    );
    expect(reply.status).toBe(400);
    expect(reply.body.reason).toBe('BadRequest');
    expect(reply.body.message).toBe(
      'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.bogus", unknown field "spec.other"',
    );
  });

  it('stays silent with fieldValidation=Ignore', async () => {
    const reply = await create('quiet', { color: 'red', bogus: true }, '?fieldValidation=Ignore');
    expect(reply.status).toBe(201);
    expect(reply.headers.get('warning')).toBeNull();
  });

  it('rejects an unknown fieldValidation value', async () => {
    const reply = await create('odd', { color: 'red' }, '?fieldValidation=Loud');
    expect(reply.status).toBe(422);
    expect(reply.body.message).toContain('fieldValidation: Unsupported value: "Loud"');
  });
});

describe('update', () => {
  it('requires metadata.resourceVersion', async () => {
    await create('needs-rv');
    const reply = await call(
      server,
      'PUT',
      `${widgetsPath()}/needs-rv`,
      widget('needs-rv', { color: 'blue' }),
    );
    expect(reply.status).toBe(422);
    expect(reply.body.message).toBe(
      'Widget.example.herald.dev "needs-rv" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update',
    );
  });

  it('rejects a stale resourceVersion with 409', async () => {
    const created = await create('stale');
    const rv = String(created.body.metadata?.resourceVersion);
    await call(
      server,
      'PUT',
      `${widgetsPath()}/stale`,
      widget('stale', { color: 'blue' }, { resourceVersion: rv }),
    );
    const reply = await call(
      server,
      'PUT',
      `${widgetsPath()}/stale`,
      widget('stale', { color: 'green' }, { resourceVersion: rv }),
    );
    expect(reply.status).toBe(409);
    expect(reply.body.reason).toBe('Conflict');
    expect(reply.body.message).toBe(
      'Operation cannot be fulfilled on widgets.example.herald.dev "stale": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('bumps generation only on spec changes', async () => {
    const created = await create('gen');
    const rv = String(created.body.metadata?.resourceVersion);
    const labelled = await call(
      server,
      'PUT',
      `${widgetsPath()}/gen`,
      widget('gen', { color: 'red' }, { resourceVersion: rv, labels: { a: 'b' } }),
    );
    expect(labelled.status).toBe(200);
    expect(labelled.body.metadata?.generation).toBe(1);
    const changed = await call(
      server,
      'PUT',
      `${widgetsPath()}/gen`,
      widget(
        'gen',
        { color: 'blue' },
        {
          resourceVersion: String(labelled.body.metadata?.resourceVersion),
          labels: { a: 'b' },
        },
      ),
    );
    expect(changed.body.metadata?.generation).toBe(2);
  });

  it('keeps the resourceVersion of a no-op write', async () => {
    const created = await create('noop');
    const rv = String(created.body.metadata?.resourceVersion);
    const reply = await call(
      server,
      'PUT',
      `${widgetsPath()}/noop`,
      widget('noop', { color: 'red' }, { resourceVersion: rv }),
    );
    expect(reply.status).toBe(200);
    expect(reply.body.metadata?.resourceVersion).toBe(rv);
  });

  it('rejects a name that differs from the URL', async () => {
    await create('named');
    const reply = await call(
      server,
      'PUT',
      `${widgetsPath()}/named`,
      widget('other', { color: 'red' }, { resourceVersion: '1' }),
    );
    expect(reply.status).toBe(400);
    expect(reply.body.message).toBe(
      'the name of the object (other) does not match the name on the URL (named)',
    );
  });

  it('returns 404 for a missing object', async () => {
    const reply = await call(
      server,
      'PUT',
      `${widgetsPath()}/ghost`,
      widget('ghost', { color: 'red' }, { resourceVersion: '3' }),
    );
    expect(reply.status).toBe(404);
    expect(reply.body.message).toBe('widgets.example.herald.dev "ghost" not found');
  });
});

describe('status subresource', () => {
  it('ignores status on writes to the object', async () => {
    await create('split');
    await call(
      server,
      'PATCH',
      `${widgetsPath()}/split/status`,
      { status: { observedGeneration: 1 } },
      {
        'content-type': 'application/merge-patch+json',
      },
    );
    const reply = await call(
      server,
      'PATCH',
      `${widgetsPath()}/split`,
      { spec: { color: 'blue' }, status: { observedGeneration: 9 } },
      {
        'content-type': 'application/merge-patch+json',
      },
    );
    expect(reply.body.spec?.color).toBe('blue');
    expect(reply.body.status?.observedGeneration).toBe(1);
  });

  it('changes only status through /status', async () => {
    const created = await create('status-only');
    const body = {
      ...widget(
        'status-only',
        { color: 'green' },
        { labels: { changed: 'yes' }, resourceVersion: created.body.metadata?.resourceVersion },
      ),
      status: { observedGeneration: 1 },
    };
    const reply = await call(server, 'PUT', `${widgetsPath()}/status-only/status`, body);
    expect(reply.status).toBe(200);
    expect(reply.body.status?.observedGeneration).toBe(1);
    expect(reply.body.spec?.color).toBe('red');
    expect(reply.body.metadata?.labels).toBeUndefined();
    expect(reply.body.metadata?.generation).toBe(1);
  });
});

describe('namespaces', () => {
  it('returns 404 for a missing namespace', async () => {
    const reply = await call(server, 'POST', widgetsPath('nowhere'), widget('lost'));
    expect(reply.status).toBe(404);
    expect(reply.body.message).toBe('namespaces "nowhere" not found');
  });

  it('rejects a body namespace that differs from the URL', async () => {
    const body = widget('moved', { color: 'red' }, { namespace: 'kube-system' });
    const reply = await call(server, 'POST', widgetsPath(), body);
    expect(reply.status).toBe(400);
    expect(reply.body.message).toBe(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  });

  it('deletes the content of a deleted namespace', async () => {
    await call(server, 'POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'scratch' },
    });
    await call(server, 'POST', widgetsPath('scratch'), widget('inside'));
    const deleted = await call(server, 'DELETE', '/api/v1/namespaces/scratch');
    expect(deleted.status).toBe(200);
    expect(deleted.body.status?.phase).toBe('Terminating');
    const gone = await eventuallyStatus('/api/v1/namespaces/scratch', 404);
    expect(gone).toBe(404);
    expect((await call(server, 'GET', `${widgetsPath('scratch')}/inside`)).status).toBe(404);
  });

  it('refuses to delete the default namespace', async () => {
    const reply = await call(server, 'DELETE', '/api/v1/namespaces/default');
    expect(reply.status).toBe(403);
    expect(reply.body.message).toBe(
      'namespaces "default" is forbidden: this namespace may not be deleted',
    );
  });

  it('forbids creating in a terminating namespace', async () => {
    await call(server, 'POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'closing' },
    });
    await call(
      server,
      'POST',
      widgetsPath('closing'),
      widget('held', { color: 'red' }, { finalizers: ['example.herald.dev/hold'] }),
    );
    await call(server, 'DELETE', '/api/v1/namespaces/closing');
    const reply = await call(server, 'POST', widgetsPath('closing'), widget('late'));
    expect(reply.status).toBe(403);
    expect(reply.body.message).toBe(
      'widgets.example.herald.dev "late" is forbidden: unable to create new content in namespace closing because it is being terminated',
    );
  });
});

async function eventuallyStatus(path: string, status: number): Promise<number> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const reply = await call(server, 'GET', path);
    if (reply.status === status || Date.now() > deadline) return reply.status;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('delete', () => {
  it('returns a success Status for an immediate delete', async () => {
    const created = await create('doomed');
    const reply = await call(server, 'DELETE', `${widgetsPath()}/doomed`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      kind: 'Status',
      status: 'Success',
      details: {
        name: 'doomed',
        group: 'example.herald.dev',
        kind: 'widgets',
        uid: created.body.metadata?.uid,
      },
    });
    expect((await read('doomed')).status).toBe(404);
  });

  it('waits for finalizers', async () => {
    await call(
      server,
      'POST',
      widgetsPath(),
      widget('held', { color: 'red' }, { finalizers: ['example.herald.dev/hold'] }),
    );
    const marked = await call(server, 'DELETE', `${widgetsPath()}/held`);
    expect(marked.status).toBe(200);
    expect(marked.body.metadata?.deletionTimestamp).toBe('2026-03-01T12:00:00Z');
    expect(marked.body.metadata?.deletionGracePeriodSeconds).toBe(0);
    expect(marked.body.metadata?.generation).toBe(2);

    const added = await call(
      server,
      'PATCH',
      `${widgetsPath()}/held`,
      { metadata: { finalizers: ['example.herald.dev/hold', 'example.herald.dev/more'] } },
      {
        'content-type': 'application/merge-patch+json',
      },
    );
    expect(added.status).toBe(422);
    expect(added.body.message).toContain(
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.herald.dev/more"}',
    );

    const released = await call(
      server,
      'PATCH',
      `${widgetsPath()}/held`,
      { metadata: { finalizers: null } },
      {
        'content-type': 'application/merge-patch+json',
      },
    );
    expect(released.status).toBe(200);
    expect((await read('held')).status).toBe(404);
  });

  it('honours a uid precondition', async () => {
    await create('guarded');
    const reply = await call(server, 'DELETE', `${widgetsPath()}/guarded`, {
      preconditions: { uid: 'nope' },
    });
    expect(reply.status).toBe(409);
    expect(reply.body.message).toContain(
      'Precondition failed: UID in precondition: nope, UID in object meta: ',
    );
  });

  it('deletes a collection by label', async () => {
    await call(
      server,
      'POST',
      widgetsPath(),
      widget('a', { color: 'red' }, { labels: { batch: 'x' } }),
    );
    await call(
      server,
      'POST',
      widgetsPath(),
      widget('b', { color: 'red' }, { labels: { batch: 'y' } }),
    );
    const reply = await call(server, 'DELETE', `${widgetsPath()}?labelSelector=batch%3Dx`);
    expect(reply.status).toBe(200);
    expect(reply.body.kind).toBe('WidgetList');
    expect(items(reply.body.items).map((item) => item.metadata?.name)).toEqual(['a']);
    expect((await read('b')).status).toBe(200);
  });
});

describe('built-in kinds', () => {
  it('merges stringData into data for secrets', async () => {
    const reply = await call(server, 'POST', '/api/v1/namespaces/default/secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds' },
      data: { a: Buffer.from('one').toString('base64') },
      stringData: { b: 'two' },
    });
    expect(reply.status).toBe(201);
    expect(reply.body.stringData).toBeUndefined();
    expect(reply.body.type).toBe('Opaque');
    expect(reply.body.data).toEqual({ a: 'b25l', b: 'dHdv' });
  });

  it('rejects secret data that is not base64', async () => {
    const reply = await call(server, 'POST', '/api/v1/namespaces/default/secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'broken' },
      data: { a: 'not base64!' },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toBe(
      'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3',
    );
  });

  it('creates and renews leases', async () => {
    const path = '/apis/coordination.k8s.io/v1/namespaces/default/leases';
    const created = await call(server, 'POST', path, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'leader' },
      spec: {
        holderIdentity: 'a',
        leaseDurationSeconds: 15,
        renewTime: '2026-03-01T12:00:00.000000Z',
      },
    });
    expect(created.status).toBe(201);
    const renewed = await call(server, 'PUT', `${path}/leader`, {
      ...created.body,
      spec: { holderIdentity: 'b', leaseDurationSeconds: 15 },
    });
    expect(renewed.status).toBe(200);
    expect(renewed.body.spec?.holderIdentity).toBe('b');
  });

  it('keeps event counts and timestamps as sent', async () => {
    const reply = await call(server, 'POST', '/api/v1/namespaces/default/events', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'seen.1' },
      involvedObject: { kind: 'Widget', name: 'w', namespace: 'default' },
      reason: 'Seen',
      count: 4,
      firstTimestamp: '2026-02-01T00:00:00Z',
      lastTimestamp: '2026-02-02T00:00:00Z',
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      count: 4,
      firstTimestamp: '2026-02-01T00:00:00Z',
      lastTimestamp: '2026-02-02T00:00:00Z',
    });
  });
});
