import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sandbox } from '../../src/sandbox/index.js';
import { SANDBOX_PROFILE } from '../../src/dsar/article15.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'zdsar.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `node bin/zdsar.js …` as users and scripts do: CI=true, NO_COLOR=1, exactly the given environment plus PATH. */
export function runCli(args: string[], env: Record<string, string>, input?: string | Buffer): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = startCli(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    // The CLI may stop reading early (e.g. input over its size limit): that EPIPE is expected, not a failure.
    child.stdin!.on('error', () => {});
    if (input !== undefined) child.stdin!.end(input);
    else child.stdin!.end();
  });
}

export function startCli(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', CI: 'true', NO_COLOR: '1', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/**
 * A complete controller profile (issue 26: approval of an access answer needs the Article 15
 * statement). sandboxEnv puts it in every fresh ZDSAR_HOME it makes; test/disclosure/article15.test.ts
 * tests the missing and incomplete cases deliberately.
 */
/** The sandbox's sample profile (src/dsar/article15.ts), with a retention period per category as a real one has. */
export const TEST_PROFILE = SANDBOX_PROFILE.replace(/^  default: .*\n/m, '$&  per_category:\n    recordings: Deleted automatically after 30 days\n');

/** Write TEST_PROFILE (or the given text) as ZDSAR_HOME's controller profile. */
export function writeProfile(home: string, text = TEST_PROFILE): string {
  const path = join(home, 'controller-profile.yaml');
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

/** The environment that points zdsar at a sandbox, with a fresh ZDSAR_HOME (holding TEST_PROFILE). */
export function sandboxEnv(sb: Sandbox, home?: string): Record<string, string> {
  if (home === undefined) {
    home = tempDir('zdsar-home-');
    writeProfile(home);
  }
  return {
    ZOOM_API_URL: sb.apiUrl,
    ZOOM_OAUTH_URL: sb.oauthUrl,
    ZOOM_ACCOUNT_ID: sb.credentials.accountId,
    ZOOM_CLIENT_ID: sb.credentials.clientId,
    ZOOM_CLIENT_SECRET: sb.credentials.clientSecret,
    ZDSAR_HOME: home,
    ZDSAR_PLAN: 'business',
  };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Every file under a folder, with its mode and text, for "no secret anywhere" and mode checks. */
export function allFiles(dir: string): Array<{ path: string; mode: number; text: string }> {
  const out: Array<{ path: string; mode: number; text: string }> = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...allFiles(p));
    else out.push({ path: p, mode: statSync(p).mode & 0o777, text: readFileSync(p, 'latin1') });
  }
  return out;
}

/** Every folder under (and including) a folder, with its mode. */
export function allDirs(dir: string): Array<{ path: string; mode: number }> {
  const out = [{ path: dir, mode: statSync(dir).mode & 0o777 }];
  for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) out.push(...allDirs(join(dir, entry.name)));
  return out;
}

const logWatchers = new WeakMap<unknown[], Set<() => void>>();

/**
 * Resolves once the sandbox has received `n` requests in all, or `child` has exited, whichever is first.
 * No polling: it listens to the log's pushes.
 */
export function sandboxLogReaches(sb: Sandbox, n: number, child?: ChildProcess): Promise<void> {
  const log = sb.log as unknown[];
  return new Promise((resolve) => {
    if (log.length >= n || (child && child.exitCode !== null)) return resolve();
    let watchers = logWatchers.get(log);
    if (!watchers) {
      const set = new Set<() => void>();
      watchers = set;
      logWatchers.set(log, set);
      const push = log.push.bind(log);
      Object.defineProperty(log, 'push', {
        configurable: true,
        value: (...items: unknown[]) => {
          const r = push(...items);
          for (const w of [...set]) w();
          return r;
        },
      });
    }
    const set = watchers;
    const check = () => {
      if (log.length >= n || (child && child.exitCode !== null)) {
        set.delete(check);
        resolve();
      }
    };
    set.add(check);
    child?.once('exit', check);
  });
}

/** Resolves with the text a stream has produced once it matches `re`; rejects if the stream ends first. */
export function streamMatches(stream: NodeJS.ReadableStream, re: RegExp, sofar: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    if (re.test(sofar())) return resolve(sofar());
    const onData = () => {
      if (re.test(sofar())) {
        stream.off('data', onData);
        stream.off('end', onEnd);
        resolve(sofar());
      }
    };
    const onEnd = () => {
      stream.off('data', onData);
      reject(new Error(`the output ended without matching ${re}: ${sofar()}`));
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
  });
}

/**
 * Identity verification given up front on export and delete (issue 26): release and deletion are
 * gated on it. Tests that approve, zip or delete add these flags deliberately; the gate itself is
 * tested in test/ledger/identity.test.ts.
 */
export const IDENTITY_FLAGS = ['--identity-method', 'account-email-match', '--identity-evidence', 'zoom-account-email', '--identity-verifier', 'Test DPO'];

/** Record an identity verification for an existing request (zdsar requests verify-identity). */
export async function verifyIdentity(id: string, env: Record<string, string>): Promise<void> {
  const r = await runCli(['requests', 'verify-identity', id, '--method', 'account-email-match', '--evidence', 'zoom-account-email', '--verifier', 'Test DPO'], env);
  if (r.code !== 0) throw new Error(`verify-identity ${id} failed: ${r.stderr}`);
}
