/**
 * `zdsar registrants find|erase` end to end: bin/zdsar.js as a child process against the sandbox
 * running in this process. Assertions are on what the sandbox received (its log) and holds (its account).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordsFor, startSandbox, type Sandbox, type SandboxAccount } from '../../src/sandbox/index.js';
import { runCli, tempHome } from './helpers.js';

const JORDAN = 'jordan.lee@gmail.example';
const PRIYA = 'priya.nair@partner.example';
const SAM = 'sam.oconnor@customer.example';

function envFor(sbx: Sandbox, home: string): Record<string, string> {
  return {
    ZOOM_API_URL: sbx.apiUrl,
    ZOOM_OAUTH_URL: sbx.oauthUrl,
    ZOOM_ACCOUNT_ID: sbx.credentials.accountId,
    ZOOM_CLIENT_ID: sbx.credentials.clientId,
    ZOOM_CLIENT_SECRET: sbx.credentials.clientSecret,
    ZDSAR_HOME: home,
  };
}

/** Every registration and panelist seat the sandbox holds, as plain data, keyed by session and id. */
function snapshot(account: SandboxAccount): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of account.meetings) for (const r of m.registrants) out.set(`meeting:${m.id}:${r.id}`, JSON.stringify({ e: r.email, s: r.status, c: r.cancelled ?? false, o: r.occurrence_ids ?? null }));
  for (const w of account.webinars) {
    for (const r of w.registrants) out.set(`webinar:${w.id}:${r.id}`, JSON.stringify({ e: r.email, s: r.status, c: r.cancelled ?? false, o: r.occurrence_ids ?? null }));
    for (const p of w.panelists) out.set(`webinar-panelist:${w.id}:${p.id}`, JSON.stringify({ e: p.email }));
  }
  return out;
}

const writes = (sbx: Sandbox, from = 0) => sbx.log.slice(from).filter((l) => l.method === 'DELETE' || l.method === 'PUT' || l.method === 'POST' && !l.path.startsWith('/oauth'));

describe('zdsar registrants', () => {
  let sbx: Sandbox;
  let home: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sbx = await startSandbox({ port: 0, onWarning: () => undefined });
    home = tempHome();
    env = envFor(sbx, home);
  });
  afterAll(async () => {
    await sbx?.close();
  });

  it('refuses bad input before sending anything to Zoom (exit 2)', async () => {
    const before = sbx.log.length;
    const r = await runCli(['registrants', 'find', '--emails', 'not-an-address', '--json'], env);
    expect(r.code).toBe(2);
    const r2 = await runCli(['registrants', 'erase', '--emails', JORDAN, '--max-age', 'soon'], env);
    expect(r2.code).toBe(2);
    expect(sbx.log.length).toBe(before);
  });

  it('exits 3 with wrong credentials', async () => {
    const r = await runCli(['registrants', 'find', '--emails', JORDAN, '--json'], { ...env, ZOOM_CLIENT_SECRET: 'wrong', ZDSAR_HOME: tempHome() });
    expect(r.code).toBe(3);
  });

  it('find: a person is found in every meeting and webinar they registered for, recurring, past and panelist seats included', async () => {
    const expected = recordsFor(sbx.account, JORDAN);
    expect(expected.registrations.length).toBeGreaterThanOrEqual(6);
    const r = await runCli(['registrants', 'find', '--emails', `${JORDAN},${PRIYA}`, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { people: Array<{ email: string; matches: Array<Record<string, unknown>> }>; scan: { mode: string; complete: boolean } };
    expect(out.scan.mode).toBe('full');
    expect(out.scan.complete).toBe(true);

    for (const email of [JORDAN, PRIYA]) {
      const want = recordsFor(sbx.account, email);
      const got = out.people.find((p) => p.email === email)!.matches;
      const keys = new Set(got.map((m) => m.registration_key as string));
      const expectedKeys = new Set([
        ...want.registrations.map((x) => `${x.kind}:${x.sessionId}:${x.registrant.id}`),
        ...want.panelistOf.map((x) => `webinar-panelist:${x.webinarId}:${x.panelist.id}`),
      ]);
      expect(keys).toEqual(expectedKeys);
    }
    const jordan = out.people.find((p) => p.email === JORDAN)!.matches;
    // The recurring meeting with registration per occurrence: occurrences are reported.
    const rec = jordan.find((m) => (m.occurrences as unknown[] | undefined)?.length);
    expect(rec).toBeDefined();
    // The registration under an upper-case address is found too.
    expect(jordan.some((m) => m.email !== JORDAN && String(m.email).toLowerCase() === JORDAN)).toBe(true);
    // A past meeting is found.
    const past = jordan.filter((m) => typeof m.start_time === 'string' && Date.parse(m.start_time) < Date.now() - 86_400_000);
    expect(past.length).toBeGreaterThan(0);
    // Zoom's fields and context.
    for (const m of jordan) {
      expect(m).toHaveProperty('registration_key');
      expect(m).toHaveProperty('topic');
      expect(m.kind === 'webinar_panelist' || typeof m.status === 'string').toBe(true);
    }
    expect(jordan.some((m) => typeof m.join_url === 'string' && typeof m.first_name === 'string')).toBe(true);
    // Priya is also a panelist.
    expect(out.people.find((p) => p.email === PRIYA)!.matches.some((m) => m.kind === 'webinar_panelist')).toBe(true);
    // Registrants were listed in every status, never the same list twice.
    const lists = sbx.log.filter((l) => /\/registrants$/.test(l.path) && l.method === 'GET');
    expect(new Set(lists.map((l) => l.query.status ?? 'approved'))).toEqual(new Set(['approved', 'pending', 'denied']));
    const sigs = lists.map((l) => `${l.path}?${l.query.status}&${l.query.occurrence_id ?? ''}&${l.query.next_page_token ?? ''}`);
    expect(new Set(sigs).size).toBe(sigs.length);
  });

  it('the index: a second find is much cheaper, holds no addresses, is private; --refresh rebuilds it', async () => {
    const dir = join(home, 'registrants');
    const files = readdirSync(dir);
    const index = files.find((f) => f.startsWith('index-'))!;
    expect(index).toBeDefined();
    expect(statSync(join(dir, index)).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const text = readFileSync(join(dir, index), 'utf8');
    expect(text).not.toMatch(/@/);
    expect(text.toLowerCase()).not.toContain('jordan');

    const before = sbx.log.length;
    const r = await runCli(['registrants', 'find', '--emails', SAM, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { people: Array<{ matches: unknown[] }>; scan: { mode: string } };
    expect(out.scan.mode).toBe('index');
    expect(out.people[0]!.matches.length).toBe(recordsFor(sbx.account, SAM).registrations.length);
    const second = sbx.log.slice(before).filter((l) => !l.path.startsWith('/oauth'));
    // No host was walked again: only the sessions the index points to.
    expect(second.some((l) => /^\/v2\/users/.test(l.path))).toBe(false);

    const nobodyBefore = sbx.log.length;
    const r2 = await runCli(['registrants', 'find', '--emails', 'nobody@nowhere.example', '--json'], env);
    expect(r2.code).toBe(0);
    expect(sbx.log.slice(nobodyBefore).filter((l) => l.path.startsWith('/v2/')).length).toBe(0);

    const r3 = await runCli(['registrants', 'find', '--emails', SAM, '--json', '--refresh'], env);
    expect(JSON.parse(r3.stdout).scan.mode).toBe('full');
    const r4 = await runCli(['registrants', 'find', '--emails', SAM, '--json', '--max-age', '0'], env);
    const inc = JSON.parse(r4.stdout) as { scan: { mode: string; stats: { reused: number } } };
    expect(inc.scan.mode).toBe('incremental');
    expect(inc.scan.stats.reused).toBeGreaterThan(0);
  });

  it('erase without --yes is a dry run: no DELETE or PUT, nothing changes', async () => {
    const snap = snapshot(sbx.account);
    const before = sbx.log.length;
    const r = await runCli(['registrants', 'erase', '--emails', `${JORDAN},${PRIYA}`, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { dry_run: boolean; people: Array<{ actions: Array<{ action: string }> }> };
    expect(out.dry_run).toBe(true);
    expect(out.people.flatMap((p) => p.actions).filter((a) => a.action !== 'none').length).toBeGreaterThan(0);
    expect(writes(sbx, before)).toEqual([]);
    expect(snapshot(sbx.account)).toEqual(snap);
    // Nothing in the ledger either.
    const list = await runCli(['requests', 'list', '--json'], env);
    expect((JSON.parse(list.stdout) as Array<{ type: string }>).filter((x) => x.type === 'registrants-erase')).toEqual([]);
  });

  it('erase --yes removes or cancels every registration of the people, touches nobody else, and journals each step first', async () => {
    const snap = snapshot(sbx.account);
    const people = new Set([JORDAN, PRIYA]);
    const before = sbx.log.length;
    const r = await runCli(['registrants', 'erase', '--emails', `${JORDAN},${PRIYA}`, '--yes', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      request_id: string;
      status: string;
      people: Array<{ email: string; status: string; results: Array<{ outcome: string; key: string }> }>;
    };
    expect(out.status).toBe('completed');

    // Nobody else's registration or seat changed.
    const after = snapshot(sbx.account);
    for (const [k, v] of snap) {
      const email = (JSON.parse(v) as { e: string }).e.toLowerCase();
      if (people.has(email)) continue;
      expect(after.get(k), k).toBe(v);
    }
    // Every write went to one of their registrations or seats.
    const theirIds = new Set([...snap].filter(([, v]) => people.has((JSON.parse(v) as { e: string }).e.toLowerCase())).map(([k]) => k.split(':')[2]!));
    for (const w of writes(sbx, before)) {
      if (w.method === 'DELETE') expect(theirIds.has(decodeURIComponent(w.path.split('/').pop()!))).toBe(true);
    }

    // What is left of them in the sandbox is cancelled or denied (Zoom refused deletion: ended meetings/occurrences).
    for (const email of people) {
      const left = recordsFor(sbx.account, email);
      for (const x of left.registrations) expect(x.registrant.status, `${x.kind} ${x.sessionId}`).toBe('denied');
      expect(left.panelistOf).toEqual([]);
    }
    const outcomes = new Set(out.people.flatMap((p) => p.results.map((x) => x.outcome)));
    expect(outcomes.has('deleted')).toBe(true);
    expect(outcomes.has('canceled')).toBe(true);
    expect(outcomes.has('failed')).toBe(false);
    // A person registered only to meetings still open would be erased; these two keep cancelled records.
    expect(out.people.map((p) => p.status)).toEqual(['restricted', 'restricted']);

    // The ledger: each target's first evidence is "intended", then an outcome.
    const reqDir = join(home, 'ledger', 'requests', out.request_id);
    const journal = readFileSync(join(reqDir, 'journal.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { ev: string; e?: { target?: string; outcome: string; action: string } });
    const ev = journal.filter((j) => j.ev === 'evidence').map((j) => j.e!);
    const seen = new Map<string, string[]>();
    for (const e of ev) if (e.target && e.action !== 'verify') seen.set(e.target, [...(seen.get(e.target) ?? []), e.outcome]);
    expect(seen.size).toBe(out.people.flatMap((p) => p.results).length);
    for (const [k, outs] of seen) {
      expect(outs[0], k).toBe('intended');
      expect(outs.length, k).toBeGreaterThan(1);
    }
    // The ledger holds no registrant address beyond the request's own subjects.
    expect(JSON.stringify(ev)).not.toMatch(/[a-z0-9._%+-]+@[a-z0-9-]+\.[a-z]/i);
  });

  it('a second erase sends no DELETE or PUT and records nothing new', async () => {
    const snap = snapshot(sbx.account);
    const before = sbx.log.length;
    const list0 = JSON.parse((await runCli(['requests', 'list', '--json'], env)).stdout) as unknown[];
    const r = await runCli(['registrants', 'erase', '--emails', `${JORDAN},${PRIYA}`, '--yes', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).status).toBe('nothing_to_do');
    expect(writes(sbx, before)).toEqual([]);
    expect(snapshot(sbx.account)).toEqual(snap);
    const list1 = JSON.parse((await runCli(['requests', 'list', '--json'], env)).stdout) as unknown[];
    expect(list1.length).toBe(list0.length);
  });

  it('erase of someone with nothing left to erase elsewhere: a fresh scan agrees (--refresh)', async () => {
    const before = sbx.log.length;
    const r = await runCli(['registrants', 'erase', '--emails', JORDAN, '--yes', '--json', '--refresh'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(writes(sbx, before)).toEqual([]);
  });
});
