/**
 * Issue 23: with --with-files, every file a category lists is an item (items.ts) and ends in exactly one
 * outcome, counted in that category's coverage (`files`, the shape of `items`) and worded in report.html.
 * One export of one Phone user, run as the CLI against the sandbox over real sockets:
 * - a cloud recording file and a call recording deleted after their lists named them (the sandbox's
 *   `fileGone`: 404 at the file's URL; 400 code 404 "File does not exist" at the Phone download) → gone, named;
 * - the voicemail downloads failing (fault injection: 500 on every try) → failed, the category failed, the person partial;
 * - a resume asks again only for the failed files: the collected ones are not downloaded again while their
 *   size and sha256 match what the run recorded (one changed on disk is), and the gone ones are not asked again.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxUser } from '../../src/sandbox/index.js';
import { runCli, sandboxEnv, tempDir, type CliResult } from '../helpers/cli.js';
import { readJson, sha256 } from './export-helpers.js';

const DAY = 86_400_000;
const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface Tally {
  collected: number;
  no_data: number;
  gone: number;
  failed: number;
  named: Array<{ key: string; item: string; outcome: string; reason: string }>;
  of?: string;
}
interface Category {
  status: string;
  note?: string;
  error?: string;
  coverage?: { files?: Tally };
}
interface Manifest {
  request_id: string;
  subjects: Array<{ email: string; status: string; path: string; categories: Record<string, Category>; files: Array<{ path: string; sha256: string; bytes: number }> }>;
}

describe('downloaded files are items (issue 23)', () => {
  let sb: Sandbox;
  let env: Record<string, string>;
  let first: CliResult;
  let pkg: string;
  let m1: Manifest;
  let user: SandboxUser;
  let goneFileId: string;
  let gonePhoneId: string;
  const now = Date.now();

  beforeAll(async () => {
    sb = await startSandbox({ seed: 7, latencyMs: { min: 1, max: 3 }, onWarning: () => {} });
    user = sb.account.users.find((u) => u.phone && [...u.voicemails].some((v) => Date.parse(v.date_time) > now - 40 * DAY) && [...u.phoneRecordings].some((r) => Date.parse(r.date_time) > now - 40 * DAY) && [...u.recordings].some((r) => Date.parse(r.start_time) > now - 40 * DAY && r.recording_files.length > 1))!;
    // Materialised, so that the marks below stay on the records the routes read.
    user.recordings = [...user.recordings];
    user.phoneRecordings = [...user.phoneRecordings];
    const rec = [...user.recordings].find((r) => Date.parse(r.start_time) > now - 40 * DAY && r.recording_files.length > 1)!;
    rec.recording_files[0]!.fileGone = true;
    goneFileId = rec.recording_files[0]!.id;
    const call = [...user.phoneRecordings].find((r) => Date.parse(r.date_time) > now - 40 * DAY)!;
    call.fileGone = true;
    gonePhoneId = call.id;
    sb.reindex();
    sb.setFaults('500=always@/v2/phone/voice_mails/download/');

    env = sandboxEnv(sb);
    first = await runCli(['export', '--emails', user.email, '--from', ymd(now - 45 * DAY), '--with-files', '--out', tempDir('zdsar-file-items-'), '--json'], env);
    pkg = (JSON.parse(first.stdout) as { package: string }).package;
    m1 = readJson<Manifest>(join(pkg, 'manifest.json'));
  }, 240_000);
  afterAll(() => sb.close());

  it('counts every file in its category: collected, gone (named, why) and failed; a failed file fails the category and the person is partial', () => {
    expect(first.code, first.stderr).toBe(1);
    const s = m1.subjects[0]!;
    expect(s.status).toBe('partial');

    const recordings = s.categories.recordings!;
    expect(recordings.status).toBe('done');
    const rf = recordings.coverage!.files!;
    expect(rf.of).toBe('files');
    expect(rf.gone).toBe(1);
    expect(rf.failed).toBe(0);
    expect(rf.collected).toBeGreaterThan(0);
    expect(rf.named).toHaveLength(1);
    expect(rf.named[0]!.item).toMatch(new RegExp(`^files/recordings/\\d{4}-${goneFileId}\\.`));
    expect(rf.named[0]!.reason).toMatch(/deleted since it was listed/);
    // Every collected file, and only those, is in the package.
    const listed = s.files.filter((f) => f.path.startsWith(`${s.path}/files/recordings/`));
    expect(listed).toHaveLength(rf.collected);

    const calls = s.categories.phone_recordings!.coverage!.files!;
    expect(calls.gone).toBe(1);
    expect(calls.named[0]!.item).toContain(gonePhoneId);
    expect(calls.named[0]!.reason).toMatch(/File does not exist/);

    const vm = s.categories.phone_voicemails!;
    expect(vm.status).toBe('failed');
    expect(vm.coverage!.files!.failed).toBeGreaterThan(0);
    expect(vm.coverage!.files!.collected).toBe(0);
    expect(vm.error).toMatch(/could not be downloaded.*resuming asks again for those only/);
  });

  it('says it in report.html', () => {
    const s = m1.subjects[0]!;
    const html = readFileSync(join(pkg, s.path, 'report.html'), 'utf8');
    // (Asserted as booleans: the page is too long to print.)
    expect(/files listed: \d+ collected; 1 gone: files\/recordings\/[^ ]+ \(deleted since it was listed/.test(html), 'gone file named in the report').toBe(true);
    expect(html.includes(goneFileId)).toBe(true);
    expect(/files could not be downloaded/.test(html), 'failed files said in the report').toBe(true);
  });

  it('a resume asks again only for the failed files; a recorded file is kept while it checks, and downloaded again when it does not', async () => {
    const s = m1.subjects[0]!;
    const recFiles = s.files.filter((f) => f.path.includes('/files/recordings/'));
    expect(recFiles.length).toBeGreaterThan(1);
    // One collected file changed on disk (same size, other bytes): it no longer checks against the run's record.
    const changed = recFiles[0]!;
    const bytes = readFileSync(join(pkg, changed.path));
    bytes[0] = bytes[0]! ^ 0xff;
    writeFileSync(join(pkg, changed.path), bytes);

    sb.setFaults(undefined);
    const before = sb.log.length;
    const res = await runCli(['requests', 'resume', m1.request_id, '--json'], env);
    expect(res.code, res.stderr).toBe(0);
    const log = sb.log.slice(before);
    const failedVoicemails = m1.subjects[0]!.categories.phone_voicemails!.coverage!.files!.failed;
    expect(log.filter((e) => e.path.startsWith('/v2/phone/voice_mails/download/'))).toHaveLength(failedVoicemails);
    // The gone call recording is not asked again, nor any collected file but the changed one.
    expect(log.filter((e) => e.path.startsWith('/v2/phone/recording/download/'))).toHaveLength(0);
    expect(log.filter((e) => e.path.startsWith('/rec/download/'))).toHaveLength(1);
    expect(log.filter((e) => e.path.startsWith('/file/download/') || e.path.startsWith('/v2/chat/files/download/'))).toHaveLength(0);

    const m2 = readJson<Manifest>(join(pkg, 'manifest.json'));
    const s2 = m2.subjects[0]!;
    expect(s2.status).toBe('completed');
    const vm = s2.categories.phone_voicemails!;
    expect(vm.status).toBe('done');
    expect(vm.coverage!.files).toMatchObject({ collected: failedVoicemails, failed: 0, gone: 0 });
    // What the first run settled stays settled: the same counts, the same names.
    expect(s2.categories.recordings!.coverage!.files).toEqual(s.categories.recordings!.coverage!.files);
    expect(s2.categories.phone_recordings!.coverage!.files).toEqual(s.categories.phone_recordings!.coverage!.files);
    // The changed file was fetched again: it is Zoom's file again.
    expect(sha256(join(pkg, changed.path))).toBe(changed.sha256);
    expect(s2.files.find((f) => f.path === changed.path)!.sha256).toBe(changed.sha256);
  }, 240_000);
});
