/**
 * Issue 23 item 11: six months at month ends. The sandbox counts Zoom's "past six months" back with a
 * Date's month arithmetic (31 Aug → "31 Feb" = 3 Mar); the client must stay inside it whichever way a
 * month end is read, for Team Chat, the Phone lists, the meetings report and the sign-in report, and
 * count the sign-in windows from the run's clock, not from the day the request was received.
 * The clock is injected into both: the sandbox's data and limits, and the collector's "now".
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { Agent } from 'undici';
import { describe, expect, it } from 'vitest';
import { AccountWide } from '../../src/dsar/account-wide.js';
import { collectSubject, type CategoryResult, type CollectEnv } from '../../src/dsar/collect.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { Secret } from '../../src/secrets.js';
import { ZoomClient } from '../../src/zoom/client.js';

const DAY = 86_400_000;
const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function runAt(nowIso: string, opts: { receivedDaysBefore?: number } = {}) {
  const start = Date.parse(nowIso);
  const t0 = Date.now();
  // The sandbox's clock runs from the injected instant (its rate windows need time to pass).
  const clock = () => start + (Date.now() - t0);
  const sb = await startSandbox({ seed: 7, clock, latencyMs: { min: 0, max: 1 }, onWarning: () => {} });
  const client = new ZoomClient({
    credentials: { accountId: sb.credentials.accountId, clientId: sb.credentials.clientId, clientSecret: new Secret(sb.credentials.clientSecret), apiUrl: sb.apiUrl, oauthUrl: sb.oauthUrl },
    plan: 'business',
    dispatcher: new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 }),
    timeoutMs: 5000,
  });
  try {
    const b = sb.account.breadth!;
    const user = sb.account.users.find((u) => u.phone && u.calls.length > 0 && b.chats.some((c) => c.member_ids.includes(u.id)))!;
    const dir = mkdtempSync(join(tmpdir(), 'zdsar-monthend-'));
    const work = mkdtempSync(join(tmpdir(), 'zdsar-monthend-work-'));
    // The request was received `receivedDaysBefore` days before this run (a resumed request), or today.
    const today = ymd(start - (opts.receivedDaysBefore ?? 0) * DAY);
    const signal = new AbortController().signal;
    const env: CollectEnv = {
      client,
      limit: pLimit(16),
      signal,
      today,
      range: {},
      settled: {},
      now: clock,
      progress: async () => {},
      breadth: {
        limit: pLimit(16),
        accountWide: new AccountWide({ client, signal, work: join(work, '_account'), today, now: clock }),
        skip: new Set(['summaries']),
      },
    };
    const result = await collectSubject(env, user.email, dir, work);
    const refused = sb.log.filter((e) => e.status === 400).map((e) => `${e.path} ${JSON.stringify(e.query)}`);
    return { result, refused };
  } finally {
    await client.close();
    await sb.close();
  }
}

const failures = (cats: Record<string, CategoryResult>) =>
  Object.entries(cats)
    .filter(([, r]) => r.status === 'failed' || (r.coverage?.refused?.length ?? 0) > 0)
    .map(([k, r]) => `${k}: ${r.error ?? r.coverage?.refused?.join(', ')}`);

describe('six months at month ends (issue 23 item 11)', () => {
  for (const at of ['2026-08-31T10:00:00Z', '2027-08-31T23:30:00Z', '2028-08-31T00:30:00Z', '2028-02-29T12:00:00Z', '2026-12-31T18:00:00Z']) {
    it(`on ${at.slice(0, 10)}: Team Chat, the Phone lists and the reports are asked only for what Zoom serves, and nothing fails`, async () => {
      const { result, refused } = await runAt(at);
      expect(failures(result.categories)).toEqual([]);
      expect(refused).toEqual([]);
      expect(result.categories.chat_messages!.status).toBe('done');
      expect(result.categories.sign_ins!.status).toBe('done');
      expect(result.categories.phone_call_history!.status).toBe('done');
      expect(result.status).toBe('completed');
    }, 120_000);
  }

  it("counts the sign-in windows from the run's clock: a request received 40 days before a resumed run asks nothing older than six months", async () => {
    const { result, refused } = await runAt('2026-10-15T12:00:00Z', { receivedDaysBefore: 40 });
    expect(refused).toEqual([]);
    expect(result.categories.sign_ins!.status).toBe('done');
  }, 120_000);
});
