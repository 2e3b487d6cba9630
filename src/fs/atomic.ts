/**
 * The project's one helper for private files that must survive a crash at any instant.
 * Files are 0600 and folders 0700, whatever the umask.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ensurePrivateDir as ensureSafeDir, openNoFollow, writeFileSafe } from './safe.js';

/**
 * Replace `path` with `data` in one step: temp file (O_EXCL|O_NOFOLLOW, 0600) + fsync + rename,
 * then fsync the folder. A `path` that is a symbolic link is refused (src/fs/safe.ts).
 */
export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  await writeFileSafe(path, data, writeAll);
  await fsyncDir(dirname(path));
}

/**
 * A private folder (0700): an existing one must be a real folder owned by this user and not writable
 * by group or others (it is refused, never chmodded); a missing one is created. `what` names it in messages.
 */
export async function ensurePrivateDir(path: string, opts: { what?: string; parents?: boolean } = {}): Promise<void> {
  await ensureSafeDir(path, opts);
}

/**
 * Append one line and fsync it (file created 0600). The line is written with a single
 * O_APPEND write, so lines from several processes never interleave. If the file does
 * not end with a newline (a writer crashed mid-line), a newline is written first, so the
 * torn fragment stays a line of its own and readers can skip it. Returns the file's size after the write.
 */
export async function appendLineDurable(path: string, line: string): Promise<number> {
  return appendLinesDurable(path, [line]);
}

/** appendLineDurable for several lines: one O_APPEND write and one fsync for all of them (in order). */
export async function appendLinesDurable(path: string, lines: readonly string[]): Promise<number> {
  if (lines.some((line) => line.includes('\n'))) throw new Error('appendLineDurable: a line must not contain a newline');
  const handle = await openNoFollow(path, 'append');
  try {
    const st = await handle.stat();
    let prefix = '';
    if (st.size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, st.size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    const data = Buffer.from(prefix + lines.map((line) => line + '\n').join(''), 'utf8');
    await writeAll(handle, data);
    await handle.sync();
    if (st.size === 0) await fsyncDir(dirname(path));
    return st.size + data.length;
  } finally {
    await handle.close();
  }
}

/** Make a rename or a new entry in `dir` durable. Some file systems refuse to fsync a folder; that is not an error. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // EISDIR/EINVAL/EPERM on platforms that cannot fsync a directory: the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

/**
 * Write all of `data` (at `position`, or at the current position). write() may write only part of it
 * on a nearly full disk without failing; this loops until everything is written or the disk says no.
 */
export async function writeAll(handle: FileHandle, data: Buffer, position?: number): Promise<void> {
  let off = 0;
  while (off < data.length) {
    const { bytesWritten } = await handle.write(data, off, data.length - off, position === undefined ? null : position + off);
    if (bytesWritten <= 0) throw Object.assign(new Error('no space left on device, write'), { code: 'ENOSPC' });
    off += bytesWritten;
  }
}

/**
 * Names of files that are not (yet) data: the atomic writes', RecordFile's and the zip's `*.tmp-<pid>-<hex>`,
 * `<name>.<decimal hash>` (left by older versions, which used write-file-atomic) and an unfinished download's `*.partial`.
 * A killed run can leave them; they are swept on resume and never listed in a manifest.
 */
export function isTemporaryFile(name: string): boolean {
  return /\.tmp-\d+-[0-9a-f]+$/.test(name) || /\.(json|html|ndjson|zip)\.\d{1,10}$/.test(name) || name.endsWith('.partial');
}

/** Whether anything exists at `path` (following links: for zdsar's own scratch files). */
export async function pathExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
