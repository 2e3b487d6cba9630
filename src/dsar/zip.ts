/**
 * --zip: one zip per person, so the officer can send a single file.
 *
 *   <package>/zips/<folder>.zip   (0600)
 *     <folder>/manifest.json               the package manifest with only this person in `subjects`
 *     <folder>/SHA256SUMS                  the same checksums in `sha256sum -c` form
 *     <folder>/subjects/<folder>/…         the person's folder as on disk (report.html included)
 *
 * Paths inside the zip keep the manifest's layout (files are listed relative to the folder
 * holding manifest.json), so after unzipping, `cd <folder> && sha256sum -c SHA256SUMS`
 * verifies every file. Streamed with yazl: each file is read from disk when its turn comes
 * and the archive is written to a temporary file that is fsync'd and renamed into place;
 * nothing is held in memory whole. Already-compressed media (mp4, m4a, mp3…) is stored
 * without compressing again.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { ensurePrivateDir, fsyncDir } from '../fs/atomic.js';
import type { Manifest, ManifestSubject } from './manifest.js';

const STORE_ONLY = /\.(mp4|m4a|mp3|wav|ogg|webm|zip|gz|png|jpe?g|pdf)$/i;

/** Write one zip per person; returns their paths (absolute), in the manifest's order. */
export async function zipSubjects(packageDir: string, manifest: Manifest): Promise<string[]> {
  const zipsDir = join(packageDir, 'zips');
  await ensurePrivateDir(zipsDir);
  const out: string[] = [];
  for (const s of manifest.subjects) {
    const folder = subjectFolderOf(s);
    const dest = join(zipsDir, `${folder}.zip`);
    await zipOne(packageDir, manifest, s, folder, dest);
    out.push(dest);
  }
  return out;
}

function subjectFolderOf(s: ManifestSubject): string {
  const m = /^subjects\/([A-Za-z0-9@._+-]+)$/.exec(s.path);
  if (!m || m[1] === '.' || m[1] === '..') throw new Error(`unexpected subject path in the manifest: ${JSON.stringify(s.path)}`);
  return m[1]!;
}

async function zipOne(packageDir: string, manifest: Manifest, s: ManifestSubject, folder: string, dest: string): Promise<void> {
  const excerpt: Manifest = { ...manifest, subjects: [s] };
  const sums = s.files.map((f) => `${f.sha256}  ${f.path}\n`).join('');
  const zip = new yazl.ZipFile();
  const tmp = `${dest}.tmp-${process.pid}-${Date.now().toString(16)}`;
  const root = folder;
  const opts = { mode: 0o100600 };
  zip.addBuffer(Buffer.from(JSON.stringify(excerpt, null, 2) + '\n', 'utf8'), `${root}/manifest.json`, { ...opts, mtime: new Date(manifest.completed_at) });
  zip.addBuffer(Buffer.from(sums, 'utf8'), `${root}/SHA256SUMS`, { ...opts, mtime: new Date(manifest.completed_at) });

  const base = join(packageDir, 'subjects', folder);
  // Only what the manifest lists for this person (files zdsar wrote), and the person's report.html.
  const prefix = `subjects/${folder}/`;
  const listed = s.files.map((f) => f.path).filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length));
  const report = await lstat(join(base, 'report.html')).then((st) => st.isFile(), () => false);
  const files = [...listed, ...(report ? ['report.html'] : [])].sort();
  // Folder entries with 0700, so unzip recreates them as private as the package's.
  const dirs = new Set<string>([`${root}`, `${root}/subjects`, `${root}/subjects/${folder}`]);
  for (const rel of files) {
    const parts = rel.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) dirs.add(`${root}/subjects/${folder}/${parts.slice(0, i).join('/')}`);
  }
  for (const d of [...dirs].sort()) zip.addEmptyDirectory(d, { mode: 0o40700, mtime: new Date(manifest.completed_at) });
  for (const rel of files) {
    const abs = join(base, ...rel.split('/'));
    const st = await stat(abs);
    // addReadStreamLazy: the file is opened only when yazl reaches it (no pile of open descriptors).
    zip.addReadStreamLazy(
      `${root}/subjects/${folder}/${rel}`,
      { mode: 0o100600, mtime: st.mtime, size: st.size, compress: !STORE_ONLY.test(rel) },
      (cb) => cb(null, createReadStream(abs)),
    );
  }
  zip.end();

  const fileStream = createWriteStream(tmp, { mode: 0o600, flags: 'wx' });
  try {
    await pipeline(zip.outputStream, fileStream);
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
