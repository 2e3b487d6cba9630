/**
 * Zoom's specs live in the repository (spec/zoom-api): each file is listed in SOURCES.md with its sha256,
 * `npm run specs:refresh -- FOLDER` refreshes them and rewrites the checksums, and nothing in test/,
 * scripts/, src/ or bench/ reads specs from outside the repository.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/cli.js';
import { SPEC_DIR } from '../helpers/specs.js';

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
/** file → sha256, from the SOURCES.md table of a folder. */
function listed(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(join(dir, 'SOURCES.md'), 'utf8').split('\n')) {
    const m = /^\| `([^`]+\.openapi\.json)` \|.*\| ([0-9a-f]{64}|[^|]*?) \|$/.exec(line);
    if (m) out.set(m[1]!, m[2]!.trim());
  }
  return out;
}

describe('spec/zoom-api', () => {
  it('every spec file is listed in SOURCES.md, and its sha256 there matches the file', () => {
    const files = readdirSync(SPEC_DIR).filter((f) => f.endsWith('.openapi.json')).sort();
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of ['users', 'meetings', 'phone', 'accounts', 'team-chat']) expect(files).toContain(`${f}.openapi.json`);
    const table = listed(SPEC_DIR);
    expect([...table.keys()].sort()).toEqual(files);
    for (const f of files) expect(table.get(f), `${f}: sha256 in SOURCES.md (run npm run specs:refresh)`).toBe(sha(join(SPEC_DIR, f)));
    expect(readFileSync(join(SPEC_DIR, 'README.md'), 'utf8')).toContain('Rate limits');
  });

  it('npm run specs:refresh -- FOLDER copies the specs in and rewrites their checksums, adding a row for a new file', () => {
    const into = join(tempDir('zdsar-specs-into-'), 'zoom-api');
    cpSync(SPEC_DIR, into, { recursive: true });
    const from = tempDir('zdsar-specs-from-');
    const tasks = { ...JSON.parse(readFileSync(join(SPEC_DIR, 'tasks.openapi.json'), 'utf8')), 'x-refreshed': true };
    writeFileSync(join(from, 'tasks.openapi.json'), JSON.stringify(tasks));
    writeFileSync(join(from, 'brand-new.openapi.json'), '{"openapi":"3.0.0","paths":{}}');
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'refresh-specs.js'), from, into], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('1 changed (tasks.openapi.json), 1 new (brand-new.openapi.json');
    expect(readFileSync(join(into, 'tasks.openapi.json'), 'utf8')).toBe(JSON.stringify(tasks));
    const table = listed(into);
    expect(table.get('tasks.openapi.json')).toBe(sha(join(into, 'tasks.openapi.json')));
    expect(table.get('tasks.openapi.json')).not.toBe(sha(join(SPEC_DIR, 'tasks.openapi.json')));
    expect(table.get('brand-new.openapi.json')).toBe(sha(join(into, 'brand-new.openapi.json')));
    // The rows it did not refresh keep their checksums.
    expect(table.get('meetings.openapi.json')).toBe(sha(join(SPEC_DIR, 'meetings.openapi.json')));
  });

  it('specs:refresh refuses a file that is not JSON, and a missing folder, writing nothing', () => {
    const into = join(tempDir('zdsar-specs-into-'), 'zoom-api');
    mkdirSync(into);
    cpSync(join(SPEC_DIR, 'SOURCES.md'), join(into, 'SOURCES.md'));
    const from = tempDir('zdsar-specs-from-');
    writeFileSync(join(from, 'accounts.openapi.json'), '{}');
    writeFileSync(join(from, 'users.openapi.json'), '<html>not a spec</html>');
    const bad = spawnSync(process.execPath, [join(ROOT, 'scripts', 'refresh-specs.js'), from, into], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('users.openapi.json is not JSON');
    expect(readdirSync(into)).toEqual(['SOURCES.md']);
    const missing = spawnSync(process.execPath, [join(ROOT, 'scripts', 'refresh-specs.js'), join(from, 'nope'), into], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no such folder');
  });
});

describe('nothing reads outside the repository', () => {
  const SELF = relative(ROOT, import.meta.filename);
  /** A read of ../shared (a path string or a path join), outside comments. */
  const OUTSIDE = /\.\.\/shared|shared\/zoom-api|['"]\.\.['"]\s*,\s*['"]shared['"]|['"]shared['"]\s*,\s*['"]zoom-api['"]|ZOOM_SPEC_DIR/;
  const comment = (line: string) => /^\s*(\/\/|\*|\/\*|#)/.test(line);
  function* walk(dir: string): Generator<string> {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) yield* walk(p);
      else if (/\.(ts|js|mjs|cjs|sh)$/.test(name)) yield p;
    }
  }

  it('no test, script, source or benchmark reads ../shared or shared/zoom-api', () => {
    const hits: string[] = [];
    for (const top of ['test', 'scripts', 'src', 'bench', '.ci']) {
      for (const file of walk(join(ROOT, top))) {
        const rel = relative(ROOT, file);
        if (rel === SELF) continue;
        readFileSync(file, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (!comment(line) && OUTSIDE.test(line)) hits.push(`${rel}:${i + 1}: ${line.trim()}`);
          });
      }
    }
    expect(hits).toEqual([]);
  });

  it('the check finds such a read (it could fail)', () => {
    const line = "const DIR = join(import.meta.dirname, '..', '..', '..', 'shared', 'zoom-api');";
    expect(OUTSIDE.test(line) && !comment(line)).toBe(true);
    expect(OUTSIDE.test("readFileSync('../shared/zoom-api/users.openapi.json')")).toBe(true);
    expect(OUTSIDE.test("const words = ['good', 'shared', 'slides'];")).toBe(false);
    expect(comment(' * with records shaped by the specs in ../shared/zoom-api')).toBe(true);
  });
});
