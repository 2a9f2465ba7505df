import {
  ellipsis,
  fitText,
  maxLabelLength,
  maxValueLength,
  type DetailField,
  type Escaper,
} from './format.ts';
import type { Message } from './message.ts';

/**
 * Neutralising of event text for the markdown chat platforms, Mattermost and Rocket.Chat.
 *
 * Mentions, links and autolinks are broken by inserting a zero-width space (U+200B), because it
 * works on both platforms whatever their markdown engine supports. It renders as nothing, and
 * the mention parsers of both platforms treat it as a word break, so "@\u200Bchannel" notifies
 * no one. Markdown formatting characters are escaped with a backslash where the platform's
 * renderer supports backslash escapes.
 */
const zeroWidthSpace = '\u200B';

/** Mattermost renders CommonMark, so every formatting character can be backslash-escaped. */
export const mattermostEscaped: ReadonlySet<string> = new Set('\\`*_~[]<>|#');

/**
 * Rocket.Chat's message parser (@rocket.chat/message-parser) honours a backslash only before a
 * few characters, among them `*`, `_`, `~`, backtick and `#`. A backslash before any other
 * character would show, so links there are broken by the zero-width space alone.
 */
export const rocketChatEscaped: ReadonlySet<string> = new Set('`*_~#');

/**
 * Creates an Escaper that neutralises text for one markdown platform:
 * - every `@` is followed by a zero-width space, so `@channel`, `@here`, `@all` and `@user`
 *   mention no one (email addresses lose their autolink too);
 * - `://` becomes `:\u200B//` and `www.` becomes `www\u200B.`, so URLs are not autolinked;
 * - `](` becomes `]\u200B(`, so `[x](y)` and `![x](y)` are neither links nor images;
 * - the characters in `escaped` get a backslash.
 */
export function markdownEscaper(escaped: ReadonlySet<string>): Escaper {
  return (characters) =>
    characters.map((character, index) => {
      const base = escaped.has(character) ? `\\${character}` : character;
      return breaksAfter(characters, index) ? `${base}${zeroWidthSpace}` : base;
    });
}

/** Reports whether a zero-width space must follow the character at `index`. */
function breaksAfter(characters: readonly string[], index: number): boolean {
  const character = characters[index];
  const next = characters[index + 1];
  if (character === '@') return true;
  if (character === ':') return next === '/' && characters[index + 2] === '/';
  if (character === ']') return next === '(';
  return isThirdWOfWww(characters, index);
}

function isThirdWOfWww(characters: readonly string[], index: number): boolean {
  const word = characters
    .slice(Math.max(0, index - 2), index + 2)
    .join('')
    .toLowerCase();
  return index >= 2 && word === 'www.';
}

/** Escaper for Mattermost message text, attachment text and field values. */
export const mattermostMarkdown: Escaper = markdownEscaper(mattermostEscaped);

/** Escaper for Rocket.Chat message text, attachment text and field values. */
export const rocketChatMarkdown: Escaper = markdownEscaper(rocketChatEscaped);

/**
 * Escaper for plain-text fields that a platform does not render as markdown but may still scan
 * for mentions and links, such as an attachment's `fallback`: zero-width spaces only, no
 * backslashes, which would show there.
 */
export const plainChatText: Escaper = markdownEscaper(new Set());

/** One attachment field in the Slack-compatible form that Mattermost and Rocket.Chat accept. */
export interface ChatField {
  title: string;
  value: string;
  short: boolean;
}

/** Herald's cap on the fields of one chat attachment, because neither platform documents one. */
export const maxChatFields = 20;

/**
 * Herald's cap on the field values of one attachment together, in characters after escaping. With
 * the other texts of a message it keeps a post under 16383 characters, Mattermost's default
 * maximum post size, so that a message with many long details is cut rather than rejected.
 */
export const maxChatFieldValuesLength = 6000;

/** Values up to this length are shown side by side with the next field. */
const shortValueLength = 40;

/**
 * Builds the attachment fields of a message: app, namespace, time and actor, then the details.
 * Titles are neutralised as plain text, values with `valueEscaper`. Past maxChatFields, the last
 * field counts the fields left out. Once the values reach maxChatFieldValuesLength, the
 * remaining values are cut to "…".
 */
export function chatFields(message: Message, valueEscaper: Escaper): ChatField[] {
  const all = [...message.context, ...message.details];
  const overflow = all.length > maxChatFields;
  const visible = overflow ? all.slice(0, maxChatFields - 1) : all;

  const marker = `${all.length - visible.length} more details not shown`;
  let budget = maxChatFieldValuesLength - (overflow ? marker.length : 0);
  const fields = visible.map((field: DetailField, index): ChatField => {
    // Leave one character for each later field, so that each can still show "…".
    const later = visible.length - index - 1;
    const room = Math.max(ellipsis.length, Math.min(maxValueLength * 2, budget - later));
    const value = fitText(field.value, room, valueEscaper);
    budget -= value.length;
    return {
      title: fitText(field.label, maxLabelLength, plainChatText),
      value,
      short: field.value.length <= shortValueLength,
    };
  });

  if (overflow) fields.push({ title: ellipsis, value: marker, short: false });
  return fields;
}
