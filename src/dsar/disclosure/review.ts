/**
 * The officer's review of a disclosure copy, one record at a time (what `zdsar desk` shows): each
 * masked value with where it was, what it was, the pseudonym it became and the rule that masked it;
 * and the officer's decision on the record (keep masked, reveal values, withhold the record), saved
 * beside the request (overrides.ts) and applied by rebuilding the copy through `zdsar redact`'s workflow.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { zdsarHome } from '../../config.js';
import { UsageError } from '../../errors.js';
import { Ledger, releaseGate, type Approval, type LedgerRequest } from '../../ledger/index.js';
import type { Manifest, ManifestSubject } from '../manifest.js';
import { folderOf, readDisclosure, records, REDACTIONS_FILE, type DisclosureOutcome } from './index.js';
import { getPath, OVERRIDES_FILE, savedOverrides, WITHHELD_BY_OFFICER, type Overrides, type Reveal } from './overrides.js';
import { redactRequest } from './run.js';

export interface ReviewState {
  request: LedgerRequest;
  packageDir?: string;
  manifest?: Manifest;
  copy?: DisclosureOutcome;
  /** The approval in force for the copy on disk, if any. */
  approval?: Approval;
  /** Why the copy cannot be released yet, when it cannot. */
  waiting?: string;
  overrides: Overrides;
}

/** A request as the desk shows it: the ledger's record, its package's manifest and its copy (each when there is one). */
export async function reviewState(env: NodeJS.ProcessEnv, id: string): Promise<ReviewState> {
  const ledger = Ledger.open(zdsarHome(env));
  const found = await ledger.get(id);
  const request = found && (await ledger.settle(found));
  if (!request) throw new UsageError(`no request ${id} in the ledger`, 'zdsar requests list shows them.');
  const overrides = await savedOverrides(ledger.requestDir(request.request_id));
  if (request.type !== 'export' || !request.out_dir || request.purged_at) return { request, overrides };
  const packageDir = request.out_dir;
  let manifest: Manifest | undefined;
  try {
    manifest = JSON.parse(await readFile(join(packageDir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return { request, packageDir, overrides };
  }
  const copy = await readDisclosure(packageDir);
  const gate = releaseGate(request, copy?.sha256);
  return { request, packageDir, manifest, copy, overrides, ...(gate.ok ? { approval: gate.approval } : { waiting: gate.reason }) };
}

/** One place in a person's copy that has masked values or a decision: a record of a file. */
export interface Place {
  file: string;
  record?: number;
}

export interface ReviewEntry {
  field: string;
  rule: string;
  /** What the person sees instead (a pseudonym such as "Contact 3"). */
  as: string;
  /** The value in the record (the officer's view only; never written anywhere). */
  original: unknown;
  decision: 'masked' | 'revealed';
}

export interface ReviewRecord {
  subject: ManifestSubject;
  place: Place;
  /** 1-based position among the person's places, and how many there are. */
  position: number;
  total: number;
  entries: ReviewEntry[];
  withheld: boolean;
  /** Only JSON records take decisions (a transcript line is masked by its own rules). */
  decidable: boolean;
  /** The record as Zoom sent it, and as the person receives it (undefined when withheld). */
  source: unknown;
  shown: unknown;
  /** The person's files with places, each with its first position and how many places it has. */
  files: Array<{ file: string; first: number; count: number }>;
}

/** One line of the disclosure copy's log: a place masked or withheld (file, record, field), by which rule, as what. */
export interface Logged {
  file: string;
  record?: number;
  field: string;
  rule: string;
  as: string;
}

async function logOf(copy: DisclosureOutcome, folder: string): Promise<Logged[]> {
  const doc = JSON.parse(await readFile(join(copy.dir, folder, REDACTIONS_FILE), 'utf8')) as { redactions: Logged[] };
  return doc.redactions;
}

function subjectOf(state: ReviewState, person: number): ManifestSubject {
  const s = state.manifest?.subjects.find((x) => x.index === person);
  if (!s) throw new UsageError(`request ${state.request.request_id} has no person ${person}`);
  return s;
}

const key = (p: Place) => `${p.file}\u0000${p.record ?? 0}`;

/** The person's places in file order (as redactions.json lists them), with places the officer revealed in full added. */
export async function reviewPlaces(state: ReviewState, person: number): Promise<Place[]> {
  if (!state.copy) return [];
  const folder = folderOf(subjectOf(state, person).path);
  const out = new Map<string, Place>();
  for (const r of await logOf(state.copy, folder)) out.set(key(r), { file: r.file, ...(r.record !== undefined ? { record: r.record } : {}) });
  for (const r of state.overrides.reveal.filter((x) => x.person === person)) if (!out.has(key(r))) out.set(key(r), { file: r.file, ...(r.record !== undefined ? { record: r.record } : {}) });
  return [...out.values()];
}

async function recordAt(path: string, n: number | undefined): Promise<unknown> {
  let i = 0;
  for await (const r of records(path)) {
    i++;
    if (n === undefined || i === n) return r.value;
  }
  return undefined;
}

/** The `position`-th place of a person's copy (1-based), with each masked value and the decisions on it. */
export async function reviewRecord(state: ReviewState, person: number, position: number): Promise<ReviewRecord> {
  if (!state.copy || !state.packageDir) throw new UsageError(`request ${state.request.request_id} has no disclosure copy`, `Make it first: zdsar redact ${state.request.request_id}`);
  const subject = subjectOf(state, person);
  const folder = folderOf(subject.path);
  const places = await reviewPlaces(state, person);
  const place = places[position - 1];
  if (!place) throw new UsageError(`person ${person} has ${places.length} record(s) to review; there is no record ${position}`);
  const k = key(place);
  const decidable = place.file.endsWith('.json');
  const source = decidable ? await recordAt(join(state.packageDir, 'subjects', folder, ...place.file.split('/')), place.record) : undefined;
  const withheld = state.overrides.withhold.some((w) => w.person === person && key(w) === k);
  const logged = (await logOf(state.copy, folder)).filter((r) => key(r) === k && r.rule !== WITHHELD_BY_OFFICER);
  const entries: ReviewEntry[] = logged.map((r) => ({ field: r.field, rule: r.rule, as: r.as, original: decidable ? getPath(source, r.field) : undefined, decision: 'masked' }));
  for (const r of state.overrides.reveal.filter((x) => x.person === person && key(x) === k)) {
    entries.push({ field: r.field, rule: r.rule ?? 'masked by the policy', as: r.as ?? '', original: getPath(source, r.field), decision: 'revealed' });
  }
  let shown: unknown;
  if (decidable && !withheld) {
    // Records withheld before this one are not in the copy: count them out.
    const before = state.overrides.withhold.filter((w) => w.person === person && w.file === place.file && place.record !== undefined && w.record < place.record).length;
    shown = await recordAt(join(state.copy.dir, folder, ...place.file.split('/')), place.record === undefined ? undefined : place.record - before);
  }
  const files = new Map<string, { file: string; first: number; count: number }>();
  places.forEach((p, i) => {
    const f = files.get(p.file) ?? { file: p.file, first: i + 1, count: 0 };
    f.count++;
    files.set(p.file, f);
  });
  return { subject, place, position, total: places.length, entries, withheld, decidable, source, shown, files: [...files.values()] };
}

export interface Decision {
  person: number;
  file: string;
  record?: number;
  /** The fields of the record to reveal; every other masked field of the record stays masked. */
  reveal: string[];
  withhold: boolean;
}

export interface DecisionResult {
  request_id: string;
  overridesPath: string;
  before: { sha256?: string; masked: number; approved_by?: string };
  after: { sha256: string; masked: number };
  /** The record's decisions as they now stand. */
  revealed: string[];
  withheld: boolean;
  /** The approval of the earlier copy, which no longer applies. */
  approvalVoided?: Approval;
}

const maskedIn = (c: DisclosureOutcome | undefined) => c?.manifest.subjects.reduce((n, s) => n + s.redactions.masked, 0) ?? 0;

/**
 * Save the officer's decision on one record beside the request, then rebuild the copy through the
 * same workflow as `zdsar redact` (which applies the saved decisions). Returns what changed.
 */
export async function decideRecord(env: NodeJS.ProcessEnv, id: string, d: Decision): Promise<DecisionResult> {
  const state = await reviewState(env, id);
  if (!state.copy) throw new UsageError(`request ${state.request.request_id} has no disclosure copy`, `Make it first: zdsar redact ${state.request.request_id}`);
  const current = await reviewRecord(state, d.person, (await reviewPlaces(state, d.person)).findIndex((p) => p.file === d.file && p.record === d.record) + 1);
  const known = new Map(current.entries.map((e) => [e.field, e]));
  const unknown = d.reveal.find((f) => !known.has(f));
  if (unknown !== undefined) throw new UsageError(`record ${d.record ?? ''} of ${d.file}: nothing masked at ${unknown}`);
  const k = key(d);
  const same = (x: { person: number; file: string; record?: number }) => x.person === d.person && key(x) === k;
  const reveal: Reveal[] = d.reveal.map((field) => ({ person: d.person, file: d.file, ...(d.record !== undefined ? { record: d.record } : {}), field, rule: known.get(field)!.rule, as: known.get(field)!.as }));
  const next: Overrides = {
    reveal: [...state.overrides.reveal.filter((x) => !same(x)), ...reveal],
    withhold: [...state.overrides.withhold.filter((x) => !same(x)), ...(d.withhold && d.record !== undefined ? [{ person: d.person, file: d.file, record: d.record }] : [])],
  };
  // The same workflow as `zdsar redact <id> --override FILE`: it saves the decisions beside the request and rebuilds.
  await redactRequest(env, state.request.request_id, {}, next);
  const overridesPath = join(Ledger.open(zdsarHome(env)).requestDir(state.request.request_id), OVERRIDES_FILE);
  const after = await readDisclosure(state.packageDir!);
  if (!after) throw new Error(`the copy of ${state.request.request_id} was not rebuilt`);
  return {
    request_id: state.request.request_id,
    overridesPath,
    before: { sha256: state.copy.sha256, masked: maskedIn(state.copy), ...(state.approval ? { approved_by: state.approval.by } : {}) },
    after: { sha256: after.sha256, masked: maskedIn(after) },
    revealed: d.reveal,
    withheld: d.withhold && d.record !== undefined,
    ...(state.approval ? { approvalVoided: state.approval } : {}),
  };
}

