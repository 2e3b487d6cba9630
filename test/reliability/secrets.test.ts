/**
 * Secrets never leak (issue 8): every command, successful and failing, with --verbose and
 * ZDSAR_DEBUG where they apply, run with recognisable secret values; then stdout, stderr, the
 * ledger and every other file under ZDSAR_HOME, the packages, and what a deletion hook was given
 * are searched for the client secret, the webhook secret token, the Basic credential, and every
 * access token the OAuth server issued (captured by a proxy: the sandbox never shows them).
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signZoomEvent } from '../../src/compliance/verify.js';
import { demoAccount, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { BIN, ROOT, allFiles, streamMatches, tempDir, type CliResult } from '../helpers/cli.js';
import { startRecordingProxy, type RecordingProxy } from './proxy.js';
import { ALICE, BRUNO, STACK, runBounded } from './helpers.js';

const CLIENT_ID = 'CanaryClientId7Q';
const CLIENT_SECRET = 'SECRET-canary-client-4f9e2a71c3';
const WEBHOOK_SECRET = 'SECRET-canary-webhook-8b0d5e62aa';
const WRONG_SECRET = 'SECRET-canary-wrong-1c7f33d09e';
const BASIC = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
const WRONG_BASIC = Buffer.from(`${CLIENT_ID}:${WRONG_SECRET}`).toString('base64');

describe('no secret or token in any output, file, ledger, log or package', () => {
  let sb: Sandbox;
  let proxy: RecordingProxy;
  let home: string;
  let out: string;
  let work: string;
  let env: Record<string, string>;
  const runs: Array<{ what: string; res: CliResult }> = [];

  const run = async (what: string, args: string[], extra: Record<string, string> = {}, input?: string) => {
    const res = await runBounded(args, { ...env, ...extra }, 60_000, input);
    expect(res.hung, what).toBe(false);
    expect(res.stderr, what).not.toMatch(STACK);
    runs.push({ what, res });
    return res;
  };

  /** A real app_deauthorized delivery, as the sandbox signs it, captured by a tiny receiver. */
  async function captureDelivery(opts: { retention?: 'false' | 'true' } = {}) {
    let got: { body: string; sig: string; ts: string } | undefined;
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        got = { body, sig: String(req.headers['x-zm-signature']), ts: String(req.headers['x-zm-request-timestamp']) };
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    await sb.emitDeauthorization(url, { deauthorization_time: new Date(Date.now() - 60_000).toISOString() }, { userDataRetention: opts.retention ?? 'false' });
    await new Promise<void>((r) => receiver.close(() => r()));
    const file = join(work, `event-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, got!.body);
    return { file, args: ['--event', file, '--signature', got!.sig, '--timestamp', got!.ts] };
  }

  beforeAll(async () => {
    const account = { ...demoAccount({ seed: 1, now: Date.now() }), credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, webhookSecretToken: WEBHOOK_SECRET } };
    sb = await startSandbox({ seed: 1, latencyMs: { min: 2, max: 8 }, account });
    proxy = await startRecordingProxy(sb.url);
    home = tempDir('zdsar-secrets-home-');
    out = tempDir('zdsar-secrets-out-');
    work = tempDir('zdsar-secrets-work-');
    env = {
      ZOOM_API_URL: `${proxy.url}/v2`,
      ZOOM_OAUTH_URL: proxy.url,
      ZOOM_ACCOUNT_ID: sb.credentials.accountId,
      ZOOM_CLIENT_ID: CLIENT_ID,
      ZOOM_CLIENT_SECRET: CLIENT_SECRET,
      ZOOM_WEBHOOK_SECRET_TOKEN: WEBHOOK_SECRET,
      ZDSAR_HOME: home,
      ZDSAR_PLAN: 'business',
    };

    // export: success, --json, with faults that renew tokens and retry, resumed, failing credentials
    await run('export --verbose', ['export', '--emails', `${ALICE},${BRUNO}`, '--out', out, '--verbose', '--show-emails']);
    sb.setFaults('tokenexpire=0.03,500=0.05,429=0.03,reset=0.02');
    await run('export --json --verbose with faults', ['export', '--emails', ALICE, '--out', out, '--json', '--verbose'], { ZDSAR_DEBUG: '1' });
    sb.setFaults('daily429=once@/v2/report');
    const partial = await run('export stopped by a daily limit', ['export', '--emails', ALICE, '--out', out, '--json', '--verbose']);
    sb.setFaults(undefined);
    const partialId = (JSON.parse(partial.stdout || '{}') as { request_id?: string }).request_id;
    if (partialId) await run('requests resume --verbose', ['requests', 'resume', partialId, '--verbose']);
    await run('export with a wrong secret', ['export', '--emails', ALICE, '--out', out, '--verbose'], { ZOOM_CLIENT_SECRET: WRONG_SECRET, ZDSAR_DEBUG: '1' });
    const secretFile = join(work, 'client-secret');
    writeFileSync(secretFile, `${CLIENT_SECRET}\n`);
    await run('export with the secret from a _FILE', ['export', '--emails', BRUNO, '--out', out, '--json'], { ZOOM_CLIENT_SECRET: '', ZOOM_CLIENT_SECRET_FILE: secretFile });
    await run('export with bad input and --verbose', ['export', '--emails', 'not-an-address', '--verbose'], { ZDSAR_DEBUG: '1' });
    await run('export with an unreachable OAuth server', ['export', '--emails', ALICE, '--verbose'], { ZOOM_OAUTH_URL: 'http://127.0.0.1:9', ZDSAR_DEBUG: '1' });

    // registrants
    await run('registrants find --verbose', ['registrants', 'find', '--emails', 'jordan.lee@gmail.example', '--verbose']);
    await run('registrants find --json', ['registrants', 'find', '--emails', 'jordan.lee@gmail.example', '--json', '--verbose']);
    await run('registrants erase (dry run)', ['registrants', 'erase', '--emails', 'priya.nair@partner.example', '--verbose']);
    await run('registrants erase --yes', ['registrants', 'erase', '--emails', 'sam.oconnor@customer.example', '--yes', '--verbose']);
    await run('registrants find with a wrong secret', ['registrants', 'find', '--emails', ALICE, '--verbose'], { ZOOM_CLIENT_SECRET: WRONG_SECRET });

    // compliance
    const ev = await captureDelivery();
    await run('compliance verify', ['compliance', 'verify', ...ev.args, '--json']);
    await run('compliance verify (forged)', ['compliance', 'verify', '--event', ev.file, '--signature', signZoomEvent('x-other-secret', ev.args[5]!, readFileSync(ev.file)), '--timestamp', ev.args[5]!]);
    await run('compliance notify', ['compliance', 'notify', ...ev.args]);
    await run('compliance notify again (--force)', ['compliance', 'notify', ...ev.args, '--force', '--json']);
    const ev2 = await captureDelivery();
    await run('compliance notify with a wrong secret', ['compliance', 'notify', ...ev2.args], { ZOOM_CLIENT_SECRET: WRONG_SECRET });
    await run('compliance status', ['compliance', 'status']);
    await run('compliance status --json', ['compliance', 'status', '--json']);
    await run('compliance verify with stdin', ['compliance', 'verify', '--event', '-', ...ev.args.slice(2)], {}, readFileSync(ev.file, 'utf8'));

    // requests, doctor
    await run('requests list', ['requests', 'list']);
    const list = await run('requests list --json', ['requests', 'list', '--json', '--all']);
    // One request of each type is enough: show renders them all the same way.
    const all = JSON.parse(list.stdout) as Array<{ request_id: string; type: string; status: string }>;
    const sample = [...new Map(all.map((r) => [`${r.type}:${r.status}`, r])).values()];
    for (const r of sample) {
      await run(`requests show ${r.request_id}`, ['requests', 'show', r.request_id, '--show-emails']);
      await run(`requests show --json ${r.request_id}`, ['requests', 'show', r.request_id, '--json']);
    }
    await run('requests purge --dry-run', ['requests', 'purge', '--dry-run', '--older-than', '0']);
    await run('doctor --verbose', ['doctor', '--verbose']);
    await run('doctor --json', ['doctor', '--json']);
    await run('doctor with a wrong secret', ['doctor', '--verbose'], { ZOOM_CLIENT_SECRET: WRONG_SECRET, ZDSAR_DEBUG: '1' });
    await run('help', ['--help']);
    await run('delete', ['delete']);
  }, 170_000);

  afterAll(async () => {
    await proxy?.close();
    await sb?.close();
  });

  const needles = () => {
    expect(proxy.tokens.length, 'the proxy saw no token: nothing was tested').toBeGreaterThan(1);
    const list: Array<[string, string]> = [
      ['the client secret', CLIENT_SECRET],
      ['the wrong client secret', WRONG_SECRET],
      ['the webhook secret token', WEBHOOK_SECRET],
      ['the Basic credential', BASIC],
      ['the wrong Basic credential', WRONG_BASIC],
    ];
    for (const t of proxy.tokens) list.push([`access token ${t.slice(0, 4)}…`, t]);
    return list;
  };

  it('the commands really ran, including failing ones and a renewed token', () => {
    expect(runs.length).toBeGreaterThan(30);
    const codes = new Set(runs.map((r) => r.res.code));
    for (const c of [0, 1, 2, 3]) expect(codes.has(c), `no command exited ${c}: ${JSON.stringify(runs.map((r) => [r.what, r.res.code]))}`).toBe(true);
    expect(new Set(proxy.tokens).size).toBeGreaterThan(2);
    expect(runs.some((r) => /debug: /.test(r.res.stderr)), '--verbose printed nothing').toBe(true);
  });

  it('stdout and stderr of every command', () => {
    for (const [name, value] of needles()) {
      for (const r of runs) {
        expect(r.res.stdout.includes(value), `${name} on stdout of ${r.what}`).toBe(false);
        expect(r.res.stderr.includes(value), `${name} on stderr of ${r.what}`).toBe(false);
      }
    }
    for (const r of runs) expect(r.res.stdout + r.res.stderr, r.what).not.toMatch(/(Bearer|Basic)\s+(?!\[redacted\])[A-Za-z0-9._~+/=-]{8,}/);
  });

  it('every file: ledger, journals, indexes, compliance records, packages', () => {
    const files = [...allFiles(home), ...allFiles(out), ...allFiles(work).filter((f) => !f.path.endsWith('client-secret'))];
    expect(files.length).toBeGreaterThan(20);
    for (const [name, value] of needles()) {
      for (const f of files) expect(f.text.includes(value), `${name} in ${f.path}`).toBe(false);
    }
    for (const f of files) expect(f.text, f.path).not.toMatch(/(Bearer|Basic)\s+(?!\[redacted\])[A-Za-z0-9._~+/=-]{8,}/);
  });

  it('the --on-deauthorize hook of compliance listen gets the event, never a secret', async () => {
    const hookOut = join(work, 'hook-env.txt');
    const child = spawn(process.execPath, [BIN, 'compliance', 'listen', '--port', '0', '--on-deauthorize', `env > '${hookOut}'`, '--notify'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', CI: 'true', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((r) => child.on('close', r));
    const waitFor = async (re: RegExp) => {
      await streamMatches(child.stdout, re, () => stdout);
      expect(stdout).toMatch(re);
    };
    await waitFor(/"kind":"listening"/);
    const url = (JSON.parse(stdout.split('\n')[0]!) as { url: string }).url;
    await sb.emitDeauthorization(url, { deauthorization_time: new Date(Date.now() - 60_000).toISOString() });
    await waitFor(/"kind":"notify"/);
    child.kill('SIGINT');
    await closed;
    const hookEnv = readFileSync(hookOut, 'utf8');
    expect(hookEnv).toMatch(/ZOOM_USER_ID=/);
    for (const [name, value] of needles()) {
      expect(hookEnv.includes(value), `${name} in the hook's environment`).toBe(false);
      expect(stdout.includes(value) || stderr.includes(value), `${name} in listen's output`).toBe(false);
    }
    for (const f of allFiles(home)) for (const [name, value] of needles()) expect(f.text.includes(value), `${name} in ${f.path}`).toBe(false);
  });
});
