import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  classifyError,
  createHttpSender,
  parseRetryAfter,
  type HttpSender,
} from '../../src/delivery/http-sender.ts';
import { BlockedAddressError } from '../../src/delivery/address-policy.ts';
import {
  startHttpReceiver,
  type HttpReceiver,
  type ReceiverResponse,
} from '../support/receivers.ts';

const now = Date.parse('2026-03-01T12:00:00Z');

let receiver: HttpReceiver | undefined;
let sender: HttpSender | undefined;

afterEach(async () => {
  await sender?.close();
  await receiver?.close();
  sender = undefined;
  receiver = undefined;
});

async function postTo(response: ReceiverResponse, options = { timeoutMs: 2000 }) {
  receiver = await startHttpReceiver({ respond: () => response });
  sender = createHttpSender({ ...options, now: () => now });
  return sender.post(`${receiver.url}/hooks/secret-token`, '{"a":1}', {
    'content-type': 'application/json',
  });
}

describe('createHttpSender', () => {
  it('posts the body and headers', async () => {
    receiver = await startHttpReceiver();
    sender = createHttpSender({ userAgent: 'herald-test/1' });

    const result = await sender.post(`${receiver.url}/hooks/abc?x=1`, 'héllo 👋', {
      'content-type': 'text/plain; charset=utf-8',
      'x-extra': 'yes',
    });

    expect(result).toEqual({ ok: true, status: 200 });
    const [request] = await receiver.waitFor(1);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/hooks/abc?x=1');
    expect(request?.body).toBe('héllo 👋');
    expect(request?.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(request?.headers['x-extra']).toBe('yes');
    expect(request?.headers['user-agent']).toBe('herald-test/1');
  });

  it.each([
    [{ status: 200 }, { ok: true, status: 200 }],
    [{ status: 204 }, { ok: true, status: 204 }],
    [
      { status: 202, body: 'x'.repeat(200_000) },
      { ok: true, status: 202 },
    ],
    [
      { status: 301, headers: { location: '/elsewhere' } },
      {
        ok: false,
        retryable: false,
        status: 301,
        error:
          'HTTP 301 Moved Permanently: redirects are not followed; configure the URL the redirect points to',
      },
    ],
    [{ status: 404 }, { ok: false, retryable: false, status: 404, error: 'HTTP 404 Not Found' }],
    [{ status: 400 }, { ok: false, retryable: false, status: 400, error: 'HTTP 400 Bad Request' }],
    [
      { status: 408 },
      { ok: false, retryable: true, status: 408, error: 'HTTP 408 Request Timeout' },
    ],
    [
      { status: 429, headers: { 'retry-after': '7' } },
      {
        ok: false,
        retryable: true,
        status: 429,
        retryAfterMs: 7000,
        error: 'HTTP 429 Too Many Requests',
      },
    ],
    [
      { status: 429, headers: { 'retry-after': 'Sun, 01 Mar 2026 12:01:30 GMT' } },
      {
        ok: false,
        retryable: true,
        status: 429,
        retryAfterMs: 90_000,
        error: 'HTTP 429 Too Many Requests',
      },
    ],
    [
      { status: 500 },
      { ok: false, retryable: true, status: 500, error: 'HTTP 500 Internal Server Error' },
    ],
    [
      { status: 503, headers: { 'retry-after': '120' } },
      {
        ok: false,
        retryable: true,
        status: 503,
        retryAfterMs: 120_000,
        error: 'HTTP 503 Service Unavailable',
      },
    ],
  ])('classifies %j', async (response, expected) => {
    const result = await postTo(response);

    expect(result).toEqual(expected);
    expect(receiver?.requests).toHaveLength(1);
  });

  /** Posts four times in a row and counts the connections the receiver saw. */
  async function connectionsForFourPosts(responseBody: string): Promise<number> {
    receiver = await startHttpReceiver({ respond: () => ({ status: 200, body: responseBody }) });
    sender = createHttpSender({ timeoutMs: 2000 });

    for (let index = 0; index < 4; index++) {
      expect(await sender.post(`${receiver.url}/hook`, '{}', {})).toEqual({
        ok: true,
        status: 200,
      });
    }

    const requests = await receiver.waitFor(4);
    return new Set(requests.map((request) => request.remotePort)).size;
  }

  it('reuses connections after draining small bodies', async () => {
    // undici may open a second connection while the first is being released, but not more.
    expect(await connectionsForFourPosts('x'.repeat(1000))).toBeLessThanOrEqual(2);
  });

  it('closes the connection after an oversized body', async () => {
    expect(await connectionsForFourPosts('x'.repeat(1_000_000))).toBe(4);
  });

  it('times out a hanging receiver', async () => {
    const result = await postTo({ status: 200, hang: true }, { timeoutMs: 150 });

    expect(result).toEqual({ ok: false, retryable: true, error: 'timed out after 150 ms' });
  });

  it('reports a closed port as connection refused', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    sender = createHttpSender({ timeoutMs: 2000 });

    const result = await sender.post(`http://127.0.0.1:${port}/secret-token`, '{}', {});

    expect(result).toEqual({
      ok: false,
      retryable: true,
      error: 'connection refused (ECONNREFUSED)',
    });
  });

  it('cancels a request when the signal aborts', async () => {
    receiver = await startHttpReceiver({ respond: () => ({ status: 200, hang: true }) });
    sender = createHttpSender({ timeoutMs: 5000 });
    const controller = new AbortController();

    const pending = sender.post(`${receiver.url}/hook`, '{}', {}, controller.signal);
    await receiver.waitFor(1);
    controller.abort();

    expect(await pending).toEqual({
      ok: false,
      retryable: true,
      error: 'cancelled before a response arrived',
    });
  });

  it('blocks 0.0.0.0 by default', async () => {
    // Linux connects 0.0.0.0 to the local host, so this exercises the policy of the default
    // agent without any chance of reaching a link-local or metadata address.
    receiver = await startHttpReceiver();
    sender = createHttpSender({ timeoutMs: 2000 });
    const port = new URL(receiver.url).port;

    const result = await sender.post(`http://0.0.0.0:${port}/hook`, '{}', {});

    expect(result).toEqual({
      ok: false,
      retryable: false,
      error:
        'blocked address 0.0.0.0: unspecified, multicast and reserved addresses are not allowed',
    });
    expect(receiver.requests).toHaveLength(0);
  });

  it('allows blocked addresses with allowLinkLocal', async () => {
    receiver = await startHttpReceiver();
    sender = createHttpSender({ timeoutMs: 2000, allowLinkLocal: true });
    const port = new URL(receiver.url).port;

    const result = await sender.post(`http://0.0.0.0:${port}/hook`, '{}', {});

    expect(result).toEqual({ ok: true, status: 200 });
  });

  it('keeps the URL out of every error', async () => {
    const results = [
      await postTo({ status: 500 }),
      await postTo({ status: 301, headers: { location: '/secret-token/next' } }),
      await postTo({ status: 200, hang: true }, { timeoutMs: 100 }),
    ];

    for (const result of results) {
      expect(result.ok).toBe(false);
      expect(JSON.stringify(result)).not.toContain('secret-token');
      expect(JSON.stringify(result)).not.toContain('127.0.0.1');
    }
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['30', 30_000],
    [' 5 ', 5000],
    [['2', '9'], 2000],
    ['Sun, 01 Mar 2026 12:00:10 GMT', 10_000],
    ['Sunday, 01-Mar-26 12:00:10 GMT', 10_000],
    ['Sun, 01 Mar 2026 11:00:00 GMT', 0],
    ['-1', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('parses %j', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe('classifyError', () => {
  it.each([
    [
      Object.assign(new Error('getaddrinfo ENOTFOUND hooks.example.com'), { code: 'ENOTFOUND' }),
      { ok: false, retryable: true, error: 'host name not found (ENOTFOUND)' },
    ],
    [
      new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })], 'all failed'),
      { ok: false, retryable: true, error: 'connection refused (ECONNREFUSED)' },
    ],
    [
      new TypeError('fetch failed', { cause: new BlockedAddressError('169.254.169.254') }),
      {
        ok: false,
        retryable: false,
        error:
          'blocked address 169.254.169.254: link-local and cloud metadata addresses are not allowed',
      },
    ],
    [
      Object.assign(new Error('cert for hooks.example.com'), {
        code: 'ERR_TLS_CERT_ALTNAME_INVALID',
      }),
      {
        ok: false,
        retryable: false,
        error: 'TLS certificate does not match the host name (ERR_TLS_CERT_ALTNAME_INVALID)',
      },
    ],
    [
      Object.assign(new Error('https://hooks.example.com/secret'), { code: 'ESOMETHINGNEW' }),
      { ok: false, retryable: true, error: 'request failed (ESOMETHINGNEW)' },
    ],
    [
      new RangeError('https://hooks.example.com/secret'),
      { ok: false, retryable: true, error: 'request failed (RangeError)' },
    ],
  ])('classifies %s', (error, expected) => {
    expect(classifyError(error)).toEqual(expected);
  });
});
