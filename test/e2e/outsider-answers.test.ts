/**
 * What a person WITHOUT a Zoom user said in the account's meetings and webinars (issue 28), over real
 * sockets, run as the CLI. Zoom lists the sessions someone joined only per Zoom user, so zdsar scans the
 * account's own sessions (GET /report/history_meetings, the sessions holding Q&A, poll or survey results),
 * reads each one's results once per run for every such person, and keeps only entries made with one of the
 * person's addresses: never the lookalike whose address contains theirs, never someone who typed their
 * display name under another address, never an entry without an address. The disclosure copy masks the
 * others the records name; a fault on one session fails that item only; without the history report's scope
 * the categories say so (unavailable), never "no data".
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerKinds, EV_PEOPLE, meetingAnswersFor, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { meetingUuidParam } from '../../src/zoom/route.js';
import { runCli, sandboxEnv, tempDir } from '../helpers/cli.js';
import { readJson, type Rec, type ManifestCategoryView, type ManifestSubjectView } from './export-helpers.js';

type Category = ManifestCategoryView;
type Subject = ManifestSubjectView;

const { pat: PAT, similar: SIMILAR } = EV_PEOPLE;
const sortJson = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();
// Only these categories and what an outsider always gets, to keep the runs short.
const SKIP = 'chat,sms_messages,voicemail_transcripts,summaries,sign_ins,clips,calendar,scheduler,workspaces,ai_companion,mail,whiteboards,contact_center,zoom_events,visitors,revenue_accelerator,quality_management,meeting_transcripts';

describe('what a person without a Zoom user said in the account\'s meetings and webinars', () => {
  let sb: Sandbox;
  let run: { res: Awaited<ReturnType<typeof runCli>>; pkg: string; subjects: Subject[] };
  let firstRun: Sandbox['log'];
  /** The session PAT joined (sandbox events-visitors.ts addOutsiderToSession). */
  let patSession: string;

  async function exportOf(rows: string[], dirName: string, extra: Record<string, string> = {}, skip = SKIP) {
    const dir = tempDir(dirName);
    const csv = join(dir, 'people.csv');
    writeFileSync(csv, `Email,Phone\n${rows.join('\n')}\n`);
    const res = await runCli(['export', '--csv', csv, '--redact', '--out', join(dir, 'out'), '--skip', skip, '--json'], { ...sandboxEnv(sb), ...extra });
    const out = JSON.parse(res.stdout) as { package: string; manifest: string };
    return { res, pkg: out.package, subjects: readJson<{ subjects: Subject[] }>(out.manifest).subjects };
  }
  const file = (pkg: string, s: Subject, name: string) => {
    const p = join(pkg, s.path, name);
    return existsSync(p) ? readJson<Rec[]>(p) : [];
  };

  beforeAll(async () => {
    sb = await startSandbox({ seed: 11, latencyMs: { min: 2, max: 6 } });
    patSession = sb.account.meetings.flatMap((m) => m.instances).find((i) => i.participants.some((p) => p.user_email === PAT.email))!.uuid;
    const before = sb.log.length;
    // Two people without a Zoom user: PAT (an address and a phone number) and SIMILAR, whose address contains PAT's.
    run = await exportOf([`${PAT.email},${PAT.phone}`, `${SIMILAR.email},`], 'zdsar-outsider-answers-', { ZDSAR_PARTICIPANTS_FROM: 'report' });
    firstRun = sb.log.slice(before);
  }, 300_000);
  afterAll(async () => {
    await sb?.close();
  });

  it('the person gets exactly their own Q&A and poll entries, found by their address; the lookalike, the same-name entry and the entry without an address are kept out', () => {
    expect(run.res.code, run.res.stderr).toBe(0);
    const pat = run.subjects[0]!;
    expect(pat.status).toBe('not_found');
    const want = meetingAnswersFor(sb.account, [PAT.email], true);
    expect([...want.qa.keys()]).toEqual([patSession]);
    expect([...want.polls.keys()]).toEqual([patSession]);
    const qa = file(run.pkg, pat, 'meeting_qa.json');
    const polls = file(run.pkg, pat, 'meeting_polls.json');
    expect(pat.categories.meeting_qa).toMatchObject({ status: 'done' });
    expect(pat.categories.meeting_polls).toMatchObject({ status: 'done' });
    // Zoom's entries unchanged, under `entry`, beside their session and the address that found them.
    expect(sortJson(qa.filter((r) => r.entry).map((r) => r.entry))).toEqual(sortJson(want.qa.get(patSession)!));
    expect(qa.filter((r) => r.answer).map((r) => r.answer)).toEqual(want.answersGiven.get(patSession) ?? []);
    expect(sortJson(polls.map((r) => r.entry))).toEqual(sortJson(want.polls.get(patSession)!));
    for (const r of [...qa, ...polls]) {
      expect(r.found_by).toBe(PAT.email);
      expect((r.meeting as Rec).uuid).toBe(patSession);
      expect(r.questions_asked).toBeUndefined();
    }
    // Never the lookalike (whose address contains PAT's), never the one who typed PAT's name under another address.
    const text = JSON.stringify([...qa, ...polls, ...file(run.pkg, pat, 'meeting_surveys.json')]);
    expect(text).not.toContain(SIMILAR.email);
    expect(text).not.toContain('pat.visitor@elsewhere.example');
    // The coverage says what was scanned and what was left out.
    const why = pat.categories.meeting_qa!.coverage!.why;
    expect(why).toMatch(/scan of the account's meetings and webinars from \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2} that hold Q&A \(\d+ sessions?/);
    expect(why).toMatch(/entries of other people left out/);
    expect(why).toMatch(/no email address and cannot be attributed/);
    expect(pat.categories.meeting_transcripts).toMatchObject({ status: 'unavailable', reason: 'skipped' });
    // SIMILAR gets their own entries of that session, and none of PAT's.
    const sim = run.subjects[1]!;
    const simQa = file(run.pkg, sim, 'meeting_qa.json');
    expect(sortJson(simQa.filter((r) => r.entry).map((r) => r.entry))).toEqual(sortJson(meetingAnswersFor(sb.account, [SIMILAR.email], true).qa.get(patSession) ?? []));
    for (const r of simQa) expect(r.found_by).toBe(SIMILAR.email);
    expect(JSON.stringify(simQa.filter((r) => r.entry).map((r) => (r.entry as Rec).email))).not.toContain(`"${PAT.email}"`);
  });

  it('the account\'s sessions are listed and each one\'s results read once per run for both people', () => {
    const ok = firstRun.filter((e) => e.status === 200);
    const history = ok.filter((e) => e.path === '/v2/report/history_meetings');
    expect(history.length).toBeGreaterThan(0);
    const listed = history.map((e) => `${e.query.from}|${e.query.to}|${e.query.report_type}|${e.query.next_page_token ?? ''}`);
    expect(new Set(listed).size).toBe(listed.length);
    for (const e of history) expect(Date.parse(e.query.to!) - Date.parse(e.query.from!)).toBeLessThanOrEqual(31 * 86_400_000);
    const reads = ok.filter((e) => /\/(qa|polls|survey)$/.test(e.path)).map((e) => e.path);
    expect(new Set(reads).size).toBe(reads.length);
    // Every session of the account that holds Q&A in the scanned window was read for it (once), PAT's among them.
    const w = run.subjects[0]!.categories.meeting_qa!.coverage!;
    const from = Date.parse(w.from!);
    const to = Date.parse(w.to!) + 86_400_000;
    const withQa = [...sb.account.meetings.map((m) => ['meeting', m] as const), ...sb.account.webinars.map((m) => ['webinar', m] as const)].flatMap(([kind, m]) =>
      m.hostedElsewhere ? [] : m.instances.filter((i) => Date.parse(i.start_time) >= from && Date.parse(i.start_time) < to && answerKinds(i, kind).qa),
    );
    expect(withQa.length).toBeGreaterThan(1);
    expect(reads.filter((p) => p.endsWith('/qa')).length).toBe(withQa.length);
    expect(run.subjects[0]!.categories.meeting_qa!.coverage!.items!.collected).toBe(withQa.length);
  });

  it('the disclosure copy masks the other people the records name', () => {
    const pat = run.subjects[0]!;
    const own = file(run.pkg, pat, 'meeting_qa.json');
    const others = new Set<string>();
    for (const r of own) for (const d of ((r.entry as Rec | undefined)?.question_details as Rec[] | undefined) ?? []) for (const a of (d.answer_details as Rec[] | undefined) ?? []) others.add(String(a.email));
    expect(others.size).toBeGreaterThan(0);
    const copy = JSON.stringify(readJson<Rec[]>(join(run.pkg, 'disclosure', pat.path.replace(/^subjects\//, ''), 'meeting_qa.json')));
    for (const e of others) expect(copy).not.toContain(e);
    expect(copy).toContain(PAT.email);
  });

  it('a fault on one session\'s Q&A fails that item only: its neighbours are collected, polls are done', async () => {
    const seg = encodeURIComponent(meetingUuidParam(patSession));
    sb.setFaults(`500=always@/v2/past_meetings/${seg}/qa,500=always@/v2/report/meetings/${seg}/qa`);
    try {
      const again = await exportOf([`${PAT.email},`], 'zdsar-outsider-fault-');
      const s = again.subjects[0]!;
      expect(again.res.code).toBe(1);
      const qa = s.categories.meeting_qa!;
      expect(qa.status).toBe('failed');
      expect(qa.coverage!.items!.failed).toBe(1);
      expect(qa.coverage!.items!.named.filter((x) => x.outcome === 'failed').map((x) => x.key)).toEqual([patSession]);
      expect(qa.coverage!.items!.collected).toBeGreaterThan(0);
      expect(s.categories.meeting_polls!.status).toBe('done');
      expect(file(again.pkg, s, 'meeting_polls.json').length).toBeGreaterThan(0);
    } finally {
      sb.setFaults(undefined);
    }
  }, 300_000);

  it('without the scope of Zoom\'s history report the categories say so (unavailable), never "no data"', async () => {
    const scopes = [...sb.account.scopes];
    sb.account.scopes = scopes.filter((x) => x !== 'report:read:list_history_meetings:admin' && x !== 'report:read:admin');
    try {
      const again = await exportOf([`${PAT.email},`], 'zdsar-outsider-scope-');
      const s = again.subjects[0]!;
      for (const name of ['meeting_qa', 'meeting_polls', 'meeting_surveys']) {
        expect(s.categories[name], name).toMatchObject({ status: 'unavailable', reason: 'not_granted' });
        expect(s.categories[name]!.note).toMatch(/report:read:list_history_meetings:admin/);
      }
      expect(again.res.stderr).not.toContain(PAT.email);
    } finally {
      sb.account.scopes = scopes;
    }
  }, 300_000);

  it('--skip meeting_answers leaves the scan out: nothing of it is sent to Zoom', async () => {
    const before = sb.log.length;
    const again = await exportOf([`${PAT.email},`], 'zdsar-outsider-skip-', {}, `${SKIP},meeting_answers`);
    expect(again.res.code, again.res.stderr).toBe(0);
    for (const name of ['meeting_qa', 'meeting_polls', 'meeting_surveys']) expect(again.subjects[0]!.categories[name], name).toMatchObject({ status: 'unavailable', reason: 'skipped' });
    expect(sb.log.slice(before).filter((e) => e.path === '/v2/report/history_meetings' || /\/(qa|polls|survey)$/.test(e.path))).toEqual([]);
  }, 300_000);
});
