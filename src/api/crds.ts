import { dump } from 'js-yaml';
import type { z } from 'zod';
import { alertNames, alertSpecSchema, alertStatusSchema } from './alert.ts';
import { appEventSpecSchema, appEventStatusSchema } from './app-event.ts';
import { appSpecSchema, appStatusSchema } from './app.ts';
import {
  group,
  version,
  notifierNames,
  appEventNames,
  appNames,
  type ResourceNames,
} from './group.ts';
import { toStructuralSchema, type JsonSchemaProps } from './json-schema.ts';
import { notifierSpecSchema, notifierStatusSchema, readyConditionType } from './notifier.ts';

/** A column of `kubectl get`. */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description: string;
}

/** An apiextensions.k8s.io/v1 CustomResourceDefinition with one version, as a plain object. */
export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string };
  spec: {
    group: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames: string[];
      categories: string[];
    };
    scope: 'Namespaced';
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      subresources: { status: Record<string, never> };
      additionalPrinterColumns: PrinterColumn[];
      schema: { openAPIV3Schema: JsonSchemaProps };
    }[];
  };
}

interface KindDefinition {
  names: ResourceNames;
  description: string;
  spec: z.ZodType;
  status: z.ZodType;
  columns: PrinterColumn[];
}

const ageColumn: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description: 'Time since the object was created.',
};

/** Builds the CustomResourceDefinition of the Notifier kind. */
export function notifierCrd(): CustomResourceDefinition {
  return buildCrd({
    names: notifierNames,
    description:
      'Notifier sends notifications about the events of one app to one platform (email, ' +
      'Slack, a webhook, Rocket.Chat or Mattermost). For each AppEvent of its app whose type it ' +
      'selects, an active Notifier sends one notification.',
    spec: notifierSpecSchema,
    status: notifierStatusSchema,
    columns: [
      { name: 'App', type: 'string', jsonPath: '.spec.app', description: 'App of the Notifier.' },
      {
        name: 'Platform',
        type: 'string',
        jsonPath: '.spec.platform',
        description: 'Platform that receives the notifications.',
      },
      {
        name: 'Events',
        type: 'string',
        jsonPath: '.spec.events.selection',
        description: 'Named selection of event types.',
      },
      {
        name: 'Active',
        type: 'boolean',
        jsonPath: '.spec.active',
        description: 'Whether the Notifier delivers.',
      },
      {
        name: 'Ready',
        type: 'string',
        jsonPath: `.status.conditions[?(@.type=="${readyConditionType}")].status`,
        description: 'Whether the Notifier can deliver.',
      },
      ageColumn,
    ],
  });
}

/** Builds the CustomResourceDefinition of the AppEvent kind. */
export function appEventCrd(): CustomResourceDefinition {
  return buildCrd({
    names: appEventNames,
    description:
      'AppEvent records one thing that happened to an app, such as a deployment or a crash. ' +
      'Herald delivers it through every active Notifier of the app that selects its type, and ' +
      'records each delivery in the status.',
    spec: appEventSpecSchema,
    status: appEventStatusSchema,
    columns: [
      { name: 'App', type: 'string', jsonPath: '.spec.app', description: 'App of the event.' },
      { name: 'Type', type: 'string', jsonPath: '.spec.type', description: 'Event type.' },
      {
        name: 'Phase',
        type: 'string',
        jsonPath: '.status.phase',
        description: 'Outcome of the deliveries.',
      },
      ageColumn,
    ],
  });
}

/** Builds the CustomResourceDefinition of the App kind. */
export function appCrd(): CustomResourceDefinition {
  return buildCrd({
    names: appNames,
    description:
      'App names an application and the people behind it: its owner and collaborators. ' +
      'Notifiers and AppEvents refer to it by name. An App is optional for routing; it gives ' +
      'email notifiers their owner and collaborator recipients and a default notifier.',
    spec: appSpecSchema,
    status: appStatusSchema,
    columns: [
      {
        name: 'Owner',
        type: 'string',
        jsonPath: '.spec.owner.email',
        description: 'Owner of the app.',
      },
      {
        name: 'Default Notifier',
        type: 'string',
        jsonPath: '.status.defaultNotifier',
        description: 'Name of the default notifier.',
      },
      ageColumn,
    ],
  });
}

/** Builds the CustomResourceDefinition of the Alert kind. */
export function alertCrd(): CustomResourceDefinition {
  return buildCrd({
    names: alertNames,
    description:
      'Alert watches one metric of one app in Prometheus. When the value stays above (or below) ' +
      'the limit for the configured time, Herald creates an app_alert_triggered AppEvent for ' +
      'the named notifiers, reminds while it fires, and sends a resolved notice when it stops.',
    spec: alertSpecSchema,
    status: alertStatusSchema,
    columns: [
      { name: 'App', type: 'string', jsonPath: '.spec.app', description: 'App of the alert.' },
      {
        name: 'Metric',
        type: 'string',
        jsonPath: '.spec.metric',
        description: 'Metric the alert watches.',
      },
      {
        name: 'State',
        type: 'string',
        jsonPath: '.status.state',
        description: 'ok, pending or firing.',
      },
      {
        name: 'Since',
        type: 'date',
        jsonPath: '.status.since',
        description: 'Time since the alert entered its state.',
      },
      ageColumn,
    ],
  });
}

/** Every generated CRD with the file name it is committed under in `crds/`. */
export const crdFiles: readonly { fileName: string; build: () => CustomResourceDefinition }[] = [
  { fileName: `${notifierNames.plural}.${group}.yaml`, build: notifierCrd },
  { fileName: `${appEventNames.plural}.${group}.yaml`, build: appEventCrd },
  { fileName: `${appNames.plural}.${group}.yaml`, build: appCrd },
  { fileName: `${alertNames.plural}.${group}.yaml`, build: alertCrd },
];

/** Renders a CRD as the YAML committed in `crds/`, with a header saying how to regenerate it. */
export function renderCrdYaml(crd: CustomResourceDefinition): string {
  const header = [
    '# Generated from the zod schemas in src/api by scripts/generate-crds.ts. Do not edit.',
    '# Regenerate with: npx node scripts/generate-crds.ts',
  ].join('\n');
  return `${header}\n${dump(crd, { lineWidth: 100, noRefs: true })}`;
}

function buildCrd(definition: KindDefinition): CustomResourceDefinition {
  const { names } = definition;
  const openAPIV3Schema: JsonSchemaProps = {
    type: 'object',
    description: definition.description,
    properties: {
      apiVersion: {
        type: 'string',
        description: `API version of the object: ${group}/${version}.`,
      },
      kind: { type: 'string', description: `Kind of the object: ${names.kind}.` },
      metadata: { type: 'object' },
      spec: toStructuralSchema(definition.spec),
      status: toStructuralSchema(definition.status),
    },
    required: ['spec'],
  };

  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${names.plural}.${group}` },
    spec: {
      group,
      names: {
        kind: names.kind,
        listKind: names.listKind,
        plural: names.plural,
        singular: names.singular,
        shortNames: [...names.shortNames],
        categories: [...names.categories],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: definition.columns,
          schema: { openAPIV3Schema },
        },
      ],
    },
  };
}
