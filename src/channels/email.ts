import type { AttemptResult, Channel, Destination } from './types.ts';
import { renderEmail } from './email-render.ts';

/** Maximum length of an email address (RFC 5321 limits a path to 256 octets, brackets included). */
const maxAddressLength = 254;

/**
 * A pragmatic address check, not the full RFC 5322 grammar: a local part without spaces, control
 * characters or the characters that delimit addresses in a header (`<>()[],;:"\`), then `@` and
 * a domain of letters, digits and hyphens in dot-separated labels. Non-ASCII letters are allowed,
 * because nodemailer sends internationalised addresses.
 */
const addressPattern =
  /^[^\s\p{Cc}@<>()[\],;:"\\]{1,64}@[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?)*$/u;

/** Reports whether a text is an acceptable recipient address. */
export function isValidEmailAddress(address: string): boolean {
  return address.length <= maxAddressLength && addressPattern.test(address);
}

/**
 * Validates and deduplicates recipients. Duplicates are found ignoring case, and the first
 * spelling is kept. Returns the recipients, or a message naming the first bad entry and the fix.
 */
export function normalizeRecipients(
  recipients: readonly string[] | undefined,
): { recipients: string[] } | { error: string } {
  if (!recipients || recipients.length === 0) {
    return { error: 'recipients is empty; list at least one email address' };
  }

  const seen = new Set<string>();
  const unique: string[] = [];
  for (const [index, raw] of recipients.entries()) {
    const address = raw.trim();
    if (!isValidEmailAddress(address)) {
      const quoted = JSON.stringify(raw.slice(0, 100));
      return {
        error: `recipients[${index}] ${quoted} is not a valid email address; write it as name@example.com`,
      };
    }
    const key = address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(address);
  }
  return { recipients: unique };
}

function checkEmailDestination(destination: Destination): string | undefined {
  const result = normalizeRecipients(destination.recipients);
  return 'error' in result ? result.error : undefined;
}

/** The email channel: one message to all recipients of the notifier, through the mail sender. */
export const emailChannel: Channel = {
  platform: 'email',
  checkDestination: checkEmailDestination,
  deliver: async (notification, destination, context): Promise<AttemptResult> => {
    const recipients = normalizeRecipients(destination.recipients);
    if ('error' in recipients) return { ok: false, retryable: false, error: recipients.error };
    if (!context.mail) {
      return {
        ok: false,
        retryable: false,
        error: 'email delivery is not configured: the operator has no SMTP server',
      };
    }

    const message = renderEmail(notification);
    return context.mail.send({ to: recipients.recipients, ...message }, context.signal);
  },
};
