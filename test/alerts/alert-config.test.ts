import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultQueries } from '../../src/alerts/alert-evaluation.ts';
import { ConfigError, helpText, loadConfig } from '../../src/operator/config.ts';

describe('alert settings', () => {
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'herald-alert-config-'));
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  async function file(name: string, content: string): Promise<string> {
    const path = join(folder, name);
    await writeFile(path, content);
    return path;
  }

  it('disables alerts without a Prometheus URL', () => {
    expect(loadConfig([], {}).alerts).toBeUndefined();
  });

  it('reads the defaults', () => {
    const config = loadConfig(['--prometheus-url', 'http://prometheus.monitoring:9090'], {});
    expect(config.alerts).toEqual({
      prometheusUrl: 'http://prometheus.monitoring:9090',
      prometheusTimeoutMs: 10_000,
      prometheusBearerTokenFile: undefined,
      intervalMs: 30_000,
      rateWindow: '2m',
      queries: defaultQueries(),
    });
  });

  it('reads every setting from the environment', async () => {
    const token = await file('token', 'secret-token\n');
    const queries = await file('queries.yaml', 'cpu: max(my_cpu{ns="{{namespace}}"})\n');
    const config = loadConfig([], {
      HERALD_PROMETHEUS_URL: 'https://prometheus.example.com/prom/',
      HERALD_PROMETHEUS_TIMEOUT: '3s',
      HERALD_PROMETHEUS_BEARER_TOKEN_FILE: token,
      HERALD_ALERT_INTERVAL: '1m',
      HERALD_ALERT_RATE_WINDOW: '5m',
      HERALD_ALERT_QUERIES_FILE: queries,
    });
    expect(config.alerts).toMatchObject({
      prometheusUrl: 'https://prometheus.example.com/prom/',
      prometheusTimeoutMs: 3000,
      prometheusBearerTokenFile: token,
      intervalMs: 60_000,
      rateWindow: '5m',
    });
    expect(config.alerts?.queries.cpu).toBe('max(my_cpu{ns="{{namespace}}"})');
    expect(config.alerts?.queries.memory).toBe(defaultQueries().memory);
  });

  it('lists the settings in the help text', () => {
    const help = helpText();
    for (const flag of [
      '--prometheus-url',
      '--prometheus-timeout',
      '--prometheus-bearer-token-file',
      '--alert-interval',
      '--alert-rate-window',
      '--alert-queries-file',
    ]) {
      expect(help).toContain(flag);
    }
  });

  it.each([
    [['--prometheus-url', 'prometheus:9090'], /--prometheus-url .* uses the scheme prometheus/],
    [['--prometheus-url', 'not a url'], /--prometheus-url .* is not a URL/],
    [['--prometheus-url', 'http://p:9090/?x=1'], /has a query or fragment/],
    [['--alert-interval', '30'], /--alert-interval .* is not a duration/],
    [
      ['--alert-interval', '0s'],
      /--alert-interval \(HERALD_ALERT_INTERVAL\): it must be longer than 0s/,
    ],
    [
      ['--prometheus-timeout', '0s'],
      /--prometheus-timeout \(HERALD_PROMETHEUS_TIMEOUT\): it must be longer than 0s/,
    ],
    [['--alert-rate-window', '2 minutes'], /--alert-rate-window .* is not a Prometheus duration/],
    [['--prometheus-bearer-token-file', '/nonexistent/token'], /ENOENT; mount the token/],
    [['--alert-queries-file', '/nonexistent/queries.yaml'], /reading the alert queries file/],
  ])('rejects %j', (flags, message) => {
    const argv = flags.includes('--prometheus-url')
      ? flags
      : ['--prometheus-url', 'http://127.0.0.1:9090', ...flags];
    expect(() => loadConfig(argv, {})).toThrow(ConfigError);
    expect(() => loadConfig(argv, {})).toThrow(message);
  });

  it.each([
    ['disk: max(x)\n', /Unrecognized key: "disk"/],
    ['cpu: 3\n', /cpu: must be a string/],
    ['- cpu\n', /map metric names/],
    ['cpu: max(x{pod="{{pod}}"})\n', /unknown variables in cpu: \{\{pod\}\}/],
  ])('rejects the queries file %j', async (content, message) => {
    const path = await file('bad.yaml', content);
    const argv = ['--prometheus-url', 'http://127.0.0.1:9090', '--alert-queries-file', path];
    expect(() => loadConfig(argv, {})).toThrow(message);
  });
});
