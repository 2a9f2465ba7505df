import { parseGoDuration, type AlertMetric, type AlertSpec } from '../api/alert.ts';
import { metricCatalogue } from './metric-catalogue.ts';
import { renderQuery, templateValues, type AppMetricsSettings } from './query-template.ts';
import type { AlertRule } from './state-machine.ts';

/** The PromQL template of every metric: the catalogue's, or an override from the configuration. */
export type MetricQueries = Readonly<Record<AlertMetric, string>>;

/** Returns the default PromQL template of every metric. */
export function defaultQueries(): MetricQueries {
  const queries = {} as Record<AlertMetric, string>;
  for (const [metric, info] of Object.entries(metricCatalogue)) {
    queries[metric as AlertMetric] = info.query;
  }
  return queries;
}

/**
 * Renders the query of an alert: its own `spec.query` when set, otherwise the template of its
 * metric. Throws when the template uses an unknown variable.
 */
export function alertQuery(
  namespace: string,
  spec: AlertSpec,
  queries: MetricQueries,
  rateWindow: string,
  app?: AppMetricsSettings,
): string {
  const template = spec.query ?? queries[spec.metric];
  return renderQuery(template, templateValues(namespace, spec, rateWindow, app));
}

/** Converts the limit and durations of a parsed spec, whose durations are valid, into a rule. */
export function alertRule(spec: AlertSpec): AlertRule {
  return {
    limit: spec.limit,
    direction: spec.direction,
    forMs: parseGoDuration(spec.for) ?? 0,
    remindMs: spec.remindEvery === undefined ? 0 : (parseGoDuration(spec.remindEvery) ?? 0),
  };
}
