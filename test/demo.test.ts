import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const demoEntry = fileURLToPath(new URL('../src/cli/demo.ts', import.meta.url));

describe('demo', () => {
  it('delivers every example notification with --check', async () => {
    // A folder of its own, so a demo the developer is running keeps its kubeconfig.
    const stateDir = await mkdtemp(join(tmpdir(), 'herald-demo-'));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [demoEntry, '--check', '--deadline', '40', '--state-dir', stateDir],
      { timeout: 60_000 },
    ).finally(() => rm(stateDir, { recursive: true, force: true }));

    expect(stdout).toContain('Check passed');
    expect(stdout).toMatch(/-> slack +shop-slack/);
    expect(stdout).toMatch(/-> email +oncall@example.com, lead@example.com, carol@example.com/);
    expect(stdout).toMatch(/-> email +olivia@example.com +\[shop-api\] Database backup failed/);
    expect(stdout).not.toContain('dave@example.com');
    expect(stdout).toMatch(/-> webhook +shop-audit-webhook/);
    expect(stdout).toContain('kubeconfig: ');
    expect(stdout).not.toMatch(/http:\/\/127\.0\.0\.1:\d+\/(slack|webhook)\//);
  });
});
