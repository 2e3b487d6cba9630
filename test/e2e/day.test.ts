/**
 * A privacy officer's day, through the CLI as the README shows it (issue 25 "Done when"):
 * export → review the draft → approve → deliver → sent; and a request past its date is flagged.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, isoDay } from '../../src/dates.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { BIN, ROOT, runCli, sandboxEnv, tempDir } from '../helpers/cli.js';
import { filesUnder } from '../disclosure/helpers.js';

const ALICE = 'alice.martin@cedarpine.example';
const BRUNO = 'bruno.costa@cedarpine.example';

interface Listed {
  request_id: string;
  stage: string;
  urgency: string | null;
  days_left: number;
  reference?: string;
}

describe("an officer's day: from received to sent", () => {
  let sb: Sandbox;
  let env: Record<string, string>;
  beforeAll(async () => {
    sb = await startSandbox({ seed: 7 });
    env = sandboxEnv(sb);
  }, 60_000);
  afterAll(async () => {
    await sb.close();
  });

  const list = async (...args: string[]) => {
    const r = await runCli(['requests', 'list', '--json', ...args], env);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Listed[];
  };

  it('export → review the draft → approve → deliver → sent; nothing person-facing before approval; an unsent request past its date is flagged', async () => {
    // A request that arrived 40 days ago and was entered only now: a warning with the days, flagged until sent.
    const received = isoDay(addDays(new Date(), -40));
    // The received date comes from the spreadsheet's own column.
    const csv = join(tempDir('zdsar-day-csv-'), 'requests.csv');
    writeFileSync(csv, `Email,Received\n${BRUNO},${received}\n`);
    const late = await runCli(['export', '--csv', csv, '--reference', 'TICKET-77', '--out', tempDir('zdsar-day-')], env);
    expect(late.code, late.stderr).toBe(0);
    expect(late.stderr).toMatch(/it is \d+ days overdue already/);

    // Today's request, with its disclosure copy.
    const ex = await runCli(['export', '--emails', ALICE, '--with-files', '--redact', '--reference', 'DSAR-2026-014', '--out', tempDir('zdsar-day-'), '--json'], env);
    expect(ex.code, ex.stderr).toBe(0);
    const { request_id: id, package: pkg, disclosure } = JSON.parse(ex.stdout) as { request_id: string; package: string; disclosure: { manifest_sha256: string; status: string } };
    expect(disclosure.status).toBe('waiting_for_approval');

    // Nothing person-facing exists before approval: no zip, no cover note; the person's report is a draft.
    expect(existsSync(join(pkg, 'zips'))).toBe(false);
    const folder = readdirSync(join(pkg, 'subjects'))[0]!;
    const draft = readFileSync(join(pkg, 'disclosure', folder, 'report.html'), 'utf8');
    expect(draft).toContain('<title>DRAFT: Zoom data about');
    expect(draft).toContain('DRAFT: not approved for release');
    // It says what was not included and why, one line per kind with counts.
    expect(draft).toContain('What is not included, and why');
    expect(draft).toMatch(/<li><strong>[^<]+<\/strong> \(\d+ files?\): not included because/);
    // Withheld recordings cannot be opened through the copy: their links and passcodes are masked.
    const recs = readFileSync(join(pkg, 'disclosure', folder, 'cloud_recordings.json'), 'utf8');
    expect(readFileSync(join(pkg, 'subjects', folder, 'cloud_recordings.json'), 'utf8')).toContain('/rec/share/');
    expect(recs).not.toMatch(/\/rec\/share\/|\/rec\/play\/|\/rec\/download\/|"recording_play_passcode": ?"sbx/);
    // Transcripts and meeting chat are masked like the JSON, not withheld: what others said is withheld line by line.
    const texts = filesUnder(join(pkg, 'disclosure', folder, 'files', 'recordings')).filter((f) => /\.(vtt|txt)$/i.test(f));
    expect(texts.length).toBeGreaterThan(0);
    for (const f of texts) {
      const t = readFileSync(f, 'utf8');
      expect(t, f).toContain('[withheld: said by another participant]');
      expect(t, f).not.toMatch(/Speaker \d: (?!\[withheld)/);
    }
    // No command lines or officer notes in it.
    const text = draft.replace(/<style>[\s\S]*?<\/style>/, '');
    expect(text.match(/.{0,80}(--[a-z]|zdsar requests|before release).{0,80}/)?.[0]).toBeUndefined();
    // The package report links to the draft; it and the record are marked internal.
    const index = readFileSync(join(pkg, 'report.html'), 'utf8');
    expect(index).toContain(`href="disclosure/${encodeURIComponent(folder)}/report.html"`);
    expect(index).toContain('Internal record: not for release');
    expect((await list('--state', 'awaiting_review')).map((r) => r.request_id)).toContain(id);
    const refused = await runCli(['requests', 'deliver', id], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("waits for an officer's approval");
    expect(existsSync(join(pkg, 'zips'))).toBe(false);

    // Before approval: the one who asked is the person (types of evidence, never copies).
    const idv = await runCli(['requests', 'verify-identity', id, '--method', 'account-email-match', '--evidence', 'zoom-account-email', '--verifier', 'Dana DPO'], env);
    expect(idv.code, idv.stderr).toBe(0);

    // Approve exactly the copy reviewed, AES-encrypted.
    const ap = await runCli(['requests', 'approve', id, '--sha256', disclosure.manifest_sha256, '--approver', 'Dana DPO', '--zip-passphrase', '--json'], env);
    expect(ap.code, ap.stderr).toBe(0);
    const final = readFileSync(join(pkg, 'disclosure', folder, 'report.html'), 'utf8');
    expect(final).not.toContain('DRAFT: not approved'); // (the word alone is a Zoom Mail label in the person's records)
    expect(final).toContain('Approved for release by Dana DPO');
    expect((await list('--state', 'approved')).map((r) => r.request_id)).toContain(id);

    // Deliver: the zip made at approval and a cover note saying what was withheld and how to check it.
    const dv = await runCli(['requests', 'deliver', id, '--json'], env);
    expect(dv.code, dv.stderr).toBe(0);
    const d = JSON.parse(dv.stdout) as { deliverables: Array<{ file: string; cover_note: string }>; encryption: string; stage: string };
    expect(d.encryption).toBe('aes');
    expect(d.stage).toBe('approved');
    expect(d.deliverables).toHaveLength(1);
    expect(d.deliverables[0]!.file).toBe(join(pkg, 'zips', `${folder}.zip`));
    const note = readFileSync(d.deliverables[0]!.cover_note, 'utf8');
    expect(note).toContain('your reference: DSAR-2026-014');
    expect(note).toMatch(/- [^\n]+ \(\d+ files?\): not included because/);
    expect(note).toContain('sha256sum -c SHA256SUMS');
    expect(note).toContain('npx zdsar verify');
    expect(note).toContain('7-Zip');
    expect(note.match(/.{0,80}(--[a-z]|requests approve|officer).{0,80}/)?.[0]).toBeUndefined();

    // Record that it was sent: the clock stops; the late request, never sent, is still overdue.
    const sent = await runCli(['requests', 'deliver', id, '--sent', '--method', 'secure email', '--json'], env);
    expect(sent.code, sent.stderr).toBe(0);
    expect(JSON.parse(sent.stdout)).toMatchObject({ sent: { method: 'secure email', already: false }, stage: 'sent' });
    const overdue = await list('--overdue');
    expect(overdue.map((r) => r.request_id)).not.toContain(id);
    expect(overdue).toHaveLength(1);
    expect(overdue[0]).toMatchObject({ stage: 'awaiting_review', urgency: 'overdue', reference: 'TICKET-77' });
    expect(overdue[0]!.days_left).toBeLessThan(0);
    expect((await list('--due', '7d')).map((r) => r.request_id)).toEqual([overdue[0]!.request_id]);
    const table = await runCli(['requests', 'list'], env);
    expect(table.stdout).toMatch(/awaiting review .*OVERDUE \d+d/);
    expect(table.stdout).toMatch(new RegExp(`${id} .* sent `));

    // A sent request has nothing to extend; an open one needs a reason.
    const ext = await runCli(['requests', 'extend', id, '--reason', 'late'], env);
    expect(ext.code).toBe(2);
    expect(ext.stderr).toContain('is sent: there is nothing to extend');
    const noReason = await runCli(['requests', 'extend', overdue[0]!.request_id], env);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('--reason');
  }, 240_000);

  it("the README's day, pasted into bash, ends with the answer sent", async () => {
    const m = /<!-- officer-day[^>]*-->\s*```sh\n([\s\S]*?)```/.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    expect(m, 'README.md has the officer-day block').not.toBeNull();
    const cwd = tempDir('zdsar-day-readme-');
    // `npx zdsar` in a clone runs this checkout's bin; the shim does the same without npm.
    const shims = tempDir('zdsar-shims-');
    writeFileSync(join(shims, 'npx'), `#!/bin/sh\n[ "$1" = zdsar ] || { echo "unexpected npx $1" >&2; exit 99; }\nshift\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(shims, 'npx'), 0o755);
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('bash', ['-e', '-c', m![1]!], { cwd, env: { PATH: `${shims}:${process.env.PATH ?? ''}`, HOME: cwd, CI: 'true', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Passphrase for .+\.zip \(shown once, stored nowhere\)/);
    expect(r.stderr).toContain('Recorded: sent by secure email');
    expect(r.stdout).toMatch(/ export +sent +completed /);
    expect(existsSync(join(cwd, 'sandbox.env'))).toBe(false);
    const exports = join(cwd, '.zdsar-sandbox', 'exports');
    const pkg = join(exports, readdirSync(exports)[0]!);
    expect(readdirSync(join(pkg, 'zips')).sort()).toEqual([expect.stringMatching(/\.cover-note\.txt$/), expect.stringMatching(/\.zip$/)]);
  }, 240_000);
});
