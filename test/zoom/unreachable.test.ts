import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { closedPort } from '../helpers/clock.js';
import { runCli, sandboxEnv, tempDir } from '../helpers/cli.js';

/** The CLI as a child process against servers that are not there: a connection problem (exit 1), never "bad credentials" (exit 3). */
describe('an unreachable Zoom (child process)', () => {
  let sb: Sandbox;
  let port: number;
  beforeAll(async () => {
    sb = await startSandbox({ seed: 7, latencyMs: { min: 1, max: 2 } });
    port = await closedPort();
  });
  afterAll(async () => {
    await sb.close();
  });

  it('OAuth server refuses connections: exit 1, the message names the OAuth server and the cause', async () => {
    const env: Record<string, string> = { ...sandboxEnv(sb), ZOOM_OAUTH_URL: `http://127.0.0.1:${port}` };
    const r = await runCli(['doctor'], env);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`could not connect to Zoom's OAuth server at 127.0.0.1:${port}: connection refused (ECONNREFUSED)`);
    expect(r.stderr).toMatch(/ZOOM_OAUTH_URL/);
    expect(r.stderr).not.toMatch(/credentials|unexpected error/i);
    expect(r.stderr).not.toContain(env.ZOOM_CLIENT_SECRET!);
  });

  it('API server refuses connections: exit 1, the message names the API server and the cause', async () => {
    const env = { ...sandboxEnv(sb), ZOOM_API_URL: `http://127.0.0.1:${port}/v2` };
    const r = await runCli(['doctor'], env);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`could not connect to Zoom's API server at 127.0.0.1:${port}`);
    expect(r.stderr).toContain('connection refused (ECONNREFUSED)');
    expect(r.stderr).not.toMatch(/unexpected error/i);
  });

  it('export with the OAuth server down: exit 1 and the connection problem, not exit 3', async () => {
    const env = { ...sandboxEnv(sb), ZOOM_OAUTH_URL: `http://127.0.0.1:${port}` };
    const r = await runCli(['export', '--emails', 'alice@example.com', '--out', tempDir('zdsar-unreach-')], env);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`could not connect to Zoom's OAuth server at 127.0.0.1:${port}: connection refused (ECONNREFUSED)`);
    expect(r.stderr).not.toMatch(/refused the app's credentials/);
  });
});
