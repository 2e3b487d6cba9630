/**
 * Erase and index rules as library functions, against a scripted Zoom: the status batch limit,
 * Zoom's per-registrant daily limit, registrants already gone, and the staleness rules of the index.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/index.js';
import { executeErase, planErase, priorOutcomes } from '../../src/registrants/erase.js';
import { isClosed, isFresh, type IndexFile } from '../../src/registrants/index-store.js';
import type { Match, SessionInfo } from '../../src/registrants/scan.js';
import { Secret } from '../../src/secrets.js';
import { ZoomClient } from '../../src/zoom/client.js';
import { json, scriptedServer, type Received } from '../helpers/scripted-server.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

function clientFor(url: string) {
  return new ZoomClient({
    credentials: { accountId: 'acc', clientId: 'cid', clientSecret: new Secret('s3cret-value-xyz'), apiUrl: `${url}/v2`, oauthUrl: url },
    plan: 'business',
    dispatcher: new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 }),
    timeoutMs: 2000,
  });
}

const past: SessionInfo = { kind: 'meeting', id: '81234567890', host_id: 'h1', topic: 'Past', type: 2, start_time: '2020-01-01T10:00:00Z', registration: true, occurrences: [], ends: '2020-01-01T11:00:00Z' };

function match(i: number, status: 'approved' | 'pending' | 'denied'): Match {
  const id = `reg${i}`;
  return { email: `p${i}@x.example`, kind: 'registrant', session: past, id, registration_key: `meeting:${past.id}:${id}`, listings: [{ status }], record: { id, email: `p${i}@x.example`, status } };
}

async function scripted(onStatus: (req: Received) => [number, unknown]) {
  const srv = await scriptedServer((req, res) => {
    if (req.path === '/oauth/token') return json(res, 200, { access_token: 't', token_type: 'bearer', expires_in: 3599 });
    if (req.method === 'DELETE' && req.path.includes('/registrants/reg0')) return json(res, 400, { code: 300, message: 'The value that you entered for the Registrant ID field is invalid. Enter a valid value and try again.' });
    if (req.method === 'DELETE') return json(res, 400, { code: 3000, message: 'This meeting has ended; its registrants cannot be deleted.' });
    if (req.method === 'PUT') {
      const [status, body] = onStatus(req);
      if (status === 204) {
        res.writeHead(204).end();
        return;
      }
      return json(res, status, body);
    }
    return json(res, 404, { code: 3001, message: 'nope' });
  });
  close = srv.close;
  return srv;
}

describe('registrants erase (library)', () => {
  it('falls back to cancel/deny in batches of at most 30, and records a registrant already gone', async () => {
    const srv = await scripted(() => [204, undefined]);
    const home = mkdtempSync(join(tmpdir(), 'zdsar-reg-unit-'));
    const ledger = Ledger.open(home);
    const people = Array.from({ length: 40 }, (_, i) => ({ index: i + 1, email: `p${i}@x.example` }));
    const matches = new Map(people.map((p, i) => [p.email, [match(i, i % 4 === 3 ? 'pending' : i === 5 ? 'denied' : 'approved')]]));
    const req = await ledger.create({ type: 'registrants-erase', subjects: people.map((p) => p.email) });
    const client = clientFor(srv.url);
    const run = await executeErase(client, planErase(people, matches, new Map()), { ledger, requestId: req.request_id });
    await client.close();
    const byId = new Map(run.results.map((r) => [r.target.match.id, r]));
    expect(byId.get('reg0')!.outcome).toBe('already_gone');
    expect(byId.get('reg5')!.outcome).toBe('denied'); // already denied: nothing more to send
    expect(byId.get('reg3')!.outcome).toBe('denied');
    expect(byId.get('reg1')!.outcome).toBe('canceled');
    const puts = srv.received.filter((r) => r.method === 'PUT');
    for (const p of puts) expect((JSON.parse(p.body) as { registrants: unknown[] }).registrants.length).toBeLessThanOrEqual(30);
    const cancelled = puts.filter((p) => JSON.parse(p.body).action === 'cancel').flatMap((p) => (JSON.parse(p.body) as { registrants: Array<{ id: string }> }).registrants.map((r) => r.id));
    expect(new Set(cancelled).size).toBe(cancelled.length);
    expect(puts.some((p) => (JSON.parse(p.body) as { registrants: Array<{ id: string }> }).registrants.some((r) => r.id === 'reg5' || r.id === 'reg0'))).toBe(false);
    // No address is sent in the status body: ids suffice.
    expect(puts.every((p) => !p.body.includes('@'))).toBe(true);

    // A later plan skips what Zoom allows no more of, once the registrations are listed as denied.
    const prior = await priorOutcomes(ledger);
    const again = new Map(people.map((p, i) => [p.email, [match(i, 'denied')]]));
    const plan2 = planErase(people.filter((p) => p.index !== 1), again, prior);
    expect(plan2.every((t) => t.skip)).toBe(true);
  });

  it("says so when Zoom's 10 status changes per registrant per day are used up", async () => {
    const srv = await scripted(() => [400, { code: 3000, message: "The registrant's status can only be changed 10 times per day: reg1." }]);
    const home = mkdtempSync(join(tmpdir(), 'zdsar-reg-unit-'));
    const ledger = Ledger.open(home);
    const people = [{ index: 1, email: 'p1@x.example' }];
    const req = await ledger.create({ type: 'registrants-erase', subjects: ['p1@x.example'] });
    const client = clientFor(srv.url);
    const run = await executeErase(client, planErase(people, new Map([['p1@x.example', [match(1, 'approved')]]]), new Map()), { ledger, requestId: req.request_id });
    await client.close();
    expect(run.results[0]!.outcome).toBe('failed');
    expect(run.results[0]!.steps.at(-1)!.note).toMatch(/10 status changes per registrant/);
    expect(run.stopped).toBeUndefined();
  });
});

describe('index staleness rules', () => {
  const base: IndexFile = { version: 1, account: 'a', complete: true, updated_at: '', hosts: 1, sessions: [], scanned_at: '2026-01-01T00:00:00Z' };
  it('is fresh only when complete and younger than max-age', () => {
    const t = Date.parse('2026-01-01T05:00:00Z');
    expect(isFresh(base, 6 * 3600_000, t)).toBe(true);
    expect(isFresh(base, 4 * 3600_000, t)).toBe(false);
    expect(isFresh({ ...base, complete: false }, 6 * 3600_000, t)).toBe(false);
    expect(isFresh(undefined, 6 * 3600_000, t)).toBe(false);
  });
  it('a session counts as closed only if it had ended (with margin) when it was scanned', () => {
    const e = { kind: 'meeting' as const, id: '1', host: 'h', reg: true, at: '2026-01-02T00:00:00Z' };
    expect(isClosed({ ...e, ends: '2026-01-01T00:00:00Z' })).toBe(true);
    expect(isClosed({ ...e, ends: '2026-01-01T22:00:00Z' })).toBe(false);
    expect(isClosed(e)).toBe(false); // recurring without fixed time: never closed
  });
});
