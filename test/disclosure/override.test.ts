/**
 * The officer's decisions over the policy (`zdsar redact --override FILE`, the file the desk saves):
 * reveal one masked value, withhold one record; the copy is rebuilt, its digest changes and the
 * approval of the earlier copy no longer applies.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { IDENTITY_FLAGS, runCli, sandboxEnv, tempDir } from '../helpers/cli.js';
import { getPath, parseOverrides } from '../../src/dsar/disclosure/overrides.js';
import type { Logged } from '../../src/dsar/disclosure/review.js';


const lines = (p: string) =>
  readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => l !== '[' && l !== ']' && l !== '')
    .map((l) => JSON.parse(l.endsWith(',') ? l.slice(0, -1) : l) as unknown);

describe('redact --override: reveal a value, withhold a record', () => {
  let sb: Sandbox;
  let env: Record<string, string>;
  let id: string;
  let pkg: string;
  let folder: string;
  let person: number;

  beforeAll(async () => {
    sb = await startSandbox({ seed: 7 });
    env = sandboxEnv(sb);
    const out = await runCli(['export', '--emails', 'alice.martin@cedarpine.example', '--redact', '--zip', '--out', tempDir('zdsar-override-'), '--json', ...IDENTITY_FLAGS], env);
    expect(out.code, out.stderr).toBe(0);
    ({ request_id: id, package: pkg } = JSON.parse(out.stdout) as { request_id: string; package: string });
    const m = JSON.parse(readFileSync(join(pkg, 'manifest.json'), 'utf8')) as { subjects: Array<{ index: number; path: string }> };
    folder = m.subjects[0]!.path.replace(/^subjects\//, '');
    person = m.subjects[0]!.index;
  }, 180_000);
  afterAll(async () => {
    await sb?.close();
  });

  it('rebuilds the copy with the value revealed and the record left out; the earlier approval no longer applies', async () => {
    const approved = await runCli(['requests', 'approve', id, '--approver', 'Dana DPO', '--json'], env);
    expect(approved.code, approved.stderr).toBe(0);
    const first = (JSON.parse(approved.stdout) as { disclosure: { manifest_sha256: string; status: string }; zips: string[] }).disclosure;
    expect(first.status).toBe('approved');

    const log = (JSON.parse(readFileSync(join(pkg, 'disclosure', folder, 'redactions.json'), 'utf8')) as { redactions: Logged[] }).redactions;
    const shown = log.find((r) => /email/.test(r.rule) && r.as.includes('@') && r.record !== undefined)!;
    expect(shown, 'a masked address').toBeDefined();
    const listFile = (f: string) => lines(join(pkg, 'subjects', folder, f));
    const withheld = log.find((r) => r.record !== undefined && r.file.endsWith('.json') && !(r.file === shown.file && r.record === shown.record) && listFile(r.file).length >= 2)!;
    const sourceBefore = listFile(withheld.file);
    const revealedValue = getPath(listFile(shown.file)[shown.record! - 1], shown.field);
    expect(typeof revealedValue).toBe('string');

    const file = join(tempDir('zdsar-decisions-'), 'decisions.json');
    writeFileSync(file, JSON.stringify({ reveal: [{ person, file: shown.file, record: shown.record, field: shown.field }], withhold: [{ person, file: withheld.file, record: withheld.record }] }));
    const rebuilt = await runCli(['redact', id, '--override', file, '--json'], env);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    const second = JSON.parse(rebuilt.stdout) as { disclosure: { manifest_sha256: string; status: string }; invalidated?: string[] };
    expect(second.disclosure.manifest_sha256).not.toBe(first.manifest_sha256);
    expect(second.disclosure.status).toBe('waiting_for_approval');
    expect(second.invalidated?.length, 'the zips of the approved copy are removed').toBeGreaterThan(0);

    // The revealed value is in the copy exactly as Zoom sent it, and no longer listed as masked.
    const copyOf = (f: string) => lines(join(pkg, 'disclosure', folder, f));
    const before = (n: number) => (withheld.file === shown.file && withheld.record! < n ? 1 : 0);
    expect(getPath(copyOf(shown.file)[shown.record! - 1 - before(shown.record!)], shown.field)).toBe(revealedValue);
    const log2 = JSON.parse(readFileSync(join(pkg, 'disclosure', folder, 'redactions.json'), 'utf8')) as { redactions: Logged[]; summary: { officer?: { revealed: number; withheld_records: number } } };
    expect(log2.redactions.some((r) => r.file === shown.file && r.record === shown.record && r.field === shown.field)).toBe(false);
    expect(log2.summary.officer).toEqual({ revealed: 1, withheld_records: 1 });
    // The withheld record is left out whole; the manifest counts one record fewer.
    expect(copyOf(withheld.file)).toHaveLength(sourceBefore.length - 1);
    expect(log2.redactions.filter((r) => r.file === withheld.file && r.record === withheld.record).map((r) => r.rule)).toEqual(['withheld by the officer (the whole record)']);
    const dm = JSON.parse(readFileSync(join(pkg, 'disclosure', 'manifest.json'), 'utf8')) as { subjects: Array<{ files: Array<{ path: string; records?: number }> }>; overrides?: unknown };
    expect(dm.subjects[0]!.files.find((f) => f.path === `${folder}/${withheld.file}`)?.records).toBe(sourceBefore.length - 1);
    expect(dm.overrides).toBeDefined();

    // The decisions are kept beside the request, with no address in them.
    const saved = join(env.ZDSAR_HOME!, 'ledger', 'requests', id, 'disclosure-overrides.json');
    expect(parseOverrides(readFileSync(saved, 'utf8'), saved).withhold).toHaveLength(1);
    expect(readFileSync(saved, 'utf8')).not.toContain('@');

    // The approval was for the earlier copy: approving by its digest is refused.
    const old = await runCli(['requests', 'approve', id, '--sha256', first.manifest_sha256, '--json'], env);
    expect(old.code).toBe(2);
    expect(old.stderr).toMatch(/not approved/);

    // A plain rebuild applies the saved decisions again; the package still verifies.
    const again = await runCli(['redact', id, '--json'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(copyOf(withheld.file)).toHaveLength(sourceBefore.length - 1);
    const verified = await runCli(['verify', pkg], env);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(existsSync(saved)).toBe(true);
  });

  it('a bad override file is refused naming the file and field, nothing rebuilt', async () => {
    const file = join(tempDir('zdsar-decisions-'), 'bad.json');
    writeFileSync(file, JSON.stringify({ withhold: [{ person: 1, file: '../x.json', record: 1 }] }));
    const r = await runCli(['redact', id, '--override', file], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toContain('withhold.0.file');
  });
});
