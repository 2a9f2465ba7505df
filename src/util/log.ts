import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Paths removed from every log record. Webhook URLs, credentials and message bodies are secrets
 * or private data, so they are censored even when a caller passes them by mistake.
 */
const redactedPaths = [
  'url',
  'webhookUrl',
  '*.url',
  '*.webhookUrl',
  'password',
  '*.password',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers',
  '*.headers',
  'body',
  '*.body',
  'secret',
  '*.secret',
];

/** Creates the root logger. `destination` lets tests capture records instead of writing to stdout. */
export function createLogger(
  options: { level?: string; name?: string } = {},
  destination?: pino.DestinationStream,
): Logger {
  const config: LoggerOptions = {
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    name: options.name ?? 'herald',
    redact: { paths: redactedPaths, censor: '[redacted]' },
    base: undefined,
  };
  return destination ? pino(config, destination) : pino(config);
}

/** A logger that drops everything, for library code whose caller did not pass one. */
export const silentLogger: Logger = pino({ level: 'silent' });
