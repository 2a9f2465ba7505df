import { afterEach, describe, expect, it } from 'vitest';
import {
  mattermostChannel,
  mattermostColor,
  renderMattermostMessage,
  type MattermostMessage,
} from '../../src/channels/mattermost.ts';
import { createHttpSender, type HttpSender } from '../../src/delivery/http-sender.ts';
import { startHttpReceiver, type HttpReceiver } from '../support/receivers.ts';
import { maxChatFields, maxChatFieldValuesLength } from '../../src/channels/chat-markdown.ts';
import {
  eventNotification,
  hostileText,
  sampleAppUrl,
  sampleNotification,
} from './notification.ts';

const zwsp = '\u200B';

let receiver: HttpReceiver | undefined;
let sender: HttpSender | undefined;

afterEach(async () => {
  await sender?.close();
  await receiver?.close();
  sender = undefined;
  receiver = undefined;
});

/** Collects every text of a Mattermost message. */
function allTexts(message: MattermostMessage): string[] {
  return [
    message.text,
    ...message.attachments.flatMap((attachment) => [
      attachment.fallback,
      attachment.title,
      attachment.text,
      attachment.footer,
      ...attachment.fields.flatMap((field) => [field.title, field.value]),
    ]),
  ];
}

describe('mattermostChannel', () => {
  it('posts the payload as JSON to the webhook URL', async () => {
    receiver = await startHttpReceiver();
    sender = createHttpSender({ timeoutMs: 2000 });
    const notification = sampleNotification('mattermost');

    const result = await mattermostChannel.deliver(
      notification,
      { url: `${receiver.url}/hooks/xf4ez7k3tbgqmx` },
      { http: sender, now: () => new Date() },
    );

    expect(result).toEqual({ ok: true, status: 200 });
    const [request] = await receiver.waitFor(1);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/hooks/xf4ez7k3tbgqmx');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.json).toEqual(renderMattermostMessage(notification));
  });

  it('checks the destination URL', () => {
    expect(mattermostChannel.checkDestination({})).toContain('url is missing');
    expect(mattermostChannel.checkDestination({ url: 'https://chat.example.com/hooks/x' })).toBe(
      undefined,
    );
  });
});

describe('renderMattermostMessage', () => {
  it('renders text and one attachment', () => {
    const message = renderMattermostMessage(sampleNotification('mattermost'));

    expect(message.text).toBe('\\[shop\\] App deployed');
    expect(message.attachments).toHaveLength(1);
    const [attachment] = message.attachments;
    expect(attachment?.fallback).toBe('[shop] App deployed: Deployed by alice.');
    expect(attachment?.color).toBe(mattermostColor);
    expect(attachment?.title).toBe('App deployed · shop');
    expect(attachment?.text).toBe('Deployed by alice.');
    expect(attachment).not.toHaveProperty('title_link');
    expect(attachment?.footer).toBe(
      'Herald · notifier team-chat · event shop-deployed-7x2kq (app_deployed)',
    );
    expect(attachment?.fields).toEqual([
      { title: 'App', value: 'shop', short: true },
      { title: 'Namespace', value: 'shop', short: true },
      { title: 'When', value: '2026-03-01 12:00:00 UTC', short: true },
      { title: 'Actor', value: 'alice', short: true },
      { title: 'version', value: '1.4.2', short: true },
      { title: 'replicas', value: '3', short: true },
      { title: 'Image', value: '{"repository":"shop","tag":"1.4.2"}', short: true },
    ]);
  });

  it.each([
    [hostileText.mention, `@${zwsp}channel @${zwsp}here @${zwsp}all @${zwsp}alice`],
    [hostileText.markdownLink, `\\[click here\\]${zwsp}(http:${zwsp}//evil.example)`],
    [hostileText.markdownImage, `!\\[pixel\\]${zwsp}(http:${zwsp}//evil.example/p.png)`],
    [hostileText.autolink, `visit http:${zwsp}//evil.example or www${zwsp}.evil.example`],
    [hostileText.html, '\\<script\\>alert(1)\\</script\\>'],
    ['Déployé 🚀 日本語', 'Déployé 🚀 日本語'],
  ])('neutralises %j in every text', (hostile, neutralised) => {
    const message = renderMattermostMessage(
      sampleNotification('mattermost', {
        type: 'app_restarted',
        app: hostile,
        displayName: hostile,
        description: hostile,
        actor: hostile,
        data: { [hostile]: hostile },
      }),
    );

    expect(message.attachments[0]?.text).toBe(neutralised);
    for (const text of allTexts(message)) {
      expect(text).not.toMatch(/@(channel|here|all|alice)/);
      expect(text).not.toContain('](');
      expect(text).not.toContain('://');
      expect(text).not.toContain('www.');
    }
  });

  it('truncates long texts', () => {
    const long = 'x'.repeat(20_000);
    const message = renderMattermostMessage(
      sampleNotification('mattermost', {
        type: 'app_restarted',
        description: long,
        data: { log: long },
      }),
    );

    const [attachment] = message.attachments;
    expect(attachment?.text).toHaveLength(3000);
    expect(attachment?.text.endsWith('…')).toBe(true);
    expect(attachment?.fields.at(-1)?.value).toHaveLength(500);
    expect(JSON.stringify(message).length).toBeLessThan(16_383);
  });
});

describe('renderMattermostMessage with event layouts', () => {
  it('renders a crash with a link to the app', () => {
    const message = renderMattermostMessage(
      eventNotification(
        'mattermost',
        'app_crashed',
        { container: 'web-1', exitCode: 137, reason: 'OOMKilled', crashCount: 5 },
        { appUrl: sampleAppUrl },
      ),
    );

    expect(message.text).toBe('\\[shop-api\\] App crashed');
    const [attachment] = message.attachments;
    expect(attachment?.title).toBe('App crashed · shop-api');
    expect(attachment?.title_link).toBe(sampleAppUrl);
    expect(attachment?.fallback).toBe(
      '[shop-api] App crashed: Container web-1 exited with code 137 (OOMKilled).',
    );
    expect(attachment?.text).toBe(
      'Container web-1 exited with code 137 (OOMKilled).\n5th crash in a row.',
    );
    expect(attachment?.fields.slice(4)).toEqual([
      { title: 'Container', value: 'web-1', short: true },
      { title: 'Exit code', value: '137', short: true },
      { title: 'Reason', value: 'OOMKilled', short: true },
      { title: 'Crashes in a row', value: '5', short: true },
    ]);
  });

  it('neutralises variable names and never shows their values', () => {
    const message = renderMattermostMessage(
      eventNotification('mattermost', 'variable_added', {
        values: { '@channel_*KEY*': 'sk-s3cr3t' },
      }),
    );

    const [attachment] = message.attachments;
    expect(attachment?.text).toBe(`Variable @${zwsp}channel\\_\\*KEY\\* was added.`);
    expect(attachment?.fields.at(-1)).toEqual({
      title: 'Variable',
      value: `@${zwsp}channel\\_\\*KEY\\*`,
      short: true,
    });
    expect(JSON.stringify(message)).not.toContain('s3cr3t');
  });

  it('keeps a post with many long details under the maximum post size', () => {
    const data = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`key${i}`, `*${'z'.repeat(2000)}`]),
    );
    const message = renderMattermostMessage(
      eventNotification('mattermost', 'app_restarted', data, { appUrl: sampleAppUrl }),
    );

    const [attachment] = message.attachments;
    const values = attachment?.fields.map((field) => field.value) ?? [];
    expect(attachment?.fields).toHaveLength(maxChatFields);
    expect(values.join('').length).toBeLessThanOrEqual(maxChatFieldValuesLength);
    expect(values.at(-2)).toBe('…');
    expect(allTexts(message).join('').length).toBeLessThan(16_383);
  });
});
