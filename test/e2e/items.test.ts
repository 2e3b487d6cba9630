import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccount, startSandbox, type Sandbox, type SandboxAccount, type SandboxInstance, type SandboxMeeting, type SandboxVoicemail, type SandboxWebinar } from '../../src/sandbox/index.js';
import { runCli, sandboxEnv, tempDir } from '../helpers/cli.js';
import { readJson, type Rec } from './export-helpers.js';

/**
 * Issue 23, "every item accounted for": against a sandbox where, in one person's batches, some items
 * answer Zoom's documented per-item errors, every listed item is collected or named with its outcome.
 */
const ALICE = 'alice.martin@cedarpine.example';
const DAY = 86_400_000;

interface Items {
  collected: number;
  no_data: number;
  gone: number;
  failed: number;
  named: Array<{ key: string; item: string; outcome: string; reason: string; listed?: Rec }>;
}
interface Category {
  status: string;
  note?: string;
  reason?: string;
  error?: string;
  coverage?: { items?: Items };
}
interface Manifest {
  subjects: Array<{ email: string; status: string; path: string; categories: Record<string, Category> }>;
}

type Session = SandboxMeeting | SandboxWebinar;

/** What the test changed in the demo account, to check the export against. */
interface Staged {
  account: SandboxAccount;
  freeHost: Session;
  gone: SandboxInstance;
  slash: SandboxInstance;
  webinars: SandboxInstance[];
  summaryGone: string;
  summaryTrashed: string;
  voicemailGone: string;
  chatGone: string;
}

/** Alice's account, with one item of every outcome in her batches. */
function stage(now: number, o: { legacyBaa: boolean; summaries?: 'caller_cannot_host' }): Staged {
  const account = demoAccount({ seed: 7, now });
  const alice = account.users.find((u) => u.email === ALICE)!;
  const recent = (s: Session) => s.instances.filter((i) => Date.parse(i.start_time) > now - 150 * DAY && i.participants.length >= 2 && i.participants.some((p) => p.user_email === ALICE));
  const joinedMeetings = account.meetings.filter((m) => m.host_id !== alice.id && recent(m).length > 0);
  const webinars = account.webinars.flatMap(recent);
  // 400/200 "Only available for paid account" (per host): a meeting hosted by a free account elsewhere.
  const freeHost = joinedMeetings[0]!;
  freeHost.hostedElsewhere = { accountId: 'ExtFreeAcct1', plan: 'free' };
  // 404/3001: deleted or expired since the report listed it.
  const gone = recent(joinedMeetings[1]!)[0]!;
  gone.gone = true;
  // A UUID with a single "/" inside: the specs' rule encodes it once; a gateway that decodes %2F needs it twice.
  const slash = recent(joinedMeetings[2]!)[0]!;
  slash.uuid = `Ab9/${slash.uuid.replace(/\//g, 'x').slice(4)}`;
  // Summaries: one deleted and one trashed after the account's list named them.
  const mine = account.breadth!.meetingSummaries.filter((s) => s.meeting_host_id === alice.id);
  mine[0]!.state = 'deleted';
  mine[1]!.state = 'trashed';
  if (o.summaries) account.breadth!.summaries = o.summaries;
  // A voicemail and a chat deleted after their lists named them.
  alice.voicemails = [...alice.voicemails];
  const vm = (alice.voicemails as SandboxVoicemail[]).filter((v) => Date.parse(v.date_time) > now - 150 * DAY)[0]!;
  vm.deletedAfterList = true;
  const chat = account.breadth!.chats.find((c) => c.member_ids.includes(alice.id) && c.messages.some((m) => Date.parse(m.date_time) > now - 150 * DAY))!;
  chat.deletedAfterList = true;
  account.legacyBaa = o.legacyBaa;
  return { account, freeHost, gone, slash, webinars, summaryGone: mine[0]!.meeting_uuid, summaryTrashed: mine[1]!.meeting_uuid, voicemailGone: vm.id, chatGone: chat.channel_id ?? '' };
}

async function exportAlice(sb: Sandbox, env: Record<string, string> = {}) {
  const res = await runCli(['export', '--emails', ALICE, '--out', tempDir('zdsar-out-'), '--json'], { ...sandboxEnv(sb), ...env });
  expect(res.stderr).not.toMatch(/unexpected error|TypeError/);
  const pkg = (JSON.parse(res.stdout) as { package: string }).package;
  const manifest = readJson<Manifest>(join(pkg, 'manifest.json'));
  const s = manifest.subjects.find((x) => x.email === ALICE)!;
  return { code: res.code, pkg, s, dir: join(pkg, s.path), html: readFileSync(join(pkg, s.path, 'report.html'), 'utf8') };
}

const named = (c: Category | undefined, outcome: string) => (c?.coverage?.items?.named ?? []).filter((x) => x.outcome === outcome);

describe('every item accounted for (issue 23): one outcome per listed item, decided by its own answer', () => {
  describe("a gateway that decodes path parameters twice; a legacy BAA account (no id, empty emails in the reports)", () => {
    let sb: Sandbox;
    let st: Staged;
    let r: Awaited<ReturnType<typeof exportAlice>>;
    beforeAll(async () => {
      const now = Date.now();
      st = stage(now, { legacyBaa: true });
      sb = await startSandbox({ seed: 7, account: st.account, uuidDecoding: 'gateway' });
      // Every session from the participants reports, whose rows a legacy BAA account leaves without emails.
      r = await exportAlice(sb, { ZDSAR_PARTICIPANTS_FROM: 'report' });
    });
    afterAll(() => sb.close());

    it('attendance: every meeting and webinar listed is collected or named; webinars from the webinar lists; rows matched by participant_user_id', () => {
      expect(r.code).toBe(0);
      expect(r.s.status).toBe('completed');
      const joined = readJson<Rec[]>(join(r.dir, 'meetings_attended.json'));
      const rows = readJson<Rec[]>(join(r.dir, 'attendance.json'));
      const att = r.s.categories.attendance!;
      const items = att.coverage!.items!;
      expect(items.collected + items.no_data + items.gone + items.failed).toBe(new Set(joined.map((m) => m.uuid)).size);
      expect(items.failed).toBe(0);
      const withRows = new Set(rows.map((x) => String((x.meeting as Rec).uuid)));
      const noData = new Set(named(att, 'no_data').map((x) => x.key));
      const gone = new Set(named(att, 'gone').map((x) => x.key));
      for (const m of joined) {
        const uuid = String(m.uuid);
        const freeHosted = st.freeHost.instances.some((i) => i.uuid === uuid);
        if (freeHosted) expect(noData.has(uuid), `free host ${uuid}`).toBe(true);
        else if (uuid === st.gone.uuid) expect(gone.has(uuid)).toBe(true);
        // One item's answer never decides its neighbours': every other session has the person's rows.
        else expect(withRows.has(uuid), `rows of ${uuid}`).toBe(true);
      }
      expect(named(att, 'gone').find((x) => x.key === st.gone.uuid)!.reason).toMatch(/404 code 3001/);
      // Fix 1: webinars the person joined, from the webinar participants lists.
      expect(st.webinars.length).toBeGreaterThan(0);
      for (const w of st.webinars) expect(withRows.has(w.uuid), `webinar ${w.uuid}`).toBe(true);
      expect(rows.filter((x) => String(x.source).includes('webinars/')).length).toBeGreaterThanOrEqual(st.webinars.length);
      // The UUID with one "/" inside works against a gateway that decodes %2F before routing.
      expect(withRows.has(st.slash.uuid)).toBe(true);
      // Fix 6: report rows carry no id and (legacy BAA) an empty email: matched by participant_user_id; registrant_id asked for.
      const fromReport = rows.filter((x) => String(x.source).startsWith('report/'));
      expect(fromReport.length).toBe(rows.length);
      for (const x of fromReport) {
        const p = x.participant as Rec;
        expect(p.id).toBeUndefined();
        expect(p.user_email).toBe('');
        expect(p).toHaveProperty('registrant_id');
      }
    });

    it('summaries: one deleted and one trashed since the list are gone, named, the list row kept; the rest collected', () => {
      const c = r.s.categories.meeting_summaries!;
      expect(c.status).toBe('done');
      const gone = named(c, 'gone');
      expect(gone.map((x) => x.key).sort()).toEqual([st.summaryGone, st.summaryTrashed].sort());
      expect(gone.find((x) => x.key === st.summaryTrashed)!.reason).toMatch(/trash/);
      expect(gone.find((x) => x.key === st.summaryGone)!.listed).toMatchObject({ meeting_uuid: st.summaryGone });
      const got = readJson<Rec[]>(join(r.dir, 'meeting_summaries.json')).map((x) => String(x.meeting_uuid));
      expect(got).not.toContain(st.summaryGone);
      expect(got.length).toBe(c.coverage!.items!.collected);
    });

    it('a voicemail and a chat deleted between list and detail are gone (named), not failures', () => {
      const vm = r.s.categories.phone_voicemail_details!;
      expect(vm.status).toBe('done');
      expect(named(vm, 'gone').map((x) => x.key)).toEqual([st.voicemailGone]);
      const chat = r.s.categories.chat_messages!;
      expect(chat.status).toBe('done');
      expect(named(chat, 'gone')).toHaveLength(1);
      expect(named(chat, 'gone')[0]!.reason).toMatch(/404 code (4130|1001)/);
    });

    it('report.html says each outcome in plain words', () => {
      expect(r.html).toMatch(/\d+ summaries listed: \d+ collected; 2 gone/);
      expect(r.html).toMatch(/in the trash/);
      expect(r.html).toMatch(/meetings and webinars listed: \d+ collected; 1 gone: meeting .*; \d+ with no data: meeting/);
    });
  });

  describe("the docs' literal UUID rule; 400/3161 on the account's summary list", () => {
    let sb: Sandbox;
    let st: Staged;
    let r: Awaited<ReturnType<typeof exportAlice>>;
    beforeAll(async () => {
      const now = Date.now();
      st = stage(now, { legacyBaa: false, summaries: 'caller_cannot_host' });
      sb = await startSandbox({ seed: 7, account: st.account, uuidDecoding: 'literal' });
      r = await exportAlice(sb);
    });
    afterAll(() => sb.close());

    it('a UUID with one "/" inside is encoded once, as the specs say, and its rows come back', () => {
      const rows = readJson<Rec[]>(join(r.dir, 'attendance.json'));
      expect(rows.some((x) => (x.meeting as Rec).uuid === st.slash.uuid)).toBe(true);
      expect(r.s.categories.attendance!.coverage!.items!.failed).toBe(0);
      expect(named(r.s.categories.attendance, 'gone').map((x) => x.key)).toEqual([st.gone.uuid]);
    });

    it("400/3161 on the account's summary list is about the caller, never \"no data\": the person is partial", () => {
      const c = r.s.categories.meeting_summaries!;
      expect(c.status).toBe('unavailable');
      expect(c.reason).toBe('not_permitted');
      expect(c.note).toMatch(/3161/);
      expect(r.s.status).toBe('partial');
      expect(r.code).toBe(1);
    });
  });
});
