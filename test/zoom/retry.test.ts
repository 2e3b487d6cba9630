import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { EXIT } from '../../src/errors.js';
import { Secret } from '../../src/secrets.js';
import { ZoomClient } from '../../src/zoom/client.js';
import { ZoomApiError, ZoomConnectionError, ZoomCredentialsError, ZoomRateLimitError, describeError, isFatal } from '../../src/zoom/errors.js';
import { RateLimiter } from '../../src/zoom/limiter.js';
import { RetryPolicy, parseRetryAfter, systemClock } from '../../src/zoom/retry.js';
import { route } from '../../src/zoom/route.js';
import { closedPort, virtualClock } from '../helpers/clock.js';
import { json, scriptedServer } from '../helpers/scripted-server.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');

function policy(limits: ConstructorParameters<typeof RetryPolicy>[1] = {}, random = 0.5) {
  const { clock } = virtualClock(T0);
  return new RetryPolicy({ ...clock, random: () => random }, limits);
}

describe('the retry policy (pure, on an injected clock)', () => {
  const p = policy();

  it('GET, HEAD and DELETE are sent again after network errors, cut-off answers and 5xx', () => {
    for (const m of ['GET', 'HEAD', 'DELETE']) {
      expect(p.decide(m, { kind: 'network', code: 'ECONNRESET' }, 0)).toMatchObject({ retry: true });
      expect(p.decide(m, { kind: 'cut' }, 0)).toMatchObject({ retry: true });
      expect(p.decide(m, { kind: 'status', status: 502 }, 0)).toMatchObject({ retry: true });
    }
  });

  it('POST and PUT are never sent again after a 5xx, a reset or a cut-off answer: Zoom may have applied them', () => {
    for (const m of ['POST', 'PUT', 'PATCH']) {
      expect(p.decide(m, { kind: 'status', status: 500 }, 0)).toEqual({ retry: false, stop: 'unsafe', why: expect.any(String) });
      expect(p.decide(m, { kind: 'network', code: 'ECONNRESET' }, 0)).toMatchObject({ retry: false, stop: 'unsafe' });
      expect(p.decide(m, { kind: 'network', code: undefined }, 0)).toMatchObject({ retry: false, stop: 'unsafe' });
      expect(p.decide(m, { kind: 'cut' }, 0)).toMatchObject({ retry: false, stop: 'unsafe' });
    }
  });

  it('any method is sent again when the request never left (refused, DNS) and after a 429', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'UND_ERR_CONNECT_TIMEOUT']) expect(p.decide('POST', { kind: 'network', code }, 0)).toMatchObject({ retry: true });
    expect(p.decide('POST', { kind: 'status', status: 429, retryAfter: '3' }, 0)).toEqual({ retry: true, waitMs: 3000, why: '429' });
    expect(p.decide('PUT', { kind: 'status', status: 429 }, 0)).toMatchObject({ retry: true });
  });

  it('a repeatable request (the token) is sent again whatever its method', () => {
    expect(p.decide('POST', { kind: 'status', status: 503 }, 0, true)).toMatchObject({ retry: true });
    expect(p.decide('POST', { kind: 'network', code: 'ECONNRESET' }, 0, true)).toMatchObject({ retry: true });
  });

  it('honours Retry-After as seconds and as an HTTP date, on 429 and 5xx', () => {
    expect(p.decide('GET', { kind: 'status', status: 429, retryAfter: '7' }, 0)).toMatchObject({ retry: true, waitMs: 7000 });
    const date = new Date(T0 + 42_000).toUTCString();
    expect(p.decide('GET', { kind: 'status', status: 429, retryAfter: date }, 0)).toMatchObject({ retry: true, waitMs: 42_000 });
    expect(p.decide('GET', { kind: 'status', status: 503, retryAfter: ['11'] }, 0)).toMatchObject({ retry: true, waitMs: 11_000 });
  });

  it('a daily-limit 429, or a Retry-After longer than zdsar waits, is final', () => {
    expect(p.decide('GET', { kind: 'status', status: 429, daily: true, retryAfter: '1' }, 0)).toMatchObject({ retry: false, stop: 'daily' });
    expect(p.decide('GET', { kind: 'status', status: 429, retryAfter: '121' }, 0)).toMatchObject({ retry: false, stop: 'too-long' });
    expect(p.decide('GET', { kind: 'status', status: 429, retryAfter: '120' }, 0)).toMatchObject({ retry: true, waitMs: 120_000 });
    expect(policy({ maxWaitMs: 5000 }).decide('GET', { kind: 'status', status: 503, retryAfter: '6' }, 0)).toMatchObject({ retry: false, stop: 'too-long' });
  });

  it('gives up after maxRetries (429s get four more), and never retries other 4xx or unknown error codes', () => {
    const q = policy({ maxRetries: 2 });
    expect(q.decide('GET', { kind: 'status', status: 500 }, 1)).toMatchObject({ retry: true });
    expect(q.decide('GET', { kind: 'status', status: 500 }, 2)).toMatchObject({ retry: false, stop: 'exhausted' });
    expect(q.decide('GET', { kind: 'status', status: 429 }, 5)).toMatchObject({ retry: true });
    expect(q.decide('GET', { kind: 'status', status: 429 }, 6)).toMatchObject({ retry: false, stop: 'exhausted' });
    for (const status of [400, 401, 403, 404, 409]) expect(q.decide('GET', { kind: 'status', status }, 0)).toMatchObject({ retry: false, stop: 'final' });
    expect(q.decide('GET', { kind: 'network', code: 'CERT_HAS_EXPIRED' }, 0)).toMatchObject({ retry: false, stop: 'final' });
  });

  it('backs off exponentially with jitter in [½, 1] of the step, capped', () => {
    expect([0, 1, 2, 3].map((a) => policy({}, 0).backoffMs(a))).toEqual([150, 300, 600, 1200]);
    expect([0, 1, 2, 3].map((a) => policy({}, 0.999999).backoffMs(a))).toEqual([300, 600, 1200, 2400]);
    expect(policy({ capMs: 1000 }, 0.999999).backoffMs(10)).toBe(1000);
    expect(p.decide('GET', { kind: 'status', status: 429 }, 0)).toMatchObject({ waitMs: 375 }); // 500 ms base without Retry-After, half-jittered
  });

  it('parses Retry-After: seconds, fractions, HTTP dates, ISO dates; garbage is ignored', () => {
    expect(parseRetryAfter('120', T0)?.getTime()).toBe(T0 + 120_000);
    expect(parseRetryAfter('0.5', T0)?.getTime()).toBe(T0 + 500);
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:01:00 GMT', T0)?.getTime()).toBe(T0 + 60_000);
    expect(parseRetryAfter('2026-03-02T00:00:00Z', T0)?.toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(parseRetryAfter('soon', T0)).toBeUndefined();
    expect(parseRetryAfter(undefined, T0)).toBeUndefined();
  });

  it('a wait can be aborted, before it starts and while it runs', async () => {
    const before = new AbortController();
    before.abort(new Error('stop-before'));
    await expect(systemClock.sleep(60_000, before.signal)).rejects.toThrow('stop-before');
    const during = new AbortController();
    const waiting = systemClock.sleep(3_600_000, during.signal);
    during.abort(new Error('stop-during'));
    await expect(waiting).rejects.toThrow('stop-during');
  });
});

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

function clientFor(apiUrl: string, oauthUrl: string, v = virtualClock(), extra: Partial<ConstructorParameters<typeof ZoomClient>[0]> = {}) {
  return new ZoomClient({
    credentials: { accountId: 'acc', clientId: 'cid', clientSecret: new Secret('s3cret-value-xyz'), apiUrl, oauthUrl },
    plan: 'business',
    dispatcher: new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 }),
    timeoutMs: 5000,
    clock: v.clock,
    limiter: new RateLimiter('business', { clock: v.clock }),
    ...extra,
  });
}

describe('the client, downloads and the token follow the one policy (real sockets, virtual time)', () => {
  it('waits out a 429 Retry-After of 30 s and a 503 Retry-After given as a date, without waiting in real time', async () => {
    let n = 0;
    const v = virtualClock();
    const srv = await scriptedServer((req, res) => {
      if (req.path === '/oauth/token') return json(res, 200, { access_token: 'tok-r1', expires_in: 3599 });
      n++;
      if (n === 1) return json(res, 429, { code: 429, message: 'You have reached the maximum per-second rate limit for this API.' }, { 'retry-after': '30' });
      if (n === 2) return json(res, 503, { code: 503, message: 'busy' }, { 'retry-after': new Date(v.clock.now() + 45_000).toUTCString() });
      return json(res, 200, { ok: true });
    });
    close = srv.close;
    const client = clientFor(`${srv.url}/v2`, srv.url, v);
    expect(await client.get(route('GET', '/users/{userId}', { userId: 'u1' }))).toEqual({ ok: true });
    expect(n).toBe(3);
    expect(v.elapsed()).toBeGreaterThanOrEqual(30_000 + 44_000); // both waits were honoured (HTTP dates have 1 s resolution)
    expect(v.slept.some((ms) => ms >= 44_000 && ms <= 45_000)).toBe(true);
    expect(client.stats.throttled).toBe(1);
    await client.close();
  });

  it('an unreachable API server is a connection error naming the server and the cause (exit 1), after the retries', async () => {
    const port = await closedPort();
    const v = virtualClock();
    const oauth = await scriptedServer((_req, res) => json(res, 200, { access_token: 'tok-r2', expires_in: 3599 }));
    close = oauth.close;
    const client = clientFor(`http://127.0.0.1:${port}/v2`, oauth.url, v, { maxRetries: 3 });
    const err = await client.send(route('POST', '/meetings/{meetingId}/registrants', { meetingId: 12345678901 }), { body: { email: 'a@b.c' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZoomConnectionError);
    expect((err as ZoomConnectionError).exitCode).toBe(EXIT.partial);
    expect((err as ZoomConnectionError).server).toBe('api');
    expect((err as Error).message).toBe(`could not connect to Zoom's API server at 127.0.0.1:${port} (POST /meetings/12345678901/registrants): connection refused (ECONNREFUSED)`);
    expect(v.slept).toHaveLength(3); // refused = never sent: a POST is safe to send again
    expect(isFatal(err)).toBe(false);
    await client.close();
  });

  it('an unreachable OAuth server is a connection error, not bad credentials', async () => {
    const port = await closedPort();
    const v = virtualClock();
    const client = clientFor(`http://127.0.0.1:${port}/v2`, `http://127.0.0.1:${port}`, v);
    const err = await client.auth.token().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZoomConnectionError);
    expect(err).not.toBeInstanceOf(ZoomCredentialsError);
    expect((err as ZoomConnectionError).exitCode).toBe(EXIT.partial);
    expect((err as Error).message).toBe(`could not connect to Zoom's OAuth server at 127.0.0.1:${port}: connection refused (ECONNREFUSED)`);
    expect((err as Error).message).not.toContain('s3cret');
    expect(v.slept).toHaveLength(3);
    await client.close();
  });

  it('the token request is retried after resets and honours the OAuth server\'s Retry-After', async () => {
    let n = 0;
    const v = virtualClock();
    const srv = await scriptedServer((req, res, raw) => {
      n++;
      if (n === 1) return void raw.socket.destroy();
      if (n === 2) return json(res, 429, { reason: 'slow down' }, { 'retry-after': '20' });
      return json(res, 200, { access_token: 'tok-r3', expires_in: 3599 });
    });
    close = srv.close;
    const client = clientFor(`${srv.url}/v2`, srv.url, v);
    expect(await client.auth.token()).toBe('tok-r3');
    expect(n).toBe(3);
    expect(v.slept).toContain(20_000);
    await client.close();
  });

  it('bad credentials stay exit 3, with Zoom\'s tracking id and without the secret', async () => {
    const srv = await scriptedServer((_req, res) => json(res, 401, { reason: 'Invalid client_id or client_secret', error: 'invalid_client' }, { 'x-zm-trackingid': 'v=2.0;clid=us06;rid=WEB_abc123' }));
    close = srv.close;
    const client = clientFor(`${srv.url}/v2`, srv.url);
    const err = await client.auth.token().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZoomCredentialsError);
    expect((err as ZoomCredentialsError).exitCode).toBe(EXIT.auth);
    expect((err as Error).message).toContain('Zoom tracking id v=2.0;clid=us06;rid=WEB_abc123');
    expect((err as Error).message).not.toContain('s3cret-value-xyz');
    expect(isFatal(err)).toBe(true);
    await client.close();
  });

  it("Zoom's errors carry x-zm-trackingid, in the field and in the message a person reads", async () => {
    const srv = await scriptedServer((req, res) => {
      if (req.path === '/oauth/token') return json(res, 200, { access_token: 'tok-r4', expires_in: 3599 });
      return json(res, 404, { code: 1001, message: 'User does not exist: u9.' }, { 'x-zm-trackingid': 'v=2.0;clid=us06;rid=WEB_404' });
    });
    close = srv.close;
    const client = clientFor(`${srv.url}/v2`, srv.url);
    const err = await client.get(route('GET', '/users/{userId}', { userId: 'u9' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZoomApiError);
    expect((err as ZoomApiError).trackingId).toBe('v=2.0;clid=us06;rid=WEB_404');
    expect(describeError(err)).toBe('Zoom answered 404 (code 1001) to GET /users/u9: User does not exist: u9. (Zoom tracking id v=2.0;clid=us06;rid=WEB_404)');
    await client.close();
  });

  it('a wait for Retry-After is aborted with the run', async () => {
    const ac = new AbortController();
    const srv = await scriptedServer((req, res) => {
      if (req.path === '/oauth/token') return json(res, 200, { access_token: 'tok-r5', expires_in: 3599 });
      setImmediate(() => ac.abort(new Error('interrupted by the test')));
      return json(res, 503, { code: 503, message: 'busy' }, { 'retry-after': '100' });
    });
    close = srv.close;
    // The real clock: only the abort can end a 100 s wait.
    const client = clientFor(`${srv.url}/v2`, srv.url, virtualClock(), { signal: ac.signal, clock: systemClock, limiter: undefined });
    await expect(client.get(route('GET', '/users/{userId}', { userId: 'u1' }))).rejects.toThrow('interrupted by the test');
    expect(srv.received.filter((r) => r.path.startsWith('/v2/'))).toHaveLength(1);
    await client.close();
  });
});

describe('one meaning of fatal', () => {
  const init = { message: 'x', method: 'GET', path: '/users/u' };
  it('credentials and scopes refused, and rate limits longer than zdsar waits, are fatal; other answers are not', () => {
    expect(isFatal(new ZoomApiError({ ...init, status: 401, code: 124 }))).toBe(true);
    expect(isFatal(new ZoomApiError({ ...init, status: 400, code: 4711, message: 'Invalid access token, does not contain scopes' }))).toBe(true);
    expect(isFatal(new ZoomRateLimitError({ ...init, status: 429 }, 'daily', undefined))).toBe(true);
    expect(isFatal(new ZoomRateLimitError({ ...init, status: 429 }, 'qps', new Date(T0)))).toBe(true);
    expect(isFatal(new ZoomRateLimitError({ ...init, status: 429 }, 'qps', undefined))).toBe(false);
    expect(isFatal(new ZoomApiError({ ...init, status: 404, code: 1001 }))).toBe(false);
    expect(isFatal(new ZoomApiError({ ...init, status: 500 }))).toBe(false);
    expect(isFatal(new ZoomConnectionError({ server: 'api', url: 'http://127.0.0.1:1', code: 'ECONNRESET' }))).toBe(false);
    expect(isFatal(new Error('anything'))).toBe(false);
  });

  it('describes a rate limit with when it lifts, and the command that continues when the caller names one', () => {
    const daily = new ZoomRateLimitError({ ...init, status: 429, category: 'heavy' }, 'daily', new Date('2026-03-02T00:00:00Z'));
    expect(describeError(daily)).toBe("Zoom's daily rate limit for heavy requests was reached; Zoom accepts them again after 2026-03-02T00:00:00.000Z");
    expect(describeError(daily, 'zdsar requests resume')).toBe("Zoom's daily rate limit for heavy requests was reached; run `zdsar requests resume` after 2026-03-02T00:00:00.000Z");
    expect(describeError(new ZoomRateLimitError({ ...init, status: 429, category: 'light' }, 'qps', undefined))).toBe("Zoom's rate limit for light requests was reached; resume later");
  });
});
