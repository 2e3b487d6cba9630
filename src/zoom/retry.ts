/**
 * The one retry policy of zdsar's Zoom layer. The API client, file downloads, the token
 * request and the data-requests engine ask it "again, and after how long?"; none has its own.
 *
 * - GET, HEAD and DELETE (and the token request, which changes nothing at Zoom) are sent again
 *   after a network error, a cut-off answer or a 5xx, with jittered exponential backoff.
 * - Any method is sent again after a 429: Zoom did not apply it. A daily-limit 429, or a
 *   Retry-After longer than `maxWaitMs`, is final: the caller stops that category (resumable).
 * - POST and PUT are never sent again after a 5xx or a reset: Zoom may have applied them.
 *   Only a connection that never reached Zoom (refused, DNS, connect timeout) is safe to repeat.
 * - Retry-After is honoured as seconds or as a date (HTTP-date or ISO), on 429 and 5xx alike.
 * - Time comes from a Clock (now, sleep, random), so tests inject one and never wait; every
 *   sleep can be aborted with the run's AbortSignal.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface Clock {
  now(): number;
  /** Wait `ms`; rejects with the signal's reason when it is aborted (before or during the wait). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** [0, 1): the jitter. */
  random(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    signal?.throwIfAborted();
    try {
      await sleep(Math.max(0, ms), undefined, { signal });
    } catch (e) {
      if (signal?.aborted) throw signal.reason ?? e;
      throw e;
    }
  },
  random: () => Math.random(),
};

/** Node and undici error codes of a request that got no (complete) HTTP answer. */
export const RETRYABLE_NET = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

/** Codes that mean the request never left: no connection was made, so Zoom cannot have applied it. */
export const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

const REPEATABLE_METHODS = new Set(['GET', 'HEAD', 'DELETE']);

/** What happened to one attempt. */
export type Attempt =
  /** No HTTP answer (refused, reset, DNS, timeout): `code` is Node's or undici's error code. */
  | { kind: 'network'; code: string | undefined }
  /** An answer started but was cut off before its end. */
  | { kind: 'cut' }
  /** An HTTP status other than success. `daily`: a 429 Zoom means for the rest of the day (see errors.ts). */
  | { kind: 'status'; status: number; retryAfter?: string | string[]; daily?: boolean };

/** Why not again: a daily limit; a wait longer than zdsar sits through; retries used up; the method may have been applied; not a retryable failure. */
export type Stop = 'daily' | 'too-long' | 'exhausted' | 'unsafe' | 'final';

export type Decision = { retry: true; waitMs: number; why: string } | { retry: false; stop: Stop; why: string };

export interface RetryLimits {
  /** Retries of one request after network errors, cut-off answers and 5xx (default 6). */
  maxRetries: number;
  /** Retries after a per-second 429 are `maxRetries + extraRateLimitRetries` (default 4 more). */
  extraRateLimitRetries: number;
  /** The longest wait sat through for one Retry-After; longer is final (default 120 s). */
  maxWaitMs: number;
  /** Backoff base after network errors and 5xx (default 300 ms) and after a 429 without Retry-After (500 ms). */
  baseMs: number;
  rateLimitBaseMs: number;
  /** The cap of one backoff (default 30 s). */
  capMs: number;
}

export const DEFAULT_LIMITS: RetryLimits = { maxRetries: 6, extraRateLimitRetries: 4, maxWaitMs: 120_000, baseMs: 300, rateLimitBaseMs: 500, capMs: 30_000 };

export class RetryPolicy {
  readonly limits: RetryLimits;

  constructor(
    readonly clock: Clock = systemClock,
    limits: Partial<RetryLimits> = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** The same policy and clock with other limits (e.g. a download's own retry count). */
  with(limits: Partial<RetryLimits>): RetryPolicy {
    return new RetryPolicy(this.clock, { ...this.limits, ...limits });
  }

  /**
   * Whether to send again after `attempt` (0 for the first try) ended as `what`.
   * `repeatable` overrides the method's default (GET, HEAD, DELETE): the token request passes true.
   */
  decide(method: string, what: Attempt, attempt: number, repeatable = REPEATABLE_METHODS.has(method.toUpperCase())): Decision {
    const l = this.limits;
    if (what.kind === 'network') {
      // No code at all is an unexplained network failure: like a reset. A code not in the list (a bad
      // certificate, say) will not go away by asking again.
      const code = what.code;
      if (code !== undefined && !RETRYABLE_NET.has(code)) return { retry: false, stop: 'final', why: `${code}: not retried` };
      const name = code ?? 'network error';
      if (!repeatable && (code === undefined || !NEVER_SENT.has(code))) return { retry: false, stop: 'unsafe', why: `${name}: ${method} may have been applied, not sent again` };
      if (attempt >= l.maxRetries) return { retry: false, stop: 'exhausted', why: `${name}: gave up after ${attempt} retries` };
      return { retry: true, waitMs: this.backoffMs(attempt), why: name };
    }
    if (what.kind === 'cut') {
      if (!repeatable) return { retry: false, stop: 'unsafe', why: `answer cut off: ${method} may have been applied, not sent again` };
      if (attempt >= l.maxRetries) return { retry: false, stop: 'exhausted', why: `answer cut off: gave up after ${attempt} retries` };
      return { retry: true, waitMs: this.backoffMs(attempt), why: 'answer cut off' };
    }
    const { status } = what;
    const after = this.retryAfterMs(what.retryAfter);
    if (status === 429) {
      if (what.daily) return { retry: false, stop: 'daily', why: 'daily rate limit' };
      if (after !== undefined && after > l.maxWaitMs) return { retry: false, stop: 'too-long', why: `Retry-After ${Math.round(after / 1000)} s is longer than zdsar waits` };
      if (attempt >= l.maxRetries + l.extraRateLimitRetries) return { retry: false, stop: 'exhausted', why: `rate limited: gave up after ${attempt} retries` };
      // Not applied, whatever the method. Without Retry-After, a per-second limit frees up within the second.
      return { retry: true, waitMs: after !== undefined && after > 0 ? after : this.backoffMs(attempt, l.rateLimitBaseMs), why: '429' };
    }
    if (status >= 500) {
      if (!repeatable) return { retry: false, stop: 'unsafe', why: `${status}: ${method} may have been applied, not sent again` };
      if (attempt >= l.maxRetries) return { retry: false, stop: 'exhausted', why: `${status}: gave up after ${attempt} retries` };
      if (after !== undefined && after > l.maxWaitMs) return { retry: false, stop: 'too-long', why: `${status}: Retry-After is longer than zdsar waits` };
      return { retry: true, waitMs: after !== undefined && after > 0 ? after : this.backoffMs(attempt), why: String(status) };
    }
    return { retry: false, stop: 'final', why: `${status}: not retried` };
  }

  /** Exponential backoff with jitter in [½, 1] of the step, capped. */
  backoffMs(attempt: number, baseMs = this.limits.baseMs): number {
    const cap = Math.min(this.limits.capMs, baseMs * 2 ** Math.max(0, attempt));
    return Math.round(cap / 2 + this.clock.random() * (cap / 2));
  }

  /** Milliseconds until the time a Retry-After names (may be ≤ 0); undefined when absent or unreadable. */
  retryAfterMs(value: string | string[] | undefined): number | undefined {
    const at = parseRetryAfter(value, this.clock.now());
    return at === undefined ? undefined : at.getTime() - this.clock.now();
  }

  /** An abortable wait on the policy's clock. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.clock.sleep(ms, signal);
  }
}

/** Retry-After as seconds ("120", "0.5") or as a date (an HTTP-date, or ISO "2020-05-31T00:00:00Z"). */
export function parseRetryAfter(value: string | string[] | undefined, now: number): Date | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return new Date(now + Number(v) * 1000);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : new Date(t);
}

/** The Node or undici error code of a failed request (undici nests it in `cause`). */
export function netCode(e: unknown): string | undefined {
  const own = (e as NodeJS.ErrnoException)?.code;
  if (typeof own === 'string' && own !== '') return own;
  const cause = (e as { cause?: NodeJS.ErrnoException })?.cause?.code;
  return typeof cause === 'string' ? cause : undefined;
}
