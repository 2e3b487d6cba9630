/**
 * A small zip reader for Zoom's export zips: the central directory, and each entry streamed through
 * zlib with its CRC-32 and size checked. Stored (0) and deflated (8) entries; no encryption, no ZIP64
 * (a ZIP64 or otherwise unreadable zip is reported, and zdsar then keeps it whole). Nothing is held
 * in memory but the directory: entries are streamed from the file.
 *
 * Entry names are text Zoom wrote: they are never used as paths on disk (see place.ts).
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { crc32, createInflateRaw } from 'node:zlib';

export interface ZipEntry {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  isDirectory: boolean;
  encrypted: boolean;
}

export class ZipReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipReadError';
  }
}

const EOCD = 0x06054b50;
const CEN = 0x02014b50;
const LOC = 0x04034b50;

/** The entries of the zip at `path`, from its central directory. */
export async function listZip(path: string): Promise<ZipEntry[]> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    if (size < 22) throw new ZipReadError('not a zip file (too short)');
    const tailLen = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new ZipReadError('not a zip file (no end of central directory)');
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new ZipReadError('ZIP64 archives are not read by zdsar');
    if (cdOffset + cdSize > size) throw new ZipReadError('the central directory lies outside the file (truncated zip?)');
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CEN) throw new ZipReadError('corrupt central directory');
      const flags = cd.readUInt16LE(p + 8);
      const method = cd.readUInt16LE(p + 10);
      const crc = cd.readUInt32LE(p + 16);
      const compressedSize = cd.readUInt32LE(p + 20);
      const uncompressed = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      const offset = cd.readUInt32LE(p + 42);
      if (compressedSize === 0xffffffff || uncompressed === 0xffffffff || offset === 0xffffffff) throw new ZipReadError('ZIP64 entries are not read by zdsar');
      const name = cd.subarray(p + 46, p + 46 + nameLen).toString(flags & 0x800 ? 'utf8' : 'latin1');
      entries.push({ name, method, crc32: crc, compressedSize, size: uncompressed, localHeaderOffset: offset, isDirectory: name.endsWith('/'), encrypted: (flags & 1) === 1 });
      p += 46 + nameLen + extraLen + commentLen;
    }
    return entries;
  } finally {
    await fh.close();
  }
}

/** The uncompressed bytes of one entry, as a stream that fails if its CRC-32 or size is wrong. */
export async function openEntry(path: string, entry: ZipEntry): Promise<Readable> {
  if (entry.encrypted) throw new ZipReadError(`${entry.name}: encrypted entries are not read`);
  if (entry.method !== 0 && entry.method !== 8) throw new ZipReadError(`${entry.name}: compression method ${entry.method} is not read`);
  const fh = await open(path, 'r');
  let dataStart: number;
  try {
    const loc = Buffer.alloc(30);
    await fh.read(loc, 0, 30, entry.localHeaderOffset);
    if (loc.readUInt32LE(0) !== LOC) throw new ZipReadError(`${entry.name}: corrupt local header`);
    dataStart = entry.localHeaderOffset + 30 + loc.readUInt16LE(26) + loc.readUInt16LE(28);
  } finally {
    await fh.close();
  }
  if (entry.compressedSize === 0) return checked(Readable.from([]), entry);
  const raw = createReadStream(path, { start: dataStart, end: dataStart + entry.compressedSize - 1 });
  if (entry.method === 0) return checked(raw, entry);
  const inflate = createInflateRaw();
  raw.on('error', (e) => inflate.destroy(e));
  return checked(raw.pipe(inflate), entry);
}

function checked(src: Readable, entry: ZipEntry): Readable {
  let crc = 0;
  let n = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      crc = crc32(chunk, crc);
      n += chunk.length;
      cb(null, chunk);
    },
    flush(cb: TransformCallback) {
      if (n !== entry.size) return cb(new ZipReadError(`${entry.name}: ${n} bytes, the directory says ${entry.size}`));
      if (crc >>> 0 !== entry.crc32 >>> 0) return cb(new ZipReadError(`${entry.name}: CRC-32 mismatch`));
      cb();
    },
  });
  src.on('error', (e) => t.destroy(e));
  return src.pipe(t);
}

/** Read every entry through its CRC-32 check; the entries, or a ZipReadError. */
export async function verifyZip(path: string): Promise<ZipEntry[]> {
  const entries = await listZip(path);
  for (const e of entries) {
    if (e.isDirectory) continue;
    const s = await openEntry(path, e);
    for await (const _ of s) void _;
  }
  return entries;
}
