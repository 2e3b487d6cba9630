import { redact } from '../secrets.js';
import type { RateCategory } from './categories.generated.js';

/** Zoom's documented error codes that change what zdsar does. */
export const ZOOM_CODE = {
  invalidToken: 124,
  invalidField: 300,
  userNotFound: 1001,
  meetingNotFound: 3001,
  noScope: 4711,
  noPermission: 4700,
} as const;

export interface ZoomErrorInit {
  status: number;
  code?: number;
  message: string;
  method: string;
  path: string;
  /** The spec's path template, e.g. /users/{userId}/meetings: how scopes are looked up. */
  template?: string;
  category?: RateCategory;
  body?: unknown;
}

/** An HTTP answer from Zoom that was not a success: status, Zoom's code and message, and the request (no secrets). */
export class ZoomApiError extends Error {
  readonly status: number;
  readonly code: number | undefined;
  readonly zoomMessage: string;
  readonly method: string;
  readonly path: string;
  readonly template: string | undefined;
  readonly category: RateCategory | undefined;
  readonly body: unknown;
  constructor(init: ZoomErrorInit) {
    const codePart = init.code !== undefined ? ` (code ${init.code})` : '';
    super(redact(`Zoom answered ${init.status}${codePart} to ${init.method} ${init.path}: ${init.message}`));
    this.name = new.target.name;
    this.status = init.status;
    this.code = init.code;
    this.zoomMessage = redact(init.message);
    this.method = init.method;
    this.path = redact(init.path);
    this.template = init.template;
    this.category = init.category;
    this.body = init.body;
  }

  /** Zoom says the token lacks a scope this endpoint needs: a failure, never "no data". */
  get isMissingScope(): boolean {
    return this.code === ZOOM_CODE.noScope || this.code === ZOOM_CODE.noPermission || /scope/i.test(this.zoomMessage);
  }
}

export class ZoomNotFoundError extends ZoomApiError {}
export class ZoomAuthError extends ZoomApiError {}

/**
 * 429. kind 'daily' means: stop this category until retryAt; do not retry soon. 'user_daily' is a
 * per-user or per-registrant daily limit ("…for this particular user"): only this user's requests of
 * this kind wait for tomorrow; the account's category goes on for everyone else.
 */
export class ZoomRateLimitError extends ZoomApiError {
  constructor(
    init: ZoomErrorInit,
    readonly kind: 'qps' | 'daily' | 'user_daily',
    readonly retryAt: Date | undefined,
  ) {
    super(init);
  }
}

/** The request never got an HTTP answer: reset, refused, timeout, DNS. */
export class ZoomConnectionError extends Error {
  constructor(
    message: string,
    readonly method: string,
    readonly path: string,
    readonly causeCode?: string,
  ) {
    super(redact(`${method} ${path}: ${message}`));
    this.name = 'ZoomConnectionError';
  }
}

/** Zoom's wording of a per-user or per-registrant daily limit (not the account's). */
const PER_USER_LIMIT = /for this particular (user|registrant)|per (user|registrant) per day/i;

export function zoomError(init: ZoomErrorInit, headers: Record<string, string | string[] | undefined>): ZoomApiError {
  if (init.status === 429) {
    const type = String(headers['x-ratelimit-type'] ?? '').toLowerCase();
    const daily = type.includes('daily') || /daily/i.test(init.message);
    const kind = PER_USER_LIMIT.test(init.message) ? 'user_daily' : daily ? 'daily' : 'qps';
    // Without a Retry-After header, Zoom's daily messages still say "You may resume these requests at GMT 00:00:00".
    const retryAt = parseRetryAfter(headers['retry-after']) ?? (/GMT 00:00:00/.test(init.message) ? nextUtcMidnight() : undefined);
    return new ZoomRateLimitError(init, kind, retryAt);
  }
  if (init.status === 401 || (init.status === 403 && init.code !== undefined && (init.code === ZOOM_CODE.noScope || init.code === ZOOM_CODE.noPermission))) {
    return new ZoomAuthError(init);
  }
  if (init.status === 404) return new ZoomNotFoundError(init);
  return new ZoomApiError(init);
}

function nextUtcMidnight(now = Date.now()): Date {
  const d = new Date(now);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1));
}

/** Retry-After as seconds ("120") or as a date ("2020-05-31T00:00:00Z" or an HTTP-date). */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): Date | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return new Date(now + Number(v) * 1000);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : new Date(t);
}

/**
 * The one table of Zoom's answers that mean "nothing here" rather than "could not look": each is an
 * error Zoom's specs document with that meaning. Any other error is a failure naming its cause
 * (a Phone 400/300 "Invalid user id" or 404 code 404 "Site does not exist" is not "no Zoom Phone").
 * `where` limits an entry to the operations it is documented for (a path-template prefix).
 */
export interface NoDataMeaning {
  status: number;
  code: number;
  message?: RegExp;
  where?: string;
  reason: string;
}

export const NO_DATA_MEANINGS: readonly NoDataMeaning[] = [
  { status: 404, code: 3301, where: '/users/{userId}/recordings', reason: 'Zoom has no cloud recording for this person (404 code 3301)' },
  { status: 400, code: 200, message: /only available for paid account/i, reason: 'Zoom keeps this report for paid accounts only (400 code 200)' },
  { status: 400, code: 200, message: /webinar plan is missing/i, reason: 'this user has no webinar licence (code 200 "Webinar plan is missing")' },
  { status: 400, code: 3161, reason: 'this user may not host or schedule meetings (code 3161)' },
  { status: 400, code: 3000, message: /summary/i, reason: 'meeting summaries are disabled (code 3000)' },
  { status: 403, code: 2305, reason: 'meeting summaries are shared by email only (code 2305)' },
  { status: 403, code: 2031, where: '/phone/', reason: 'the account has no Zoom Phone (403 code 2031)' },
  // The person is a user of the account (GET /users found them): Phone not knowing them means no Phone licence.
  { status: 404, code: 1001, where: '/phone/users/{userId}', reason: 'this user has no Zoom Phone licence (Phone answered 404 code 1001)' },
];

/** Why an error means "no data" (an entry of NO_DATA_MEANINGS), or undefined: a failure. */
export function noDataMeaning(e: unknown): string | undefined {
  if (!(e instanceof ZoomApiError) || e.isMissingScope) return undefined;
  for (const m of NO_DATA_MEANINGS) {
    if (m.status !== e.status || m.code !== e.code) continue;
    if (m.message && !m.message.test(e.zoomMessage)) continue;
    if (m.where && !(e.template ?? e.path).startsWith(m.where)) continue;
    return m.reason;
  }
  return undefined;
}

/** Zoom refused a window because it lies outside what it serves ("within the last six months"): not a failure, a limit. */
export function isOutsideServedWindow(e: unknown): boolean {
  return e instanceof ZoomApiError && e.status === 400 && /six months|6 months/i.test(e.zoomMessage);
}
