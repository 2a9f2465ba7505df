/**
 * Measures RoutingTable lookups at 10,000 and 100,000 notifiers spread over 10,000 apps in 100
 * namespaces, with mixed selections, and prints the time per lookup beside the target.
 * Usage: npx node bench/routing.ts
 * Runs for about five seconds: each configuration does a fixed number of lookups. A scan of every
 * route is measured beside the index, to show what a lookup without the index would cost.
 * Lookups over 64 repeated triples, which stay in the CPU cache, are measured too: they show
 * the cost of the code path alone. Random lookups over the whole table also slow down when the
 * table is ten times larger, because more of them miss the cache.
 */
import {
  eventTypeNames,
  selectedEventTypes,
  type EventType,
  type SelectionName,
} from '../src/api/event-types.ts';
import { platforms } from '../src/api/platforms.ts';
import { RoutingTable, type NotifierRoute } from '../src/routing/routing-table.ts';

const namespaceCount = 100;
const appsPerNamespace = 100;
const lookupCount = 2_000_000;
/** Number of lookups of the scanning baseline, which is far slower. */
const scanLookupCount = 200;
const targetMicroseconds = 1;

interface Lookup {
  namespace: string;
  app: string;
  type: EventType;
}

/** mulberry32: a small seeded generator, so every run measures the same tables and lookups. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, values: readonly T[]): T {
  const value = values[Math.floor(random() * values.length)];
  if (value === undefined) throw new Error('cannot pick from an empty list');
  return value;
}

/** Draws a route: 50% all, 20% deployments, 30% custom with one to five types, 10% inactive. */
function randomRoute(random: () => number, index: number): NotifierRoute {
  const roll = random();
  let selection: SelectionName = 'custom';
  if (roll < 0.5) selection = 'all';
  else if (roll < 0.7) selection = 'deployments';
  const typeCount = selection === 'custom' ? 1 + Math.floor(random() * 5) : 0;
  const types = [...new Set(Array.from({ length: typeCount }, () => pick(random, eventTypeNames)))];
  return {
    namespace: `ns-${Math.floor(random() * namespaceCount)}`,
    name: `notifier-${index}`,
    app: `app-${Math.floor(random() * appsPerNamespace)}`,
    platform: pick(random, platforms),
    active: random() >= 0.1,
    selection,
    types,
    generation: 1,
    uid: `uid-${index}`,
  };
}

function randomRoutes(notifierCount: number): NotifierRoute[] {
  const random = seededRandom(notifierCount);
  return Array.from({ length: notifierCount }, (_, index) => randomRoute(random, index));
}

function buildTable(routes: readonly NotifierRoute[]): { table: RoutingTable; buildMs: number } {
  const table = new RoutingTable();
  const started = performance.now();
  for (const route of routes) table.upsert(route);
  return { table, buildMs: performance.now() - started };
}

/** Nanoseconds per lookup of the baseline that checks every route, as a table without an index would. */
function measureScan(routes: readonly NotifierRoute[], lookups: readonly Lookup[]): number {
  const selected = routes.map((route) => selectedEventTypes(route.selection, route.types));
  let matches = 0;
  const started = process.hrtime.bigint();
  for (let done = 0; done < scanLookupCount; done += 1) {
    const lookup = lookups[done % lookups.length];
    if (!lookup) continue;
    routes.forEach((route, index) => {
      const matchesLookup =
        route.active &&
        route.namespace === lookup.namespace &&
        route.app === lookup.app &&
        selected[index]?.has(lookup.type) === true;
      if (matchesLookup) matches += 1;
    });
  }
  const elapsed = Number(process.hrtime.bigint() - started);
  if (matches < 0) console.log(matches);
  return elapsed / scanLookupCount;
}

function randomLookups(count: number): Lookup[] {
  const random = seededRandom(7);
  return Array.from({ length: count }, () => ({
    namespace: `ns-${Math.floor(random() * namespaceCount)}`,
    app: `app-${Math.floor(random() * appsPerNamespace)}`,
    type: pick(random, eventTypeNames),
  }));
}

/** Returns nanoseconds per lookup and the mean number of matches. */
function measure(
  table: RoutingTable,
  lookups: readonly Lookup[],
): { nanoseconds: number; matches: number } {
  let matches = 0;
  const warmUp = Math.min(lookups.length, 100_000);
  for (let index = 0; index < warmUp; index += 1) {
    const lookup = lookups[index];
    if (lookup) matches += table.match(lookup.namespace, lookup.app, lookup.type).length;
  }

  matches = 0;
  const started = process.hrtime.bigint();
  for (let done = 0; done < lookupCount; done += 1) {
    const lookup = lookups[done % lookups.length];
    if (lookup) matches += table.match(lookup.namespace, lookup.app, lookup.type).length;
  }
  const elapsed = Number(process.hrtime.bigint() - started);
  return { nanoseconds: elapsed / lookupCount, matches: matches / lookupCount };
}

const lookups = randomLookups(65_536);
const hotLookups = lookups.slice(0, 64);
const results: {
  notifiers: number;
  nanoseconds: number;
  hotNanoseconds: number;
  scanNanoseconds: number;
}[] = [];

console.log(
  `${namespaceCount * appsPerNamespace} apps in ${namespaceCount} namespaces; ` +
    `${lookupCount.toLocaleString('en')} random (namespace, app, type) lookups per table; ` +
    `Node ${process.version} on ${process.platform}/${process.arch}`,
);
for (const notifierCount of [10_000, 100_000]) {
  const routes = randomRoutes(notifierCount);
  const { table, buildMs } = buildTable(routes);
  const { nanoseconds, matches } = measure(table, lookups);
  const hotNanoseconds = measure(table, hotLookups).nanoseconds;
  const scanNanoseconds = measureScan(routes, lookups);
  results.push({ notifiers: notifierCount, nanoseconds, hotNanoseconds, scanNanoseconds });
  console.log(
    `${notifierCount.toLocaleString('en')} notifiers: built in ${buildMs.toFixed(0)} ms; ` +
      `${(nanoseconds / 1000).toFixed(3)} µs per lookup (target about ${targetMicroseconds} µs), ` +
      `${Math.round(1e9 / nanoseconds).toLocaleString('en')} lookups/s, ` +
      `${matches.toFixed(2)} matches per lookup; ` +
      `${(hotNanoseconds / 1000).toFixed(3)} µs per lookup over 64 repeated triples; ` +
      `a scan of every route takes ` +
      `${(scanNanoseconds / 1000).toFixed(0)} µs per lookup`,
  );
}

const [small, large] = results;
if (small && large) {
  console.log(
    `time per lookup at ${large.notifiers.toLocaleString('en')} notifiers / at ` +
      `${small.notifiers.toLocaleString('en')}: ${(large.nanoseconds / small.nanoseconds).toFixed(2)} ` +
      `(1.00 means no growth); over 64 repeated triples: ` +
      `${(large.hotNanoseconds / small.hotNanoseconds).toFixed(2)}; for a scan of every route: ` +
      `${(large.scanNanoseconds / small.scanNanoseconds).toFixed(2)}; ` +
      `the notifier count grew ${large.notifiers / small.notifiers}x`,
  );
}
