/**
 * Putting a verified Zoom export zip into a person's folder of the package:
 *
 *   subjects/<folder>/zoom-export/zoom-<zoom request id>[-<n>].zip
 *
 * - Zoom's zip holds only this person (its top-level folders name no other email, or it has no
 *   per-person folders at all: one request id is for one email): it is copied unchanged, so its
 *   bytes are Zoom's own.
 * - Zoom's zip holds several people's folders (`<email>/…`): only this person's entries are copied,
 *   streamed and CRC-checked, into a new zip of the same layout (entry names keep Zoom's paths;
 *   nothing Zoom wrote becomes a path on disk). Entries under nobody's folder are left out and
 *   counted in the note.
 * - Zoom's zip holds other people's folders but not this person's: nothing is placed (an error).
 */
import { copyFile, rename, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { ensurePrivateDir, fsyncDir } from '../fs/atomic.js';
import { digestFile } from '../fs/records.js';
import { openEntry, type ZipEntry } from './zip-read.js';

export interface PlacedFile {
  /** Relative to the package folder (as the manifest lists it). */
  path: string;
  sha256: string;
  bytes: number;
  /** Zoom's file id and name (the name is never used as a path). */
  zoom_file_id: string;
  zoom_file_name: string;
  /** Zoom's `size` field, as given. */
  zoom_size: string;
  /** true: this person's part of a zip that held several people. */
  split: boolean;
  /** sha256 of the zip as Zoom served it. */
  zoom_sha256: string;
  entries: number;
  note?: string;
}

export function safeId(s: string): string {
  const t = s.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  return t === '' ? 'x' : t;
}

function topFolder(name: string): string | undefined {
  const i = name.indexOf('/');
  return i > 0 ? name.slice(0, i).toLowerCase() : undefined;
}

/** Who a zip's top-level folders name (segments that look like an email). */
export function emailFolders(entries: ZipEntry[]): Set<string> {
  const out = new Set<string>();
  for (const e of entries) {
    const t = topFolder(e.name);
    if (t && t.includes('@')) out.add(t);
  }
  return out;
}

export async function placeForPerson(
  packageDir: string,
  person: { email: string; folder: string },
  zip: { path: string; entries: ZipEntry[]; sha256: string; bytes: number; fileId: string; fileName: string; zoomSize: string },
  name: string,
): Promise<PlacedFile> {
  const email = person.email.toLowerCase();
  const dir = join(packageDir, 'subjects', person.folder, 'zoom-export');
  await ensurePrivateDir(dir);
  const rel = `subjects/${person.folder}/zoom-export/${name}`;
  const dest = join(dir, name);
  const folders = emailFolders(zip.entries);
  const base = { zoom_file_id: zip.fileId, zoom_file_name: zip.fileName, zoom_size: zip.zoomSize, zoom_sha256: zip.sha256 };
  const others = [...folders].filter((f) => f !== email);
  if (others.length === 0) {
    const tmp = `${dest}.partial`;
    await copyFile(zip.path, tmp);
    await rename(tmp, dest);
    await fsyncDir(dir);
    return { ...base, path: rel, sha256: zip.sha256, bytes: zip.bytes, split: false, entries: zip.entries.filter((e) => !e.isDirectory).length };
  }
  if (!folders.has(email)) {
    throw new Error(`Zoom's file ${zip.fileId} holds folders for ${others.length} other ${others.length === 1 ? 'person' : 'people'} but none for this person; not placed`);
  }
  const mine = zip.entries.filter((e) => topFolder(e.name) === email);
  const unattributed = zip.entries.filter((e) => !e.isDirectory && !folders.has(topFolder(e.name) ?? '')).length;
  const out = new yazl.ZipFile();
  const tmp = `${dest}.partial`;
  const written = pipeline(out.outputStream, createWriteStream(tmp, { mode: 0o600 }));
  // yazl reports a failing entry stream on the ZipFile, not on its output: end the pipeline with it.
  out.on('error', (err: Error) => (out.outputStream as unknown as { destroy(e: Error): void }).destroy(err));
  for (const e of mine) {
    if (e.isDirectory) {
      out.addEmptyDirectory(e.name);
      continue;
    }
    out.addReadStreamLazy(e.name, { compress: !/\.(zip|gz|mp4|m4a|mp3|jpe?g|png|pdf)$/i.test(e.name) }, (cb) => {
      openEntry(zip.path, e).then(
        (s) => cb(null, s),
        (err: unknown) => cb(err, undefined as unknown as NodeJS.ReadableStream),
      );
    });
  }
  out.end();
  try {
    await written;
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await rename(tmp, dest);
  await fsyncDir(dir);
  const d = await digestFile(dest);
  return {
    ...base,
    path: rel,
    sha256: d.sha256,
    bytes: d.bytes,
    split: true,
    entries: mine.filter((e) => !e.isDirectory).length,
    note: `this person's ${mine.filter((e) => !e.isDirectory).length} entries of Zoom's zip, which held ${folders.size} ${folders.size === 1 ? 'person' : 'people'}${unattributed ? `; ${unattributed} entries under no person's folder were left out` : ''}`,
  };
}
