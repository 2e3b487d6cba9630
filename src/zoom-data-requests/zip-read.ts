/**
 * Reading Zoom's export zips with yauzl (the reading sibling of the yazl we write zips with; it
 * reads ZIP64). On top of yauzl:
 * - Entry names are text Zoom wrote. Each is decoded, then made a safe relative name (no `..`, no
 *   absolute path, no drive letter, no backslash, no control character); the name as Zoom wrote it is
 *   kept beside it (`rawName`) so a renaming can be recorded. No name is ever used as a path on disk.
 * - Overlapping entries (two central-directory entries sharing bytes: a zip bomb's trick) are refused.
 * - Each entry is inflated against its declared size (yauzl stops a stream that runs past it) and its
 *   CRC-32 is checked, so a small download can never inflate past what its directory declares.
 * Nothing is held in memory but the directory: entries are streamed from the file.
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';

export interface ZipEntry {
  /** The safe name (see the module comment). */
  name: string;
  /** The name as Zoom wrote it (decoded). */
  rawName: string;
  /** Position in the central directory. */
  index: number;
  crc32: number;
  compressedSize: number;
  /** The declared (uncompressed) size. */
  size: number;
  isDirectory: boolean;
}

export class ZipReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipReadError';
  }
}

const OPTIONS: yauzl.Options = { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true, strictFileNames: false };

/** A name Zoom wrote, made a safe relative name: `a/../b` → `a/__/b`, `/etc/x` → `etc/x`, `C:\x` → `C_/x`. */
export function safeEntryName(raw: string): string {
  const dir = /[/\\]$/.test(raw);
  const parts = raw
    .split(/[/\\]+/)
    .filter((p) => p !== '' && p !== '.')
    // eslint-disable-next-line no-control-regex
    .map((p) => (p === '..' ? '__' : p.replace(/[\u0000-\u001f\u007f]/g, '_').replace(/^([A-Za-z]):$/, '$1_')));
  const name = parts.length ? parts.join('/') : '_';
  return dir ? `${name}/` : name;
}

async function openZip(path: string): Promise<yauzl.ZipFile> {
  try {
    return await yauzl.openPromise(path, OPTIONS);
  } catch (e) {
    throw new ZipReadError(`not a readable zip (${(e as Error).message})`);
  }
}

function decodeName(e: yauzl.Entry): string {
  // With decodeStrings off, fileName is the raw bytes; yauzl decodes them (UTF-8 flag, Info-ZIP path, CP437) without judging them.
  const raw = e.fileName as unknown as Buffer;
  return yauzl.getFileNameLowLevel(e.generalPurposeBitFlag, raw, e.extraFields, false);
}

/** The entries of the zip at `path`: safe names, and refused if two entries overlap. */
export async function listZip(path: string): Promise<ZipEntry[]> {
  const zip = await openZip(path);
  try {
    const entries: ZipEntry[] = [];
    const spans: Array<{ start: number; end: number; name: string }> = [];
    let index = 0;
    try {
      for await (const e of zip.eachEntry()) {
        const rawName = decodeName(e);
        const isDirectory = /[/\\]$/.test(rawName);
        if (e.isEncrypted()) throw new ZipReadError(`${safeEntryName(rawName)}: encrypted entries are not read`);
        if (!isDirectory && e.compressionMethod !== 0 && e.compressionMethod !== 8) throw new ZipReadError(`${safeEntryName(rawName)}: compression method ${e.compressionMethod} is not read`);
        const { fileDataStart } = await zip.readLocalFileHeaderPromise(e, { minimal: true });
        spans.push({ start: e.relativeOffsetOfLocalHeader, end: fileDataStart + e.compressedSize, name: safeEntryName(rawName) });
        entries.push({ name: safeEntryName(rawName), rawName, index: index++, crc32: e.crc32, compressedSize: e.compressedSize, size: e.uncompressedSize, isDirectory });
      }
    } catch (e) {
      if (e instanceof ZipReadError) throw e;
      throw new ZipReadError(`not a readable zip (${(e as Error).message})`);
    }
    spans.sort((a, b) => a.start - b.start);
    for (let i = 1; i < spans.length; i++) {
      if (spans[i]!.start < spans[i - 1]!.end) throw new ZipReadError(`entries ${spans[i - 1]!.name} and ${spans[i]!.name} overlap (a zip bomb's trick); not read`);
    }
    return entries;
  } finally {
    zip.close();
  }
}

/** One zip opened once, for reading many of its entries (one pass over the directory). Close it when done. */
export interface ZipReader {
  openEntry(entry: ZipEntry): Promise<Readable>;
  close(): void;
}

export async function openZipReader(path: string): Promise<ZipReader> {
  const zip = await openZip(path);
  const byIndex: yauzl.Entry[] = [];
  try {
    for await (const e of zip.eachEntry()) byIndex.push(e);
  } catch (e) {
    zip.close();
    throw new ZipReadError(`not a readable zip (${(e as Error).message})`);
  }
  return {
    async openEntry(entry) {
      const e = byIndex[entry.index];
      if (!e || e.compressedSize !== entry.compressedSize || e.uncompressedSize !== entry.size || e.crc32 !== entry.crc32) throw new ZipReadError(`${entry.name}: the zip changed since it was listed`);
      try {
        return checked(await zip.openReadStreamPromise(e), entry);
      } catch (err) {
        throw err instanceof ZipReadError ? err : new ZipReadError(`${entry.name}: ${(err as Error).message}`);
      }
    },
    close: () => zip.close(),
  };
}

/** The uncompressed bytes of one entry, as a stream that fails if its size or CRC-32 is not the declared one. */
export async function openEntry(path: string, entry: ZipEntry): Promise<Readable> {
  const reader = await openZipReader(path);
  try {
    const out = await reader.openEntry(entry);
    out.on('close', () => reader.close());
    return out;
  } catch (e) {
    reader.close();
    throw e;
  }
}

function checked(src: Readable, entry: ZipEntry): Readable {
  let crc = 0;
  let n = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      n += chunk.length;
      // yauzl already stops at the declared size; checked here too, so the rule does not rest on one place.
      if (n > entry.size) return cb(new ZipReadError(`${entry.name}: inflates past its declared ${entry.size} bytes`));
      crc = crc32(chunk, crc);
      cb(null, chunk);
    },
    flush(cb: TransformCallback) {
      if (n !== entry.size) return cb(new ZipReadError(`${entry.name}: ${n} bytes, the directory says ${entry.size}`));
      if (crc >>> 0 !== entry.crc32 >>> 0) return cb(new ZipReadError(`${entry.name}: CRC-32 mismatch`));
      cb();
    },
  });
  src.on('error', (e) => t.destroy(e instanceof ZipReadError ? e : new ZipReadError(`${entry.name}: ${e.message}`)));
  return src.pipe(t);
}

/** Read every entry through its size and CRC-32 checks (one pass over the file); the entries, or a ZipReadError. */
export async function verifyZip(path: string): Promise<ZipEntry[]> {
  const entries = await listZip(path);
  const zip = await openZip(path);
  try {
    let i = 0;
    for await (const e of zip.eachEntry()) {
      const entry = entries[i++];
      if (!entry) throw new ZipReadError('the zip changed while it was read');
      if (entry.isDirectory) continue;
      for await (const _ of checked(await zip.openReadStreamPromise(e), entry)) void _;
    }
  } catch (e) {
    throw e instanceof ZipReadError ? e : new ZipReadError(`not a readable zip (${(e as Error).message})`);
  } finally {
    zip.close();
  }
  return entries;
}
