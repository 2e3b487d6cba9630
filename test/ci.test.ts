import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers/cli.js';

/**
 * .ci/chromium: CI fails, saying why, when the browser the browser tests need cannot be had.
 * Every run here has a PATH of fake commands only, so nothing can be installed: no test installs anything.
 */
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

  it('passes with a working chromium, and then installs nothing', () => {
    const bin = fakeBin({ chromium: 'echo "Chromium 131.0.6778.85 built on Debian"', 'apt-get': 'echo apt-get was run >&2; exit 100', head: 'exec /usr/bin/head "$@"' });
    const r = runWithPath(bin);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/== Chromium \d+/);
  });
});

describe('.ci/run', () => {
  it('installs Chromium (.ci/chromium), then runs npm test and npm run test:browser', () => {
    const script = readFileSync(join(ROOT, '.ci', 'run'), 'utf8').split('\n').filter((l) => !/^\s*#/.test(l));
    const at = (cmd: string) => script.findIndex((l) => l.trim() === cmd);
    expect(at('npm test')).toBeGreaterThan(0);
    expect(at('.ci/chromium')).toBeGreaterThan(0);
    expect(at('npm run test:browser')).toBeGreaterThan(at('.ci/chromium'));
    expect(script.join('\n')).toContain('set -euo pipefail');
  });
});

describe('.gitignore', () => {
  it("ignores what the README's sandbox recipe writes: sandbox.env and .zdsar-sandbox/", () => {
    const rules = readFileSync(join(ROOT, '.gitignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const written of ['sandbox.env', '.zdsar-sandbox/', '.zdsar-demo/']) expect(rules, written).toContain(written);
  });
});
