/**
 * The sandbox's shared machinery: route definitions, the request context, Zoom-style errors,
 * pagination (next_page_token store), lookups and small helpers used by every route module.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHmac, randomBytes } from 'node:crypto';
import type { FaultEngine } from './faults.js';
import type { SandboxAccount, SandboxDataRequests, SandboxMeeting, SandboxUser, SandboxWebinar } from './model.js';
import type { Category, RateLimiter } from './ratelimit.js';

export type Area = 'api' | 'oauth' | 'compliance' | 'downloads';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Raw bytes (file downloads); `body` is ignored when set. */
  raw?: Buffer;
}

export interface IssuedToken {
  /** A short log-safe id ("tok-3"), never the token itself. */
  id: string;
  expiresAt: number;
  scopes: string[];
  revoked: boolean;
}

export interface RouteCtx {
  state: SandboxState;
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  token?: IssuedToken;
  body?: unknown;
  rawBody?: Buffer;
  now: number;
}

export type Handler = (c: RouteCtx) => Reply | Promise<Reply>;

export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** Path pattern with :params, e.g. /v2/users/:userId. */
  path: string;
  /** The Rate Limit Label of the spec operation; null: not rate-limited (OAuth, downloads). */
  category: Category | null;
  /** Granular (admin) scopes the spec lists; named in a 4711 message. */
  granular?: string[];
  /** Classic scopes the spec lists; any granted one (or any granular, admin or not) lets the call through. */
  classic?: string[];
  area: Area;
  auth: 'bearer' | 'none';
  /** The spec operation this route was checked against: "meetings.openapi.json meetingRegistrants". */
  spec?: string;
  handler: Handler;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** Zoom's error code of a non-2xx answer. */
  code?: number;
  category: Category | null;
  at: string;
  tokenId?: string;
  /** A route the sandbox does not serve. */
  unknown?: boolean;
  /** Fault injected into this request, if any. */
  fault?: string;
}

export interface ComplianceCall {
  headersAuthOk: boolean;
  body: unknown;
  at: string;
  status: number;
}

export interface ResolvedOptions {
  plan: 'free' | 'pro' | 'business';
  rateLimits: boolean;
  /** Refuse what Zoom's specs refuse (page sizes over the maximum, …) rather than clamp it. */
  strict: boolean;
  /** Send X-RateLimit-* and Retry-After headers (Zoom documents none; off unless asked). */
  rateLimitHeaders: boolean;
  latencyMs?: { min: number; max: number };
  processingMs?: { min: number; max: number };
  tokenTtlSeconds: number;
  pageTokenTtlSeconds: number;
  seed: number;
  /** How a UUID path parameter is decoded (SandboxOptions.uuidDecoding). */
  uuidDecoding: UuidDecoding;
}

/**
 * The two readings of Zoom's rule "a meeting UUID that begins with / or contains // must be double-encoded":
 * - 'gateway': the gateway turns any %2F into "/" before routing, then the UUID is decoded once more
 *   (so every UUID holding a "/" must be double-encoded);
 * - 'literal': the path is decoded once; only a UUID that then still starts with %2F or holds %2F%2F
 *   (one that begins with "/" or contains "//", double-encoded as the docs say) is decoded again.
 */
export type UuidDecoding = 'gateway' | 'literal';

interface PageEntry {
  key: string;
  offset: number;
  expiresAt: number;
}

export interface SandboxState {
  account: SandboxAccount;
  opts: ResolvedOptions;
  clock: () => number;
  origin: string;
  tokens: Map<string, IssuedToken>;
  tokenCount: number;
  pages: Map<string, PageEntry>;
  limiter: RateLimiter | null;
  faults: FaultEngine;
  log: RequestLogEntry[];
  complianceCalls: ComplianceCall[];
  signingKey: Buffer;
  warn: (msg: string) => void;
  /** Data & Privacy requests (routes/data-requests.ts). */
  dataRequests: SandboxDataRequests;
  index: {
    usersById: Map<string, SandboxUser>;
    usersByEmail: Map<string, SandboxUser>;
    meetings: Map<number, SandboxMeeting>;
    webinars: Map<number, SandboxWebinar>;
  };
}

export class ZoomError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The OAuth server answers in its own shape: { reason, error }. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export const json = (body: unknown, status = 200, headers?: Record<string, string>): Reply => (headers ? { status, body, headers } : { status, body });
export const noContent = (): Reply => ({ status: 204 });

export function validationError(field: string, message = 'Invalid field.'): ZoomError {
  return new ZoomError(400, 300, 'Validation Failed.', { errors: [{ field, message }] });
}

export function rebuildIndex(state: SandboxState): void {
  const { account, index } = state;
  index.usersById.clear();
  index.usersByEmail.clear();
  index.meetings.clear();
  index.webinars.clear();
  for (const u of account.users) {
    index.usersById.set(u.id, u);
    index.usersByEmail.set(u.email.toLowerCase(), u);
  }
  for (const m of account.meetings) index.meetings.set(m.id, m);
  for (const w of account.webinars) index.webinars.set(w.id, w);
}

/** A user by id, email (case-insensitive) or "me" (the account's owner or first admin). */
export function lookupUser(state: SandboxState, userId: string): SandboxUser | undefined {
  if (userId === 'me') return state.account.users.find((u) => u.role_id === '0') ?? state.account.users.find((u) => u.role_id === '1');
  return state.index.usersById.get(userId) ?? state.index.usersByEmail.get(userId.toLowerCase());
}

export function requireUser(c: RouteCtx, message = (id: string) => `User does not exist: ${id}.`, code = 1001, status = 404): SandboxUser {
  const id = c.params.userId ?? '';
  const u = lookupUser(c.state, id);
  if (!u) throw new ZoomError(status, code, message(id));
  return u;
}

export function parseId(s: string | undefined): number | undefined {
  if (!s || !/^[0-9]{1,19}$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function requireMeeting(c: RouteCtx): SandboxMeeting {
  const raw = c.params.meetingId ?? '';
  const id = parseId(raw);
  const m = id === undefined ? undefined : c.state.index.meetings.get(id);
  if (!m || m.deleted) throw new ZoomError(404, 3001, `Meeting does not exist: ${raw}.`);
  return m;
}

export function requireWebinar(c: RouteCtx): SandboxWebinar {
  const raw = c.params.webinarId ?? '';
  const id = parseId(raw);
  if (id === undefined) throw new ZoomError(400, 300, 'Invalid webinar ID.');
  const w = c.state.index.webinars.get(id);
  if (!w || w.deleted) throw new ZoomError(404, 3001, `Webinar does not exist: ${raw}.`);
  return w;
}

// ---------------------------------------------------------------- pagination

export interface PageRequest {
  /** Identifies the list and its filters; a token is only valid for the same key. */
  key: string;
  total: number;
  maxPageSize?: number;
  /** The operation's default page_size (30 unless the spec says otherwise). */
  defaultPageSize?: number;
  /** Error code Zoom uses for a bad next_page_token on this endpoint (300 on most, 400 on Phone). */
  tokenErrorCode?: number;
  /** Honour the deprecated page_number parameter. */
  pageNumber?: boolean;
}

export interface Page {
  offset: number;
  size: number;
  end: number;
  next_page_token: string;
  page_size: number;
  page_count: number;
  page_number: number;
  total_records: number;
}

/**
 * page_size: default 30; above the endpoint's maximum: refused, 400 code 300 (strict, the default: the
 * spec's `maximum`), or clamped to the maximum (lenient; the answer's page_size says so); not a positive
 * integer → 400 code 300. next_page_token: opaque, valid for
 * pageTokenTtlSeconds and only for the same list and filters; "" on the last page.
 */
/** The answer of a list paged by number and token (users, meetings, webinars, registrants): the page, then the records under `key`. */
export function numberedPage(p: Page, key: string, items: unknown[]): Reply {
  return json({ page_count: p.page_count, page_number: p.page_number, page_size: p.page_size, total_records: p.total_records, next_page_token: p.next_page_token, [key]: items });
}

export function paginate(c: RouteCtx, p: PageRequest): Page {
  const max = p.maxPageSize ?? 300;
  const rawSize = c.query.get('page_size');
  let size = p.defaultPageSize ?? 30;
  if (rawSize !== null && rawSize !== '') {
    if (!/^[0-9]+$/.test(rawSize) || Number(rawSize) < 1) throw validationError('page_size', `Invalid field: page_size must be an integer between 1 and ${max}.`);
    if (Number(rawSize) > max && c.state.opts.strict) throw validationError('page_size', `Invalid field: page_size must be an integer between 1 and ${max}.`);
    size = Math.min(Number(rawSize), max);
  }
  let offset = 0;
  const tok = c.query.get('next_page_token');
  if (tok) {
    const entry = c.state.pages.get(tok);
    if (!entry || entry.key !== p.key || entry.expiresAt <= c.now) {
      if (entry && entry.expiresAt <= c.now) c.state.pages.delete(tok);
      throw new ZoomError(400, p.tokenErrorCode ?? 300, 'The next page token is invalid or expired.');
    }
    offset = entry.offset;
  } else if (p.pageNumber) {
    const pn = c.query.get('page_number');
    if (pn !== null && pn !== '') {
      if (!/^[0-9]+$/.test(pn) || Number(pn) < 1) throw validationError('page_number');
      offset = (Number(pn) - 1) * size;
    }
  }
  const end = Math.min(p.total, offset + size);
  let next = '';
  if (end < p.total) {
    next = randomToken(24);
    c.state.pages.set(next, { key: p.key, offset: end, expiresAt: c.now + c.state.opts.pageTokenTtlSeconds * 1000 });
    if (c.state.pages.size > 50_000) prunePages(c.state, c.now);
  }
  return {
    offset,
    size,
    end,
    next_page_token: next,
    page_size: size,
    page_count: Math.max(1, Math.ceil(p.total / size)),
    page_number: Math.floor(offset / size) + 1,
    total_records: p.total,
  };
}

function prunePages(state: SandboxState, now: number): void {
  for (const [k, v] of state.pages) if (v.expiresAt <= now) state.pages.delete(k);
}

export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

export function sign(state: SandboxState, payload: string): string {
  return createHmac('sha256', state.signingKey).update(payload).digest('base64url').slice(0, 16);
}

// ---------------------------------------------------------------- dates

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})Z)?$/;

/** yyyy-mm-dd (or yyyy-MM-ddTHH:mm:ssZ where allowed) → ms, or undefined. */
export function parseDate(s: string, allowTime = false): number | undefined {
  const m = DATE_RE.exec(s);
  if (!m) return undefined;
  if (m[4] !== undefined && !allowTime) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  const d = new Date(t);
  if (d.getUTCDate() !== Number(m[3]) || d.getUTCMonth() !== Number(m[2]) - 1) return undefined;
  return t;
}

/** Zoom's "one month" for date windows: at most 31 days from `from` to `to` (unverified; see docs/sandbox.md). */
export const MAX_WINDOW_MS = 31 * 86_400_000;

/**
 * The `from` and `to` a report requires (yyyy-mm-dd): missing is a validation error naming the field;
 * unparseable is `invalid(field)`, each route's own documented answer.
 */
export function requiredDates(c: RouteCtx, invalid: (field: 'from' | 'to') => ZoomError): { from: number; to: number; fromS: string; toS: string } {
  const fromS = c.query.get('from');
  const toS = c.query.get('to');
  if (!fromS) throw validationError('from', 'from is required.');
  if (!toS) throw validationError('to', 'to is required.');
  const from = parseDate(fromS);
  const to = parseDate(toS);
  if (from === undefined) throw invalid('from');
  if (to === undefined) throw invalid('to');
  return { from, to, fromS, toS };
}

export function ymd(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addMonths(ms: number, n: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
}

export function startOfUtcDay(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** Items of an ascending-by-time sequence whose time falls in [from, to): binary search, no full scan. */
export function timeRange<T>(seq: { length: number; at(i: number): T | undefined }, timeOf: (t: T) => number, from: number, to: number): { lo: number; hi: number } {
  const lower = (x: number) => {
    let lo = 0;
    let hi = seq.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (timeOf(seq.at(mid)!) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return { lo: lower(from), hi: lower(to) };
}

/**
 * A meeting UUID as a path segment. One that begins with "/" or contains "//" must be double-encoded:
 * the first decoding happened with the path (Zoom's gateway turns %2F into "/" before routing), so
 * decode once more. Undefined for a segment whose escapes are malformed.
 */
export function meetingKey(raw: string, reading: UuidDecoding = 'gateway'): string | undefined {
  if (!/%[0-9A-Fa-f]{2}/.test(raw)) return raw;
  if (reading === 'literal' && !/^%2F|%2F%2F/i.test(raw)) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
