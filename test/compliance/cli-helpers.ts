import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'zdsar.js');

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Build with tsc as users do (`npm test` builds first; this covers running one file).
 * Skipped when dist is newer than every source; serialized across test workers by a lock.
 */
export function ensureBuilt(): void {
  const lock = join(tmpdir(), `zdsar-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}`);
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a worker that died mid-build is older than any real build.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 300_000) rmdirSync(lock);
      } catch {
        // gone meanwhile
      }
      if (i > 1800) throw new Error(`build lock ${lock} held too long`);
      sleepSync(100);
    }
  }
  try {
    let built = 0;
    try {
      built = statSync(join(ROOT, 'dist', 'cli.js')).mtimeMs;
    } catch {
      // not built yet
    }
    if (built > newestMtime(join(ROOT, 'src'))) return;
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.json')], {
      cwd: ROOT,
      stdio: 'pipe',
    });
  } finally {
    rmdirSync(lock);
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `node bin/zdsar.js …` with exactly the given environment (plus PATH), as users do in CI. */
export function runCli(args: string[], env: Record<string, string>, input?: string | Buffer): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', CI: 'true', NO_COLOR: '1', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

/** Every file under a folder, with its mode, for the "no secret anywhere" checks. */
export function allFiles(dir: string): Array<{ path: string; mode: number; text: string }> {
  const out: Array<{ path: string; mode: number; text: string }> = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...allFiles(p));
    else out.push({ path: p, mode: statSync(p).mode & 0o777, text: readFileSync(p, 'latin1') });
  }
  return out;
}
