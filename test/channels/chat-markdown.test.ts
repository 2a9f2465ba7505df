import { describe, expect, it } from 'vitest';
import {
  chatFields,
  mattermostMarkdown,
  maxChatFields,
  plainChatText,
  rocketChatMarkdown,
} from '../../src/channels/chat-markdown.ts';
import { fitText } from '../../src/channels/format.ts';
import { composeMessage } from '../../src/channels/message.ts';
import { sampleNotification } from './notification.ts';

const zwsp = '\u200B';

/** Neutralises a whole text with an escaper, without a length limit that matters. */
const neutralise = (text: string, escaper = mattermostMarkdown) => fitText(text, 10_000, escaper);

describe('mattermostMarkdown', () => {
  it.each([
    ['@channel', `@${zwsp}channel`],
    ['@here and @all', `@${zwsp}here and @${zwsp}all`],
    ['mail alice@example.com', `mail alice@${zwsp}example.com`],
    ['[x](http://evil)', `\\[x\\]${zwsp}(http:${zwsp}//evil)`],
    ['![x](http://evil/p.png)', `!\\[x\\]${zwsp}(http:${zwsp}//evil/p.png)`],
    ['https://evil.example/path', `https:${zwsp}//evil.example/path`],
    ['see www.evil.example', `see www${zwsp}.evil.example`],
    ['WWW.EVIL.EXAMPLE', `WWW${zwsp}.EVIL.EXAMPLE`],
    ['<http://x|y>', `\\<http:${zwsp}//x\\|y\\>`],
    ['**bold** _it_ ~~s~~ `code`', '\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~ \\`code\\`'],
    ['# heading', '\\# heading'],
    ['| a | b |', '\\| a \\| b \\|'],
    ['back\\slash', 'back\\\\slash'],
    ['ümlaut 🚀 日本語', 'ümlaut 🚀 日本語'],
    ['ratio 3:2 and 12:30', 'ratio 3:2 and 12:30'],
  ])('neutralises %j', (input, expected) => {
    expect(neutralise(input)).toBe(expected);
  });
});

describe('rocketChatMarkdown', () => {
  it.each([
    ['@all', `@${zwsp}all`],
    ['[x](http://evil)', `[x]${zwsp}(http:${zwsp}//evil)`],
    ['![x](y)', `![x]${zwsp}(y)`],
    ['*bold* _it_ ~s~ `code` #tag', '\\*bold\\* \\_it\\_ \\~s\\~ \\`code\\` \\#tag'],
    ['[plain] (text)', '[plain] (text)'],
    ['<http://x|y>', `<http:${zwsp}//x|y>`],
  ])('neutralises %j', (input, expected) => {
    expect(neutralise(input, rocketChatMarkdown)).toBe(expected);
  });
});

describe('plainChatText', () => {
  it('breaks mentions and links without backslashes', () => {
    expect(neutralise('@here *see* http://x', plainChatText)).toBe(
      `@${zwsp}here *see* http:${zwsp}//x`,
    );
  });
});

describe('chatFields', () => {
  it('lists summary fields, then data fields', () => {
    const message = composeMessage(sampleNotification('mattermost'));

    const fields = chatFields(message, mattermostMarkdown);

    expect(fields.map((field) => field.title)).toEqual([
      'App',
      'Namespace',
      'When',
      'Actor',
      'version',
      'replicas',
      'Image',
    ]);
    expect(fields[6]).toEqual({
      title: 'Image',
      value: '{"repository":"shop","tag":"1.4.2"}',
      short: true,
    });
  });

  it('caps the number of fields', () => {
    const data = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`key${i}`, i]));
    const message = composeMessage(sampleNotification('mattermost', { data }));

    const fields = chatFields(message, mattermostMarkdown);

    expect(fields).toHaveLength(maxChatFields);
    expect(fields.at(-1)).toEqual({
      title: '…',
      value: '25 more details not shown',
      short: false,
    });
  });
});
