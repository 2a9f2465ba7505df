import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMailSender,
  type MailMessage,
  type MailSender,
  type MailSenderOptions,
} from '../../src/delivery/mail-sender.ts';
import { startSmtpReceiver, type SmtpAnswer, type SmtpReceiver } from '../support/receivers.ts';

const message: MailMessage = {
  to: ['alice@example.com', 'bob@example.com'],
  subject: 'Déploiement réussi 🚀',
  text: 'Plain text\nsecond line',
  html: '<p>HTML <b>part</b></p>',
};

const password = 'pa55-w0rd-very-secret';

let receiver: SmtpReceiver | undefined;
let sender: MailSender | undefined;

afterEach(async () => {
  sender?.close();
  await receiver?.close();
  sender = undefined;
  receiver = undefined;
});

async function start(
  receiverOptions: { auth?: { user: string; pass: string }; answer?: SmtpAnswer } = {},
  senderOptions: Partial<MailSenderOptions> = {},
): Promise<{ receiver: SmtpReceiver; sender: MailSender }> {
  receiver = await startSmtpReceiver(receiverOptions);
  sender = createMailSender({
    host: receiver.host,
    port: receiver.port,
    from: 'herald@example.com',
    timeoutMs: 2000,
    ...senderOptions,
  });
  return { receiver, sender };
}

describe('createMailSender', () => {
  it('sends without authentication', async () => {
    const { receiver, sender } = await start();

    const result = await sender.send(message);

    expect(result).toEqual({ ok: true });
    const [mail] = await receiver.waitFor(1);
    expect(mail?.from).toBe('herald@example.com');
    expect(mail?.to).toEqual(['alice@example.com', 'bob@example.com']);
    expect(mail?.user).toBeUndefined();
    expect(mail?.subject).toBe('Déploiement réussi 🚀');
    expect(mail?.text).toBe('Plain text\nsecond line');
    expect(mail?.html).toBe('<p>HTML <b>part</b></p>');
  });

  it('sends with authentication', async () => {
    const auth = { user: 'herald', pass: password };
    const { receiver, sender } = await start({ auth }, { auth });

    const result = await sender.send(message);

    expect(result).toEqual({ ok: true });
    const [mail] = await receiver.waitFor(1);
    expect(mail?.user).toBe('herald');
  });

  it('fails permanently on a wrong password without showing it', async () => {
    const { receiver, sender } = await start(
      { auth: { user: 'herald', pass: 'right' } },
      { auth: { user: 'herald', pass: password } },
    );

    const result = await sender.send(message);

    expect(result).toEqual({
      ok: false,
      retryable: false,
      error: 'SMTP authentication failed 535 at AUTH PLAIN',
    });
    expect(JSON.stringify(result)).not.toContain(password);
    expect(receiver.messages).toHaveLength(0);
  });

  it.each([
    ['rcpt', 550, false, 'SMTP server replied 550 at RCPT TO'],
    ['rcpt', 450, true, 'SMTP server replied 450 at RCPT TO'],
    ['mail', 553, false, 'SMTP server replied 553 at MAIL FROM'],
    ['mail', 421, true, 'SMTP server replied 421 at MAIL FROM'],
    ['data', 554, false, 'SMTP server replied 554 at DATA'],
    ['data', 451, true, 'SMTP server replied 451 at DATA'],
  ] as const)('classifies a %s reply %i', async (stage, code, retryable, error) => {
    const { sender } = await start({
      answer: (at, address) =>
        at === stage ? { code, message: `no for ${address ?? 'you'}` } : undefined,
    });

    const result = await sender.send(message);

    expect(result).toEqual({ ok: false, retryable, error });
    expect(JSON.stringify(result)).not.toContain('alice@example.com');
  });

  it('fails permanently when only some recipients are accepted', async () => {
    const { receiver, sender } = await start({
      answer: (at, address) =>
        at === 'rcpt' && address === 'bob@example.com'
          ? { code: 550, message: 'No such user' }
          : undefined,
    });

    const result = await sender.send(message);

    expect(result).toEqual({
      ok: false,
      retryable: false,
      error: 'SMTP server rejected 1 of 2 recipients (550 at RCPT TO); check those addresses',
    });
    const [mail] = await receiver.waitFor(1);
    expect(mail?.to).toEqual(['alice@example.com']);
  });

  it('retries when the server is not reachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    sender = createMailSender({ host: '127.0.0.1', port, from: 'herald@example.com' });

    const result = await sender.send(message);

    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ retryable: true });
    expect(result.ok ? '' : result.error).toMatch(/^SMTP connection failed \(.*ECONNREFUSED\)$/);
  });

  it('does not send once cancelled', async () => {
    const { receiver, sender } = await start();

    const result = await sender.send(message, AbortSignal.abort());

    expect(result).toEqual({
      ok: false,
      retryable: true,
      error: 'cancelled before the SMTP server accepted the message',
    });
    expect(receiver.messages).toHaveLength(0);
  });
});
