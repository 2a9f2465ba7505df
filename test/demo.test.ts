import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const demoEntry = fileURLToPath(new URL('../src/cli/demo.ts', import.meta.url));

describe('demo', () => {
  it('delivers every example notification with --check', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [demoEntry, '--check', '--deadline', '40'],
      { timeout: 60_000 },
    );

    expect(stdout).toContain('Check passed');
    expect(stdout).toMatch(/-> slack +shop-slack/);
    expect(stdout).toMatch(/-> email +oncall@example.com, lead@example.com/);
    expect(stdout).toMatch(/-> webhook +shop-audit-webhook/);
    expect(stdout).toContain('kubeconfig: ');
    expect(stdout).not.toMatch(/http:\/\/127\.0\.0\.1:\d+\/(slack|webhook)\//);
  });
});
