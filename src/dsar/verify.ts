/**
 * `zdsar verify <package>`: is every file what the manifest says (sha256 and size), is anything
 * missing or added, and (when signed) does the signature over the manifest hold?
 *
 * Works on a package folder (manifest.json, plus disclosure/manifest.json when there is a
 * disclosure copy) and on an unzipped per-person zip (its own manifest.json). Paths in a manifest
 * are relative to the folder holding it. What zdsar writes beside the data is accepted only where
 * it writes it (see verifyPackage); anything else not listed is reported.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { UsageError } from '../errors.js';
import { digestFile } from '../fs/records.js';
import { PACKAGE_MARKER } from '../ledger/index.js';
import { checkSignature, SIGNATURE_FILE, type SignatureCheck } from './signing.js';

export interface VerifyReport {
  ok: boolean;
  /** Manifests checked, relative to the folder given. */
  manifests: Array<{ path: string; files: number; signature: SignatureCheck | { status: 'unsigned' } }>;
  missing: string[];
  changed: Array<{ path: string; reason: string }>;
  unlisted: string[];
  /** Folders not walked, with why. */
  skipped: string[];
}

interface Listed {
  path: string;
  sha256: string;
  bytes: number;
}

const REPORTS_LIST = 'reports.json';
/** The officer's archives of the record (release.ts INTERNAL_ARCHIVE): never deliverables, checked after unzipping. */
const INTERNAL_DIR = 'internal-record';
const INTERNAL_SUFFIX = '.internal-record-not-for-release.zip';

/**
 * Check a package folder, or an unzipped per-person zip's folder.
 * Listed files must match; everything else is reported as unlisted, except what zdsar writes
 * beside the data, and only where it writes it: the manifests and their signatures, the package
 * marker, a zip's SHA256SUMS (which must say what its manifest says), and report.html files
 * (listed in reports.json in a package, in the manifest in a zip). In a package, zips/ may hold
 * only the people's zips (checked after unzipping) and their cover notes, and .work/ only an
 * unfinished run's scratch (approve and deliver sweep a killed zip run's scratch before they verify).
 */
export async function verifyPackage(dir: string, opts: { publicKey?: KeyObject } = {}): Promise<VerifyReport> {
  const rootManifest = join(dir, 'manifest.json');
  if (!(await isFile(rootManifest))) throw new UsageError(`${dir}: no manifest.json here: give the package folder (or an unzipped per-person zip's folder)`);
  // An unzipped per-person zip holds SHA256SUMS beside its manifest; a package never does.
  const inZip = await isFile(join(dir, 'SHA256SUMS'));
  const manifestPaths = ['manifest.json'];
  if (!inZip && (await isFile(join(dir, 'disclosure', 'manifest.json')))) manifestPaths.push('disclosure/manifest.json');

  const report: VerifyReport = { ok: true, manifests: [], missing: [], changed: [], unlisted: [], skipped: [] };
  const listed = new Set<string>();
  const zdsars = new Set<string>();
  let folders: string[] = [];
  let finished = true;
  for (const mp of manifestPaths) {
    const bytes = await readFile(join(dir, ...mp.split('/')));
    const base = posix.dirname(mp) === '.' ? '' : posix.dirname(mp) + '/';
    zdsars.add(mp);
    let manifest: { subjects?: Array<{ path?: string; status?: string; files?: Listed[] }>; files?: Listed[] };
    try {
      manifest = JSON.parse(bytes.toString('utf8')) as typeof manifest;
    } catch {
      report.changed.push({ path: mp, reason: 'not valid JSON' });
      continue;
    }
    if (mp === 'manifest.json') {
      folders = (manifest.subjects ?? []).map((s) => posix.basename(String(s.path ?? ''))).filter((f) => /^[A-Za-z0-9@._+-]+$/.test(f) && f !== '.' && f !== '..');
      finished = (manifest.subjects ?? []).every((s) => s.status === 'completed' || s.status === 'not_found');
    }
    if (mp === 'disclosure/manifest.json') {
      const problem = await copyBinding(dir, manifest as { request_id?: unknown; source_manifest?: { sha256?: unknown } });
      if (problem) report.changed.push({ path: mp, reason: problem });
    }
    const files = [...(manifest.files ?? []), ...(manifest.subjects ?? []).flatMap((s) => s.files ?? [])];
    await checkListed(dir, base, files, listed, report);
    const sigPath = join(dir, ...(base + SIGNATURE_FILE).split('/'));
    let signature: SignatureCheck | { status: 'unsigned' } = { status: 'unsigned' };
    if (await isFile(sigPath)) {
      zdsars.add(base + SIGNATURE_FILE);
      signature = checkSignature(await readFile(sigPath, 'utf8'), bytes, opts.publicKey);
    } else if (opts.publicKey) signature = { status: 'invalid', reason: 'not signed, but a public key was given' };
    if (signature.status === 'invalid') report.changed.push({ path: `${base}${SIGNATURE_FILE}`, reason: signature.reason });
    report.manifests.push({ path: mp, files: files.length, signature });
    if (inZip) {
      // The zip's SHA256SUMS says what its manifest says, line for line.
      zdsars.add('SHA256SUMS');
      const want = files.map((f) => `${f.sha256}  ${f.path}\n`).join('');
      if ((await readFile(join(dir, 'SHA256SUMS'), 'utf8')) !== want) report.changed.push({ path: 'SHA256SUMS', reason: 'does not match manifest.json' });
    }
  }
  if (!inZip) {
    if (await isFile(join(dir, PACKAGE_MARKER))) zdsars.add(PACKAGE_MARKER);
    // report.html files: listed with their digests in reports.json.
    if (await isFile(join(dir, REPORTS_LIST))) {
      zdsars.add(REPORTS_LIST);
      let files: Listed[] = [];
      try {
        const doc = JSON.parse(await readFile(join(dir, REPORTS_LIST), 'utf8')) as { files?: Listed[] };
        files = (doc.files ?? []).filter((f) => f.path === 'report.html' || folders.some((d) => f.path === `subjects/${d}/report.html` || f.path === `disclosure/${d}/report.html`));
      } catch {
        report.changed.push({ path: REPORTS_LIST, reason: 'not valid JSON' });
      }
      await checkListed(dir, '', files, listed, report);
    }
  }
  const isZipOfPerson = (name: string) => folders.some((f) => name === `${f}.zip` || name === `${f}.zip.age`);
  // The cover note `requests deliver` writes beside each person's zip (plain words, rewritten on each deliver).
  const isCoverNote = (name: string) => folders.some((f) => name === `${f}.cover-note.txt`);
  const isArchiveOfPerson = (name: string) => folders.some((f) => name === `${f}${INTERNAL_SUFFIX}`);
  let zips = 0;
  let notes = 0;
  let archives = 0;
  for (const f of await walk(dir, '')) {
    if (listed.has(f) || zdsars.has(f)) continue;
    if (!inZip && /^zips\/[^/]+$/.test(f) && isZipOfPerson(f.slice(5))) {
      zips++;
      continue;
    }
    if (!inZip && /^zips\/[^/]+$/.test(f) && isCoverNote(f.slice(5))) {
      notes++;
      continue;
    }
    if (!inZip && f.startsWith(`${INTERNAL_DIR}/`) && /^[^/]+$/.test(f.slice(INTERNAL_DIR.length + 1)) && isArchiveOfPerson(f.slice(INTERNAL_DIR.length + 1))) {
      archives++;
      continue;
    }
    if (!inZip && !finished && f.startsWith('.work/')) continue;
    report.unlisted.push(f);
  }
  if (zips) report.skipped.push(`zips/: ${zips} per-person zip(s): unzip one and verify that folder`);
  if (notes) report.skipped.push(`zips/: ${notes} cover note(s) written by requests deliver (not data)`);
  if (archives) report.skipped.push(`${INTERNAL_DIR}/: ${archives} officer's archive(s) of the record (not for release): unzip one and verify that folder`);
  if (!inZip && !finished && (await isDir(join(dir, '.work')))) report.skipped.push(".work/: an unfinished run's scratch parts");
  report.missing.sort();
  report.unlisted.sort();
  report.ok = report.missing.length === 0 && report.changed.length === 0 && report.unlisted.length === 0;
  return report;
}

/** A disclosure copy belongs to its package: the same request, made from this manifest.json (as `requests approve` checks). */
async function copyBinding(dir: string, copy: { request_id?: unknown; source_manifest?: { sha256?: unknown } }): Promise<string | undefined> {
  const text = await readFile(join(dir, 'manifest.json'));
  let requestId: unknown;
  try {
    requestId = (JSON.parse(text.toString('utf8')) as { request_id?: unknown }).request_id;
  } catch {
    return undefined; // reported for manifest.json itself
  }
  if (copy.request_id !== requestId) return `the copy is request ${JSON.stringify(copy.request_id)}'s, not this package's (${JSON.stringify(requestId)})`;
  if (copy.source_manifest?.sha256 !== createHash('sha256').update(text).digest('hex')) return "the copy was not made from this package's manifest.json (source_manifest differs)";
  return undefined;
}

/** Check each listed file (paths relative to `base`, inside `dir`); record what was listed. */
async function checkListed(dir: string, base: string, files: Listed[], listed: Set<string>, report: VerifyReport): Promise<void> {
  for (const f of files) {
    const rel = safeRel(String(f.path));
    if (!rel) {
      report.changed.push({ path: `${base}${String(f.path)}`, reason: 'the manifest lists a path outside its folder' });
      continue;
    }
    const path = `${base}${rel}`;
    listed.add(path);
    const problem = await checkFile(join(dir, ...path.split('/')), f);
    if (problem === 'missing') report.missing.push(path);
    else if (problem) report.changed.push({ path, reason: problem });
  }
}

async function checkFile(abs: string, f: Listed): Promise<string | undefined> {
  let st;
  try {
    st = await lstat(abs);
  } catch {
    return 'missing';
  }
  if (st.isSymbolicLink()) return 'is a symbolic link, not the file';
  if (!st.isFile()) return 'is not a file';
  const { sha256: sha, bytes } = await digestFile(abs);
  if (bytes !== f.bytes) return `size ${bytes} bytes, the manifest says ${f.bytes}`;
  if (sha !== f.sha256) return 'contents changed (sha256 differs)';
  return undefined;
}

/** A manifest path made safe: relative, '/'-separated, no '..' or empty segment. */
function safeRel(p: string): string | undefined {
  if (p.startsWith('/') || p.includes('\\') || p.includes('\0')) return undefined;
  const parts = p.split('/');
  if (parts.some((s) => s === '' || s === '.' || s === '..')) return undefined;
  return parts.join('/');
}

async function walk(root: string, prefix: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(join(root, prefix), { withFileTypes: true });
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walk(root, rel)));
    else out.push(rel);
  }
  return out;
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await lstat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await lstat(p)).isFile();
  } catch {
    return false;
  }
}

