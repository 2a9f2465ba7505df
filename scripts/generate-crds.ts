/**
 * Writes the CustomResourceDefinitions generated from the zod schemas into crds/.
 * Usage: npx node scripts/generate-crds.ts [--check]
 * With --check, writes nothing and exits with status 1 when a committed file is out of date.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { crdFiles, renderCrdYaml } from '../src/api/crds.ts';

const crdDirectory = path.join(import.meta.dirname, '..', 'crds');
const checkOnly = process.argv.includes('--check');

let stale = 0;
for (const { fileName, build } of crdFiles) {
  const target = path.join(crdDirectory, fileName);
  const rendered = renderCrdYaml(build());

  if (checkOnly) {
    const committed = await readFile(target, 'utf8').catch(() => '');
    if (committed !== rendered) {
      console.error(`${target} is out of date; run npx node scripts/generate-crds.ts`);
      stale += 1;
    }
    continue;
  }

  await writeFile(target, rendered);
  console.log(`wrote ${target}`);
}

if (stale > 0) process.exitCode = 1;
