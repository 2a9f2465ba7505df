import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHttpSender, type HttpSender } from '../../src/delivery/http-sender.ts';
import { createMailSender } from '../../src/delivery/mail-sender.ts';
import { withDefaultCertificates } from '../../src/delivery/tls-trust.ts';

const folder = mkdtempSync(join(tmpdir(), 'herald-tls-'));
let pki: TestPki;

beforeAll(() => {
  pki = makePki();
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

interface TestPki {
  caPem: string;
  serverKey: string;
  serverCert: string;
}

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: 'pipe', cwd: folder });
  } catch (error) {
    throw new Error(`this test needs the openssl command; install openssl (${String(error)})`);
  }
}

/** Makes a CA and a server certificate for 127.0.0.1 that the CA signed. */
function makePki(): TestPki {
  const curve = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl([
    'req',
    '-x509',
    ...curve,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '1',
    '-subj',
    '/CN=Herald test CA',
  ]);
  openssl([
    'req',
    ...curve,
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=127.0.0.1',
  ]);
  writeFileSync(join(folder, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl([
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '1',
    '-extfile',
    'server.ext',
  ]);
  const read = (name: string) => readFileSync(join(folder, name), 'utf8');
  return { caPem: read('ca.pem'), serverKey: read('server.key'), serverCert: read('server.pem') };
}

interface Listening {
  url: string;
  port: number;
  close(): Promise<void>;
}

async function listen(server: Server, scheme: string): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Starts a receiver that records the path of each request. */
async function startReceiver(pki?: TestPki): Promise<Listening & { paths: string[] }> {
  const paths: string[] = [];
  const handler = (
    request: import('node:http').IncomingMessage,
    response: import('node:http').ServerResponse,
  ) => {
    paths.push(request.url ?? '');
    request.resume();
    request.on('end', () => response.end('ok'));
  };
  const server = pki
    ? createHttpsServer({ key: pki.serverKey, cert: pki.serverCert }, handler)
    : createHttpServer(handler);
  return { ...(await listen(server, pki ? 'https' : 'http')), paths };
}

/**
 * Starts a forward proxy for the tests: absolute-form requests for http:// targets and CONNECT tunnels
 * for https:// ones. It connects only to 127.0.0.1, the receivers of this test.
 */
async function startProxy(): Promise<Listening & { seen: string[] }> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server = createHttpServer((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    const target = new URL(request.url ?? '');
    if (target.hostname !== '127.0.0.1') {
      response.writeHead(403).end('the test proxy reaches 127.0.0.1 only');
      return;
    }
    const forwarded = httpRequest(
      {
        host: '127.0.0.1',
        port: target.port,
        path: target.pathname + target.search,
        method: request.method,
        headers: request.headers,
      },
      (upstream) => {
        response.writeHead(upstream.statusCode ?? 502, upstream.headers);
        upstream.pipe(response);
      },
    );
    request.pipe(forwarded);
  });
  server.on('connect', (request, client: Socket) => {
    seen.push(`CONNECT ${request.url}`);
    const [host, port] = (request.url ?? '').split(':');
    if (host !== '127.0.0.1') {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect(Number(port), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
  });
  const listening = await listen(server, 'http');
  return {
    ...listening,
    seen,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await listening.close();
    },
  };
}

describe('outbound HTTP with a CA bundle and a proxy', () => {
  let httpsReceiver: Awaited<ReturnType<typeof startReceiver>>;
  let httpReceiver: Awaited<ReturnType<typeof startReceiver>>;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let sender: HttpSender | undefined;

  beforeAll(async () => {
    httpsReceiver = await startReceiver(pki);
    httpReceiver = await startReceiver();
    proxy = await startProxy();
  });

  afterEach(async () => {
    await sender?.close();
    sender = undefined;
    proxy.seen.length = 0;
    httpsReceiver.paths.length = 0;
    httpReceiver.paths.length = 0;
  });

  afterAll(async () => {
    await httpsReceiver?.close();
    await httpReceiver?.close();
    await proxy?.close();
  });

  const post = (url: string) => sender!.post(url, '{}', { 'content-type': 'application/json' });

  it('trusts a private CA from the bundle', async () => {
    sender = createHttpSender({ timeoutMs: 2000, ca: pki.caPem });

    expect(await post(`${httpsReceiver.url}/direct`)).toEqual({ ok: true, status: 200 });
    expect(httpsReceiver.paths).toEqual(['/direct']);
  });

  it('rejects the private CA without the bundle', async () => {
    sender = createHttpSender({ timeoutMs: 2000 });

    const result = await post(`${httpsReceiver.url}/untrusted`);

    expect(result.ok).toBe(false);
    expect(result.ok ? undefined : result.retryable).toBe(false);
    expect(result.ok ? '' : result.error).toMatch(/^TLS certificate/);
    expect(httpsReceiver.paths).toEqual([]);
  });

  it('tunnels https through the proxy with the CA bundle', async () => {
    sender = createHttpSender({ timeoutMs: 2000, ca: pki.caPem, proxy: { httpsProxy: proxy.url } });

    expect(await post(`${httpsReceiver.url}/tunnelled`)).toEqual({ ok: true, status: 200 });
    expect(proxy.seen).toEqual([`CONNECT 127.0.0.1:${httpsReceiver.port}`]);
    expect(httpsReceiver.paths).toEqual(['/tunnelled']);
  });

  it('sends http through the proxy', async () => {
    sender = createHttpSender({ timeoutMs: 2000, proxy: { httpProxy: proxy.url } });

    expect(await post(`${httpReceiver.url}/forwarded?x=1`)).toEqual({ ok: true, status: 200 });
    expect(proxy.seen).toEqual([`POST ${httpReceiver.url}/forwarded?x=1`]);
    expect(httpReceiver.paths).toEqual(['/forwarded?x=1']);
  });

  it('uses the http proxy for https when no https proxy is set', async () => {
    sender = createHttpSender({ timeoutMs: 2000, ca: pki.caPem, proxy: { httpProxy: proxy.url } });

    expect(await post(`${httpsReceiver.url}/fallback`)).toEqual({ ok: true, status: 200 });
    expect(proxy.seen).toEqual([`CONNECT 127.0.0.1:${httpsReceiver.port}`]);
  });

  it('connects directly to hosts in noProxy', async () => {
    sender = createHttpSender({
      timeoutMs: 2000,
      proxy: { httpProxy: proxy.url, noProxy: 'example.com,127.0.0.1' },
    });

    expect(await post(`${httpReceiver.url}/direct`)).toEqual({ ok: true, status: 200 });
    expect(proxy.seen).toEqual([]);
    expect(httpReceiver.paths).toEqual(['/direct']);
  });

  // These check the decision only: the sender must fail before sending anything, so no
  // connection to the metadata address is ever attempted.
  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'https://[::ffff:169.254.169.254]/latest',
    'http://[fe80::1]/hook',
    'http://100.100.100.200/hook',
  ])('blocks %s before it reaches the proxy', async (url) => {
    sender = createHttpSender({
      timeoutMs: 2000,
      proxy: { httpProxy: proxy.url, httpsProxy: proxy.url },
    });

    const result = await post(url);

    expect(result.ok).toBe(false);
    expect(result.ok ? undefined : result.retryable).toBe(false);
    expect(result.ok ? '' : result.error).toMatch(/^blocked address /);
    expect(proxy.seen).toEqual([]);
  });
});

describe('SMTP TLS with a CA bundle', () => {
  let server: SMTPServer | undefined;
  let port = 0;
  const received: string[] = [];

  beforeAll(async () => {
    const smtp = new SMTPServer({
      secure: true,
      key: pki.serverKey,
      cert: pki.serverCert,
      authOptional: true,
      logger: false,
      onData(stream, session, callback) {
        stream.resume();
        stream.on('end', () => {
          received.push(session.envelope.rcptTo.map((each) => each.address).join(','));
          callback();
        });
      },
    });
    // A client that rejects the certificate closes the socket mid-handshake; the server reports it.
    smtp.on('error', () => undefined);
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    server = smtp;
    port = (smtp.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    const smtp = server;
    if (smtp) await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  const message = { to: ['ops@example.com'], subject: 's', text: 't', html: '<p>t</p>' };

  it('sends over TLS to a server the bundle trusts', async () => {
    const mail = createMailSender({
      host: '127.0.0.1',
      port,
      secure: true,
      from: 'herald@example.com',
      timeoutMs: 2000,
      tls: { ca: withDefaultCertificates(pki.caPem).join('\n') },
    });
    try {
      expect(await mail.send(message)).toEqual({ ok: true });
      expect(received).toEqual(['ops@example.com']);
    } finally {
      mail.close();
    }
  });

  it('fails TLS without the bundle', async () => {
    const mail = createMailSender({
      host: '127.0.0.1',
      port,
      secure: true,
      from: 'herald@example.com',
      timeoutMs: 2000,
    });
    try {
      const result = await mail.send(message);
      expect(result.ok).toBe(false);
      expect(result.ok ? undefined : result.retryable).toBe(false);
      expect(result.ok ? '' : result.error).toBe(
        'TLS certificate of the SMTP server is not trusted (ESOCKET, UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
      );
      expect(received).toHaveLength(1);
    } finally {
      mail.close();
    }
  });
});
