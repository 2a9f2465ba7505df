import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  isPrometheusDuration,
  loadQueryOverrides,
  prometheusUrlProblem,
  type AlertConfig,
} from '../alerts/alert-config.ts';
import { loadRuntimeConfig, runtimeSettings, type RuntimeConfig } from './runtime-config.ts';

/** Operator settings, from command-line flags first and environment variables second. */
export interface OperatorConfig extends RuntimeConfig {
  /** Namespaces to watch; empty means every namespace. */
  namespaces: string[];
  /** Events first seen later than this after they occurred are recorded as Expired, in ms. */
  eventMaxAgeMs: number;
  /** Timeout of one outbound HTTP request, in ms. */
  httpTimeoutMs: number;
  /** Attempts per delivery, the first included. */
  maxAttempts: number;
  /** First retry delay, doubled on each retry, in ms. */
  retryBaseDelayMs: number;
  /** Largest retry delay, in ms. */
  retryMaxDelayMs: number;
  /** Positive Secret reads are reused for this long, in ms. */
  secretCacheTtlMs: number;
  /** Interval of the sweep that re-checks failing notifiers and requeues pending deliveries, in ms. */
  resyncIntervalMs: number;
  /** Final delivery failures in a row after which a notifier's Ready condition turns False. */
  failureThreshold: number;
  /** Whether webhooks may target link-local and cloud metadata addresses. */
  allowLinkLocal: boolean;
  /** Namespace the operator runs in, for its own objects. */
  operatorNamespace: string;
  /** A crash later than this after the previous crash of its app starts a new run, in ms. */
  crashQuietPeriodMs: number;
  /** Base URL of the dashboard; messages link to `<base>/<namespace>/<app>`. */
  dashboardUrl: string | undefined;
  smtp: SmtpConfig | undefined;
  /** Alert evaluation settings; undefined, which disables alerts, without --prometheus-url. */
  alerts: AlertConfig | undefined;
  logLevel: string;
}

/** SMTP server settings for the email channel. */
export interface SmtpConfig {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  /** Fail instead of sending in clear text when the server does not offer STARTTLS. */
  requireTls: boolean;
  user: string | undefined;
  password: string | undefined;
  from: string;
}

/** A setting with a bad value; the message names the flag, the environment variable and the fix. */
export class ConfigError extends Error {}

interface Setting {
  flag: string;
  env: string;
  help: string;
  defaultValue?: string;
  boolean?: boolean;
}

/** Every setting, in the order `--help` lists them. */
export const settings: readonly Setting[] = [
  {
    flag: 'namespaces',
    env: 'HERALD_NAMESPACES',
    help: 'comma-separated namespaces to watch; empty for all',
    defaultValue: '',
  },
  {
    flag: 'event-max-age',
    env: 'HERALD_EVENT_MAX_AGE',
    help: 'events older than this when first seen are recorded as Expired (duration)',
    defaultValue: '6h',
  },
  {
    flag: 'http-timeout',
    env: 'HERALD_HTTP_TIMEOUT',
    help: 'timeout of one webhook request (duration)',
    defaultValue: '10s',
  },
  {
    flag: 'max-attempts',
    env: 'HERALD_MAX_ATTEMPTS',
    help: 'attempts per delivery, the first included',
    defaultValue: '6',
  },
  {
    flag: 'retry-base-delay',
    env: 'HERALD_RETRY_BASE_DELAY',
    help: 'first retry delay, doubled on each retry (duration)',
    defaultValue: '1s',
  },
  {
    flag: 'retry-max-delay',
    env: 'HERALD_RETRY_MAX_DELAY',
    help: 'largest retry delay (duration)',
    defaultValue: '1m',
  },
  {
    flag: 'secret-cache-ttl',
    env: 'HERALD_SECRET_CACHE_TTL',
    help: 'how long a Secret read is reused (duration)',
    defaultValue: '30s',
  },
  {
    flag: 'resync-interval',
    env: 'HERALD_RESYNC_INTERVAL',
    help: 'interval of the re-check of failing notifiers and pending deliveries (duration)',
    defaultValue: '30s',
  },
  {
    flag: 'failure-threshold',
    env: 'HERALD_FAILURE_THRESHOLD',
    help: 'failed deliveries in a row that turn a notifier not Ready',
    defaultValue: '3',
  },
  {
    flag: 'allow-link-local',
    env: 'HERALD_ALLOW_LINK_LOCAL',
    help: 'allow webhooks to link-local and cloud metadata addresses',
    boolean: true,
  },
  {
    flag: 'operator-namespace',
    env: 'POD_NAMESPACE',
    help: 'namespace the operator runs in, where it keeps its ledger of reported notifiers',
    defaultValue: 'default',
  },
  {
    flag: 'crash-quiet-period',
    env: 'HERALD_CRASH_QUIET_PERIOD',
    help: 'a crash later than this after the previous one starts a new run of crashes (duration)',
    defaultValue: '1h',
  },
  {
    flag: 'dashboard-url',
    env: 'HERALD_DASHBOARD_URL',
    help: 'base URL of the dashboard; messages link to <url>/<namespace>/<app>',
  },
  {
    flag: 'smtp-host',
    env: 'HERALD_SMTP_HOST',
    help: 'SMTP server host; email notifiers fail without it',
  },
  { flag: 'smtp-port', env: 'HERALD_SMTP_PORT', help: 'SMTP server port', defaultValue: '587' },
  {
    flag: 'smtp-secure',
    env: 'HERALD_SMTP_SECURE',
    help: 'use TLS from the first byte (port 465)',
    boolean: true,
  },
  {
    flag: 'smtp-require-tls',
    env: 'HERALD_SMTP_REQUIRE_TLS',
    help: 'refuse to send when the server offers no STARTTLS',
    boolean: true,
  },
  { flag: 'smtp-user', env: 'HERALD_SMTP_USER', help: 'SMTP user name' },
  {
    flag: 'smtp-password-file',
    env: 'HERALD_SMTP_PASSWORD_FILE',
    help: 'file holding the SMTP password (HERALD_SMTP_PASSWORD also works)',
  },
  {
    flag: 'smtp-from',
    env: 'HERALD_SMTP_FROM',
    help: 'sender address of notification emails',
    defaultValue: 'herald@localhost',
  },
  {
    flag: 'prometheus-url',
    env: 'HERALD_PROMETHEUS_URL',
    help: 'base URL of the Prometheus HTTP API that alerts query; alerts are disabled without it',
  },
  {
    flag: 'prometheus-timeout',
    env: 'HERALD_PROMETHEUS_TIMEOUT',
    help: 'timeout of one Prometheus query (duration)',
    defaultValue: '10s',
  },
  {
    flag: 'prometheus-bearer-token-file',
    env: 'HERALD_PROMETHEUS_BEARER_TOKEN_FILE',
    help: 'file holding a bearer token sent to Prometheus, read for each query',
  },
  {
    flag: 'alert-interval',
    env: 'HERALD_ALERT_INTERVAL',
    help: 'time between two evaluations of every alert (duration)',
    defaultValue: '30s',
  },
  {
    flag: 'alert-rate-window',
    env: 'HERALD_ALERT_RATE_WINDOW',
    help: 'range of rate() in the alert queries (Prometheus duration); at least 4 scrape intervals',
    defaultValue: '2m',
  },
  {
    flag: 'alert-queries-file',
    env: 'HERALD_ALERT_QUERIES_FILE',
    help: 'YAML file mapping alert metrics to PromQL templates that replace the defaults',
  },
  ...runtimeSettings,
  {
    flag: 'log-level',
    env: 'LOG_LEVEL',
    help: 'pino log level: fatal, error, warn, info, debug, trace',
    defaultValue: 'info',
  },
];

/** Returns the `--help` text: each flag with its environment variable and default. */
export function helpText(): string {
  const lines = [
    'Usage: herald-operator [flags]',
    '',
    'Flags (each also read from the environment variable shown):',
  ];
  for (const setting of settings) {
    const name = setting.boolean ? `--${setting.flag}` : `--${setting.flag} VALUE`;
    const fallback =
      setting.defaultValue === undefined ? '' : ` (default "${setting.defaultValue}")`;
    lines.push(`  ${name.padEnd(28)} ${setting.help}${fallback} [${setting.env}]`);
  }
  lines.push('', 'Durations use the Go form: 500ms, 30s, 5m, 1h30m.');
  return lines.join('\n');
}

/** Parses a Go-style duration such as "1h30m" or "500ms" into milliseconds. */
export function parseDuration(text: string): number | undefined {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const pattern = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  if (!/^(\d+(?:\.\d+)?(ms|s|m|h))+$/.test(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(pattern)) {
    total += Number(match[1]) * (units[match[2] ?? ''] ?? 0);
  }
  return total;
}

/** Reads the configuration from flags and the environment, rejecting every bad value with a clear error. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): OperatorConfig {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const setting of settings)
    options[setting.flag] = { type: setting.boolean ? 'boolean' : 'string' };
  let parsed: Record<string, string | boolean | undefined>;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: false })
      .values as Record<string, string | boolean | undefined>;
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}; run with --help for the list of flags`);
  }

  const raw = (flag: string): string | undefined => {
    const setting = settings.find((candidate) => candidate.flag === flag);
    if (!setting) throw new Error(`unknown setting ${flag}`);
    const fromFlag = parsed[flag];
    if (fromFlag !== undefined) return String(fromFlag);
    return env[setting.env] ?? setting.defaultValue;
  };
  const settingName = (flag: string) => {
    const setting = settings.find((candidate) => candidate.flag === flag);
    return `--${flag} (${setting?.env})`;
  };
  const duration = (flag: string): number => {
    const text = raw(flag) ?? '';
    const value = parseDuration(text);
    if (value === undefined) {
      throw new ConfigError(
        `invalid ${settingName(flag)}: "${text}" is not a duration; use the Go form such as 30s, 5m or 1h30m`,
      );
    }
    return value;
  };
  const integer = (flag: string, minimum: number): number => {
    const text = raw(flag) ?? '';
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < minimum) {
      throw new ConfigError(
        `invalid ${settingName(flag)}: "${text}" is not a whole number of at least ${minimum}`,
      );
    }
    return value;
  };
  const flagValue = (flag: string): boolean => {
    const text = raw(flag);
    if (text === undefined || text === '' || text === 'false' || text === '0') return false;
    if (text === 'true' || text === '1') return true;
    throw new ConfigError(`invalid ${settingName(flag)}: "${text}"; use true or false`);
  };

  const namespaces = (raw('namespaces') ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  for (const namespace of namespaces) {
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
      throw new ConfigError(
        `invalid ${settingName('namespaces')}: "${namespace}" is not a valid namespace name`,
      );
    }
  }

  const config: OperatorConfig = {
    namespaces,
    eventMaxAgeMs: duration('event-max-age'),
    httpTimeoutMs: duration('http-timeout'),
    maxAttempts: integer('max-attempts', 1),
    retryBaseDelayMs: duration('retry-base-delay'),
    retryMaxDelayMs: duration('retry-max-delay'),
    secretCacheTtlMs: duration('secret-cache-ttl'),
    resyncIntervalMs: duration('resync-interval'),
    failureThreshold: integer('failure-threshold', 1),
    allowLinkLocal: flagValue('allow-link-local'),
    operatorNamespace: operatorNamespace(raw('operator-namespace')),
    crashQuietPeriodMs: duration('crash-quiet-period'),
    dashboardUrl: dashboardUrl(raw('dashboard-url')),
    smtp: loadSmtpConfig(raw, integer, flagValue, env),
    alerts: loadAlertConfig(raw, duration),
    logLevel: logLevel(raw('log-level')),
    ...loadRuntimeConfig(
      { raw, duration, flagValue, settingName, invalid: (message) => new ConfigError(message) },
      env,
    ),
  };
  // Crash counts continue from the crash AppEvents still in the cluster.
  if (config.eventRetentionMs > 0 && config.eventRetentionMs < config.crashQuietPeriodMs) {
    throw new ConfigError(
      `invalid ${settingName('event-retention')}: it is shorter than ${settingName('crash-quiet-period')}, so crash counts would start again when retention deletes the crashes before; set the retention to at least the quiet period`,
    );
  }
  return config;
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevel(text: string | undefined): string {
  const level = text ?? 'info';
  if (!logLevels.includes(level)) {
    throw new ConfigError(
      `invalid --log-level (LOG_LEVEL): "${level}"; use one of ${logLevels.join(', ')}`,
    );
  }
  return level;
}

function operatorNamespace(text: string | undefined): string {
  const namespace = text ?? 'default';
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
    throw new ConfigError(
      `invalid --operator-namespace (POD_NAMESPACE): "${namespace}" is not a valid namespace name`,
    );
  }
  return namespace;
}

function dashboardUrl(text: string | undefined): string | undefined {
  if (!text) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(
      `invalid --dashboard-url (HERALD_DASHBOARD_URL): "${text}" is not an absolute URL; write it in full, such as https://dashboard.example.com/apps`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(
      `invalid --dashboard-url (HERALD_DASHBOARD_URL): "${text}" must use https or http`,
    );
  }
  return text.replace(/\/+$/, '');
}

function loadSmtpConfig(
  raw: (flag: string) => string | undefined,
  integer: (flag: string, minimum: number) => number,
  flagValue: (flag: string) => boolean,
  env: NodeJS.ProcessEnv,
): SmtpConfig | undefined {
  const host = raw('smtp-host');
  if (!host) return undefined;
  const passwordFile = raw('smtp-password-file');
  let password = env.HERALD_SMTP_PASSWORD;
  if (passwordFile) {
    try {
      password = readFileSync(passwordFile, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(
        `cannot read --smtp-password-file (HERALD_SMTP_PASSWORD_FILE) "${passwordFile}": ${(error as NodeJS.ErrnoException).code ?? 'error'}; mount the SMTP password there or unset it`,
      );
    }
  }
  const port = integer('smtp-port', 1);
  if (port > 65535)
    throw new ConfigError(`invalid --smtp-port (HERALD_SMTP_PORT): ${port} is not a port number`);
  return {
    host,
    port,
    secure: flagValue('smtp-secure'),
    requireTls: flagValue('smtp-require-tls'),
    user: raw('smtp-user') || undefined,
    password: password || undefined,
    from: raw('smtp-from') ?? 'herald@localhost',
  };
}

function loadAlertConfig(
  raw: (flag: string) => string | undefined,
  duration: (flag: string) => number,
): AlertConfig | undefined {
  const prometheusUrl = raw('prometheus-url');
  if (!prometheusUrl) return undefined;
  const urlProblem = prometheusUrlProblem(prometheusUrl);
  if (urlProblem) {
    throw new ConfigError(
      `invalid --prometheus-url (HERALD_PROMETHEUS_URL): the value ${urlProblem}`,
    );
  }

  const rateWindow = raw('alert-rate-window') ?? '';
  if (!isPrometheusDuration(rateWindow)) {
    throw new ConfigError(
      `invalid --alert-rate-window (HERALD_ALERT_RATE_WINDOW): "${rateWindow}" is not a Prometheus duration; use one such as 2m or 5m`,
    );
  }

  const tokenFile = raw('prometheus-bearer-token-file') || undefined;
  if (tokenFile) {
    try {
      readFileSync(tokenFile, 'utf8');
    } catch (error) {
      throw new ConfigError(
        `cannot read --prometheus-bearer-token-file (HERALD_PROMETHEUS_BEARER_TOKEN_FILE) "${tokenFile}": ${(error as NodeJS.ErrnoException).code ?? 'error'}; mount the token there or unset it`,
      );
    }
  }

  let queries;
  try {
    queries = loadQueryOverrides(raw('alert-queries-file') || undefined);
  } catch (error) {
    throw new ConfigError(
      `invalid --alert-queries-file (HERALD_ALERT_QUERIES_FILE): ${(error as Error).message}`,
    );
  }

  const positive = (flag: string) => {
    const value = duration(flag);
    if (value <= 0) {
      const variable = `HERALD_${flag.toUpperCase().replaceAll('-', '_')}`;
      throw new ConfigError(
        `invalid --${flag} (${variable}): it must be longer than 0s, such as 30s`,
      );
    }
    return value;
  };

  return {
    prometheusUrl,
    prometheusTimeoutMs: positive('prometheus-timeout'),
    prometheusBearerTokenFile: tokenFile,
    intervalMs: positive('alert-interval'),
    rateWindow,
    queries,
  };
}
