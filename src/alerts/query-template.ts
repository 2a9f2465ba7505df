import { defaultAppLabel, defaultContainerTypeLabel, type AlertSpec } from '../api/alert.ts';

/** Names of the variables a query template may use, as `{{name}}`. */
export const templateVariables = [
  'namespace',
  'app',
  'containerType',
  'podLabels',
  'serviceLabels',
  'rateWindow',
  'aggregation',
] as const;

/** Values of the template variables for one alert. */
export type TemplateValues = Record<(typeof templateVariables)[number], string>;

const placeholder = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * Lists the variables of a template that are not in `templateVariables`, so a template from the
 * configuration can be rejected at startup rather than at each evaluation.
 */
export function unknownTemplateVariables(template: string): string[] {
  const known = new Set<string>(templateVariables);
  const unknown = new Set<string>();
  for (const match of template.matchAll(placeholder)) {
    const name = match[1] ?? '';
    if (!known.has(name)) unknown.add(name);
  }
  return [...unknown];
}

/**
 * Replaces each `{{name}}` of a template with its value. Throws on an unknown variable, naming
 * it and the known ones.
 */
export function renderQuery(template: string, values: TemplateValues): string {
  const unknown = unknownTemplateVariables(template);
  if (unknown.length > 0) {
    throw new Error(
      `the query uses unknown variables ${unknown.map((name) => `{{${name}}}`).join(', ')}; ` +
        `use only ${templateVariables.map((name) => `{{${name}}}`).join(', ')}`,
    );
  }
  return template.replace(placeholder, (_match, name: keyof TemplateValues) => values[name]);
}

/** The labels that find an app's pods, from its App's `spec.metrics`. */
export interface AppMetricsSettings {
  podLabels?: Readonly<Record<string, string>> | undefined;
  containerTypeLabel?: string | undefined;
}

/**
 * Computes the template values of an alert in `namespace`. The App's settings apply where the
 * alert sets none. `rateWindow` is a Prometheus duration
 * such as "2m". The aggregation across the pods is the worst case for the direction: `max` when
 * the alert fires above its limit, `min` when it fires below.
 */
export function templateValues(
  namespace: string,
  spec: AlertSpec,
  rateWindow: string,
  app: AppMetricsSettings = {},
): TemplateValues {
  const appLabels = spec.appLabels ?? app.podLabels ?? { [defaultAppLabel]: spec.app };
  const containerTypeLabel =
    spec.containerTypeLabel ?? app.containerTypeLabel ?? defaultContainerTypeLabel;
  const podLabels = { ...appLabels, [containerTypeLabel]: spec.containerType };
  return {
    namespace,
    app: spec.app,
    containerType: spec.containerType,
    podLabels: kubeStateMetricsMatchers(podLabels),
    serviceLabels: kubeStateMetricsMatchers(appLabels),
    rateWindow,
    aggregation: spec.direction === 'above' ? 'max' : 'min',
  };
}

/**
 * Writes label equality matchers for kube-state-metrics' `kube_*_labels` series, which carry each
 * Kubernetes label `key` as `label_<key>` with every character other than a letter, digit or "_"
 * replaced by "_" (so app.kubernetes.io/name becomes label_app_kubernetes_io_name).
 */
export function kubeStateMetricsMatchers(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `label_${key.replace(/[^A-Za-z0-9_]/g, '_')}=${JSON.stringify(value)}`)
    .join(', ');
}
