/**
 * Putting a verified Zoom export zip into a person's folder of the package:
 *
 *   subjects/<folder>/zoom-export/zoom-<zoom request id>[-<n>].zip
 *
 * - Zoom's zip holds only this person (its top-level folders name no other email, or it has no
 *   per-person folders at all: one request id is for one email): it is copied unchanged, so its
 *   bytes are Zoom's own, unless an entry name could escape a folder when unzipped (`..`, an
 *   absolute path): then it is rewritten with safe names, and the renaming is recorded.
 * - Zoom's zip holds several people's folders (`<email>/…`): only this person's entries are copied,
 *   streamed and CRC-checked, into a new zip of the same layout (entry names are Zoom's, made safe
 *   by zip-read.ts; nothing Zoom wrote becomes a path on disk). Entries under nobody's folder are left out and
 *   counted in the note.
 * - Zoom's zip holds other people's folders but not this person's: nothing is placed (an error).
 */
import { copyFile, rename, rm } from 'node:fs/promises';
import { constants, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { ensurePrivateDir, fsyncDir } from '../fs/atomic.js';
import { digestFile } from '../fs/records.js';
import { openZipReader, type ZipEntry } from './zip-read.js';

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
  /** Entry names Zoom wrote that were made safe (`..`, absolute paths), as written and as placed. */
  renamed_entries?: Array<{ from: string; to: string }>;
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
  const files = (es: ZipEntry[]) => es.filter((e) => !e.isDirectory).length;
  const renamed = (es: ZipEntry[]) => es.filter((e) => e.name !== e.rawName).map((e) => ({ from: e.rawName, to: e.name }));
  if (others.length === 0) {
    const changed = renamed(zip.entries);
    if (changed.length === 0) {
      // Zoom's own bytes, unchanged.
      const tmp = `${dest}.partial`;
      await rm(tmp, { force: true });
      await copyFile(zip.path, tmp, constants.COPYFILE_EXCL);
      await rename(tmp, dest);
      await fsyncDir(dir);
      return { ...base, path: rel, sha256: zip.sha256, bytes: zip.bytes, split: false, entries: files(zip.entries) };
    }
    // Names that could escape a folder when unzipped (../, absolute): the zip is rewritten with safe names.
    const d = await writeZip(zip.path, zip.entries, dest, dir);
    return { ...base, path: rel, ...d, split: false, entries: files(zip.entries), renamed_entries: changed, note: renamedNote(changed) };
  }
  if (!folders.has(email)) {
    throw new Error(`Zoom's file ${zip.fileId} holds folders for ${others.length} other ${others.length === 1 ? 'person' : 'people'} but none for this person; not placed`);
  }
  const mine = zip.entries.filter((e) => topFolder(e.name) === email);
  const unattributed = zip.entries.filter((e) => !e.isDirectory && !folders.has(topFolder(e.name) ?? '')).length;
  const changed = renamed(mine);
  const d = await writeZip(zip.path, mine, dest, dir);
  const notes = [
    `this person's ${files(mine)} entries of Zoom's zip, which held ${folders.size} ${folders.size === 1 ? 'person' : 'people'}${unattributed ? `; ${unattributed} entries under no person's folder were left out` : ''}`,
    ...(changed.length ? [renamedNote(changed)] : []),
  ];
  return { ...base, path: rel, ...d, split: true, entries: files(mine), ...(changed.length ? { renamed_entries: changed } : {}), note: notes.join('; ') };
}

function renamedNote(changed: Array<{ from: string; to: string }>): string {
  return `${changed.length} entry ${changed.length === 1 ? 'name' : 'names'} Zoom wrote could escape a folder when unzipped and ${changed.length === 1 ? 'was' : 'were'} made safe (${changed
    .slice(0, 3)
    .map((c) => `${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`)
    .join(', ')}${changed.length > 3 ? ', …' : ''})`;
}

/** A new zip of `entries` (safe names), streamed and CRC-checked from Zoom's zip, published atomically. */
async function writeZip(source: string, entries: ZipEntry[], dest: string, dir: string): Promise<{ sha256: string; bytes: number }> {
  const out = new yazl.ZipFile();
  const tmp = `${dest}.partial`;
  await rm(tmp, { force: true });
  const reader = await openZipReader(source);
  const written = pipeline(out.outputStream, createWriteStream(tmp, { mode: 0o600, flags: 'wx' }));
  // yazl reports a failing entry stream on the ZipFile, not on its output: end the pipeline with it.
  out.on('error', (err: Error) => (out.outputStream as unknown as { destroy(e: Error): void }).destroy(err));
  try {
    for (const e of entries) {
      if (e.isDirectory) {
        out.addEmptyDirectory(e.name);
        continue;
      }
      out.addReadStreamLazy(e.name, { compress: !/\.(zip|gz|mp4|m4a|mp3|jpe?g|png|pdf)$/i.test(e.name) }, (cb) => {
        reader.openEntry(e).then(
          (s) => cb(null, s),
          (err: unknown) => cb(err, undefined as unknown as NodeJS.ReadableStream),
        );
      });
    }
    out.end();
    await written;
  } catch (e) {
    (out.outputStream as unknown as { destroy(e?: Error): void }).destroy();
    await written.catch(() => undefined);
    await rm(tmp, { force: true }); // never a .partial left behind
    throw e;
  } finally {
    reader.close();
  }
  await rename(tmp, dest);
  await fsyncDir(dir);
  return digestFile(dest);
}
