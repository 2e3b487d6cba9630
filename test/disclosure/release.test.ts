/**
 * Only an approved disclosure copy reaches the person, and an approval covers exactly the copy it
 * was given for (issue 24 items 2, 3, 7; issue 25 "only an approved copy reaches the person").
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { IDENTITY_FLAGS, runCli, sandboxEnv, startCli, tempDir } from '../helpers/cli.js';

const ALICE = 'alice.martin@cedarpine.example';
const BRUNO = 'bruno.costa@cedarpine.example';

interface Summary {
  request_id: string;
  package: string;
  zips?: string[];
  internal_record?: string[];
  disclosure?: { status: string; manifest_sha256: string; approved_by?: string };
}

const deliverables = (pkg: string) => (existsSync(join(pkg, 'zips')) ? readdirSync(join(pkg, 'zips')) : []);

describe('release: only an approved copy, exactly the one reviewed, reaches the person', () => {
  let sb: Sandbox;
  let env: Record<string, string>;
  beforeAll(async () => {
    sb = await startSandbox({ seed: 7 });
    env = sandboxEnv(sb);
  }, 60_000);
  afterAll(async () => {
    await sb.close();
  });

  const exportJson = async (args: string[]): Promise<Summary> => {
    // Identity recorded up front: release is gated on it (issue 26; the gate is tested in test/ledger/identity.test.ts).
    const r = await runCli(['export', '--emails', ALICE, '--out', tempDir('zdsar-rel-'), '--json', ...IDENTITY_FLAGS, ...args], env);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Summary;
  };
  const show = async (id: string) => {
    const r = await runCli(['requests', 'show', id, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { stage: string; evidence: Array<{ action: string; request?: { approver?: string } }> };
  };

  it('export --zip without --redact makes an internal record, not a per-person deliverable; encryption without --redact is refused', async () => {
    const s = await exportJson(['--zip']);
    expect(s.zips).toBeUndefined();
    expect(deliverables(s.package)).toEqual([]);
    expect(s.internal_record).toHaveLength(1);
    expect(s.internal_record![0]).toMatch(/internal-record\/.+\.internal-record-not-for-release\.zip$/);
    expect(readFileSync(join(s.package, 'report.html'), 'utf8')).toContain('<title>Internal record: not for release');
    const folder = readdirSync(join(s.package, 'subjects'))[0]!;
    expect(readFileSync(join(s.package, 'subjects', folder, 'report.html'), 'utf8')).toContain('Internal record: not for release');
    const v = await runCli(['verify', s.package], env);
    expect(v.code, v.stdout + v.stderr).toBe(0);

    const r = await runCli(['export', '--emails', ALICE, '--out', tempDir('zdsar-rel-'), '--zip-passphrase'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--zip-passphrase without --redact');
    expect(sb.log.length).toBeGreaterThan(0);
  });

  it('a copy rebuilt with another policy, or by a resume, waits for a new approval; its old zips are gone at once', async () => {
    const s = await exportJson(['--redact', '--approve', '--approver', 'Dana DPO', '--zip']);
    expect(s.disclosure!.status).toBe('approved');
    const folder = readdirSync(join(s.package, 'disclosure')).find((f) => f !== 'manifest.json' && f !== 'redactions.json' && !f.endsWith('.sig'))!;
    expect(deliverables(s.package)).toEqual([`${folder}.zip`]);
    expect((await show(s.request_id)).stage).toBe('approved');

    const keep = join(tempDir('zdsar-policy-'), 'keep.json');
    writeFileSync(keep, JSON.stringify({ others_text: 'keep' }));
    const r = await runCli(['redact', s.request_id, '--redaction-policy', keep, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const after = JSON.parse(r.stdout) as Summary;
    expect(after.disclosure!.status).toBe('waiting_for_approval');
    expect(after.zips).toEqual([]);
    expect(deliverables(s.package)).toEqual([]);
    const shown = await show(s.request_id);
    expect(shown.stage).toBe('awaiting_review');
    expect(shown.evidence.filter((e) => e.action === 'disclosure_approved')).toHaveLength(1);
    // The draft of the person's report says it is a draft, and names the policy that keeps others' words.
    const draft = readFileSync(join(s.package, 'disclosure', folder, 'report.html'), 'utf8');
    expect(draft).toContain('DRAFT: not approved for release');
    expect(draft).toContain('what other people wrote to you is shown');
    expect(readFileSync(join(s.package, 'report.html'), 'utf8')).toMatch(/what others wrote <strong>kept<\/strong>/);

    // Approve the rebuilt copy, then resume: the resumed run rebuilds it, and that copy is not approved.
    const a = await runCli(['requests', 'approve', s.request_id, '--approver', 'Dana DPO', '--json'], env);
    expect(a.code, a.stderr).toBe(0);
    expect(deliverables(s.package)).toEqual([`${folder}.zip`]);
    await Ledger.open(env.ZDSAR_HOME!).setStatus(s.request_id, 'partial');
    const res = await runCli(['requests', 'resume', s.request_id], env);
    expect(res.code, res.stderr).toBe(0);
    expect(deliverables(s.package)).toEqual([]);
    const resumed = await show(s.request_id);
    expect(resumed.stage).toBe('awaiting_review');
    expect(resumed.evidence.filter((e) => e.action === 'disclosure_approved')).toHaveLength(2);
  }, 120_000);

  it('approves only the copy reviewed: not an edited copy, not another request\'s, not another digest; verify checks the binding', async () => {
    const a = await exportJson(['--redact']);
    const b = await exportJson(['--redact']);
    const sha = a.disclosure!.manifest_sha256;
    // Another digest than the one reviewed.
    const wrong = await runCli(['requests', 'approve', a.request_id, '--sha256', 'f'.repeat(64)], env);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('not approved');
    // A copy edited after review (self-consistent: only its manifest changed).
    const m = join(a.package, 'disclosure', 'manifest.json');
    const original = readFileSync(m);
    writeFileSync(m, original.toString('utf8').replace(/\n$/, ' \n'));
    const edited = await runCli(['requests', 'approve', a.request_id], env);
    expect(edited.code).toBe(2);
    expect(edited.stderr).toContain('is not the one zdsar built last');
    writeFileSync(m, original);
    // Another request's copy moved in.
    const saved = join(tempDir('zdsar-saved-'), 'disclosure');
    cpSync(join(a.package, 'disclosure'), saved, { recursive: true });
    rmSync(join(a.package, 'disclosure'), { recursive: true });
    cpSync(join(b.package, 'disclosure'), join(a.package, 'disclosure'), { recursive: true });
    const moved = await runCli(['requests', 'approve', a.request_id, '--sha256', b.disclosure!.manifest_sha256], env);
    expect(moved.code).toBe(2);
    expect(moved.stderr).toContain(`request "${b.request_id}"'s, not ${a.request_id}'s`);
    const v = await runCli(['verify', a.package], env);
    expect(v.code).not.toBe(0);
    expect(v.stdout + v.stderr).toContain('not this package');
    rmSync(join(a.package, 'disclosure'), { recursive: true });
    cpSync(saved, join(a.package, 'disclosure'), { recursive: true });
    // The copy reviewed, by its digest.
    const ok = await runCli(['requests', 'approve', a.request_id, '--sha256', sha, '--json'], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect((JSON.parse(ok.stdout) as Summary).disclosure!.status).toBe('approved');
  }, 120_000);

  it('a run killed during age encryption leaves no plain zip among the deliverables; the next run sweeps it', async () => {
    const s = await exportJson(['--redact']);
    const identity = await generateIdentity();
    const recipient = await identityToRecipient(identity);
    const work = join(s.package, '.work');
    mkdirSync(work, { recursive: true, mode: 0o700 });
    const child = startCli(['requests', 'approve', s.request_id, '--age-recipient', recipient], env);
    let killed = false;
    const inner: Array<ReturnType<typeof watch>> = [];
    const outer = watch(work, (_e, name) => {
      if (name !== 'zips' || inner.length) return;
      try {
        inner.push(
          watch(join(work, 'zips'), (_e2, f) => {
            if (!killed && String(f).includes('.plain.tmp')) {
              killed = true;
              child.kill('SIGKILL');
            }
          }),
        );
      } catch {
        // swept meanwhile
      }
    });
    const exit = await new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_c, sig) => resolve(sig)));
    outer.close();
    for (const w of inner) w.close();
    expect(exit).toBe('SIGKILL');
    const left = deliverables(s.package);
    expect(left.filter((f) => !f.endsWith('.zip.age'))).toEqual([]);
    const again = await runCli(['requests', 'approve', s.request_id, '--age-recipient', recipient], env);
    expect(again.code, again.stderr).toBe(0);
    expect(existsSync(join(s.package, '.work', 'zips'))).toBe(false);
    expect(deliverables(s.package).every((f) => f.endsWith('.zip.age'))).toBe(true);
    // A run killed while deliver made the zips leaves the same scratch: deliver sweeps it too before it verifies.
    mkdirSync(join(work, 'zips'), { recursive: true, mode: 0o700 });
    writeFileSync(join(work, 'zips', `${deliverables(s.package)[0]!}.plain.tmp-1-0`), 'PK plain');
    const dv = await runCli(['requests', 'deliver', s.request_id], env);
    expect(dv.code, dv.stderr).toBe(0);
    expect(existsSync(join(s.package, '.work', 'zips'))).toBe(false);
  }, 120_000);
});
