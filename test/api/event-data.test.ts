import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appEventSpecSchema } from '../../src/api/app-event.ts';
import {
  describeKind,
  eventDataDescription,
  eventDataField,
  eventDataSpec,
  eventDataSpecs,
  type EventDataSpec,
} from '../../src/api/event-data.ts';
import { isEventType } from '../../src/api/event-types.ts';

const documented = Object.entries(eventDataSpecs) as [string, EventDataSpec][];

describe('event data catalogue', () => {
  it.each(documented)('%s is an event type of the catalogue', (type) => {
    expect(isEventType(type)).toBe(true);
  });

  it.each(documented)('%s has unique, complete fields', (type, spec) => {
    const names = spec.fields.map((field) => field.name);

    expect(new Set(names).size).toBe(names.length);
    for (const field of spec.fields) {
      expect(field.name, type).toMatch(/^[a-z][A-Za-z]*$/);
      expect(field.label.trim(), `${type}.${field.name}`).not.toBe('');
      expect(field.description, `${type}.${field.name}`).toMatch(/^\S.*\.$/);
      if (field.kind === 'enum') expect(field.values?.length, field.name).toBeGreaterThan(1);
    }
  });

  it.each([
    ['app_deployed', ['gitRef', 'deployer', 'duration', 'image']],
    ['app_scaled', ['from', 'to']],
    ['variable_edited', ['variables', 'values']],
    ['app_crashed', ['container', 'exitCode', 'reason', 'crashCount']],
    ['app_crashed_repeated', ['container', 'exitCode', 'reason', 'crashCount']],
  ])('documents the details of %s', (type, names) => {
    expect(eventDataSpec(type)?.fields.map((field) => field.name)).toEqual(names);
  });

  it('documents the alert fields and states', () => {
    const names = eventDataSpec('app_alert_triggered')?.fields.map((field) => field.name);

    for (const name of ['metric', 'value', 'unit', 'limit', 'direction', 'containerType']) {
      expect(names).toContain(name);
    }
    for (const name of ['heldFor', 'since', 'state']) expect(names).toContain(name);
    expect(eventDataField('app_alert_triggered', 'state')?.values).toEqual([
      'firing',
      'reminder',
      'resolved',
    ]);
    expect(eventDataField('app_alert_triggered', 'direction')?.values).toEqual(['above', 'below']);
  });

  it('marks variable values as never shown and names as shown', () => {
    for (const type of ['variable_added', 'variable_edited', 'variable_removed']) {
      expect(eventDataField(type, 'values')?.showValue, type).toBe(false);
      expect(eventDataField(type, 'variables')?.showValue, type).toBe(true);
      expect(eventDataSpec(type)?.showUndocumentedValues, type).toBe(false);
    }
    expect(eventDataSpec('app_deployed')?.showUndocumentedValues).toBe(true);
  });

  it.each([
    ['app_restarted', 'container'],
    ['app_deployed', 'constructor'],
    ['toString', 'name'],
    ['app_deployed', 'toString'],
  ])('has no field %s.%s', (type, name) => {
    expect(eventDataField(type, name)).toBeUndefined();
  });

  it('has no spec for a type without documented details', () => {
    expect(eventDataSpec('app_restarted')).toBeUndefined();
    expect(eventDataSpec('constructor')).toBeUndefined();
  });

  it.each([
    ['app_alert_triggered', 'state', 'firing, reminder or resolved'],
    ['app_alert_triggered', 'direction', 'above or below'],
    ['app_scaled', 'from', 'map of string to integer'],
    ['variable_added', 'variables', 'list of strings'],
    ['app_deployed', 'duration', 'duration'],
    ['app_crashed', 'exitCode', 'integer'],
  ])('describes the kind of %s.%s as %j', (type, name, expected) => {
    const field = eventDataField(type, name);
    if (!field) throw new Error(`no field ${type}.${name}`);

    expect(describeKind(field)).toBe(expected);
  });
});

describe('AppEvent data description', () => {
  it('is the description of spec.data', () => {
    expect(appEventSpecSchema.shape.data.description).toBe(eventDataDescription());
  });

  it('names every documented type and every shown field', () => {
    const description = eventDataDescription();

    for (const [type, spec] of documented) {
      expect(description, type).toContain(type);
      for (const field of spec.fields.filter((each) => each.showValue)) {
        expect(description, `${type}.${field.name}`).toContain(`${field.name} (`);
      }
    }
  });

  it('leaves out fields whose values are never shown', () => {
    expect(eventDataDescription()).not.toContain('values (');
  });
});

describe('docs/events.md', () => {
  /** Reads the page into a map of section title to the cells of its table rows. */
  async function readSections(): Promise<Map<string, string[][]>> {
    const page = await readFile(
      path.join(import.meta.dirname, '..', '..', 'docs', 'events.md'),
      'utf8',
    );
    const sections = new Map<string, string[][]>();
    let current: string[][] | undefined;
    for (const line of page.split('\n')) {
      const heading = /^## `(\w+)`$/.exec(line);
      if (heading?.[1]) {
        current = [];
        sections.set(heading[1], current);
      } else if (line.startsWith('## ')) {
        current = undefined;
      } else if (current && line.startsWith('| `')) {
        current.push(line.split('|').map((cell) => cell.trim()));
      }
    }
    return sections;
  }

  it('has one section per event type with documented fields', async () => {
    const sections = await readSections();

    expect([...sections.keys()]).toEqual(documented.map(([type]) => type));
  });

  it.each(documented)('lists the fields of %s as the module does', async (type, spec) => {
    const rows = (await readSections()).get(type) ?? [];

    expect(rows.map((cells) => cells.slice(1, 6))).toEqual(
      spec.fields.map((field) => [
        `\`${field.name}\``,
        describeKind(field),
        field.unit ?? '',
        field.showValue ? 'yes' : 'names only',
        field.description,
      ]),
    );
  });
});
