import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { LocalApiServer } from '../../src/local-api/index.ts';
import { call, installWidgets, items, startServer, widget, widgetsPath } from './helpers.ts';

let server: LocalApiServer;

beforeEach(async () => {
  server = await startServer();
  await installWidgets(server);
  for (const [name, tier] of [
    ['a', 'gold'],
    ['b', 'silver'],
    ['c', 'gold'],
    ['d', 'bronze'],
    ['e', 'gold'],
  ]) {
    await call(
      server,
      'POST',
      widgetsPath(),
      widget(name ?? '', { color: 'red' }, { labels: { tier } }),
    );
  }
});

afterEach(async () => {
  await server.close();
});

const names = (body: { items?: unknown }): unknown[] =>
  items(body.items as never).map((item) => item.metadata?.name);

describe('list', () => {
  it('returns the list kind and the current resourceVersion', async () => {
    const reply = await call(server, 'GET', widgetsPath());
    expect(reply.body.kind).toBe('WidgetList');
    expect(reply.body.apiVersion).toBe('example.herald.dev/v1');
    expect(names(reply.body)).toEqual(['a', 'b', 'c', 'd', 'e']);
    const created = await call(server, 'POST', widgetsPath(), widget('f'));
    const again = await call(server, 'GET', widgetsPath());
    expect(again.body.metadata?.resourceVersion).toBe(created.body.metadata?.resourceVersion);
  });

  it('lists across namespaces', async () => {
    await call(server, 'POST', widgetsPath('kube-system'), widget('elsewhere'));
    const reply = await call(server, 'GET', '/apis/example.herald.dev/v1/widgets');
    expect(names(reply.body)).toContain('elsewhere');
    expect(names(reply.body)).toHaveLength(6);
  });

  it('pages with limit and continue', async () => {
    const first = await call(server, 'GET', `${widgetsPath()}?limit=2`);
    expect(names(first.body)).toEqual(['a', 'b']);
    expect(first.body.metadata?.remainingItemCount).toBe(3);
    const token = String(first.body.metadata?.continue);

    await call(server, 'POST', widgetsPath(), widget('bb'));
    const second = await call(
      server,
      'GET',
      `${widgetsPath()}?limit=2&continue=${encodeURIComponent(token)}`,
    );
    expect(names(second.body)).toEqual(['c', 'd']);
    expect(second.body.metadata?.resourceVersion).toBe(first.body.metadata?.resourceVersion);

    const third = await call(
      server,
      'GET',
      `${widgetsPath()}?limit=2&continue=${encodeURIComponent(String(second.body.metadata?.continue))}`,
    );
    expect(names(third.body)).toEqual(['e']);
    expect(third.body.metadata?.continue).toBeUndefined();
  });

  it('returns 410 for a continue token older than the history', async () => {
    const first = await call(server, 'GET', `${widgetsPath()}?limit=2`);
    await call(server, 'POST', widgetsPath(), widget('newer'));
    server.faults.expireHistory();
    const reply = await call(
      server,
      'GET',
      `${widgetsPath()}?limit=2&continue=${encodeURIComponent(String(first.body.metadata?.continue))}`,
    );
    expect(reply.status).toBe(410);
    expect(reply.body.reason).toBe('Expired');
    expect(reply.body.message).toContain(
      'The provided continue parameter is too old to display a consistent list result.',
    );
    expect(reply.body.metadata?.continue).toEqual(expect.any(String));
  });

  it('rejects a malformed continue token', async () => {
    const reply = await call(server, 'GET', `${widgetsPath()}?limit=2&continue=garbage`);
    expect(reply.status).toBe(400);
  });

  it.each([
    ['tier=gold', ['a', 'c', 'e']],
    ['tier!=gold', ['b', 'd']],
    ['tier in (silver,bronze)', ['b', 'd']],
    ['tier notin (gold)', ['b', 'd']],
    ['tier', ['a', 'b', 'c', 'd', 'e']],
    ['!tier', []],
  ])('filters by label selector %s', async (selector, expected) => {
    const reply = await call(
      server,
      'GET',
      `${widgetsPath()}?labelSelector=${encodeURIComponent(selector)}`,
    );
    expect(reply.status).toBe(200);
    expect(names(reply.body)).toEqual(expected);
  });

  it('omits remainingItemCount with a selector', async () => {
    const reply = await call(server, 'GET', `${widgetsPath()}?limit=1&labelSelector=tier%3Dgold`);
    expect(names(reply.body)).toEqual(['a']);
    expect(reply.body.metadata?.remainingItemCount).toBeUndefined();
    expect(reply.body.metadata?.continue).toEqual(expect.any(String));
  });

  it('filters by metadata.name', async () => {
    const reply = await call(server, 'GET', `${widgetsPath()}?fieldSelector=metadata.name%3Dc`);
    expect(names(reply.body)).toEqual(['c']);
  });

  it.each([
    ['labelSelector', 'tier in (gold'],
    ['fieldSelector', 'spec.color=red'],
  ])('rejects an invalid %s with 400', async (parameter, selector) => {
    const reply = await call(
      server,
      'GET',
      `${widgetsPath()}?${parameter}=${encodeURIComponent(selector)}`,
    );
    expect(reply.status).toBe(400);
    expect(reply.body.reason).toBe('BadRequest');
    expect(reply.body.message).not.toBe('');
  });

  it('reads an exact past revision', async () => {
    const before = await call(server, 'GET', widgetsPath());
    await call(server, 'DELETE', `${widgetsPath()}/a`);
    const reply = await call(
      server,
      'GET',
      `${widgetsPath()}?resourceVersion=${String(before.body.metadata?.resourceVersion)}&resourceVersionMatch=Exact`,
    );
    expect(names(reply.body)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('filters events by involvedObject fields', async () => {
    for (const [name, kind] of [
      ['e1', 'Widget'],
      ['e2', 'Secret'],
    ]) {
      await call(server, 'POST', '/api/v1/namespaces/default/events', {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name },
        involvedObject: { kind, name: 'target', namespace: 'default', uid: `uid-${name}` },
        reason: 'Checked',
        type: 'Normal',
      });
    }
    const selector =
      'involvedObject.name=target,involvedObject.namespace=default,involvedObject.kind=Widget,involvedObject.uid=uid-e1';
    const reply = await call(
      server,
      'GET',
      `/api/v1/namespaces/default/events?fieldSelector=${encodeURIComponent(selector)}`,
    );
    expect(reply.status).toBe(200);
    expect(names(reply.body)).toEqual(['e1']);
    const byType = await call(
      server,
      'GET',
      '/api/v1/namespaces/default/events?fieldSelector=type%3DWarning',
    );
    expect(names(byType.body)).toEqual([]);
  });

  it('filters secrets by type', async () => {
    await call(server, 'POST', '/api/v1/namespaces/default/secrets', {
      metadata: { name: 'tls' },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': '', 'tls.key': '' },
    });
    await call(server, 'POST', '/api/v1/namespaces/default/secrets', {
      metadata: { name: 'plain' },
    });
    const reply = await call(
      server,
      'GET',
      '/api/v1/namespaces/default/secrets?fieldSelector=type%3Dkubernetes.io%2Ftls',
    );
    expect(names(reply.body)).toEqual(['tls']);
  });
});
