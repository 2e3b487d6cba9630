/**
 * Destructive commands (issue 8): dry run by default, act only with --yes or a "y" typed on a
 * terminal, journal each step before it reaches Zoom, and stay idempotent under faults.
 *
 * Already covered in test/registrants/registrants.test.ts (not repeated here): erase without
 * --yes sends no DELETE/PUT and records nothing; erase --yes touches nobody else and each
 * target's first evidence is "intended"; a second erase sends nothing. Here: the journal is on
 * disk at the moment each write reaches Zoom (not just in order afterwards), piped "y" is not a
 * confirmation, a terminal "y" is, faults mid-erase converge on re-run, and `zdsar delete`.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_REQUEST_SCOPES, recordsFor, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { BIN, IDENTITY_FLAGS, ROOT, sandboxEnv, tempDir } from '../helpers/cli.js';
import { startRecordingProxy, type ProxiedRequest, type RecordingProxy } from './proxy.js';
import { STACK, runBounded } from './helpers.js';

const JORDAN = 'jordan.lee@gmail.example';
const PRIYA = 'priya.nair@partner.example';
const SAM = 'sam.oconnor@customer.example';
const ROBERT = 'robert.tables@customer.example';

const writesIn = (sb: Sandbox, from: number) => sb.log.slice(from).filter((l) => l.method === 'DELETE' || l.method === 'PUT' || (l.method === 'POST' && !l.path.startsWith('/oauth')));

interface Evidence {
  action: string;
  outcome: string;
  target?: string;
  request?: { method?: string; path?: string; body?: { registrants?: Array<{ id: string }> } };
}

/** Every evidence line of every request journal under ZDSAR_HOME, read now (synchronously). */
function journalNow(home: string): Evidence[] {
  const dir = join(home, 'ledger', 'requests');
  if (!existsSync(dir)) return [];
  const out: Evidence[] = [];
  for (const id of readdirSync(dir)) {
    const f = join(dir, id, 'journal.jsonl');
    if (!existsSync(f)) continue;
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const j = JSON.parse(line) as { ev: string; e?: Evidence };
        if (j.ev === 'evidence' && j.e) out.push(j.e);
      } catch {
        /* a line being written right now */
      }
    }
  }
  return out;
}

describe('destructive commands: registrants erase', () => {
  let sb: Sandbox;
  let proxy: RecordingProxy;
  let home: string;
  let env: Record<string, string>;
  const unjournaled: string[] = [];
  let checkedWrites = 0;
  let checkedPosts = 0;

  /** At the moment a write reaches Zoom, its "intended" evidence must already be on disk. */
  const check = (r: ProxiedRequest) => {
    if (r.method === 'POST' && r.path.startsWith('/v2/data_requests/requests')) {
      // zdsar delete: the people's "submitting" state is on disk before the POST (a lost answer is reconciled, not re-sent).
      checkedPosts++;
      const dir = join(home, 'ledger', 'requests');
      const journals = existsSync(dir) ? readdirSync(dir).map((id) => join(dir, id, 'journal.jsonl')).filter((f) => existsSync(f)) : [];
      if (!journals.some((f) => readFileSync(f, 'utf8').includes('"submitting"'))) unjournaled.push(`POST ${r.path}`);
      return;
    }
    if (r.method !== 'DELETE' && r.method !== 'PUT') return;
    if (r.path.startsWith('/v2/data_requests/')) return;
    checkedWrites++;
    const path = decodeURIComponent(new URL(r.path, 'http://x').pathname).replace(/^\/v2/, '');
    const ev = journalNow(home).filter((e) => e.outcome === 'intended');
    const ok = r.method === 'DELETE' ? ev.some((e) => e.request?.method === 'DELETE' && e.request.path === path) : ev.some((e) => e.request?.method === 'PUT' && e.request.path === path);
    if (!ok) unjournaled.push(`${r.method} ${path}`);
  };

  beforeAll(async () => {
    sb = await startSandbox({ seed: 21, latencyMs: { min: 2, max: 8 } });
    sb.account.scopes.push(...DATA_REQUEST_SCOPES);
    proxy = await startRecordingProxy(sb.url, check);
    home = tempDir('zdsar-destructive-home-');
    env = { ...sandboxEnv(sb, home), ZOOM_API_URL: `${proxy.url}/v2`, ZOOM_OAUTH_URL: proxy.url };
  });
  afterAll(async () => {
    await proxy.close();
    await sb.close();
  });

  it('a "y" piped on standard input is not a confirmation: without --yes nothing is sent', async () => {
    const before = sb.log.length;
    const res = await runBounded(['registrants', 'erase', '--emails', JORDAN], env, 60_000, 'y\nyes\n');
    expect(res.hung).toBe(false);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/Dry run: nothing was changed/);
    expect(writesIn(sb, before)).toEqual([]);
  });

  it('on a terminal: "n" changes nothing, "y" erases', async () => {
    // script(1) (util-linux, in every Debian) gives zdsar a terminal; without it this must fail, not skip.
    expect(existsSync('/usr/bin/script'), 'script(1) is missing: apt-get install bsdutils').toBe(true);
    const onTty = (answer: string) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        // script(1) runs zdsar on a pseudo-terminal; not CI, so zdsar may ask.
        // A pty made by script(1) from a pipe is 0 columns wide: give it a real size first.
        const cmd = `stty cols 120 rows 40; ${process.execPath} ${BIN} registrants erase --emails ${ROBERT}`;
        const child = spawn('script', ['-qfec', cmd, '/dev/null'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', TERM: 'xterm', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
        let out = '';
        let answered = false;
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        child.stdout.on('data', (d: Buffer) => {
          // eslint-disable-next-line no-control-regex
          out += d.toString().replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
          if (!answered && /\[y\/N\]/.test(out)) {
            answered = true;
            child.stdin.write(`${answer}\r`);
          }
        });
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, out });
        });
      });
    const before = sb.log.length;
    const no = await onTty('n');
    expect(no.out, 'zdsar did not ask on a terminal').toMatch(/Erase \d+ registrations? now\? \[y\/N\]/);
    expect(no.code).toBe(0);
    expect(writesIn(sb, before)).toEqual([]);
    const yes = await onTty('y');
    expect(yes.code, yes.out).toBe(0);
    expect(writesIn(sb, before).length).toBeGreaterThan(0);
    for (const x of recordsFor(sb.account, ROBERT).registrations) expect(x.registrant.status).toBe('denied');
  });

  it('--yes under 5xx, resets and 429s: every write was journaled before it reached Zoom; a re-run converges and then sends nothing', async () => {
    sb.setFaults('500=0.08@/v2/meetings,503=0.08@/v2/webinars,reset=0.04@/v2/meetings,429=0.04@/v2/webinars');
    const first = await runBounded(['registrants', 'erase', '--emails', `${JORDAN},${PRIYA},${SAM}`, '--yes', '--json'], env, 90_000);
    expect(first.hung).toBe(false);
    expect(first.stderr).not.toMatch(STACK);
    // Exit 0 exactly when every erasure went through; a write that a fault stopped leaves it partial (exit 1).
    const firstOut = JSON.parse(first.stdout) as { status: string };
    expect(['completed', 'partial']).toContain(firstOut.status);
    expect(first.code, first.stderr).toBe(firstOut.status === 'completed' ? 0 : 1);
    expect(sb.log.some((e) => e.fault && (e.method === 'DELETE' || e.method === 'PUT')), 'no write saw a fault').toBe(true);
    sb.setFaults(undefined);
    // Again until nothing is left to do (bounded): idempotent, so this converges.
    let last = first;
    for (let i = 0; i < 3 && (JSON.parse(last.stdout) as { status: string }).status !== 'nothing_to_do'; i++) {
      last = await runBounded(['registrants', 'erase', '--emails', `${JORDAN},${PRIYA},${SAM}`, '--yes', '--json'], env, 90_000);
      expect(last.code, last.stderr).toBe(0);
    }
    expect((JSON.parse(last.stdout) as { status: string }).status).toBe('nothing_to_do');
    for (const email of [JORDAN, PRIYA, SAM]) {
      const left = recordsFor(sb.account, email);
      for (const x of left.registrations) expect(x.registrant.status, `${email} ${x.kind} ${x.sessionId}`).toBe('denied');
      expect(left.panelistOf).toEqual([]);
    }
    expect(checkedWrites).toBeGreaterThan(0);
    expect(unjournaled, 'writes that reached Zoom before their "intended" evidence was on disk').toEqual([]);
    const before = sb.log.length;
    const again = await runBounded(['registrants', 'erase', '--emails', `${JORDAN},${PRIYA},${SAM}`, '--yes', '--json'], env, 90_000);
    expect(again.code).toBe(0);
    expect(writesIn(sb, before)).toEqual([]);
  });

  it('zdsar delete: dry run by default, --yes journals "submitting" before the POST, and a second --yes submits nothing', async () => {
    const dataWrites = (from: number) => sb.log.slice(from).filter((l) => l.path.startsWith('/v2/data_requests') && l.method !== 'GET');
    const before = sb.log.length;
    const dry = await runBounded(['delete', '--emails', 'bruno.costa@cedarpine.example'], env, 60_000, 'y\n');
    expect(dry.hung).toBe(false);
    expect(dry.stderr).not.toMatch(STACK);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout + dry.stderr).toMatch(/dry run/i);
    expect(dataWrites(before)).toEqual([]);

    const posts = checkedPosts;
    const yes = await runBounded(['delete', '--emails', 'bruno.costa@cedarpine.example', '--yes', '--json', ...IDENTITY_FLAGS], env, 60_000);
    expect(yes.hung).toBe(false);
    expect(yes.stderr).not.toMatch(STACK);
    expect(yes.code, yes.stderr).toBe(0);
    expect(dataWrites(before).filter((l) => l.method === 'POST').length).toBe(1);
    expect(checkedPosts).toBe(posts + 1);
    expect(unjournaled).toEqual([]);

    const mid = sb.log.length;
    const again = await runBounded(['delete', '--emails', 'bruno.costa@cedarpine.example', '--yes', '--json', ...IDENTITY_FLAGS], env, 60_000);
    expect(again.stderr).not.toMatch(STACK);
    expect(again.code, again.stderr).toBe(0); // nothing left to submit is not a failure
    expect(dataWrites(mid).filter((l) => l.method === 'POST'), 'a second --yes submitted the same person again').toEqual([]);
  });
});
