import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { LocalApiServer } from '../../src/local-api/index.ts';
import { call, installWidgets, startServer, widget, widgetsPath, WatchReader } from './helpers.ts';

let server: LocalApiServer;
const readers: WatchReader[] = [];

beforeEach(async () => {
  server = await startServer({ bookmarkIntervalMs: 50 });
  await installWidgets(server);
});

afterEach(async () => {
  await Promise.all(readers.splice(0).map((reader) => reader.close()));
  await server.close();
});

function watch(query: string, headers: Record<string, string> = {}): WatchReader {
  const reader = new WatchReader(server, `${widgetsPath()}?watch=true${query}`, headers);
  readers.push(reader);
  return reader;
}

async function create(name: string, labels: Record<string, string> = {}): Promise<string> {
  const reply = await call(
    server,
    'POST',
    widgetsPath(),
    widget(name, { color: 'red' }, { labels }),
  );
  return String(reply.body.metadata?.resourceVersion);
}

async function mergePatch(name: string, patch: unknown): Promise<string> {
  const reply = await call(server, 'PATCH', `${widgetsPath()}/${name}`, patch, {
    'content-type': 'application/merge-patch+json',
  });
  return String(reply.body.metadata?.resourceVersion);
}

describe('watch', () => {
  it('starts with synthetic ADDED events at resourceVersion 0', async () => {
    await create('a');
    await create('b');
    const reader = watch('&resourceVersion=0');
    const events = await reader.waitForEvents(2);
    expect(reader.contentType).toBe('application/json;stream=watch');
    expect(events.map((event) => [event.type, event.object.metadata?.name])).toEqual([
      ['ADDED', 'a'],
      ['ADDED', 'b'],
    ]);
  });

  it('resumes after a resourceVersion', async () => {
    const first = await create('a');
    await mergePatch('a', { spec: { color: 'blue' } });
    const reader = watch(`&resourceVersion=${first}`);
    const [event] = await reader.waitForEvents(1);
    expect(event?.type).toBe('MODIFIED');
    expect(event?.object.spec?.color).toBe('blue');
  });

  it('streams changes and deletions', async () => {
    const reader = watch('');
    await reader.waitForHeaders();
    await create('live');
    await mergePatch('live', { spec: { color: 'green' } });
    await call(server, 'DELETE', `${widgetsPath()}/live`);
    const events = await reader.waitForEvents(3);
    expect(events.map((event) => event.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    const deleted = events[2]?.object;
    expect(Number(deleted?.metadata?.resourceVersion)).toBeGreaterThan(
      Number(events[1]?.object.metadata?.resourceVersion),
    );
  });

  it('sends no event for a no-op write', async () => {
    const reader = watch('');
    await reader.waitForHeaders();
    await create('steady');
    await mergePatch('steady', { spec: { color: 'red' } });
    await mergePatch('steady', { spec: { color: 'blue' } });
    const events = await reader.waitForEvents(2);
    expect(events.map((event) => event.type)).toEqual(['ADDED', 'MODIFIED']);
    expect(events[1]?.object.spec?.color).toBe('blue');
  });

  it('turns selector transitions into ADDED and DELETED', async () => {
    await create('moving', { tier: 'gold' });
    const reader = watch('&labelSelector=tier%3Dgold&resourceVersion=0');
    await reader.waitForEvents(1);
    await mergePatch('moving', { metadata: { labels: { tier: 'silver' } } });
    await mergePatch('moving', { metadata: { labels: { tier: 'gold' } } });
    const events = await reader.waitForEvents(3);
    expect(events.map((event) => event.type)).toEqual(['ADDED', 'DELETED', 'ADDED']);
  });

  it('watches one object by field selector', async () => {
    await create('one');
    await create('two');
    const reader = watch('&fieldSelector=metadata.name%3Dtwo&resourceVersion=0');
    await mergePatch('one', { spec: { color: 'blue' } });
    await mergePatch('two', { spec: { color: 'blue' } });
    const events = await reader.waitForEvents(2);
    expect(events.map((event) => [event.type, event.object.metadata?.name])).toEqual([
      ['ADDED', 'two'],
      ['MODIFIED', 'two'],
    ]);
  });

  it('sends an in-stream 410 for a resourceVersion older than the history', async () => {
    const rv = await create('old');
    await mergePatch('old', { spec: { color: 'blue' } });
    server.faults.expireHistory();
    const reader = watch(`&resourceVersion=${rv}`);
    const [event] = await reader.waitForEvents(1);
    await reader.waitForEnd();
    expect(reader.status).toBe(200);
    expect(event?.type).toBe('ERROR');
    expect(event?.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    expect(event?.object.message).toMatch(
      new RegExp(`^too old resource version: ${rv} \\(\\d+\\)$`),
    );
  });

  it('sends bookmarks when allowed', async () => {
    const reader = watch('&allowWatchBookmarks=true');
    const [event] = await reader.waitForEvents(1);
    expect(event?.type).toBe('BOOKMARK');
    expect(event?.object).toEqual({
      kind: 'Widget',
      apiVersion: 'example.herald.dev/v1',
      metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
    });
  });

  it('sends no bookmarks unless asked', async () => {
    const reader = watch('');
    await reader.waitForHeaders();
    await create('marker');
    const events = await reader.waitForEvents(1);
    expect(events.every((event) => event.type !== 'BOOKMARK')).toBe(true);
  });

  it('closes after timeoutSeconds', async () => {
    const reader = watch('&timeoutSeconds=1');
    await reader.waitForEnd(3000);
    expect(reader.ended).toBe(true);
  });

  it('ends every stream on closeAllWatches', async () => {
    const reader = watch('');
    await reader.waitForHeaders();
    server.faults.closeAllWatches();
    await reader.waitForEnd();
    expect(reader.ended).toBe(true);
  });

  it('sends one-row tables with headers only first', async () => {
    await create('t1');
    await create('t2');
    const reader = watch('&resourceVersion=0', {
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
    });
    const events = await reader.waitForEvents(2);
    expect(events[0]?.object.kind).toBe('Table');
    expect((events[0]?.object.columnDefinitions as unknown as unknown[]).length).toBeGreaterThan(0);
    expect(events[1]?.object.columnDefinitions).toEqual([]);
    expect(events[1]?.object.rows?.[0]?.cells?.[0]).toBe('t2');
  });

  it('ends streams of a deleted CRD', async () => {
    const reader = watch('');
    await reader.waitForHeaders();
    await call(
      server,
      'DELETE',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.herald.dev',
    );
    await reader.waitForEnd();
    expect(reader.ended).toBe(true);
  });

  it('rejects a malformed resourceVersion', async () => {
    const reply = await call(server, 'GET', `${widgetsPath()}?watch=true&resourceVersion=abc`);
    expect(reply.status).toBe(400);
  });
});
