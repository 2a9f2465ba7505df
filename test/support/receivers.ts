import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One request as the HTTP receiver saw it. */
export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  /** Header names are lower case. */
  headers: IncomingHttpHeaders;
  /** The raw body, decoded as UTF-8. */
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  /** The client's port, which tells whether two requests shared a connection. */
  remotePort: number | undefined;
}

/** The response of the HTTP receiver to one request. With `hang`, it never responds. */
export interface ReceiverResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  hang?: boolean;
}

/** A local HTTP server on 127.0.0.1 that records every request. */
export interface HttpReceiver {
  /** Base URL, such as http://127.0.0.1:40123, without a trailing slash. */
  url: string;
  requests: RecordedRequest[];
  /** Resolves once `count` requests arrived; rejects after `timeoutMs` (default 5000). */
  waitFor(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

/** Starts an HTTP receiver. By default it responds to every request with 200 "ok". */
export async function startHttpReceiver(
  options: { respond?: (request: RecordedRequest, index: number) => ReceiverResponse } = {},
): Promise<HttpReceiver> {
  const requests: RecordedRequest[] = [];
  const arrivals = new Arrivals(() => requests.length);
  const hanging = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        json: parseJson(body),
        remotePort: req.socket.remotePort,
      };
      const index = requests.push(recorded) - 1;
      const answer = options.respond?.(recorded, index) ?? { status: 200, body: 'ok' };
      arrivals.notify();

      if (answer.hang) {
        hanging.add(res);
        return;
      }
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body ?? '');
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    waitFor: (count, timeoutMs = 5000) =>
      arrivals.waitFor(count, timeoutMs, 'HTTP requests').then(() => requests.slice(0, count)),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** Resolves waiters once a counter reaches their target, or rejects at their deadline. */
class Arrivals {
  private readonly count: () => number;
  private waiters: Array<{ target: number; resolve: () => void }> = [];

  constructor(count: () => number) {
    this.count = count;
  }

  notify(): void {
    const due = this.waiters.filter((waiter) => this.count() >= waiter.target);
    this.waiters = this.waiters.filter((waiter) => this.count() < waiter.target);
    for (const waiter of due) waiter.resolve();
  }

  waitFor(target: number, timeoutMs: number, items: string): Promise<void> {
    if (this.count() >= target) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        target,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((other) => other !== waiter);
        reject(
          new Error(`expected ${target} ${items} within ${timeoutMs} ms, got ${this.count()}`),
        );
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}

/** One message as the SMTP receiver saw it. */
export interface ReceivedMail {
  /** Envelope sender (MAIL FROM). */
  from: string;
  /** Envelope recipients (RCPT TO). */
  to: string[];
  /** The user name the client authenticated as, if it did. */
  user?: string;
  /** The message as transmitted, CRLF line ends included. */
  raw: string;
  /** Header lines after unfolding, names in lower case, in order. */
  headers: Array<{ name: string; value: string }>;
  /** Subject with RFC 2047 encoded words decoded. */
  subject: string;
  /** The text/plain part, decoded, with LF line ends. */
  text: string;
  /** The text/html part, decoded, with LF line ends. */
  html: string;
}

/** Chooses the SMTP error reply to one command, or undefined to accept it. */
export type SmtpAnswer = (
  stage: 'mail' | 'rcpt' | 'data',
  address: string | undefined,
) => { code: number; message: string } | undefined;

/** A local SMTP server on 127.0.0.1 that records every message. */
export interface SmtpReceiver {
  host: '127.0.0.1';
  port: number;
  messages: ReceivedMail[];
  /** Resolves once `count` messages arrived; rejects after `timeoutMs` (default 5000). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/**
 * Starts an SMTP receiver without TLS. With `auth`, clients must log in with that user name and
 * password (PLAIN or LOGIN over the plain connection). Without it, authentication is optional.
 */
export async function startSmtpReceiver(
  options: { auth?: { user: string; pass: string }; answer?: SmtpAnswer } = {},
): Promise<SmtpReceiver> {
  const messages: ReceivedMail[] = [];
  const arrivals = new Arrivals(() => messages.length);
  const { auth, answer } = options;

  const server = new SMTPServer({
    authOptional: !auth,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    // The reverse DNS lookup of the client address would query the system resolver.
    disableReverseLookup: true,
    logger: false,
    onAuth: (credentials, _session, callback) => {
      if (auth && credentials.username === auth.user && credentials.password === auth.pass) {
        callback(null, { user: credentials.username });
        return;
      }
      callback(smtpError(535, 'Authentication credentials invalid'));
    },
    onMailFrom: (address, _session, callback) =>
      callback(answerError(answer?.('mail', address.address))),
    onRcptTo: (address, _session, callback) =>
      callback(answerError(answer?.('rcpt', address.address))),
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const rejection = answerError(answer?.('data', undefined));
        if (rejection) {
          callback(rejection);
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const to = session.envelope.rcptTo.map((recipient) => recipient.address);
        const user = typeof session.user === 'string' ? session.user : undefined;
        messages.push({ from, to, ...(user ? { user } : {}), raw, ...parseMessage(raw) });
        arrivals.notify();
        callback();
      });
    },
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;

  return {
    host: '127.0.0.1',
    port,
    messages,
    waitFor: (count, timeoutMs = 5000) =>
      arrivals.waitFor(count, timeoutMs, 'emails').then(() => messages.slice(0, count)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

function answerError(reply: { code: number; message: string } | undefined): Error | null {
  return reply ? smtpError(reply.code, reply.message) : null;
}

/** Parses the headers, subject and the text and HTML parts of a MIME message. */
export function parseMessage(
  raw: string,
): Pick<ReceivedMail, 'headers' | 'subject' | 'text' | 'html'> {
  const entity = parseEntity(raw);
  const parts = leafParts(entity);
  const subject = entity.headers.find((header) => header.name === 'subject')?.value ?? '';
  const partOf = (type: string) => parts.find((part) => contentType(part.headers).startsWith(type));
  const text = partOf('text/plain');
  const html = partOf('text/html');
  return {
    headers: entity.headers,
    subject: decodeEncodedWords(subject),
    text: text ? decodeBody(text) : '',
    html: html ? decodeBody(html) : '',
  };
}

interface MimeEntity {
  headers: Array<{ name: string; value: string }>;
  body: string;
}

function parseEntity(raw: string): MimeEntity {
  const split = raw.indexOf('\r\n\r\n');
  const head = split === -1 ? raw : raw.slice(0, split);
  const body = split === -1 ? '' : raw.slice(split + 4);
  const headers = head
    .replace(/\r\n(?=[ \t])/g, '')
    .split('\r\n')
    .filter((line) => line.includes(':'))
    .map((line) => {
      const colon = line.indexOf(':');
      return {
        name: line.slice(0, colon).trim().toLowerCase(),
        value: line.slice(colon + 1).trim(),
      };
    });
  return { headers, body };
}

function contentType(headers: MimeEntity['headers']): string {
  return (
    headers.find((header) => header.name === 'content-type')?.value ?? 'text/plain'
  ).toLowerCase();
}

function leafParts(entity: MimeEntity): MimeEntity[] {
  const type = entity.headers.find((header) => header.name === 'content-type')?.value ?? '';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!type.toLowerCase().startsWith('multipart/') || !boundary) return [entity];

  return entity.body
    .split(`--${boundary}`)
    .slice(1)
    .filter((part) => !part.startsWith('--'))
    .map((part) => parseEntity(part.replace(/^\r\n/, '')))
    .flatMap(leafParts);
}

function decodeBody(entity: MimeEntity): string {
  const encoding =
    entity.headers.find((header) => header.name === 'content-transfer-encoding')?.value ?? '7bit';
  const body = entity.body.replace(/\r\n$/, '');
  let decoded: string;
  if (encoding.toLowerCase() === 'base64') {
    decoded = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  } else if (encoding.toLowerCase() === 'quoted-printable') {
    decoded = decodeQuotedPrintable(body);
  } else {
    decoded = body;
  }
  return decoded.replace(/\r\n/g, '\n');
}

function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let index = 0; index < joined.length; index++) {
    const hex = joined.slice(index + 1, index + 3);
    if (joined[index] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      index += 2;
    } else {
      bytes.push(...Buffer.from(joined[index] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Decodes RFC 2047 encoded words (`=?UTF-8?Q?...?=`, `=?UTF-8?B?...?=`). */
export function decodeEncodedWords(value: string): string {
  const word = /=\?([^?]+)\?([bqBQ])\?([^?]*)\?=/g;
  // Whitespace between two adjacent encoded words is not part of the text.
  const joined = value.replace(/(\?=)\s+(?==\?)/g, '$1');
  return joined.replace(word, (_match, _charset: string, kind: string, text: string) => {
    if (kind.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
    return decodeQuotedPrintable(text.replace(/_/g, ' '));
  });
}
