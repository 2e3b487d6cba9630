/**
 * The CLI contract's outcomes, through the child process: one JSON document on stdout with --json in
 * every outcome (failures and Ctrl-C included), exit codes for an unreachable server and for re-runs,
 * dates after today refused, one error prefix.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runCli, sandboxEnv, startCli, tempDir } from '../helpers/cli.js';

const PERSON = 'alice.martin@cedarpine.example';

/** A port on 127.0.0.1 that nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function tomorrow(): string {
  return new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
}

describe('the CLI contract', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ seed: 3, latencyMs: { min: 5, max: 15 } });
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('--to after today is refused like --from (exit 2, nothing sent)', async () => {
    const env = sandboxEnv(sb);
    const before = sb.log.length;
    const r = await runCli(['export', '--emails', PERSON, '--to', tomorrow()], env);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`zdsar: --to ${tomorrow()} is in the future`);
    expect(sb.log.length).toBe(before);
  });

  it('an unreachable server is a connection failure: exit 1 naming it, never 3; --json still prints one document', async () => {
    const port = await closedPort();
    const env = { ...sandboxEnv(sb), ZOOM_API_URL: `http://127.0.0.1:${port}/v2`, ZOOM_OAUTH_URL: `http://127.0.0.1:${port}` };
    const r = await runCli(['doctor', '--json'], env);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/cannot reach Zoom|ECONNREFUSED/);
    const doc = JSON.parse(r.stdout);
    expect(doc.status).toBe('failed');
    expect(doc.error.message).toMatch(/ECONNREFUSED|connect/i);
  });

  it('export --json and doctor --json print one JSON document when the credentials are refused (exit 3)', async () => {
    const env = { ...sandboxEnv(sb), ZOOM_CLIENT_SECRET: 'not-the-secret' };
    for (const args of [['doctor', '--json'], ['export', '--emails', PERSON, '--json', '--out', tempDir('zdsar-out-')]]) {
      const r = await runCli(args, env);
      expect(r.code, r.stderr).toBe(3);
      const doc = JSON.parse(r.stdout);
      expect(doc.status).toBe('failed');
      expect(doc.error.message).toMatch(/credentials/);
      expect(r.stdout).not.toContain('not-the-secret');
      if (args[0] === 'export') expect(doc.request_id).toMatch(/^r-/);
    }
  });

  it('bad input with --json: exit 2 and a JSON document naming the problem', async () => {
    const r = await runCli(['export', '--emails', 'not-an-address', '--json'], sandboxEnv(sb));
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/not-an-address/) } });
  });

  it('Ctrl-C during export --json still prints the summary with the request id (exit 130)', async () => {
    const env = sandboxEnv(sb);
    const start = sb.log.length;
    const child = startCli(['export', '--emails', `${PERSON},chen.wei@cedarpine.example`, '--json', '--out', tempDir('zdsar-int-')], env);
    child.stdin!.end();
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Interrupt once the export has sent a few requests (the request is in the ledger by then).
    while (sb.log.length - start < 10 && child.exitCode === null) await new Promise((r) => setImmediate(r));
    child.kill('SIGINT');
    expect(await closed).toBe(130);
    const doc = JSON.parse(stdout);
    expect(doc.status).toBe('interrupted');
    expect(doc.request_id).toMatch(/^r-/);
    expect(doc.resume_command).toBe(`zdsar requests resume ${doc.request_id}`);
  });

  it('requests resume takes --json, --plan, --verbose, --show-emails; a completed request is "nothing to do", exit 0', async () => {
    const env = sandboxEnv(sb);
    const done = await runCli(['export', '--emails', PERSON, '--json', '--out', tempDir('zdsar-out-')], env);
    expect(done.code, done.stderr).toBe(0);
    const id = JSON.parse(done.stdout).request_id as string;
    const again = await runCli(['requests', 'resume', id, '--json', '--plan', 'pro', '--verbose', '--show-emails'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ request_id: id, status: 'completed', nothing_to_do: true });
    const human = await runCli(['requests', 'resume', id], env);
    expect(human.code).toBe(0);
    expect(human.stderr).toContain('Nothing to do');
  });

  it('a failed person has one list of errors, not "errors" plus "error"; a clean not-found is no error', async () => {
    const env = sandboxEnv(sb);
    const r = await runCli(['export', '--emails', `${PERSON},nobody.here@cedarpine.example`, '--json', '--out', tempDir('zdsar-out-')], env);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { subjects: Array<{ status: string; errors: unknown[]; error?: unknown }>; zoom_requests: { errors: number } };
    expect(doc.zoom_requests.errors).toBe(0);
    for (const s of doc.subjects) {
      expect(Array.isArray(s.errors)).toBe(true);
      expect('error' in s).toBe(false);
    }
    const missing = doc.subjects.find((s) => s.status === 'not_found')!;
    expect(missing.errors).toEqual([]);
  });

  it('a person whose lookup failed has their error in the one list of errors', async () => {
    const env = sandboxEnv(sb);
    sb.setFaults(`500=always@/v2/users/${encodeURIComponent(PERSON)}`);
    try {
      const r = await runCli(['export', '--emails', PERSON, '--json', '--out', tempDir('zdsar-out-')], env);
      expect(r.code, r.stderr).toBe(1);
      const [s] = (JSON.parse(r.stdout) as { subjects: Array<{ status: string; errors: Array<{ category: string | null; message: string }> }> }).subjects;
      expect(s!.status).toBe('failed');
      expect('error' in s!).toBe(false);
      expect(s!.errors).toHaveLength(1);
      expect(s!.errors[0]!.message).toMatch(/500/);
    } finally {
      sb.setFaults(undefined);
    }
  });

  it('a second cancel is idempotent: exit 0, nothing to do', async () => {
    const home = tempDir('zdsar-home-');
    const ledger = Ledger.open(home);
    const r = await ledger.create({ type: 'export', subjects: ['a@example.com'] });
    const env = { ZDSAR_HOME: home };
    const first = await runCli(['requests', 'cancel', r.request_id], env);
    expect(first.code, first.stderr).toBe(0);
    const second = await runCli(['requests', 'cancel', r.request_id, '--json'], env);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ request_id: r.request_id, status: 'canceled', nothing_to_do: true });
  });

  it('requests extend takes --reason and records it', async () => {
    const home = tempDir('zdsar-home-');
    const ledger = Ledger.open(home);
    const r = await ledger.create({ type: 'export', subjects: ['a@example.com'] });
    const ext = await runCli(['requests', 'extend', r.request_id, '--reason', 'complex request', '--json'], { ZDSAR_HOME: home });
    expect(ext.code, ext.stderr).toBe(0);
    expect(JSON.stringify((await ledger.get(r.request_id))!)).toContain('complex request');
  });

  it("one error prefix: commander's usage errors say zdsar: too; with --json they print a document as well", async () => {
    const r = await runCli(['export', '--no-such-flag'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^zdsar: unknown option '--no-such-flag'/);
    expect(r.stdout).toBe('');
    const j = await runCli(['doctor', '--json', '--no-such-flag'], {});
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout)).toEqual({ status: 'failed', error: { message: "unknown option '--no-such-flag'" } });
  });
});
