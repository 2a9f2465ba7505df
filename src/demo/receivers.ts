import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One notification that reached a demo receiver. */
export interface Arrival {
  platform: 'slack' | 'webhook' | 'email';
  /** The notifier for HTTP arrivals (taken from the path), or the recipients for email. */
  target: string;
  /** A one-line summary: the Slack fallback text, the webhook event type, or the email subject. */
  summary: string;
  body: unknown;
}

/** A local receiver that calls `onArrival` for every notification. */
export interface DemoReceiver {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts an HTTP server on 127.0.0.1 that accepts Slack-format posts under `/slack/<notifier>`
 * and Herald webhook documents under `/webhook/<notifier>`, and responds with 200.
 */
export async function startHttpReceiver(
  onArrival: (arrival: Arrival) => void,
): Promise<DemoReceiver> {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const [, kind, notifier] = (request.url ?? '').split('/');
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        response.writeHead(400).end('body is not JSON');
        return;
      }
      if (kind === 'slack') {
        const text = (body as { text?: unknown }).text;
        onArrival({ platform: 'slack', target: notifier ?? '', summary: String(text), body });
      } else if (kind === 'webhook') {
        const event = (body as { event?: { type?: unknown; app?: unknown } }).event;
        const summary = `${String(event?.app)} ${String(event?.type)}`;
        onArrival({ platform: 'webhook', target: notifier ?? '', summary, body });
      } else {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Starts a local SMTP server on 127.0.0.1 that accepts every message without authentication. */
export async function startSmtpReceiver(
  onArrival: (arrival: Arrival) => void,
): Promise<DemoReceiver & { port: number }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const subject = /^Subject: (.*)$/im.exec(raw)?.[1] ?? '';
        const recipients = session.envelope.rcptTo.map((address) => address.address).join(', ');
        onArrival({
          platform: 'email',
          target: recipients,
          summary: decodeSubject(subject),
          body: raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Decodes an RFC 2047 encoded-word subject, which nodemailer uses for non-ASCII text. */
function decodeSubject(subject: string): string {
  return subject.replace(
    /=\?utf-8\?([bq])\?([^?]*)\?=/gi,
    (_match, encoding: string, text: string) =>
      encoding.toLowerCase() === 'b'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9a-f]{2})/gi, (_hex, code: string) =>
                String.fromCharCode(parseInt(code, 16)),
              ),
            'latin1',
          ).toString('utf8'),
  );
}
