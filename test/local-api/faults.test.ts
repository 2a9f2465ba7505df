import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { LocalApiServer } from '../../src/local-api/index.ts';
import { call, installWidgets, startServer, widget, widgetsPath, WatchReader } from './helpers.ts';

let server: LocalApiServer;
const readers: WatchReader[] = [];

beforeEach(async () => {
  server = await startServer();
  await installWidgets(server);
});

afterEach(async () => {
  await Promise.all(readers.splice(0).map((reader) => reader.close()));
  await server.close();
});

describe('faults', () => {
  it('fails exactly the next N matching requests', async () => {
    server.faults.failNext({ path: widgetsPath(), method: 'GET' }, 2, 503);
    const statuses = [];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      statuses.push((await call(server, 'GET', widgetsPath())).status);
    }
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('returns with a Status of the given code', async () => {
    server.faults.failNext({ path: /\/widgets$/ }, 1, 500);
    const reply = await call(server, 'GET', widgetsPath());
    expect(reply.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      code: 500,
      reason: 'InternalError',
    });
  });

  it('leaves other methods and paths alone', async () => {
    server.faults.failNext({ path: widgetsPath(), method: 'POST' }, 1, 500);
    expect((await call(server, 'GET', widgetsPath())).status).toBe(200);
    expect((await call(server, 'GET', '/api/v1/namespaces')).status).toBe(200);
    expect((await call(server, 'POST', widgetsPath(), widget('a'))).status).toBe(500);
    expect((await call(server, 'POST', widgetsPath(), widget('a'))).status).toBe(201);
  });

  it('matches only watches when asked to', async () => {
    server.faults.failNext({ path: widgetsPath(), watch: true }, 1, 500);
    expect((await call(server, 'GET', widgetsPath())).status).toBe(200);
    const reader = new WatchReader(server, `${widgetsPath()}?watch=1`);
    readers.push(reader);
    await reader.waitForHeaders();
    expect(reader.status).toBe(500);
  });

  it('delays requests with setLatency and stops after reset', async () => {
    server.faults.setLatency(400, { path: widgetsPath() });
    let started = performance.now();
    await call(server, 'GET', widgetsPath());
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);

    started = performance.now();
    await call(server, 'GET', '/api/v1/namespaces');
    expect(performance.now() - started).toBeLessThan(350);

    server.faults.reset();
    started = performance.now();
    await call(server, 'GET', widgetsPath());
    expect(performance.now() - started).toBeLessThan(350);
  });

  it('rejects a nonsensical failNext', () => {
    expect(() => server.faults.failNext({ path: '/' }, 0, 500)).toThrow(RangeError);
    expect(() => server.faults.failNext({ path: '/' }, 1, 200)).toThrow(RangeError);
  });
});

describe('audit', () => {
  it('records verbs per user agent without duplicates', async () => {
    server.audit.reset();
    await call(server, 'GET', widgetsPath(), undefined, { 'user-agent': 'operator/1.0' });
    await call(server, 'GET', widgetsPath(), undefined, { 'user-agent': 'operator/1.0' });
    await call(server, 'POST', widgetsPath(), widget('a'), { 'user-agent': 'operator/1.0' });
    await call(
      server,
      'PATCH',
      `${widgetsPath()}/a/status`,
      { status: {} },
      {
        'user-agent': 'other/2.0',
        'content-type': 'application/merge-patch+json',
      },
    );
    await call(server, 'DELETE', `${widgetsPath()}?labelSelector=x`, undefined, {
      'user-agent': 'other/2.0',
    });
    await call(server, 'GET', '/api/v1/secrets', undefined, { 'user-agent': 'other/2.0' });

    expect(server.audit.records()).toEqual([
      {
        userAgent: 'operator/1.0',
        verb: 'list',
        apiGroup: 'example.herald.dev',
        resource: 'widgets',
        namespace: 'default',
      },
      {
        userAgent: 'operator/1.0',
        verb: 'create',
        apiGroup: 'example.herald.dev',
        resource: 'widgets',
        namespace: 'default',
      },
      {
        userAgent: 'other/2.0',
        verb: 'patch',
        apiGroup: 'example.herald.dev',
        resource: 'widgets',
        subresource: 'status',
        namespace: 'default',
      },
      {
        userAgent: 'other/2.0',
        verb: 'deletecollection',
        apiGroup: 'example.herald.dev',
        resource: 'widgets',
        namespace: 'default',
      },
      { userAgent: 'other/2.0', verb: 'list', apiGroup: '', resource: 'secrets' },
    ]);
  });

  it('records watches separately from lists', async () => {
    server.audit.reset();
    const reader = new WatchReader(server, `${widgetsPath()}?watch=true`, {
      'user-agent': 'watcher/1',
    });
    readers.push(reader);
    await reader.waitForHeaders();
    expect(server.audit.records()).toEqual([
      {
        userAgent: 'watcher/1',
        verb: 'watch',
        apiGroup: 'example.herald.dev',
        resource: 'widgets',
        namespace: 'default',
      },
    ]);
  });
});
