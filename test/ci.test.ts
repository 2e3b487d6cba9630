import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers/cli.js';

/** .ci/chromium: CI fails, saying why, when the browser the report tests need cannot be had. */
function runWithPath(bin: string) {
  return spawnSync('/bin/bash', [join(ROOT, '.ci', 'chromium')], { cwd: ROOT, env: { PATH: bin }, encoding: 'utf8' });
}

function fakeBin(files: Record<string, string>): string {
  const dir = join(tempDir('zdsar-ci-'), 'bin');
  mkdirSync(dir);
  for (const [name, body] of Object.entries(files)) {
    writeFileSync(join(dir, name), `#!/bin/bash\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

describe('.ci/chromium', () => {
  it('fails when chromium is missing and apt-get cannot install it', () => {
    const r = runWithPath(fakeBin({ 'apt-get': 'exit 100' }));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('chromium could not be installed');
  });

  it('fails when chromium is missing and there is no apt-get', () => {
    const r = runWithPath(fakeBin({}));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no apt-get');
  });

  it('fails when apt-get "succeeds" but no chromium appears, or chromium does not start', () => {
    expect(runWithPath(fakeBin({ 'apt-get': 'exit 0' })).stderr).toContain('installed no chromium command');
    const broken = runWithPath(fakeBin({ chromium: 'exit 1' }));
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain('does not start');
  });

  it('passes with a working chromium (this machine has one: the report tests need it)', () => {
    const r = spawnSync('/bin/bash', [join(ROOT, '.ci', 'chromium')], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/== Chromium \d+/);
  });
});
