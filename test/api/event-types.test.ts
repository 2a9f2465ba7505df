import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  eventTypeInfo,
  eventTypeNames,
  eventTypes,
  isEventType,
  isSelectionName,
  namedSelections,
  selectedEventTypes,
  selectionNames,
  type EventType,
} from '../../src/api/event-types.ts';

describe('event type catalogue', () => {
  it('has 47 types', () => {
    expect(eventTypes).toHaveLength(47);
    expect(eventTypeNames).toHaveLength(47);
  });

  it('has unique, sorted snake_case names', () => {
    expect(new Set(eventTypeNames).size).toBe(eventTypeNames.length);
    expect([...eventTypeNames].sort()).toEqual(eventTypeNames);
    for (const name of eventTypeNames) expect(name).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  it('gives every type a display name and a description', () => {
    for (const info of eventTypes) {
      expect(info.displayName.trim(), info.type).not.toBe('');
      expect(info.description.trim(), info.type).not.toBe('');
      expect(info.displayName, info.type).toMatch(/^[A-Z]/);
    }
  });

  it.each([
    ['app_deployed', 'App deployed', 'An app was deployed'],
    ['addon_db_upgraded', 'Addon database upgraded', 'A database addon was upgraded'],
    [
      'database_maintenance_completed',
      'Addon maintenance completed',
      'A maintenance has been completed successfully on your addon',
    ],
    ['variable_bulk_edited', 'Variables bulk edited', 'Several variables were edited at once'],
  ] as const)('describes %s', (type, displayName, description) => {
    expect(eventTypeInfo(type)).toEqual({ type, displayName, description });
  });

  it.each([
    ['app_deployed', true],
    ['app_crashed_repeated', true],
    ['app_exploded', false],
    ['APP_DEPLOYED', false],
    ['', false],
    ['toString', false],
  ])('isEventType(%j) is %s', (value, expected) => {
    expect(isEventType(value)).toBe(expected);
  });

  it('eventTypeInfo rejects an unchecked cast', () => {
    expect(() => eventTypeInfo('app_exploded' as EventType)).toThrow(
      /unknown event type "app_exploded"/,
    );
  });
});

describe('named selections', () => {
  it('lists all, deployments, critical and custom', () => {
    expect(selectionNames).toEqual(['all', 'deployments', 'critical', 'custom']);
  });

  it('critical gives a reason for each member', () => {
    for (const [type, reason] of namedSelections.critical.members) {
      expect(isEventType(type)).toBe(true);
      expect(reason.length).toBeGreaterThan(10);
    }
    for (const type of [
      'app_crashed',
      'app_alert_triggered',
      'database_backup_failed',
      'addon_suspended',
      'database_maintenance_planned',
    ] as const) {
      expect(namedSelections.critical.members.has(type)).toBe(true);
    }
  });

  it('all contains every type', () => {
    expect([...namedSelections.all.members.keys()]).toEqual(eventTypeNames);
  });

  it('deployments contains app_deployed only', () => {
    expect([...namedSelections.deployments.members.keys()]).toEqual(['app_deployed']);
  });

  it('custom contains nothing', () => {
    expect(namedSelections.custom.members.size).toBe(0);
  });

  it('gives every member a reason', () => {
    for (const name of selectionNames) {
      for (const [type, reason] of namedSelections[name].members) {
        expect(reason.trim(), `${name}/${type}`).not.toBe('');
      }
      expect(namedSelections[name].description.trim(), name).not.toBe('');
    }
  });

  it.each([
    ['all', [], 47],
    ['all', ['app_crashed'], 47],
    ['deployments', [], 1],
    ['deployments', ['app_crashed'], 2],
    ['deployments', ['app_deployed'], 1],
    ['custom', [], 0],
    ['custom', ['app_crashed', 'app_stopped'], 2],
    ['critical', [], 6],
    ['critical', ['app_deployed'], 7],
  ] as const)('selectedEventTypes(%s, %j) has %i types', (selection, types, count) => {
    const selected = selectedEventTypes(selection, types);
    expect(selected.size).toBe(count);
    for (const type of types) expect(selected.has(type)).toBe(true);
  });

  it.each([
    ['all', true],
    ['custom', true],
    ['critical', true],
    ['urgent', false],
    ['constructor', false],
  ])('isSelectionName(%j) is %s', (value, expected) => {
    expect(isSelectionName(value)).toBe(expected);
  });
});

describe('API reference', () => {
  it('lists every event type with its texts', async () => {
    const reference = await readFile(
      path.join(import.meta.dirname, '..', '..', 'docs', 'api.md'),
      'utf8',
    );
    const rows = new Map(
      reference
        .split('\n')
        .filter((line) => line.startsWith('| `'))
        .map((line) => line.split('|').map((cell) => cell.trim()))
        .map((cells) => [cells[1]?.replaceAll('`', ''), cells.slice(2, 4)]),
    );
    for (const info of eventTypes) {
      expect(rows.get(info.type), info.type).toEqual([info.displayName, info.description]);
    }
  });
});
