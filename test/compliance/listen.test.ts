import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signZoomEvent } from '../../src/compliance/verify.js';
import { allFiles, BIN, ROOT, runCli } from './cli-helpers.js';
import { startFakeZoom } from './fake-zoom.js';

const FIXTURES = join(ROOT, 'fixtures', 'events');
const WEBHOOK_SECRET = 'listen-test-webhook-secret';
const CLIENT_SECRET = 'listen-test-client-secret';
const CLIENT_ID = 'ABcDefGHIj12A';

let zoom: Awaited<ReturnType<typeof startFakeZoom>>;
let home: string;
let work: string;
let env: Record<string, string>;
let child: ChildProcessWithoutNullStreams | undefined;

beforeEach(async () => {
  zoom = await startFakeZoom();
  home = mkdtempSync(join(tmpdir(), 'zdsar-listen-home-'));
  work = mkdtempSync(join(tmpdir(), 'zdsar-listen-work-'));
  env = {
    PATH: process.env.PATH ?? '',
    CI: 'true',
    NO_COLOR: '1',
    ZOOM_WEBHOOK_SECRET_TOKEN: WEBHOOK_SECRET,
    ZDSAR_HOME: home,
    ZOOM_API_URL: zoom.apiUrl,
    ZOOM_CLIENT_ID: CLIENT_ID,
    ZOOM_CLIENT_SECRET: CLIENT_SECRET,
    ZOOM_ACCOUNT_ID: 'the-s2s-account',
    OUT_DIR: work,
  };
});
afterEach(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
  await zoom.close();
  rmSync(home, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

/** Start `zdsar compliance listen`, collect its JSON lines, and wait for the "listening" one. */
async function startListener(args: string[]) {
  const c = spawn(process.execPath, [BIN, 'compliance', 'listen', '--port', '0', ...args], { cwd: ROOT, env, stdio: 'pipe' });
  child = c;
  const lines: Array<Record<string, unknown>> = [];
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  c.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    const parts = stdout.split('\n');
    stdout = parts.pop()!;
    for (const p of parts) if (p.trim()) lines.push(JSON.parse(p));
    for (const w of waiters.splice(0)) w();
  });
  c.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => c.on('close', (code) => resolve(code)));
  async function waitFor(pred: (l: Record<string, unknown>) => boolean, what: string) {
    for (;;) {
      const hit = lines.find(pred);
      if (hit) return hit;
      if (c.exitCode !== null) throw new Error(`listener exited while waiting for ${what}:\n${stderr}`);
      await Promise.race([new Promise<void>((r) => waiters.push(r)), exited]);
    }
  }
  const listening = await waitFor((l) => l.kind === 'listening', 'the listening line');
  return { url: String(listening.url), lines, waitFor, exited, stderr: () => stderr, child: c };
}

async function post(url: string, body: string, headers: Record<string, string>) {
  const res = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const text = await res.body.text();
  return { status: res.statusCode, json: text ? JSON.parse(text) : null };
}

function signed(body: string, opts: { secret?: string; ageSeconds?: number } = {}) {
  const ts = String(Math.floor(Date.now() / 1000) - (opts.ageSeconds ?? 0));
  return { 'x-zm-request-timestamp': ts, 'x-zm-signature': signZoomEvent(opts.secret ?? WEBHOOK_SECRET, ts, body) };
}

function deauthBody(name: string, mutate?: (p: Record<string, unknown>) => void): string {
  const json = JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
  json.payload.deauthorization_time = new Date(Date.now() - 3600_000).toISOString();
  mutate?.(json.payload);
  return JSON.stringify(json);
}

describe('zdsar compliance listen', () => {
  it('answers the URL validation challenge, rejects what is not authentic, records and notifies a signed event', async () => {
    // The user's deletion command: writes what it was given, fails for one user.
    const script = join(work, 'delete-user.cjs');
    writeFileSync(
      script,
      `const fs = require('fs');
       fs.writeFileSync(require('path').join(process.env.OUT_DIR, 'ran-' + process.env.ZOOM_USER_ID + '.json'), JSON.stringify(process.env));
       console.log('deleted data of ' + process.env.ZOOM_USER_ID);
       process.exit(process.env.ZOOM_USER_ID === 'fail-me' ? 3 : 0);`,
    );
    const l = await startListener(['--on-deauthorize', `"${process.execPath}" "${script}"`, '--notify']);
    expect(l.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(l.stderr()).toContain(l.url);

    // URL validation, signed as Zoom signs it.
    const challenge = readFileSync(join(FIXTURES, 'url-validation.json'), 'utf8');
    const v = await post(l.url, challenge, signed(challenge));
    expect(v.status).toBe(200);
    expect(v.json).toEqual({
      plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
      encryptedToken: createHmac('sha256', WEBHOOK_SECRET).update('qgg8vlvZRS6UYooatFL8Aw').digest('hex'),
    });
    // Unsigned or forged: no answer to the challenge (it would be an HMAC oracle).
    expect((await post(l.url, challenge, {})).status).toBe(401);
    expect((await post(l.url, challenge, signed(challenge, { secret: 'wrong-secret' }))).json.encryptedToken).toBeUndefined();

    // Forged, stale, unsigned, malformed: rejected, never processed.
    const body = deauthBody('retention-false.json');
    expect((await post(l.url, body, signed(body, { secret: 'wrong-secret' }))).status).toBe(401);
    expect((await post(l.url, body, signed(body, { ageSeconds: 301 }))).status).toBe(401);
    expect((await post(l.url, body, {})).status).toBe(401);
    const tamperedHeaders = signed(body);
    expect((await post(l.url, body.replace('"false"', '"true"'), tamperedHeaders)).status).toBe(401);
    const notJson = '{"event":"app_deauthorized","payload":{';
    expect((await post(l.url, notJson, signed(notJson))).status).toBe(400);
    expect(zoom.calls).toHaveLength(0);

    // A signed deauthorization: recorded, the command runs, then the notice is sent.
    const ok = await post(l.url, body, signed(body));
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ status: 'received' });
    const requestId = ok.json.request_id as string;
    const notified = await l.waitFor((x) => x.kind === 'notify' && x.request_id === requestId, 'the notice');
    expect(notified).toMatchObject({ action: 'sent', status: 200 });
    expect(l.lines.find((x) => x.kind === 'deletion' && x.request_id === requestId)).toMatchObject({ outcome: 'succeeded', exit_code: 0 });
    expect(zoom.calls).toHaveLength(1);
    const payload = JSON.parse(body).payload;
    expect(JSON.parse(zoom.calls[0]!.body)).toEqual({
      client_id: payload.client_id,
      user_id: payload.user_id,
      account_id: payload.account_id,
      deauthorization_event_received: payload,
      compliance_completed: true,
    });
    expect(zoom.calls[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);

    // The command got the event's fields and the raw event, never the secrets.
    const ran = JSON.parse(readFileSync(join(work, `ran-${payload.user_id}.json`), 'utf8')) as Record<string, string>;
    expect(ran).toMatchObject({
      ZOOM_USER_ID: payload.user_id,
      ZOOM_ACCOUNT_ID: payload.account_id,
      ZOOM_CLIENT_ID: payload.client_id,
      ZOOM_DEAUTHORIZATION_TIME: payload.deauthorization_time,
      ZOOM_USER_DATA_RETENTION: 'false',
      ZOOM_DATA_RETENTION: 'delete',
      ZDSAR_REQUEST_ID: requestId,
    });
    expect(readFileSync(ran.ZOOM_EVENT_FILE!, 'utf8')).toBe(body);
    expect(ran.ZOOM_CLIENT_SECRET).toBeUndefined();
    expect(ran.ZOOM_WEBHOOK_SECRET_TOKEN).toBeUndefined();
    expect(JSON.stringify(ran)).not.toContain(CLIENT_SECRET);
    expect(JSON.stringify(ran)).not.toContain(WEBHOOK_SECRET);

    // Zoom delivers the same event again: recorded once, nothing run or sent again.
    const again = await post(l.url, body, signed(body));
    expect(again.json.request_id).toBe(requestId);
    await l.waitFor((x) => x.kind === 'notify' && x.request_id === requestId && x.action === 'already-notified', 'the duplicate');
    expect(zoom.calls).toHaveLength(1);

    // The command fails: no notice.
    const failing = deauthBody('retention-null.json', (p) => {
      p.user_id = 'fail-me';
    });
    const f = await post(l.url, failing, signed(failing));
    expect(f.status).toBe(200);
    await l.waitFor((x) => x.kind === 'deletion' && x.request_id === f.json.request_id && x.outcome === 'failed', 'the failed deletion');
    // Retention true: nothing run, nothing sent.
    const keep = deauthBody('retention-true.json');
    const k = await post(l.url, keep, signed(keep));
    await l.waitFor((x) => x.kind === 'notify' && x.request_id === k.json.request_id && x.action === 'not-owed', 'not owed');
    expect(existsSync(join(work, `ran-${JSON.parse(keep).payload.user_id}.json`))).toBe(false);
    // Another verified event type is acknowledged and ignored.
    const other = readFileSync(join(FIXTURES, 'meeting-started.json'), 'utf8');
    expect((await post(l.url, other, signed(other))).json).toEqual({ status: 'ignored' });
    expect(zoom.calls).toHaveLength(1);

    // Stops on SIGTERM (the run's abort signal).
    l.child.kill('SIGTERM');
    expect(await l.exited).toBe(0);
    expect(l.stderr()).toMatch(/stopped/);

    const status = await runCli(['compliance', 'status', '--json'], env);
    expect(JSON.parse(status.stdout)).toMatchObject({ received: 3, notified: 1, not_owed: 1, pending: 1, overdue: 0 });
    for (const file of allFiles(home)) {
      expect(file.text).not.toContain(WEBHOOK_SECRET);
      expect(file.text).not.toContain(CLIENT_SECRET);
    }
    expect(l.stderr()).not.toContain(WEBHOOK_SECRET);
    expect(l.stderr()).not.toContain(CLIENT_SECRET);
  });

  it('without --notify: records the event and says how to notify; nothing is sent', async () => {
    const l = await startListener([]);
    const body = deauthBody('retention-absent.json');
    const r = await post(l.url, body, signed(body));
    expect(r.status).toBe(200);
    await l.waitFor((x) => x.kind === 'app_deauthorized' && x.retention === 'unspecified', 'the event');
    l.child.kill('SIGINT');
    expect(await l.exited).toBe(0);
    expect(l.stderr()).toMatch(/zdsar compliance notify --event /);
    expect(zoom.calls).toHaveLength(0);
    const status = JSON.parse((await runCli(['compliance', 'status', '--json'], env)).stdout);
    expect(status).toMatchObject({ received: 1, pending: 1 });
  });

  it('--port in use is exit 2; a bad --port is exit 2', async () => {
    const l = await startListener([]);
    const port = new URL(l.url).port;
    const clash = await runCli(['compliance', 'listen', '--port', port], env);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/in use/);
    expect((await runCli(['compliance', 'listen', '--port', 'eighty'], env)).code).toBe(2);
    l.child.kill('SIGTERM');
    await l.exited;
  });

  // Issue 15, finding 9.
  it('--on-deauthorize never runs for a signed event whose client_id is not ours; it is not recorded either', async () => {
    const script = join(work, 'delete-user.cjs');
    writeFileSync(script, `require('fs').writeFileSync(require('path').join(process.env.OUT_DIR, 'ran-' + process.env.ZOOM_USER_ID), 'x');`);
    const l = await startListener(['--on-deauthorize', `"${process.execPath}" "${script}"`]);
    const body = deauthBody('retention-false.json', (p) => {
      p.client_id = 'AnotherApp123';
      p.user_id = 'not-our-user';
    });
    const r = await post(l.url, body, signed(body));
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ status: 'ignored' });
    await l.waitFor((x) => x.kind === 'ignored' && String(x.reason).includes('AnotherApp123'), 'the ignored line');
    // Our own app's event still runs the command (same listener, same secret).
    const ours = deauthBody('retention-false.json', (p) => (p.user_id = 'our-user'));
    const ok = await post(l.url, ours, signed(ours));
    await l.waitFor((x) => x.kind === 'deletion' && x.request_id === ok.json.request_id, 'our deletion');
    l.child.kill('SIGTERM');
    await l.exited;
    expect(existsSync(join(work, 'ran-not-our-user'))).toBe(false);
    expect(existsSync(join(work, 'ran-our-user'))).toBe(true);
    const status = JSON.parse((await runCli(['compliance', 'status', '--json'], env)).stdout);
    expect(status.received).toBe(1);
    // Without ZOOM_CLIENT_ID there is no way to tell: --on-deauthorize is refused at start.
    const { ZOOM_CLIENT_ID: _id, ZOOM_CLIENT_SECRET: _s, ...noId } = env;
    const refused = await runCli(['compliance', 'listen', '--port', '0', '--on-deauthorize', 'true'], noId);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--on-deauthorize needs ZOOM_CLIENT_ID/);
  });

  it('caps connections and cuts off slow bodies (ZDSAR_LISTEN_MAX_CONNECTIONS, ZDSAR_LISTEN_BODY_TIMEOUT_MS)', async () => {
    env.ZDSAR_LISTEN_MAX_CONNECTIONS = '4';
    env.ZDSAR_LISTEN_BODY_TIMEOUT_MS = '300';
    const l = await startListener([]);
    const { port } = new URL(l.url);
    const { connect } = await import('node:net');
    // Ten connections that send headers and then trickle a body that never completes.
    const socks = Array.from({ length: 10 }, () => {
      const s = connect(Number(port), '127.0.0.1');
      const closed = new Promise<void>((resolve) => s.on('close', () => resolve()));
      s.on('error', () => {});
      s.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"event":');
      const drip = setInterval(() => s.writable && s.write(' '), 50);
      return { s, closed, drip };
    });
    // Every one is closed by the listener (over the cap at once, the others when their time is up).
    // A bound, not a timing assertion: before the fix they were held for 30 to 60 s (Node's defaults).
    let bound: NodeJS.Timeout | undefined;
    const held = await Promise.race([
      Promise.all(socks.map((x) => x.closed)).then(() => false),
      new Promise<boolean>((resolve) => (bound = setTimeout(() => resolve(true), 15_000))),
    ]);
    clearTimeout(bound);
    for (const x of socks) x.s.destroy();
    expect(held, 'slow connections were still held after 15 s').toBe(false);
    for (const x of socks) clearInterval(x.drip);
    // The listener still answers afterwards.
    const body = deauthBody('retention-absent.json');
    expect((await post(l.url, body, signed(body))).status).toBe(200);
    l.child.kill('SIGTERM');
    await l.exited;
  });

  it('idle connections hold no place under the cap: a delivery gets through while 40 sit silent', async () => {
    env.ZDSAR_LISTEN_MAX_CONNECTIONS = '4';
    const l = await startListener([]);
    const { port } = new URL(l.url);
    const { connect } = await import('node:net');
    const idle = await Promise.all(
      Array.from({ length: 40 }, () => new Promise<import('node:net').Socket>((resolve) => {
        const s = connect(Number(port), '127.0.0.1', () => resolve(s));
        s.on('error', () => {});
      })),
    );
    try {
      const body = deauthBody('retention-absent.json');
      expect((await post(l.url, body, signed(body))).status).toBe(200);
    } finally {
      for (const s of idle) s.destroy();
    }
    l.child.kill('SIGTERM');
    await l.exited;
  });

  it('event fields reach stderr without newlines or terminal escapes, in the listener, --on-deauthorize output, compliance status and requests show', async () => {
    const script = join(work, 'echo-user.cjs');
    writeFileSync(script, `console.log('deleting ' + process.env.ZOOM_USER_ID);`);
    const l = await startListener(['--on-deauthorize', `"${process.execPath}" "${script}"`]);
    const body = deauthBody('retention-absent.json', (p) => {
      p.user_id = 'evil\nzdsar: FORGED line\u001b[2J\u001b]0;title\u0007';
      p.account_id = 'acct\r\u009b31m';
    });
    const r = await post(l.url, body, signed(body));
    expect(r.status).toBe(200);
    const ev = await l.waitFor((x) => x.kind === 'app_deauthorized', 'the event');
    await l.waitFor((x) => x.kind === 'deletion', 'the deletion');
    l.child.kill('SIGTERM');
    await l.exited;
    const err = l.stderr();
    const control = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
    expect(err).not.toMatch(control);
    expect(err.split('\n').some((line) => line.startsWith('zdsar: FORGED'))).toBe(false);
    expect(err).toContain('evil\\u000azdsar: FORGED line\\u001b[2J');
    expect(err).toContain('deleting evil'); // the command's own output, made visible
    for (const args of [['compliance', 'status'], ['requests', 'show', String(ev.request_id), '--show-emails']]) {
      const r = await runCli(args, env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout + r.stderr, args.join(' ')).not.toMatch(control);
      expect(r.stdout + r.stderr, args.join(' ')).toContain('\\u001b');
    }
  });
});
