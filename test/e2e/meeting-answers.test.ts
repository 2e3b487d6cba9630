/**
 * What the person said in meetings and webinars (issue 28), over real sockets, run as the CLI: for the
 * meetings and webinars they hosted or joined, exactly their own Q&A entries (and answers they gave),
 * poll and survey answers, never anyone else's: not the outsider who typed the same display name under
 * another address, not the entry without an address (counted as unattributable). Transcripts and
 * archived files only of meetings they hosted. The disclosure copy masks who answered their questions.
 * A fault on one meeting's Q&A fails that item only.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerKinds, meetingAnswersFor, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { meetingUuidParam } from '../../src/zoom/route.js';
import { runCli, sandboxEnv, tempDir } from '../helpers/cli.js';
import { readJson, type Rec, type ManifestCategoryView, type ManifestSubjectView } from './export-helpers.js';

type Category = ManifestCategoryView;
type Subject = ManifestSubjectView;

const byUuid = (rows: Rec[]) => {
  const m = new Map<string, Rec[]>();
  for (const r of rows) {
    const k = String((r.meeting as Rec).uuid);
    m.set(k, [...(m.get(k) ?? []), r]);
  }
  return m;
};
const sortJson = (xs: Rec[]) => xs.map((x) => JSON.stringify(x)).sort();

describe('what the person said in meetings and webinars: Q&A, polls, surveys, hosted transcripts', () => {
  let sb: Sandbox;
  let person: { id: string; email: string; name: string };
  let other: { email: string };
  let before: number;
  let firstRun: Sandbox['log'];

  async function exportOf(emails: string[], dirName: string, extra: Record<string, string> = {}): Promise<{ res: Awaited<ReturnType<typeof runCli>>; pkg: string; subjects: Subject[] }> {
    const dir = tempDir(dirName);
    const csv = join(dir, 'people.csv');
    writeFileSync(csv, `Email\n${emails.join('\n')}\n`);
    // Only what these categories need (the meetings-joined list) and the rest left out, to keep the run short.
    const skip = 'chat,sms_messages,voicemail_transcripts,summaries,sign_ins,clips,calendar,scheduler,workspaces,ai_companion,mail,whiteboards,contact_center';
    const res = await runCli(['export', '--csv', csv, '--redact', '--out', join(dir, 'out'), '--skip', skip, '--json'], { ...sandboxEnv(sb), ...extra });
    const out = JSON.parse(res.stdout) as { package: string; manifest: string };
    return { res, pkg: out.package, subjects: readJson<{ subjects: Subject[] }>(out.manifest).subjects };
  }
  let run: Awaited<ReturnType<typeof exportOf>>;

  beforeAll(async () => {
    sb = await startSandbox({ seed: 7, latencyMs: { min: 5, max: 15 } });
    // The active user with the most entries of their own, counting questions asked in other hosts' sessions (so every kind is exercised).
    const active = sb.account.users.filter((u) => u.status === 'active');
    const hostOf = new Map([...sb.account.meetings, ...sb.account.webinars].flatMap((m) => m.instances.map((i) => [i.uuid, m.host_id] as const)));
    const score = (u: { id: string; email: string }) => {
      const a = meetingAnswersFor(sb.account, [u.email]);
      return [...a.qa.keys()].filter((k) => hostOf.get(k) !== u.id).length * 3 + a.polls.size + a.surveys.size + a.answersGiven.size;
    };
    const best = active.map((u) => ({ u, n: score(u) })).sort((x, y) => y.n - x.n)[0]!.u;
    person = { id: best.id, email: best.email, name: best.display_name };
    // The colleague who joined most sessions with them (each such session's results are read once).
    const sessionsOf = (email: string) => new Set([...sb.account.meetings, ...sb.account.webinars].flatMap((m) => m.instances.filter((i) => i.participants.some((p) => p.user_email.toLowerCase() === email.toLowerCase())).map((i) => i.uuid)));
    const mineS = sessionsOf(best.email);
    other = { email: active.filter((u) => u.id !== best.id).map((u) => ({ u, n: [...sessionsOf(u.email)].filter((x) => mineS.has(x)).length })).sort((x, y) => y.n - x.n)[0]!.u.email };
    // Q&A from the reports (which name who answered); the fault run below lets each session take whichever table serves sooner.
    before = sb.log.length;
    run = await exportOf([person.email, other.email, 'guest@nowhere.example'], 'zdsar-answers-', { ZDSAR_PARTICIPANTS_FROM: 'report' });
    firstRun = sb.log.slice(before);
  }, 300_000);
  afterAll(async () => {
    await sb?.close();
  });

  const file = (pkg: string, s: Subject, name: string) => {
    const p = join(pkg, s.path, name);
    return existsSync(p) ? readJson<Rec[]>(p) : [];
  };

  it('the person gets exactly their own Q&A entries, answers given, poll and survey answers of the sessions they hosted or joined', () => {
    expect(run.res.code, run.res.stderr).toBe(0);
    const s = run.subjects[0]!;
    const sessions = file(run.pkg, s, 'meetings_attended.json').map((m) => String(m.uuid));
    expect(sessions.length).toBeGreaterThan(0);
    const fromReport = meetingAnswersFor(sb.account, [person.email], true);
    const fromPast = meetingAnswersFor(sb.account, [person.email], false);
    const qa = byUuid(file(run.pkg, s, 'meeting_qa.json'));
    const polls = byUuid(file(run.pkg, s, 'meeting_polls.json'));
    const surveys = byUuid(file(run.pkg, s, 'meeting_surveys.json'));
    let seen = 0;
    for (const uuid of new Set(sessions)) {
      const got = qa.get(uuid) ?? [];
      // Each session's entries come from one table (whichever served sooner), in that table's shape.
      // (Nothing kept: either shape holds no entry of the person's, and the past lists no answers given.)
      const want = !got[0] || String(got[0].source).startsWith('past_') ? fromPast : fromReport;
      expect(sortJson(got.filter((r) => r.entry).map((r) => r.entry as Rec)), uuid).toEqual(sortJson(want.qa.get(uuid) ?? []));
      expect(sortJson(got.filter((r) => r.answer).map((r) => r.answer as Rec)), uuid).toEqual(sortJson(want.answersGiven.get(uuid) ?? []));
      const pollWant = String(polls.get(uuid)?.[0]?.source ?? 'past_').startsWith('past_') ? fromPast : fromReport;
      expect(sortJson((polls.get(uuid) ?? []).filter((r) => r.entry).map((r) => r.entry as Rec)), uuid).toEqual(sortJson(pollWant.polls.get(uuid) ?? []));
      expect(sortJson((surveys.get(uuid) ?? []).filter((r) => r.entry).map((r) => r.entry as Rec)), uuid).toEqual(sortJson(want.surveys.get(uuid) ?? []));
      seen += (want.qa.get(uuid)?.length ?? 0) + (pollWant.polls.get(uuid)?.length ?? 0) + (want.surveys.get(uuid)?.length ?? 0) + (want.answersGiven.get(uuid)?.length ?? 0);
    }
    expect(seen).toBeGreaterThan(0);
    expect([...qa.values()].flat().some((r) => r.answer)).toBe(true);
    // Every kept record names the address that found it, and it is the person's.
    for (const r of [...qa.values(), ...polls.values(), ...surveys.values()].flat()) if (!r.questions_asked) expect(r.found_by).toBe(person.email.toLowerCase());
    // Nobody else's entry: not the outsider who typed the person's display name, not the entry without an address.
    const all = JSON.stringify([...qa.values(), ...polls.values(), ...surveys.values()].flat().filter((r) => !r.questions_asked));
    expect(all).not.toContain('@elsewhere.example');
    for (const r of [...qa.values(), ...polls.values(), ...surveys.values()].flat()) if (r.entry) expect(String((r.entry as Rec).email).toLowerCase()).toBe(person.email.toLowerCase());
    // The left-out entries are counted and said, the unattributable ones apart (not "no data").
    expect(s.categories.meeting_qa!.status).toBe('done');
    expect(s.categories.meeting_qa!.coverage!.why).toMatch(/entries of other people left out/);
    expect(s.categories.meeting_polls!.coverage!.why).toMatch(/no email address and cannot be attributed/);
    // The other person's file holds none of the person's entries.
    for (const r of file(run.pkg, run.subjects[1]!, 'meeting_qa.json').filter((r) => r.entry)) expect(String((r.entry as Rec).email).toLowerCase()).toBe(other.email.toLowerCase());
  });

  it('each session\'s results are read once per run, however many of the people joined it, the scan for a person without a Zoom user included', () => {
    const reads = firstRun.filter((e) => /\/(qa|polls|survey)$/.test(e.path) && e.status === 200).map((e) => e.path);
    expect(reads.length).toBeGreaterThan(0);
    expect(new Set(reads).size).toBe(reads.length);
    // …and some sessions were joined by both people.
    const joined = (s: Subject) => new Set(file(run.pkg, s, 'meetings_attended.json').map((m) => String(m.uuid)));
    const theirs = joined(run.subjects[1]!);
    expect([...joined(run.subjects[0]!)].filter((u) => theirs.has(u)).length).toBeGreaterThan(0);
    const guest = run.subjects[2]!;
    expect(guest.status).toBe('not_found');
    // The guest's entries are searched in a scan of the account's sessions (test/e2e/outsider-answers.test.ts), through the same once-per-run reads.
    for (const name of ['meeting_qa', 'meeting_polls', 'meeting_surveys']) expect(['done', 'no_data'], name).toContain(guest.categories[name]!.status);
    for (const name of ['meeting_transcripts', 'meeting_archive_files']) expect(guest.categories[name], name).toMatchObject({ status: 'unavailable', reason: 'not_searchable' });
  });

  it('for sessions the person hosted, the poll and survey questions are kept without anyone else\'s answers', () => {
    const s = run.subjects[0]!;
    const asked = [...file(run.pkg, s, 'meeting_polls.json'), ...file(run.pkg, s, 'meeting_surveys.json')].filter((r) => r.questions_asked);
    for (const r of asked) {
      expect((r.meeting as Rec).hosted).toBe(true);
      for (const q of r.questions_asked as Rec[]) expect(Object.keys(q).sort()).toEqual(expect.arrayContaining(['question']));
      expect(JSON.stringify(r)).not.toContain('"answer"');
    }
  });

  it('transcripts and archived files come only from meetings the person hosted; joined meetings\' transcripts are not collected, and the coverage says why', () => {
    const s = run.subjects[0]!;
    const attended = file(run.pkg, s, 'meetings_attended.json');
    const hosted = attended.filter((m) => String(m.user_email).toLowerCase() === person.email.toLowerCase() && ![5, 6, 9].includes(Number(m.type)));
    const instOf = (uuid: string) => [...sb.account.meetings].flatMap((m) => m.instances).find((i) => i.uuid === uuid)!;
    const wantT = hosted.filter((m) => answerKinds(instOf(String(m.uuid)), 'meeting').transcript).map((m) => String(m.uuid)).sort();
    const got = file(run.pkg, s, 'meeting_transcripts.json');
    expect(got.map((r) => String((r.meeting as Rec).uuid)).sort()).toEqual([...new Set(wantT)]);
    for (const r of got) expect((r.transcript as Rec).host_id).toBe(person.id);
    expect(s.categories.meeting_transcripts!.coverage!.why).toMatch(/only joined are not collected/);
    const archived = file(run.pkg, s, 'meeting_archive_files.json');
    for (const r of archived) expect((r.archive as Rec).host_id).toBe(person.id);
    // Only hosted meetings were asked for a transcript.
    const asked = sb.log.filter((e) => /\/v2\/meetings\/[^/]+\/transcript$/.test(e.path));
    expect(asked.length).toBeGreaterThan(0);
  });

  it("the disclosure copy masks who answered the person's questions", () => {
    const s = run.subjects[0]!;
    const copy = readJson<Rec[]>(join(run.pkg, 'disclosure', s.path.replace(/^subjects\//, ''), 'meeting_qa.json'));
    const answerers = new Set<string>();
    for (const r of file(run.pkg, s, 'meeting_qa.json')) {
      for (const d of ((r.entry as Rec | undefined)?.question_details as Rec[] | undefined) ?? []) for (const a of (d.answer_details as Rec[] | undefined) ?? []) if (String(a.email).toLowerCase() !== person.email.toLowerCase()) answerers.add(String(a.email));
    }
    const text = JSON.stringify(copy);
    expect(answerers.size).toBeGreaterThan(0);
    expect(copy.length).toBeGreaterThan(0);
    // Beside an answer the person gave, the question someone else asked is that person's text: masked (the default policy).
    const given = copy.filter((r) => r.answered);
    expect(given.length).toBeGreaterThan(0);
    for (const r of given) expect(String((r.answered as Rec).question)).not.toMatch(/^Question \d/);
    // The person's own answers are theirs: kept.
    expect(copy.some((r) => r.answer && (r.answer as Rec).content !== 'withheld' && String((r.answer as Rec).content).length > 0)).toBe(true);
    for (const e of answerers) expect(text).not.toContain(e);
    expect(text).toContain(person.email.toLowerCase());
  });

  it('a fault on one meeting\'s Q&A fails that item only: its neighbours are collected, the person is partial', async () => {
    const s = run.subjects[0]!;
    const uuid = [...byUuid(file(run.pkg, s, 'meeting_qa.json')).keys()][0]!;
    const meeting = [...sb.account.meetings].find((m) => m.instances.some((i) => i.uuid === uuid));
    const kind = meeting ? 'meetings' : 'webinars';
    const seg = encodeURIComponent(meetingUuidParam(uuid));
    sb.setFaults(`500=always@/v2/past_${kind}/${seg}/qa,500=always@/v2/report/${kind}/${seg}/qa`);
    try {
      const before2 = sb.log.length;
      const again = await exportOf([person.email], 'zdsar-answers-fault-');
      // Only Zoom users asked for: the account's sessions are not scanned (that is for people without a Zoom user).
      expect(sb.log.slice(before2).filter((e) => e.path === '/v2/report/history_meetings')).toEqual([]);
      const s2 = again.subjects[0]!;
      expect(again.res.code).toBe(1);
      expect(s2.status).toBe('partial');
      const qa = s2.categories.meeting_qa!;
      expect(qa.status).toBe('failed');
      expect(qa.coverage!.items!.failed).toBe(1);
      expect(qa.coverage!.items!.named.filter((x) => x.outcome === 'failed').map((x) => x.key)).toEqual([uuid]);
      expect(qa.coverage!.items!.collected).toBeGreaterThan(0);
      expect(s2.categories.meeting_polls!.status).toBe('done');
    } finally {
      sb.setFaults(undefined);
    }
  }, 300_000);
});
