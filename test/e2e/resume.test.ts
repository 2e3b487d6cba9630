import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runCli, sandboxEnv, sandboxLogReaches, startCli, tempDir } from '../helpers/cli.js';
import { readJson, sha256 } from './export-helpers.js';

const EMAILS = 'alice.martin@cedarpine.example,chen.wei@cedarpine.example,bruno.costa@cedarpine.example';

interface ManifestLike {
  subjects: Array<{ email: string; status: string; files: Array<{ path: string; sha256: string; bytes: number; records?: number }> }>;
}

/** Each person's files as "name → sha256", with the request id taken out of the path. */
function packageFiles(pkg: string): Record<string, string> {
  const m = readJson<ManifestLike>(join(pkg, 'manifest.json'));
  const out: Record<string, string> = {};
  for (const s of m.subjects) for (const f of s.files) out[f.path] = f.sha256;
  return out;
}

/** Start an export and SIGKILL it once the sandbox has received `after` requests. */
async function killedExport(sb: Sandbox, env: Record<string, string>, out: string, after: number, signal: NodeJS.Signals = 'SIGKILL') {
  const start = sb.log.length;
  const child = startCli(['export', '--emails', EMAILS, '--out', out], env);
  child.stdin!.end();
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await sandboxLogReaches(sb, start + after, child);
  child.kill(signal);
  const code = await closed;
  const list = await runCli(['requests', 'list', '--json'], env);
  const id = (JSON.parse(list.stdout) as Array<{ request_id: string }>)[0]!.request_id;
  return { id, code, stderr };
}

/**
 * Attendance rows come from whichever of two equivalent reads a gate has room for first (RateLimiter.first), and the two
 * carry different fields: the runs compared byte for byte read them from one (each session's rows are saved
 * together either way, so a resume never mixes them within a session).
 */
const envOf = (sb: Sandbox) => ({ ...sandboxEnv(sb), ZDSAR_PARTICIPANTS_FROM: 'past_meetings' });

describe('a killed export resumes without re-fetching, gaps or duplicates', () => {
  let sb: Sandbox;
  let reference: Record<string, string>;

  beforeAll(async () => {
    sb = await startSandbox({ seed: 3, latencyMs: { min: 10, max: 30 } });
    const env = envOf(sb);
    const out = tempDir('zdsar-ref-');
    const res = await runCli(['export', '--emails', EMAILS, '--out', out, '--json'], env);
    expect(res.code).toBe(0);
    reference = packageFiles((JSON.parse(res.stdout) as { package: string }).package);
  });
  afterAll(async () => {
    await sb.close();
  });

  for (const after of [8, 45, 100]) {
    it(`killed after ${after} requests, resumed: the same package as an uninterrupted run`, async () => {
      const env = envOf(sb);
      const out = tempDir('zdsar-kill-');
      const { id, code } = await killedExport(sb, env, out, after);
      expect(code).not.toBe(0);
      const pkg = join(out, id);

      // Parts saved before the kill: each is a date window or list that must not be fetched again.
      const saved: Array<{ person: string; category: string; from: string; to: string }> = [];
      const work = join(pkg, '.work');
      if (existsSync(work)) {
        for (const person of readdirSync(work)) {
          for (const category of readdirSync(join(work, person))) {
            for (const part of readdirSync(join(work, person, category))) {
              const m = /^(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})\.ndjson$/.exec(part);
              if (m) saved.push({ person, category, from: m[1]!, to: m[2]! });
            }
          }
        }
      }
      const before = sb.log.length;
      const res = await runCli(['requests', 'resume', id], env);
      expect(res.stderr).not.toMatch(/unexpected error/);
      expect(res.code).toBe(0);
      const resumedLog = sb.log.slice(before);
      for (const s of saved) {
        const path = s.category.startsWith('phone_call') ? 'call_history' : s.category === 'phone_voicemails' ? 'voice_mails' : undefined;
        if (!path) continue;
        // The same window of the same person (another person's same window is theirs to fetch).
        const userId = sb.account.users.find((u) => s.person.endsWith(u.email.toLowerCase()))!.id;
        const refetched = resumedLog.filter((e) => e.path.endsWith(`/${userId}/${path}`) && e.query.from === s.from && e.query.to === s.to);
        expect(refetched, `${s.person} ${s.category} ${s.from}..${s.to} fetched again`).toEqual([]);
      }
      const got = packageFiles(pkg);
      const norm = (files: Record<string, string>) => Object.fromEntries(Object.entries(files).map(([k, v]) => [k.replace(/^r-[^/]+\//, ''), v]));
      expect(Object.keys(norm(got)).filter((k) => !(k in norm(reference))), JSON.stringify(Object.keys(norm(reference)).filter((k) => !(k in norm(got))))).toEqual([]);
      expect(norm(got)).toEqual(norm(reference));
      for (const [path, sum] of Object.entries(got)) expect(sha256(join(pkg, path))).toBe(sum);
      expect(existsSync(work)).toBe(false);
      const show = await runCli(['requests', 'show', id, '--json'], env);
      expect((JSON.parse(show.stdout) as { status: string }).status).toBe('completed');
    });
  }

  it('a request still running in another process is not resumed twice', async () => {
    const env = sandboxEnv(sb);
    const start = sb.log.length;
    const child = startCli(['export', '--emails', EMAILS, '--out', tempDir('zdsar-twice-')], env);
    child.stdin!.end();
    const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await sandboxLogReaches(sb, start + 10, child);
    const list = await runCli(['requests', 'list', '--json'], env);
    const id = (JSON.parse(list.stdout) as Array<{ request_id: string }>)[0]!.request_id;
    const second = await runCli(['requests', 'resume', id], env);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/being worked on by another zdsar process \(pid \d+/);
    expect(await done).toBe(0);
  });

  it('Ctrl-C stops cleanly, says how to resume, and exits 130', async () => {
    const env = sandboxEnv(sb);
    const { id, code, stderr } = await killedExport(sb, env, tempDir('zdsar-int-'), 20, 'SIGINT');
    expect(code).toBe(130);
    expect(stderr).toContain(`zdsar requests resume ${id}`);
    const res = await runCli(['requests', 'resume', id], env);
    expect(res.code).toBe(0);
  });

  it('a canceled request does nothing more: resume refuses it and nothing reaches Zoom', async () => {
    const env = sandboxEnv(sb);
    const { id } = await killedExport(sb, env, tempDir('zdsar-cancel-'), 20);
    const cancel = await runCli(['requests', 'cancel', id], env);
    expect(cancel.code).toBe(0);
    const before = sb.log.length;
    const res = await runCli(['requests', 'resume', id], env);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/canceled/);
    expect(sb.log.length).toBe(before);
  });
});
