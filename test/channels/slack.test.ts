import { afterEach, describe, expect, it } from 'vitest';
import {
  renderSlackMessage,
  slackChannel,
  slackLimits,
  slackLink,
  type SlackBlock,
  type SlackMessage,
} from '../../src/channels/slack.ts';
import { createHttpSender, type HttpSender } from '../../src/delivery/http-sender.ts';
import { startHttpReceiver, type HttpReceiver } from '../support/receivers.ts';
import {
  eventNotification,
  hostileText,
  sampleAppUrl,
  sampleNotification,
} from './notification.ts';

let receiver: HttpReceiver | undefined;
let sender: HttpSender | undefined;

afterEach(async () => {
  await sender?.close();
  await receiver?.close();
  sender = undefined;
  receiver = undefined;
});

/** Collects every text of a Slack message, for checks that must pass everywhere. */
function allTexts(message: SlackMessage): string[] {
  const texts = [message.text];
  for (const block of message.blocks) {
    if ('text' in block) texts.push(block.text.text);
    if ('fields' in block) texts.push(...block.fields.map((field) => field.text));
    if ('elements' in block) texts.push(...block.elements.map((element) => element.text));
  }
  return texts;
}

function blockOfType<T extends 'header' | 'context'>(message: SlackMessage, type: T) {
  return message.blocks.find((block) => block.type === type) as Extract<SlackBlock, { type: T }>;
}

/** Lists the fields of each section that has fields, in order. */
function fieldSections(message: SlackMessage) {
  return message.blocks.flatMap((block) => ('fields' in block ? [block.fields] : []));
}

/** Lists the texts of the sections that have a text, in order. */
function textSections(message: SlackMessage) {
  return message.blocks.flatMap((block) =>
    block.type === 'section' && 'text' in block ? [block.text.text] : [],
  );
}

describe('slackChannel', () => {
  it('posts the payload as JSON to the webhook URL', async () => {
    receiver = await startHttpReceiver();
    sender = createHttpSender({ timeoutMs: 2000 });
    const notification = sampleNotification('slack');

    const result = await slackChannel.deliver(
      notification,
      { url: `${receiver.url}/services/T000/B000/XXXX` },
      { http: sender, now: () => new Date() },
    );

    expect(result).toEqual({ ok: true, status: 200 });
    const [request] = await receiver.waitFor(1);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/services/T000/B000/XXXX');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.json).toEqual(renderSlackMessage(notification));
  });

  it('returns the receiver error', async () => {
    receiver = await startHttpReceiver({ respond: () => ({ status: 404, body: 'no_team' }) });
    sender = createHttpSender({ timeoutMs: 2000 });

    const result = await slackChannel.deliver(
      sampleNotification('slack'),
      { url: `${receiver.url}/services/x` },
      { http: sender, now: () => new Date() },
    );

    expect(result).toEqual({
      ok: false,
      retryable: false,
      status: 404,
      error: 'HTTP 404 Not Found',
    });
  });

  it('fails permanently without a URL', async () => {
    sender = createHttpSender();

    const result = await slackChannel.deliver(
      sampleNotification('slack'),
      {},
      {
        http: sender,
        now: () => new Date(),
      },
    );

    expect(result).toEqual({
      ok: false,
      retryable: false,
      error: 'url is missing; set the webhook URL of the notifier',
    });
  });

  it.each([
    [{}, 'url is missing'],
    [{ url: 'hooks.slack.com/services/x' }, 'url is invalid: the URL is not a valid absolute URL'],
    [{ url: 'ftp://hooks.slack.com/x' }, 'url is invalid: the URL scheme "ftp" is not supported'],
  ])('rejects destination %j', (destination, message) => {
    expect(slackChannel.checkDestination(destination)).toContain(message);
  });

  it('accepts an https URL', () => {
    expect(
      slackChannel.checkDestination({ url: 'https://hooks.slack.com/services/T/B/X' }),
    ).toBeUndefined();
  });
});

describe('renderSlackMessage', () => {
  it('renders header, summary, fields, details and context', () => {
    const message = renderSlackMessage(sampleNotification('slack'));

    expect(message.text).toBe('[shop] App deployed: Deployed by alice.');
    expect(message.blocks.map((block) => block.type)).toEqual([
      'header',
      'section',
      'section',
      'section',
      'context',
    ]);
    expect(blockOfType(message, 'header').text).toEqual({
      type: 'plain_text',
      text: 'App deployed · shop',
      emoji: true,
    });
    expect(message.blocks[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: 'Deployed by alice.' },
    });
    expect(message.blocks[2]).toEqual({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*App*\nshop' },
        { type: 'mrkdwn', text: '*Namespace*\nshop' },
        {
          type: 'mrkdwn',
          text: '*When*\n<!date^1772366400^{date_short_pretty} {time_secs}|2026-03-01 12:00:00 UTC>',
        },
        { type: 'mrkdwn', text: '*Actor*\nalice' },
      ],
    });
    expect(message.blocks[3]).toEqual({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*version*\n1.4.2' },
        { type: 'mrkdwn', text: '*replicas*\n3' },
        { type: 'mrkdwn', text: '*Image*\n{"repository":"shop","tag":"1.4.2"}' },
      ],
    });
    expect(blockOfType(message, 'context').elements[0]?.text).toBe(
      'Herald · notifier team-chat · event shop-deployed-7x2kq (app_deployed)',
    );
  });

  it('leaves out the actor and the details when there are none', () => {
    const { actor: _actor, ...event } = sampleNotification('slack').event;
    const message = renderSlackMessage({
      ...sampleNotification('slack'),
      event: { ...event, data: {} },
    });

    const summary = fieldSections(message)[0] ?? [];
    expect(summary.map((field) => field.text.split('\n')[0])).toEqual([
      '*App*',
      '*Namespace*',
      '*When*',
    ]);
    expect(message.blocks).toHaveLength(4);
  });

  it.each([
    [hostileText.slackChannel, '&lt;!channel&gt; deploy done'],
    [hostileText.slackUser, 'ping &lt;@U123ABC&gt;'],
    [hostileText.slackLink, 'see &lt;http://evil.example|the docs&gt;'],
    ['R&D <b>', 'R&amp;D &lt;b&gt;'],
    ['Déployé 🚀 日本語', 'Déployé 🚀 日本語'],
  ])('escapes %j in every text', (hostile, escaped) => {
    const message = renderSlackMessage(
      sampleNotification('slack', {
        type: 'app_restarted',
        app: hostile,
        displayName: hostile,
        description: hostile,
        actor: hostile,
        data: { [hostile]: hostile },
      }),
    );

    expect(message.blocks[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: escaped },
    });
    for (const text of allTexts(message)) {
      expect(text).not.toContain('<!channel>');
      expect(text).not.toContain('<@');
      expect(text).not.toContain('<http');
    }
  });

  it('keeps the date token free of event text', () => {
    const message = renderSlackMessage(sampleNotification('slack', { occurredAt: '<!channel>|x' }));

    const when = fieldSections(message)[0]?.[2];
    expect(when?.text).toBe('*When*\n&lt;!channel&gt;|x');
  });

  it('truncates to the Block Kit limits', () => {
    const long = 'é'.repeat(10_000);
    const data = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`key${i}`, long]));
    const message = renderSlackMessage(
      sampleNotification('slack', {
        type: 'app_restarted',
        displayName: long,
        description: long,
        data,
      }),
    );

    const header = blockOfType(message, 'header').text.text;
    expect(header).toHaveLength(slackLimits.header);
    expect(header.endsWith('…')).toBe(true);
    const description = textSections(message)[0] ?? '';
    expect(description).toHaveLength(slackLimits.sectionText);
    expect(description.endsWith('…')).toBe(true);
    const details = fieldSections(message)[1] ?? [];
    expect(details).toHaveLength(slackLimits.fieldsPerSection);
    expect(details.at(-1)?.text).toBe('*…*\n6 more details not shown');
    for (const field of details)
      expect(field.text.length).toBeLessThanOrEqual(slackLimits.fieldText);
    expect(message.text.length).toBeLessThanOrEqual(slackLimits.fallbackText);
  });
});

describe('renderSlackMessage with event layouts', () => {
  const memoryResolved = {
    state: 'resolved',
    metric: 'memory',
    value: 42,
    limit: 80,
    unit: '%',
    direction: 'above',
    containerType: 'web',
  };

  it('renders a resolved alert with a link to the app', () => {
    const message = renderSlackMessage(
      eventNotification('slack', 'app_alert_triggered', memoryResolved, { appUrl: sampleAppUrl }),
    );

    expect(message.text).toBe(
      '[shop-api] Alert resolved: memory: Resolved: memory on web is back below the limit of 80% (now 42%).',
    );
    expect(blockOfType(message, 'header').text.text).toBe('Alert resolved: memory · shop-api');
    expect(textSections(message)).toEqual([
      'Resolved: memory on web is back below the limit of 80% (now 42%).\n' +
        `<${sampleAppUrl}|Open shop-api in the dashboard>`,
    ]);
    expect(fieldSections(message)[1]).toEqual([
      { type: 'mrkdwn', text: '*State*\nResolved' },
      { type: 'mrkdwn', text: '*Value*\n42%' },
      { type: 'mrkdwn', text: '*Metric*\nmemory' },
      { type: 'mrkdwn', text: '*Limit*\nabove 80%' },
      { type: 'mrkdwn', text: '*Container type*\nweb' },
    ]);
  });

  it('renders a deployment and escapes its details', () => {
    const message = renderSlackMessage(
      eventNotification('slack', 'app_deployed', {
        gitRef: '<!channel>',
        deployer: 'R&D <@U123>',
        duration: 95,
      }),
    );

    expect(textSections(message)).toEqual([
      'Deployed &lt;!channel&gt; by R&amp;D &lt;@U123&gt; in 1 min 35 s.',
    ]);
    expect(fieldSections(message)[1]).toEqual([
      { type: 'mrkdwn', text: '*Git ref*\n&lt;!channel&gt;' },
      { type: 'mrkdwn', text: '*Deployer*\nR&amp;D &lt;@U123&gt;' },
      { type: 'mrkdwn', text: '*Duration*\n1 min 35 s' },
    ]);
    for (const text of allTexts(message)) {
      expect(text).not.toContain('<!channel>');
      expect(text).not.toContain('<@');
    }
  });

  it('names variables and never shows their values', () => {
    const message = renderSlackMessage(
      eventNotification('slack', 'variable_bulk_edited', {
        values: { DATABASE_URL: 'postgres://u:s3cr3t@db', API_KEY: 'sk-s3cr3t' },
      }),
    );

    expect(textSections(message)).toEqual(['2 variables were edited: DATABASE_URL, API_KEY.']);
    expect(fieldSections(message)[1]).toEqual([
      { type: 'mrkdwn', text: '*Variables*\nDATABASE_URL, API_KEY' },
    ]);
    expect(JSON.stringify(message)).not.toContain('s3cr3t');
  });

  it('cuts a long summary and keeps the link whole', () => {
    const message = renderSlackMessage(
      eventNotification(
        'slack',
        'app_alert_triggered',
        { metric: 'cpu', message: '&'.repeat(10_000) },
        { appUrl: sampleAppUrl },
      ),
    );

    const [section = ''] = textSections(message);
    const link = `<${sampleAppUrl}|Open shop-api in the dashboard>`;
    expect(section.length).toBeLessThanOrEqual(slackLimits.sectionText);
    expect(section.endsWith(`…\n${link}`)).toBe(true);
    expect(section).not.toMatch(/&(?!amp;)/);
  });
});

describe('slackLink', () => {
  it.each([
    ['https://d.example.com/a?x=1&y=2', '<https://d.example.com/a?x=1&amp;y=2|Open>'],
    ['https://d.example.com/a|b', '<https://d.example.com/a%7Cb|Open>'],
    ['https://d.example.com/<b>', '<https://d.example.com/&lt;b&gt;|Open>'],
  ])('formats %j', (url, expected) => {
    expect(slackLink({ url, label: 'Open' })).toBe(expected);
  });

  it('escapes the label and keeps it from ending the link', () => {
    expect(slackLink({ url: 'https://d.example.com', label: 'a|b <c>' })).toBe(
      '<https://d.example.com|a/b &lt;c&gt;>',
    );
  });

  it('drops a URL too long to leave room for the summary', () => {
    expect(slackLink({ url: `https://d.example.com/${'x'.repeat(2000)}`, label: 'x' })).toBe(
      undefined,
    );
  });
});
