import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { fsyncDir, writeAll } from './atomic.js';

export interface FileDigest {
  sha256: string;
  bytes: number;
  records: number;
}

const FLUSH_AT = 256 * 1024;

/**
 * A file written record by record and published atomically: it is written under a
 * temporary name (0600), fsync'd, and renamed into place by commit(). Until then readers
 * and a resumed run never see it; a crash leaves only a temporary file to sweep.
 * Memory stays flat: records are buffered up to 256 KiB, never held as a list.
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
  ) {}

  /** `frame.open` replaces a json-array's "[" (an object holding the array: `{"a":1,"list":[`); commit() takes the matching close. */
  static async create(path: string, format: 'ndjson' | 'json-array', frame: { open?: string } = {}): Promise<RecordFile> {
    const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    const handle = await open(tmp, 'wx', 0o600);
    const f = new RecordFile(handle, tmp, path, format);
    if (format === 'json-array') f.push(frame.open ?? '[');
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
    return { sha256: this.hash.digest('hex'), bytes: this.bytes, records: this.records };
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

/** Each record of an NDJSON file, parsed, streaming. */
export async function* readNdjson(path: string): AsyncGenerator<unknown> {
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of rl) if (line !== '') yield JSON.parse(line);
}

/** sha256 and size of a file on disk, streaming. */
export async function digestFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}
