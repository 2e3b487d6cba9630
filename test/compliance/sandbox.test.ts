import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { allFiles, BIN, ROOT, runCli } from './cli-helpers.js';

/** The compliance commands against the project's Zoom sandbox (its own signer and its own /oauth/data/compliance). */

let sandbox: Sandbox;
let home: string;
let env: Record<string, string>;

beforeEach(async () => {
  sandbox = await startSandbox({ port: 0, onWarning: () => undefined });
  home = mkdtempSync(join(tmpdir(), 'zdsar-sbx-home-'));
  env = {
    PATH: process.env.PATH ?? '',
    CI: 'true',
    NO_COLOR: '1',
    ZDSAR_HOME: home,
    ZOOM_API_URL: sandbox.apiUrl,
    ZOOM_OAUTH_URL: sandbox.oauthUrl,
    ZOOM_ACCOUNT_ID: sandbox.credentials.accountId,
    ZOOM_CLIENT_ID: sandbox.credentials.clientId,
    ZOOM_CLIENT_SECRET: sandbox.credentials.clientSecret,
    ZOOM_WEBHOOK_SECRET_TOKEN: sandbox.credentials.webhookSecretToken,
  };
});
afterEach(async () => {
  await sandbox.close();
  rmSync(home, { recursive: true, force: true });
});

/** A receiver that keeps what the sandbox POSTs, to hand it to `zdsar compliance notify`. */
async function capture() {
  const got: Array<{ body: string; headers: IncomingHttpHeaders }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    got,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('compliance against the sandbox', () => {
  it('notify: sends the sandbox a valid notice once (Basic auth accepted, body validated)', async () => {
    const cap = await capture();
    await sandbox.emitDeauthorization(cap.url, { deauthorization_time: new Date(Date.now() - 3600_000).toISOString() });
    await cap.close();
    const { body, headers } = cap.got[0]!;
    const dir = mkdtempSync(join(tmpdir(), 'zdsar-sbx-ev-'));
    const file = join(dir, 'event.json');
    writeFileSync(file, body);
    const args = ['--event', file, '--signature', String(headers['x-zm-signature']), '--timestamp', String(headers['x-zm-request-timestamp'])];

    const v = await runCli(['compliance', 'verify', ...args, '--json'], env);
    expect(v.code, v.stderr).toBe(0);
    const first = await runCli(['compliance', 'notify', ...args, '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ action: 'sent', status: 200 });
    const second = await runCli(['compliance', 'notify', ...args, '--json'], env);
    expect(JSON.parse(second.stdout).action).toBe('already-notified');
    expect(sandbox.complianceCalls).toHaveLength(1);
    expect(sandbox.complianceCalls[0]).toMatchObject({ headersAuthOk: true, status: 200 });
    expect(sandbox.complianceCalls[0]!.body).toEqual({
      client_id: sandbox.credentials.clientId,
      user_id: JSON.parse(body).payload.user_id,
      account_id: sandbox.credentials.accountId,
      deauthorization_event_received: JSON.parse(body).payload,
      compliance_completed: true,
    });
    for (const f of allFiles(home)) {
      expect(f.text).not.toContain(sandbox.credentials.clientSecret);
      expect(f.text).not.toContain(sandbox.credentials.webhookSecretToken);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('listen --notify: every retention shape from the sandbox; forged and stale deliveries refused; a retired endpoint', async () => {
    const child = spawn(process.execPath, [BIN, 'compliance', 'listen', '--port', '0', '--on-deauthorize', `"${process.execPath}" -e "process.exit(0)"`, '--notify'], {
      cwd: ROOT,
      env,
      stdio: 'pipe',
    });
    const lines: Array<Record<string, unknown>> = [];
    let buf = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const waiters: Array<() => void> = [];
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop()!;
      for (const p of parts) if (p.trim()) lines.push(JSON.parse(p));
      for (const w of waiters.splice(0)) w();
    });
    const exited = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    const waitFor = async (pred: (l: Record<string, unknown>) => boolean) => {
      for (;;) {
        const hit = lines.find(pred);
        if (hit) return hit;
        if (child.exitCode !== null) throw new Error(stderr);
        await Promise.race([new Promise<void>((r) => waiters.push(r)), exited]);
      }
    };
    try {
      const url = String((await waitFor((l) => l.kind === 'listening')).url);
      const recent = () => new Date(Date.now() - 3600_000).toISOString();

      expect((await sandbox.emitDeauthorization(url, { deauthorization_time: recent() }, { secret: 'forged-secret' })).status).toBe(401);
      expect((await sandbox.emitDeauthorization(url, { deauthorization_time: recent() }, { timestamp: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(401);

      const shapes = ['false', null, 'absent', false] as const;
      for (const [i, shape] of shapes.entries()) {
        const r = await sandbox.emitDeauthorization(url, { user_id: `deauth-user-${i}`, deauthorization_time: recent() }, { userDataRetention: shape });
        expect(r.status).toBe(200);
        const id = JSON.parse(r.body).request_id;
        expect(await waitFor((l) => l.kind === 'notify' && l.request_id === id)).toMatchObject({ action: 'sent', status: 200 });
      }
      for (const shape of ['true', true] as const) {
        const r = await sandbox.emitDeauthorization(url, { user_id: 'deauth-user-keep', deauthorization_time: recent(), signature: String(shape) }, { userDataRetention: shape });
        const id = JSON.parse(r.body).request_id;
        expect(await waitFor((l) => l.kind === 'notify' && l.request_id === id)).toMatchObject({ action: 'not-owed' });
      }
      expect(sandbox.complianceCalls).toHaveLength(4);
      expect(sandbox.complianceCalls.every((c) => c.headersAuthOk && c.status === 200)).toBe(true);

      sandbox.account.quirks.complianceEndpoint = 'gone';
      const r = await sandbox.emitDeauthorization(url, { user_id: 'deauth-user-retired', deauthorization_time: recent() }, { userDataRetention: 'absent' });
      const id = JSON.parse(r.body).request_id;
      expect(await waitFor((l) => l.kind === 'notify' && l.request_id === id)).toMatchObject({ action: 'retired', status: 410 });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    const status = JSON.parse((await runCli(['compliance', 'status', '--json'], env)).stdout);
    expect(status).toMatchObject({ notified: 4, retired: 1, pending: 0, overdue: 0 });
    expect(status.not_owed).toBeGreaterThanOrEqual(1);
    expect(stderr).not.toContain(sandbox.credentials.clientSecret);
    expect(stderr).not.toContain(sandbox.credentials.webhookSecretToken);
  });
});
