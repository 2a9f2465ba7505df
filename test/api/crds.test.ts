import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import {
  appEventPhases,
  appEventSpecSchema,
  appEventStatusSchema,
  deliveryStates,
} from '../../src/api/app-event.ts';
import {
  appEventCrd,
  crdFiles,
  notifierCrd,
  renderCrdYaml,
  type CustomResourceDefinition,
} from '../../src/api/crds.ts';
import { eventTypeNames, selectionNames } from '../../src/api/event-types.ts';
import type { JsonSchemaProps } from '../../src/api/json-schema.ts';
import { notifierSpecSchema } from '../../src/api/notifier.ts';
import { platforms } from '../../src/api/platforms.ts';
import {
  applyDefaults,
  checkSchema,
  formatCause,
  prune,
  validate,
  type FieldCause,
} from '../../src/local-api/schema/index.ts';
import { sampleAppEventStatus, slackWebhook, storedAppEvent, storedNotifier } from './fixtures.ts';
import { appEventSpecCases, notifierSpecCases } from './spec-cases.ts';

const crdDirectory = path.join(import.meta.dirname, '..', '..', 'crds');

function rootSchema(crd: CustomResourceDefinition): JsonSchemaProps {
  const version = crd.spec.versions[0];
  if (!version) throw new Error(`${crd.metadata.name} has no version`);
  return version.schema.openAPIV3Schema;
}

/** Returns the schema node at a dotted path; `[]` steps into array items. */
function node(crd: CustomResourceDefinition, dottedPath: string): JsonSchemaProps {
  let current = rootSchema(crd);
  for (const step of dottedPath.split('.')) {
    const next = step === '[]' ? current.items : current.properties?.[step];
    if (!next) throw new Error(`${crd.metadata.name} has no schema node ${dottedPath}`);
    current = next;
  }
  return current;
}

/** Lists every property of a schema with its dotted path. */
function everyProperty(schema: JsonSchemaProps, prefix = ''): [string, JsonSchemaProps][] {
  const found: [string, JsonSchemaProps][] = [];
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    found.push([`${prefix}${name}`, child], ...everyProperty(child, `${prefix}${name}.`));
  }
  if (schema.items) found.push(...everyProperty(schema.items, `${prefix}[].`));
  return found;
}

/** An object after the steps kube-apiserver runs before it validates a custom resource. */
interface DecodedObject {
  object: Record<string, unknown>;
  /** Paths of the unknown fields that pruning removed, such as `spec.channel`. */
  pruned: string[];
}

/** Prunes and defaults a copy of an object, as kube-apiserver does on a write and on a read. */
function decode(crd: CustomResourceDefinition, object: Record<string, unknown>): DecodedObject {
  const copy = structuredClone(object);
  const pruned = prune(rootSchema(crd), copy);
  applyDefaults(rootSchema(crd), copy);
  return { object: copy, pruned };
}

/**
 * Validates a written object against a CRD in kube-apiserver's order: prune, default, validate.
 * `oldObject` is the stored object of an update, which transition rules read as oldSelf.
 * kube-apiserver prunes and defaults an object it reads from storage, so the old object is too.
 */
function admit(
  crd: CustomResourceDefinition,
  object: Record<string, unknown>,
  oldObject?: Record<string, unknown>,
): DecodedObject & { causes: FieldCause[] } {
  const decoded = decode(crd, object);
  const old = oldObject === undefined ? undefined : decode(crd, oldObject).object;
  return { ...decoded, causes: validate(rootSchema(crd), decoded.object, old) };
}

/** Returns the field path a zod error message starts with, such as `spec.app`. */
function fieldOf(error: string): string {
  return error.slice(0, error.indexOf(': '));
}

const crds = [
  ['notifiers', notifierCrd()],
  ['appevents', appEventCrd()],
] as const;

describe('committed CRD files', () => {
  it.each(crdFiles.map((file) => [file.fileName, file] as const))(
    '%s equals the generated CRD',
    async (fileName, { build }) => {
      const committed = await readFile(path.join(crdDirectory, fileName), 'utf8');
      expect(load(committed)).toEqual(build());
      expect(committed, 'run npx node scripts/generate-crds.ts').toBe(renderCrdYaml(build()));
    },
  );

  it('start with a header saying they are generated', async () => {
    for (const { fileName } of crdFiles) {
      const committed = await readFile(path.join(crdDirectory, fileName), 'utf8');
      expect(committed.split('\n')[0]).toMatch(/^# Generated .* Do not edit\.$/);
      expect(committed.split('\n')[1]).toBe('# Regenerate with: npx node scripts/generate-crds.ts');
    }
  });
});

describe('CRD structure', () => {
  it.each(crds)('%s is namespaced with a status subresource', (plural, crd) => {
    expect(crd.metadata.name).toBe(`${plural}.herald.dev`);
    expect(crd.spec.group).toBe('herald.dev');
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names.categories).toEqual(['herald']);
    expect(crd.spec.versions).toHaveLength(1);
    expect(crd.spec.versions[0]?.name).toBe('v1alpha1');
    expect(crd.spec.versions[0]?.subresources).toEqual({ status: {} });
    expect(rootSchema(crd).required).toEqual(['spec']);
  });

  it('gives the kinds short names', () => {
    expect(notifierCrd().spec.names.shortNames).toEqual(['nf']);
    expect(appEventCrd().spec.names.shortNames).toEqual(['aev']);
  });

  it.each(crds)('%s describes every field', (_plural, crd) => {
    const undescribed = everyProperty(rootSchema(crd))
      .filter(([fieldPath, child]) => fieldPath !== 'metadata' && !child.description?.trim())
      .map(([fieldPath]) => fieldPath);
    expect(undescribed).toEqual([]);
  });

  it.each(crds)('%s uses only patterns RE2 can compile', (_plural, crd) => {
    for (const [fieldPath, child] of everyProperty(rootSchema(crd))) {
      if (child.pattern) expect(child.pattern, fieldPath).not.toMatch(/\(\?[=!<]|\\[1-9]/);
    }
  });

  it('takes enums from the catalogue', () => {
    const notifier = notifierCrd();
    const appEvent = appEventCrd();
    expect(node(appEvent, 'spec.type').enum).toEqual(eventTypeNames);
    expect(node(notifier, 'spec.events.types.[]').enum).toEqual(eventTypeNames);
    expect(node(notifier, 'spec.events.types').maxItems).toBe(eventTypeNames.length);
    expect(node(notifier, 'spec.events.selection').enum).toEqual(selectionNames);
    expect(node(notifier, 'spec.platform').enum).toEqual(platforms);
    expect(node(appEvent, 'status.deliveries.[].platform').enum).toEqual(platforms);
    expect(node(appEvent, 'status.phase').enum).toEqual(appEventPhases);
    expect(node(appEvent, 'status.deliveries.[].state').enum).toEqual(deliveryStates);
  });

  it('lists every event type in the explain text of appevent.spec.type', () => {
    const description = node(appEventCrd(), 'spec.type').description ?? '';
    for (const type of eventTypeNames) expect(description).toContain(`\n${type}: `);
  });

  it.each([
    ['notifiers', 'spec', ['app', 'platform']],
    ['notifiers', 'spec.events', ['selection']],
    ['notifiers', 'spec.webhook', ['urlSecretRef']],
    ['notifiers', 'spec.webhook.urlSecretRef', ['name', 'key']],
    [
      'notifiers',
      'status.conditions.[]',
      ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
    ],
    ['appevents', 'spec', ['app', 'type']],
    ['appevents', 'status.deliveries.[]', ['notifier', 'platform', 'state']],
  ] as const)('%s %s requires %j', (plural, nodePath, required) => {
    const crd = plural === 'notifiers' ? notifierCrd() : appEventCrd();
    expect(node(crd, nodePath).required).toEqual(required);
  });

  it.each([
    ['notifiers', 'spec.active', true],
    ['notifiers', 'spec.events', { selection: 'all' }],
    ['appevents', 'status.deliveries.[].attempts', 0],
  ] as const)('%s %s defaults to %j', (plural, nodePath, value) => {
    const crd = plural === 'notifiers' ? notifierCrd() : appEventCrd();
    expect(node(crd, nodePath).default).toEqual(value);
  });

  it('declares list types and keys', () => {
    const notifier = notifierCrd();
    const appEvent = appEventCrd();
    expect(node(notifier, 'spec.events.types')['x-kubernetes-list-type']).toBe('set');
    expect(node(notifier, 'spec.email.to')['x-kubernetes-list-type']).toBe('set');
    expect(node(notifier, 'status.conditions')['x-kubernetes-list-type']).toBe('map');
    expect(node(notifier, 'status.conditions')['x-kubernetes-list-map-keys']).toEqual(['type']);
    expect(node(appEvent, 'status.deliveries')['x-kubernetes-list-type']).toBe('map');
    expect(node(appEvent, 'status.deliveries')['x-kubernetes-list-map-keys']).toEqual(['notifier']);
    expect(node(appEvent, 'spec.data')['x-kubernetes-preserve-unknown-fields']).toBe(true);
  });

  it('makes the AppEvent spec immutable', () => {
    expect(node(appEventCrd(), 'spec')['x-kubernetes-validations']).toEqual([
      { rule: 'self == oldSelf', message: 'spec is immutable' },
    ]);
  });

  it('has the printer columns of kubectl get', () => {
    const columns = (crd: CustomResourceDefinition) =>
      crd.spec.versions[0]?.additionalPrinterColumns.map((column) => [
        column.name,
        column.jsonPath,
      ]);
    expect(columns(notifierCrd())).toEqual([
      ['App', '.spec.app'],
      ['Platform', '.spec.platform'],
      ['Events', '.spec.events.selection'],
      ['Active', '.spec.active'],
      ['Ready', '.status.conditions[?(@.type=="Ready")].status'],
      ['Age', '.metadata.creationTimestamp'],
    ]);
    expect(columns(appEventCrd())).toEqual([
      ['App', '.spec.app'],
      ['Type', '.spec.type'],
      ['Phase', '.status.phase'],
      ['Age', '.metadata.creationTimestamp'],
    ]);
  });
});

describe('CRD schema checks', () => {
  it.each(crds)('%s has a schema kube-apiserver accepts', (_plural, crd) => {
    const causes = checkSchema(rootSchema(crd), 'spec.versions[0].schema.openAPIV3Schema');
    expect(causes.map(formatCause)).toEqual([]);
  });
});

describe('zod and CRD agreement', () => {
  it.each(notifierSpecCases)('Notifier spec: $name', ({ spec, error }) => {
    const zodValid = notifierSpecSchema.safeParse(spec).success;
    const { pruned, causes } = admit(notifierCrd(), storedNotifier(spec));
    const messages = causes.map(formatCause).join('; ');
    expect(zodValid).toBe(error === undefined);
    expect(causes.length === 0, messages).toBe(error === undefined);
    if (error !== undefined) expect(causes[0]?.field, messages).toBe(fieldOf(error));
    expect(pruned).toEqual([]);
  });

  it.each(appEventSpecCases)('AppEvent spec: $name', ({ spec, error }) => {
    const zodValid = appEventSpecSchema.safeParse(spec).success;
    const { pruned, causes } = admit(appEventCrd(), storedAppEvent(spec));
    const messages = causes.map(formatCause).join('; ');
    expect(zodValid).toBe(error === undefined);
    expect(causes.length === 0, messages).toBe(error === undefined);
    if (error !== undefined) expect(causes[0]?.field, messages).toBe(fieldOf(error));
    expect(pruned).toEqual([]);
  });

  it('reports a CEL rule failure with the same message as zod', () => {
    const spec = { app: 'shop-api', platform: 'slack' };
    const { causes } = admit(notifierCrd(), storedNotifier(spec));
    const zodIssues = notifierSpecSchema.safeParse(spec).error?.issues ?? [];
    expect(causes).toEqual([
      {
        reason: 'FieldValueRequired',
        field: 'spec.webhook',
        message: `Required value: ${zodIssues[0]?.message}`,
      },
    ]);
    expect(zodIssues[0]?.path).toEqual(['webhook']);
  });

  it('applies the same defaults', () => {
    const spec = { app: 'shop-api', platform: 'slack', webhook: slackWebhook };
    const { object, causes } = admit(notifierCrd(), storedNotifier(spec));
    expect(causes.map(formatCause)).toEqual([]);

    const crdSchema = node(notifierCrd(), 'spec');
    const zodSpec = notifierSpecSchema.parse(spec);
    expect(zodSpec.active).toBe(crdSchema.properties?.active?.default);
    expect(zodSpec.events).toEqual(crdSchema.properties?.events?.default);
    expect(object.spec).toEqual(zodSpec);
  });

  it('prunes a field zod strips', () => {
    const spec = { app: 'shop-api', platform: 'slack', webhook: slackWebhook, channel: '#ops' };
    const { object, pruned, causes } = admit(notifierCrd(), storedNotifier(spec));
    expect(causes.map(formatCause)).toEqual([]);
    expect(pruned).toEqual(['spec.channel']);
    expect(object.spec).toEqual(notifierSpecSchema.parse(spec));
  });

  it.each([
    [
      'changed type',
      { app: 'shop-api', type: 'app_crashed' },
      ['spec: Invalid value: "object": spec is immutable'],
    ],
    [
      'added actor',
      { app: 'shop-api', type: 'app_deployed', actor: 'me' },
      ['spec: Invalid value: "object": spec is immutable'],
    ],
    ['unchanged', { app: 'shop-api', type: 'app_deployed' }, []],
  ])('AppEvent update with %s', (_name, newSpec, expected) => {
    const oldEvent = storedAppEvent({ app: 'shop-api', type: 'app_deployed' });
    const { causes } = admit(appEventCrd(), storedAppEvent(newSpec), oldEvent);
    expect(causes.map(formatCause)).toEqual(expected);
  });

  it.each([
    ['sample status', sampleAppEventStatus, true],
    ['unknown phase', { phase: 'Done' }, false],
    ['record without notifier', { deliveries: [{ platform: 'slack', state: 'Pending' }] }, false],
    [
      'negative attempts',
      { deliveries: [{ notifier: 'a', platform: 'slack', state: 'Pending', attempts: -1 }] },
      false,
    ],
    ['invalid time', { processedAt: 'soon' }, false],
  ])('AppEvent status: %s', (_name, status, valid) => {
    expect(appEventStatusSchema.safeParse(status).success).toBe(valid);
    const spec = { app: 'shop-api', type: 'app_deployed' };
    const { causes } = admit(appEventCrd(), storedAppEvent(spec, status));
    expect(causes.length === 0, causes.map(formatCause).join('; ')).toBe(valid);
  });
});
