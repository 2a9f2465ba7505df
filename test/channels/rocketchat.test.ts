import { afterEach, describe, expect, it } from 'vitest';
import {
  renderRocketChatMessage,
  rocketChatChannel,
  rocketChatColor,
  type RocketChatMessage,
} from '../../src/channels/rocketchat.ts';
import { createHttpSender, type HttpSender } from '../../src/delivery/http-sender.ts';
import { startHttpReceiver, type HttpReceiver } from '../support/receivers.ts';
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

/** Collects every text of a Rocket.Chat message. */
function allTexts(message: RocketChatMessage): string[] {
  return [
    message.text,
    ...message.attachments.flatMap((attachment) => [
      attachment.title,
      attachment.text,
      ...attachment.fields.flatMap((field) => [field.title, field.value]),
    ]),
  ];
}

describe('rocketChatChannel', () => {
  it('posts the payload as JSON to the webhook URL', async () => {
    receiver = await startHttpReceiver({
      respond: () => ({ status: 200, body: '{"success":true}' }),
    });
    sender = createHttpSender({ timeoutMs: 2000 });
    const notification = sampleNotification('rocketchat');

    const result = await rocketChatChannel.deliver(
      notification,
      { url: `${receiver.url}/hooks/6xTB3/Zk9pQ` },
      { http: sender, now: () => new Date() },
    );

    expect(result).toEqual({ ok: true, status: 200 });
    const [request] = await receiver.waitFor(1);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/hooks/6xTB3/Zk9pQ');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.json).toEqual(renderRocketChatMessage(notification));
  });

  it('checks the destination URL', () => {
    expect(rocketChatChannel.checkDestination({ url: 'chat/hooks/x' })).toContain('url is invalid');
    expect(rocketChatChannel.checkDestination({ url: 'https://chat.example.com/hooks/x' })).toBe(
      undefined,
    );
  });
});

describe('renderRocketChatMessage', () => {
  it('renders text and one attachment', () => {
    const message = renderRocketChatMessage(sampleNotification('rocketchat'));

    expect(message.text).toBe('[shop] App deployed');
    const [attachment] = message.attachments;
    expect(attachment?.title).toBe('App deployed · shop');
    expect(attachment?.text).toBe(
      'Deployed by alice.\n\nHerald · notifier team-chat · event shop-deployed-7x2kq (app\\_deployed)',
    );
    expect(attachment?.color).toBe(rocketChatColor);
    expect(attachment?.ts).toBe('2026-03-01T12:00:00.000Z');
    expect(attachment?.fields[0]).toEqual({ title: 'App', value: 'shop', short: true });
    expect(attachment?.fields.map((field) => field.title)).toEqual([
      'App',
      'Namespace',
      'When',
      'Actor',
      'version',
      'replicas',
      'Image',
    ]);
    expect(attachment).not.toHaveProperty('title_link');
  });

  it('leaves out ts when the time is unparsable', () => {
    const message = renderRocketChatMessage(
      sampleNotification('rocketchat', { occurredAt: 'not a time' }),
    );

    expect(message.attachments[0]).not.toHaveProperty('ts');
  });

  it.each([
    [hostileText.mention, `@${zwsp}channel @${zwsp}here @${zwsp}all @${zwsp}alice`],
    [hostileText.markdownLink, `[click here]${zwsp}(http:${zwsp}//evil.example)`],
    [hostileText.markdownImage, `![pixel]${zwsp}(http:${zwsp}//evil.example/p.png)`],
    [hostileText.autolink, `visit http:${zwsp}//evil.example or www${zwsp}.evil.example`],
    [hostileText.slackLink, `see <http:${zwsp}//evil.example|the docs>`],
    ['*bold* `code`', '\\*bold\\* \\`code\\`'],
    ['Déployé 🚀 日本語', 'Déployé 🚀 日本語'],
  ])('neutralises %j in every text', (hostile, neutralised) => {
    const message = renderRocketChatMessage(
      sampleNotification('rocketchat', {
        type: 'app_restarted',
        app: hostile,
        displayName: hostile,
        description: hostile,
        actor: hostile,
        data: { [hostile]: hostile },
      }),
    );

    expect(message.attachments[0]?.text.split('\n\n')[0]).toBe(neutralised);
    for (const text of allTexts(message)) {
      expect(text).not.toMatch(/@(channel|here|all|alice)/);
      expect(text).not.toContain('](');
      expect(text).not.toContain('://');
      expect(text).not.toContain('www.');
    }
  });

  it('truncates long texts', () => {
    const long = 'y'.repeat(20_000);
    const message = renderRocketChatMessage(
      sampleNotification('rocketchat', {
        type: 'app_restarted',
        displayName: long,
        description: long,
      }),
    );

    const [attachment] = message.attachments;
    expect(attachment?.title).toHaveLength(250);
    expect(attachment?.text.split('\n\n')[0]).toHaveLength(3000);
    expect(message.text.length).toBeLessThanOrEqual(500);
    expect(message.text.endsWith('…')).toBe(true);
  });
});

describe('renderRocketChatMessage with event layouts', () => {
  it('renders a scale with a link to the app', () => {
    const message = renderRocketChatMessage(
      eventNotification(
        'rocketchat',
        'app_scaled',
        { from: { web: 2, worker: 1 }, to: { web: 4, worker: 1 } },
        { appUrl: sampleAppUrl },
      ),
    );

    expect(message.text).toBe('[shop-api] App scaled');
    const [attachment] = message.attachments;
    expect(attachment?.title).toBe('App scaled · shop-api');
    expect(attachment?.title_link).toBe(sampleAppUrl);
    expect(attachment?.text).toBe(
      'Scaled web from 2 to 4.\n\nHerald · notifier team-chat · event shop-deployed-7x2kq (app\\_scaled)',
    );
    expect(attachment?.fields.slice(4)).toEqual([
      { title: 'web', value: '2 → 4', short: true },
      { title: 'worker', value: '1 → 1', short: true },
    ]);
  });

  it('neutralises a deployer in the summary', () => {
    const message = renderRocketChatMessage(
      eventNotification('rocketchat', 'app_deployed', {
        gitRef: 'main',
        deployer: '@all *see* http://evil.example',
      }),
    );

    expect(message.attachments[0]?.text.split('\n\n')[0]).toBe(
      `Deployed main by @${zwsp}all \\*see\\* http:${zwsp}//evil.example.`,
    );
  });
});
