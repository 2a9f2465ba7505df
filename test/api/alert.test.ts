import { describe, expect, it } from 'vitest';
import { alertSpecSchema, parseAlert, parseGoDuration } from '../../src/api/alert.ts';
import { alertCrd, type CustomResourceDefinition } from '../../src/api/crds.ts';
import type { JsonSchemaProps } from '../../src/api/json-schema.ts';
import {
  applyDefaults,
  checkSchema,
  formatCause,
  prune,
  validate,
} from '../../src/local-api/schema/index.ts';

const cpuAlert = { app: 'shop-api', metric: 'cpu', limit: 0.8, notifiers: ['shop-slack'] };

function rootSchema(crd: CustomResourceDefinition): JsonSchemaProps {
  const version = crd.spec.versions[0];
  if (!version) throw new Error(`${crd.metadata.name} has no version`);
  return version.schema.openAPIV3Schema;
}

function storedAlert(spec: unknown, status?: unknown): Record<string, unknown> {
  return {
    apiVersion: 'herald.dev/v1alpha1',
    kind: 'Alert',
    metadata: {
      name: 'shop-cpu',
      namespace: 'shop',
      uid: '6f1c2a8e-0000-4000-8000-000000000003',
      generation: 1,
      creationTimestamp: '2026-01-01T00:00:00Z',
    },
    spec,
    ...(status === undefined ? {} : { status }),
  };
}

/** Prunes, defaults and validates an Alert against the CRD, as kube-apiserver does on a write. */
function admit(object: Record<string, unknown>) {
  const schema = rootSchema(alertCrd());
  const copy = structuredClone(object);
  const pruned = prune(schema, copy);
  applyDefaults(schema, copy);
  return { object: copy, pruned, causes: validate(schema, copy, undefined) };
}

/** Alert specs with the field path of the error both validators must report, if any. */
const specCases: { name: string; spec: Record<string, unknown>; error?: string }[] = [
  { name: 'minimal', spec: cpuAlert },
  {
    name: 'every field',
    spec: {
      ...cpuAlert,
      containerType: 'worker',
      metric: 'p95_response_time',
      limit: 450,
      direction: 'below',
      for: '1h30m',
      remindEvery: '15m',
      active: false,
      query: 'max(up{namespace="{{namespace}}"})',
      appLabels: { 'app.kubernetes.io/name': 'shop', team: 'payments' },
      containerTypeLabel: 'example.com/process',
    },
  },
  { name: 'fractional duration', spec: { ...cpuAlert, for: '1.5m' } },
  { name: 'zero duration', spec: { ...cpuAlert, for: '0' } },
  { name: 'missing app', spec: { ...cpuAlert, app: undefined }, error: 'app' },
  { name: 'unknown metric', spec: { ...cpuAlert, metric: 'disk' }, error: 'metric' },
  { name: 'negative limit', spec: { ...cpuAlert, limit: -1 }, error: 'limit' },
  { name: 'limit as a string', spec: { ...cpuAlert, limit: '80%' }, error: 'limit' },
  { name: 'unknown direction', spec: { ...cpuAlert, direction: 'up' }, error: 'direction' },
  { name: 'duration in seconds', spec: { ...cpuAlert, for: '300' }, error: 'for' },
  { name: 'duration with spaces', spec: { ...cpuAlert, for: '5 m' }, error: 'for' },
  { name: 'duration in days', spec: { ...cpuAlert, remindEvery: '1d' }, error: 'remindEvery' },
  { name: 'negative duration', spec: { ...cpuAlert, for: '-5m' }, error: 'for' },
  { name: 'ISO 8601 duration', spec: { ...cpuAlert, for: 'PT5M' }, error: 'for' },
  { name: 'no notifier', spec: { ...cpuAlert, notifiers: [] }, error: 'notifiers' },
  { name: 'missing notifiers', spec: { ...cpuAlert, notifiers: undefined }, error: 'notifiers' },
  {
    name: 'duplicate notifier',
    spec: { ...cpuAlert, notifiers: ['shop-slack', 'shop-slack'] },
    error: 'notifiers[1]',
  },
  {
    name: 'notifier name with capitals',
    spec: { ...cpuAlert, notifiers: ['Shop'] },
    error: 'notifiers[0]',
  },
  {
    name: 'container type with a space',
    spec: { ...cpuAlert, containerType: 'web 1' },
    error: 'containerType',
  },
  {
    name: 'app label key with a space',
    spec: { ...cpuAlert, appLabels: { 'app name': 'shop' } },
    error: 'appLabels',
  },
  {
    name: 'app label value too long',
    spec: { ...cpuAlert, appLabels: { app: 'x'.repeat(64) } },
    error: 'appLabels.app',
  },
  { name: 'empty query', spec: { ...cpuAlert, query: '' }, error: 'query' },
];

describe('Alert spec', () => {
  it.each(specCases)('zod and the CRD agree: $name', ({ spec, error }) => {
    const zodResult = alertSpecSchema.safeParse(spec);
    const { pruned, causes } = admit(storedAlert(spec));
    const messages = causes.map(formatCause).join('; ');
    expect(zodResult.success).toBe(error === undefined);
    expect(causes.length === 0, messages).toBe(error === undefined);
    if (error !== undefined) {
      expect(causes[0]?.field, messages).toBe(`spec.${error}`);
      expect(zodResult.error?.issues[0]?.path.join('.').replace(/\.(\d+)/g, '[$1]')).toBe(error);
    }
    expect(pruned).toEqual([]);
  });

  it('applies the same defaults as the CRD', () => {
    const { object, causes } = admit(storedAlert(cpuAlert));
    expect(causes.map(formatCause)).toEqual([]);
    expect(object.spec).toEqual(alertSpecSchema.parse(cpuAlert));
    expect(object.spec).toMatchObject({
      containerType: 'web',
      direction: 'above',
      for: '5m',
      active: true,
    });
    // Left unset, so the App's spec.metrics or the built-in default applies when evaluating.
    expect(object.spec).not.toHaveProperty('containerTypeLabel');
  });

  it('explains a malformed duration', () => {
    const result = parseAlert(storedAlert({ ...cpuAlert, for: '5 minutes' }));
    expect(result).toEqual({
      ok: false,
      message:
        'spec.for: must be a duration in the Go form, such as 30s, 5m or 1h30m (units: h, m, s, ms)',
    });
  });

  it('drops a malformed status', () => {
    const result = parseAlert(storedAlert(cpuAlert, { state: 'exploded' }));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.alert.status).toBeUndefined();
  });
});

describe('Alert CRD', () => {
  it('has a schema kube-apiserver accepts', () => {
    const causes = checkSchema(rootSchema(alertCrd()), 'spec.versions[0].schema.openAPIV3Schema');
    expect(causes.map(formatCause)).toEqual([]);
  });

  it('has the printer columns of kubectl get alerts', () => {
    const columns = alertCrd().spec.versions[0]?.additionalPrinterColumns ?? [];
    expect(columns.map((column) => [column.name, column.jsonPath])).toEqual([
      ['App', '.spec.app'],
      ['Metric', '.spec.metric'],
      ['State', '.status.state'],
      ['Since', '.status.since'],
      ['Age', '.metadata.creationTimestamp'],
    ]);
  });
});

describe('parseGoDuration', () => {
  it.each([
    ['0', 0],
    ['0s', 0],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
    ['1m30s500ms', 90_500],
  ])('reads %s as %d ms', (text, expected) => {
    expect(parseGoDuration(text)).toBe(expected);
  });

  it.each(['', '5', '5 m', '-5m', '1d', 'PT5M', '5M', 'm'])('rejects "%s"', (text) => {
    expect(parseGoDuration(text)).toBeUndefined();
  });
});
