import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  emailChannel,
  isValidEmailAddress,
  normalizeRecipients,
} from '../../src/channels/email.ts';
import { renderEmailHtml } from '../../src/channels/email-html.ts';
import { renderEmail, renderEmailSubject } from '../../src/channels/email-render.ts';
import { maxEmailSummaryLength, renderEmailText } from '../../src/channels/email-text.ts';
import { createHttpSender } from '../../src/delivery/http-sender.ts';
import { createMailSender, type MailSender } from '../../src/delivery/mail-sender.ts';
import { startSmtpReceiver, type SmtpReceiver } from '../support/receivers.ts';
import {
  eventNotification,
  hostileText,
  sampleAppUrl,
  sampleNotification,
} from './notification.ts';

let receiver: SmtpReceiver | undefined;
let mail: MailSender | undefined;
const http = createHttpSender();

afterAll(async () => {
  await http.close();
});

afterEach(async () => {
  mail?.close();
  await receiver?.close();
  mail = undefined;
  receiver = undefined;
});

async function startMail(auth?: { user: string; pass: string }) {
  receiver = await startSmtpReceiver(auth ? { auth } : {});
  mail = createMailSender({
    host: receiver.host,
    port: receiver.port,
    from: 'herald@example.com',
    timeoutMs: 2000,
    ...(auth ? { auth } : {}),
  });
  return { receiver, mail };
}

describe('emailChannel', () => {
  it.each([
    ['without SMTP authentication', undefined],
    ['with SMTP authentication', { user: 'herald', pass: 'smtp-secret' }],
  ])('delivers one message to every recipient %s', async (_case, auth) => {
    const { receiver, mail } = await startMail(auth);
    const notification = sampleNotification('email');

    const result = await emailChannel.deliver(
      notification,
      { recipients: ['alice@example.com', 'bob@example.com'] },
      { http, mail, now: () => new Date() },
    );

    expect(result).toEqual({ ok: true });
    const [message] = await receiver.waitFor(1);
    expect(message?.from).toBe('herald@example.com');
    expect(message?.to).toEqual(['alice@example.com', 'bob@example.com']);
    expect(message?.user).toBe(auth?.user);
    expect(message?.subject).toBe('[shop] App deployed');
    expect(message?.text).toBe(renderEmailText(notification).trimEnd());
    expect(message?.html).toBe(renderEmailHtml(notification));
  });

  it('keeps CR and LF in an event from adding headers', async () => {
    const { receiver, mail } = await startMail();
    const notification = sampleNotification('email', {
      app: 'shop\r\nBcc: victim@example.com',
      displayName: 'Deployed\nX-Injected: yes\r\n\r\nbody',
    });

    await emailChannel.deliver(
      notification,
      { recipients: ['alice@example.com'] },
      { http, mail, now: () => new Date() },
    );

    const [message] = await receiver.waitFor(1);
    expect(message?.to).toEqual(['alice@example.com']);
    expect(message?.subject).toBe('[shop Bcc: victim@example.com] Deployed X-Injected: yes body');
    const names = message?.headers.map((header) => header.name) ?? [];
    expect(names.filter((name) => name === 'subject')).toHaveLength(1);
    expect(names).not.toContain('bcc');
    expect(names).not.toContain('x-injected');
  });

  it('sends non-ASCII and emoji intact', async () => {
    const { receiver, mail } = await startMail();
    const notification = sampleNotification('email', {
      type: 'app_restarted',
      displayName: 'Déploiement réussi 🚀',
      description: '日本語の説明',
    });

    await emailChannel.deliver(
      notification,
      { recipients: ['zoë@exämple.com'] },
      { http, mail, now: () => new Date() },
    );

    const [message] = await receiver.waitFor(1);
    expect(message?.subject).toBe('[shop] Déploiement réussi 🚀');
    expect(message?.text).toContain('日本語の説明');
    expect(message?.html).toContain('日本語の説明');
  });

  it('deduplicates recipients ignoring case', async () => {
    const { receiver, mail } = await startMail();

    await emailChannel.deliver(
      sampleNotification('email'),
      { recipients: ['Alice@Example.com', 'alice@example.com', ' bob@example.com '] },
      { http, mail, now: () => new Date() },
    );

    const [message] = await receiver.waitFor(1);
    // nodemailer lower-cases the domain; the local part keeps the first spelling.
    expect(message?.to).toEqual(['Alice@example.com', 'bob@example.com']);
  });

  it('fails permanently without recipients or without SMTP', async () => {
    const context = { http, now: () => new Date() };

    expect(await emailChannel.deliver(sampleNotification('email'), {}, context)).toEqual({
      ok: false,
      retryable: false,
      error: 'recipients is empty; list at least one email address',
    });
    expect(
      await emailChannel.deliver(
        sampleNotification('email'),
        { recipients: ['alice@example.com'] },
        context,
      ),
    ).toEqual({
      ok: false,
      retryable: false,
      error: 'email delivery is not configured: the operator has no SMTP server',
    });
  });

  it.each([
    [{}, 'recipients is empty; list at least one email address'],
    [{ recipients: [] }, 'recipients is empty; list at least one email address'],
    [
      { recipients: ['alice@example.com', 'bob'] },
      'recipients[1] "bob" is not a valid email address; write it as name@example.com',
    ],
    [
      { recipients: ['a@example.com\r\nBcc: x@example.com'] },
      'recipients[0] "a@example.com\\r\\nBcc: x@example.com" is not a valid email address; write it as name@example.com',
    ],
  ])('rejects destination %j', (destination, message) => {
    expect(emailChannel.checkDestination(destination)).toBe(message);
  });

  it('accepts valid recipients', () => {
    expect(emailChannel.checkDestination({ recipients: ['ops@example.com'] })).toBeUndefined();
  });
});

describe('isValidEmailAddress', () => {
  it.each([
    'alice@example.com',
    'first.last+tag@sub.example.co.uk',
    "o'brien@example.com",
    'zoë@exämple.com',
    'root@localhost',
  ])('accepts %s', (address) => {
    expect(isValidEmailAddress(address)).toBe(true);
  });

  it.each([
    'plain',
    '@example.com',
    'alice@',
    'alice@@example.com',
    'alice smith@example.com',
    'alice@exa mple.com',
    'Alice <alice@example.com>',
    'a@example.com,b@example.com',
    'alice@-example.com',
    'alice@example..com',
    `${'x'.repeat(65)}@example.com`,
    `a@${'x'.repeat(250)}.com`,
    'a\n@example.com',
  ])('rejects %j', (address) => {
    expect(isValidEmailAddress(address)).toBe(false);
  });
});

describe('normalizeRecipients', () => {
  it('keeps the first spelling of each address', () => {
    expect(normalizeRecipients(['B@x.io', 'a@x.io', 'b@X.IO'])).toEqual({
      recipients: ['B@x.io', 'a@x.io'],
    });
  });
});

describe('renderEmail', () => {
  it('renders subject, text and HTML', () => {
    const rendered = renderEmail(sampleNotification('email'));

    expect(rendered.subject).toBe('[shop] App deployed');
    expect(rendered.text).toBe(
      [
        'App deployed in shop',
        '',
        'Deployed by alice.',
        '',
        'App: shop',
        'Namespace: shop',
        'When: 2026-03-01 12:00:00 UTC',
        'Actor: alice',
        'Event: shop-deployed-7x2kq (app_deployed)',
        '',
        'Details:',
        'version: 1.4.2',
        'replicas: 3',
        'Image: {"repository":"shop","tag":"1.4.2"}',
        '',
        '-- ',
        'Sent by Herald for notifier team-chat in namespace shop.',
      ].join('\n'),
    );
    expect(rendered.html).toContain('>App deployed · shop</h1>');
    expect(rendered.html).toContain('<title>[shop] App deployed</title>');
    expect(rendered.html).toMatch(
      /<th scope="row" style="[^"]*">Actor<\/th><td style="[^"]*">alice<\/td>/,
    );
    expect(rendered.html).toMatch(
      /<th scope="row" style="[^"]*">version<\/th><td style="[^"]*">1\.4\.2<\/td>/,
    );
    expect(rendered.html).not.toContain('<a ');
  });

  it('links to the app on the dashboard', () => {
    const appUrl = 'https://dashboard.example.com/apps/shop/shop?tab=events&view="full"';
    const rendered = renderEmail(sampleNotification('email', {}, { appUrl }));

    expect(rendered.text).toContain(
      '\n\nOpen shop in the dashboard: https://dashboard.example.com/apps/shop/shop?tab=events&view=%22full%22\n\n',
    );
    expect(rendered.html).toMatch(
      /<a href="https:\/\/dashboard\.example\.com\/apps\/shop\/shop\?tab=events&amp;view=%22full%22" style="[^"]*">Open shop in the dashboard<\/a>/,
    );
  });

  it.each(['javascript:alert(1)', 'ftp://files.example.com/shop', 'not a url'])(
    'leaves out a dashboard link of %j',
    (appUrl) => {
      const rendered = renderEmail(sampleNotification('email', {}, { appUrl }));

      expect(rendered.html).not.toContain('<a ');
      expect(rendered.text).not.toContain('dashboard');
    },
  );

  it('writes only well-formed tags', () => {
    const html = renderEmailHtml(
      sampleNotification('email', {}, { appUrl: 'https://dashboard.example.com/a' }),
    );

    // Each tag: a name, then attributes whose values are double-quoted without a quote inside.
    const wellFormed = /^<\/?[a-z][a-z0-9]*(\s+[a-z-]+(="[^"<>]*")?)*\s*>$/;
    for (const [tag] of html.replace('<!DOCTYPE html>', '').matchAll(/<[^>]*>/g)) {
      expect(tag).toMatch(wellFormed);
    }
    expect(html.match(/<table/g)).toHaveLength(html.match(/<\/table>/g)?.length ?? -1);
    expect(html.match(/<tr>/g)).toHaveLength(html.match(/<\/tr>/g)?.length ?? -1);
  });

  it('escapes HTML from the event', () => {
    const html = renderEmailHtml(
      sampleNotification('email', {
        type: 'app_restarted',
        displayName: hostileText.html,
        description: `${hostileText.html} & "quotes" 'too'`,
        data: { '<b>key</b>': '<img src=x onerror=alert(1)>' },
      }),
    );

    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &#39;too&#39;',
    );
    expect(html).toContain('&lt;b&gt;key&lt;/b&gt;');
  });

  it('strips control characters from the subject and caps it', () => {
    const subject = renderEmailSubject(
      sampleNotification('email', { displayName: `a\u0000b\u0007c\u202E${'z'.repeat(500)}` }),
    );

    expect(subject.startsWith('[shop] abc')).toBe(true);
    expect(subject).toHaveLength(200);
    expect(subject).not.toMatch(/[\u0000-\u001f\u202e]/);
  });

  it('indents continuation lines of multi-line values in the text part', () => {
    const text = renderEmailText(
      sampleNotification('email', { data: { log: 'line one\nline two' } }),
    );

    expect(text).toContain('log: line one\n    line two');
  });
});

describe('renderEmail with event layouts', () => {
  it('renders a deployment field by field', () => {
    const rendered = renderEmail(
      eventNotification(
        'email',
        'app_deployed',
        {
          gitRef: 'v1.4.0',
          deployer: 'bob',
          duration: '2m30s',
          image: 'shop:1.4.0',
          note: 'hotfix',
        },
        { appUrl: sampleAppUrl },
      ),
    );

    expect(rendered.subject).toBe('[shop-api] App deployed');
    expect(rendered.text).toBe(
      [
        'App deployed in shop-api',
        '',
        'Deployed v1.4.0 by bob in 2 min 30 s.',
        '',
        `Open shop-api in the dashboard: ${sampleAppUrl}`,
        '',
        'App: shop-api',
        'Namespace: shop',
        'When: 2026-03-01 12:00:00 UTC',
        'Actor: alice',
        'Event: shop-deployed-7x2kq (app_deployed)',
        '',
        'Details:',
        'Git ref: v1.4.0',
        'Deployer: bob',
        'Duration: 2 min 30 s',
        'Image: shop:1.4.0',
        'note: hotfix',
        '',
        '-- ',
        'Sent by Herald for notifier team-chat in namespace shop.',
      ].join('\n'),
    );
    const rows = [...rendered.html.matchAll(/<th [^>]*>([^<]*)<\/th><td [^>]*>([^<]*)<\/td>/g)];
    expect(rows.map(([, label, value]) => `${label}=${value}`)).toEqual([
      'App=shop-api',
      'Namespace=shop',
      'When=2026-03-01 12:00:00 UTC',
      'Actor=alice',
      'Event=shop-deployed-7x2kq (app_deployed)',
      'Git ref=v1.4.0',
      'Deployer=bob',
      'Duration=2 min 30 s',
      'Image=shop:1.4.0',
      'note=hotfix',
    ]);
    expect(rendered.html).toContain('>Deployed v1.4.0 by bob in 2 min 30 s.</p>');
    expect(rendered.html).toContain(`<a href="${sampleAppUrl}" `);
  });

  it('says a resolved alert is resolved in the subject', () => {
    const rendered = renderEmail(
      eventNotification('email', 'app_alert_triggered', {
        state: 'resolved',
        metric: 'memory',
        value: 42,
        limit: 80,
        unit: '%',
        direction: 'above',
      }),
    );

    expect(rendered.subject).toBe('[shop-api] Alert resolved: memory');
    expect(rendered.text.split('\n').slice(0, 3)).toEqual([
      'Alert resolved: memory in shop-api',
      '',
      'Resolved: memory is back below the limit of 80% (now 42%).',
    ]);
  });

  it('never puts the values of variables in any part', () => {
    const rendered = renderEmail(
      eventNotification('email', 'variable_edited', {
        variables: { DATABASE_URL: 'postgres://u:s3cr3t@db' },
        OTHER: 's3cr3t-too',
      }),
    );

    expect(rendered.subject).toBe('[shop-api] Variable edited');
    expect(rendered.text).toContain('Variable DATABASE_URL was edited.');
    expect(rendered.text).toContain('OTHER: (value not shown)');
    for (const part of [rendered.subject, rendered.text, rendered.html]) {
      expect(part).not.toContain('s3cr3t');
    }
  });

  it('escapes details in the HTML part', () => {
    const html = renderEmailHtml(
      eventNotification('email', 'app_crashed', { container: '<img src=x onerror=alert(1)>' }),
    );

    expect(html).not.toContain('<img');
    expect(html).toContain('Container &lt;img src=x onerror=alert(1)&gt; crashed.');
  });

  it('caps the summary', () => {
    const text = renderEmailText(
      eventNotification('email', 'app_alert_triggered', { message: 'm'.repeat(20_000) }),
    );

    const summary = text.split('\n')[2] ?? '';
    expect(summary.length).toBeLessThanOrEqual(maxEmailSummaryLength);
    expect(summary.endsWith('…')).toBe(true);
  });
});
