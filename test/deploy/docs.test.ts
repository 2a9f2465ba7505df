import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedSections, sectionOf, tableCells } from './docs-tables.ts';
import { repositoryRoot } from './manifests.ts';

/** The pages about installing and running Herald. */
const pages = [
  'docs/install.md',
  'docs/configuration.md',
  'docs/channels-setup.md',
  'docs/operations.md',
  'docs/upgrading.md',
];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replaceAll(' ', '-');
}

async function anchorsIn(path: string): Promise<Set<string>> {
  const text = await readFile(path, 'utf8');
  const headings = [...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1] ?? ''));
  return new Set(headings);
}

describe('generated docs tables', () => {
  it.each(generatedSections.map((section) => [section.marker, section] as const))(
    '%s table matches the code',
    async (_marker, section) => {
      const page = await readFile(join(repositoryRoot, section.page), 'utf8');
      const documented = sectionOf(page, section.marker);
      expect(documented, `${section.page} lacks the ${section.marker} markers`).toBeDefined();
      expect(
        tableCells(documented ?? ''),
        `${section.page} is out of step; run: npx node test/deploy/docs-tables.ts`,
      ).toEqual(tableCells(await section.render()));
    },
  );
});

describe('operations docs links', () => {
  it.each(pages)('%s links to pages and headings that exist', async (page) => {
    const path = join(repositoryRoot, page);
    const text = await readFile(path, 'utf8');
    const broken: string[] = [];
    for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = match[1] ?? '';
      if (/^[a-z]+:/.test(target)) continue;
      const [file = '', anchor] = target.split('#');
      const linked = file === '' ? path : join(dirname(path), file);
      if (!existsSync(linked)) {
        broken.push(`${target}: no such file`);
      } else if (anchor && linked.endsWith('.md') && !(await anchorsIn(linked)).has(anchor)) {
        broken.push(`${target}: no such heading`);
      }
    }
    expect(broken).toEqual([]);
  });
});
