/**
 * The once-per-run home of meeting results (issue 28), against the sandbox over a real socket: each
 * session's results are read once for everyone and saved under .work/_account (0600, not held in memory),
 * a resumed run reads the saved answer instead of asking Zoom, a failed read is not kept (the next person
 * asks again), and the account's history list is read once per month window and kind of results.
 */
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountWide } from '../../src/dsar/account-wide.js';
import { answerKinds, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { Secret } from '../../src/secrets.js';
import { ZoomClient } from '../../src/zoom/client.js';
import { meetingUuidParam } from '../../src/zoom/route.js';
import { virtualClock } from '../helpers/clock.js';

describe('AccountWide: session results and the account\'s history list, once per run', () => {
  let sb: Sandbox;
  let client: ZoomClient;
  const today = new Date().toISOString().slice(0, 10);
  beforeAll(async () => {
    sb = await startSandbox({ seed: 11, latencyMs: { min: 0, max: 1 }, onWarning: () => {} });
    client = new ZoomClient({
      credentials: { accountId: sb.credentials.accountId, clientId: sb.credentials.clientId, clientSecret: new Secret(sb.credentials.clientSecret), apiUrl: sb.apiUrl, oauthUrl: sb.oauthUrl },
      plan: 'business',
      dispatcher: new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 }),
      timeoutMs: 5000,
      maxRetries: 0,
      clock: virtualClock().clock,
    });
  });
  afterAll(async () => {
    await sb?.close();
  });
  const aw = (work: string) => new AccountWide({ client, signal: new AbortController().signal, work, today });
  const sessionWithQa = () => sb.account.meetings.filter((m) => !m.hostedElsewhere).flatMap((m) => m.instances).filter((i) => answerKinds(i, 'meeting').qa);

  it('reads a session\'s results once, saves them 0600, and a resumed run reads the saved answer', async () => {
    const work = join(mkdtempSync(join(tmpdir(), 'zdsar-aw-')), '_account');
    const inst = sessionWithQa()[0]!;
    const reads = () => sb.log.filter((e) => e.path.endsWith(`/${encodeURIComponent(meetingUuidParam(inst.uuid))}/qa`) || e.path.endsWith(`/${meetingUuidParam(inst.uuid)}/qa`)).length;
    const before = reads();
    const a = aw(work);
    const [x, y] = await Promise.all([a.sessionAnswers(inst.uuid, 'meeting', 'qa', async () => ({ via: 'report' as const })), a.sessionAnswers(inst.uuid, 'meeting', 'qa', async () => ({ via: 'report' as const }))]);
    expect(reads() - before).toBe(1);
    expect(x).toEqual(y);
    expect(x.source).toBe('report/meetings/qa');
    expect((x.answer.questions as unknown[]).length).toBeGreaterThan(0);
    const files = readdirSync(join(work, 'meeting_qa'));
    expect(files).toEqual([`${Buffer.from(inst.uuid).toString('hex')}.ndjson`]);
    expect(statSync(join(work, 'meeting_qa', files[0]!)).mode & 0o777).toBe(0o600);
    // A resumed run (a new AccountWide over the same folder) asks Zoom nothing.
    expect(await aw(work).sessionAnswers(inst.uuid, 'meeting', 'qa', async () => ({ via: 'report' as const }))).toEqual(x);
    expect(reads() - before).toBe(1);
  });

  it('a failed read is not kept: the next person asks again', async () => {
    const work = join(mkdtempSync(join(tmpdir(), 'zdsar-aw-')), '_account');
    const inst = sessionWithQa()[1]!;
    const a = aw(work);
    sb.setFaults(`500=always@/v2/report/meetings/${encodeURIComponent(meetingUuidParam(inst.uuid))}/qa`);
    try {
      await expect(a.sessionAnswers(inst.uuid, 'meeting', 'qa', async () => ({ via: 'report' as const }))).rejects.toThrow();
    } finally {
      sb.setFaults(undefined);
    }
    const got = await a.sessionAnswers(inst.uuid, 'meeting', 'qa', async () => ({ via: 'report' as const }));
    expect((got.answer.questions as unknown[]).length).toBeGreaterThan(0);
  });

  it('lists the account\'s sessions holding results of a kind, each month window read once however many ask', async () => {
    const work = join(mkdtempSync(join(tmpdir(), 'zdsar-aw-')), '_account');
    const a = aw(work);
    const before = sb.log.length;
    const collect = async () => {
      const out: string[] = [];
      for await (const r of a.historySessions('polls')) out.push(String(r.meeting_uuid));
      return out;
    };
    const [one, two] = await Promise.all([collect(), collect()]);
    expect(one).toEqual(two);
    const w = a.historyWindow();
    const from = Date.parse(w.from);
    const to = Date.parse(w.to) + 86_400_000;
    const want = [...sb.account.meetings.map((m) => ['meeting', m] as const), ...sb.account.webinars.map((m) => ['webinar', m] as const)]
      .flatMap(([kind, m]) => (m.hostedElsewhere ? [] : m.instances.filter((i) => Date.parse(i.start_time) >= from && Date.parse(i.start_time) < to && answerKinds(i, kind).polls)))
      .map((i) => i.uuid);
    expect(want.length).toBeGreaterThan(0);
    expect([...one].sort()).toEqual([...want].sort());
    const lists = sb.log.slice(before).filter((e) => e.path === '/v2/report/history_meetings');
    expect(lists.every((e) => e.query.report_type === 'poll' && e.query.meeting_type === 'all')).toBe(true);
    const keys = lists.map((e) => `${e.query.from}|${e.query.to}|${e.query.next_page_token ?? ''}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(lists.length).toBeGreaterThanOrEqual(12);
  });

  it('the scan\'s window: --from (else a year back) to --to (else the request\'s day, never later)', () => {
    const at = (o: { from?: string; to?: string }) => new AccountWide({ client, signal: new AbortController().signal, work: '/nonexistent', today: '2026-12-06', ...o }).historyWindow();
    expect(at({})).toEqual({ from: '2025-12-06', to: '2026-12-06' });
    expect(at({ from: '2024-01-01' })).toEqual({ from: '2024-01-01', to: '2026-12-06' });
    expect(at({ from: '2026-01-01', to: '2026-03-31' })).toEqual({ from: '2026-01-01', to: '2026-03-31' });
    expect(at({ to: '2026-06-30' })).toEqual({ from: '2025-06-30', to: '2026-06-30' });
    expect(at({ to: '2027-01-31' })).toEqual({ from: '2025-12-06', to: '2026-12-06' });
  });
});
