/**
 * #16 item 3: a request stopped by Ctrl-C, or whose process is gone, is `interrupted` (not
 * `processing` forever): listed with the resume command, recorded in the history, seen by purge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runCli, sandboxEnv, startCli } from '../helpers/cli.js';

const CHEN = 'chen.wei@cedarpine.example';
const NOBODY = 'nobody.here@elsewhere.example';

interface Listed {
  request_id: string;
  status: string;
  resume_command?: string;
}

/** Start an export, wait until the first person is answered, then send `signal`. */
async function stopExport(env: Record<string, string>, signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string }> {
  // --skip meeting_answers: the person without a Zoom user is then answered at once (no scan of the account's sessions), while the other is still collected.
  const child = startCli(['export', '--emails', `${NOBODY},${CHEN}`, '--skip', 'meeting_answers'], env);
  child.stdin!.end();
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  await new Promise<void>((resolve) =>
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/#1: no Zoom user/.test(stderr)) resolve();
    }),
  );
  child.kill(signal);
  return { code: await exited, stderr };
}

describe('interrupted requests', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ seed: 9, latencyMs: { min: 60, max: 120 } });
  });
  afterAll(async () => {
    await sb.close();
  });

  it('after Ctrl-C (130) the request is interrupted, with the resume command, and the history says so', async () => {
    const env = sandboxEnv(sb);
    const stopped = await stopExport(env, 'SIGINT');
    expect(stopped.code).toBe(130);
    const list = await runCli(['requests', 'list', '--json'], env);
    const [r] = JSON.parse(list.stdout) as Listed[];
    expect(r!.status).toBe('interrupted');
    expect(r!.resume_command).toBe(`zdsar requests resume ${r!.request_id}`);
    const table = await runCli(['requests', 'list'], env);
    // The table shows the request's stage, then its run (ledger/lifecycle.ts): the run is interrupted.
    expect(table.stdout).toMatch(new RegExp(`${r!.request_id}\\s+export\\s+\\S+\\s+interrupted\\s`));
    expect(table.stderr).toContain(`continue with: zdsar requests resume ${r!.request_id}`);
    const show = await runCli(['requests', 'show', r!.request_id], env);
    expect(show.stdout).toMatch(/status:\s+interrupted \(continue with: zdsar requests resume r-/);
    expect(show.stdout).toMatch(/status interrupted: interrupted/);
    // And it can be resumed to the end.
    const resumed = await runCli(['requests', 'resume', r!.request_id], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = JSON.parse((await runCli(['requests', 'list', '--json'], env)).stdout) as Listed[];
    expect(after[0]!.status).toBe('completed');
  }, 120_000);

  it('a killed run (SIGKILL) is listed as interrupted once its process is gone; purge considers it', async () => {
    const env = sandboxEnv(sb);
    const stopped = await stopExport(env, 'SIGKILL');
    expect(stopped.code).toBe(null);
    const list = await runCli(['requests', 'list', '--json'], env);
    const [r] = JSON.parse(list.stdout) as Listed[];
    expect(r!.status).toBe('interrupted');
    expect(r!.resume_command).toBe(`zdsar requests resume ${r!.request_id}`);
    const show = await runCli(['requests', 'show', r!.request_id, '--json'], env);
    const history = (JSON.parse(show.stdout) as { history: Array<{ status?: string; note?: string }> }).history;
    expect(history.at(-1)).toMatchObject({ status: 'interrupted' });
    expect(history.at(-1)!.note).toMatch(/process is gone/);
    const purge = await runCli(['requests', 'purge', '--older-than', '0', '--dry-run', '--json'], env);
    const results = (JSON.parse(purge.stdout) as { results: Array<{ request_id: string; skipped?: string; removed: string[] }> }).results;
    const mine = results.find((x) => x.request_id === r!.request_id);
    expect(mine?.skipped).toBeUndefined();
    expect(mine?.removed.length).toBeGreaterThan(0);
  }, 120_000);
});
