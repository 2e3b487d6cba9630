import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { generateAccount, parseFaults, recordsFor, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { api, basic, call, token } from './helpers.js';

const DAY = 86_400_000;
const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe('sandbox: auth', () => {
  let sb: Sandbox;
  let now = Date.UTC(2026, 0, 15, 12);
  beforeAll(async () => {
    sb = await startSandbox({ clock: () => now, tokenTtlSeconds: 60, onWarning: () => {} });
  });
  afterAll(() => sb.close());

  it('issues a bearer token for good credentials', async () => {
    const c = sb.credentials;
    const r = await call(`${sb.oauthUrl}/oauth/token?grant_type=account_credentials&account_id=${c.accountId}`, { method: 'POST', headers: { authorization: basic(c.clientId, c.clientSecret) } });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ token_type: 'bearer', expires_in: 60, api_url: sb.url });
    expect(typeof r.json.access_token).toBe('string');
    expect(r.json.scope).toContain('user:read:user:admin');
    // also as a form body
    const f = await call(`${sb.oauthUrl}/oauth/token`, {
      method: 'POST',
      headers: { authorization: basic(c.clientId, c.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=account_credentials&account_id=${c.accountId}`,
    });
    expect(f.status).toBe(200);
  });

  it('refuses bad credentials, a wrong account and a wrong grant', async () => {
    const c = sb.credentials;
    const bad = await call(`${sb.oauthUrl}/oauth/token?grant_type=account_credentials&account_id=${c.accountId}`, { method: 'POST', headers: { authorization: basic(c.clientId, 'nope') } });
    expect(bad.status).toBe(401);
    expect(bad.json).toEqual({ reason: expect.any(String), error: 'invalid_client' });
    const acct = await call(`${sb.oauthUrl}/oauth/token?grant_type=account_credentials&account_id=someone-else`, { method: 'POST', headers: { authorization: basic(c.clientId, c.clientSecret) } });
    expect(acct.status).toBe(400);
    expect(acct.json.error).toBe('invalid_client');
    const grant = await call(`${sb.oauthUrl}/oauth/token?grant_type=client_credentials`, { method: 'POST', headers: { authorization: basic(c.clientId, c.clientSecret) } });
    expect(grant.status).toBe(400);
    expect(grant.json.error).toBe('unsupported_grant_type');
  });

  it('answers 401 code 124 without a token, with a token in the query, after expireTokens() and after expiry', async () => {
    const none = await call(`${sb.apiUrl}/users`);
    expect(none.status).toBe(401);
    expect(none.json.code).toBe(124);
    const tok = await token(sb);
    const inQuery = await call(`${sb.apiUrl}/users?access_token=${tok}`);
    expect(inQuery.status).toBe(401);
    expect(inQuery.json).toEqual({ code: 124, message: 'Invalid access token.' });
    expect((await api(sb, tok)('/users')).status).toBe(200);
    sb.expireTokens();
    const after = await api(sb, tok)('/users');
    expect(after.status).toBe(401);
    expect(after.json).toEqual({ code: 124, message: 'Invalid access token.' });
    const tok2 = await token(sb);
    expect((await api(sb, tok2)('/users')).status).toBe(200);
    now += 61_000;
    expect((await api(sb, tok2)('/users')).json.code).toBe(124);
  });

  it('never logs a token or a secret', async () => {
    const tok = await token(sb);
    await call(`${sb.apiUrl}/users?access_token=${tok}`);
    const logged = JSON.stringify(sb.log);
    expect(logged).not.toContain(tok);
    expect(logged).not.toContain(sb.credentials.clientSecret);
    expect(sb.log.some((e) => e.tokenId)).toBe(true);
  });

  it('answers 400 code 4711 when the app lacks the scope', async () => {
    const saved = [...sb.account.scopes];
    sb.account.scopes.splice(0, sb.account.scopes.length, ...saved.filter((s) => !s.startsWith('phone:')));
    try {
      const tok = await token(sb);
      const u = sb.account.users[0]!;
      const r = await api(sb, tok)(`/phone/users/${u.id}/call_history`);
      expect(r.status).toBe(400);
      expect(r.json.code).toBe(4711);
      expect(r.json.message).toContain('phone:read:list_call_logs:admin');
    } finally {
      sb.account.scopes.splice(0, sb.account.scopes.length, ...saved);
    }
  });
});

describe('sandbox: data endpoints', () => {
  let sb: Sandbox;
  let now = Date.now();
  let get: ReturnType<typeof api>;
  const warnings: string[] = [];
  beforeAll(async () => {
    sb = await startSandbox({ rateLimits: false, clock: () => now, pageTokenTtlSeconds: 900, onWarning: (m) => warnings.push(m) });
    get = api(sb, await token(sb));
  });
  afterAll(() => sb.close());
  const alice = () => sb.account.users.find((u) => u.email.startsWith('alice'))!;

  it('finds users by id or case-insensitive email, 1001 for unknown', async () => {
    const a = alice();
    const byEmail = await get(`/users/${encodeURIComponent(a.email.toUpperCase())}`);
    expect(byEmail.status).toBe(200);
    expect(byEmail.json).toMatchObject({ id: a.id, email: a.email, account_id: sb.account.id });
    const missing = await get('/users/nobody.here%40elsewhere.example');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ code: 1001, message: 'User does not exist: nobody.here@elsewhere.example.' });
  });

  it('walks meeting pages; the last token is ""; ids are 11+ digits and safe', async () => {
    const a = alice();
    const seen = new Set<number>();
    let tok = '';
    let pages = 0;
    let total = -1;
    do {
      const r = await get(`/users/${a.id}/meetings?type=previous_meetings&page_size=10${tok ? `&next_page_token=${tok}` : ''}`);
      expect(r.status).toBe(200);
      total = r.json.total_records;
      for (const m of r.json.meetings) seen.add(m.id);
      tok = r.json.next_page_token;
      pages++;
    } while (tok !== '');
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen.size).toBe(total);
    for (const id of seen) {
      expect(Number.isSafeInteger(id)).toBe(true);
      expect(String(id).length).toBeGreaterThanOrEqual(11);
    }
  });

  it('lists a recurring meeting under several types (clients must dedupe)', async () => {
    const a = alice();
    const rec = sb.account.meetings.find((m) => m.host_id === a.id && m.type === 8)!;
    const ids = async (type: string) => {
      const r = await get(`/users/${a.id}/meetings?type=${type}&page_size=300`);
      return (r.json.meetings as Array<{ id: number }>).map((m) => m.id);
    };
    expect(await ids('scheduled')).toContain(rec.id);
    expect(await ids('previous_meetings')).toContain(rec.id);
    expect(await ids('upcoming')).toContain(rec.id);
    const detail = await get(`/meetings/${rec.id}?show_previous_occurrences=true`);
    expect(detail.json.occurrences.length).toBe(rec.occurrences!.length);
    const future = await get(`/meetings/${rec.id}`);
    expect(future.json.occurrences.length).toBeLessThan(rec.occurrences!.length);
  });

  it('refuses a page_size over the maximum (strict) and a non-number', async () => {
    const a = alice();
    const big = await get(`/users/${a.id}/meetings?type=previous_meetings&page_size=1000`);
    expect(big.status).toBe(400);
    expect(big.json.code).toBe(300);
    const users = await get('/users?page_size=5000');
    expect(users.status).toBe(400);
    expect((await get('/users?page_size=2000')).json.page_size).toBe(2000);
    const bad = await get('/users?page_size=abc');
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe(300);
  });

  it('expires next_page_token after the TTL and refuses a token of another list', async () => {
    const a = alice();
    const first = await get(`/users/${a.id}/meetings?type=previous_meetings&page_size=5`);
    const tok = first.json.next_page_token as string;
    expect(tok).not.toBe('');
    const other = await get(`/users/${a.id}/meetings?type=scheduled&next_page_token=${tok}`);
    expect(other.status).toBe(400);
    expect(other.json).toEqual({ code: 300, message: 'The next page token is invalid or expired.' });
    now += 901_000;
    const expired = await get(`/users/${a.id}/meetings?type=previous_meetings&page_size=5&next_page_token=${tok}`);
    expect(expired.status).toBe(400);
    expect(expired.json.code).toBe(300);
    now -= 901_000;
  });

  it('refuses a recording window over one month with code 300 and serves every recording month by month', async () => {
    const a = alice();
    const wide = await get(`/users/${a.id}/recordings?from=${ymd(now - 90 * DAY)}&to=${ymd(now)}`);
    expect(wide.status).toBe(400);
    expect(wide.json.code).toBe(300);
    const found = new Set<string>();
    for (let end = now; end > Date.parse(a.created_at) - 31 * DAY; end -= 30 * DAY) {
      const r = await get(`/users/${a.id}/recordings?from=${ymd(end - 29 * DAY)}&to=${ymd(end)}&page_size=300`);
      expect(r.status).toBe(200);
      for (const m of r.json.meetings) found.add(m.uuid);
    }
    expect(found.size).toBe(a.recordings.length);
    expect(found.size).toBeGreaterThan(20);
    const today = await get(`/users/${a.id}/recordings`);
    expect(today.json.from).toBe(ymd(now));
    expect(today.json.meetings.length).toBeLessThan(a.recordings.length);
  });

  it('downloads a recording: Bearer only, 302 to a file URL, Content-Length, ETag, Range → 206, 416', async () => {
    const a = alice();
    const tok = (await token(sb));
    const list = await get(`/users/${a.id}/recordings?from=${ymd(now - 20 * DAY)}&to=${ymd(now)}`);
    const file = list.json.meetings[0].recording_files.find((f: { file_type: string }) => f.file_type === 'MP4') ?? list.json.meetings[0].recording_files[0];
    const noAuth = await call(file.download_url);
    expect(noAuth.status).toBe(401);
    const inQuery = await call(`${file.download_url}?access_token=${tok}`);
    expect(inQuery.status).toBe(401);
    expect(inQuery.json.code).toBe(124);
    const redirect = await call(file.download_url, { headers: { authorization: `Bearer ${tok}` } });
    expect(redirect.status).toBe(302);
    const loc = String(redirect.headers.location);
    const full = await request(loc);
    const bytes = Buffer.from(await full.body.arrayBuffer());
    expect(full.statusCode).toBe(200);
    expect(Number(full.headers['content-length'])).toBe(file.file_size);
    expect(bytes.length).toBe(file.file_size);
    const etag = String(full.headers.etag);
    expect(etag).toMatch(/^".+"$/);
    const part = await request(loc, { headers: { range: 'bytes=100-199', 'if-range': etag } });
    const pb = Buffer.from(await part.body.arrayBuffer());
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${file.file_size}`);
    expect(pb.equals(bytes.subarray(100, 200))).toBe(true);
    const tail = await request(loc, { headers: { range: `bytes=${file.file_size - 10}-` } });
    expect(Buffer.from(await tail.body.arrayBuffer()).equals(bytes.subarray(file.file_size - 10))).toBe(true);
    const beyond = await request(loc, { headers: { range: `bytes=${file.file_size + 5}-` } });
    await beyond.body.dump();
    expect(beyond.statusCode).toBe(416);
    const again = await request(loc);
    expect(Buffer.from(await again.body.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('serves Phone data in one-month windows and the errors for no licence', async () => {
    const a = alice();
    const all = new Set<string>();
    for (let end = now; end > now - 175 * DAY; end -= 28 * DAY) {
      let tok = '';
      do {
        const r = await get(`/phone/users/${a.id}/call_history?from=${ymd(Math.max(end - 27 * DAY, now - 175 * DAY))}&to=${ymd(end)}${tok ? `&next_page_token=${tok}` : ''}`);
        expect(r.status).toBe(200);
        for (const c of r.json.call_logs) all.add(c.id);
        tok = r.json.next_page_token;
      } while (tok);
    }
    expect(all.size).toBe(a.calls.length);
    const long = await get(`/phone/users/${a.id}/call_history?from=${ymd(now - 100 * DAY)}&to=${ymd(now)}`);
    expect(long.status).toBe(400); // strict: more than a month is refused, not cut
    expect(long.json.code).toBe(300);
    const noTo = await get(`/phone/users/${a.id}/call_history?from=${ymd(now - 10 * DAY)}`);
    expect(noTo.status).toBe(400);
    const vm = await get(`/phone/users/${a.id}/voice_mails?from=${ymd(now - 30 * DAY)}&to=${ymd(now)}`);
    expect(vm.status).toBe(200);
    expect(vm.json.voice_mails[0].download_url).toContain('/v2/phone/voice_mails/download/');
    const bruno = sb.account.users.find((u) => u.email.startsWith('bruno'))!;
    const nolic = await get(`/phone/users/${bruno.id}`);
    expect(nolic.status).toBe(404);
    expect(nolic.json.code).toBe(1001);
    sb.account.phoneEnabled = false;
    try {
      const off = await get(`/phone/users/${a.id}`);
      expect(off.status).toBe(403);
      expect(off.json).toEqual({ code: 2031, message: 'Zoom Phone has not been enabled for this account.' });
    } finally {
      sb.account.phoneEnabled = true;
    }
  });

  it('webinars: 400 code 200 for a user without the webinar plan; panelist shares a registrant address', async () => {
    const bruno = sb.account.users.find((u) => u.email.startsWith('bruno'))!;
    const r = await get(`/users/${bruno.id}/webinars`);
    expect(r.status).toBe(400);
    expect(r.json.code).toBe(200);
    const w = sb.account.webinars.find((x) => x.panelists.some((p) => x.registrants.some((g) => g.email === p.email)))!;
    const pan = await get(`/webinars/${w.id}/panelists`);
    expect(pan.json.total_records).toBe(w.panelists.length);
  });

  it('registrants: approved by default, cancel moves to denied, delete refused after the meeting ended', async () => {
    const a = alice();
    const past = sb.account.meetings.find((m) => m.host_id === a.id && m.type === 2 && m.registrants.length > 0 && m.instances.length > 0)!;
    const reg = past.registrants.find((r) => r.status === 'approved')!;
    const del = await get(`/meetings/${past.id}/registrants/${reg.id}`, { method: 'DELETE' });
    expect(del.status).toBe(400);
    expect(del.json.code).toBe(3000);
    const cancel = await get(`/meetings/${past.id}/registrants/status`, { method: 'PUT', body: { action: 'cancel', registrants: [{ id: reg.id, email: reg.email }] } });
    expect(cancel.status).toBe(204);
    const approved = await get(`/meetings/${past.id}/registrants`);
    expect(approved.json.registrants.map((r: { id: string }) => r.id)).not.toContain(reg.id);
    const denied = await get(`/meetings/${past.id}/registrants?status=denied`);
    expect(denied.json.registrants.map((r: { id: string }) => r.id)).toContain(reg.id);
    const tooMany = await get(`/meetings/${past.id}/registrants/status`, { method: 'PUT', body: { action: 'deny', registrants: Array.from({ length: 31 }, (_, i) => ({ email: `x${i}@y.example` })) } });
    expect(tooMany.status).toBe(400);
    const up = sb.account.meetings.find((m) => m.host_id === a.id && m.type === 2 && m.registrants.length > 30)!;
    const victim = up.registrants.find((r) => r.email.startsWith('guest'))!;
    const ok = await get(`/meetings/${up.id}/registrants/${victim.id}`, { method: 'DELETE' });
    expect(ok.status).toBe(204);
    expect(up.registrants.some((r) => r.id === victim.id)).toBe(false);
    const gone = await get(`/meetings/${up.id}/registrants/${victim.id}`, { method: 'DELETE' });
    expect(gone.status).toBe(400);
    expect(gone.json.code).toBe(300);
    const nomeeting = await get(`/meetings/12345678901/registrants`);
    expect(nomeeting.status).toBe(404);
    expect(nomeeting.json.code).toBe(3001);
  });

  it('holds externals registered to several sessions, hostile strings, and people not in the account', () => {
    const jordan = recordsFor(sb.account, 'jordan.lee@gmail.example');
    expect(jordan.user).toBeUndefined();
    expect(jordan.registrations.length).toBeGreaterThanOrEqual(4);
    expect(jordan.registrations.some((r) => r.kind === 'webinar')).toBe(true);
    expect(jordan.registrations.some((r) => r.registrant.email !== 'jordan.lee@gmail.example')).toBe(true); // case variant
    const topics = sb.account.meetings.map((m) => m.topic);
    expect(topics).toContain('<script>alert(1)</script>');
    expect(topics).toContain('"><img src=x onerror=alert(1)>');
    const files = sb.account.users.flatMap((u) => [...u.recordings].flatMap((r) => r.recording_files));
    expect(files.some((f) => f.file_extension.includes('../'))).toBe(true);
    expect(recordsFor(sb.account, 'nobody.here@elsewhere.example').registrations).toEqual([]);
  });

  it('answers 404 for an unknown route and logs it loudly', async () => {
    const r = await get('/no/such/thing');
    expect(r.status).toBe(404);
    expect(sb.log.some((e) => e.unknown && e.path === '/v2/no/such/thing')).toBe(true);
    expect(warnings.some((w) => w.includes('/v2/no/such/thing'))).toBe(true);
  });

  it('past participants and pastJoined reports', async () => {
    const a = alice();
    const m = sb.account.meetings.find((x) => x.host_id === a.id && x.instances.length > 0 && Date.parse(x.start_time) > now - 20 * DAY)!;
    const inst = m.instances[m.instances.length - 1]!;
    const byId = await get(`/past_meetings/${m.id}/participants`);
    expect(byId.status).toBe(200);
    expect(byId.json.total_records).toBe(inst.participants.length);
    const byUuid = await get(`/past_meetings/${encodeURIComponent(encodeURIComponent(inst.uuid))}/participants`);
    expect(byUuid.status).toBe(200);
    const rep = await get(`/report/users/${a.id}/meetings?type=pastJoined&from=${ymd(now - 25 * DAY)}&to=${ymd(now)}`);
    expect(rep.status).toBe(200);
    expect(rep.json.meetings.length).toBeGreaterThan(0);
  });
});

describe('sandbox: a meeting UUID with one "/" inside, under both readings of the double-encoding rule', () => {
  const now = Date.UTC(2026, 0, 15, 12);
  for (const reading of ['gateway', 'literal'] as const) {
    it(`${reading}: both encodings are routed (never an unknown route); each answers as that reading says`, async () => {
      const warnings: string[] = [];
      const sb = await startSandbox({ rateLimits: false, clock: () => now, uuidDecoding: reading, onWarning: (m) => warnings.push(m) });
      try {
        const get = api(sb, await token(sb));
        const m = sb.account.meetings.find((x) => x.instances.length > 0 && Date.parse(x.start_time) > now - 20 * DAY)!;
        const inst = m.instances[m.instances.length - 1]!;
        inst.uuid = `Ab9/${inst.uuid.replace(/\//g, 'x').slice(4)}`;
        const once = encodeURIComponent(inst.uuid);
        const twice = encodeURIComponent(once);
        for (const path of [`/past_meetings/${once}/participants`, `/report/meetings/${once}/participants`]) {
          const r = await get(path);
          // The specs' rule encodes this UUID once: the literal reading finds it; a gateway that turns %2F into "/"
          // first sees only "Ab9" (404 code 3001, as for any meeting it does not know), so the client asks again double-encoded.
          if (reading === 'literal') expect(r.status, path).toBe(200);
          else expect([r.status, r.json.code], path).toEqual([404, 3001]);
        }
        const r2 = await get(`/past_meetings/${twice}/participants`);
        // Double-encoded: the gateway decodes twice and finds it; the literal reading decodes once (%2F stays) and does not.
        if (reading === 'gateway') expect(r2.status).toBe(200);
        else expect([r2.status, r2.json.code]).toEqual([404, 3001]);
        expect(sb.log.some((e) => e.unknown)).toBe(false);
        expect(warnings).toEqual([]);
      } finally {
        await sb.close();
      }
    });
  }
});

describe('sandbox: rate limits', () => {
  it('answers 429 with headers (when asked for) over a category limit, not under it, per account and window', async () => {
    let now = Date.UTC(2026, 0, 15, 12);
    const sb = await startSandbox({ plan: 'free', clock: () => now, rateLimitHeaders: true, onWarning: () => {} });
    try {
      const get = api(sb, await token(sb));
      const u = sb.account.users[0]!;
      // Light on free: 4 per second
      const light = [];
      for (let i = 0; i < 4; i++) light.push((await get(`/users/${u.id}`)).status);
      expect(light).toEqual([200, 200, 200, 200]);
      const over = await get(`/users/${u.id}`);
      expect(over.status).toBe(429);
      expect(over.json).toEqual({ code: 429, message: 'You have reached the maximum per-second rate limit for this API. Try again later.' });
      expect(over.headers['x-ratelimit-category']).toBe('Light');
      expect(over.headers['x-ratelimit-type']).toBe('QPS');
      expect(over.headers['x-ratelimit-limit']).toBe('4');
      expect(over.headers['x-ratelimit-remaining']).toBe('0');
      // Medium is a separate bucket: 2 per second
      expect((await get('/users')).status).toBe(200);
      expect((await get('/users')).status).toBe(200);
      expect((await get('/users')).status).toBe(429);
      now += 1000;
      expect((await get(`/users/${u.id}`)).status).toBe(200);
      expect((await get('/users')).status).toBe(200);
    } finally {
      await sb.close();
    }
  });

  it('answers a daily-limit 429 with Retry-After as a date-time once the daily budget is spent', async () => {
    let now = Date.UTC(2026, 0, 15, 12);
    const sb = await startSandbox({ plan: 'free', clock: () => now, rateLimitHeaders: true, onWarning: () => {} });
    try {
      const get = api(sb, await token(sb));
      const u = sb.account.users[0]!;
      let last = 0;
      for (let i = 0; i < 1000; i++) {
        now += 1000; // Heavy on free: 1/s, 1,000/day
        last = (await get(`/report/users/${u.id}/meetings?from=2026-01-01&to=2026-01-15`)).status;
      }
      // A free account: the report answers Zoom's documented "only available for paid account", counted all the same.
      expect(last).toBe(400);
      now += 1000;
      const r = await get(`/report/users/${u.id}/meetings?from=2026-01-01&to=2026-01-15`);
      expect(r.status).toBe(429);
      expect(r.headers['x-ratelimit-type']).toBe('Daily-limit');
      expect(r.headers['retry-after']).toBe('2026-01-16T00:00:00Z');
    } finally {
      await sb.close();
    }
  });
});

describe('sandbox: faults', () => {
  async function statuses(seed: number, faults: string, n = 40): Promise<number[]> {
    const sb = await startSandbox({ seed, faults, rateLimits: false, onWarning: () => {} });
    try {
      const get = api(sb, await token(sb));
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await get(`/users?page_size=${1 + (i % 7)}`)).status);
      return out;
    } finally {
      await sb.close();
    }
  }

  it('parses the syntax strictly', () => {
    expect(parseFaults('429=0.05:3,500=0.02,reset=0.01,slow=0.01:3000,daily429=once,tokenexpire=0.01,pagetokenexpire=0.02').rules).toHaveLength(7);
    expect(parseFaults('503=always@/v2/users').rules[0]).toEqual({ kind: '503', rate: 'always', scope: '/v2/users' });
    for (const bad of ['404=0.1', '500=2', '500', 'reset=0.1:5', '500=0.1@nowhere', '500=0.1,,']) expect(() => parseFaults(bad)).toThrow();
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    const a = await statuses(7, '500=0.3,503=0.2');
    const b = await statuses(7, '500=0.3,503=0.2');
    const c = await statuses(8, '500=0.3,503=0.2');
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.filter((s) => s >= 500).length).toBeGreaterThan(0);
    expect(a.filter((s) => s === 200).length).toBeGreaterThan(0);
  });

  it('never touches the OAuth endpoint unless asked', async () => {
    const sb = await startSandbox({ faults: '500=always', rateLimits: false, onWarning: () => {} });
    try {
      const tok = await token(sb); // would throw on a 500
      expect((await api(sb, tok)('/users')).status).toBe(500);
      sb.setFaults('503=once@oauth');
      await expect(token(sb)).rejects.toThrow(/503/);
      expect(typeof (await token(sb))).toBe('string');
    } finally {
      await sb.close();
    }
  });

  it('injects resets, daily 429s, token expiry and page token expiry', async () => {
    const sb = await startSandbox({ rateLimits: false, rateLimitHeaders: true, onWarning: () => {} });
    try {
      const tok = await token(sb);
      const get = api(sb, tok);
      sb.setFaults('reset=once');
      await expect(get('/users')).rejects.toThrow();
      expect((await get('/users')).status).toBe(200);
      sb.setFaults('daily429=once');
      const d = await get('/users');
      expect(d.status).toBe(429);
      expect(d.headers['x-ratelimit-type']).toBe('Daily-limit');
      expect(String(d.headers['retry-after'])).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      sb.setFaults('pagetokenexpire=always');
      const u = sb.account.users[0]!;
      const first = await get(`/users/${u.id}/meetings?type=previous_meetings&page_size=2`);
      const next = await get(`/users/${u.id}/meetings?type=previous_meetings&page_size=2&next_page_token=${first.json.next_page_token}`);
      expect(next.status).toBe(400);
      expect(next.json.code).toBe(300);
      sb.setFaults('tokenexpire=once');
      expect((await get('/users')).json.code).toBe(124);
      sb.setFaults(undefined);
      expect((await get('/users')).status).toBe(401); // that token stays dead
      expect((await api(sb, await token(sb))('/users')).status).toBe(200);
    } finally {
      await sb.close();
    }
  });
});

describe('sandbox: compliance and webhooks', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ onWarning: () => {} });
  });
  afterAll(() => sb.close());

  it('checks Basic auth and the body, and records every call', async () => {
    const c = sb.credentials;
    const body = { client_id: c.clientId, user_id: sb.account.users[0]!.id, account_id: c.accountId, deauthorization_event_received: { user_data_retention: 'false' }, compliance_completed: true };
    const good = await call(`${sb.url}/oauth/data/compliance`, { method: 'POST', headers: { authorization: basic(c.clientId, c.clientSecret), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(good.status).toBe(200);
    const badAuth = await call(`${sb.url}/oauth/data/compliance`, { method: 'POST', headers: { authorization: basic(c.clientId, 'wrong'), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(badAuth.status).toBe(401);
    const badBody = await call(`${sb.url}/oauth/data/compliance`, { method: 'POST', headers: { authorization: basic(c.clientId, c.clientSecret), 'content-type': 'application/json' }, body: JSON.stringify({ ...body, compliance_completed: false }) });
    expect(badBody.status).toBe(400);
    expect(sb.complianceCalls.map((x) => [x.headersAuthOk, x.status])).toEqual([[true, 200], [false, 401], [true, 400]]);
    sb.account.quirks.complianceEndpoint = 'gone';
    const gone = await call(`${sb.url}/oauth/data/compliance`, { method: 'POST', headers: { authorization: basic(c.clientId, c.clientSecret), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(gone.status).toBe(410);
    sb.account.quirks.complianceEndpoint = 'ok';
  });

  it('signs app_deauthorized exactly as Zoom does, in its three retention shapes', async () => {
    const got: Array<{ headers: Record<string, string | string[] | undefined>; raw: string }> = [];
    const srv = createServer((req, res) => {
      let raw = '';
      req.on('data', (d) => (raw += d));
      req.on('end', () => {
        got.push({ headers: req.headers, raw });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook`;
      expect((await sb.emitDeauthorization(url)).status).toBe(200);
      await sb.emitDeauthorization(url, {}, { userDataRetention: null });
      await sb.emitDeauthorization(url, {}, { userDataRetention: 'absent' });
      for (const g of got) {
        const ts = String(g.headers['x-zm-request-timestamp']);
        const expected = 'v0=' + createHmac('sha256', sb.credentials.webhookSecretToken).update(`v0:${ts}:${g.raw}`).digest('hex');
        expect(g.headers['x-zm-signature']).toBe(expected);
        expect(JSON.parse(g.raw).event).toBe('app_deauthorized');
      }
      const shapes = got.map((g) => JSON.parse(g.raw).payload);
      expect(shapes[0].user_data_retention).toBe('false');
      expect(shapes[1].user_data_retention).toBeNull();
      expect('user_data_retention' in shapes[2]).toBe(false);
    } finally {
      srv.close();
    }
  });
});

describe('sandbox: generated accounts', () => {
  it('builds a large account deterministically, with lazy Phone data', () => {
    const opts = { seed: 42, now: Date.UTC(2026, 0, 15, 12), users: 2000, heavy: { meetings: 20_000, recordingYears: 2, calls: 100_000 } };
    const a = generateAccount(opts);
    const heavy = a.users[0]!;
    expect(a.users).toHaveLength(2000);
    expect(a.meetings.filter((m) => m.host_id === heavy.id)).toHaveLength(20_000);
    expect(heavy.calls.length).toBe(100_000);
    expect(heavy.voicemails.length).toBeGreaterThan(10_000);
    const spanDays = (Date.parse(heavy.recordings.at(-1)!.start_time) - Date.parse(heavy.recordings.at(0)!.start_time)) / DAY;
    expect(spanDays).toBeGreaterThan(700);
    const b = generateAccount(opts);
    expect(b.users[0]!.calls.at(99_999)).toEqual(heavy.calls.at(99_999));
    expect(b.meetings.slice(0, 50).map((m) => m.id)).toEqual(a.meetings.slice(0, 50).map((m) => m.id));
    const ids = new Set(a.meetings.map((m) => m.id));
    expect(ids.size).toBe(a.meetings.length);
  });
});
