import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReports } from '../../src/dsar/report/index.js';
import { zipSubjects } from '../../src/dsar/zip.js';
import type { Manifest } from '../../src/dsar/manifest.js';
import { buildPackage } from '../report/package-fixture.js';

interface Entry {
  name: string;
  data: Buffer;
  mode: number;
  method: number;
}

/**
 * A minimal unzip that also returns each entry's Unix mode (src/zoom-data-requests/zip-read.ts does not),
 * so the test checks 0600 and the CRCs without an unzip tool.
 */
function unzip(buf: Buffer): Entry[] {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('no end of central directory');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out: Entry[] = [];
  for (let k = 0; k < count; k++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const csize = buf.readUInt32LE(p + 20);
    const usize = buf.readUInt32LE(p + 24);
    const nlen = buf.readUInt16LE(p + 28);
    const xlen = buf.readUInt16LE(p + 30);
    const clen = buf.readUInt16LE(p + 32);
    const attrs = buf.readUInt32LE(p + 38);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nlen).toString('utf8');
    const lnlen = buf.readUInt16LE(local + 26);
    const lxlen = buf.readUInt16LE(local + 28);
    const start = local + 30 + lnlen + lxlen;
    const raw = buf.subarray(start, start + csize);
    const data = method === 0 ? Buffer.from(raw) : inflateRawSync(raw);
    expect(data.length).toBe(usize);
    expect(crc32(data)).toBe(crc);
    out.push({ name, data, mode: attrs >>> 16, method });
    p += 46 + nlen + xlen + clen;
  }
  return out;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('zipSubjects', () => {
  let pkg: string;
  let manifest: Manifest;
  beforeAll(async () => {
    pkg = mkdtempSync(join(tmpdir(), 'zdsar-zip-'));
    manifest = (await buildPackage(pkg)).manifest;
    await writeReports(pkg, manifest);
    // A download interrupted mid-way is not part of the answer.
    writeFileSync(join(pkg, 'subjects', '01-alice@example.com', 'files', 'recordings', '0002-f3.m4a.partial'), 'half');
  });
  afterAll(() => rmSync(pkg, { recursive: true, force: true }));

  it('writes one zip per person whose files unpack with the manifest\'s checksums', async () => {
    const zips = await zipSubjects(pkg, manifest);
    expect(zips).toEqual([join(pkg, 'zips', '01-alice@example.com.zip'), join(pkg, 'zips', '02-bob@example.com.zip')]);
    for (const z of zips) expect(statSync(z).mode & 0o777).toBe(0o600);

    const entries = unzip(readFileSync(zips[0]!));
    const byName = new Map(entries.map((e) => [e.name, e]));
    const root = '01-alice@example.com';
    const excerpt = JSON.parse(byName.get(`${root}/manifest.json`)!.data.toString('utf8')) as Manifest;
    expect(excerpt.request_id).toBe(manifest.request_id);
    expect(excerpt.subjects.map((s) => s.email)).toEqual(['alice@example.com']);
    const alice = manifest.subjects[0]!;
    // The zip's manifest lists what the package's manifest lists for the person, and their report.html
    // (so verify on the unzipped folder checks it; dsar/zip.ts).
    const inZip = excerpt.subjects[0]!.files;
    const report = `subjects/${root}/report.html`;
    expect(inZip.filter((f) => f.path !== report)).toEqual(alice.files);
    expect(inZip.map((f) => f.path)).toContain(report);
    expect(alice.files.length).toBeGreaterThan(5);
    for (const f of inZip) {
      const e = byName.get(`${root}/${f.path}`);
      expect(e, f.path).toBeDefined();
      expect(sha(e!.data)).toBe(f.sha256);
      expect(e!.data.length).toBe(f.bytes);
      expect(e!.mode & 0o777).toBe(0o600);
    }
    // sha256sum -c form, relative to the folder holding manifest.json
    const sums = byName.get(`${root}/SHA256SUMS`)!.data.toString('utf8').trim().split('\n');
    expect(sums).toHaveLength(inZip.length);
    for (const line of sums) {
      const [hash, path] = line.split(/ {2}/) as [string, string];
      expect(sha(byName.get(`${root}/${path}`)!.data)).toBe(hash);
    }
    // The person's report travels with the data; partial downloads and other people do not.
    expect(byName.has(`${root}/subjects/${root}/report.html`)).toBe(true);
    expect(entries.some((e) => e.name.endsWith('.partial'))).toBe(false);
    expect(entries.some((e) => e.name.includes('bob'))).toBe(false);
    expect(entries.every((e) => e.name.startsWith(`${root}/`) && !e.name.split('/').includes('..'))).toBe(true);
    // Folders are entries of their own, 0700.
    const dirs = entries.filter((e) => e.name.endsWith('/'));
    expect(dirs.map((e) => e.name)).toContain(`${root}/subjects/${root}/files/recordings/`);
    for (const d of dirs) expect(d.mode & 0o777).toBe(0o700);
    // Media is stored, JSON compressed.
    expect(byName.get(`${root}/subjects/${root}/files/recordings/0001-f1.mp4`)!.method).toBe(0);
    expect(byName.get(`${root}/subjects/${root}/meetings.json`)!.method).toBe(8);

    const bob = unzip(readFileSync(zips[1]!)).map((e) => e.name).filter((n) => !n.endsWith('/')).sort();
    expect(bob).toEqual(['02-bob@example.com/SHA256SUMS', '02-bob@example.com/manifest.json', '02-bob@example.com/subjects/02-bob@example.com/report.html']);
  });
});
