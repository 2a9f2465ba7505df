/**
 * The tables of docs/configuration.md and docs/operations.md, generated from the code that
 * defines them. docs.test.ts fails when a page is out of step; rewrite both pages with
 *   npx node test/deploy/docs-tables.ts
 */
import { readFile, writeFile } from 'node:fs/promises';
import { settings } from '../../src/operator/config.ts';
import { createMetrics } from '../../src/operator/metrics.ts';

type Setting = (typeof settings)[number];

/** A generated table and the page section it fills. */
export interface GeneratedSection {
  /** Path from the repository root. */
  page: string;
  /** The name in the page's `<!-- BEGIN name -->` and `<!-- END name -->` markers. */
  marker: string;
  render(): Promise<string>;
}

/** Every generated section of the docs. */
export const generatedSections: readonly GeneratedSection[] = [
  {
    page: 'docs/configuration.md',
    marker: 'settings',
    render: async () => settingsTable(settings),
  },
  { page: 'docs/operations.md', marker: 'metrics', render: metricsTable },
];

/** Markdown table cells are plain text: pipes are escaped and angle brackets are not HTML. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Infers the kind of value a setting takes from its definition and help text. */
export function settingUnit(setting: Setting): string {
  if (setting.boolean) return 'boolean';
  if (setting.help.includes('(duration')) return 'duration';
  if (setting.help.startsWith('comma-separated')) return 'comma-separated list';
  if (setting.help.startsWith('host:port')) return 'host:port';
  if (setting.flag.endsWith('-file')) return 'file path';
  if (setting.flag.endsWith('-url') || setting.flag.endsWith('-proxy')) return 'URL';
  if (setting.defaultValue !== undefined && /^\d+$/.test(setting.defaultValue)) return 'integer';
  return 'string';
}

function settingDefault(setting: Setting): string {
  if (setting.boolean) return '`false`';
  if (setting.defaultValue === undefined) return 'unset';
  if (setting.defaultValue === '') return 'empty';
  return `\`${setting.defaultValue}\``;
}

/** Renders one row per setting: flag, environment variable, unit, default and description. */
export function settingsTable(rows: readonly Setting[]): string {
  const lines = [
    '| Flag | Environment variable | Unit | Default | Description |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const setting of rows) {
    const columns = [
      `\`--${setting.flag}\``,
      `\`${setting.env}\``,
      settingUnit(setting),
      settingDefault(setting),
      cell(setting.help),
    ];
    lines.push(`| ${columns.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Renders one row per metric of the operator's registry, without Node's process metrics. */
export async function metricsTable(): Promise<string> {
  const metrics = await createMetrics().registry.getMetricsAsJSON();
  const lines = ['| Metric | Type | Description |', '| --- | --- | --- |'];
  for (const metric of metrics) {
    lines.push(`| \`${metric.name}\` | ${metric.type} | ${cell(metric.help)} |`);
  }
  return lines.join('\n');
}

/**
 * Splits a markdown table into its cells, row by row, without the separator row, so that a table
 * compares equal however a formatter aligns its columns.
 */
export function tableCells(text: string): string[][] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('|') && !/^\|[\s:|-]+\|$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cellText) => cellText.trim()),
    );
}

function markers(marker: string): [string, string] {
  return [`<!-- BEGIN ${marker} -->`, `<!-- END ${marker} -->`];
}

/** Returns the text between a page's markers, or undefined when a marker is missing. */
export function sectionOf(page: string, marker: string): string | undefined {
  const [begin, end] = markers(marker);
  const start = page.indexOf(begin);
  const stop = page.indexOf(end);
  if (start < 0 || stop < start) return undefined;
  return page.slice(start + begin.length, stop).trim();
}

/** Replaces the text between a page's markers. */
export function replaceSection(page: string, marker: string, content: string): string {
  const [begin, end] = markers(marker);
  const start = page.indexOf(begin);
  const stop = page.indexOf(end);
  if (start < 0 || stop < start) {
    throw new Error(
      `the page has no "${begin}" ... "${end}" markers; add them where the table goes`,
    );
  }
  return `${page.slice(0, start + begin.length)}\n${content}\n${page.slice(stop)}`;
}

async function writeSections(root: URL): Promise<void> {
  for (const section of generatedSections) {
    const path = new URL(section.page, root);
    const page = await readFile(path, 'utf8');
    await writeFile(path, replaceSection(page, section.marker, await section.render()));
    console.log(`wrote the ${section.marker} table of ${section.page}`);
  }
}

if (import.meta.main) await writeSections(new URL('../../', import.meta.url));
