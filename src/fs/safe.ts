/**
 * Safe file operations for a shared machine (issue 15): nothing follows a symbolic link, no
 * folder another user controls is written into, and only what zdsar created is chmodded.
 *
 * - A folder zdsar writes personal data into must be a real folder (not a link), owned by the
 *   user running zdsar, and not writable by group or others. An existing one is checked, never
 *   chmodded; a missing one is created (0700) and only then chmodded.
 * - Files are opened with O_NOFOLLOW; a path that is a link is refused. Atomic replacement writes a
 *   temporary file opened O_CREAT|O_EXCL|O_NOFOLLOW (0600) in the same folder, fsyncs it and renames it.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, lstat, mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
const { O_CREAT, O_EXCL, O_NOFOLLOW, O_WRONLY, O_RDWR, O_APPEND, O_RDONLY, O_TRUNC } = constants;

/** A path zdsar refuses to use (a link, another user's folder, a loose folder). Exit 2: nothing was sent. */
export class UnsafePathError extends UsageError {}

/** The current user's id, or undefined where the platform has none (ownership is then not checked). */
export function currentUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

function describe(path: string, what: string | undefined): string {
  return what ? `${what} ${path}` : path;
}

/** Why an existing folder may not hold personal data, or undefined if it may. */
export function folderProblem(st: { uid: number; mode: number; isDirectory(): boolean; isSymbolicLink(): boolean }): string | undefined {
  if (st.isSymbolicLink()) return 'is a symbolic link: zdsar does not follow links where it writes personal data';
  if (!st.isDirectory()) return 'is not a folder';
  const uid = currentUid();
  if (uid === undefined) return undefined; // Windows: no POSIX owner or mode bits to judge
  if (st.uid !== uid) return `is owned by uid ${st.uid}, not by you (uid ${uid}): another user controls what is in it`;
  if ((st.mode & 0o022) !== 0) {
    return `is writable by ${st.mode & 0o020 ? 'group' : ''}${(st.mode & 0o022) === 0o022 ? ' and ' : ''}${st.mode & 0o002 ? 'others' : ''} (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}): another user could swap files in it; use a private folder (chmod 700)`;
  }
  return undefined;
}

/** Refuse `path` unless it is a folder that is not a link, owned by this user and not writable by group or others. */
export async function checkPrivateDir(path: string, what?: string): Promise<void> {
  const st = await lstat(path);
  const problem = folderProblem(st);
  if (problem) throw new UnsafePathError(`${describe(path, what)} ${problem}`);
}

/**
 * Make sure `path` is a private folder: an existing one is checked (never chmodded); a missing one
 * is created with 0700 (its missing parents too, unless `parents: false`) and chmodded, because
 * zdsar made it. The folder in which the first missing one is created must be owned by this user or
 * root, and not writable by others unless it is sticky (like /tmp).
 */
export async function ensurePrivateDir(path: string, opts: { what?: string; parents?: boolean } = {}): Promise<void> {
  const abs = resolve(path);
  const st = await lstat(abs).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (st) {
    const problem = folderProblem(st);
    if (problem) throw new UnsafePathError(`${describe(abs, opts.what)} ${problem}`);
    return;
  }
  const parent = dirname(abs);
  const pst = await lstat(parent).catch(() => undefined);
  if (!pst) {
    if (opts.parents === false) throw new UnsafePathError(`${describe(abs, opts.what)}: its parent folder ${parent} does not exist`);
    await ensurePrivateDir(parent, { what: opts.what });
  } else {
    // An existing parent zdsar did not make: following a link here is fine (e.g. /tmp on macOS),
    // but another user must not be able to rename what we create in it.
    const real = await stat(parent);
    const uid = currentUid();
    if (!real.isDirectory()) throw new UnsafePathError(`${describe(abs, opts.what)}: ${parent} is not a folder`);
    if (uid !== undefined && real.uid !== uid && real.uid !== 0) {
      throw new UnsafePathError(`${describe(abs, opts.what)}: ${parent} is owned by uid ${real.uid}, not by you (uid ${uid}) or root: another user could swap the folder zdsar creates in it`);
    }
    if (uid !== undefined && (real.mode & 0o002) !== 0 && (real.mode & 0o1000) === 0) {
      throw new UnsafePathError(`${describe(abs, opts.what)}: ${parent} is writable by others and not sticky: another user could swap the folder zdsar creates in it`);
    }
  }
  try {
    await mkdir(abs, { mode: DIR_MODE });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return checkPrivateDir(abs, opts.what); // made by someone else meanwhile: check it like any existing one
  }
  await chmod(abs, DIR_MODE); // ours: the umask may have taken bits away
  await checkPrivateDir(abs, opts.what);
}

/** Refuse a path that exists and is not a regular file (a link, a folder, a device). */
export async function refuseNonFile(path: string): Promise<void> {
  const st = await lstat(path).catch(() => undefined);
  if (!st) return;
  if (st.isSymbolicLink()) throw new UnsafePathError(`${path} is a symbolic link: zdsar does not write through links`);
  if (!st.isFile()) throw new UnsafePathError(`${path} is not a regular file`);
}

/** Check an open file: a regular file owned by this user (else it is closed and refused). */
async function checkHandle(handle: FileHandle, path: string): Promise<void> {
  const st = await handle.stat();
  const uid = currentUid();
  let problem: string | undefined;
  if (!st.isFile()) problem = 'is not a regular file';
  else if (uid !== undefined && st.uid !== uid) problem = `is owned by uid ${st.uid}, not by you (uid ${uid})`;
  if (problem) {
    await handle.close().catch(() => undefined);
    throw new UnsafePathError(`${path} ${problem}: zdsar does not write into a file it did not create`);
  }
  if ((st.mode & 0o777) !== FILE_MODE) await handle.chmod(FILE_MODE);
}

function linkError(path: string, e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  // O_NOFOLLOW on a link: ELOOP on Linux, EMLINK on some BSDs.
  if (code === 'ELOOP' || code === 'EMLINK') return new UnsafePathError(`${path} is a symbolic link: zdsar does not write through links`);
  return e;
}

/**
 * Open a file for writing without following a link: 'create' makes a new file (it must not exist),
 * 'truncate' creates or empties one, 'update' opens an existing one read-write, 'append' appends (created if missing).
 * An existing file must be a regular file owned by this user; it is made 0600.
 */
export async function openNoFollow(path: string, how: 'create' | 'truncate' | 'update' | 'append'): Promise<FileHandle> {
  const flags = {
    create: O_CREAT | O_EXCL | O_WRONLY,
    truncate: O_CREAT | O_TRUNC | O_WRONLY,
    update: O_RDWR,
    append: O_CREAT | O_APPEND | O_RDWR,
  }[how];
  let handle: FileHandle;
  try {
    handle = await open(path, flags | O_NOFOLLOW, FILE_MODE);
  } catch (e) {
    throw linkError(path, e);
  }
  await checkHandle(handle, path);
  return handle;
}

/** Open a file for reading without following a link (a planted link is refused, not read). */
export async function openReadNoFollow(path: string): Promise<FileHandle> {
  try {
    return await open(path, O_RDONLY | O_NOFOLLOW);
  } catch (e) {
    throw linkError(path, e);
  }
}

/** A fresh temporary name beside `path` (isTemporaryFile recognises it, so a killed run's leftovers are swept). */
export function tempNameFor(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * Replace `path` with `data` in one step: a temporary file in the same folder, opened
 * O_CREAT|O_EXCL|O_NOFOLLOW with mode 0600, written, fsynced and renamed over `path`.
 * A `path` that is a link or not a regular file is refused (rename would replace the link, but a
 * link where zdsar keeps its files means someone else has been there).
 */
export async function writeFileSafe(path: string, data: string | Buffer, writeAll: (h: FileHandle, b: Buffer) => Promise<void>): Promise<void> {
  await refuseNonFile(path);
  const tmp = tempNameFor(path);
  const handle = await openNoFollow(tmp, 'create');
  try {
    await writeAll(handle, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    await handle.sync();
  } catch (e) {
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
  await handle.close();
  try {
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
