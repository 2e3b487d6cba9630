/**
 * Issue #13, items 1 to 9: the client against the strict sandbox (Zoom's specs, not the client's
 * assumptions), over real sockets. The CLI runs as a child process where the outcome is what a user
 * sees (statuses, exit codes, the package); in-process where the test must control the clock.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSubject, withinSixMonths, type CategoryResult, type CollectEnv } from '../../src/dsar/collect.js';
import { findRegistrations } from '../../src/registrants/find.js';
import { DATA_REQUEST_SCOPES, generateAccount, startSandbox, type Sandbox, type SandboxRegistrant } from '../../src/sandbox/index.js';
import { GENERATED_SCOPES } from '../../src/sandbox/generate.js';
import { isTrashed } from '../../src/sandbox/routes/recordings.js';
import { meetingTypes } from '../../src/sandbox/routes/meetings.js';
import { Secret } from '../../src/secrets.js';
import { ZoomClient } from '../../src/zoom/client.js';
import { ZoomRateLimitError } from '../../src/zoom/errors.js';
import { listCallHistory } from '../../src/zoom/endpoints/access.js';
import { route } from '../../src/zoom/route.js';
import { IDENTITY_FLAGS, runCli, sandboxEnv, tempDir } from '../helpers/cli.js';

type Rec = Record<string, unknown>;
const DAY = 86_400_000;
const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const read = <T = Rec[]>(p: string) => JSON.parse(readFileSync(p, 'utf8')) as T;
const ids = (list: Rec[], key = 'id') => new Set(list.map((r) => String(r[key])));

interface Manifest {
  subjects: Array<{ email: string; status: string; path: string; range?: { from: string; to: string }; categories: Record<string, CategoryResult> }>;
}
interface Summary {
  status: string;
  package: string;
  subjects: Array<{ email: string; status: string; path: string }>;
}

async function exportPeople(sb: Sandbox, emails: string[], extra: string[] = []) {
  const res = await runCli(['export', '--emails', emails.join(','), '--out', tempDir('zdsar-fid-out-'), '--json', ...extra], sandboxEnv(sb));
  const summary = JSON.parse(res.stdout) as Summary;
  const manifest = read<Manifest>(join(summary.package, 'manifest.json'));
  const subject = (email: string) => {
    const s = manifest.subjects.find((x) => x.email === email.toLowerCase())!;
    return { ...s, dir: join(summary.package, s.path) };
  };
  return { res, summary, manifest, subject };
}

function clientFor(sb: Sandbox, plan: 'free' | 'pro' | 'business' = 'business'): ZoomClient {
  return new ZoomClient({
    credentials: { accountId: sb.credentials.accountId, clientId: sb.credentials.clientId, clientSecret: new Secret(sb.credentials.clientSecret), apiUrl: sb.apiUrl, oauthUrl: sb.oauthUrl },
    plan,
    dispatcher: new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 }),
    timeoutMs: 5000,
  });
}

describe('issue 13: the client against the strict sandbox', () => {
  let sb: Sandbox;
  let all: Awaited<ReturnType<typeof exportPeople>>;
  const CHEN = 'chen.wei@cedarpine.example';
  const ALICE = 'alice.martin@cedarpine.example';
  const DANA = 'dana.okafor@cedarpine.example';
  const user = (email: string) => sb.account.users.find((u) => u.email.toLowerCase() === email)!;

  beforeAll(async () => {
    sb = await startSandbox({ seed: 11, onWarning: () => {} });
    all = await exportPeople(sb, [ALICE, CHEN, DANA]);
  }, 180_000);
  afterAll(() => sb.close());

  it('item 1: a person whose login type changed 60 days ago gets every record, from user_created_at', () => {
    const chen = user(CHEN);
    expect(chen.login_type_created_at).toBeDefined();
    expect(Date.parse(chen.login_type_created_at!)).toBeGreaterThan(Date.parse(chen.created_at) + 300 * DAY);
    expect(all.res.code, all.res.stderr).toBe(0);
    const s = all.subject(CHEN);
    expect(s.status).toBe('completed');
    expect(s.range!.from).toBe(chen.created_at.slice(0, 10)); // user_created_at, not the login type's date
    const recs = [...chen.recordings];
    // The records older than the login-type change are the ones a history from created_at would lose.
    expect(recs.filter((r) => Date.parse(r.start_time) < Date.parse(chen.login_type_created_at!)).length).toBeGreaterThan(5);
    const got = new Set([...ids(read(join(s.dir, 'cloud_recordings.json')), 'uuid'), ...(existsSync(join(s.dir, 'cloud_recordings_trash.json')) ? ids(read(join(s.dir, 'cloud_recordings_trash.json')), 'uuid') : [])]);
    expect(got).toEqual(new Set(recs.map((r) => r.uuid)));
    expect(ids(read(join(s.dir, 'phone_call_history.json')))).toEqual(new Set([...chen.calls].map((c) => c.id)));
    expect(ids(read(join(s.dir, 'phone_voicemails.json')))).toEqual(new Set([...chen.voicemails].map((c) => c.id)));
    expect(s.categories.recordings!.coverage).toMatchObject({ from: chen.created_at.slice(0, 10), why: expect.stringContaining('user_created_at') });
  });

  it('item 4: the trash is listed without dates, both trash_type values', () => {
    const alice = user(ALICE);
    const trashCalls = sb.log.filter((e) => e.path === `/v2/users/${alice.id}/recordings` && e.query.trash === 'true');
    expect(new Set(trashCalls.map((e) => e.query.trash_type))).toEqual(new Set(['meeting_recordings', 'recording_file']));
    for (const e of trashCalls) expect(e.query.from ?? e.query.to).toBeUndefined();
    const s = all.subject(ALICE);
    const trash = read(join(s.dir, 'cloud_recordings_trash.json'));
    const whole = [...alice.recordings].filter((r) => isTrashed(r, Date.now())).map((r) => r.uuid);
    expect(whole.length).toBeGreaterThan(0);
    for (const u of whole) expect(ids(trash, 'uuid')).toContain(u);
    expect(trash.length).toBeGreaterThan(whole.length); // single files in the trash too (trash_type=recording_file)
    expect(s.categories.recordings_trash!.coverage?.why).toMatch(/cannot be filtered by date/);
  });

  it('item 6: 404 code 3301 is "no data" with its reason; the categories say so', () => {
    const s = all.subject(DANA);
    expect(s.categories.recordings).toMatchObject({ status: 'no_data', note: expect.stringContaining('3301') });
    expect(s.status).toBe('completed');
  });

  it('item 8: SMS conversations over the whole history, not cut to six months', () => {
    const chen = user(CHEN);
    const s = all.subject(CHEN);
    const sessions = read(join(s.dir, 'phone_sms_sessions.json'));
    expect(ids(sessions, 'session_id')).toEqual(new Set(chen.smsSessions.map((x) => x.session_id)));
    const old = chen.smsSessions.filter((x) => Date.parse(x.last_access_time) < Date.now() - 200 * DAY);
    expect(old.length).toBeGreaterThan(0);
    expect(s.categories.phone_sms!.coverage).toMatchObject({ from: chen.created_at.slice(0, 10) });
  });

  it('item 9: meetings the lists cannot return are named, with the way to get them (--zoom-export)', () => {
    const chen = user(CHEN);
    const s = all.subject(CHEN);
    const listed = ids(read(join(s.dir, 'meetings.json')));
    const unlisted = sb.account.meetings.filter((m) => m.host_id === chen.id && meetingTypes(m, Date.now()).size === 0).map((m) => String(m.id));
    for (const id of unlisted) expect(listed.has(id)).toBe(false);
    const recorded = ids(read(join(s.dir, 'cloud_recordings.json')));
    const missing = unlisted.filter((id) => recorded.has(id));
    expect(missing.length).toBeGreaterThan(0);
    expect(s.categories.meetings!.coverage!.not_reached).toEqual(expect.arrayContaining(missing));
    expect(s.categories.meetings!.note).toMatch(/--zoom-export/);
    const report = readFileSync(join(s.dir, 'report.html'), 'utf8');
    expect(report).toContain('--zoom-export');
    // Instant meetings are never listed.
    for (const m of sb.account.meetings.filter((x) => x.host_id === chen.id && x.type === 1)) expect(listed.has(String(m.id))).toBe(false);
  });

  it('item 5: a per-user daily 429 fails that person\'s category only; everyone else goes on', async () => {
    const chen = user(CHEN);
    sb.setFaults(`userdaily429=always@/v2/users/${chen.id}/recordings`);
    try {
      const r = await exportPeople(sb, [CHEN, ALICE]);
      expect(r.res.code).toBe(1);
      const c = r.subject(CHEN);
      expect(c.status).toBe('partial');
      expect(c.categories.recordings).toMatchObject({ status: 'failed', error: expect.stringMatching(/daily limit for this one user/) });
      const a = r.subject(ALICE);
      expect(a.status).toBe('completed');
      expect(a.categories.recordings!.status).toBe('done');
      // The strict sandbox sent no rate-limit header; the client needed none.
      expect(r.res.stderr).not.toMatch(/unexpected error/);
    } finally {
      sb.setFaults(undefined);
    }
  }, 120_000);

  it('item 6: a Phone 400/300 "Invalid user id" or 404 "Site does not exist" is a failure, not "no Zoom Phone"', async () => {
    const chen = user(CHEN);
    const alice = user(ALICE);
    chen.phoneError = { status: 400, code: 300, message: 'Invalid user id.' };
    alice.phoneError = { status: 404, code: 404, message: 'Site does not exist.' };
    try {
      const r = await exportPeople(sb, [CHEN, ALICE]);
      expect(r.res.code).toBe(1);
      for (const e of [CHEN, ALICE]) {
        const s = r.subject(e);
        expect(s.status).toBe('partial');
        expect(s.categories.phone_profile!.status).toBe('failed');
        expect(s.categories.phone_profile!.error).toMatch(/Invalid user id|Site does not exist/);
      }
    } finally {
      delete chen.phoneError;
      delete alice.phoneError;
    }
  }, 120_000);
});

describe('issue 13: plans, tables and clocks', () => {
  it('item 6: on a free account the report answers "only available for paid account": no data, with the reason', async () => {
    const sb = await startSandbox({ plan: 'free', seed: 5, onWarning: () => {} });
    try {
      const env = { ...sandboxEnv(sb), ZDSAR_PLAN: 'free' };
      const res = await runCli(['export', '--emails', 'bruno.costa@cedarpine.example', '--out', tempDir('zdsar-fid-out-'), '--json'], env);
      expect(res.code, res.stderr).toBe(0);
      const summary = JSON.parse(res.stdout) as Summary;
      const m = read<Manifest>(join(summary.package, 'manifest.json'));
      expect(m.subjects[0]!.categories.meetings_attended).toMatchObject({ status: 'no_data', note: expect.stringMatching(/paid accounts only/) });
    } finally {
      await sb.close();
    }
  }, 120_000);

  it('item 2: Zoom Phone is paced on its own table; a Phone 429 leaves the main API\'s pace alone', async () => {
    const sb = await startSandbox({ seed: 5, onWarning: () => {} });
    const client = clientFor(sb);
    try {
      const alice = sb.account.users.find((u) => u.email.startsWith('alice'))!;
      // The Phone gates carry Phone's Business+ table, apart from the main API's.
      expect(client.limiter.gateFor(route('GET', '/phone/users/{userId}/call_history', { userId: 'x' })).limit.limit).toBe(20);
      expect(client.limiter.gateFor(route('GET', '/users/{userId}/recordings', { userId: 'x' })).limit.limit).toBe(60);
      // 'once': the first call-history request draws a 429 whatever the day (a rate depended on how many pages the last 20 days make).
      sb.setFaults({ rules: [{ kind: '429', rate: 'once', scope: `/v2/phone/users/${alice.id}/call_history` }] });
      const w = { from: ymd(Date.now() - 20 * DAY), to: ymd(Date.now()) };
      const calls: Rec[] = [];
      for await (const c of listCallHistory(client, alice.id, w)) calls.push(c);
      const main = [];
      for (let i = 0; i < 5; i++) main.push(await client.get(route('GET', '/users/{userId}', { userId: alice.id })));
      expect(main).toHaveLength(5);
      const phoneGate = client.limiter.gate('medium', 'phone');
      expect(phoneGate.throttled).toBeGreaterThan(0);
      for (const g of Object.values(client.limiter.gates)) {
        expect(g.throttled).toBe(0);
      }
      expect(client.limiter.gate('light').granted).toBeGreaterThanOrEqual(5);
      expect(client.limiter.gate('light', 'phone').granted).toBe(0);
      // The sandbox counts Phone on its own table too: a client pacing Phone Medium at the main API's
      // rate draws 429s that Phone's 20/s table explains.
      sb.setFaults(undefined);
      const raw = clientFor(sb);
      raw.limiter.phoneGates.medium.limit = { limit: 1000, windowMs: 1000 }; // a client that ignores Phone's table
      const before = sb.log.length;
      await Promise.allSettled(Array.from({ length: 60 }, () => raw.get(route('GET', '/phone/users/{userId}/voice_mails', { userId: alice.id }), { from: w.from, to: w.to })));
      expect(sb.log.slice(before).filter((e) => e.status === 429).length).toBeGreaterThan(0);
      await raw.close();
    } finally {
      await client.close();
      await sb.close();
    }
  }, 60_000);

  it('item 3: six-month windows are recomputed on every run (a resumed one too), with a margin, and nothing is refused', async () => {
    // Month-end arithmetic: six months before 31 August is 28 February (clamped) or 3 March (rolled over); two days of margin inside the later.
    expect(withinSixMonths({ from: '2020-01-01', to: '2026-08-31' }, Date.UTC(2026, 7, 31, 23))).toEqual({ from: '2026-03-05', to: '2026-08-31' });
    expect(withinSixMonths({ from: '2026-07-01', to: '2026-08-31' }, Date.UTC(2026, 7, 31))).toEqual({ from: '2026-07-01', to: '2026-08-31' });
    expect(withinSixMonths({ from: '2020-01-01', to: '2020-02-01' }, Date.UTC(2026, 7, 31))).toBeUndefined();

    // The sandbox's clock runs (its rate windows need time to pass), shifted by what the test moves it.
    let shift = 0;
    const sb = await startSandbox({ seed: 5, clock: () => Date.now() + shift, onWarning: () => {} });
    const at = () => Date.now() + shift;
    const client = clientFor(sb);
    try {
      const alice = sb.account.users.find((u) => u.email.startsWith('alice'))!;
      const dir = mkdtempSync(join(tmpdir(), 'zdsar-fid-'));
      const work = mkdtempSync(join(tmpdir(), 'zdsar-fid-work-'));
      const settled: Record<string, CategoryResult> = {};
      const env = (at: number): CollectEnv => ({
        client,
        limit: pLimit(8),
        signal: new AbortController().signal,
        today: ymd(Date.now()), // fixed when the request was accepted
        range: {},
        settled,
        now: () => at,
        progress: async (name, r) => {
          if (r.status === 'done' || r.status === 'no_data' || r.status === 'failed') settled[name] = r as CategoryResult;
        },
      });
      // First run: the call history fails (Zoom was down for it); everything else is saved.
      sb.setFaults(`userdaily429=always@/v2/phone/users/${alice.id}/call_history`);
      const first = await collectSubject(env(at()), alice.email, dir, work);
      expect(first.categories.phone_call_history!.status).toBe('failed');
      for (const k of Object.keys(settled)) if (settled[k]!.status === 'failed') delete settled[k];
      // Resumed 40 days later: the six months are counted from the day it runs, not the day it was accepted.
      sb.setFaults(undefined);
      shift += 40 * DAY;
      const before = sb.log.length;
      const runAt = at();
      const second = await collectSubject(env(runAt), alice.email, dir, work);
      const cov = second.categories.phone_call_history!.coverage!;
      expect(second.categories.phone_call_history!.status).toBe('done');
      expect(cov).toMatchObject({ from: withinSixMonths({ from: '2000-01-01', to: ymd(Date.now()) }, runAt)!.from, limit: 'zoom' });
      expect(cov.why).toMatch(/six months/);
      const refused = sb.log.slice(before).filter((e) => e.status === 400);
      expect(refused).toEqual([]);
    } finally {
      await client.close();
      await sb.close();
    }
  }, 60_000);

  it('item 7: the registrant search says what it could see, and reaches sessions Zoom\'s lists no longer return', async () => {
    // The sandbox's clock runs (its rate windows need time to pass), shifted by what the test moves it.
    let shift = 0;
    const sb = await startSandbox({ seed: 5, clock: () => Date.now() + shift, onWarning: () => {} });
    const at = () => Date.now() + shift;
    const client = clientFor(sb);
    const home = tempDir('zdsar-fid-home-');
    try {
      const alice = sb.account.users.find((u) => u.email.startsWith('alice'))!;
      const m = sb.account.meetings.find((x) => x.host_id === alice.id && x.type === 2 && x.registrants.length === 0 && !x.occurrences?.length)!;
      m.start_time = new Date(at() - 150 * DAY).toISOString();
      m.approval_type = 0;
      const who = 'old.registrant@example.org';
      const reg: SandboxRegistrant = { id: 'sbxOldReg0000000000001', email: who, first_name: 'Old', last_name: 'Registrant', status: 'approved', create_time: new Date(at() - 160 * DAY).toISOString() };
      m.registrants.push(reg);
      sb.reindex();
      const opts = { home, apiUrl: sb.apiUrl, accountId: sb.credentials.accountId, maxAgeHours: 0 };
      const first = await findRegistrations(client, [who], opts);
      expect(first.matches.get(who)?.map((x) => x.id)).toEqual([reg.id]);
      expect(first.visibility.could_see).toMatch(/six months/);
      expect(first.visibility.could_not_see).toMatch(/--zoom-export/);
      // Two months later the meeting has left previous_meetings (six months at most): Zoom's lists no longer return it.
      shift += 60 * DAY;
      expect(meetingTypes(m, at()).size).toBe(0);
      const second = await findRegistrations(client, [who], opts);
      expect(second.mode).toBe('incremental');
      expect(second.visibility.older_sessions_checked).toBe(1);
      expect(second.matches.get(who)?.map((x) => x.id)).toEqual([reg.id]);
      expect(second.complete).toBe(true);
    } finally {
      await client.close();
      await sb.close();
    }
  }, 120_000);

  it('item 5: the per-user daily message is told apart from the account\'s daily limit', async () => {
    const sb = await startSandbox({ seed: 5, onWarning: () => {} });
    const client = clientFor(sb);
    try {
      const u = sb.account.users[0]!;
      sb.setFaults(`userdaily429=once@/v2/users/${u.id}/settings`);
      const e = await client.get(route('GET', '/users/{userId}/settings', { userId: u.id })).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ZoomRateLimitError);
      expect((e as ZoomRateLimitError).kind).toBe('user_daily');
      expect((e as ZoomRateLimitError).retryAt).toBeDefined(); // "You may resume these requests at GMT 00:00:00."
      // The account's Light gate was not blocked: the next request goes through.
      expect((await client.get(route('GET', '/users/{userId}', { userId: u.id }))).id).toBe(u.id);
      sb.setFaults(`daily429=once@/v2/users/${u.id}/settings`);
      const d = await client.get(route('GET', '/users/{userId}/settings', { userId: u.id })).catch((x: unknown) => x);
      expect((d as ZoomRateLimitError).kind).toBe('daily');
      // No header (the strict sandbox sends none): the time comes from the message's "GMT 00:00:00".
      expect((d as ZoomRateLimitError).retryAt?.toISOString()).toMatch(/T00:00:00\.000Z$/);
    } finally {
      await client.close();
      await sb.close();
    }
  });
});

describe('issue 13: where the spec contradicts itself, the client works with both behaviours', () => {
  for (const word of ['DELETE', 'DELETION'] as const) {
    it(`a Data Requests deletion is accepted by a Zoom that wants "${word}"`, async () => {
      const account = generateAccount({ seed: 11, users: 2, meetingsPerUser: 1, callsPerUser: 0, recordingEveryDays: 0, registrationShare: 0, scopes: [...GENERATED_SCOPES, ...DATA_REQUEST_SCOPES] });
      const sb = await startSandbox({ account, rateLimits: false, dataRequestDeleteType: word, onWarning: () => {} });
      try {
        const emails = account.users.map((u) => u.email.toLowerCase());
        const r = await runCli(['delete', '--emails', emails.join(','), '--yes', ...IDENTITY_FLAGS], sandboxEnv(sb));
        expect(r.code, r.stderr).toBe(0);
        const sent = sb.log.filter((e) => e.method === 'POST' && e.path === '/v2/data_requests/requests').map((e) => e.status);
        expect(sent).toEqual(word === 'DELETE' ? [201] : [400, 201]);
        expect(sb.dataRequests.requests.filter((x) => x.request_type === 'DELETE')).toHaveLength(2);
      } finally {
        await sb.close();
      }
    }, 60_000);
  }
});

describe('sandbox processingMs: Zoom counts a request on arrival, then works on it', () => {
  it('still answers every request in full, and still counts each against the limits', async () => {
    const sb = await startSandbox({ seed: 3, plan: 'free', processingMs: { min: 20, max: 40 }, onWarning: () => {} });
    try {
      const client = clientFor(sb, 'pro'); // paced for Pro (30/s), against Free's Light 4/s: some are refused
      client.limiter.gates.light.limit = { limit: 1000, windowMs: 1000 };
      const alice = sb.account.users.find((u) => u.email.startsWith('alice'))!;
      const before = sb.log.length;
      const out = await Promise.allSettled(Array.from({ length: 6 }, () => client.send(route('GET', '/users/{userId}', { userId: alice.id }))));
      const answered = out.filter((o): o is PromiseFulfilledResult<{ status: number; body: { email?: string } }> => o.status === 'fulfilled');
      expect(answered.length).toBeGreaterThanOrEqual(4);
      for (const a of answered) expect(a.value.body.email).toBe(alice.email);
      // Six at once against Free's 4/s: the sandbox refused some (and the client sent them again after its pause).
      expect(sb.log.slice(before).filter((e) => e.status === 429).length).toBeGreaterThan(0);
      await client.close();
    } finally {
      await sb.close();
    }
  });
});
