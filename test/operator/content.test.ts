import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/api/platforms.ts';
import { startHttpReceiver, startSmtpReceiver } from '../support/receivers.ts';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { startTestOperator, type TestOperator } from '../support/operator.ts';

type HttpReceiver = Awaited<ReturnType<typeof startHttpReceiver>>;
type SmtpReceiver = Awaited<ReturnType<typeof startSmtpReceiver>>;

/** Event text that tries to ping a channel, inject a link, add a mail header and run a script. */
const hostile = {
  actor: 'mallory\r\nBcc: victim@example.com',
  data: {
    note: '<!channel> @here @all see [click](http://evil.example) <script>alert(1)</script>',
    release: 'Grüße aus Zürich 🚀 — 完成',
    image: 'registry.example.com/shop:1.2 & more',
  },
};

describe('notification content end to end', () => {
  let cluster: TestCluster;
  let operator: TestOperator;
  let http: HttpReceiver;
  let smtp: SmtpReceiver;

  beforeAll(async () => {
    cluster = await startTestCluster();
    http = await startHttpReceiver();
    smtp = await startSmtpReceiver();
    await cluster.createNamespace('shop');
    const platforms: Platform[] = ['slack', 'mattermost', 'rocketchat', 'webhook'];
    for (const platform of platforms) {
      await cluster.createSecret('shop', platform, { url: `${http.url}/${platform}` });
      await cluster.createNotifier('shop', platform, {
        app: 'api',
        platform,
        events: { selection: 'deployments' },
        webhook: { urlSecretRef: { name: platform, key: 'url' } },
      });
    }
    await cluster.createNotifier('shop', 'email', {
      app: 'api',
      platform: 'email',
      events: { selection: 'deployments' },
      email: { to: ['ops@example.com'] },
    });
    operator = await startTestOperator(cluster, [
      '--smtp-host',
      '127.0.0.1',
      '--smtp-port',
      String(smtp.port),
      '--smtp-from',
      'herald@example.com',
    ]);

    const event = await cluster.createEvent('shop', {
      app: 'api',
      type: 'app_deployed',
      ...hostile,
    });
    const final = await cluster.waitForFinal('shop', event.metadata!.name!);
    expect(final.status?.phase).toBe('Delivered');
  });

  afterAll(async () => {
    await operator?.stop();
    await http?.close();
    await smtp?.close();
    await cluster?.close();
  });

  function bodyAt(path: string): string {
    const request = http.requests.find((each) => each.path === path);
    if (!request) throw new Error(`no request reached ${path}`);
    return request.body;
  }

  it('escapes Slack control characters and keeps Unicode', () => {
    const text = JSON.parse(bodyAt('/slack')) as unknown;
    const flat = JSON.stringify(text);

    expect(flat).not.toContain('<!channel>');
    expect(flat).toContain('&lt;!channel&gt;');
    expect(flat).not.toContain('<script>');
    expect(flat).toContain('&amp; more');
    expect(flat).toContain('Grüße aus Zürich 🚀 — 完成');
    expect(flat).not.toContain('\\r\\nBcc');
  });

  it.each(['/mattermost', '/rocketchat'])('neutralises mentions and links for %s', (path) => {
    const flat = bodyAt(path);

    for (const mention of ['@here', '@all', '@channel']) expect(flat).not.toContain(mention);
    expect(flat).not.toContain('](http');
    expect(flat).not.toContain('http://evil');
    expect(flat).toContain('Grüße aus Zürich 🚀 — 完成');
  });

  it('sends the webhook document with the event data unchanged', () => {
    const request = http.requests.find((each) => each.path === '/webhook');
    const document = request?.json as {
      event: { type: string; app: string; namespace: string; actor: string; data: unknown };
      notifier: { name: string; platform: string };
    };

    expect(request?.headers['content-type']).toContain('application/json');
    expect(request?.headers['herald-delivery']).toMatch(/^[0-9a-f-]+\.webhook$/);
    expect(document.event.type).toBe('app_deployed');
    expect(document.event.app).toBe('api');
    expect(document.event.namespace).toBe('shop');
    expect(document.event.actor).toBe(hostile.actor);
    expect(document.event.data).toEqual(hostile.data);
    expect(document.notifier).toEqual({ name: 'webhook', namespace: 'shop', platform: 'webhook' });
  });

  it('emails a subject naming app and event with no injected header', () => {
    const [mail] = smtp.messages;

    expect(mail?.to).toEqual(['ops@example.com']);
    expect(mail?.subject).toBe('[api] App deployed');
    expect(mail?.headers.filter((header) => header.name === 'bcc')).toHaveLength(0);
    expect(mail?.text).toContain('Grüße aus Zürich 🚀 — 完成');
    expect(mail?.html).not.toContain('<script>');
    expect(mail?.html).toContain('&lt;script&gt;');
  });
});
