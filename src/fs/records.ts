import { createHash, randomBytes } from 'node:crypto';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { fsyncDir, writeAll } from './atomic.js';

export interface FileDigest {
  sha256: string;
  bytes: number;
  records: number;
}

const FLUSH_AT = 64 * 1024;

/**
 * A file written record by record and published atomically: it is written under a
 * temporary name (0600), fsync'd, and renamed into place by commit(). Until then readers
 * and a resumed run never see it; a crash leaves only a temporary file to sweep.
 * Memory stays flat: records are buffered up to 64 KiB, never held as a list (an export has many files open at once).
 */
export class RecordFile {
  private buffer = '';
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private records = 0;

  private constructor(
    private readonly handle: FileHandle,
    private readonly tmp: string,
    readonly path: string,
    private readonly format: 'ndjson' | 'json-array',
    private readonly scratch: boolean,
  ) {}

  /**
   * `opts.open` replaces a json-array's "[" (an object holding the array: `{"a":1,"list":[`); commit() takes the matching close.
   * `opts.scratch`: a part under .work, whose digest nobody asks later (fileDigest): not remembered, so a run of
   * 20,000 sessions does not hold 60,000 digests.
   */
  static async create(path: string, format: 'ndjson' | 'json-array', opts: { open?: string; scratch?: boolean } = {}): Promise<RecordFile> {
    const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    const handle = await open(tmp, 'wx', 0o600);
    const f = new RecordFile(handle, tmp, path, format, opts.scratch === true);
    if (format === 'json-array') f.push(opts.open ?? '[');
    return f;
  }

  async write(record: unknown): Promise<void> {
    await this.writeJson(JSON.stringify(record));
  }

  /** A record already serialised (one line of JSON): copies keep a record's bytes exactly. */
  async writeJson(json: string): Promise<void> {
    if (this.format === 'json-array') this.push(this.records === 0 ? `\n${json}` : `,\n${json}`);
    else this.push(json + '\n');
    this.records++;
    if (this.buffer.length >= FLUSH_AT) await this.flush();
  }

  async commit(frame: { close?: string } = {}): Promise<FileDigest> {
    const close = frame.close ?? ']\n';
    if (this.format === 'json-array') this.push(this.records === 0 ? close : `\n${close}`);
    await this.flush();
    await this.handle.sync();
    await this.handle.close();
    await rename(this.tmp, this.path);
    await fsyncDir(dirname(this.path));
    const digest = { sha256: this.hash.digest('hex'), bytes: this.bytes, records: this.records };
    if (!this.scratch) rememberDigest(this.path, digest, await stat(this.path));
    return digest;
  }

  async abort(): Promise<void> {
    await this.handle.close().catch(() => {});
    await rm(this.tmp, { force: true });
  }

  private push(s: string): void {
    this.buffer += s;
  }

  private async flush(): Promise<void> {
    if (this.buffer === '') return;
    const chunk = Buffer.from(this.buffer, 'utf8');
    this.buffer = '';
    await writeAll(this.handle, chunk);
    this.hash.update(chunk);
    this.bytes += chunk.length;
  }
}

/**
 * Each line of a text file, streaming, without its line break ("\n", or "\r\n"). Read in 64 KiB
 * chunks and cut by hand rather than through node:readline: readline's async iterator queues every
 * line as an event (a 2,048-slot queue per file, plus a decoder pass), and an export reads thousands
 * of small files back (parts, saved account-wide lists, category files for the report): that churn
 * was a third of all the memory an export allocated, and of its garbage collection.
 */
export async function* readLines(path: string): AsyncGenerator<string> {
  const handle = await open(path, 'r');
  try {
    // Most files read back are small: a buffer the file's size, at most 64 KiB (many files are read at once).
    const buf = Buffer.allocUnsafe(Math.max(1, Math.min((await handle.stat()).size, 64 * 1024)));
    const decoder = new StringDecoder('utf8');
    const cut = (line: string) => (line.endsWith('\r') ? line.slice(0, -1) : line);
    // The start of a line longer than a chunk, in pieces (joined once: a long line costs its length, not its square).
    let pending: string[] = [];
    const flush = (tail: string) => {
      const line = pending.length ? pending.join('') + tail : tail;
      pending = [];
      return cut(line);
    };
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      const text = bytesRead === 0 ? decoder.end() : decoder.write(buf.subarray(0, bytesRead));
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        yield flush(text.slice(start, nl));
        start = nl + 1;
      }
      if (start < text.length) pending.push(text.slice(start));
      if (bytesRead === 0) break;
    }
    if (pending.length) yield flush('');
  } finally {
    await handle.close();
  }
}

/** Each line of an NDJSON file (one JSON value per line, as RecordFile writes it), unparsed, streaming. */
export async function* readNdjsonLines(path: string): AsyncGenerator<string> {
  for await (const line of readLines(path)) if (line !== '') yield line;
}

/**
 * Each record of an NDJSON file, parsed, streaming. With `mentions`, a line whose text (case aside)
 * holds none of them is not parsed: it cannot hold a field equal to one of them (case aside), so the
 * caller's own exact test would drop it anyway. Only for values JSON writes as they are (printable
 * ASCII without quotes or backslashes); with any other value every line is parsed.
 */
export async function* readNdjson(path: string, mentions?: readonly string[]): AsyncGenerator<unknown> {
  const needles = mentions?.map((m) => m.trim().toLowerCase());
  const sieve = needles && needles.length > 0 && needles.every((n) => n !== '' && /^[\x20-\x7e]+$/.test(n) && !/["\\]/.test(n)) ? needles : undefined;
  for await (const line of readLines(path)) {
    if (line === '') continue;
    if (sieve) {
      const lower = line.toLowerCase();
      if (!sieve.some((n) => lower.includes(n))) continue;
    }
    yield JSON.parse(line);
  }
}

/**
 * zdsar's list layout (RecordFile 'json-array'): "[" alone on the first line, then one whole JSON value
 * per line ("," after it), or "[]". Such a file is read line by line; any other is parsed whole.
 */
export async function isLineArray(path: string): Promise<boolean> {
  const head = Buffer.alloc(3);
  const handle = await open(path, 'r');
  let got: number;
  try {
    got = (await handle.read(head, 0, 3, 0)).bytesRead;
  } finally {
    await handle.close();
  }
  // Decided from the first bytes: a file in another layout (one long line) is never read through.
  const start = head.toString('latin1', 0, got);
  if (start === '[]' || start === '[]\n' || start === '[]\r') return true;
  if (!start.startsWith('[\n') && start !== '[\r\n') return false;
  let n = 0;
  for await (const raw of readLines(path)) {
    if (n++ === 0) continue;
    const line = raw.trim();
    if (line === ']') return true;
    try {
      JSON.parse(line.endsWith(',') ? line.slice(0, -1) : line);
      return true;
    } catch {
      return false;
    }
  }
  return false;
}

interface Identity {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/**
 * Digests computed while writing (RecordFile.commit), with the file's identity right after it was
 * published. Only this process's own files are in it: a resumed run starts empty and hashes what an
 * earlier run left. One small entry per committed file that is not scratch (category files), never per record.
 */
const written = new Map<string, { digest: { sha256: string; bytes: number }; id: Identity }>();

function identity(st: Identity): Identity {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
}

function rememberDigest(path: string, digest: { sha256: string; bytes: number }, st: Identity): void {
  written.set(resolve(path), { digest: { sha256: digest.sha256, bytes: digest.bytes }, id: identity(st) });
}

/**
 * sha256 and size of a file: the digest computed while this process wrote it, if the file is still
 * that file (same inode, size, mtime and ctime: any write, rename or chmod since changes ctime);
 * otherwise (written by an earlier run, or touched since) the file is read and hashed.
 */
export async function fileDigest(path: string): Promise<{ sha256: string; bytes: number }> {
  const key = resolve(path);
  const known = written.get(key);
  if (known) {
    const now = identity(await stat(path));
    const same = (Object.keys(now) as Array<keyof Identity>).every((k) => now[k] === known.id[k]);
    if (same) return { ...known.digest };
    written.delete(key);
  }
  return digestFile(path);
}

/**
 * sha256 and size of a file on disk, read through one buffer of at most 64 KiB. (A read stream hands out
 * a new buffer per chunk, freed only by a later garbage collection: hashing a package's 300 MB held 31 MB
 * of them at once, a peak of the whole export.)
 */
export async function digestFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(Math.max(1, Math.min((await handle.stat()).size, 64 * 1024)));
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      bytes += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return { sha256: hash.digest('hex'), bytes };
}
