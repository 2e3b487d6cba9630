/**
 * #16 item 8: the README's sandbox recipe works when pasted into a shell: it waits until the
 * sandbox is ready, keeps sample requests out of the real ZDSAR_HOME, gives a non-empty first
 * export with the sandbox's real people, and leaves no server running.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, tempDir } from '../helpers/cli.js';

/** The code block that follows the README's `sandbox-recipe` marker. */
function readmeRecipe(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const m = /<!-- sandbox-recipe[^>]*-->\s*```sh\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('README.md has no sandbox-recipe block');
  return m[1]!;
}

function bash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-e', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the README sandbox recipe, pasted into bash', () => {
  it('works, apart from the real ledger, with a non-empty first export and no server left behind', async () => {
    const cwd = tempDir('zdsar-recipe-');
    const realHome = tempDir('zdsar-real-home-');
    // `npx zdsar` in a clone runs this checkout's bin; the shim does the same without npm.
    const shims = tempDir('zdsar-shims-');
    writeFileSync(join(shims, 'npx'), `#!/bin/sh\n[ "$1" = zdsar ] || { echo "unexpected npx $1" >&2; exit 99; }\nshift\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(shims, 'npx'), 0o755);
    const r = await bash(readmeRecipe(), cwd, { PATH: `${shims}:${process.env.PATH ?? ''}`, HOME: cwd, CI: 'true', NO_COLOR: '1', ZDSAR_HOME: realHome });
    expect(r.code, r.stderr).toBe(0);

    const pid = Number(/listening on \S+ in the background \(pid (\d+)\)/.exec(r.stderr)?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false); // stopped, not orphaned
    expect(existsSync(join(cwd, 'sandbox.env'))).toBe(false);
    expect(readdirSync(realHome)).toEqual([]); // nothing in the real ZDSAR_HOME

    // The export's package is in the sandbox's own home, and the first export is not empty.
    const pkg = r.stdout.trim().split('\n').pop()!;
    expect(pkg.startsWith(join(cwd, '.zdsar-sandbox'))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(pkg, 'manifest.json'), 'utf8')) as { subjects: Array<{ status: string; categories: Record<string, { status: string; records?: number }> }> };
    const records = (i: number) => Object.values(manifest.subjects[i]!.categories).reduce((n, c) => n + (c.records ?? 0), 0);
    expect(manifest.subjects[0]!.status).toBe('completed');
    expect(records(0)).toBeGreaterThan(0);
    expect(manifest.subjects[1]!.categories.registrations?.records).toBeGreaterThan(0);
    // The sandbox's plan, not a real account's deadlines mixed into a real ledger.
    expect(r.stderr).not.toMatch(/Zoom app|marketplace/i);
  }, 120_000);

  it('--detach without --write-env, and --stop without a sandbox, are usage errors', async () => {
    const cwd = tempDir('zdsar-recipe-');
    const a = await bash(`"${process.execPath}" "${BIN}" sandbox --detach`, cwd, { PATH: process.env.PATH ?? '' });
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--detach needs --write-env/);
    const b = await bash(`"${process.execPath}" "${BIN}" sandbox --stop --write-env nothing.env`, cwd, { PATH: process.env.PATH ?? '' });
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/nothing\.env does not exist/);
  });
});
