import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  renderWebhookPayload,
  signWebhookBody,
  webhookChannel,
} from '../../src/channels/webhook.ts';
import { createHttpSender, type HttpSender } from '../../src/delivery/http-sender.ts';
import { startHttpReceiver, type HttpReceiver } from '../support/receivers.ts';
import { hostileText, sampleAppUrl, sampleNotification } from './notification.ts';

type Verify = (
  rawBody: string | Buffer,
  signatureHeader: unknown,
  secret: string,
  nowSeconds?: number,
) => boolean;

const sentAt = new Date('2026-03-01T12:00:05.750Z');
const sentAtSeconds = Math.floor(sentAt.getTime() / 1000);
const secret = 'whsec-test-secret';

let verifyHeraldSignature: Verify;
let snippetDirectory: string;
let receiver: HttpReceiver | undefined;
let sender: HttpSender | undefined;

/** Loads the verification snippet of docs/channels.md exactly as the docs show it. */
beforeAll(async () => {
  const docs = await readFile(new URL('../../docs/channels.md', import.meta.url), 'utf8');
  const afterMarker = docs.slice(docs.indexOf('<!-- The test suite runs this snippet'));
  const snippet = /```js\n([\s\S]*?)```/.exec(afterMarker)?.[1];
  if (!snippet) throw new Error('docs/channels.md has no verification snippet after the marker');

  snippetDirectory = await mkdtemp(join(tmpdir(), 'herald-snippet-'));
  const file = join(snippetDirectory, 'verify.mjs');
  await writeFile(file, snippet);
  ({ verifyHeraldSignature } = (await import(pathToFileURL(file).href)) as {
    verifyHeraldSignature: Verify;
  });
});

afterAll(async () => {
  await rm(snippetDirectory, { recursive: true, force: true });
});

afterEach(async () => {
  await sender?.close();
  await receiver?.close();
  sender = undefined;
  receiver = undefined;
});

async function deliver(destination: { signingSecret?: string }, event = {}) {
  receiver = await startHttpReceiver({ respond: () => ({ status: 204 }) });
  sender = createHttpSender({ timeoutMs: 2000 });
  const notification = sampleNotification('webhook', event);
  const result = await webhookChannel.deliver(
    notification,
    { url: `${receiver.url}/herald?token=abc`, ...destination },
    { http: sender, now: () => sentAt },
  );
  const [request] = await receiver.waitFor(1);
  if (!request) throw new Error('the receiver recorded no request');
  return { result, request, notification };
}

describe('webhookChannel', () => {
  it('posts the payload with delivery and signature headers', async () => {
    const { result, request, notification } = await deliver({ signingSecret: secret });

    expect(result).toEqual({ ok: true, status: 204 });
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/herald?token=abc');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['herald-delivery']).toBe(notification.deliveryId);
    expect(request.headers['herald-signature']).toMatch(
      new RegExp(`^t=${sentAtSeconds},v1=[0-9a-f]{64}$`),
    );
    expect(request.json).toEqual({
      deliveryId: '5f0c9a8e-2b1d-4c7e-9f3a-0d1e2f3a4b5c.team-chat',
      event: {
        id: '5f0c9a8e-2b1d-4c7e-9f3a-0d1e2f3a4b5c',
        name: 'shop-deployed-7x2kq',
        type: 'app_deployed',
        displayName: 'App deployed',
        description: 'An app was deployed',
        app: 'shop',
        namespace: 'shop',
        occurredAt: '2026-03-01T12:00:00Z',
        actor: 'alice',
        data: { version: '1.4.2', replicas: 3, image: { repository: 'shop', tag: '1.4.2' } },
        appUrl: null,
      },
      notifier: { name: 'team-chat', namespace: 'shop', platform: 'webhook' },
    });
  });

  it('signs so that the documented check accepts it', async () => {
    const { request } = await deliver({ signingSecret: secret });

    expect(
      verifyHeraldSignature(
        request.body,
        request.headers['herald-signature'],
        secret,
        sentAtSeconds,
      ),
    ).toBe(true);
    expect(
      verifyHeraldSignature(
        Buffer.from(request.body),
        request.headers['herald-signature'],
        secret,
        sentAtSeconds + 300,
      ),
    ).toBe(true);
  });

  it.each([
    ['a replay after the tolerance', {}, sentAtSeconds + 301],
    ['a signature from the future', {}, sentAtSeconds - 301],
    ['a tampered body', { tamper: true }, sentAtSeconds],
    ['a wrong secret', { key: 'other-secret' }, sentAtSeconds],
  ])('fails the documented check for %s', async (_case, change, now) => {
    const { request } = await deliver({ signingSecret: secret });
    const body = 'tamper' in change ? request.body.replace('shop', 'shoq') : request.body;
    const key = 'key' in change ? change.key : secret;

    expect(verifyHeraldSignature(body, request.headers['herald-signature'], key, now)).toBe(false);
  });

  it.each([undefined, '', 't=abc,v1=00', `t=${sentAtSeconds}`, `v1=${'0'.repeat(64)}`])(
    'fails the documented check for header %j',
    (header) => {
      expect(verifyHeraldSignature('{}', header, secret, sentAtSeconds)).toBe(false);
    },
  );

  it('sends no signature without a secret', async () => {
    const { request } = await deliver({});

    expect(request.headers['herald-signature']).toBeUndefined();
    expect(request.headers['herald-delivery']).toBeDefined();
  });

  it('passes data through unescaped, with a null actor when unknown', async () => {
    const data = { note: hostileText.html, nested: { list: [1, 'two', null] }, emoji: '🚀' };
    const { request } = await deliver({}, { actor: undefined, data });

    const body = request.json as { event: { actor: unknown; data: unknown } };
    expect(body.event.actor).toBeNull();
    expect(body.event.data).toEqual(data);
  });

  it('checks the destination URL', () => {
    expect(webhookChannel.checkDestination({})).toContain('url is missing');
    expect(webhookChannel.checkDestination({ url: 'https://user:pw@example.com/hook' })).toContain(
      'user name or password',
    );
    expect(webhookChannel.checkDestination({ url: 'https://example.com/hook' })).toBeUndefined();
  });
});

describe('signWebhookBody', () => {
  it('matches a known HMAC-SHA256', () => {
    // Computed independently: printf '1700000000.{}' | openssl dgst -sha256 -hmac key
    expect(signWebhookBody('{}', 'key', 1_700_000_000)).toBe(
      't=1700000000,v1=9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae',
    );
  });

  it('renders the same payload for every attempt', () => {
    const notification = sampleNotification('webhook');

    expect(JSON.stringify(renderWebhookPayload(notification))).toBe(
      JSON.stringify(renderWebhookPayload(notification)),
    );
  });
});

describe('renderWebhookPayload', () => {
  it('sends the link to the app and the description', () => {
    const payload = renderWebhookPayload(
      sampleNotification('webhook', {}, { appUrl: sampleAppUrl }),
    );

    expect(payload.event.appUrl).toBe(sampleAppUrl);
    expect(payload.event.description).toBe('An app was deployed');
  });

  it('nulls the values of variables and keeps their names', async () => {
    const data = {
      variables: ['DATABASE_URL'],
      values: { DATABASE_URL: 'postgres://u:s3cr3t@db' },
    };
    const { request } = await deliver({}, { type: 'variable_edited', data });

    const body = request.json as { event: { data: unknown } };
    expect(body.event.data).toEqual({
      variables: ['DATABASE_URL'],
      values: { DATABASE_URL: null },
    });
    expect(request.body).not.toContain('s3cr3t');
  });
});
