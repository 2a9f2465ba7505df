import { describe, expect, it } from 'vitest';
import {
  eventTypeNames,
  namedSelections,
  selectedEventTypes,
  type EventType,
  type SelectionName,
} from '../../src/api/event-types.ts';
import { parseNotifier } from '../../src/api/notifier.ts';
import {
  RoutingTable,
  routeFromNotifier,
  type NotifierRoute,
} from '../../src/routing/routing-table.ts';

function route(overrides: Partial<NotifierRoute> & { name: string }): NotifierRoute {
  return {
    namespace: 'shop',
    app: 'shop-api',
    platform: 'slack',
    active: true,
    selection: 'all',
    types: [],
    generation: 1,
    uid: `uid-${overrides.name}`,
    ...overrides,
  };
}

function names(routes: readonly NotifierRoute[]): string[] {
  return routes.map((matched) => matched.name);
}

describe('routeFromNotifier', () => {
  it('copies what routing needs from a parsed Notifier', () => {
    const parsed = parseNotifier({
      apiVersion: 'herald.dev/v1alpha1',
      kind: 'Notifier',
      metadata: { name: 'shop-crashes', namespace: 'shop', uid: 'u-1', generation: 3 },
      spec: {
        app: 'shop-api',
        platform: 'webhook',
        webhook: { urlSecretRef: { name: 'hook', key: 'url' } },
        events: { selection: 'custom', types: ['app_crashed'] },
      },
    });
    if (!parsed.ok) throw new Error(parsed.message);
    expect(routeFromNotifier(parsed.notifier)).toEqual({
      namespace: 'shop',
      name: 'shop-crashes',
      app: 'shop-api',
      platform: 'webhook',
      active: true,
      selection: 'custom',
      types: ['app_crashed'],
      generation: 3,
      uid: 'u-1',
    });
  });
});

describe('RoutingTable', () => {
  it('resolves critical when routing, not from the notifier', () => {
    // A later release that adds app_deployed to critical: the same stored route picks it up.
    const grown = (selection: SelectionName, types: readonly EventType[]) => {
      const selected = new Set(selectedEventTypes(selection, types));
      if (selection === 'critical') selected.add('app_deployed');
      return selected;
    };
    const today = new RoutingTable();
    const nextRelease = new RoutingTable({ resolve: grown });
    const defaultNotifier = route({ name: 'shop-api-default', selection: 'critical' });
    today.upsert(defaultNotifier);
    nextRelease.upsert(defaultNotifier);

    expect(names(today.match('shop', 'shop-api', 'app_deployed'))).toEqual([]);
    expect(names(nextRelease.match('shop', 'shop-api', 'app_deployed'))).toEqual([
      'shop-api-default',
    ]);
    for (const type of namedSelections.critical.members.keys()) {
      expect(names(today.match('shop', 'shop-api', type))).toEqual(['shop-api-default']);
    }
    expect(defaultNotifier.types).toEqual([]);
  });

  it('matches the selection all on every type', () => {
    const table = new RoutingTable();
    table.upsert(route({ name: 'everything' }));
    for (const type of eventTypeNames) {
      expect(names(table.match('shop', 'shop-api', type)), type).toEqual(['everything']);
    }
  });

  it.each([
    ['deployments', [], 'app_deployed', true],
    ['deployments', [], 'app_crashed', false],
    ['deployments', ['app_crashed'], 'app_crashed', true],
    ['custom', ['app_crashed', 'app_stopped'], 'app_stopped', true],
    ['custom', ['app_crashed'], 'app_deployed', false],
    ['all', ['app_crashed'], 'github_link', true],
  ] as const)('selection %s with %j matches %s: %s', (selection, types, type, expected) => {
    const table = new RoutingTable();
    table.upsert(route({ name: 'n', selection, types }));
    expect(table.match('shop', 'shop-api', type)).toHaveLength(expected ? 1 : 0);
  });

  it('skips inactive routes but keeps them', () => {
    const table = new RoutingTable();
    table.upsert(route({ name: 'paused', active: false }));
    expect(table.match('shop', 'shop-api', 'app_deployed')).toEqual([]);
    expect(table.get('shop', 'paused')?.active).toBe(false);
    expect(table.size).toBe(1);

    table.upsert(route({ name: 'paused', active: true }));
    expect(names(table.match('shop', 'shop-api', 'app_deployed'))).toEqual(['paused']);
  });

  it('never matches another namespace', () => {
    const table = new RoutingTable();
    table.upsert(route({ name: 'shop-slack', namespace: 'shop' }));
    table.upsert(route({ name: 'shop-slack', namespace: 'staging' }));
    table.upsert(route({ name: 'other', namespace: 'other', app: 'shop-api' }));

    const matched = table.match('staging', 'shop-api', 'app_deployed');
    expect(matched.map((found) => found.namespace)).toEqual(['staging']);
    expect(table.match('nowhere', 'shop-api', 'app_deployed')).toEqual([]);
    expect(table.size).toBe(3);
  });

  it('never matches another app', () => {
    const table = new RoutingTable();
    table.upsert(route({ name: 'api', app: 'shop-api' }));
    table.upsert(route({ name: 'web', app: 'shop-web' }));
    expect(names(table.match('shop', 'shop-web', 'app_deployed'))).toEqual(['web']);
  });

  it('moves a route whose app changed', () => {
    const table = new RoutingTable();
    table.upsert(route({ name: 'n', app: 'shop-api' }));
    table.upsert(route({ name: 'n', app: 'shop-web', generation: 2 }));

    expect(table.match('shop', 'shop-api', 'app_deployed')).toEqual([]);
    expect(names(table.match('shop', 'shop-web', 'app_deployed'))).toEqual(['n']);
    expect(table.get('shop', 'n')?.generation).toBe(2);
    expect(table.size).toBe(1);
  });

  it('narrows a route whose selection changed', () => {
    const table = new RoutingTable();
    table.upsert(route({ name: 'n', selection: 'all' }));
    table.upsert(route({ name: 'n', selection: 'deployments' }));
    expect(table.match('shop', 'shop-api', 'app_crashed')).toEqual([]);
    expect(names(table.match('shop', 'shop-api', 'app_deployed'))).toEqual(['n']);
  });

  it('removes a route', () => {
    const table = new RoutingTable();
    table.upsert(route({ name: 'a' }));
    table.upsert(route({ name: 'b' }));
    table.remove('shop', 'a');

    expect(names(table.match('shop', 'shop-api', 'app_deployed'))).toEqual(['b']);
    expect(table.get('shop', 'a')).toBeUndefined();
    expect(table.size).toBe(1);

    table.remove('shop', 'b');
    table.remove('shop', 'never-added');
    expect(table.match('shop', 'shop-api', 'app_deployed')).toEqual([]);
    expect(table.size).toBe(0);
  });

  it('returns matches sorted by name', () => {
    const table = new RoutingTable();
    for (const name of ['delta', 'alpha', 'charlie', 'bravo']) table.upsert(route({ name }));
    expect(names(table.match('shop', 'shop-api', 'app_deployed'))).toEqual([
      'alpha',
      'bravo',
      'charlie',
      'delta',
    ]);
  });

  it('leaves a returned array unchanged by later upserts', () => {
    const table = new RoutingTable();
    table.upsert(route({ name: 'a' }));
    const before = table.match('shop', 'shop-api', 'app_deployed');
    table.upsert(route({ name: 'b' }));
    table.remove('shop', 'a');

    expect(names(before)).toEqual(['a']);
    expect(Object.isFrozen(before)).toBe(true);
    expect(names(table.match('shop', 'shop-api', 'app_deployed'))).toEqual(['b']);
  });

  it('indexes many notifiers exactly', () => {
    const table = new RoutingTable();
    const expected = new Map<string, string[]>();
    const selections = ['all', 'deployments', 'custom'] as const;

    for (let index = 0; index < 3000; index += 1) {
      const app = `app-${index % 100}`;
      const namespace = `ns-${index % 7}`;
      const selection = selections[index % 3] ?? 'all';
      const types: EventType[] = selection === 'custom' ? ['app_crashed'] : [];
      const name = `n-${String(index).padStart(4, '0')}`;
      const active = index % 10 !== 0;
      table.upsert(route({ name, namespace, app, selection, types, active }));

      if (!active) continue;
      for (const type of ['app_deployed', 'app_crashed', 'github_link'] as const) {
        const selects =
          selection === 'all' ||
          (selection === 'deployments' && type === 'app_deployed') ||
          (selection === 'custom' && type === 'app_crashed');
        if (!selects) continue;
        const key = `${namespace}/${app}/${type}`;
        expected.set(key, [...(expected.get(key) ?? []), name]);
      }
    }

    expect(table.size).toBe(3000);
    for (const [key, expectedNames] of expected) {
      const [namespace = '', app = '', type = ''] = key.split('/');
      const matched = table.match(namespace, app, type as EventType);
      expect(names(matched), key).toEqual(expectedNames);
    }
  });
});
