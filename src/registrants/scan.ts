/**
 * The account scan: every host → their meetings and webinars → the ones that take registration →
 * their registrants (each status; each occurrence where Zoom keeps registrations per occurrence)
 * and, for webinars, their panelists.
 *
 * Zoom has no search by registrant email, so this is the only way to find an external person's
 * registrations. Cost model (per account): 2 user-list pages, 3 lists per host (scheduled and
 * previous meetings, webinars), 1 Light GET per scheduled/recurring session (the host's list does not
 * say whether registration is on), then 3 Medium lists per registration session (× occurrences for
 * recurring sessions with registration_type 2 or 3) and 1 panelist list per webinar.
 *
 * Memory: only the hashes of addresses (for the index) and the records of the people asked about
 * are kept; other registrants are looked at and dropped.
 */
import pLimit from 'p-limit';
import { silentLogger, type Logger } from '../run-context.js';
import type { RateCategory } from '../zoom/categories.generated.js';
import type { ZoomClient } from '../zoom/client.js';
import {
  REGISTRANT_STATUSES,
  getSession,
  isHostingDisabled,
  isRegistrationOff,
  isSessionGone,
  isUserGone,
  isWebinarPlanMissing,
  listHostMeetings,
  listHostWebinars,
  listPanelists,
  listRegistrants,
  listUsers,
  sessionIdOf,
  type RegistrantStatus,
  type SessionKind,
} from '../zoom/endpoints/registrants.js';
import { ZoomApiError, describeError, isFatal } from '../zoom/errors.js';
import { sessionKey, type IndexEntry } from './index-store.js';

type Rec = Record<string, unknown>;

export interface Occurrence {
  occurrence_id: string;
  start_time?: string;
  duration?: number;
  status?: string;
}

/** A meeting or webinar as the scan saw it (no registrant data). */
export interface SessionInfo {
  kind: SessionKind;
  id: string;
  host_id: string;
  host_email?: string;
  topic?: string;
  type?: number;
  start_time?: string;
  duration?: number;
  timezone?: string;
  registration: boolean;
  approval_type?: number;
  registration_type?: number;
  occurrences: Occurrence[];
  /** ISO end of the session or of its last occurrence; undefined when unknown (recurring without fixed time). */
  ends?: string;
}

/** Where a registrant was listed: the occurrence (undefined: the list without occurrence_id) and the status list. */
export interface Listing {
  occurrence_id?: string;
  status: RegistrantStatus;
}

/** One registration (or panelist seat) of a person asked about, with Zoom's record. */
export interface Match {
  /** The address asked about (lower case). */
  email: string;
  kind: 'registrant' | 'panelist';
  session: SessionInfo;
  /** Zoom's registrant id, or the panelist id. */
  id: string;
  /** `${session.kind}:${session.id}:${id}` for registrants, `webinar-panelist:${webinarId}:${id}` for panelists. */
  registration_key: string;
  /** Registrants: every list the registration appeared in. */
  listings: Listing[];
  /** Zoom's record, as first listed. */
  record: Rec;
}

export interface ScanProblem {
  where: string;
  message: string;
  code?: number;
  status?: number;
}

export interface ScanStats {
  /** Users whose meetings and webinars were listed. */
  hosts: number;
  meetings: number;
  webinars: number;
  /** Sessions with registration enabled. */
  registrationSessions: number;
  /** GET /meetings/{id} or /webinars/{id} calls. */
  details: number;
  /** Paginated lists walked (host lists, registrant lists, panelist lists). */
  listsWalked: number;
  registrantListsWalked: number;
  /** Sessions whose per-occurrence lists were walked (a person asked about registered per occurrence). */
  occurrenceWalks: number;
  /** Sessions whose previous index entry was reused without a request. */
  reused: number;
  registrantsSeen: number;
  panelistsSeen: number;
  matches: number;
  /** Requests per rate category during the scan (from the client's counters). */
  requests: Record<RateCategory, number>;
  throttled: number;
  retries: number;
  elapsedMs: number;
}

export interface ScanOptions {
  /** Lower-case addresses whose records are wanted; the others are only hashed. */
  wanted: Set<string>;
  /** HMAC of an address for the index; without it no entries are produced. */
  hash?: (email: string) => string;
  /** Hosts walked at once (default 8). */
  hostConcurrency?: number;
  /** Sessions fetched and listed at once, across hosts (default 16). */
  sessionConcurrency?: number;
  logger?: Logger;
  signal?: AbortSignal;
  /**
   * Incremental scans: the previous entry of a session seen in a host's list, if it may be kept
   * as it is (no request). Called with the list item. Return undefined to scan the session.
   */
  reuse?: (kind: SessionKind, id: string, listItem: Rec) => IndexEntry | undefined;
  /** Each session's index entry (scanned or reused). */
  onEntry?: (e: IndexEntry) => void;
  onMatch?: (m: Match) => void;
  /** Called now and then with the running stats. */
  onProgress?: (s: ScanStats) => void;
}

export interface ScanResult {
  stats: ScanStats;
  problems: ScanProblem[];
  /** Every host and session was walked without error. */
  complete: boolean;
}

class Scanner {
  readonly stats: ScanStats;
  readonly problems: ScanProblem[] = [];
  private readonly seen = new Set<string>();
  private readonly sessions: ReturnType<typeof pLimit>;
  private readonly log: Logger;
  private readonly startRequests: Record<RateCategory, number>;
  private readonly startThrottled: number;
  private readonly startRetries: number;
  private readonly t0 = Date.now();
  private fatal: unknown;

  constructor(
    private readonly client: ZoomClient,
    private readonly opts: ScanOptions,
  ) {
    this.log = opts.logger ?? silentLogger;
    this.sessions = pLimit(opts.sessionConcurrency ?? 16);
    this.startRequests = { ...client.stats.requests };
    this.startThrottled = client.stats.throttled;
    this.startRetries = client.stats.retries;
    this.stats = {
      hosts: 0,
      meetings: 0,
      webinars: 0,
      registrationSessions: 0,
      details: 0,
      listsWalked: 0,
      registrantListsWalked: 0,
      occurrenceWalks: 0,
      reused: 0,
      registrantsSeen: 0,
      panelistsSeen: 0,
      matches: 0,
      requests: { light: 0, medium: 0, heavy: 0, resource: 0 },
      throttled: 0,
      retries: 0,
      elapsedMs: 0,
    };
  }

  snapshot(): ScanStats {
    const s = this.client.stats;
    for (const k of Object.keys(this.stats.requests) as RateCategory[]) this.stats.requests[k] = s.requests[k] - this.startRequests[k];
    this.stats.throttled = s.throttled - this.startThrottled;
    this.stats.retries = s.retries - this.startRetries;
    this.stats.elapsedMs = Date.now() - this.t0;
    return { ...this.stats, requests: { ...this.stats.requests } };
  }

  private check(): void {
    if (this.fatal) throw this.fatal;
    if (this.opts.signal?.aborted) throw this.opts.signal.reason ?? new Error('aborted');
  }

  /** Record a failure; fatal ones stop everything. */
  private problem(where: string, e: unknown): void {
    if (isFatal(e) || this.opts.signal?.aborted) {
      this.fatal ??= e;
      throw e;
    }
    const z = e instanceof ZoomApiError ? e : undefined;
    this.problems.push({ where, message: describeError(e), code: z?.code, status: z?.status });
    this.log.warn(`${where}: ${describeError(e)}`);
  }

  private progress(): void {
    this.opts.onProgress?.(this.snapshot());
  }

  /** Every user who can own meetings: active and inactive (pending users have none). */
  async scanAccount(hostConcurrency: number): Promise<void> {
    // Ids first (a few bytes per user), so no user-list page token is held while hosts are walked.
    const users: Array<{ id: string; email?: string }> = [];
    const seenUsers = new Set<string>();
    for (const status of ['active', 'inactive'] as const) {
      this.check();
      try {
        this.stats.listsWalked++;
        for await (const u of listUsers(this.client, status)) {
          const id = typeof u.id === 'string' ? u.id : undefined;
          if (!id || seenUsers.has(id)) continue;
          seenUsers.add(id);
          users.push({ id, email: typeof u.email === 'string' ? u.email : undefined });
        }
      } catch (e) {
        this.problem(`users (${status})`, e);
      }
    }
    const hosts = pLimit(hostConcurrency);
    const settled = await Promise.allSettled(users.map((u) => hosts(() => this.scanHost(u.id, u.email))));
    this.check();
    const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (rejected) throw rejected.reason;
  }

  /** One host: its meeting lists (scheduled, previous) and webinar list, then each new session. */
  async scanHost(userId: string, email?: string): Promise<void> {
    this.check();
    this.stats.hosts++;
    const tasks: Array<Promise<void>> = [];
    const take = (kind: SessionKind, item: Rec) => {
      const id = sessionIdOf(item.id);
      if (!id) {
        if (item.id !== undefined) this.problems.push({ where: `${kind} of host ${userId}`, message: `an id that cannot be held exactly (${String(item.id)}); skipped` });
        return;
      }
      const key = sessionKey(kind, id);
      if (this.seen.has(key)) return;
      this.seen.add(key);
      if (kind === 'meeting') this.stats.meetings++;
      else this.stats.webinars++;
      const prior = this.opts.reuse?.(kind, id, item);
      if (prior) {
        this.stats.reused++;
        this.opts.onEntry?.(prior);
        return;
      }
      tasks.push(this.sessions(() => this.scanSession(kind, id, userId, email, item)));
    };
    for (const type of ['scheduled', 'previous_meetings'] as const) {
      try {
        this.stats.listsWalked++;
        for await (const m of listHostMeetings(this.client, userId, type)) take('meeting', m);
      } catch (e) {
        if (isUserGone(e) || isHostingDisabled(e)) break;
        this.problem(`meetings (${type}) of host ${userId}`, e);
      }
    }
    try {
      this.stats.listsWalked++;
      for await (const w of listHostWebinars(this.client, userId)) take('webinar', w);
    } catch (e) {
      if (!isUserGone(e) && !isWebinarPlanMissing(e) && !isHostingDisabled(e)) this.problem(`webinars of host ${userId}`, e);
    }
    const settled = await Promise.allSettled(tasks);
    const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (rejected) throw rejected.reason;
    this.progress();
  }

  /**
   * One meeting or webinar: its settings (registration on? occurrences?), then its registrant lists
   * and, for a webinar, its panelists. `listItem` is the host's list entry, when known.
   */
  async scanSession(kind: SessionKind, id: string, hostId: string | undefined, hostEmail: string | undefined, listItem?: Rec): Promise<void> {
    this.check();
    const where = `${kind} ${id}`;
    const at = new Date().toISOString();
    let info: SessionInfo;
    const listType = typeof listItem?.type === 'number' ? listItem.type : undefined;
    if (kind === 'meeting' && listType === 1) {
      // An instant meeting cannot take registration; no need to ask.
      info = sessionInfo(kind, id, hostId, hostEmail, listItem ?? {}, false);
    } else {
      let detail: Rec;
      try {
        this.stats.details++;
        detail = await getSession(this.client, kind, id);
      } catch (e) {
        if (isSessionGone(e)) return;
        this.problem(where, e);
        return;
      }
      const settings = (detail.settings ?? {}) as Rec;
      const approval = typeof settings.approval_type === 'number' ? settings.approval_type : undefined;
      // approval_type 0 or 1: registration; 2: none. Unknown: look anyway.
      info = sessionInfo(kind, id, hostId, hostEmail, { ...listItem, ...detail }, approval !== 2);
    }
    const hashes = new Set<string>();
    const panelistHashes = new Set<string>();
    let failed = false;

    if (info.registration) {
      this.stats.registrationSessions++;
      const found = new Map<string, Match>();
      const perOccurrence = (info.type === 8 || info.type === 9) && (info.registration_type === 2 || info.registration_type === 3);
      // The list without occurrence_id holds every registrant (occurrence_id is optional in Zoom's spec).
      // Where registration is per occurrence (registration_type 2 or 3), the occurrences of a person asked
      // about are learnt from the per-occurrence lists, walked only when such a person was found: they
      // are what the delete needs (occurrence_id is required there).
      const targets: Array<string | undefined> = [undefined];
      outer: for (let ti = 0; ti < targets.length; ti++) {
        const occurrence = targets[ti];
        if (ti === 1) this.stats.occurrenceWalks++;
        for (const status of REGISTRANT_STATUSES) {
          this.check();
          try {
            this.stats.listsWalked++;
            this.stats.registrantListsWalked++;
            for await (const r of listRegistrants(this.client, kind, id, status, occurrence)) {
              this.stats.registrantsSeen++;
              const email = typeof r.email === 'string' ? r.email.trim().toLowerCase() : '';
              if (!email) continue;
              if (this.opts.hash) hashes.add(this.opts.hash(email));
              if (!this.opts.wanted.has(email)) continue;
              const rid = String(r.id ?? '');
              if (!rid) continue;
              const prev = found.get(rid);
              if (prev) {
                if (!prev.listings.some((l) => l.occurrence_id === occurrence && l.status === status)) prev.listings.push({ occurrence_id: occurrence, status });
              } else {
                found.set(rid, { email, kind: 'registrant', session: info, id: rid, registration_key: `${kind}:${id}:${rid}`, listings: [{ occurrence_id: occurrence, status }], record: r });
              }
            }
          } catch (e) {
            if (isSessionGone(e)) return;
            if (isRegistrationOff(e)) {
              info.registration = false;
              this.stats.registrationSessions--;
              break outer;
            }
            if (occurrence !== undefined && e instanceof ZoomApiError && !isFatal(e) && e.status === 400) {
              // An occurrence Zoom will not list (deleted meanwhile): its registrants are in the list without occurrence_id.
              this.log.debug(`${where} occurrence ${occurrence}: ${describeError(e)}`);
              continue outer;
            }
            failed = true;
            this.problem(`registrants (${status}${occurrence ? `, occurrence ${occurrence}` : ''}) of ${where}`, e);
          }
        }
        if (ti === 0 && perOccurrence && found.size > 0) targets.push(...info.occurrences.filter((o) => o.status !== 'deleted').map((o) => o.occurrence_id));
      }
      for (const m of found.values()) {
        this.stats.matches++;
        this.opts.onMatch?.(m);
      }
    }

    if (kind === 'webinar') {
      this.check();
      try {
        this.stats.listsWalked++;
        for (const p of await listPanelists(this.client, id)) {
          this.stats.panelistsSeen++;
          const email = typeof p.email === 'string' ? p.email.trim().toLowerCase() : '';
          if (!email) continue;
          if (this.opts.hash) panelistHashes.add(this.opts.hash(email));
          const pid = String(p.id ?? '');
          if (!pid || !this.opts.wanted.has(email)) continue;
          this.stats.matches++;
          this.opts.onMatch?.({ email, kind: 'panelist', session: info, id: pid, registration_key: `webinar-panelist:${id}:${pid}`, listings: [], record: p });
        }
      } catch (e) {
        if (isSessionGone(e)) return;
        if (!isWebinarPlanMissing(e)) {
          failed = true;
          this.problem(`panelists of ${where}`, e);
        }
      }
    }

    if (this.opts.hash && !failed) {
      this.opts.onEntry?.({
        kind,
        id,
        host: info.host_id,
        type: info.type,
        start: typeof listItem?.start_time === 'string' ? listItem.start_time : info.start_time,
        reg: info.registration,
        ...(info.registration_type !== undefined ? { rt: info.registration_type } : {}),
        ...(info.ends ? { ends: info.ends } : {}),
        at,
        ...(hashes.size ? { h: [...hashes].sort() } : {}),
        ...(panelistHashes.size ? { p: [...panelistHashes].sort() } : {}),
      });
    }
  }

}

/** Scan the whole account (or, with opts.reuse, re-walk hosts and only the sessions not reusable). */
export async function scanAccount(client: ZoomClient, opts: ScanOptions): Promise<ScanResult> {
  const s = new Scanner(client, opts);
  await s.scanAccount(opts.hostConcurrency ?? 8);
  const stats = s.snapshot();
  return { stats, problems: s.problems, complete: s.problems.length === 0 };
}

/** List known sessions live (the index said the people may be there). */
export async function scanSessions(client: ZoomClient, sessions: Array<{ kind: SessionKind; id: string; host?: string }>, opts: ScanOptions): Promise<ScanResult> {
  const s = new Scanner(client, opts);
  const limit = pLimit(opts.sessionConcurrency ?? 16);
  const settled = await Promise.allSettled(sessions.map((x) => limit(() => s.scanSession(x.kind, x.id, x.host, undefined))));
  const rejected = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
  return { stats: s.snapshot(), problems: s.problems, complete: s.problems.length === 0 };
}

function sessionInfo(kind: SessionKind, id: string, hostId: string | undefined, hostEmail: string | undefined, d: Rec, registration: boolean): SessionInfo {
  const settings = (d.settings ?? {}) as Rec;
  const occurrences: Occurrence[] = Array.isArray(d.occurrences)
    ? (d.occurrences as Rec[])
        .filter((o) => o.occurrence_id !== undefined)
        .map((o) => ({
          occurrence_id: String(o.occurrence_id),
          start_time: typeof o.start_time === 'string' ? o.start_time : undefined,
          duration: typeof o.duration === 'number' ? o.duration : undefined,
          status: typeof o.status === 'string' ? o.status : undefined,
        }))
    : [];
  const type = typeof d.type === 'number' ? d.type : undefined;
  const start_time = typeof d.start_time === 'string' ? d.start_time : undefined;
  const duration = typeof d.duration === 'number' ? d.duration : undefined;
  return {
    kind,
    id,
    host_id: typeof d.host_id === 'string' ? d.host_id : (hostId ?? ''),
    host_email: typeof d.host_email === 'string' ? d.host_email : hostEmail,
    topic: typeof d.topic === 'string' ? d.topic : undefined,
    type,
    start_time,
    duration,
    timezone: typeof d.timezone === 'string' ? d.timezone : undefined,
    registration,
    approval_type: typeof settings.approval_type === 'number' ? settings.approval_type : undefined,
    registration_type: typeof settings.registration_type === 'number' ? settings.registration_type : undefined,
    occurrences,
    ends: endOf(type, start_time, duration, occurrences),
  };
}

/** End of a session (or its last occurrence); undefined for recurring sessions without a fixed time (types 3, 6). */
function endOf(type: number | undefined, start: string | undefined, duration: number | undefined, occ: Occurrence[]): string | undefined {
  if (type === 3 || type === 6) return undefined;
  let end = -Infinity;
  if (occ.length > 0) {
    for (const o of occ) {
      const t = o.start_time ? Date.parse(o.start_time) : NaN;
      if (Number.isFinite(t)) end = Math.max(end, t + (o.duration ?? duration ?? 0) * 60_000);
    }
    if (type === 8 || type === 9) return Number.isFinite(end) ? new Date(end).toISOString() : undefined;
  }
  const t = start ? Date.parse(start) : NaN;
  if (Number.isFinite(t)) end = Math.max(end, t + (duration ?? 0) * 60_000);
  return Number.isFinite(end) ? new Date(end).toISOString() : undefined;
}

