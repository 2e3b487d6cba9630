/**
 * docs/cli.md is the full command reference, generated from the program's commander definitions
 * (scripts/gen-cli-docs.js): it cannot drift from the code, and it names every variable src/ reads.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const run = promisify(execFile);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n === 'sandbox' ? [] : sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

describe('docs/cli.md', () => {
  it('is what scripts/gen-cli-docs.js generates from the program (regenerate after changing a command)', async () => {
    const r = await run(process.execPath, [join(ROOT, 'scripts', 'gen-cli-docs.js'), '--check'], { cwd: ROOT }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code?: number; stderr?: string }) => ({ code: e.code ?? 1, stderr: e.stderr ?? '' }),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('documents every command of the contract, every exit code and every variable src/ reads', async () => {
    const doc = readFileSync(join(ROOT, 'docs', 'cli.md'), 'utf8');
    for (const c of ['export', 'delete', 'doctor', 'sandbox', 'registrants find', 'registrants erase', 'compliance verify', 'compliance notify', 'compliance listen', 'compliance status', 'requests list', 'requests show <id>', 'requests resume <id>', 'requests cancel <id>', 'requests extend <id>', 'requests purge']) {
      expect(doc).toContain(`\`zdsar ${c}\``);
    }
    for (const code of [0, 1, 2, 3, 130]) expect(doc).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
    const read = new Set<string>();
    for (const f of sources(join(ROOT, 'src'))) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/\benv(?:\.|\[')([A-Z][A-Z0-9_]+)/g)) read.add(m[1]!);
      if (f.endsWith('config.ts')) for (const m of text.matchAll(/'((?:ZOOM|ZDSAR)_[A-Z0-9_]+)'/g)) read.add(m[1]!);
    }
    expect(read.size).toBeGreaterThan(5);
    for (const name of read) {
      // The operating system's own (USER, HOME, TERM, CI, PATH) are not zdsar's to document.
      if (!/^(ZOOM|ZDSAR|XDG)_|^NO_COLOR$/.test(name)) continue;
      expect(doc, `docs/cli.md should describe ${name}`).toContain(`\`${name}\``);
    }
  });
});
