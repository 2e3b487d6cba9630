/**
 * The one deletion guard (issue 15): what `requests purge` and `delete --purge-packages` may delete.
 * A package folder is deleted only if all of these hold:
 * - the request id has zdsar's form (r-YYYYMMDD-HHMMSS-xxxx) and the folder is named after it;
 * - the folder sits directly in the export root recorded with the request (`--out`, else
 *   ZDSAR_HOME/exports), never in ZDSAR_HOME's own folders, `/` or a home folder;
 * - it is a real folder (not a link) owned by this user;
 * - it holds a manifest.json (a regular file, not a link) whose request_id is the request's, or, for a
 *   run killed before its first manifest, the marker zdsar writes as it creates the folder
 *   (PACKAGE_MARKER) with that request_id.
 * Nothing beside the folder (no sibling `<folder>.zip`) is ever deleted; parts of a package
 * (one person's parts: personParts) are deleted only inside a package that passed these checks,
 * and never through a link (a linked `subjects/` or `zips/` is refused, not followed).
 */
import { lstat, readdir, readFile, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { currentUid } from '../fs/safe.js';
import type { LedgerRequest } from './types.js';

/** Written into a package folder as zdsar creates it: `{"request_id": …}`. */
export const PACKAGE_MARKER = '.zdsar-package';

/** zdsar's request ids (ledger.ts newId). */
export const REQUEST_ID_RE = /^r-\d{8}-\d{6}-[0-9a-f]{4}$/;

export type PackageCheck = { dir: string; exists: true } | { dir: string; exists: false } | { refused: string };

/** Whether request `r`'s recorded package folder may be deleted (see the module comment). */
export async function checkPackage(r: Pick<LedgerRequest, 'request_id' | 'out_dir' | 'options'>, home: string): Promise<PackageCheck> {
  if (!r.out_dir) return { refused: `request ${r.request_id} records no package folder` };
  const dir = resolve(r.out_dir);
  const refuse = (why: string): PackageCheck => ({ refused: `not deleting ${dir}: ${why}` });
  if (!REQUEST_ID_RE.test(r.request_id)) return refuse(`"${r.request_id}" is not a zdsar request id`);
  const st = await lstat(dir).catch(() => undefined);
  if (!st) return { dir, exists: false };
  if (basename(dir) !== r.request_id) return refuse(`it is not named after request ${r.request_id}`);
  const outRoot = typeof r.options?.outRoot === 'string' ? resolve(r.options.outRoot) : resolve(home, 'exports');
  if (dirname(dir) !== outRoot) return refuse(`it is not in the request's recorded export folder ${outRoot}`);
  const h = resolve(home);
  const forbidden = [resolve('/'), resolve(homedir()), h, join(h, 'ledger')];
  if (forbidden.some((f) => dir === f || f.startsWith(dir + sep))) return refuse('it is or holds a folder zdsar must keep');
  if (st.isSymbolicLink() || !st.isDirectory()) return refuse('it is not a folder (a link is never followed)');
  const uid = currentUid();
  if (uid !== undefined && st.uid !== uid) return refuse(`it is owned by uid ${st.uid}, not by you`);
  const manifestId = await recordedId(join(dir, 'manifest.json'));
  if (manifestId === r.request_id) return { dir, exists: true };
  if (manifestId !== undefined) return refuse(`its manifest.json is not request ${r.request_id}'s`);
  // A run killed before its first manifest: the marker written when the folder was made.
  if ((await recordedId(join(dir, PACKAGE_MARKER))) === r.request_id) return { dir, exists: true };
  return refuse(`it holds no manifest.json of request ${r.request_id}`);
}

/** The request_id recorded in a regular file (never a link), or undefined when there is none. */
async function recordedId(path: string): Promise<unknown> {
  const st = await lstat(path).catch(() => undefined);
  if (!st?.isFile()) return undefined;
  return readFile(path, 'utf8').then(
    (t) => (JSON.parse(t) as { request_id?: unknown }).request_id ?? null,
    () => null,
  );
}

/**
 * Every part of one person that zdsar writes in a package, relative to it: their folder in subjects/
 * and disclosure/, their zip (plain or age-encrypted), its temporaries and cover note in zips/ and
 * .work/zips/, the officer's archive in internal-record/, their scratch in .work/ and in a half-built
 * disclosure copy (.disclosure-*). Only names zdsar makes are listed.
 */
export async function personParts(dir: string, folder: string): Promise<string[]> {
  const parts = [`subjects/${folder}`, `disclosure/${folder}`, `.work/${folder}`];
  const zips = await realDirEntries(dir, 'zips');
  for (const e of zips) if (e === `${folder}.zip` || e.startsWith(`${folder}.zip.`) || e === `${folder}.cover-note.txt`) parts.push(`zips/${e}`);
  // A killed zip run's temporaries (dsar/zip.ts ZIP_SCRATCH) and the officer's archive of the record (release.ts INTERNAL_ARCHIVE).
  for (const e of await realDirEntries(dir, '.work/zips')) if (e.startsWith(`${folder}.zip.`)) parts.push(`.work/zips/${e}`);
  for (const e of await realDirEntries(dir, 'internal-record')) if (e === `${folder}.internal-record-not-for-release.zip`) parts.push(`internal-record/${e}`);
  for (const e of await realDirEntries(dir, '.')) if (e.startsWith('.disclosure-')) parts.push(`${e}/${folder}`);
  return parts;
}

/** The names in a real folder of the package (none when it is missing or a link). */
async function realDirEntries(dir: string, rel: string): Promise<string[]> {
  const p = resolve(dir, rel);
  const st = await lstat(p).catch(() => undefined);
  if (!st?.isDirectory()) return [];
  return readdir(p);
}

/**
 * Delete `parts` (paths relative to a package that passed checkPackage, e.g. `subjects/01-a@x`), or the
 * whole package when `parts` is undefined. Returns what was deleted. A part that escapes the package, or a
 * part that is a link, is refused (links inside a deleted folder are unlinked, never followed).
 */
export async function deletePackage(dir: string, parts?: string[]): Promise<string[]> {
  if (parts === undefined) {
    await rm(dir, { recursive: true, force: true });
    return [dir];
  }
  // Every part is checked before any is deleted: one refused part leaves the package as it was.
  const paths: string[] = [];
  for (const rel of parts) {
    const p = resolve(dir, rel);
    if (!p.startsWith(dir + sep)) throw new Error(`refusing to delete ${p}: outside the package ${dir}`);
    // Every folder on the way must be a real folder of the package: a link is never followed.
    const steps = p.slice(dir.length + 1).split(sep).slice(0, -1);
    for (let i = 1; i <= steps.length; i++) {
      const at = join(dir, ...steps.slice(0, i));
      const st = await lstat(at).catch(() => undefined);
      if (st && (st.isSymbolicLink() || !st.isDirectory())) throw new Error(`refusing to delete ${p}: ${at} is not a real folder of the package (a link is never followed)`);
    }
    paths.push(p);
  }
  const gone: string[] = [];
  for (const p of paths) {
    const st = await lstat(p).catch(() => undefined);
    if (!st) continue;
    await rm(p, { recursive: true, force: true });
    gone.push(p);
  }
  return gone;
}
