/** One instruction of a Dockerfile, with continuation lines joined. */
export interface Instruction {
  keyword: string;
  /** The rest of the line, flags included. */
  value: string;
}

/** One build stage: its FROM line and the instructions up to the next FROM. */
export interface Stage {
  /** The name after `AS`, if any. */
  name: string | undefined;
  base: string;
  instructions: Instruction[];
}

/**
 * Splits a Dockerfile into stages. Handles comments, blank lines and backslash continuations,
 * which is all Herald's Dockerfile uses; heredocs and parser directives are not supported.
 */
export function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(pending + line);
    pending = '';
  }

  const stages: Stage[] = [];
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), value: rest.join(' ') };
    if (instruction.keyword === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.value);
      stages.push({ base: match?.[1] ?? '', name: match?.[2], instructions: [] });
    } else if (instruction.keyword !== 'ARG' || stages.length > 0) {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** Returns the values of a stage's instructions with one keyword, in order. */
export function valuesOf(stage: Stage, keyword: string): string[] {
  return stage.instructions
    .filter((instruction) => instruction.keyword === keyword)
    .map((instruction) => instruction.value);
}
