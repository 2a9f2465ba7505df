import { describe, expect, it } from 'vitest';
import { alertMetrics, alertSpecSchema } from '../../src/api/alert.ts';
import { alertQuery, alertRule, defaultQueries } from '../../src/alerts/alert-evaluation.ts';
import { metricCatalogue } from '../../src/alerts/metric-catalogue.ts';
import {
  kubeStateMetricsMatchers,
  renderQuery,
  templateValues,
  unknownTemplateVariables,
} from '../../src/alerts/query-template.ts';

const spec = alertSpecSchema.parse({
  app: 'shop-api',
  metric: 'cpu',
  limit: 0.8,
  notifiers: ['shop-slack'],
});

describe('templateValues', () => {
  it('selects the app pods of the container type by default', () => {
    expect(templateValues('shop', spec, '2m')).toEqual({
      namespace: 'shop',
      app: 'shop-api',
      containerType: 'web',
      podLabels: 'label_app_kubernetes_io_component="web", label_app_kubernetes_io_name="shop-api"',
      serviceLabels: 'label_app_kubernetes_io_name="shop-api"',
      rateWindow: '2m',
      aggregation: 'max',
    });
  });

  it('uses the labels and container type label of the alert', () => {
    const custom = {
      ...spec,
      appLabels: { app: 'shop', 'example.com/team': 'payments' },
      containerTypeLabel: 'example.com/process',
      containerType: 'worker',
    };
    const values = templateValues('shop', custom, '5m');
    expect(values.podLabels).toBe(
      'label_app="shop", label_example_com_process="worker", label_example_com_team="payments"',
    );
    expect(values.serviceLabels).toBe('label_app="shop", label_example_com_team="payments"');
  });

  it('uses the App settings where the alert sets none', () => {
    const app = { podLabels: { app: 'shop' }, containerTypeLabel: 'example.com/process' };

    const values = templateValues('shop', spec, '2m', app);
    const own = templateValues('shop', { ...spec, appLabels: { tier: 'api' } }, '2m', app);

    expect(values.podLabels).toBe('label_app="shop", label_example_com_process="web"');
    expect(values.serviceLabels).toBe('label_app="shop"');
    expect(own.podLabels).toBe('label_example_com_process="web", label_tier="api"');
  });

  it('takes the lowest value across pods for alerts below a limit', () => {
    expect(templateValues('shop', { ...spec, direction: 'below' }, '2m').aggregation).toBe('min');
  });
});

describe('renderQuery', () => {
  it('replaces every variable', () => {
    const rendered = renderQuery(
      'sum(rate(x{namespace="{{namespace}}", {{ podLabels }}}[{{rateWindow}}]))',
      templateValues('shop', spec, '2m'),
    );
    expect(rendered).toBe(
      'sum(rate(x{namespace="shop", label_app_kubernetes_io_component="web", ' +
        'label_app_kubernetes_io_name="shop-api"}[2m]))',
    );
  });

  it('rejects an unknown variable with the list of known ones', () => {
    expect(() => renderQuery('up{pod="{{pod}}"}', templateValues('shop', spec, '2m'))).toThrow(
      /unknown variables \{\{pod\}\}; use only \{\{namespace\}\}, \{\{app\}\}/,
    );
  });

  it('lists unknown variables once each', () => {
    expect(unknownTemplateVariables('{{a}} {{namespace}} {{a}} {{b}}')).toEqual(['a', 'b']);
  });

  it('escapes label values as PromQL strings', () => {
    expect(kubeStateMetricsMatchers({ app: 'a"b\\c' })).toBe('label_app="a\\"b\\\\c"');
  });
});

describe('metric catalogue', () => {
  it.each(alertMetrics)('%s has a query that uses only known variables', (metric) => {
    expect(unknownTemplateVariables(metricCatalogue[metric].query)).toEqual([]);
  });

  it.each(alertMetrics)('%s names its prerequisites', (metric) => {
    expect(metricCatalogue[metric].prerequisites).not.toBe('');
  });

  it('renders the alert query of its own metric', () => {
    const query = alertQuery('shop', { ...spec, metric: 'memory' }, defaultQueries(), '2m');
    expect(query).toContain('container_memory_working_set_bytes{namespace="shop"');
    expect(query).toContain('resource="memory"');
    expect(query).not.toContain('{{');
  });

  it('prefers the query of the alert', () => {
    const query = alertQuery(
      'shop',
      { ...spec, query: 'max(my_gauge{ns="{{namespace}}"})' },
      defaultQueries(),
      '2m',
    );
    expect(query).toBe('max(my_gauge{ns="shop"})');
  });

  it('converts the durations of a spec into a rule', () => {
    expect(alertRule({ ...spec, for: '1m30s', remindEvery: '1h' })).toEqual({
      limit: 0.8,
      direction: 'above',
      forMs: 90_000,
      remindMs: 3_600_000,
    });
    expect(alertRule(spec).remindMs).toBe(0);
  });
});
