import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/** Settings for running replicas: leader election, probes, shutdown, retention and outbound TLS. */
export interface RuntimeConfig {
  /** Whether replicas elect a leader with a Lease; only the leader dispatches. */
  leaderElect: boolean;
  lease: LeaseConfig;
  /** Address of the /healthz, /readyz and /metrics server; undefined turns it off. */
  healthAddress: { host: string; port: number } | undefined;
  /** Time in-flight deliveries get to finish after SIGTERM, in ms. */
  shutdownTimeoutMs: number;
  /** Processed AppEvents are deleted this long after they finished, in ms; 0 keeps them. */
  eventRetentionMs: number;
  /** PEM certificates trusted for webhook HTTPS and SMTP TLS, besides the system's. */
  caBundle: string | undefined;
  /** Proxy for webhook requests; undefined sends them directly. */
  proxy: ProxyConfig | undefined;
  /** Whether SMTP TLS accepts any certificate. */
  smtpInsecureSkipTlsVerify: boolean;
}

/** The Lease of leader election and its timing, as client-go names them. */
export interface LeaseConfig {
  name: string;
  /** Namespace of the Lease; undefined means the pod's own namespace. */
  namespace: string | undefined;
  /** This replica's holderIdentity; undefined means the host name with a random suffix. */
  identity: string | undefined;
  /** In ms; a whole number of seconds. */
  durationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/** Proxy URLs by the scheme of the webhook URL, and hosts reached directly. */
export interface ProxyConfig {
  httpProxy: string | undefined;
  httpsProxy: string | undefined;
  /** Comma-separated host names, domains (.example.com), IP addresses and host:port pairs. */
  noProxy: string;
}

/** A row of the settings table in config.ts. */
interface RuntimeSetting {
  flag: string;
  env: string;
  help: string;
  defaultValue?: string;
  boolean?: boolean;
}

/** Settings of RuntimeConfig, in the order `--help` lists them. */
export const runtimeSettings: readonly RuntimeSetting[] = [
  {
    flag: 'leader-elect',
    env: 'HERALD_LEADER_ELECT',
    help: 'elect a leader with a coordination.k8s.io Lease; required with more than one replica',
    boolean: true,
  },
  {
    flag: 'lease-name',
    env: 'HERALD_LEASE_NAME',
    help: 'name of the leader election Lease',
    defaultValue: 'herald-operator',
  },
  {
    flag: 'lease-namespace',
    env: 'HERALD_LEASE_NAMESPACE',
    help: "namespace of the Lease; empty for the pod's namespace, or default outside a cluster",
    defaultValue: '',
  },
  {
    flag: 'identity',
    env: 'HERALD_IDENTITY',
    help: 'name of this replica in the Lease and in Events; empty for <host name>_<random>',
    defaultValue: '',
  },
  {
    flag: 'lease-duration',
    env: 'HERALD_LEASE_DURATION',
    help: 'time a standby waits for an unrenewed lease before taking over (duration, whole seconds)',
    defaultValue: '15s',
  },
  {
    flag: 'lease-renew-deadline',
    env: 'HERALD_LEASE_RENEW_DEADLINE',
    help: 'time the leader retries renewing before it stops leading (duration)',
    defaultValue: '10s',
  },
  {
    flag: 'lease-retry-period',
    env: 'HERALD_LEASE_RETRY_PERIOD',
    help: 'interval between lease renewals and acquisition attempts (duration)',
    defaultValue: '2s',
  },
  {
    flag: 'health-address',
    env: 'HERALD_HEALTH_ADDRESS',
    help: 'host:port serving /healthz, /readyz and /metrics; port 0 picks one, empty turns it off',
    defaultValue: '0.0.0.0:8081',
  },
  {
    flag: 'shutdown-timeout',
    env: 'HERALD_SHUTDOWN_TIMEOUT',
    help: 'time deliveries in flight get to finish after SIGTERM; keep it below the pod termination grace period (duration)',
    defaultValue: '20s',
  },
  {
    flag: 'event-retention',
    env: 'HERALD_EVENT_RETENTION',
    help: 'processed AppEvents are deleted this long after they finished; 0s keeps them (duration)',
    defaultValue: '24h',
  },
  {
    flag: 'ca-file',
    env: 'HERALD_CA_FILE',
    help: 'PEM file of CA certificates trusted for webhook HTTPS and SMTP TLS, besides the system ones',
  },
  {
    flag: 'http-proxy',
    env: 'HTTP_PROXY',
    help: 'proxy URL for http:// webhooks, and for https:// ones when --https-proxy is unset (also http_proxy)',
  },
  {
    flag: 'https-proxy',
    env: 'HTTPS_PROXY',
    help: 'proxy URL for https:// webhooks (also https_proxy)',
  },
  {
    flag: 'no-proxy',
    env: 'NO_PROXY',
    help: 'comma-separated hosts, .domains, IPs and host:port reached without the proxy (also no_proxy)',
  },
  {
    flag: 'smtp-insecure-skip-tls-verify',
    env: 'HERALD_SMTP_INSECURE_SKIP_TLS_VERIFY',
    help: 'accept any SMTP server certificate; prefer --ca-file for a private CA',
    boolean: true,
  },
];

/** The value readers of loadConfig, shared so that every setting is read and reported alike. */
export interface SettingReaders {
  raw(flag: string): string | undefined;
  duration(flag: string): number;
  flagValue(flag: string): boolean;
  /** `--flag (ENV)`, for messages. */
  settingName(flag: string): string;
  /** Builds the error for an invalid value. */
  invalid(message: string): Error;
}

/** Reads and checks the settings of RuntimeConfig. Throws `invalid(...)` for each bad value. */
export function loadRuntimeConfig(read: SettingReaders, env: NodeJS.ProcessEnv): RuntimeConfig {
  return {
    leaderElect: read.flagValue('leader-elect'),
    lease: loadLeaseConfig(read),
    healthAddress: parseHealthAddress(read),
    shutdownTimeoutMs: read.duration('shutdown-timeout'),
    eventRetentionMs: read.duration('event-retention'),
    caBundle: readCaBundle(read),
    proxy: loadProxyConfig(read, env),
    smtpInsecureSkipTlsVerify: read.flagValue('smtp-insecure-skip-tls-verify'),
  };
}

function loadLeaseConfig(read: SettingReaders): LeaseConfig {
  const durationMs = read.duration('lease-duration');
  const renewDeadlineMs = read.duration('lease-renew-deadline');
  const retryPeriodMs = read.duration('lease-retry-period');
  if (durationMs < 1000 || durationMs % 1000 !== 0) {
    throw read.invalid(
      `invalid ${read.settingName('lease-duration')}: ${durationMs} ms is not a whole number of seconds of at least 1s, which the Lease stores`,
    );
  }
  if (!(renewDeadlineMs > 0 && renewDeadlineMs < durationMs)) {
    throw read.invalid(
      `invalid ${read.settingName('lease-renew-deadline')}: ${renewDeadlineMs} ms must be above 0 and below the lease duration of ${durationMs} ms, so the leader stops before a standby takes over`,
    );
  }
  // client-go's NewLeaderElector requires the same margin (its JitterFactor of 1.2), so that a
  // renewal retried once still fits in the deadline.
  if (!(retryPeriodMs > 0 && retryPeriodMs * 1.2 < renewDeadlineMs)) {
    throw read.invalid(
      `invalid ${read.settingName('lease-retry-period')}: ${retryPeriodMs} ms must be above 0 and 1.2 times it below the renew deadline of ${renewDeadlineMs} ms`,
    );
  }

  const name = read.raw('lease-name') ?? '';
  const namespace = read.raw('lease-namespace') || undefined;
  for (const [flag, value] of [
    ['lease-name', name],
    ['lease-namespace', namespace],
  ] as const) {
    if (value !== undefined && !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(value)) {
      throw read.invalid(
        `invalid ${read.settingName(flag)}: "${value}" is not a valid Kubernetes name; use lower-case letters, digits, "-" and "."`,
      );
    }
  }
  const identity = read.raw('identity') || undefined;
  return { name, namespace, identity, durationMs, renewDeadlineMs, retryPeriodMs };
}

/** Parses host:port, [ipv6]:port or :port (every IPv4 interface). */
function parseHealthAddress(read: SettingReaders): RuntimeConfig['healthAddress'] {
  const text = (read.raw('health-address') ?? '').trim();
  if (text === '') return undefined;

  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  const host = match?.[1] ?? match?.[2] ?? '';
  if (!match || port > 65535 || (match[1] !== undefined && isIP(host) !== 6)) {
    throw read.invalid(
      `invalid ${read.settingName('health-address')}: "${text}" is not host:port; write it like 0.0.0.0:8081, [::]:8081 or 127.0.0.1:0`,
    );
  }
  return { host: host === '' ? '0.0.0.0' : host, port };
}

function readCaBundle(read: SettingReaders): string | undefined {
  const path = read.raw('ca-file');
  if (!path) return undefined;
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw read.invalid(
      `cannot read ${read.settingName('ca-file')} "${path}": ${(error as NodeJS.ErrnoException).code ?? 'error'}; mount the CA bundle there or unset it`,
    );
  }
  try {
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no certificate');
    new X509Certificate(pem);
  } catch {
    throw read.invalid(
      `invalid ${read.settingName('ca-file')} "${path}": it contains no PEM certificate; give a file with one or more "-----BEGIN CERTIFICATE-----" blocks`,
    );
  }
  return pem;
}

function loadProxyConfig(read: SettingReaders, env: NodeJS.ProcessEnv): ProxyConfig | undefined {
  const httpProxy = proxyUrl(read, 'http-proxy', read.raw('http-proxy') || env.http_proxy);
  const httpsProxy = proxyUrl(read, 'https-proxy', read.raw('https-proxy') || env.https_proxy);
  if (!httpProxy && !httpsProxy) return undefined;
  const noProxy = read.raw('no-proxy') || env.no_proxy || '';
  return { httpProxy, httpsProxy, noProxy };
}

/** Checks a proxy URL. Messages leave the value out, because it may carry a password. */
function proxyUrl(
  read: SettingReaders,
  flag: string,
  text: string | undefined,
): string | undefined {
  if (!text) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw read.invalid(
      `invalid ${read.settingName(flag)}: the value is not an absolute URL; write it like http://proxy.example.com:3128`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw read.invalid(
      `invalid ${read.settingName(flag)}: the scheme "${url.protocol.slice(0, -1)}" is not supported; use http:// or https://`,
    );
  }
  return text;
}
