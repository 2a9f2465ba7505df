import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusClient } from '../../src/alerts/prometheus-client.ts';
import type { ReceiverResponse } from '../support/receivers.ts';
import {
  errorResponse,
  json,
  startFakePrometheus,
  unusedUrl,
  vectorResponse,
  type FakePrometheus,
} from './support/fake-prometheus.ts';

describe('Prometheus client', () => {
  let prometheus: FakePrometheus;
  let folder: string;

  beforeAll(async () => {
    prometheus = await startFakePrometheus();
    folder = await mkdtemp(join(tmpdir(), 'herald-prometheus-client-'));
  });

  afterAll(async () => {
    await prometheus?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  function client(options: { timeoutMs?: number; bearerTokenFile?: string; url?: string } = {}) {
    return createPrometheusClient({
      url: options.url ?? prometheus.url,
      timeoutMs: options.timeoutMs ?? 2000,
      bearerTokenFile: options.bearerTokenFile,
    });
  }

  async function answer(response: ReceiverResponse, query = 'up') {
    prometheus.response = response;
    return client().query(query);
  }

  it('posts an instant query to the query endpoint', async () => {
    prometheus.receiver.requests.length = 0;
    const result = await createPrometheusClient({
      url: `${prometheus.url}/prom`,
      timeoutMs: 1500,
    }).query('max(up{job="x"})');

    expect(result).toEqual({ ok: true, value: 0 });
    const [request] = prometheus.receiver.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/prom/api/v1/query');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.headers.authorization).toBeUndefined();
    const form = new URLSearchParams(request?.body);
    expect(form.get('query')).toBe('max(up{job="x"})');
    expect(form.get('timeout')).toBe('1500ms');
    expect(form.has('time')).toBe(false);
  });

  it('sends the bearer token of the token file', async () => {
    const tokenFile = join(folder, 'token');
    await writeFile(tokenFile, 'first-token\n');
    prometheus.receiver.requests.length = 0;
    await client({ bearerTokenFile: tokenFile }).query('up');
    await writeFile(tokenFile, 'rotated-token');
    await client({ bearerTokenFile: tokenFile }).query('up');

    const headers = prometheus.receiver.requests.map((request) => request.headers.authorization);
    expect(headers).toEqual(['Bearer first-token', 'Bearer rotated-token']);
  });

  it('fails without sending when the token file is missing', async () => {
    prometheus.receiver.requests.length = 0;
    const result = await client({ bearerTokenFile: join(folder, 'missing') }).query('up');
    expect(result).toEqual({
      ok: false,
      scope: 'server',
      message: `reading the bearer token file ${join(folder, 'missing')} failed with ENOENT`,
    });
    expect(prometheus.receiver.requests).toEqual([]);
  });

  it.each([
    ['one sample', vectorResponse(['0.93']), 0.93],
    ['a negative sample', vectorResponse(['-2']), -2],
    [
      'a scalar',
      json(200, { status: 'success', data: { resultType: 'scalar', result: [1, '42'] } }),
      42,
    ],
  ])('reads %s', async (_name, response, expected) => {
    expect(await answer(response)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['an empty result', vectorResponse([]), 'the query returned no data'],
    [
      'several series',
      vectorResponse([1, 2, 3]),
      'the query returned 3 series; aggregate it to one, for example with max()',
    ],
    ['NaN', vectorResponse(['NaN']), /^the query returned NaN, which cannot be compared/],
    ['+Inf', vectorResponse(['+Inf']), /^the query returned \+Inf/],
    [
      'a range vector',
      json(200, { status: 'success', data: { resultType: 'matrix', result: [] } }),
      /returned a matrix; an alert query must return an instant vector/,
    ],
    [
      'a syntax error',
      errorResponse(400, 'bad_data', '1:5: parse error: unexpected "}"'),
      'Prometheus rejected the query (bad_data): 1:5: parse error: unexpected "}"',
    ],
    [
      'an execution error',
      errorResponse(422, 'execution', 'many-to-many matching not allowed'),
      'Prometheus rejected the query (execution): many-to-many matching not allowed',
    ],
  ])('reports %s as a query error', async (_name, response, message) => {
    const result = await answer(response);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.scope).toBe('query');
    expect(result.message).toMatch(message);
  });

  it.each([
    [
      'an unavailable server',
      errorResponse(503, 'unavailable', 'TSDB not ready'),
      'Prometheus rejected the query (unavailable): TSDB not ready',
    ],
    ['an HTML error page', { status: 502, body: '<html>Bad Gateway</html>' }, /HTTP 502/],
    [
      'a page that is not the API',
      { status: 200, body: '<html>Grafana</html>' },
      /not a query result; check that --prometheus-url points at the Prometheus HTTP API/,
    ],
    ['a truncated body', { status: 200, body: '{"status":"succ' }, /not a query result/],
    [
      'a result of the wrong shape',
      json(200, { status: 'success', data: { resultType: 'vector', result: [{ value: 1 }] } }),
      /not a query result/,
    ],
    [
      'a redirect',
      { status: 302, headers: { location: 'http://127.0.0.1:1/' } },
      /querying Prometheus failed/,
    ],
  ])('reports %s as a server error', async (_name, response, message) => {
    const result = await answer(response as ReceiverResponse);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.scope).toBe('server');
    expect(result.message).toMatch(message);
  });

  it('gives up on a slow server at the timeout', async () => {
    prometheus.response = { status: 200, hang: true };
    const started = performance.now();
    const result = await client({ timeoutMs: 200 }).query('up');
    expect(result).toEqual({
      ok: false,
      scope: 'server',
      message: 'Prometheus query timed out after 200 ms',
    });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('reports an unreachable server', async () => {
    const result = await client({ url: await unusedUrl() }).query('up');
    expect(result).toEqual({
      ok: false,
      scope: 'server',
      message: 'connecting to Prometheus failed with ECONNREFUSED',
    });
  });
});
