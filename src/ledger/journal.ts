/**
 * One request's storage: an append-only journal plus a snapshot, in the request's folder.
 *
 *   journal.jsonl  one JSON event per line, appended with one fsync'd O_APPEND write.
 *                  Its first line ({"gen":…,"ev":"created"|"compacted",…}) holds the whole
 *                  request; later lines are changes. The journal is the truth.
 *   snapshot.json  {v, gen, offset, tail, state}: the state after the first `offset` bytes of
 *                  the journal generation `gen` (whose last bytes hash to `tail`), replaced
 *                  atomically. Only a shortcut: when it is missing, unreadable, or does not
 *                  match the journal, the journal is replayed from the start.
 *
 * A crash mid-append leaves a torn last line; readers ignore a final line without a newline
 * and any line that is not valid JSON, and the next append starts on a fresh line.
 * Purge rewrites the journal as a single "compacted" line (new generation) so removed
 * addresses do not stay in it.
 */
import { createHash } from 'node:crypto';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { appendLinesDurable, writeFileAtomic } from '../fs/atomic.js';
import type { ErrorInput, EvidenceInput, LedgerRequest, ProgressInput, RequestStatus } from './types.js';
import { FINISHED_STATUSES } from './types.js';
import { describeIdentity, type IdentityInput, type ReleaseStep } from './identity.js';

export const JOURNAL = 'journal.jsonl';
export const SNAPSHOT = 'snapshot.json';

export type JournalEvent =
  | { gen: string; ev: 'created' | 'compacted'; at: string; request: LedgerRequest }
  | { ev: 'status'; at: string; status: RequestStatus; note?: string }
  | { ev: 'subject'; at: string; subject: number; status: string }
  | { ev: 'progress'; at: string; subject: number; category: string; p: ProgressInput }
  | { ev: 'evidence'; at: string; e: EvidenceInput }
  | { ev: 'error'; at: string; e: ErrorInput }
  | { ev: 'extended'; at: string; due_at: string; note?: string }
  | { ev: 'out_dir'; at: string; out_dir: string }
  | { ev: 'identity_verified'; at: string; v: IdentityInput }
  | { ev: 'identity_check_skipped'; at: string; reason: string; by: string }
  | { ev: 'release_refused'; at: string; step: ReleaseStep; missing: string };

/** What replaying a journal yields. `offset` is the end of the last complete line read. */
export interface Loaded {
  state: LedgerRequest;
  gen: string;
  ino: number;
  offset: number;
  /** Events read after the snapshot (or since the start): when many, a new snapshot is due. */
  sinceSnapshot: number;
}

interface SnapshotFile {
  v: 1;
  gen: string;
  offset: number;
  tail: string;
  state: LedgerRequest;
}

const TAIL_BYTES = 256;

/** A hash of the journal's last bytes before `offset`: a snapshot is used only if the journal still has them. */
async function tailHash(handle: FileHandle, offset: number): Promise<string> {
  const start = Math.max(0, offset - TAIL_BYTES);
  const buf = Buffer.alloc(offset - start);
  await handle.read(buf, 0, buf.length, start);
  return createHash('sha256').update(buf).digest('hex').slice(0, 32);
}

/** Apply one event to the state (in place). Replay is deterministic: a canceled request's status never changes again. */
export function apply(state: LedgerRequest | undefined, e: JournalEvent): LedgerRequest | undefined {
  if (e.ev === 'created' || e.ev === 'compacted') return structuredClone(e.request);
  if (!state) return undefined;
  switch (e.ev) {
    case 'status':
      if (state.status === 'canceled') break;
      state.status = e.status;
      if (e.status === 'canceled') state.canceled_at = e.at;
      if ((FINISHED_STATUSES as readonly string[]).includes(e.status)) state.completed_at = e.at;
      else delete state.completed_at;
      state.history.push({ at: e.at, action: 'status', status: e.status, ...(e.note ? { note: e.note } : {}) });
      break;
    case 'subject': {
      const s = state.subjects.find((x) => x.index === e.subject);
      if (s) s.status = e.status;
      break;
    }
    case 'progress': {
      const bySubject = (state.progress[String(e.subject)] ??= {});
      bySubject[e.category] = { ...e.p, at: e.at };
      break;
    }
    case 'evidence':
      state.evidence.push({ at: e.at, ...e.e });
      break;
    case 'error':
      state.errors.push({ at: e.at, ...e.e });
      break;
    case 'out_dir':
      state.out_dir = e.out_dir;
      break;
    case 'extended':
      state.extended = true;
      state.original_due_at ??= state.due_at;
      state.due_at = e.due_at;
      state.history.push({ at: e.at, action: 'extended', ...(e.note ? { note: e.note } : {}) });
      break;
    case 'identity_verified':
      state.identity = { ...state.identity, verified: { ...e.v, at: e.at } };
      state.history.push({ at: e.at, action: 'identity_verified', note: describeIdentity({ verified: { ...e.v, at: e.at } }) });
      break;
    case 'identity_check_skipped':
      state.identity = { ...state.identity, skipped: { at: e.at, reason: e.reason, by: e.by } };
      state.history.push({ at: e.at, action: 'identity_check_skipped', note: `identity check skipped by ${e.by}: ${e.reason}` });
      break;
    case 'release_refused':
      state.identity = { ...state.identity, refusals: [...(state.identity?.refusals ?? []), { at: e.at, step: e.step, missing: e.missing }] };
      state.history.push({ at: e.at, action: 'release_refused', note: `${e.step} refused: ${e.missing}` });
      break;
  }
  return state;
}

async function readSnapshot(dir: string): Promise<SnapshotFile | undefined> {
  try {
    const s = JSON.parse(await readFile(join(dir, SNAPSHOT), 'utf8')) as SnapshotFile;
    if (s && s.v === 1 && typeof s.gen === 'string' && typeof s.tail === 'string' && Number.isInteger(s.offset) && s.state?.request_id) return s;
  } catch {
    // missing or unreadable: replay the journal
  }
  return undefined;
}

const GEN_RE = /^\{"gen":"([0-9a-f]+)"/;

/**
 * The request's current state: snapshot (or a cached earlier load) plus the journal after it.
 * Undefined when the folder holds no readable request (e.g. a crash before the first line).
 */
export async function loadRequest(dir: string, cached?: Loaded): Promise<Loaded | undefined> {
  let handle;
  try {
    handle = await open(join(dir, JOURNAL), 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
  try {
    const st = await handle.stat();
    const head = Buffer.alloc(Math.min(64, st.size));
    await handle.read(head, 0, head.length, 0);
    const gen = GEN_RE.exec(head.toString('utf8'))?.[1];
    if (!gen) return undefined;

    let base: { state: LedgerRequest | undefined; offset: number; since: number } = { state: undefined, offset: 0, since: 0 };
    if (cached && cached.gen === gen && cached.ino === st.ino && cached.offset <= st.size) {
      base = { state: cached.state, offset: cached.offset, since: cached.sinceSnapshot };
    } else {
      const snap = await readSnapshot(dir);
      if (snap && snap.gen === gen && snap.offset <= st.size && snap.tail === (await tailHash(handle, snap.offset))) {
        base = { state: snap.state, offset: snap.offset, since: 0 };
      }
    }

    const length = st.size - base.offset;
    const buf = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await handle.read(buf, got, length - got, base.offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    const end = buf.lastIndexOf(0x0a, got - 1);
    let state = base.state;
    let count = 0;
    if (end >= 0) {
      for (const line of buf.subarray(0, end).toString('utf8').split('\n')) {
        if (!line) continue;
        let ev: JournalEvent;
        try {
          ev = JSON.parse(line) as JournalEvent;
        } catch {
          continue; // a fragment torn by a crash, followed by a fresh line
        }
        state = apply(state, ev);
        count++;
      }
    }
    if (!state) return undefined;
    return { state, gen, ino: st.ino, offset: base.offset + end + 1, sinceSnapshot: base.since + count };
  } finally {
    await handle.close();
  }
}

/** Append events, in order, with one write and one fsync; returns the journal's size afterwards. */
export function appendEvents(dir: string, events: readonly JournalEvent[]): Promise<number> {
  return appendLinesDurable(join(dir, JOURNAL), events.map((e) => JSON.stringify(e)));
}

/** Record `state` as of the journal's first `offset` bytes. Call only while holding the request's lock. */
export async function writeSnapshot(dir: string, l: Pick<Loaded, 'gen' | 'offset' | 'state'>): Promise<void> {
  const handle = await open(join(dir, JOURNAL), 'r');
  let tail: string;
  try {
    tail = await tailHash(handle, l.offset);
  } finally {
    await handle.close();
  }
  const s: SnapshotFile = { v: 1, gen: l.gen, offset: l.offset, tail, state: l.state };
  await writeFileAtomic(join(dir, SNAPSHOT), JSON.stringify(s) + '\n');
}

/** Start a journal generation holding `state` as its only line (creation, or compaction at purge); then snapshot it. */
export async function writeGeneration(dir: string, ev: 'created' | 'compacted', gen: string, state: LedgerRequest, at: string): Promise<void> {
  const line = JSON.stringify({ gen, ev, at, request: state } satisfies JournalEvent) + '\n';
  await writeFileAtomic(join(dir, JOURNAL), line);
  await writeSnapshot(dir, { gen, offset: Buffer.byteLength(line), state });
}
