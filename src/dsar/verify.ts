/**
 * `zdsar verify <package>`: is every file what the manifest says (sha256 and size), is anything
 * missing or added, and (when signed) does the signature over the manifest hold?
 *
 * Works on a package folder (manifest.json, plus disclosure/manifest.json when there is a
 * disclosure copy) and on an unzipped per-person zip (its own manifest.json). Paths in a manifest
 * are relative to the folder holding it. Renderings (report.html), the manifests themselves, their
 * signatures and SHA256SUMS are not data and are not listed; zips/ (checked after unzipping) and
 * .work/ (an unfinished run's scratch) are left out of the walk and said so.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { UsageError } from '../errors.js';
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

const NOT_DATA = new Set(['manifest.json', SIGNATURE_FILE, 'SHA256SUMS', 'report.html', PACKAGE_MARKER]);
const SKIPPED_DIRS = new Map([
  ['zips', 'per-person zips: unzip one and verify that folder'],
  ['.work', "an unfinished run's scratch parts"],
  ['internal-record', "the officer's archives of the record (not for release): unzip one and verify that folder"],
]);

export async function verifyPackage(dir: string, opts: { publicKey?: KeyObject } = {}): Promise<VerifyReport> {
  const rootManifest = join(dir, 'manifest.json');
  if (!(await isFile(rootManifest))) throw new UsageError(`${dir}: no manifest.json here: give the package folder (or an unzipped per-person zip's folder)`);
  const manifestPaths = ['manifest.json'];
  if (await isFile(join(dir, 'disclosure', 'manifest.json'))) manifestPaths.push('disclosure/manifest.json');

  const report: VerifyReport = { ok: true, manifests: [], missing: [], changed: [], unlisted: [], skipped: [] };
  const listed = new Set<string>();
  for (const mp of manifestPaths) {
    const bytes = await readFile(join(dir, ...mp.split('/')));
    let manifest: { subjects?: Array<{ files?: Listed[] }>; files?: Listed[] };
    try {
      manifest = JSON.parse(bytes.toString('utf8')) as typeof manifest;
    } catch {
      report.changed.push({ path: mp, reason: 'not valid JSON' });
      continue;
    }
    const base = posix.dirname(mp) === '.' ? '' : posix.dirname(mp) + '/';
    if (mp === 'disclosure/manifest.json') {
      const problem = await copyBinding(dir, manifest as { request_id?: unknown; source_manifest?: { sha256?: unknown } });
      if (problem) report.changed.push({ path: mp, reason: problem });
    }
    const files = [...(manifest.files ?? []), ...(manifest.subjects ?? []).flatMap((s) => s.files ?? [])];
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
    const sigPath = join(dir, ...(base + SIGNATURE_FILE).split('/'));
    let signature: SignatureCheck | { status: 'unsigned' } = { status: 'unsigned' };
    if (await isFile(sigPath)) signature = checkSignature(await readFile(sigPath, 'utf8'), bytes, opts.publicKey);
    else if (opts.publicKey) signature = { status: 'invalid', reason: 'not signed, but a public key was given' };
    if (signature.status === 'invalid') report.changed.push({ path: `${base}${SIGNATURE_FILE}`, reason: signature.reason });
    report.manifests.push({ path: mp, files: files.length, signature });
  }
  for (const f of await walk(dir, '', report.skipped)) {
    if (listed.has(f)) continue;
    if (NOT_DATA.has(posix.basename(f))) continue;
    report.unlisted.push(f);
  }
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

async function checkFile(abs: string, f: Listed): Promise<string | undefined> {
  let st;
  try {
    st = await lstat(abs);
  } catch {
    return 'missing';
  }
  if (st.isSymbolicLink()) return 'is a symbolic link, not the file';
  if (!st.isFile()) return 'is not a file';
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(abs)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  const sha = hash.digest('hex');
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

async function walk(root: string, prefix: string, skipped: string[]): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(join(root, prefix), { withFileTypes: true });
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!prefix && SKIPPED_DIRS.has(e.name)) {
        skipped.push(`${rel}/: ${SKIPPED_DIRS.get(e.name)}`);
        continue;
      }
      out.push(...(await walk(root, rel, skipped)));
    } else out.push(rel);
  }
  return out;
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await lstat(p)).isFile();
  } catch {
    return false;
  }
}

