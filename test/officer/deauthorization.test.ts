/**
 * #16 item 13: a sandbox command sends a signed deauthorization event, so `compliance listen`
 * can be tried by hand (the README says how).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ROOT, runCli, sandboxEnv, startCli } from '../helpers/cli.js';

describe('zdsar sandbox --send-deauthorization', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ seed: 1 });
  });
  afterAll(async () => {
    await sb.close();
  });

  it('delivers a signed app_deauthorized event that compliance listen accepts; a wrongly signed one is refused', async () => {
    const env = { ...sandboxEnv(sb), ZOOM_WEBHOOK_SECRET_TOKEN: sb.credentials.webhookSecretToken };
    const listen = startCli(['compliance', 'listen', '--port', '0'], env);
    listen.stdin!.end();
    let stdout = '';
    const url = await new Promise<string>((resolve) =>
      listen.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /"url":"([^"]+)"/.exec(stdout);
        if (m) resolve(m[1]!);
      }),
    );
    const exited = new Promise<number | null>((resolve) => listen.on('close', resolve));
    try {
      const sent = await runCli(['sandbox', '--send-deauthorization', url], env);
      expect(sent.code, sent.stderr).toBe(0);
      expect(sent.stderr).toMatch(/sent a signed app_deauthorized event .*: HTTP 2\d\d/);
      const forged = await runCli(['sandbox', '--send-deauthorization', url], { ...env, ZOOM_WEBHOOK_SECRET_TOKEN: 'not-the-secret-token' });
      expect(forged.code).toBe(1);
      // Only to this machine, and never signed with a secret that is not a sandbox's.
      const away = await runCli(['sandbox', '--send-deauthorization', url.replace('127.0.0.1', 'listener.example.com')], env);
      expect(away.code).toBe(2);
      expect(away.stderr).toMatch(/listener\.example\.com is not a loopback address/);
      const real = await runCli(['sandbox', '--send-deauthorization', url], { ...env, ZOOM_API_URL: 'https://api.zoom.us/v2' });
      expect(real.code).toBe(2);
      expect(real.stderr).toMatch(/ZOOM_API_URL is not a local sandbox/);
      const list = JSON.parse((await runCli(['requests', 'list', '--json'], env)).stdout) as Array<{ type: string }>;
      expect(list.filter((r) => r.type === 'compliance-notify')).toHaveLength(1);
    } finally {
      listen.kill('SIGINT');
      await exited;
    }
  }, 60_000);

  it('the README says how to make one', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('zdsar sandbox --send-deauthorization');
  });
});
