/**
 * #16 item 11: `requests show` for an export: each person's OUTCOME, skipped categories with the
 * manifest's reason, no internal bookkeeping row, categories in the package's order.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../src/dsar/categories.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runCli, sandboxEnv } from '../helpers/cli.js';

const CHEN = 'chen.wei@cedarpine.example';
const NOBODY = 'nobody.here@elsewhere.example';

describe('requests show for an export', () => {
  let sb: Sandbox;
  let show: string;
  let manifest: { subjects: Array<{ status: string; categories: Record<string, { status: string; note?: string }> }> };
  beforeAll(async () => {
    sb = await startSandbox({ seed: 4, latencyMs: { min: 1, max: 30 } });
    const env = sandboxEnv(sb);
    const r = await runCli(['export', '--emails', `${CHEN},${NOBODY}`, '--json'], env);
    const out = JSON.parse(r.stdout) as { request_id: string; package: string };
    manifest = JSON.parse(readFileSync(join(out.package, 'manifest.json'), 'utf8')) as typeof manifest;
    show = (await runCli(['requests', 'show', out.request_id], env)).stdout;
  }, 90_000);
  afterAll(async () => {
    await sb.close();
  });

  /** The table rows as cells (cut at the header's column positions), with the person carried down. */
  function rows(): Array<{ person: string; outcome: string; category: string; progress: string; rest: string }> {
    const lines = show.split('\n');
    const start = lines.findIndex((l) => /^\s+PERSON\s+OUTCOME\s+CATEGORY/.test(l));
    const header = lines[start]!;
    const at = ['OUTCOME', 'CATEGORY', 'PROGRESS', 'RECORDS', 'FILE'].map((h) => header.indexOf(h));
    const cut = (l: string, i: number) => l.slice(i === 0 ? 0 : at[i - 1], at[i]).trim();
    const out = [];
    let person = '';
    let outcome = '';
    for (const line of lines.slice(start + 2)) {
      if (line.trim() === '') break;
      if (cut(line, 0)) {
        person = cut(line, 0);
        outcome = cut(line, 1);
      }
      out.push({ person, outcome, category: cut(line, 2), progress: cut(line, 3), rest: line.slice(at[4]).trim() });
    }
    return out;
  }

  it('shows each person\'s outcome', () => {
    expect(show).toMatch(/^ {2}#1\s+completed\s+profile/m);
    expect(show).toMatch(/^ {2}#2\s+not_found/m);
  });

  it('has no internal row and lists categories in the package\'s order', () => {
    const mine = rows().filter((r) => r.person === '#1');
    expect(mine.map((r) => r.category)).not.toContain('subject');
    const order = CATEGORIES.map((c) => c.name).filter((n) => mine.some((r) => r.category === n));
    expect(mine.map((r) => r.category)).toEqual(order);
  });

  it('gives the manifest\'s reason for each skipped category', () => {
    const skipped = Object.entries(manifest.subjects[0]!.categories).filter(([, c]) => c.status === 'no_data');
    expect(skipped.length).toBeGreaterThan(0);
    for (const [name, c] of skipped) {
      const row = rows().find((r) => r.person === '#1' && r.category === name);
      expect(row?.progress).toBe('skipped');
      expect(row?.rest.trim()).toBe(c.note);
    }
  });
});
