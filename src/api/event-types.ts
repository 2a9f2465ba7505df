import { eventCatalogue } from './event-catalogue.ts';

/** Name of one event type of the catalogue, such as `app_deployed`. */
export type EventType = (typeof eventCatalogue)[number]['type'];

/** One catalogue entry: the type name and the texts shown to people. */
export interface EventTypeInfo {
  readonly type: EventType;
  /** Short title, such as "App deployed". */
  readonly displayName: string;
  /** One sentence saying what happened, such as "An app was deployed". */
  readonly description: string;
}

/** Every event type with its texts, sorted by type name. */
export const eventTypes: readonly EventTypeInfo[] = eventCatalogue;

/** Every event type name, sorted. */
export const eventTypeNames: readonly EventType[] = eventCatalogue.map((info) => info.type);

const infoByType = new Map<string, EventTypeInfo>(eventTypes.map((info) => [info.type, info]));

/** Returns true when `value` names an event type of the catalogue. */
export function isEventType(value: string): value is EventType {
  return infoByType.has(value);
}

/** Returns the catalogue entry of `type`. */
export function eventTypeInfo(type: EventType): EventTypeInfo {
  const info = infoByType.get(type);
  if (!info) {
    // Only reachable when a caller cast an unchecked string to EventType.
    throw new Error(`unknown event type ${JSON.stringify(type)}; check it with isEventType first`);
  }
  return info;
}

/**
 * A named set of event types that a Notifier can select in `spec.events.selection`. Each member
 * carries the reason it belongs to the set, so a set chosen by judgement (such as "critical"
 * events) can explain itself in docs and logs.
 */
export interface NamedSelection {
  /** Summary of the event types the selection delivers, shown by `kubectl explain`. */
  readonly description: string;
  /** Event types in the selection, each mapped to the reason it is included. */
  readonly members: ReadonlyMap<EventType, string>;
}

/**
 * The selections a Notifier can name. The CRD enum and the zod schema take their values from the
 * keys, and routing resolves a name to its members when it builds a route, so a new selection is
 * one new entry here.
 */
export const namedSelections = {
  all: {
    description: 'every event type of the catalogue',
    members: new Map(eventTypeNames.map((type) => [type, 'all selects every event type'])),
  },
  deployments: {
    description: 'app_deployed only',
    members: new Map<EventType, string>([['app_deployed', 'the app was deployed']]),
  },
  critical: {
    description:
      'the event types that need someone to act; resolved by the operator, so a release that ' +
      'adds a critical type extends every notifier selecting critical',
    members: new Map<EventType, string>([
      [
        'app_crashed',
        'a crashing app is down or degraded for its users (2nd, 5th and 12th crash in a row)',
      ],
      ['app_alert_triggered', 'a metric alert of the app fired, was reminded or resolved'],
      ['database_backup_failed', 'without a backup, data written since the last one can be lost'],
      ['addon_suspended', 'the app cannot reach a suspended addon until it is resumed'],
      [
        'database_maintenance_planned',
        'planned maintenance may interrupt the database; owners can prepare or reschedule',
      ],
      ['app_stopped', 'a stopped app serves no requests until someone starts it'],
    ]),
  },
  custom: {
    description: 'no event type by itself: only the types listed in events.types',
    members: new Map<EventType, string>(),
  },
} as const satisfies Record<string, NamedSelection>;

/** Name of a selection: `all`, `deployments` or `custom`. */
export type SelectionName = keyof typeof namedSelections;

/** Every selection name, in declaration order. */
export const selectionNames = Object.keys(namedSelections) as SelectionName[];

/** Returns true when `value` names a selection. */
export function isSelectionName(value: string): value is SelectionName {
  return Object.hasOwn(namedSelections, value);
}

/** Resolves a selection and the extra listed types into the set of event types delivered. */
export function selectedEventTypes(
  selection: SelectionName,
  types: readonly EventType[] = [],
): ReadonlySet<EventType> {
  const selected = new Set<EventType>(namedSelections[selection].members.keys());
  for (const type of types) selected.add(type);
  return selected;
}
