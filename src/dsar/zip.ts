/**
 * --zip: one zip per person, so the officer can send a single file.
 *
 *   <package>/zips/<folder>.zip   (0600)
 *     <folder>/manifest.json               the package manifest with only this person in `subjects`
 *     <folder>/SHA256SUMS                  the same checksums in `sha256sum -c` form
 *     <folder>/subjects/<folder>/…         the files the manifest lists for the person, and their report.html
 *     <folder>/manifest.sig                (when signing) Ed25519 over that manifest.json
 *
 * From the disclosure copy (once approved), `disclosure/<folder>/…` instead of `subjects/<folder>/…`:
 * nothing of the record goes to the person. Encrypted: `<folder>.zip.age` (age) or an AES-256 zip.
 *
 * Paths inside the zip keep the manifest's layout (files are listed relative to the folder
 * holding manifest.json), so after unzipping, `cd <folder> && sha256sum -c SHA256SUMS`
 * verifies every file. Streamed with yazl: each file is read from disk when its turn comes
 * and the archive is written to a temporary file that is fsync'd and renamed into place;
 * nothing is held in memory whole. Already-compressed media (mp4, m4a, mp3…) is stored
 * without compressing again.
 */
import { randomInt } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, open, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { ensurePrivateDir, fsyncDir } from '../fs/atomic.js';
import { digestFile } from '../fs/records.js';
import type { Manifest, ManifestSubject } from './manifest.js';
import { byCodeUnits } from '../order.js';

const STORE_ONLY = /\.(mp4|m4a|mp3|wav|ogg|webm|zip|gz|png|jpe?g|pdf)$/i;

/** How the zips are handed over (encryption) and vouched for (a signature over each zip's manifest). */
export interface ZipOptions {
  /** Sign the zip's manifest.json: returns the contents of manifest.sig. */
  sign?: (manifestBytes: Buffer) => Buffer;
  /** Encrypt each zip to these age recipients (age1…): <folder>.zip.age. */
  ageRecipients?: string[];
  /** An AES-256 zip with a fresh random passphrase per person, returned once and kept nowhere. */
  passphrase?: boolean;
  /** Where the zips go (relative to the package) and what their names end with; default zips/, ".zip". */
  into?: { dir: string; suffix: string };
}

/** Where zips are built before they are renamed into place: outside zips/, so a crash never leaves a plain or half-written file among what is sent. */
export const ZIP_SCRATCH = join('.work', 'zips');

/** The names a person's deliverables have in zips/ (plain, age-encrypted, the cover note). */
export function deliverableNames(folder: string): string[] {
  return [`${folder}.zip`, `${folder}.zip.age`, `${folder}.cover-note.txt`];
}

/** Remove every person's deliverables from zips/ (only the names zdsar gives them): a rebuilt copy invalidates them. */
export async function removeDeliverables(packageDir: string, folders: string[]): Promise<string[]> {
  const removed: string[] = [];
  for (const f of folders) {
    for (const name of deliverableNames(f)) {
      const p = join(packageDir, 'zips', name);
      if (await lstat(p).then((st) => st.isFile(), () => false)) {
        await rm(p, { force: true });
        removed.push(p);
      }
    }
  }
  return removed;
}

/** Sweep what a killed run left in the scratch folder (a plain zip waiting for encryption, half an archive). */
export async function sweepZipScratch(packageDir: string): Promise<void> {
  await rm(join(packageDir, ZIP_SCRATCH), { recursive: true, force: true });
}

export interface ZipResult {
  index: number;
  path: string;
  /** Only with ZipOptions.passphrase: show it once, never store it. */
  passphrase?: string;
}

/** Write one zip per person; returns their paths (absolute), in the manifest's order. */
export async function zipSubjects(packageDir: string, manifest: Manifest, opts: ZipOptions = {}): Promise<string[]> {
  return (await zipPeople(packageDir, 'subjects', manifest, opts)).map((z) => z.path);
}

/**
 * One zip per person from `subjects/` (the record) or `disclosure/` (the copy that protects other
 * people; its manifest lists paths relative to disclosure/, the zip's relative to its root).
 */
export async function zipPeople(packageDir: string, source: 'subjects' | 'disclosure', manifest: Manifest, opts: ZipOptions = {}): Promise<ZipResult[]> {
  const into = opts.into ?? { dir: 'zips', suffix: '.zip' };
  const zipsDir = join(packageDir, into.dir);
  await ensurePrivateDir(zipsDir);
  await sweepZipScratch(packageDir);
  const scratch = join(packageDir, ZIP_SCRATCH);
  await ensurePrivateDir(join(packageDir, '.work'));
  await ensurePrivateDir(scratch);
  const out: ZipResult[] = [];
  for (const s of manifest.subjects) {
    const folder = subjectFolderOf(s, source);
    const ext = opts.ageRecipients?.length ? `${into.suffix}.age` : into.suffix;
    const dest = join(zipsDir, `${folder}${ext}`);
    // One form per person at a time: an older plain or encrypted zip of the same person goes.
    for (const other of [into.suffix, `${into.suffix}.age`]) if (other !== ext) await rm(join(zipsDir, `${folder}${other}`), { force: true });
    const excerpt: Manifest =
      source === 'subjects'
        ? { ...manifest, subjects: [s] }
        : ({ ...manifest, files: [], subjects: [{ ...s, path: `disclosure/${s.path}`, files: s.files.map((f) => ({ ...f, path: `disclosure/${f.path}` })) }] } as Manifest);
    const passphrase = opts.passphrase ? newPassphrase() : undefined;
    await zipOne(join(packageDir, source, folder), excerpt, folder, `${source}/${folder}`, dest, scratch, { ...opts, passphrase });
    out.push({ index: s.index, path: dest, ...(passphrase ? { passphrase } : {}) });
  }
  await sweepZipScratch(packageDir);
  return out;
}

function subjectFolderOf(s: ManifestSubject, source: 'subjects' | 'disclosure'): string {
  const re = source === 'subjects' ? /^subjects\/([A-Za-z0-9@._+-]+)$/ : /^([A-Za-z0-9@._+-]+)$/;
  const m = re.exec(s.path);
  if (!m || m[1] === '.' || m[1] === '..') throw new Error(`unexpected subject path in the manifest: ${JSON.stringify(s.path)}`);
  return m[1]!;
}

interface Entry {
  name: string;
  mtime: Date;
  dir?: boolean;
  buffer?: Buffer;
  abs?: string;
  size?: number;
  compress?: boolean;
}

async function zipOne(base: string, excerpt0: Manifest, root: string, inZip: string, dest: string, scratch: string, opts: Omit<ZipOptions, 'passphrase'> & { passphrase?: string }): Promise<void> {
  // Only what the manifest lists for this person (files zdsar wrote), and the person's report.html,
  // which the zip's manifest lists too (so `verify` on the unzipped folder checks it).
  const prefix = `${inZip}/`;
  const subject = excerpt0.subjects[0]!;
  const listed = subject.files.map((f) => f.path).filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length));
  const report = await lstat(join(base, 'report.html')).then((st) => st.isFile(), () => false);
  const reportFile = report && !listed.includes('report.html') ? [{ path: `${prefix}report.html`, ...(await digestFile(join(base, 'report.html'))) }] : [];
  const excerpt: Manifest = reportFile.length ? { ...excerpt0, subjects: [{ ...subject, files: [...subject.files, ...reportFile].sort((a, b) => byCodeUnits(a.path, b.path)) }] } : excerpt0;
  const files = [...listed, ...(reportFile.length ? ['report.html'] : [])].sort();
  const manifestBytes = Buffer.from(JSON.stringify(excerpt, null, 2) + '\n', 'utf8');
  const sums = excerpt.subjects[0]!.files.map((f) => `${f.sha256}  ${f.path}\n`).join('');
  const mtime = new Date(excerpt.completed_at);
  const entries: Entry[] = [
    { name: `${root}/manifest.json`, buffer: manifestBytes, mtime },
    { name: `${root}/SHA256SUMS`, buffer: Buffer.from(sums, 'utf8'), mtime },
  ];
  if (opts.sign) entries.push({ name: `${root}/manifest.sig`, buffer: opts.sign(manifestBytes), mtime });

  // Folder entries with 0700, so unzip recreates them as private as the package's.
  const dirs = new Set<string>([`${root}`]);
  const parts0 = inZip.split('/');
  for (let i = 1; i <= parts0.length; i++) dirs.add(`${root}/${parts0.slice(0, i).join('/')}`);
  for (const rel of files) {
    const parts = rel.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) dirs.add(`${root}/${inZip}/${parts.slice(0, i).join('/')}`);
  }
  const dirEntries: Entry[] = [...dirs].sort().map((d) => ({ name: d, dir: true, mtime }));
  const fileEntries: Entry[] = [];
  for (const rel of files) {
    const abs = join(base, ...rel.split('/'));
    const st = await stat(abs);
    fileEntries.push({ name: `${root}/${inZip}/${rel}`, abs, size: st.size, mtime: st.mtime, compress: !STORE_ONLY.test(rel) });
  }
  const all = [...dirEntries, ...entries, ...fileEntries];
  const tmp = join(scratch, `${basename(dest)}.tmp-${process.pid}-${Date.now().toString(16)}`);
  try {
    if (opts.passphrase) await writeAesZip(all, tmp, opts.passphrase);
    else if (opts.ageRecipients?.length) {
      const plain = join(scratch, `${basename(dest)}.plain.tmp-${process.pid}-${Date.now().toString(16)}`);
      try {
        await writeZip(all, plain);
        await encryptAge(plain, tmp, opts.ageRecipients);
      } finally {
        await rm(plain, { force: true });
      }
    } else await writeZip(all, tmp);
    const fh = await open(tmp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, dest);
    await fsyncDir(join(dest, '..'));
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** A plain zip, streamed with yazl: each file is read from disk when its turn comes. */
async function writeZip(entries: Entry[], path: string): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const e of entries) {
    if (e.dir) zip.addEmptyDirectory(e.name, { mode: 0o40700, mtime: e.mtime });
    else if (e.buffer) zip.addBuffer(e.buffer, e.name, { mode: 0o100600, mtime: e.mtime });
    else {
      const abs = e.abs!;
      // addReadStreamLazy: the file is opened only when yazl reaches it (no pile of open descriptors).
      zip.addReadStreamLazy(e.name, { mode: 0o100600, mtime: e.mtime, size: e.size, compress: e.compress }, (cb) => cb(null, createReadStream(abs)));
    }
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(path, { mode: 0o600, flags: 'wx' }));
}

/** An AES-256 encrypted zip (WinZip AE-2, opened by 7-Zip, macOS Archive Utility 13+, WinZip), streamed with zip.js. */
async function writeAesZip(entries: Entry[], path: string, password: string): Promise<void> {
  const zipjs = await import('@zip.js/zip.js');
  zipjs.configure({ useWebWorkers: false });
  const out = Writable.toWeb(createWriteStream(path, { mode: 0o600, flags: 'wx' })) as WritableStream<Uint8Array>;
  const writer = new zipjs.ZipWriter(out, { password, encryptionStrength: 3, zipCrypto: false });
  for (const e of entries) {
    if (e.dir) await writer.add(e.name, undefined, { directory: true, lastModDate: e.mtime });
    else if (e.buffer) await writer.add(e.name, new zipjs.Uint8ArrayReader(new Uint8Array(e.buffer)), { lastModDate: e.mtime });
    else await writer.add(e.name, Readable.toWeb(createReadStream(e.abs!)) as ReadableStream<Uint8Array>, { lastModDate: e.mtime, level: e.compress ? 6 : 0 });
  }
  await writer.close();
}

/** Encrypt a file to age recipients (streamed: memory stays flat whatever the zip's size). */
async function encryptAge(src: string, dest: string, recipients: string[]): Promise<void> {
  const age = await import('age-encryption');
  const e = new age.Encrypter();
  for (const r of recipients) e.addRecipient(r);
  const encrypted = await e.encrypt(Readable.toWeb(createReadStream(src)) as ReadableStream<Uint8Array>);
  await pipeline(Readable.fromWeb(encrypted as import('node:stream/web').ReadableStream<Uint8Array>), createWriteStream(dest, { mode: 0o600, flags: 'wx' }));
}

/** 6 groups of 5 from 31 characters without look-alikes: about 148 bits. */
export function newPassphrase(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const groups: string[] = [];
  for (let g = 0; g < 6; g++) {
    let s = '';
    for (let i = 0; i < 5; i++) s += alphabet[randomInt(alphabet.length)];
    groups.push(s);
  }
  return groups.join('-');
}
