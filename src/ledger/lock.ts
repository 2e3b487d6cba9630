/**
 * Mutual exclusion for a request's read-check-append steps (e.g. "refuse if canceled, else
 * record"), within a process (a promise chain per key) and across processes (a lock file
 * created with O_EXCL). A lock whose process is gone, or that is older than STALE_MS, is
 * taken over: the steps it guards take milliseconds.
 */
import { hostname } from 'node:os';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';

const STALE_MS = 30_000;
const WAIT_MS = 60_000;

const chains = new Map<string, Promise<unknown>>();

/** Run `fn` after every earlier call with the same key in this process has settled. */
export function serialize<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = chains.get(key) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  const tail = run.catch(() => undefined);
  chains.set(key, tail);
  void tail.then(() => {
    if (chains.get(key) === tail) chains.delete(key);
  });
  return run;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isStale(path: string): Promise<boolean> {
  try {
    const [text, st] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    if (Date.now() - st.mtimeMs > STALE_MS) return true;
    const owner = JSON.parse(text) as { pid?: number; host?: string };
    return owner.host === hostname() && typeof owner.pid === 'number' && owner.pid !== process.pid && !alive(owner.pid);
  } catch {
    // Vanished (released meanwhile) or half-written by an owner that is still writing it: not stale.
    return false;
  }
}

/** Hold the lock file `path` (0600) while `fn` runs. */
export async function withFileLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      const h = await open(path, 'wx', 0o600);
      try {
        await h.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() }));
      } finally {
        await h.close();
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (await isStale(path)) {
        // Move it aside first, so that of several processes finding it stale only one removes it.
        const aside = `${path}.stale-${process.pid}-${attempt}`;
        await rename(path, aside).then(() => unlink(aside), () => undefined);
        continue;
      }
      if (Date.now() > deadline) throw new Error(`the ledger is busy: ${path} is held by another zdsar process`);
      await sleep(2 + Math.random() * Math.min(50, 2 ** Math.min(attempt, 6)));
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(path).catch(() => undefined);
  }
}

/** Whether the lease at `path` is held by a live process (one on another host counts as live: it cannot be checked). */
export async function leaseHeld(path: string): Promise<boolean> {
  let owner: { pid?: number; host?: string };
  try {
    owner = JSON.parse(await readFile(path, 'utf8')) as typeof owner;
  } catch (e) {
    // Absent: nobody holds it. Unreadable (being written right now): someone is taking it.
    return (e as NodeJS.ErrnoException).code !== 'ENOENT';
  }
  if (owner.host !== undefined && owner.host !== hostname()) return true;
  return typeof owner.pid === 'number' && (owner.pid === process.pid || alive(owner.pid));
}

/**
 * A lease for a long run (an export, an erasure): `path` (0600) names the holder's pid and host.
 * Another live process holding it makes this throw `held`; a dead holder's lease (a killed run)
 * is taken over. Unlike withFileLock it does not age out: a run may take hours.
 */
export async function acquireLease(path: string, held: (owner: { pid?: number; at?: string }) => Error): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const h = await open(path, 'wx', 0o600);
      try {
        await h.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() }));
      } finally {
        await h.close();
      }
      return () => unlink(path).catch(() => undefined);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner: { pid?: number; host?: string; at?: string } = {};
      try {
        owner = JSON.parse(await readFile(path, 'utf8')) as typeof owner;
      } catch {
        await sleep(50); // being written right now
        continue;
      }
      const mine = owner.host === undefined || owner.host === hostname();
      if (mine && typeof owner.pid === 'number' && owner.pid !== process.pid && alive(owner.pid)) throw held(owner);
      const aside = `${path}.stale-${process.pid}-${attempt}`;
      await rename(path, aside).then(() => unlink(aside), () => undefined);
    }
  }
  throw new Error(`could not take the lease ${path}`);
}
