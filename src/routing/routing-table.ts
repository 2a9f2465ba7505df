import { selectedEventTypes, type EventType, type SelectionName } from '../api/event-types.ts';
import type { Notifier } from '../api/notifier.ts';
import type { Platform } from '../api/platforms.ts';

/** The routing data of one Notifier: a plain value derived from a parsed Notifier. */
export interface NotifierRoute {
  readonly namespace: string;
  readonly name: string;
  readonly app: string;
  readonly platform: Platform;
  readonly active: boolean;
  readonly selection: SelectionName;
  /** Types listed in `spec.events.types`, delivered in addition to the selection. */
  readonly types: readonly EventType[];
  /** `metadata.generation` of the Notifier the route was built from. */
  readonly generation: number;
  readonly uid: string;
}

/** Builds the route of a parsed Notifier. */
export function routeFromNotifier(notifier: Notifier): NotifierRoute {
  const { metadata, spec } = notifier;
  return {
    namespace: metadata.namespace,
    name: metadata.name,
    app: spec.app,
    platform: spec.platform,
    active: spec.active,
    selection: spec.events.selection,
    types: [...(spec.events.types ?? [])],
    generation: metadata.generation,
    uid: metadata.uid,
  };
}

/** Resolves a selection and the listed types into the event types delivered. */
export type SelectionResolver = (
  selection: SelectionName,
  types: readonly EventType[],
) => ReadonlySet<EventType>;

/** The active routes of one app, per event type they select. */
type AppIndex = Map<EventType, readonly NotifierRoute[]>;

const noRoutes: readonly NotifierRoute[] = Object.freeze([]);

/**
 * The in-memory index of every Notifier, which finds the notifiers an event goes to.
 *
 * Routes are indexed by namespace and app, then by event type, with each selection resolved to
 * its event types at upsert. A lookup is three map reads and returns a stored array, so it costs
 * O(1) whatever the number of notifiers. An upsert or removal costs O(k * t), where k is the
 * number of routes of the app and t the number of event types the route selects. Stored arrays
 * are replaced, never changed, so an array returned by `match` stays valid after later changes.
 */
export class RoutingTable {
  private readonly resolve: SelectionResolver;
  private readonly routes = new Map<string, NotifierRoute>();
  /** Namespace, then app name, then event type. Nested maps spare a key string per lookup. */
  private readonly namespaces = new Map<string, Map<string, AppIndex>>();

  /**
   * `resolve` turns a route's selection and listed types into event types; the default uses the
   * catalogue's named selections. Tests pass another to show that a selection is resolved here
   * rather than copied into the Notifier.
   */
  constructor(options: { resolve?: SelectionResolver } = {}) {
    this.resolve = options.resolve ?? selectedEventTypes;
  }

  /** Number of routes, active or not. */
  get size(): number {
    return this.routes.size;
  }

  /** Adds a route or replaces the one with the same namespace and name, even for another app. */
  upsert(route: NotifierRoute): void {
    this.remove(route.namespace, route.name);
    this.routes.set(routeKey(route.namespace, route.name), route);
    if (!route.active) return;

    let apps = this.namespaces.get(route.namespace);
    if (!apps) {
      apps = new Map();
      this.namespaces.set(route.namespace, apps);
    }
    let index = apps.get(route.app);
    if (!index) {
      index = new Map();
      apps.set(route.app, index);
    }
    for (const type of this.resolve(route.selection, route.types)) {
      index.set(type, insertSorted(index.get(type) ?? noRoutes, route));
    }
  }

  /** Removes the route of a Notifier, if there is one. */
  remove(namespace: string, name: string): void {
    const key = routeKey(namespace, name);
    const route = this.routes.get(key);
    if (!route) return;
    this.routes.delete(key);

    const apps = this.namespaces.get(namespace);
    const index = apps?.get(route.app);
    if (!apps || !index) return;
    for (const [type, routes] of index) {
      const remaining = routes.filter((other) => other !== route);
      if (remaining.length === 0) index.delete(type);
      else if (remaining.length !== routes.length) index.set(type, Object.freeze(remaining));
    }
    if (index.size === 0) apps.delete(route.app);
    if (apps.size === 0) this.namespaces.delete(namespace);
  }

  /**
   * Returns the active routes of the app `namespace`/`app` that select `type`, sorted by name.
   * Routes of another namespace never match, even for an app of the same name.
   */
  match(namespace: string, app: string, type: EventType): readonly NotifierRoute[] {
    return this.namespaces.get(namespace)?.get(app)?.get(type) ?? noRoutes;
  }

  /** Returns the route of a Notifier, active or not. */
  get(namespace: string, name: string): NotifierRoute | undefined {
    return this.routes.get(routeKey(namespace, name));
  }
}

/** Key of a namespaced name. Neither part can contain "/", so keys never collide. */
function routeKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** Returns a new frozen array with `route` inserted in name order. */
function insertSorted(
  routes: readonly NotifierRoute[],
  route: NotifierRoute,
): readonly NotifierRoute[] {
  const position = routes.findIndex((other) => other.name > route.name);
  const inserted =
    position === -1
      ? [...routes, route]
      : [...routes.slice(0, position), route, ...routes.slice(position)];
  return Object.freeze(inserted);
}
