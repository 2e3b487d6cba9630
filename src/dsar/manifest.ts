import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { isTemporaryFile, writeFileAtomic } from '../fs/atomic.js';
import { fileDigest } from '../fs/records.js';
import type { LedgerRequest } from '../ledger/index.js';
import type { CallStats } from '../zoom/client.js';
import { CATEGORIES } from './categories.js';
import { NOT_COVERED_NOTE } from './report/breadth-columns.js';
import type { CategoryResult, SubjectResult } from './collect.js';
import { subjectFolder } from '../people/folders.js';
import { byCodeUnits } from '../order.js';

export interface ManifestFile {
  path: string;
  sha256: string;
  bytes: number;
  records?: number;
}

export interface ManifestSubject {
  index: number;
  email: string;
  status: SubjectResult['status'];
  path: string;
  zoom_user_id?: string;
  /** Which identifier searched what (issue 28), when the person was given by more than one address. */
  identifiers?: SubjectResult['identifiers'];
  range?: { from: string; to: string };
  categories: Record<string, CategoryResult>;
  downloads?: SubjectResult['downloads'];
  error?: string;
  files: ManifestFile[];
  /** Files found in this person's folder that zdsar did not write for them (not listed, never zipped). */
  not_listed?: string[];
}

export interface Manifest {
  request_id: string;
  zdsar_version: string;
  type: 'export';
  created_at: string;
  completed_at: string;
  received_at: string;
  due_at: string;
  regime: string;
  requested_range: { from: string | null; to: string | null };
  subjects: ManifestSubject[];
  zoom_requests: CallStats;
  notes: string[];
}

/**
 * manifest.json is derived from what is on disk: every file in each person's folder with
 * its sha256 and size, so a resumed run writes the same manifest as an uninterrupted one. A file
 * this run wrote keeps the digest computed while writing it, if it is unchanged since (fileDigest);
 * anything else, such as what an earlier run left, is read and hashed again.
 */
export async function writeManifest(
  packageDir: string,
  input: {
    request: LedgerRequest;
    version: string;
    range: { from?: string; to?: string };
    results: Map<number, SubjectResult>;
    stats: CallStats;
    notes?: string[];
    /** --zoom-export: the files placed for each person (paths relative to the package). */
    placed?: Map<number, string[]>;
    /** People's entries made as each finished (subjectEntry), by this run: not made again. */
    entries?: ReadonlyMap<number, ManifestSubject>;
  },
): Promise<Manifest> {
  const subjects: ManifestSubject[] = [];
  let strays = 0;
  for (const s of input.request.subjects) {
    const entry = input.entries?.get(s.index) ?? (await subjectEntry(packageDir, s, input.results.get(s.index), input.placed?.get(s.index)));
    subjects.push(entry);
    strays += entry.not_listed?.length ?? 0;
  }
  const manifest: Manifest = {
    request_id: input.request.request_id,
    zdsar_version: input.version,
    type: 'export',
    created_at: input.request.created_at,
    completed_at: new Date().toISOString(),
    received_at: input.request.received_at,
    due_at: input.request.due_at,
    regime: input.request.regime,
    requested_range: { from: input.range.from ?? null, to: input.range.to ?? null },
    subjects,
    zoom_requests: input.stats,
    notes: [
      'Each file is listed with its SHA-256 and size; `sha256sum` of the file must match.',
      'Records are kept exactly as Zoom returned them, including fields zdsar does not know.',
      "Zoom serves Phone call history, call recordings, voicemails, the meetings-joined report (and so the attendance rows), Team Chat messages and the sign-in report for the past six months only; SMS conversations and cloud recordings are asked for from the day the person's Zoom user was created, and so are the call recordings of a person without a Zoom Phone licence (read from the account's list, whose spec states no six-month limit; months Zoom refuses are named in the coverage). Each category's coverage says the dates it covers and why.",
      "Zoom's meeting lists return only unexpired scheduled meetings (no instant meetings, six months of past ones): older meetings come from Zoom's own export (--zoom-export).",
      "Zoom shows an external participant's email only in some cases; registrations are found by the address given at registration.",
      NOT_COVERED_NOTE,
      ...(input.notes ?? []),
      // Said per person (not_listed): a folder's name is the person's address, and the notes go into every person's zip.
      ...(strays ? [`${strays} file(s) in people's folders were not written by zdsar for that person: not listed, not zipped (see not_listed of each person).`] : []),
    ],
  };
  await writeFileAtomic(join(packageDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

/**
 * One person's entry: every file in their folder that zdsar wrote for them, with its sha256 and size
 * as on disk now, and their categories in the catalogue's order. Made once the person's folder is
 * final (their collection and downloads ended; Zoom's export, if asked for, placed).
 */
export async function subjectEntry(packageDir: string, s: { index: number; email?: string }, result: SubjectResult | undefined, placed?: string[]): Promise<ManifestSubject> {
  const folder = subjectFolder(s.index, s.email!);
  const dir = join(packageDir, 'subjects', folder);
  const r = result ?? { status: 'failed' as const, categories: {}, error: 'not collected' };
  const recordsByFile = new Map(Object.values(r.categories).filter((c) => c.file).map((c) => [c.file!, c.records]));
  // Only files zdsar wrote for this person: its category files, its downloads, Zoom's export placed for it.
  const ours = new Set<string>([
    ...Object.values(r.categories).filter((c) => c.status === 'done' && c.file).map((c) => c.file!),
    ...(r.downloads?.paths ?? []),
    ...(placed ?? []).map((p) => relative(dir, join(packageDir, p)).split(sep).join('/')),
  ]);
  const files: ManifestFile[] = [];
  const notListed: string[] = [];
  for (const abs of await listFiles(dir)) {
    const inSubject = relative(dir, abs).split(sep).join('/');
    if (!ours.has(inSubject)) {
      notListed.push(relative(packageDir, abs).split(sep).join('/'));
      continue;
    }
    const d = await fileDigest(abs);
    const records = recordsByFile.get(inSubject);
    files.push({ path: relative(packageDir, abs).split(sep).join('/'), sha256: d.sha256, bytes: d.bytes, ...(records !== undefined ? { records } : {}) });
  }
  files.sort((a, b) => byCodeUnits(a.path, b.path));
  const ordered: Record<string, CategoryResult> = {};
  for (const c of CATEGORIES) if (r.categories[c.name]) ordered[c.name] = r.categories[c.name]!;
  return {
    index: s.index,
    email: s.email!,
    status: r.status,
    path: `subjects/${folder}`,
    ...(r.userId ? { zoom_user_id: r.userId } : {}),
    ...(r.identifiers ? { identifiers: r.identifiers } : {}),
    ...(r.range ? { range: r.range } : {}),
    categories: ordered,
    ...(r.downloads ? { downloads: withoutPaths(r.downloads) } : {}),
    ...(r.error ? { error: r.error } : {}),
    files,
    ...(notListed.length ? { not_listed: notListed.sort() } : {}),
  };
}

function withoutPaths(d: NonNullable<SubjectResult['downloads']>): NonNullable<SubjectResult['downloads']> {
  const { paths: _paths, ...rest } = d;
  return rest;
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    // report.html is a rendering of the manifest, written after it; unfinished downloads and temporaries are not data.
    else if (e.isFile() && e.name !== 'report.html' && !isTemporaryFile(e.name)) out.push(p);
  }
  return out;
}
