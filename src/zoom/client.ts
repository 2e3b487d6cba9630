import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request, type Dispatcher } from 'undici';
import type { Plan, ZoomCredentials } from '../config.js';
import { redact } from '../secrets.js';
import { silentLogger, type Logger } from '../ui/logger.js';
import { TokenProvider } from './auth.js';
import type { RateCategory } from './categories.generated.js';
import { ZOOM_CODE, ZoomApiError, ZoomConnectionError, ZoomRateLimitError, zoomError } from './errors.js';
import { RateLimiter } from './limiter.js';
import type { Route } from './route.js';

export type Query = Record<string, string | number | boolean | undefined>;

export interface ZoomClientOptions {
  credentials: ZoomCredentials;
  plan: Plan;
  signal?: AbortSignal;
  logger?: Logger;
  dispatcher?: Dispatcher;
  /** Per request: time to headers and between body chunks. */
  timeoutMs?: number;
  /** Retries of one request on network errors, 5xx and per-second 429s. */
  maxRetries?: number;
  /** The longest wait zdsar sits through for one request; a longer Retry-After stops that category (resumable). */
  maxWaitMs?: number;
  limiter?: RateLimiter;
  /** Connections to Zoom at once (default 64). 1 sends one request at a time (the benchmark's baseline). */
  connections?: number;
}

export interface CallStats {
  requests: Record<RateCategory, number>;
  throttled: number;
  retries: number;
  errors: number;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'DELETE']);
/** Renewals of the token one request may ask for: each is a token Zoom rejected for this very request. */
const MAX_RENEWALS = 8;
const RETRYABLE_NET = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * The one way zdsar talks to Zoom's REST API: token, per-category pacing, retries that
 * honour Retry-After, typed errors. Domain code builds a Route and calls get/send/pages/items.
 */
export class ZoomClient {
  readonly auth: TokenProvider;
  readonly limiter: RateLimiter;
  readonly stats: CallStats = { requests: { light: 0, medium: 0, heavy: 0, resource: 0 }, throttled: 0, retries: 0, errors: 0 };
  private readonly dispatcher: Dispatcher;
  private readonly ownDispatcher: boolean;
  private readonly log: Logger;
  private readonly apiUrl: URL;

  constructor(private readonly opts: ZoomClientOptions) {
    this.ownDispatcher = !opts.dispatcher;
    this.dispatcher = opts.dispatcher ?? new Agent({ connections: opts.connections ?? 64, keepAliveTimeout: 4_000, pipelining: 1 });
    this.log = opts.logger ?? silentLogger;
    this.apiUrl = new URL(opts.credentials.apiUrl.endsWith('/') ? opts.credentials.apiUrl : opts.credentials.apiUrl + '/');
    this.limiter = opts.limiter ?? new RateLimiter(opts.plan);
    this.auth = new TokenProvider(opts.credentials, { dispatcher: this.dispatcher, signal: opts.signal, timeoutMs: opts.timeoutMs, logger: this.log });
  }

  /** The connection pool, shared with file downloads (src/zoom/download.ts). */
  get dispatcherForDownloads(): Dispatcher {
    return this.dispatcher;
  }

  get signal(): AbortSignal | undefined {
    return this.opts.signal;
  }

  async close(): Promise<void> {
    if (this.ownDispatcher) await this.dispatcher.close();
  }

  url(r: Route, query?: Query): URL {
    const u = new URL(r.path.replace(/^\//, ''), this.apiUrl);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') u.searchParams.set(k, String(v));
    return u;
  }

  /** GET and parse JSON. */
  async get<T = Record<string, unknown>>(r: Route, query?: Query): Promise<T> {
    return (await this.call(r, { query })).body as T;
  }

  /** Any method; returns the status and parsed body. Non-idempotent calls are never retried once they may have been applied. */
  async send<T = unknown>(r: Route, init: { query?: Query; body?: unknown } = {}): Promise<{ status: number; body: T }> {
    const res = await this.call(r, init);
    return { status: res.status, body: res.body as T };
  }

  /** Pages of a list that uses next_page_token (Zoom's current pagination). */
  async *pages<P extends Record<string, unknown>>(r: Route, query: Query = {}): AsyncGenerator<P> {
    let token: string | undefined;
    do {
      const page = await this.get<P>(r, { ...query, next_page_token: token });
      yield page;
      const next = page.next_page_token;
      token = typeof next === 'string' && next !== '' ? next : undefined;
    } while (token);
  }

  private async call(r: Route, init: { query?: Query; body?: unknown }): Promise<{ status: number; body: unknown; headers: Record<string, string | string[] | undefined> }> {
    const url = this.url(r, init.query);
    const where = `${r.method} ${r.path}`;
    const gate = this.limiter.gateFor(r);
    const maxRetries = this.opts.maxRetries ?? 6;
    const maxWaitMs = this.opts.maxWaitMs ?? 120_000;
    let renewals = 0;
    for (let attempt = 0; ; attempt++) {
      await gate.acquire(this.opts.signal, attempt > 0);
      const token = await this.auth.token();
      this.stats.requests[r.category]++;
      this.log.debug(`${where}${url.search ? ' ' + redact(url.search) : ''}${attempt ? ` (retry ${attempt})` : ''}`);
      let res: Dispatcher.ResponseData;
      try {
        res = await request(url, {
          method: r.method as Dispatcher.HttpMethod,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
          dispatcher: this.dispatcher,
          signal: this.opts.signal,
          headersTimeout: this.opts.timeoutMs ?? 60_000,
          bodyTimeout: this.opts.timeoutMs ?? 60_000,
        });
      } catch (e) {
        if (this.opts.signal?.aborted) throw this.opts.signal.reason ?? e;
        const code = (e as NodeJS.ErrnoException).code ?? (e as { cause?: NodeJS.ErrnoException }).cause?.code;
        const safe = IDEMPOTENT.has(r.method) || code === 'ECONNREFUSED';
        if (safe && code && RETRYABLE_NET.has(code) && attempt < maxRetries) {
          await this.backoff(attempt, `${where}: ${code}`);
          continue;
        }
        this.stats.errors++;
        throw new ZoomConnectionError((e as Error).message, r.method, r.path, code);
      }
      let text: string;
      try {
        text = await res.body.text();
      } catch (e) {
        if (this.opts.signal?.aborted) throw this.opts.signal.reason ?? e;
        if (IDEMPOTENT.has(r.method) && attempt < maxRetries) {
          await this.backoff(attempt, `${where}: body interrupted`);
          continue;
        }
        throw new ZoomConnectionError(`the answer was cut off: ${(e as Error).message}`, r.method, r.path);
      }
      const headers = res.headers as Record<string, string | string[] | undefined>;
      const body = parseJson(text);
      if (res.statusCode < 300) {
        this.limiter.observe(r, headers);
        return { status: res.statusCode, body, headers };
      }

      const b = (body ?? {}) as { code?: unknown; message?: unknown };
      const err = zoomError(
        {
          status: res.statusCode,
          code: typeof b.code === 'number' ? b.code : undefined,
          message: typeof b.message === 'string' ? b.message : text.slice(0, 300) || `HTTP ${res.statusCode}`,
          method: r.method,
          path: r.path,
          template: r.template,
          category: r.category,
          body,
        },
        headers,
      );
      if (res.statusCode === 401 && err.code === ZOOM_CODE.invalidToken && renewals < MAX_RENEWALS) {
        // Expired or revoked token: renew (one renewal shared by every request that saw this token) and
        // try again. Only a token this request saw rejected counts: one expiry hits every request in flight.
        renewals++;
        this.auth.invalidate(token);
        attempt--;
        continue;
      }
      if (err instanceof ZoomRateLimitError) {
        this.stats.throttled++;
        const wait = err.retryAt ? err.retryAt.getTime() - Date.now() : undefined;
        // A per-user (or per-registrant) daily limit concerns this one user: fail this request, pace nobody.
        if (err.kind === 'user_daily') throw err;
        if (err.kind === 'daily' || (wait !== undefined && wait > maxWaitMs)) {
          gate.block(err);
          this.log.warn(`Zoom's ${err.kind === 'daily' ? 'daily' : 'long'} rate limit for ${r.category} requests was reached${err.retryAt ? `; Zoom accepts them again after ${err.retryAt.toISOString()}` : ''}`);
          throw err;
        }
        if (attempt < maxRetries + 4) {
          // A 429 was not applied, whatever the method: safe to send again after the wait.
          // Without Retry-After, a per-second limit frees up within the second: a short, growing pause.
          const ms = wait !== undefined && wait > 0 ? wait : backoffMs(attempt, 500);
          gate.pause(Date.now() + ms);
          this.stats.retries++;
          if (ms >= 2000) this.log.info(`rate limited (${r.category}); waiting ${Math.round(ms / 1000)}s`);
          continue;
        }
      }
      if (res.statusCode >= 500 && IDEMPOTENT.has(r.method) && attempt < maxRetries) {
        await this.backoff(attempt, `${where}: ${res.statusCode}`);
        continue;
      }
      this.stats.errors++;
      throw err;
    }
  }

  private async backoff(attempt: number, why: string): Promise<void> {
    this.stats.retries++;
    const ms = backoffMs(attempt, 300);
    this.log.debug(`${why}; retrying in ${ms}ms`);
    if (ms >= 2000) this.log.info(`${why}; retrying in ${Math.round(ms / 1000)}s`);
    await sleep(ms, undefined, { signal: this.opts.signal });
  }
}

/** Exponential backoff with full jitter, capped at 30 s. */
export function backoffMs(attempt: number, baseMs: number): number {
  const cap = Math.min(30_000, baseMs * 2 ** attempt);
  return Math.round(cap / 2 + Math.random() * (cap / 2));
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export { ZoomApiError };
