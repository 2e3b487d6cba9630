/**
 * The desk's guard, over real sockets: the token on every request (missing or wrong → 403), the Host
 * header (another name → refused), changes only by POST from the desk's own form, the security
 * headers, and the idle stop with an injected clock. The CLI prints the URL and stops on Ctrl-C.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { sameToken, startDesk, type Desk } from '../../src/commands/desk/server.js';
import { startCli, streamMatches, tempDir } from '../helpers/cli.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One raw HTTP request, with exactly the headers given (Host included). */
function send(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) }, setHost: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('zdsar desk: the guard', () => {
  let desk: Desk | undefined;
  let now = 1_000_000;
  afterEach(async () => {
    await desk?.close();
    desk = undefined;
  });

  const open = async () => {
    desk = await startDesk({ env: { ZDSAR_HOME: tempDir('zdsar-desk-home-') }, idleMs: 30 * 60_000, now: () => now, token: 'T0ken-for-tests_abcdefghijklmnopqrstuvwxyz0' });
    const host = `127.0.0.1:${desk.port}`;
    return { desk, host, base: '/T0ken-for-tests_abcdefghijklmnopqrstuvwxyz0' };
  };

  it('serves its pages only with the token, with a strict CSP and no referrer to other sites', async () => {
    const { desk, host, base } = await open();
    expect(desk.url).toBe(`http://127.0.0.1:${desk.port}${base}/`);
    const ok = await send(desk.port, 'GET', `${base}/`, { host });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('<h1>Requests</h1>');
    expect(ok.body).not.toMatch(/<script|style=/i);
    expect(ok.headers['content-security-policy']).toBe("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
    expect(ok.headers['referrer-policy']).toBe('same-origin');
    expect(ok.headers['x-frame-options']).toBe('DENY');
    expect((await send(desk.port, 'GET', `${base}/desk.css`, { host })).headers['content-type']).toMatch(/^text\/css/);

    for (const path of ['/', '/desk.css', '/r/r-20261205-120000-abcd', `${base.slice(0, -1)}/`, `${base}x/`, `/${base.slice(2)}/`]) {
      const r = await send(desk.port, 'GET', path, { host });
      expect(r.status, path).toBe(403);
      expect(r.body).not.toContain('Requests');
    }
    // The token is in the path, not in a query string a referrer or a log would carry.
    expect((await send(desk.port, 'GET', `/?t=${base.slice(1)}`, { host })).status).toBe(403);
  });

  it('refuses another Host (DNS rebinding), with or without the token', async () => {
    const { desk, base } = await open();
    for (const host of ['evil.example', `evil.example:${desk.port}`, `127.0.0.1:${desk.port + 1}`, '127.0.0.1', '']) {
      const r = await send(desk.port, 'GET', `${base}/`, { host });
      expect(r.status, host).toBe(421);
      expect(r.body).toMatch(/refused/);
    }
    expect((await send(desk.port, 'GET', `${base}/`, { host: `localhost:${desk.port}` })).status).toBe(200);
  });

  it('changes nothing on GET, and takes a POST only with the token in the form and from its own origin', async () => {
    const { desk, host, base } = await open();
    const id = 'r-20261205-120000-abcd';
    // There is no GET route that changes anything: the POST paths are not pages.
    expect((await send(desk.port, 'GET', `${base}/r/${id}/approve?approver=x&sha256=${'a'.repeat(64)}&token=${base.slice(1)}`, { host })).status).toBe(404);
    const form = { host, 'content-type': 'application/x-www-form-urlencoded' };
    const body = (token?: string) => new URLSearchParams({ ...(token !== undefined ? { token } : {}), approver: 'Mallory', sha256: 'a'.repeat(64) }).toString();
    expect((await send(desk.port, 'POST', `${base}/r/${id}/approve`, form, body())).status).toBe(403);
    expect((await send(desk.port, 'POST', `${base}/r/${id}/approve`, form, body('wrong'))).status).toBe(403);
    expect((await send(desk.port, 'POST', `${base}/r/${id}/approve`, { ...form, origin: 'http://evil.example' }, body(base.slice(1)))).status).toBe(403);
    expect((await send(desk.port, 'POST', `${base}/r/${id}/approve`, { ...form, 'sec-fetch-site': 'cross-site' }, body(base.slice(1)))).status).toBe(403);
    expect((await send(desk.port, 'POST', `/r/${id}/approve`, form, body(base.slice(1)))).status).toBe(403);
    expect((await send(desk.port, 'PUT', `${base}/r/${id}/approve`, form, body(base.slice(1)))).status).toBe(405);
    // With everything right, the workflow answers (here: no such request), as a page that says so.
    const through = await send(desk.port, 'POST', `${base}/r/${id}/approve`, { ...form, origin: `http://127.0.0.1:${desk.port}` }, body(base.slice(1)));
    expect(through.status).toBe(400);
    expect(through.body).toContain(`no request ${id} in the ledger`);
  });

  it('stops after the idle time without a request, and not before (injected clock)', async () => {
    const { desk, host, base } = await open();
    now += 29 * 60_000;
    expect(desk.checkIdle()).toBe(false);
    await send(desk.port, 'GET', `${base}/`, { host });
    now += 29 * 60_000;
    expect(desk.checkIdle(), 'a request restarts the idle time').toBe(false);
    now += 60_000;
    expect(desk.checkIdle()).toBe(true);
    await expect(desk.stopped).resolves.toBe('idle');
    await expect(send(desk.port, 'GET', `${base}/`, { host })).rejects.toThrow();
  });

  it('compares tokens in constant time and exactly', () => {
    expect(sameToken('abc', 'abc')).toBe(true);
    expect(sameToken('abd', 'abc')).toBe(false);
    expect(sameToken('abcd', 'abc')).toBe(false);
    expect(sameToken(undefined, 'abc')).toBe(false);
  });

  it('zdsar desk --json prints {url}; the page answers; Ctrl-C stops it with exit 0', async () => {
    const child = startCli(['desk', '--json'], { ZDSAR_HOME: tempDir('zdsar-desk-home-') });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    await streamMatches(child.stdout!, /\}\s*$/, () => out);
    const { url } = JSON.parse(out) as { url: string };
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{43}\/$/);
    const u = new URL(url);
    expect((await send(Number(u.port), 'GET', u.pathname, { host: u.host })).status).toBe(200);
    expect((await send(Number(u.port), 'GET', '/', { host: u.host })).status).toBe(403);
    const code = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    expect(await code).toBe(0);
  });

  it('zdsar desk refuses a bad --idle with exit 2', async () => {
    const child = startCli(['desk', '--idle', 'soon'], { ZDSAR_HOME: tempDir('zdsar-desk-home-') });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(2);
    expect(err).toContain('--idle');
  });
});
