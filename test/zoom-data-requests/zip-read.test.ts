/** The small zip reader used to check and split Zoom's export zips. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yazl from 'yazl';
import { describe, expect, it } from 'vitest';
import { sizeCheck, zoomWindow } from '../../src/zoom-data-requests/export.js';
import { listZip, safeEntryName, verifyZip, ZipReadError } from '../../src/zoom-data-requests/zip-read.js';
import { placeForPerson } from '../../src/zoom-data-requests/place.js';
import { existsSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tempDir } from '../helpers/cli.js';

async function makeZip(path: string, files: Record<string, string | Buffer>, compress = true, zip64 = false): Promise<void> {
  const z = new yazl.ZipFile();
  for (const [name, text] of Object.entries(files)) z.addBuffer(Buffer.from(text), name, { compress, forceZip64Format: zip64 });
  z.end();
  const chunks: Buffer[] = [];
  for await (const c of z.outputStream) chunks.push(c as Buffer);
  writeFileSync(path, Buffer.concat(chunks));
}

/** Replace entry names (same length) in a stored zip's local headers and central directory. */
function patchNames(path: string, names: Record<string, string>): void {
  let text = readFileSync(path).toString('latin1');
  for (const [from, to] of Object.entries(names)) text = text.split(from).join(to);
  writeFileSync(path, Buffer.from(text, 'latin1'));
}

describe('zip-read', () => {
  it('lists and verifies stored and deflated entries; a flipped byte fails the CRC', async () => {
    const dir = tempDir('zdsar-zip-');
    for (const compress of [true, false]) {
      const p = join(dir, `a-${compress}.zip`);
      await makeZip(p, { 'a@x.example/team_chat.json': JSON.stringify({ hello: 'world'.repeat(100) }), 'b@x.example/meetings.json': '[]' }, compress);
      expect((await verifyZip(p)).map((e) => e.name)).toEqual(['a@x.example/team_chat.json', 'b@x.example/meetings.json']);
      const bytes = readFileSync(p);
      const data = 30 + bytes.readUInt16LE(26) + bytes.readUInt16LE(28) + 3; // inside the first entry's data
      bytes[data] = bytes[data]! ^ 0xff;
      writeFileSync(p, bytes);
      await expect(verifyZip(p)).rejects.toThrow();
    }
    writeFileSync(join(dir, 'not.zip'), 'hello, this is not a zip file at all');
    await expect(listZip(join(dir, 'not.zip'))).rejects.toBeInstanceOf(ZipReadError);
  });

  it('reads Zoom\'s size as bytes or bits; sends the window as date-times, start before end', () => {
    expect(sizeCheck('1000', 1000)).toBeUndefined();
    expect(sizeCheck('8000', 1000)).toBeUndefined();
    expect(sizeCheck('15667', 1000)).toMatch(/15667/);
    expect(zoomWindow({ from: '2025-01-01', to: '2025-01-31' }, Date.parse('2026-01-01'))).toEqual({ start_date: '2025-01-01T00:00:00Z', end_date: '2025-02-01T00:00:00Z' });
    expect(zoomWindow({ from: '2025-01-01', to: '2025-01-01' }, Date.parse('2025-01-01T10:00:00.500Z'))).toEqual({ start_date: '2025-01-01T00:00:00Z', end_date: '2025-01-01T10:00:00Z' });
  });

  // Issue 15, finding 7.
  it('reads ZIP64 (yauzl)', async () => {
    const p = join(tempDir('zdsar-zip-'), 'z64.zip');
    await makeZip(p, { 'a@x.example/meetings.json': '[1,2,3]' }, true, true);
    expect((await verifyZip(p)).map((e) => e.name)).toEqual(['a@x.example/meetings.json']);
  });

  it('makes entry names safe and keeps the name Zoom wrote beside it', () => {
    expect(safeEntryName('alice@x.example/../x.json')).toBe('alice@x.example/__/x.json');
    expect(safeEntryName('../../etc/passwd')).toBe('__/__/etc/passwd');
    expect(safeEntryName('/etc/cron.d/x')).toBe('etc/cron.d/x');
    expect(safeEntryName('C:\\Windows\\x')).toBe('C_/Windows/x');
    expect(safeEntryName('a/./b\u0000c/')).toBe('a/b_c/');
  });

  it('refuses overlapping central-directory entries (4 × 256 KiB from one small deflated entry)', async () => {
    const dir = tempDir('zdsar-zip-');
    const p = join(dir, 'one.zip');
    await makeZip(p, { 'a@x.example/big.bin': Buffer.alloc(256 * 1024) });
    const bytes = readFileSync(p);
    const eocd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const cdOffset = bytes.readUInt32LE(eocd + 16);
    const cdSize = bytes.readUInt32LE(eocd + 12);
    const cen = bytes.subarray(cdOffset, cdOffset + cdSize);
    const copies = [0, 1, 2, 3].map((i) => {
      const c = Buffer.from(cen);
      c[46 + 'a@x.example/big.bi'.length] = 0x30 + i; // a@x.example/big.bi0 … bi3, same length
      return c;
    });
    const end = Buffer.from(bytes.subarray(eocd));
    end.writeUInt16LE(4, 8);
    end.writeUInt16LE(4, 10);
    end.writeUInt32LE(cdSize * 4, 12);
    const bomb = Buffer.concat([bytes.subarray(0, cdOffset), ...copies, end]);
    expect(bomb.length).toBeLessThan(4096);
    writeFileSync(p, bomb);
    await expect(listZip(p)).rejects.toThrow(/overlap/);
    await expect(verifyZip(p)).rejects.toBeInstanceOf(ZipReadError);
  });

  it('an entry that inflates past its declared size is stopped', async () => {
    const p = join(tempDir('zdsar-zip-'), 'lie.zip');
    await makeZip(p, { 'a@x.example/big.bin': Buffer.alloc(1024 * 1024) });
    const bytes = readFileSync(p);
    const eocd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const cdOffset = bytes.readUInt32LE(eocd + 16);
    bytes.writeUInt32LE(10, cdOffset + 24); // the directory declares 10 bytes
    writeFileSync(p, bytes);
    await expect(verifyZip(p)).rejects.toThrow(/10|too many bytes|declared/);
  });

  it('places entries named ../ or absolute under safe names and records it; no .partial is left (split and one-person zips)', async () => {
    const dir = tempDir('zdsar-place-');
    const zoomZip = join(dir, 'zoom.zip');
    // yazl will not write such names: written with stand-ins of the same length, then patched in.
    await makeZip(zoomZip, { 'alice@x.example/DD/x.json': '{"a":1}', 'alice@x.example/meetings.json': '[]', 'bob@x.example/meetings.json': '[]' }, false);
    patchNames(zoomZip, { 'alice@x.example/DD/x.json': 'alice@x.example/../x.json' });
    const entries = await verifyZip(zoomZip);
    const sha = createHash('sha256').update(readFileSync(zoomZip)).digest('hex');
    const zip = { path: zoomZip, entries, sha256: sha, bytes: readFileSync(zoomZip).length, fileId: 'f1', fileName: 'f1.zip', zoomSize: '1' };
    const pkg = join(dir, 'pkg');
    const placed = await placeForPerson(pkg, { email: 'alice@x.example', folder: '01-alice@x.example' }, zip, 'zoom-1.zip');
    expect(placed.split).toBe(true);
    expect(placed.renamed_entries).toEqual([{ from: 'alice@x.example/../x.json', to: 'alice@x.example/__/x.json' }]);
    expect(placed.note).toMatch(/made safe/);
    const out = join(pkg, placed.path);
    expect((await verifyZip(out)).map((e) => e.rawName).sort()).toEqual(['alice@x.example/__/x.json', 'alice@x.example/meetings.json']);
    expect(readdirSync(join(pkg, 'subjects', '01-alice@x.example', 'zoom-export'))).toEqual(['zoom-1.zip']);

    // One person's zip with absolute and ../../ names: rewritten, not copied unchanged.
    const solo = join(dir, 'solo.zip');
    await makeZip(solo, { 'Setc/cron.d/evil': 'x', 'DDSDD/escape.txt': 'y', 'meetings.json': '[]' }, false);
    patchNames(solo, { 'Setc/cron.d/evil': '/etc/cron.d/evil', 'DDSDD/escape.txt': '../../escape.txt' });
    const soloEntries = await verifyZip(solo);
    const p2 = await placeForPerson(pkg, { email: 'carol@x.example', folder: '02-carol@x.example' }, { ...zip, path: solo, entries: soloEntries }, 'zoom-2.zip');
    expect(p2.renamed_entries).toHaveLength(2);
    const names = (await verifyZip(join(pkg, p2.path))).map((e) => e.rawName).sort();
    expect(names).toEqual(['__/__/escape.txt', 'etc/cron.d/evil', 'meetings.json']);
    expect(names.every((n) => !n.startsWith('/') && !n.split('/').includes('..'))).toBe(true);
    expect(existsSync(join(pkg, p2.path) + '.partial')).toBe(false);
  });
});
