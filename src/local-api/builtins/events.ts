/** The core/v1 events resource, as `kubectl describe` and `kubectl get events` read it. */
import type { FieldError } from '../errors.ts';
import { invalidField } from '../names.ts';
import { metaString, type JsonObject } from '../object.ts';
import { metadataFields, type ResourceType } from '../registry.ts';
import type { JSONSchemaProps } from '../schema/index.ts';
import {
  ageSince,
  builtinDefaults,
  fieldAt,
  NAME_COLUMN_DESCRIPTION,
  objectRoot,
  servedVersion,
  stringField,
  textAt,
} from './common.ts';

const timeField = (description: string): JSONSchemaProps => ({
  type: 'string',
  format: 'date-time',
  description,
});

const objectReference: JSONSchemaProps = {
  type: 'object',
  description: 'The object this event is about.',
  properties: {
    apiVersion: stringField('API version of the referent.'),
    fieldPath: stringField(
      'A path inside the referent, such as a container, when the event concerns part of it.',
    ),
    kind: stringField('Kind of the referent.'),
    name: stringField('Name of the referent.'),
    namespace: stringField('Namespace of the referent.'),
    resourceVersion: stringField('The referent resourceVersion the event was recorded against.'),
    uid: stringField('UID of the referent.'),
  },
};

const eventSchema = objectRoot(
  'Event is a report of an event somewhere in the cluster.',
  {
    action: stringField('What action was taken or failed regarding the object.'),
    count: {
      type: 'integer',
      format: 'int32',
      description: 'The number of times this event has occurred.',
    },
    eventTime: {
      type: 'string',
      format: 'date-time',
      description: 'Time when this event was first observed, with microseconds.',
    },
    firstTimestamp: timeField('The time at which the event was first recorded.'),
    involvedObject: objectReference,
    lastTimestamp: timeField(
      'The time at which the most recent occurrence of this event was recorded.',
    ),
    message: stringField('A human-readable description of the status of this operation.'),
    reason: stringField(
      'Short, machine understandable string that gives the reason for the transition.',
    ),
    related: {
      ...objectReference,
      description: 'Optional secondary object for more complex actions.',
    },
    reportingComponent: stringField('Name of the controller that emitted this event.'),
    reportingInstance: stringField('ID of the controller instance.'),
    series: {
      type: 'object',
      description: 'Data about the series this event represents, if it is part of one.',
      properties: {
        count: {
          type: 'integer',
          format: 'int32',
          description: 'Number of occurrences in the series.',
        },
        lastObservedTime: timeField('Time of the last occurrence observed.'),
      },
    },
    source: {
      type: 'object',
      description: 'The component reporting this event.',
      properties: {
        component: stringField('Component from which the event is generated.'),
        host: stringField('Node name on which the event is generated.'),
      },
    },
    type: stringField('Type of this event (Normal, Warning); new types may be added later.'),
  },
  ['metadata', 'involvedObject'],
);

/** Field selector labels kube supports on events. */
const eventFieldSelectors = [
  'metadata.name',
  'metadata.namespace',
  'involvedObject.kind',
  'involvedObject.namespace',
  'involvedObject.name',
  'involvedObject.uid',
  'involvedObject.apiVersion',
  'involvedObject.resourceVersion',
  'involvedObject.fieldPath',
  'reason',
  'reportingComponent',
  'source',
  'type',
] as const;

function eventFields(object: JsonObject): Record<string, string> {
  const fields: Record<string, string> = metadataFields(object, true);
  for (const field of [
    'kind',
    'namespace',
    'name',
    'uid',
    'apiVersion',
    'resourceVersion',
    'fieldPath',
  ]) {
    fields[`involvedObject.${field}`] = textAt(object, 'involvedObject', field);
  }
  fields.reason = textAt(object, 'reason');
  fields.reportingComponent = textAt(object, 'reportingComponent');
  fields.source = textAt(object, 'source', 'component') || textAt(object, 'reportingComponent');
  fields.type = textAt(object, 'type');
  return fields;
}

function validateEvent(event: JsonObject): FieldError[] {
  const namespace = metaString(event, 'namespace') ?? '';
  const involvedNamespace = textAt(event, 'involvedObject', 'namespace');
  const matches =
    involvedNamespace === ''
      ? namespace === '' || namespace === 'default'
      : involvedNamespace === namespace;
  return matches
    ? []
    : [
        invalidField(
          'involvedObject.namespace',
          involvedNamespace,
          'does not match event.namespace',
        ),
      ];
}

function eventSource(event: JsonObject): string {
  const component = textAt(event, 'source', 'component') || textAt(event, 'reportingComponent');
  const instance = textAt(event, 'source', 'host') || textAt(event, 'reportingInstance');
  return instance === '' ? component : `${component}, ${instance}`;
}

function eventCells(event: JsonObject, now: Date): unknown[] {
  const firstTimestamp = textAt(event, 'firstTimestamp') || textAt(event, 'eventTime');
  const firstSeen = ageSince(firstTimestamp, now);
  let lastSeen =
    textAt(event, 'lastTimestamp') === '' ? firstSeen : ageSince(event.lastTimestamp, now);
  let count = typeof event.count === 'number' && event.count > 0 ? event.count : 1;
  const series = fieldAt(event, 'series');
  if (series !== undefined && series !== null) {
    lastSeen = ageSince(fieldAt(event, 'series', 'lastObservedTime'), now);
    const seriesCount = fieldAt(event, 'series', 'count');
    count = typeof seriesCount === 'number' ? seriesCount : count;
  }
  const kind = textAt(event, 'involvedObject', 'kind').toLowerCase();
  const name = textAt(event, 'involvedObject', 'name');
  return [
    lastSeen,
    textAt(event, 'type'),
    textAt(event, 'reason'),
    name === '' ? kind : `${kind}/${name}`,
    textAt(event, 'involvedObject', 'fieldPath'),
    eventSource(event),
    textAt(event, 'message').trim(),
    firstSeen,
    count,
    textAt(event, 'metadata', 'name'),
  ];
}

const column = (name: string, description: string, priority = 0) => ({
  name,
  type: 'string',
  description,
  priority,
  jsonPath: '',
});

/**
 * Builds the core/v1 events resource. Counts and timestamps are kept as clients send them.
 * NOTE: events never expire, where kube-apiserver removes them after an hour by default.
 */
export function eventType(): ResourceType {
  return {
    ...builtinDefaults,
    group: '',
    plural: 'events',
    singular: 'event',
    kind: 'Event',
    listKind: 'EventList',
    namespaced: true,
    shortNames: ['ev'],
    versions: [servedVersion('v1', eventSchema)],
    storageVersion: 'v1',
    allowCreateOnUpdate: true,
    fieldSelectors: eventFieldSelectors,
    selectableFields: eventFields,
    hooks: { validate: (event) => validateEvent(event) },
    table: {
      columns: [
        column(
          'Last Seen',
          'The time at which the most recent occurrence of this event was recorded.',
        ),
        column('Type', 'Type of this event (Normal, Warning).'),
        column('Reason', 'Short, machine understandable reason for the event.'),
        column('Object', 'The object that this event is about.'),
        column('Subobject', 'The part of the object the event concerns.', 1),
        column('Source', 'The component reporting this event.', 1),
        column('Message', 'A human-readable description of the event.'),
        column('First Seen', 'The time at which the event was first recorded.', 1),
        column('Count', 'The number of times this event has occurred.', 1),
        { ...column('Name', NAME_COLUMN_DESCRIPTION, 1), format: 'name' },
      ],
      cells: eventCells,
    },
  };
}
