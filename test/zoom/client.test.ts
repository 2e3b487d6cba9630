import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { Secret } from '../../src/secrets.js';
import { ZoomClient } from '../../src/zoom/client.js';
import { ZoomApiError, ZoomConnectionError, ZoomRateLimitError } from '../../src/zoom/errors.js';
import { RateLimiter } from '../../src/zoom/limiter.js';
import { listItems } from '../../src/zoom/paginate.js';
import { route } from '../../src/zoom/route.js';
import { virtualClock } from '../helpers/clock.js';
import { json, scriptedServer } from '../helpers/scripted-server.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

function clientFor(url: string, extra: Partial<ConstructorParameters<typeof ZoomClient>[0]> = {}) {
  return new ZoomClient({
    credentials: { accountId: 'acc', clientId: 'cid', clientSecret: new Secret('s3cret-value-xyz'), apiUrl: `${url}/v2`, oauthUrl: url },
    plan: 'business',
    dispatcher: new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 }),
    timeoutMs: 2000,
    ...extra,
  });
}

describe('ZoomClient over real sockets', () => {
  it('renews the token once for many concurrent requests that get 401/124', async () => {
    let tokens = 0;
    const valid = new Set<string>();
    const srv = await scriptedServer((req, res) => {
      if (req.path === '/oauth/token') {
        expect(req.authorization).toBe(`Basic ${Buffer.from('cid:s3cret-value-xyz').toString('base64')}`);
        expect(req.query.get('grant_type')).toBe('account_credentials');
        expect(req.query.get('account_id')).toBe('acc');
        const t = `tok-${++tokens}`;
        valid.clear();
        if (tokens > 1) valid.add(t); // the first token is already "expired" at Zoom
        return json(res, 200, { access_token: t, token_type: 'bearer', expires_in: 3599, scope: 'user:read:admin' });
      }
      const tok = req.authorization?.replace('Bearer ', '') ?? '';
      if (!valid.has(tok)) return json(res, 401, { code: 124, message: 'Invalid access token.' });
      return json(res, 200, { id: req.path });
    });
    close = srv.close;
    const client = clientFor(srv.url);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => client.get(route('GET', '/users/{userId}', { userId: `u${i}` }))));
    expect(results.map((r) => r.id)).toEqual(Array.from({ length: 12 }, (_, i) => `/v2/users/u${i}`));
    expect(tokens).toBe(2);
    expect(srv.received.filter((r) => r.path === '/oauth/token')).toHaveLength(2);
    await client.close();
  });

  it('a token that answered others and then died is renewed however often it happens; tokens that never work stop after 8', async () => {
    // Other requests keep being answered; each token dies under the slow request (u-slow) once one of them was answered with it: 12 times.
    let tokens = 0;
    const valid = new Set<string>();
    const answeredWith = new Set<string>();
    let slowTries = 0;
    const srv = await scriptedServer(async (req, res) => {
      if (req.path === '/oauth/token') {
        const t = `tok-${++tokens}`;
        valid.clear();
        valid.add(t);
        return json(res, 200, { access_token: t, token_type: 'bearer', expires_in: 3599 });
      }
      const tok = req.authorization?.replace('Bearer ', '') ?? '';
      if (req.path.endsWith('/u-slow') && ++slowTries <= 12) {
        while (!answeredWith.has(tok)) await new Promise((r) => setImmediate(r));
        valid.delete(tok);
        return json(res, 401, { code: 124, message: 'Invalid access token.' });
      }
      if (!valid.has(tok)) return json(res, 401, { code: 124, message: 'Invalid access token.' });
      answeredWith.add(tok);
      return json(res, 200, { id: req.path });
    });
    close = srv.close;
    const client = clientFor(srv.url);
    let done = false;
    const others = (async () => {
      while (!done) await client.get(route('GET', '/users/{userId}', { userId: 'u-other' }));
    })();
    const got = await client.get(route('GET', '/users/{userId}', { userId: 'u-slow' })).finally(() => (done = true));
    await others;
    expect(got.id).toBe('/v2/users/u-slow');
    expect(slowTries).toBe(13);
    await client.close();
    await srv.close();
    close = undefined;

    // Credentials whose every token Zoom's API refuses: the request stops after 8 renewals, with Zoom's 401.
    let minted = 0;
    const bad = await scriptedServer((req, res) => {
      if (req.path === '/oauth/token') return json(res, 200, { access_token: `dead-${++minted}`, expires_in: 3599 });
      return json(res, 401, { code: 124, message: 'Invalid access token.' });
    });
    close = bad.close;
    const refused = clientFor(bad.url);
    await expect(refused.get(route('GET', '/users/{userId}', { userId: 'u1' }))).rejects.toMatchObject({ status: 401 });
    expect(minted).toBe(9);
    await refused.close();
  });

  it('sends the operations named as leads ahead of the reads already queued at their gate', async () => {
    const order: string[] = [];
    const srv = await scriptedServer((req, res) => {
      if (req.path === '/oauth/token') return json(res, 200, { access_token: 'tok-l1', expires_in: 3599 });
      order.push(req.path);
      return json(res, 200, { ok: true });
    });
    close = srv.close;
    const v = virtualClock();
    // Light: one request at a time, so the others queue at the gate.
    const limiter = new RateLimiter('business', { clock: v.clock, limits: { light: { limit: 1, windowMs: 1000 } } });
    const client = clientFor(srv.url, { clock: v.clock, limiter, leads: new Set(['GET /users/{userId}/permissions']) });
    const leaves = Array.from({ length: 4 }, (_, i) => client.get(route('GET', '/users/{userId}', { userId: `leaf${i}` })));
    const lead = client.get(route('GET', '/users/{userId}/permissions', { userId: 'lead' }));
    await Promise.all([...leaves, lead]);
    // The first leaf was already sent; the lead goes next, before the three leaves queued before it.
    expect(order.indexOf('/v2/users/lead/permissions')).toBeLessThanOrEqual(1);
    expect(order).toHaveLength(5);
    await client.close();
  });

  it('retries a GET after 429 honouring Retry-After, and after 500', async () => {
    let n = 0;
    const srv = await scriptedServer((req, res) => {
      if (req.path === '/oauth/token') return json(res, 200, { access_token: 'tok-a1', expires_in: 3599 });
      n++;
      if (n === 1) return json(res, 429, { code: 429, message: 'You have reached the maximum per-second rate limit for this API. Try again later.' }, { 'retry-after': '1', 'x-ratelimit-type': 'QPS', 'x-ratelimit-category': 'Medium' });
      if (n === 2) return json(res, 500, { code: 500, message: 'oops' });
      return json(res, 200, { ok: true });
    });
    close = srv.close;
    const v = virtualClock();
    const client = clientFor(srv.url, { clock: v.clock, limiter: new RateLimiter('business', { clock: v.clock }) });
    const r = await client.get(route('GET', '/users/{userId}/settings', { userId: 'u1' }));
    expect(r).toEqual({ ok: true });
    expect(n).toBe(3);
    expect(client.stats.throttled).toBe(1);
    expect(v.elapsed()).toBeGreaterThanOrEqual(1000); // it waited for Retry-After, in virtual time
    await client.close();
  });

  it('never retries a POST that may have been applied (500, reset)', async () => {
    const srv = await scriptedServer((req, res, raw) => {
      if (req.path === '/oauth/token') return json(res, 200, { access_token: 'tok-b1', expires_in: 3599 });
      if (req.method === 'POST' && req.query.get('mode') === 'reset') {
        raw.socket.destroy();
        return;
      }
      return json(res, 500, { code: 500, message: 'internal' });
    });
    close = srv.close;
    const client = clientFor(srv.url);
    await expect(client.send(route('POST', '/meetings/{meetingId}/registrants', { meetingId: 12345678901 }), { body: { email: 'a@b.c' } })).rejects.toBeInstanceOf(ZoomApiError);
    await expect(client.send(route('POST', '/meetings/{meetingId}/registrants', { meetingId: 12345678901 }), { query: { mode: 'reset' }, body: {} })).rejects.toBeInstanceOf(ZoomConnectionError);
    expect(srv.received.filter((r) => r.method === 'POST' && r.path.includes('registrants'))).toHaveLength(2);
    await client.close();
  });

  it('stops a category on a daily-limit 429 instead of retrying', async () => {
    const srv = await scriptedServer((req, res) => {
      if (req.path === '/oauth/token') return json(res, 200, { access_token: 'tok-c1', expires_in: 3599 });
      return json(res, 429, { code: 429, message: "You have reached the maximum daily rate limit for this API." }, { 'x-ratelimit-type': 'Daily-limit', 'retry-after': '2099-01-01T00:00:00Z' });
    });
    close = srv.close;
    const client = clientFor(srv.url);
    const err = await client.get(route('GET', '/report/users/{userId}/meetings', { userId: 'u' })).catch((e) => e);
    expect(err).toBeInstanceOf(ZoomRateLimitError);
    expect(err.kind).toBe('daily');
    expect(err.retryAt.toISOString()).toBe('2099-01-01T00:00:00.000Z');
    const again = await client.get(route('GET', '/report/users/{userId}/meetings', { userId: 'v' })).catch((e) => e);
    expect(again).toBeInstanceOf(ZoomRateLimitError);
    expect(srv.received.filter((r) => r.path.startsWith('/v2/report'))).toHaveLength(1);
    await client.close();
  });

  it('walks next_page_token pages, restarting without duplicates when a token expires', async () => {
    let expiredOnce = false;
    const all = Array.from({ length: 7 }, (_, i) => ({ id: `m${i}` }));
    const srv = await scriptedServer((req, res) => {
      if (req.path === '/oauth/token') return json(res, 200, { access_token: 'tok-d1', expires_in: 3599 });
      const size = Number(req.query.get('page_size'));
      const start = Number(req.query.get('next_page_token') || 0);
      if (start === 6 && !expiredOnce) {
        expiredOnce = true;
        return json(res, 400, { code: 300, message: 'The next page token is invalid or expired.' });
      }
      const items = all.slice(start, start + size);
      const next = start + size < all.length ? String(start + size) : '';
      return json(res, 200, { page_size: size, total_records: all.length, next_page_token: next, meetings: items });
    });
    close = srv.close;
    const client = clientFor(srv.url);
    const got: string[] = [];
    for await (const m of listItems<{ id: string }>(client, route('GET', '/users/{userId}/meetings', { userId: 'me@example.com' }), {}, { key: 'meetings', pageSize: 3, idOf: (m) => m.id })) got.push(m.id);
    expect(got).toEqual(all.map((m) => m.id));
    expect(srv.received.some((r) => r.path === '/v2/users/me%40example.com/meetings')).toBe(true);
    await client.close();
  });

  it('reports bad credentials without the secret', async () => {
    const srv = await scriptedServer((_req, res) => json(res, 401, { reason: 'Invalid client_id or client_secret', error: 'invalid_client' }));
    close = srv.close;
    const client = clientFor(srv.url);
    const err = await client.auth.token().catch((e) => e);
    expect(err.exitCode).toBe(3);
    expect(String(err.message)).toContain('invalid_client');
    expect(String(err.message)).not.toContain('s3cret-value-xyz');
    await client.close();
  });
});
