/**
 * The fault suite, part 2 (faults.test.ts has part 1; split so the two run in parallel): an export against a sandbox that misbehaves the way Zoom does.
 * For each fault the export either finishes with every record exactly once, or stops cleanly:
 * exit 1, a message that says what happened and when to resume, a resumable request, and a
 * resumed run that completes. Every run is bounded: a hang fails the "hung" assertion.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runCli, sandboxEnv, tempDir } from '../helpers/cli.js';
import { ALICE, BOUND_MS, TEST_MS, expectClean, expectEveryRecordExactlyOnce, exportWith, manifestOf, runBounded, HEAVY, startHeavySandbox } from './helpers.js';

describe('fault injection: a clean, resumable stop', { timeout: TEST_MS }, () => {
  let sb: Sandbox;
  beforeAll(async () => {
    // These faults carry Retry-After (Zoom sends it on some daily limits; it documents no headers, so the strict sandbox sends them only when asked).
    sb = await startSandbox({ seed: 12, latencyMs: { min: 2, max: 12 }, rateLimitHeaders: true });
  });
  afterAll(async () => {
    await sb.close();
  });

  it("a daily-limit 429 stops that category: exit 1, says the limit and when to resume; resume completes exactly once", async () => {
    const { res, env, summary } = await exportWith(sb, 'daily429=once@/v2/report');
    expectClean(res);
    expect(res.code).toBe(1);
    const id = summary!.request_id;
    const errors = summary!.subjects.flatMap((s) => s.errors);
    expect(errors.length).toBeGreaterThan(0);
    // Every Heavy report stops: the meetings joined, and what depends on them or is Heavy too (attendance, the
    // sessions' Q&A, polls and surveys, sign-ins, Zoom Events' attendance report).
    expect(errors.map((e) => e.category)).toContain('meetings_attended');
    const needs = (x: { message: string }) => /^needs /.test(x.message);
    for (const e of errors.filter(needs)) expect(e.message).toMatch(/resuming tries again/);
    for (const e of errors.filter((x) => !needs(x))) {
      expect(['meetings_attended', 'attendance', 'meeting_qa', 'meeting_polls', 'meeting_surveys', 'meeting_transcripts', 'meeting_archive_files', 'sign_ins', 'events_attendance']).toContain(e.category);
      expect(e.message).toMatch(/daily rate limit/);
      expect(e.message).toMatch(/zdsar requests resume.* after \d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    }
    // The human-readable form says the same on stderr (without --json).
    const show = await runCli(['requests', 'show', id, '--json'], env);
    expect((JSON.parse(show.stdout) as { status: string }).status).toBe('partial');
    const m = manifestOf(summary!.package);
    expect(m.subjects.find((s) => s.email === ALICE)!.categories.meetings_attended!.status).toBe('failed');

    sb.setFaults(undefined);
    const before = sb.log.length;
    const resumed = await runBounded(['requests', 'resume', id], env, BOUND_MS);
    expectClean(resumed);
    expect(resumed.code, resumed.stderr).toBe(0);
    const again = sb.log.slice(before);
    // Only what failed is fetched again: no meetings list, no phone history.
    expect(again.filter((e) => /^\/v2\/users\/[^/]+\/meetings$/.test(e.path))).toEqual([]);
    expect(again.filter((e) => e.path.endsWith('/call_history'))).toEqual([]);
    expect(again.some((e) => e.path.startsWith('/v2/report/'))).toBe(true);
    expectEveryRecordExactlyOnce(sb, summary!.package);
  });

  it('a daily-limit 429 without --json: stderr names the limit, the time, and the resume command', async () => {
    sb.setFaults('daily429=once:2@/v2/report');
    const env = sandboxEnv(sb);
    const res = await runBounded(['export', '--emails', ALICE, '--out', tempDir('zdsar-fault-out-')], env, BOUND_MS);
    expectClean(res);
    expect(res.code).toBe(1);
    const id = /zdsar requests resume (r-[\w-]+)/.exec(res.stderr)?.[1];
    expect(id, res.stderr).toBeDefined();
    expect(res.stderr).toMatch(/daily rate limit .*after \d{4}-\d{2}-\d{2}T/);
    // Retry-After was two hours away: the run did not sit through it.
    const when = /after (\d{4}-\d{2}-\d{2}T[\d:.]+Z)/.exec(res.stderr)![1]!;
    expect(Date.parse(when) - Date.now()).toBeGreaterThan(60 * 60_000);
    sb.setFaults(undefined);
  });

  it('every answer times out: bounded retries, visible waits, then a clean partial stop; resume completes', async () => {
    const alice = sb.account.users.find((u) => u.email === ALICE)!;
    const { res, env, summary } = await exportWith(sb, `slow=always:2000@/v2/phone/users/${alice.id}/voice_mails`, { ZDSAR_HTTP_TIMEOUT_MS: '200' }, ALICE);
    expectClean(res);
    expect(res.code).toBe(1);
    const errors = summary!.subjects[0]!.errors;
    // The voicemails failed, and so did their transcripts, which are read from them.
    expect(errors.map((e) => e.category)).toEqual(['phone_voicemails', 'phone_voicemail_details']);
    expect(errors[0]!.message).toMatch(/timeout|timed out/i);
    expect(errors[1]!.message).toMatch(/needs Voicemails, which could not be collected; resuming tries again/);
    // Waits of two seconds or more are announced, not silent.
    expect(res.stderr).toMatch(/retrying in \d+s/);
    sb.setFaults(undefined);
    const resumed = await runBounded(['requests', 'resume', summary!.request_id], env, BOUND_MS);
    expectClean(resumed);
    expect(resumed.code, resumed.stderr).toBe(0);
    expectEveryRecordExactlyOnce(sb, join(summary!.package));
  });
});

describe('a page token that always expires', { timeout: TEST_MS }, () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startHeavySandbox();
  });
  afterAll(async () => {
    await sb.close();
  });

  it('a page token that always expires: a clean partial stop naming the list, then resume completes', async () => {
    const heavy = sb.account.users.find((u) => u.email === HEAVY)!;
    const { res, env, summary } = await exportWith(sb, `pagetokenexpire=always@/v2/users/${heavy.id}/meetings`, {}, HEAVY);
    expectClean(res);
    expect(res.code).toBe(1);
    const errors = summary!.subjects[0]!.errors;
    expect(errors.map((e) => e.category)).toEqual(['meetings']);
    expect(errors[0]!.message).toMatch(/page token/i);
    sb.setFaults(undefined);
    const resumed = await runBounded(['requests', 'resume', summary!.request_id], env, BOUND_MS);
    expectClean(resumed);
    expect(resumed.code, resumed.stderr).toBe(0);
    expectEveryRecordExactlyOnce(sb, summary!.package);
  });
});
