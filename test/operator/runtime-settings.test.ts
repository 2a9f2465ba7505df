import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, helpText, loadConfig } from '../../src/operator/config.ts';

const folder = mkdtempSync(join(tmpdir(), 'herald-settings-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Makes a self-signed CA certificate with openssl and returns the path of its PEM file. */
function makeCertificate(): string {
  const key = join(folder, 'ca.key');
  const certificate = join(folder, 'ca.pem');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        certificate,
        '-days',
        '1',
        '-subj',
        '/CN=Herald test CA',
      ],
      { stdio: 'pipe' },
    );
  } catch (error) {
    throw new Error(`this test needs the openssl command; install openssl (${String(error)})`);
  }
  return certificate;
}

describe('runtime settings', () => {
  it('has defaults for running in a cluster', () => {
    const config = loadConfig([], {});

    expect(config.leaderElect).toBe(false);
    expect(config.lease).toEqual({
      name: 'herald-operator',
      namespace: undefined,
      identity: undefined,
      durationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2000,
    });
    expect(config.healthAddress).toEqual({ host: '0.0.0.0', port: 8081 });
    expect(config.shutdownTimeoutMs).toBe(20_000);
    expect(config.eventRetentionMs).toBe(86_400_000);
    expect(config.caBundle).toBeUndefined();
    expect(config.proxy).toBeUndefined();
    expect(config.smtpInsecureSkipTlsVerify).toBe(false);
  });

  it('reads flags first and environment variables second', () => {
    const config = loadConfig(
      ['--leader-elect', '--lease-duration', '30s', '--health-address', '[::1]:9000'],
      {
        HERALD_LEASE_DURATION: '20s',
        HERALD_LEASE_NAMESPACE: 'herald-system',
        HERALD_IDENTITY: 'pod-1',
        HERALD_EVENT_RETENTION: '0s',
        HERALD_SHUTDOWN_TIMEOUT: '5s',
      },
    );

    expect(config.leaderElect).toBe(true);
    expect(config.lease.durationMs).toBe(30_000);
    expect(config.lease.namespace).toBe('herald-system');
    expect(config.lease.identity).toBe('pod-1');
    expect(config.healthAddress).toEqual({ host: '::1', port: 9000 });
    expect(config.eventRetentionMs).toBe(0);
    expect(config.shutdownTimeoutMs).toBe(5000);
  });

  it.each([
    ['--health-address', ':8081', { host: '0.0.0.0', port: 8081 }],
    ['--health-address', '127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    ['--health-address', '', undefined],
  ])('parses %s "%s"', (flag, value, expected) => {
    expect(loadConfig([flag, value], {}).healthAddress).toEqual(expected);
  });

  it.each([
    [
      ['--lease-duration', '1500ms'],
      /--lease-duration \(HERALD_LEASE_DURATION\): 1500 ms is not a whole number of seconds/,
    ],
    [['--lease-duration', 'soon'], /"soon" is not a duration/],
    [
      ['--lease-renew-deadline', '15s'],
      /--lease-renew-deadline .* below the lease duration of 15000 ms/,
    ],
    [
      ['--lease-retry-period', '9s'],
      /--lease-retry-period .* 1\.2 times it below the renew deadline/,
    ],
    [
      ['--lease-name', 'Herald_Lease'],
      /--lease-name .* "Herald_Lease" is not a valid Kubernetes name/,
    ],
    [['--health-address', '8081'], /--health-address .* "8081" is not host:port/],
    [['--health-address', 'localhost:70000'], /"localhost:70000" is not host:port/],
    [['--health-address', '[nonsense]:80'], /"\[nonsense\]:80" is not host:port/],
    [['--shutdown-timeout=-1s'], /--shutdown-timeout .* "-1s" is not a duration/],
    [['--event-retention', '1d'], /--event-retention .* "1d" is not a duration/],
    [['--event-retention', '10m'], /--event-retention .* is shorter than --crash-quiet-period/],
    [
      ['--prometheus-url', 'http://user:secret@127.0.0.1:9090'],
      /--prometheus-url .* contains a user name or password; remove them/,
    ],
    [
      ['--ca-file', '/nonexistent/ca.pem'],
      /cannot read --ca-file \(HERALD_CA_FILE\) "\/nonexistent\/ca.pem": ENOENT/,
    ],
    [
      ['--https-proxy', 'proxy:3128'],
      /--https-proxy \(HTTPS_PROXY\): the scheme "proxy" is not supported/,
    ],
    [
      ['--http-proxy', 'not a url'],
      /--http-proxy \(HTTP_PROXY\): the value is not an absolute URL/,
    ],
    [['--leader-elect=maybe'], /--leader-elect/],
  ])('rejects %j', (argv, message) => {
    expect(() => loadConfig(argv, {})).toThrow(ConfigError);
    expect(() => loadConfig(argv, {})).toThrow(message);
  });

  it('keeps a proxy password out of the error', () => {
    expect(() => loadConfig(['--https-proxy', 'socks5://user:hunter2@proxy:1080'], {})).toThrow(
      /^(?!.*hunter2)/,
    );
  });

  it('rejects a CA file without a certificate', () => {
    const path = join(folder, 'empty.pem');
    writeFileSync(path, 'not a certificate\n');
    expect(() => loadConfig(['--ca-file', path], {})).toThrow(/contains no PEM certificate/);
  });

  it('loads a CA bundle', () => {
    const path = makeCertificate();
    const config = loadConfig(['--ca-file', path], {});
    expect(config.caBundle).toContain('-----BEGIN CERTIFICATE-----');
  });

  it('reads the proxy from the standard variables, upper or lower case', () => {
    const config = loadConfig([], {
      https_proxy: 'http://proxy.internal:3128',
      HTTP_PROXY: 'http://plain.internal:3128',
      NO_PROXY: '.svc,.cluster.local,10.0.0.1',
    });

    expect(config.proxy).toEqual({
      httpProxy: 'http://plain.internal:3128',
      httpsProxy: 'http://proxy.internal:3128',
      noProxy: '.svc,.cluster.local,10.0.0.1',
    });
  });

  it('lists every runtime setting with its unit and default in --help', () => {
    const help = helpText();
    for (const line of [
      /--leader-elect .*\[HERALD_LEADER_ELECT\]/,
      /--lease-duration VALUE .*\(duration, whole seconds\) \(default "15s"\)/,
      /--lease-renew-deadline VALUE .*\(duration\) \(default "10s"\)/,
      /--lease-retry-period VALUE .*\(duration\) \(default "2s"\)/,
      /--health-address VALUE .*\(default "0\.0\.0\.0:8081"\) \[HERALD_HEALTH_ADDRESS\]/,
      /--shutdown-timeout VALUE .*\(duration\) \(default "20s"\)/,
      /--event-retention VALUE .*\(duration\) \(default "24h"\)/,
      /--ca-file VALUE .*\[HERALD_CA_FILE\]/,
      /--https-proxy VALUE .*\[HTTPS_PROXY\]/,
      /--no-proxy VALUE .*\[NO_PROXY\]/,
    ]) {
      expect(help).toMatch(line);
    }
  });
});
