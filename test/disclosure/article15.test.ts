/**
 * Issue 26: the Article 15 statement (GDPR Art. 15(1)(a)–(h), 15(2); CCPA right to know) beside the
 * data: the controller profile, `zdsar init-profile`, the statement in the person's report (draft
 * and approved) and in their zip, and approval refused while the profile lacks parts (unless the
 * officer records why). Run as the CLI against the sandbox.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { IDENTITY_FLAGS, runCli, sandboxEnv, tempDir, TEST_PROFILE, writeProfile } from '../helpers/cli.js';
import { readZip } from './zipread.js';

const ALICE = 'alice.martin@cedarpine.example';

interface Statement {
  person: string;
  controller: { name: string | null; dpo_contact: string | null };
  parts: Array<{ key: string; gdpr: string; ccpa?: string; text: string[]; missing?: string[] }>;
  missing: string[];
  profile: { file: string; sha256: string } | null;
}

describe('init-profile', () => {
  it('writes the commented template 0600 under ZDSAR_HOME, never over a file without --force', async () => {
    const home = tempDir('zdsar-a15-');
    const env = { ZDSAR_HOME: home };
    const first = await runCli(['init-profile', '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    const path = join(home, 'controller-profile.yaml');
    expect(JSON.parse(first.stdout)).toMatchObject({ path, written: true, replaced: false });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const template = readFileSync(path, 'utf8');
    expect(template).toContain('# zdsar controller profile');
    expect(template).toContain('supervisory_authority:');

    writeFileSync(path, TEST_PROFILE);
    const again = await runCli(['init-profile'], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists: not overwritten');
    expect(readFileSync(path, 'utf8')).toBe(TEST_PROFILE);

    const check = await runCli(['init-profile', '--check', '--json'], env);
    expect(check.code, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ complete: true, missing: [] });

    const forced = await runCli(['init-profile', '--force', '--json'], env);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ replaced: true });
    const incomplete = await runCli(['init-profile', '--check', '--json'], env);
    expect(incomplete.code).toBe(1);
    expect((JSON.parse(incomplete.stdout) as { missing: string[] }).missing).toEqual(expect.arrayContaining(['controller.name', 'purposes', 'supervisory_authority.contact', 'transfers']));
  });

  it('a bad profile is exit 2 naming the file, the line and the field, before anything is sent to Zoom', async () => {
    const sb = await startSandbox({ seed: 7 });
    try {
      const env = sandboxEnv(sb);
      const path = writeProfile(env.ZDSAR_HOME!, TEST_PROFILE.replace('automated_decision_making: No decisions', 'automated_decisions: No decisions'));
      const res = await runCli(['export', '--emails', ALICE, '--redact', '--json'], env);
      expect(res.code).toBe(2);
      const line = TEST_PROFILE.split('\n').findIndex((l) => l.startsWith('automated_decision_making')) + 1;
      expect(res.stderr).toContain(`${path}:${line}: automated_decisions: unknown field`);
      expect(JSON.parse(res.stdout)).toMatchObject({ status: 'failed' });
      expect(sb.log.length).toBe(0);

      writeProfile(env.ZDSAR_HOME!, TEST_PROFILE.replace('purposes:\n  - Providing video meetings, chat and telephony to staff', 'purposes: 42'));
      const typed = await runCli(['init-profile', '--check'], env);
      expect(typed.code).toBe(2);
      const purposesLine = TEST_PROFILE.split('\n').findIndex((l) => l.startsWith('purposes:')) + 1;
      expect(typed.stderr).toContain(`${path}:${purposesLine}: purposes: Invalid input: expected array`);
    } finally {
      await sb.close();
    }
  });
});

describe('the Article 15 statement in the person\'s copy, against the sandbox', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ seed: 7 });
  });
  afterAll(async () => {
    await sb.close();
  });

  async function exportFor(env: Record<string, string>): Promise<{ id: string; pkg: string; folder: string; stderr: string; json: Record<string, unknown> }> {
    const res = await runCli(['export', '--emails', ALICE, '--redact', '--json', ...IDENTITY_FLAGS], env);
    expect(res.code, res.stderr).toBe(0);
    const json = JSON.parse(res.stdout) as { request_id: string; package: string };
    const m = JSON.parse(readFileSync(join(json.package, 'manifest.json'), 'utf8')) as { subjects: Array<{ path: string }> };
    return { id: json.request_id, pkg: json.package, folder: m.subjects[0]!.path.replace(/^subjects\//, ''), stderr: res.stderr, json: json as unknown as Record<string, unknown> };
  }

  it('a complete profile: the statement is in article15.json, the draft and the approved report, and the zip', async () => {
    const env = sandboxEnv(sb);
    const { id, pkg, folder } = await exportFor(env);
    const dir = join(pkg, 'disclosure', folder);
    const st = JSON.parse(readFileSync(join(dir, 'article15.json'), 'utf8')) as Statement;
    expect(st.person).toBe(ALICE);
    expect(st.missing).toEqual([]);
    expect(st.controller).toMatchObject({ name: 'Cedar & Pine Ltd (sample)', dpo_contact: 'dpo@cedarpine.example' });
    const part = (k: string) => st.parts.find((p) => p.key === k)!;
    expect(part('purposes').text).toEqual(['Providing video meetings, chat and telephony to staff']);
    expect(part('purposes').gdpr).toBe('Art. 15(1)(a)');
    expect(part('sources').ccpa).toContain('categories of sources');
    expect(part('recipients').ccpa).toContain('categories of third parties');
    // The categories are what was collected for her, from the package.
    expect(part('categories').text.join('\n')).toContain('Zoom profile');
    expect(part('complaint').text[0]).toContain('Data Protection Commission (Ireland)');
    expect(part('transfers').text[0]).toContain('Standard contractual clauses');
    expect(st.profile?.file).toBe('controller-profile.yaml');
    // The copy lists it (so verify and the zip know it).
    const copy = JSON.parse(readFileSync(join(pkg, 'disclosure', 'manifest.json'), 'utf8')) as { subjects: Array<{ files: Array<{ path: string }> }>; article15: { missing: string[] } };
    expect(copy.subjects[0]!.files.map((f) => f.path)).toContain(`${folder}/article15.json`);
    expect(copy.article15.missing).toEqual([]);

    const draft = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(draft).toContain('DRAFT: not approved for release');
    expect(draft).toContain('What we must tell you beside your data');
    expect(draft).toContain('Data Protection Commission (Ireland)');

    const approved = await runCli(['requests', 'approve', id, '--zip', '--json'], env);
    expect(approved.code, approved.stderr).toBe(0);
    const out = JSON.parse(approved.stdout) as { zips: string[]; disclosure: { article15: { complete: boolean } } };
    expect(out.disclosure.article15.complete).toBe(true);
    const report = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(report).not.toContain('DRAFT: not approved'); // (the word alone is a Zoom Mail label in the person's records)
    expect(report).toContain('Your right to complain');
    const zip = await readZip(readFileSync(out.zips[0]!));
    const inZip = [...zip.keys()];
    const statementEntry = inZip.find((n) => n.endsWith('/article15.json'));
    expect(statementEntry, inZip.join(', ')).toBeDefined();
    expect((JSON.parse(zip.get(statementEntry!)!.toString('utf8')) as Statement).person).toBe(ALICE);
    expect(zip.get(inZip.find((n) => n.endsWith('/report.html'))!)!.toString('utf8')).toContain('What we must tell you beside your data');
    const verified = await runCli(['verify', pkg], env);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
  }, 120_000);

  it('no profile: the copy says what is missing; approval is exit 2 naming the fields, recorded, until the officer records a reason', async () => {
    const home = tempDir('zdsar-a15-home-');
    const env = sandboxEnv(sb, home);
    const { id, pkg, folder, stderr } = await exportFor(env);
    expect(stderr).toContain('Article 15 statement incomplete');
    const st = JSON.parse(readFileSync(join(pkg, 'disclosure', folder, 'article15.json'), 'utf8')) as Statement;
    expect(st.missing).toContain('controller.name');
    expect(st.parts.find((p) => p.key === 'purposes')!.missing).toEqual(['purposes']);
    // What zdsar knows is there all the same.
    expect(st.parts.find((p) => p.key === 'categories')!.text.length).toBeGreaterThan(0);
    // And what Zoom's own settings tell: her recording setting, as read (the sandbox's auto-delete is off).
    expect(st.parts.find((p) => p.key === 'retention')!.text).toEqual([expect.stringContaining('Cloud recordings: not deleted automatically')]);
    expect(readFileSync(join(pkg, 'disclosure', folder, 'report.html'), 'utf8')).toContain('missing from the controller profile: purposes');

    const refused = await runCli(['requests', 'approve', id, '--zip', '--json'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('approval refused: the Article 15 statement lacks controller.name');
    expect(refused.stderr).toContain('supervisory_authority.contact');
    expect(refused.stderr).toContain('--no-statement-check --statement-reason');
    const show1 = JSON.parse((await runCli(['requests', 'show', id, '--json'], env)).stdout) as { evidence: Array<{ action: string; outcome: string; request?: { reason?: string } }> };
    expect(show1.evidence.some((e) => e.action === 'approval_refused_statement' && e.outcome.includes('controller.name'))).toBe(true);
    expect(show1.evidence.some((e) => e.action === 'disclosure_approved')).toBe(false);

    const noReason = await runCli(['requests', 'approve', id, '--no-statement-check'], env);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('--statement-reason');

    const skipped = await runCli(['requests', 'approve', id, '--zip', '--json', '--no-statement-check', '--statement-reason', 'profile under legal review; statement sent by letter'], env);
    expect(skipped.code, skipped.stderr).toBe(0);
    const show2 = JSON.parse((await runCli(['requests', 'show', id, '--json'], env)).stdout) as { evidence: Array<{ action: string; request?: { reason?: string } }> };
    expect(show2.evidence.find((e) => e.action === 'statement_check_skipped')?.request?.reason).toBe('profile under legal review; statement sent by letter');
    expect(show2.evidence.some((e) => e.action === 'disclosure_approved')).toBe(true);
  }, 120_000);
});
