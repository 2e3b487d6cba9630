import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordsFor, type SandboxAccount } from '../../src/sandbox/index.js';
import { meetingTypes } from '../../src/sandbox/routes/meetings.js';

export type Rec = Record<string, unknown>;

/** A category of a person in manifest.json, as the e2e tests read it. */
export interface ManifestCategoryView {
  status: string;
  records?: number;
  note?: string;
  error?: string;
  reason?: string;
  coverage?: { why: string; from?: string; to?: string; items?: { collected: number; failed: number; named: Array<{ key: string; outcome: string }> } };
}

/** A person in manifest.json, as the e2e tests read it. */
export interface ManifestSubjectView {
  index: number;
  email: string;
  status: string;
  path: string;
  categories: Record<string, ManifestCategoryView>;
  identifiers?: Array<{ kind: string; value: string; primary?: boolean; searched: string[]; note?: string }>;
}

export function readJson<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

const ids = (list: Iterable<Rec>, key = 'id') => new Set([...list].map((r) => String(r[key])));

/**
 * What the sandbox holds for a person, per package file, as sets of ids:
 * the truth an export is checked against. Phone lists: Zoom serves the last six months.
 */
export function expectedIds(account: SandboxAccount, email: string, now = Date.now()): Record<string, Set<string>> {
  const r = recordsFor(account, email);
  const sixMonthsAgo = new Date(now);
  sixMonthsAgo.setUTCMonth(sixMonthsAgo.getUTCMonth() - 6);
  const since = Date.UTC(sixMonthsAgo.getUTCFullYear(), sixMonthsAgo.getUTCMonth(), sixMonthsAgo.getUTCDate());
  const recent = <T>(list: Iterable<T>, at: (x: T) => string) => [...list].filter((x) => Date.parse(at(x)) >= since);
  return {
    // Zoom's meeting lists return only unexpired, non-instant meetings (and six months of previous ones).
    'meetings.json': ids(r.meetings.filter((m) => meetingTypes(m, now).size > 0) as unknown as Rec[]),
    'meetings.unlisted': ids(r.meetings.filter((m) => meetingTypes(m, now).size === 0) as unknown as Rec[]),
    'webinars.json': ids(r.webinars as unknown as Rec[]),
    recordings: ids(r.recordings as unknown as Rec[], 'uuid'),
    'phone_call_history.json': ids(recent(r.calls, (c) => c.start_time) as unknown as Rec[]),
    'phone_recordings.json': ids(recent(r.phoneRecordings, (c) => c.date_time) as unknown as Rec[]),
    'phone_voicemails.json': ids(recent(r.voicemails, (c) => c.date_time) as unknown as Rec[]),
  };
}

/** The ids in a category file (none when the file is absent: a category with no data has none). */
export function idsInFile(dir: string, file: string, key = 'id'): Set<string> {
  if (!existsSync(join(dir, file))) return new Set();
  return ids(readJson<Rec[]>(join(dir, file)), key);
}
