import { open, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from '../fs/atomic.js';

/**
 * What compliance needs from the request ledger (src/ledger), and where it keeps the raw
 * events. Written against the ledger's API so tests can hand in a stand-in.
 */

export type RequestStatus = 'pending' | 'processing' | 'completed' | 'partial' | 'failed' | 'canceled';

export interface Evidence {
  action: string;
  target?: string;
  request?: unknown;
  response?: unknown;
  outcome: string;
  /** Set by the ledger when the evidence is recorded. */
  at?: string;
}

export interface LedgerRequestLike {
  request_id: string;
  type: string;
  status: RequestStatus | string;
  created_at: string;
  received_at?: string;
  due_at?: string;
  options?: Record<string, unknown>;
  evidence: Evidence[];
  key?: string;
}

type MaybePromise<T> = T | Promise<T>;

export interface LedgerLike {
  create(input: {
    type: typeof REQUEST_TYPE;
    subjects: string[];
    options?: Record<string, unknown>;
    key?: string;
    receivedAt?: Date;
    dueAt?: Date;
  }): MaybePromise<LedgerRequestLike>;
  findByKey(key: string): MaybePromise<LedgerRequestLike | undefined | null>;
  get(id: string): MaybePromise<LedgerRequestLike | undefined | null>;
  list(): MaybePromise<LedgerRequestLike[]>;
  setStatus(id: string, status: RequestStatus, note?: string): MaybePromise<unknown>;
  recordEvidence(id: string, evidence: Evidence): MaybePromise<unknown>;
  recordError(id: string, error: { message: string }): MaybePromise<unknown>;
}

export const REQUEST_TYPE = 'compliance-notify' as const;

/** The hex part of an event key, safe as a file name. */
export function keyFileName(key: string): string {
  return key.replace(/^zoom-deauth:/, '').replace(/[^A-Za-z0-9_-]/g, '_');
}

export function complianceDir(home: string): string {
  return join(home, 'compliance');
}

export interface StoredDelivery {
  /** Path of the raw body (0600). */
  eventFile: string;
  signature: string;
  timestamp: string;
}

/**
 * Keep the raw body of a delivery for evidence (0600, in a 0700 folder) with the headers that
 * authenticate it, so an auditor can re-verify it with the secret token later. The first
 * delivery of an event is kept; Zoom's retries of the same event do not overwrite it.
 */
export async function storeDelivery(
  home: string,
  key: string,
  body: Buffer,
  headers: { signature: string; timestamp: string },
): Promise<StoredDelivery> {
  const dir = join(complianceDir(home), 'events');
  await ensurePrivateDir(complianceDir(home));
  await ensurePrivateDir(dir);
  const name = keyFileName(key);
  const eventFile = join(dir, `${name}.json`);
  const metaFile = join(dir, `${name}.headers.json`);
  try {
    const existing = JSON.parse(await readFile(metaFile, 'utf8')) as Record<string, string>;
    await readFile(eventFile);
    return { eventFile, signature: existing['x-zm-signature'] ?? '', timestamp: existing['x-zm-request-timestamp'] ?? '' };
  } catch {
    // not stored yet
  }
  await writeFileAtomic(eventFile, body);
  await writeFileAtomic(
    metaFile,
    JSON.stringify({ 'x-zm-signature': headers.signature, 'x-zm-request-timestamp': headers.timestamp }, null, 2) + '\n',
  );
  return { eventFile, ...headers };
}

/**
 * A per-event lock around the send, so two runs (or a listener and a manual notify) cannot
 * both POST the notice. The lock file names the process holding it; a run that finds it held
 * waits for the holder (up to waitMs) and then re-reads the ledger; a lock left by a process
 * that no longer exists is taken over.
 */
export async function withEventLock<T>(
  home: string,
  key: string,
  fn: () => Promise<T>,
  waitMs = 45_000,
  /** Called once, when the lock is found held by a live process and this run starts waiting for it. */
  onWait?: (holder: number) => void,
): Promise<T | { locked: true; by: number }> {
  const dir = join(complianceDir(home), 'locks');
  await ensurePrivateDir(complianceDir(home));
  await ensurePrivateDir(dir);
  const path = join(dir, `${keyFileName(key)}.lock`);
  const deadline = Date.now() + waitMs;
  let holder = 0;
  let waiting = false;
  for (;;) {
    try {
      const fh = await open(path, 'wx', 0o600);
      try {
        await fh.writeFile(String(process.pid));
      } finally {
        await fh.close();
      }
      try {
        return await fn();
      } finally {
        await rm(path, { force: true });
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    const live = Number.isInteger(holder) && holder > 0 && alive(holder);
    const age = await stat(path).then((st) => Date.now() - st.mtimeMs, () => 0);
    if ((!live && holder !== 0) || (holder === 0 && age > 10_000)) {
      // Left by a process that is gone: take it over.
      await rm(path, { force: true });
      continue;
    }
    // Held (or being written this instant): wait for the holder's answer, up to waitMs.
    if (live && !waiting) {
      waiting = true;
      onWait?.(holder);
    }
    if (Date.now() >= deadline) return { locked: true, by: holder };
    await sleep(100);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
