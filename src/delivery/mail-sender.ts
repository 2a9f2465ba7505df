import { createTransport, type SMTPPoolSentMessageInfo } from 'nodemailer';
import type { AttemptResult } from '../channels/types.ts';

/** SMTP connection settings of the email channel. */
export interface MailSenderOptions {
  host: string;
  port: number;
  /** Uses TLS from the first byte (usually port 465) instead of STARTTLS. */
  secure?: boolean;
  /** Fails unless the server upgrades the connection with STARTTLS. */
  requireTLS?: boolean;
  /** Never upgrades with STARTTLS, even when the server offers it. */
  ignoreTLS?: boolean;
  auth?: { user: string; pass: string };
  /** The From address of every message. */
  from: string;
  /** Limit in milliseconds on connecting, on the greeting and on each socket inactivity. */
  timeoutMs?: number;
  tls?: { rejectUnauthorized?: boolean; ca?: string };
}

/** One rendered email. */
export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/** Sends rendered emails over a pooled SMTP connection. */
export interface MailSender {
  /** Makes one send attempt. Resolves with the classified outcome and never rejects. */
  send(message: MailMessage, signal?: AbortSignal): Promise<AttemptResult>;
  /** Closes the pooled connections. */
  close(): void;
}

/** Default SMTP timeout in milliseconds. */
export const defaultSmtpTimeoutMs = 10_000;

/** Creates a mail sender. No connection opens before the first send. */
export function createMailSender(options: MailSenderOptions): MailSender {
  const timeoutMs = options.timeoutMs ?? defaultSmtpTimeoutMs;
  const transport = createTransport({
    pool: true,
    maxConnections: 2,
    host: options.host,
    port: options.port,
    secure: options.secure ?? false,
    requireTLS: options.requireTLS ?? false,
    ignoreTLS: options.ignoreTLS ?? false,
    ...(options.auth ? { auth: { user: options.auth.user, pass: options.auth.pass } } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    logger: false,
  });

  return {
    send: async (message, signal) => {
      if (signal?.aborted) return cancelledResult;

      // NOTE: nodemailer cannot cancel a message in flight. After an abort the SMTP transaction
      // may still complete, so a retry of a cancelled attempt can deliver the message twice.
      const sending = transport
        .sendMail({ from: options.from, ...message })
        .then(classifySent, classifySmtpError);
      return signal ? raceCancellation(sending, signal) : sending;
    },
    close: () => transport.close(),
  };
}

const cancelledResult: AttemptResult = {
  ok: false,
  retryable: true,
  error: 'cancelled before the SMTP server accepted the message',
};

async function raceCancellation(
  sending: Promise<AttemptResult>,
  signal: AbortSignal,
): Promise<AttemptResult> {
  let onAbort = () => {};
  const cancelled = new Promise<AttemptResult>((resolve) => {
    onAbort = () => resolve(cancelledResult);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([sending, cancelled]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * Classifies a message that the server accepted for at least one recipient. When it rejected
 * the others, the attempt is a permanent failure: retrying would send the message again to the
 * recipients that already have it.
 */
function classifySent(info: SMTPPoolSentMessageInfo): AttemptResult {
  const rejected = info.rejected.length;
  if (rejected === 0) return { ok: true };

  const total = info.accepted.length + rejected;
  const codes = (info.rejectedErrors ?? []).map(smtpReplyLabel).filter(Boolean);
  const reason = codes.length > 0 ? ` (${[...new Set(codes)].join(', ')})` : '';
  return {
    ok: false,
    retryable: false,
    error: `SMTP server rejected ${rejected} of ${total} recipients${reason}; check those addresses`,
  };
}

/** Error codes of nodemailer that describe the connection rather than a reply. */
const connectionErrors: Record<string, string> = {
  ECONNECTION: 'SMTP connection failed',
  ESOCKET: 'SMTP connection failed',
  ETIMEDOUT: 'SMTP server timed out',
  EDNS: 'SMTP host name not found',
  ETLS: 'TLS with the SMTP server failed',
  EPROTOCOL: 'SMTP server sent an invalid response',
};

/**
 * Classifies a send that failed. A 4xx reply or a connection problem is retryable, a 5xx reply
 * permanent. The text holds only codes and the SMTP command, never the server's reply text, which
 * may echo addresses, nor anything of the credentials.
 */
export function classifySmtpError(error: unknown): AttemptResult {
  const fields = smtpErrorFields(error);

  if (fields.responseCode !== undefined) {
    const retryable = fields.responseCode < 500;
    const failure = fields.code === 'EAUTH' ? 'SMTP authentication failed' : 'SMTP server replied';
    return { ok: false, retryable, error: `${failure} ${smtpReplyLabel(error)}` };
  }

  if (fields.code === 'EAUTH' || fields.code === 'ENOAUTH') {
    return { ok: false, retryable: false, error: `SMTP authentication failed (${fields.code})` };
  }
  if (fields.code === 'EENVELOPE' || fields.code === 'EMESSAGE') {
    return { ok: false, retryable: false, error: `SMTP message rejected (${fields.code})` };
  }

  const detail = [fields.code, fields.originalCode].filter(Boolean).join(', ');
  // nodemailer reports a rejected certificate as a socket error; retrying cannot fix it.
  if (fields.originalCode && untrustedCertificateCodes.has(fields.originalCode)) {
    return {
      ok: false,
      retryable: false,
      error: `TLS certificate of the SMTP server is not trusted (${detail})`,
    };
  }
  const text = (fields.code && connectionErrors[fields.code]) ?? 'SMTP send failed';
  // A failed TLS handshake does not heal by retrying; every other connection problem may.
  const retryable = fields.code !== 'ETLS';
  return { ok: false, retryable, error: detail ? `${text} (${detail})` : text };
}

/** Node's codes for a server certificate that TLS verification rejected. */
const untrustedCertificateCodes = new Set([
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

interface SmtpErrorFields {
  code?: string;
  originalCode?: string;
  responseCode?: number;
  command?: string;
}

function smtpErrorFields(error: unknown): SmtpErrorFields {
  if (typeof error !== 'object' || error === null) return {};
  const record = error as Record<string, unknown>;
  const code = typeof record.code === 'string' ? record.code : undefined;
  const originalCode = typeof record.originalCode === 'string' ? record.originalCode : undefined;
  const responseCode = typeof record.responseCode === 'number' ? record.responseCode : undefined;
  const command = typeof record.command === 'string' ? record.command : undefined;
  return { code, originalCode, responseCode, command };
}

/** Known SMTP commands; anything else nodemailer reports (such as "API") is left out. */
const smtpCommands = /^(?:MAIL FROM|RCPT TO|DATA|AUTH [A-Z0-9-]+|EHLO|HELO|LHLO|STARTTLS|RSET)$/;

/** Formats "550 at RCPT TO" from an error's reply code and command. */
function smtpReplyLabel(error: unknown): string {
  const { responseCode, command } = smtpErrorFields(error);
  if (responseCode === undefined) return '';
  return command && smtpCommands.test(command)
    ? `${responseCode} at ${command}`
    : `${responseCode}`;
}
