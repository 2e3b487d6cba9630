import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signZoomEvent } from '../../src/compliance/verify.js';
import { startCli, type CliResult } from '../helpers/cli.js';
import { allFiles, ROOT, runCli } from './cli-helpers.js';
import { startFakeZoom } from './fake-zoom.js';

const FIXTURES = join(ROOT, 'fixtures', 'events');
const WEBHOOK_SECRET = 'cli-test-webhook-secret-token';
const CLIENT_SECRET = 'cli-test-client-secret-value';
const CLIENT_ID = 'ABcDefGHIj12A';

let zoom: Awaited<ReturnType<typeof startFakeZoom>>;
let home: string;
let work: string;
let env: Record<string, string>;

beforeEach(async () => {
  zoom = await startFakeZoom();
  home = mkdtempSync(join(tmpdir(), 'zdsar-cli-home-'));
  work = mkdtempSync(join(tmpdir(), 'zdsar-cli-work-'));
  env = {
    ZOOM_WEBHOOK_SECRET_TOKEN: WEBHOOK_SECRET,
    ZDSAR_HOME: home,
    ZOOM_API_URL: zoom.apiUrl,
    ZOOM_CLIENT_ID: CLIENT_ID,
    ZOOM_CLIENT_SECRET: CLIENT_SECRET,
    ZOOM_ACCOUNT_ID: 'abcdEfghIJklMn00',
  };
});
afterEach(async () => {
  await zoom.close();
  rmSync(home, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});
afterAll(() => undefined);

/** A delivery of a fixture body, signed now (optionally changed first), written to a file. */
function delivery(name: string, opts: { mutate?: (p: Record<string, unknown>) => void; secret?: string; ageSeconds?: number } = {}) {
  let body = readFileSync(join(FIXTURES, name), 'utf8');
  if (opts.mutate) {
    const json = JSON.parse(body);
    opts.mutate(json.payload);
    body = JSON.stringify(json);
  }
  const ts = String(Math.floor(Date.now() / 1000) - (opts.ageSeconds ?? 0));
  const signature = signZoomEvent(opts.secret ?? WEBHOOK_SECRET, ts, body);
  const file = join(work, `${Math.random().toString(36).slice(2)}-${name}`);
  writeFileSync(file, body);
  return { body, ts, signature, file, args: ['--event', file, '--signature', signature, '--timestamp', ts] };
}

const recent = (p: Record<string, unknown>) => {
  p.deauthorization_time = new Date(Date.now() - 3600_000).toISOString();
};

function expectNoSecrets(...outputs: string[]) {
  for (const text of [...outputs, ...allFiles(home).map((f) => f.text)]) {
    expect(text).not.toContain(WEBHOOK_SECRET);
    expect(text).not.toContain(CLIENT_SECRET);
    expect(text).not.toContain(Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64'));
  }
}

describe('zdsar compliance verify', () => {
  it('authentic and fresh: exit 0, --json {authentic, fresh, event, reason}', async () => {
    for (const name of ['retention-false.json', 'retention-true.json', 'retention-null.json', 'retention-absent.json']) {
      const d = delivery(name);
      const r = await runCli(['compliance', 'verify', ...d.args, '--json'], env);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({ authentic: true, fresh: true, reason: null });
      expect(out.event).toEqual(JSON.parse(d.body));
      expect(r.stderr).toMatch(/authentic and fresh/);
    }
    expect(zoom.calls).toHaveLength(0);
  });

  it('reads the body from standard input with --event -', async () => {
    const d = delivery('retention-false.json');
    const r = await runCli(['compliance', 'verify', '--event', '-', '--signature', d.signature, '--timestamp', d.ts], env, d.body);
    expect(r.code, r.stderr).toBe(0);
  });

  it('a tampered body is forged: exit 1 with a clear message', async () => {
    const d = delivery('retention-false.json');
    writeFileSync(d.file, d.body.replace('"false"', '"true"'));
    const r = await runCli(['compliance', 'verify', ...d.args], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not authentic: the signature does not match/);
    expect(r.stdout).toBe('');
  });

  it('a signature made with another secret is forged: exit 1', async () => {
    const d = delivery('retention-false.json', { secret: 'some-other-secret-token' });
    const r = await runCli(['compliance', 'verify', ...d.args, '--json'], env);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ authentic: false, event: null });
  });

  it('a stale timestamp fails with the default 300 s and passes with --tolerance', async () => {
    const d = delivery('retention-false.json', { ageSeconds: 400 });
    const r = await runCli(['compliance', 'verify', ...d.args, '--json'], env);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ authentic: true, fresh: false });
    expect(r.stderr).toMatch(/stale: the request timestamp is 40\d s old, beyond the tolerance of 300 s/);
    const wide = await runCli(['compliance', 'verify', ...d.args, '--tolerance', '3600'], env);
    expect(wide.code, wide.stderr).toBe(0);
  });

  it('missing headers, a malformed body, or a bad flag: exit 2', async () => {
    const d = delivery('retention-false.json');
    const noSig = await runCli(['compliance', 'verify', '--event', d.file, '--timestamp', d.ts], env);
    expect(noSig.code).toBe(2);
    expect(noSig.stderr).toMatch(/missing x-zm-signature/);
    const noTs = await runCli(['compliance', 'verify', '--event', d.file, '--signature', d.signature, '--json'], env);
    expect(noTs.code).toBe(2);
    expect(JSON.parse(noTs.stdout)).toMatchObject({ authentic: false, fresh: false, event: null });

    const broken = '{"event":"app_deauthorized","payload":';
    const ts = String(Math.floor(Date.now() / 1000));
    writeFileSync(join(work, 'broken.json'), broken);
    const bad = await runCli(
      ['compliance', 'verify', '--event', join(work, 'broken.json'), '--signature', signZoomEvent(WEBHOOK_SECRET, ts, broken), '--timestamp', ts],
      env,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/malformed: the body is not JSON/);

    expect((await runCli(['compliance', 'verify', ...d.args, '--tolerance', 'soon'], env)).code).toBe(2);
    const missingFile = await runCli(['compliance', 'verify', '--event', join(work, 'nope.json'), '--signature', d.signature, '--timestamp', d.ts], env);
    expect(missingFile.code).toBe(2);
    expect(missingFile.stderr).toMatch(/cannot read .*ENOENT/);
  });

  it('without ZOOM_WEBHOOK_SECRET_TOKEN: exit 2 naming the variable', async () => {
    const d = delivery('retention-false.json');
    const { ZOOM_WEBHOOK_SECRET_TOKEN: _drop, ...rest } = env;
    const r = await runCli(['compliance', 'verify', ...d.args], rest);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing ZOOM_WEBHOOK_SECRET_TOKEN/);
  });
});

describe('zdsar compliance notify', () => {
  it("sends exactly Zoom's documented request once; a second run sends nothing", async () => {
    const d = delivery('retention-false.json', { mutate: recent });
    const first = await runCli(['compliance', 'notify', ...d.args, '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ action: 'sent', status: 200, retention: 'delete' });

    expect(zoom.calls).toHaveLength(1);
    expect(zoom.unexpected).toEqual([]);
    const call = zoom.calls[0]!;
    expect(call.method).toBe('POST');
    expect(call.path).toBe('/oauth/data/compliance');
    expect(call.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expect(call.headers['content-type']).toBe('application/json');
    const payload = JSON.parse(d.body).payload;
    expect(JSON.parse(call.body)).toEqual({
      client_id: payload.client_id,
      user_id: payload.user_id,
      account_id: payload.account_id,
      deauthorization_event_received: payload,
      compliance_completed: true,
    });

    // Zoom retries deliveries: a new timestamp and signature for the same deauthorization.
    const again = delivery('retention-false.json', {
      mutate: (p) => {
        p.deauthorization_time = payload.deauthorization_time;
      },
    });
    const second = await runCli(['compliance', 'notify', ...again.args, '--json'], env);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ action: 'already-notified' });
    expect(second.stderr).toMatch(/already notified/);
    expect(zoom.calls).toHaveLength(1);

    const forced = await runCli(['compliance', 'notify', ...d.args, '--force', '--tolerance', '3600'], env);
    expect(forced.code, forced.stderr).toBe(0);
    expect(zoom.calls).toHaveLength(2);

    const status = await runCli(['compliance', 'status', '--json'], env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ received: 1, notified: 1, pending: 0, overdue: 0 });
    expectNoSecrets(first.stdout, first.stderr, second.stdout, second.stderr, forced.stderr, status.stdout);
    for (const f of allFiles(home)) expect(f.mode & 0o077, f.path).toBe(0);
  });

  it('user_data_retention "true" (or true): records that nothing is owed and sends nothing, no credentials needed', async () => {
    const d = delivery('retention-true.json', { mutate: recent });
    const { ZOOM_CLIENT_SECRET: _a, ZOOM_CLIENT_ID: _b, ZOOM_ACCOUNT_ID: _c, ...noCreds } = env;
    const r = await runCli(['compliance', 'notify', ...d.args, '--json'], noCreds);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ action: 'not-owed', retention: 'retain' });
    const b = delivery('retention-true.json', {
      mutate: (p) => {
        recent(p);
        p.user_data_retention = true;
        p.user_id = 'boolean-true';
      },
    });
    expect((await runCli(['compliance', 'notify', ...b.args], env)).code).toBe(0);
    expect(zoom.calls).toHaveLength(0);
    const status = JSON.parse((await runCli(['compliance', 'status', '--json'], env)).stdout);
    expect(status).toMatchObject({ received: 2, not_owed: 2, notified: 0, pending: 0 });
  });

  it('retention null or absent: the notice is sent; 404/410 from the endpoint is "retired", exit 0', async () => {
    zoom.answer(404, { code: 404, message: 'Not Found' });
    const n = delivery('retention-null.json', { mutate: recent });
    const r = await runCli(['compliance', 'notify', ...n.args, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ action: 'retired', status: 404, retention: 'unspecified', user_data_retention: null });
    expect(JSON.parse(zoom.calls[0]!.body).deauthorization_event_received.user_data_retention).toBeNull();

    zoom.answer(410, null);
    const a = delivery('retention-absent.json', { mutate: recent });
    const r2 = await runCli(['compliance', 'notify', ...a.args], env);
    expect(r2.code, r2.stderr).toBe(0);
    expect(r2.stderr).toMatch(/retired/);
    expect('user_data_retention' in JSON.parse(zoom.calls[1]!.body).deauthorization_event_received).toBe(false);
    expect(zoom.calls).toHaveLength(2);
    const status = JSON.parse((await runCli(['compliance', 'status', '--json'], env)).stdout);
    expect(status).toMatchObject({ received: 2, retired: 2, pending: 0, overdue: 0 });
  });

  it('a forged or stale event is refused and nothing is sent', async () => {
    const forged = delivery('retention-false.json', { mutate: recent, secret: 'not-the-secret' });
    const r = await runCli(['compliance', 'notify', ...forged.args], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Nothing was sent to Zoom/);
    const stale = delivery('retention-false.json', { mutate: recent, ageSeconds: 1000 });
    expect((await runCli(['compliance', 'notify', ...stale.args], env)).code).toBe(1);
    expect(zoom.calls).toHaveLength(0);
    expect(JSON.parse((await runCli(['compliance', 'status', '--json'], env)).stdout).received).toBe(0);
  });

  it('a delivery recorded when fresh can be notified days later (the deadline is ten days)', async () => {
    const d = delivery('retention-false.json', { mutate: recent });
    zoom.answer(500, { message: 'try later' });
    const first = await runCli(['compliance', 'notify', ...d.args], env);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/HTTP 500/);
    zoom.answer(200, null);
    // Same bytes and headers, now "stale": accepted because the ledger recorded it when fresh.
    const later = await runCli(['compliance', 'notify', ...d.args, '--tolerance', '0'], env);
    expect(later.code, later.stderr).toBe(0);
    expect(zoom.calls).toHaveLength(2);
  });

  it('Zoom refusing the credentials is exit 3; overdue events are warned about and counted', async () => {
    zoom.answer(401, { reason: 'Invalid client_id or client_secret', error: 'invalid_client' });
    const d = delivery('retention-false.json', {
      mutate: (p) => {
        p.deauthorization_time = new Date(Date.now() - 12 * 86400_000).toISOString();
      },
    });
    const r = await runCli(['compliance', 'notify', ...d.args], env);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/warning: the ten-day deadline passed/);
    expect(r.stderr).toMatch(/refused the credentials/);
    const status = await runCli(['compliance', 'status'], env);
    expect(status.code).toBe(0);
    expect(status.stderr).toMatch(/1 deauthorization event: 0 notified.*1 overdue/);
    expect(status.stdout).toMatch(/overdue/);
    expectNoSecrets(r.stdout, r.stderr, status.stdout, status.stderr);
  });

  it('two notify runs at once for the same event send one notice: the others wait for its answer', async () => {
    const held = zoom.hold();
    const d = delivery('retention-false.json', { mutate: recent });
    const args = ['compliance', 'notify', ...d.args, '--json'];
    const first = runCli(args, env);
    await held.arrived; // one run is inside the POST, holding the event's lock
    const others = [0, 1].map(() => watchCli(args, env, /is sending the notice for this event: waiting for its answer/));
    // Both are waiting on the lock while the first POST is still held: the runs really overlap.
    await Promise.all(others.map((o) => o.saw));
    expect(zoom.calls).toHaveLength(1);
    held.release();
    const runs = [await first, ...(await Promise.all(others.map((o) => o.done)))];
    expect(zoom.calls).toHaveLength(1);
    expect(runs.map((r) => JSON.parse(r.stdout).action)).toEqual(['sent', 'already-notified', 'already-notified']);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse((await runCli(['compliance', 'status', '--json'], env)).stdout)).toMatchObject({ received: 1, notified: 1 });
  });

  it('an event of another type is not notified (exit 2)', async () => {
    const d = delivery('meeting-started.json');
    const r = await runCli(['compliance', 'notify', ...d.args], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not app_deauthorized/);
    expect(zoom.calls).toHaveLength(0);
  });
});

/** Run the CLI; `saw` settles once its stderr matches `re` (while it is still running), `done` when it exits. */
function watchCli(args: string[], env: Record<string, string>, re: RegExp): { saw: Promise<void>; done: Promise<CliResult> } {
  const child = startCli(args, env);
  child.stdin!.end();
  let stdout = '';
  let stderr = '';
  let seen!: () => void;
  const saw = new Promise<void>((r) => (seen = r));
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (re.test(stderr)) seen();
  });
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  // A run that ends without ever waiting fails the test instead of hanging it.
  void done.then((r) => {
    if (!re.test(r.stderr)) seen();
  });
  return { saw: saw.then(async () => { if (!re.test(stderr)) throw new Error(`the run never waited for the lock: ${stderr}`); }), done };
}
