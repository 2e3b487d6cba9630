/**
 * Find every registration (and webinar panelist seat) of up to 50 people across the account,
 * using the local index where it is fresh enough (see index-store.ts for the rules) and Zoom live
 * for everything reported.
 */
import type { ClientTuning, Plan, ZoomCredentials } from '../config.js';
import { InterruptedError } from '../errors.js';
import type { Logger } from '../run-context.js';
import { ZoomClient } from '../zoom/client.js';
import type { RateLimiter } from '../zoom/limiter.js';
import type { SessionKind } from '../zoom/endpoints/registrants.js';
import { DEFAULT_MAX_AGE_HOURS, IndexStore, isClosed, isFresh, sessionKey, type IndexEntry, type IndexFile } from './index-store.js';
import { cliError, registrationEntry } from './records.js';
import { scanAccount, scanSessions, type Match, type ScanProblem, type ScanStats } from './scan.js';
import { byCodeUnits } from '../order.js';

export type FindMode = 'index' | 'incremental' | 'full';

export interface FindOptions {
  /** Where the index lives (ZDSAR_HOME); without it nothing is read or written. */
  home?: string;
  apiUrl: string;
  accountId: string;
  /** Rebuild the index from a full scan. */
  refresh?: boolean;
  /** How long a complete scan answers without walking the hosts again (default 6 hours). */
  maxAgeHours?: number;
  hostConcurrency?: number;
  sessionConcurrency?: number;
  logger?: Logger;
  signal?: AbortSignal;
  onProgress?: (s: ScanStats) => void;
  now?: () => number;
  /** Use the index whatever its age or completeness (it was written earlier in this same run). */
  trustIndex?: boolean;
}

export interface FindResult {
  /** Per address asked about (lower case), its matches, ordered by session start then key. */
  matches: Map<string, Match[]>;
  mode: FindMode;
  /** When the scan that the answer rests on started: registrations made after it may be missing in 'index' mode. */
  coveredUntil: string;
  stats: ScanStats;
  problems: ScanProblem[];
  /** Every list needed was walked without error. */
  complete: boolean;
  index?: { path: string; scanned_at?: string; sessions: number; saved: boolean };
  /** What the search could and could not see, in plain words (Zoom's lists do not reach every meeting). */
  visibility: Visibility;
}

export interface Visibility {
  /** Sessions remembered from earlier scans that Zoom's lists no longer return, listed live again. */
  older_sessions_checked: number;
  could_see: string;
  could_not_see: string;
}

export const VISIBILITY: Omit<Visibility, 'older_sessions_checked'> = {
  could_see:
    "registrations to each host's meetings that Zoom's meeting lists return (unexpired scheduled meetings, and previous meetings of the past six months), to their webinars, and to older sessions zdsar remembers from earlier scans (listed live again: Zoom still answers for a meeting it no longer lists)",
  could_not_see:
    "registrations to meetings older than Zoom's lists reach that no earlier scan saw, and to deleted meetings: Zoom's API cannot list them; Zoom's own export (zdsar export --zoom-export) may hold them",
};

export async function findRegistrations(client: ZoomClient, emails: string[], opts: FindOptions): Promise<FindResult> {
  const now = opts.now ?? Date.now;
  const wanted = new Set(emails.map((e) => e.trim().toLowerCase()));
  const maxAgeMs = (opts.maxAgeHours ?? DEFAULT_MAX_AGE_HOURS) * 3600_000;
  const store = opts.home ? IndexStore.forAccount(opts.home, opts.apiUrl, opts.accountId) : undefined;
  const hash = store ? await store.hasher() : undefined;
  const previous = store && !opts.refresh ? await store.load() : undefined;
  const found: Match[] = [];
  const onMatch = (m: Match) => found.push(m);
  const common = { wanted, hash, hostConcurrency: opts.hostConcurrency, sessionConcurrency: opts.sessionConcurrency, logger: opts.logger, signal: opts.signal, onMatch, onProgress: opts.onProgress };

  if (previous && hash && (isFresh(previous, maxAgeMs, now()) || (opts.trustIndex && previous.scanned_at))) {
    // The index answers "where might they be"; those sessions are listed live.
    const wantedHashes = new Set([...wanted].map(hash));
    const candidates = previous.sessions.filter((e) => e.h?.some((h) => wantedHashes.has(h)) || e.p?.some((h) => wantedHashes.has(h)));
    opts.logger?.debug(`index of ${previous.scanned_at}: ${previous.sessions.length} sessions, ${candidates.length} to check live`);
    const updated = new Map<string, IndexEntry>();
    const res = await scanSessions(client, candidates, { ...common, onEntry: (e) => updated.set(sessionKey(e.kind, e.id), e) });
    let saved = false;
    if (updated.size > 0 || candidates.length > 0) {
      // Keep what was learnt (sessions gone from Zoom drop out; lists that failed keep their old entry).
      const gone = new Set(candidates.filter((c) => !updated.has(sessionKey(c.kind, c.id)) && !res.problems.some((p) => p.where.endsWith(`${c.kind} ${c.id}`))).map((c) => sessionKey(c.kind, c.id)));
      const sessions = previous.sessions
        .filter((e) => !gone.has(sessionKey(e.kind, e.id)))
        .map((e) => {
          const u = updated.get(sessionKey(e.kind, e.id));
          // A live re-list may only add hashes for the index's purpose; keep the host's list start time.
          return u ? { ...u, start: e.start, host: e.host || u.host } : e;
        });
      await store!.save({ ...previous, sessions, updated_at: new Date(now()).toISOString() });
      saved = true;
    }
    return result(found, 'index', previous.scanned_at!, res.stats, res.problems, res.complete, store, previous.scanned_at, previous.sessions.length, saved, 0);
  }

  const startedAt = new Date(now()).toISOString();
  const prior = new Map<string, IndexEntry>();
  if (previous && hash) for (const e of previous.sessions) prior.set(sessionKey(e.kind, e.id), e);
  const wantedHashes = hash ? new Set([...wanted].map(hash)) : new Set<string>();
  const entries: IndexEntry[] = [];
  const reuse =
    prior.size > 0
      ? (kind: SessionKind, id: string, item: Record<string, unknown>) => {
          const e = prior.get(sessionKey(kind, id));
          if (!e || !isClosed(e)) return undefined;
          if (typeof item.start_time === 'string' && e.start !== undefined && item.start_time !== e.start) return undefined;
          // A person asked about may be there: list it live.
          if (e.h?.some((h) => wantedHashes.has(h)) || e.p?.some((h) => wantedHashes.has(h))) return undefined;
          return e;
        }
      : undefined;
  const res = await scanAccount(client, { ...common, reuse, onEntry: (e) => entries.push(e) });
  // Sessions an earlier scan saw that the hosts' lists no longer return (previous_meetings reaches six
  // months back; meetings expire): Zoom still lists their registrants, so those where a person asked
  // about was seen are listed live, and all are remembered for later requests.
  const seenNow = new Set(entries.map((e) => sessionKey(e.kind, e.id)));
  const older = [...prior.values()].filter((e) => !seenNow.has(sessionKey(e.kind, e.id)));
  const olderWanted = older.filter((e) => e.h?.some((h) => wantedHashes.has(h)) || e.p?.some((h) => wantedHashes.has(h)));
  if (olderWanted.length > 0) {
    const live = await scanSessions(client, olderWanted, { ...common, onEntry: (e) => entries.push({ ...e, start: prior.get(sessionKey(e.kind, e.id))?.start ?? e.start }) });
    res.problems.push(...live.problems);
    res.complete &&= live.complete;
    for (const k of Object.keys(res.stats.requests) as Array<keyof ScanStats['requests']>) res.stats.requests[k] += live.stats.requests[k];
  }
  const relisted = new Set(olderWanted.map((e) => sessionKey(e.kind, e.id)));
  for (const e of older) if (!relisted.has(sessionKey(e.kind, e.id))) entries.push(e);
  let saved = false;
  if (store) {
    const file: IndexFile = {
      version: 1,
      account: store.account,
      scanned_at: startedAt,
      complete: res.complete,
      updated_at: new Date(now()).toISOString(),
      hosts: res.stats.hosts,
      sessions: entries,
    };
    // (Earlier entries of sessions this scan did not see were kept above, whether or not the scan had failures.)
    await store.save(file);
    saved = true;
  }
  return result(found, prior.size > 0 ? 'incremental' : 'full', startedAt, res.stats, res.problems, res.complete, store, startedAt, entries.length, saved, olderWanted.length);
}

function result(
  found: Match[],
  mode: FindMode,
  coveredUntil: string,
  stats: ScanStats,
  problems: ScanProblem[],
  complete: boolean,
  store: IndexStore | undefined,
  scannedAt: string | undefined,
  sessions: number,
  saved: boolean,
  olderChecked: number,
): FindResult {
  const matches = new Map<string, Match[]>();
  for (const m of found) {
    const list = matches.get(m.email) ?? [];
    list.push(m);
    matches.set(m.email, list);
  }
  for (const list of matches.values()) list.sort((a, b) => byCodeUnits(a.session.start_time ?? '', b.session.start_time ?? '') || byCodeUnits(a.registration_key, b.registration_key));
  return { matches, mode, coveredUntil, stats, problems, complete, index: store ? { path: store.path, scanned_at: scannedAt, sessions, saved } : undefined, visibility: { older_sessions_checked: olderChecked, ...VISIBILITY } };
}

// ---- export --include-registrations --------------------------------------------------------

export interface FinderSettings {
  /** ZDSAR_HOME, where the index lives. */
  home: string;
  credentials: ZoomCredentials;
  plan: Plan;
  /** The export's rate limiter, so both walk Zoom within one budget. */
  limiter?: RateLimiter;
  tuning?: ClientTuning;
  logger: Logger;
  signal: AbortSignal;
}

/**
 * For `zdsar export --include-registrations`: one account scan per export run, started by the first
 * person asked about (people asked about in the same moment share it); later people are answered
 * from the index that scan just wrote, listing only the sessions that may hold them.
 */
export function registrationsFinder(f: FinderSettings): (email: string) => AsyncIterable<Record<string, unknown>> {
  const { home, credentials, logger } = f;
  const cache = new Map<string, Promise<{ records: Record<string, unknown>[]; error?: string }>>();
  let pending: Array<{ email: string; resolve: (v: { records: Record<string, unknown>[]; error?: string }) => void; reject: (e: unknown) => void }> = [];
  let chain: Promise<void> = Promise.resolve();
  let scanned = false;

  const flush = () => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    chain = chain.then(async () => {
      const client = new ZoomClient({ credentials, plan: f.plan, signal: f.signal, logger, limiter: f.limiter, ...f.tuning });
      try {
        // The first batch may scan the account; later ones find the index it wrote fresh.
        const r = await findRegistrations(
          client,
          batch.map((b) => b.email),
          { home, apiUrl: credentials.apiUrl, accountId: credentials.accountId, logger, signal: f.signal, maxAgeHours: DEFAULT_MAX_AGE_HOURS, trustIndex: scanned },
        );
        scanned = true;
        const error = r.complete ? undefined : `the account scan could not read ${r.problems.length} lists (${r.problems.slice(0, 3).map((x) => `${x.where}: ${x.message}`).join('; ')})`;
        for (const b of batch) b.resolve({ records: (r.matches.get(b.email) ?? []).map(registrationEntry), error });
      } catch (e) {
        for (const b of batch) b.reject(cliError(e));
      } finally {
        await client.close();
      }
    });
  };

  const lookup = (email: string) => {
    const key = email.trim().toLowerCase();
    let p = cache.get(key);
    if (!p) {
      p = new Promise((resolve, reject) => {
        pending.push({ email: key, resolve, reject });
        if (pending.length === 1) setImmediate(flush);
      });
      cache.set(key, p);
    }
    return p;
  };

  return (email: string) => ({
    async *[Symbol.asyncIterator]() {
      const { records, error } = await lookup(email);
      yield* records;
      if (error) throw new Error(error);
    },
  });
}
