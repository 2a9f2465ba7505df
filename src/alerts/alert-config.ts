import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { z } from 'zod';
import { alertMetrics } from '../api/alert.ts';
import { formatIssues, issueMessage } from '../api/issues.ts';
import { defaultQueries, type MetricQueries } from './alert-evaluation.ts';
import { templateVariables, unknownTemplateVariables } from './query-template.ts';

/** Operator settings of alert evaluation, present only when a Prometheus URL is configured. */
export interface AlertConfig {
  /** Base URL of the Prometheus HTTP API. A credential may be part of it, so it is never logged. */
  prometheusUrl: string;
  /** Limit on one Prometheus query, in ms. */
  prometheusTimeoutMs: number;
  /** File holding the bearer token sent to Prometheus, read for each query. */
  prometheusBearerTokenFile: string | undefined;
  /** Time between two evaluations of every alert, in ms. */
  intervalMs: number;
  /** Range of rate() in the queries, a Prometheus duration such as "2m". */
  rateWindow: string;
  /** The PromQL template of every metric, defaults replaced by the overrides file. */
  queries: MetricQueries;
}

/** Prometheus' duration syntax: numbers with units, largest first, such as "1h30m" or "90s". */
const prometheusDurationPattern = /^([0-9]+(ms|s|m|h|d|w|y))+$/;

/** Tells whether `text` is a duration Prometheus accepts in a range selector. */
export function isPrometheusDuration(text: string): boolean {
  return prometheusDurationPattern.test(text);
}

/**
 * Checks that `url` can be the base URL of the Prometheus HTTP API. Returns the problem, or
 * undefined when it is fine. The URL itself is left out of the message.
 */
export function prometheusUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL; use the base URL of the Prometheus HTTP API, such as http://prometheus.monitoring:9090';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `uses the scheme ${parsed.protocol.replace(/:$/, '')}; use http or https`;
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    return 'has a query or fragment; give the base URL only';
  }
  if (parsed.username !== '' || parsed.password !== '') {
    // The URL would reach logs and Alert statuses in error messages, password included.
    return 'contains a user name or password; remove them and use --prometheus-bearer-token-file';
  }
  return undefined;
}

const overridesSchema = z.strictObject(
  Object.fromEntries(
    alertMetrics.map((metric) => [metric, z.string().min(1).max(4096).optional()]),
  ) as Record<(typeof alertMetrics)[number], z.ZodOptional<z.ZodString>>,
);

/**
 * Reads a YAML file that maps metric names to PromQL templates, such as `cpu: max(...)`, and
 * returns every metric's template with the file's entries in place of the defaults. Throws with
 * the file name and the problem when the file cannot be read, is not such a map, names an unknown
 * metric or uses an unknown template variable.
 */
export function loadQueryOverrides(path: string | undefined): MetricQueries {
  const queries: Record<string, string> = { ...defaultQueries() };
  if (!path) return queries as MetricQueries;

  let document: unknown;
  try {
    document = load(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`reading the alert queries file ${path} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }

  const parsed = overridesSchema.safeParse(document ?? {}, { error: issueMessage });
  if (!parsed.success) {
    throw new Error(
      `the alert queries file ${path} is invalid: ${formatIssues(parsed.error.issues)}; map ` +
        `metric names (${alertMetrics.join(', ')}) to PromQL templates`,
    );
  }
  for (const [metric, template] of Object.entries(parsed.data)) {
    if (template === undefined) continue;
    const unknown = unknownTemplateVariables(template);
    if (unknown.length > 0) {
      throw new Error(
        `the alert queries file ${path} uses unknown variables in ${metric}: ` +
          `${unknown.map((name) => `{{${name}}}`).join(', ')}; use only ` +
          templateVariables.map((name) => `{{${name}}}`).join(', '),
      );
    }
    queries[metric] = template;
  }
  return queries as MetricQueries;
}
