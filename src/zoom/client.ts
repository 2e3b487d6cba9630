import { Agent, request, type Dispatcher } from 'undici';
import type { Plan, ZoomCredentials } from '../config.js';
import { redact } from '../secrets.js';
import { silentLogger, type Logger } from '../run-context.js';
import { TokenProvider } from './auth.js';
import type { RateCategory } from './categories.generated.js';
import { ZOOM_CODE, ZoomConnectionError, ZoomRateLimitError, zoomError } from './errors.js';
import { RateLimiter, type Release } from './limiter.js';
import { RetryPolicy, netCode, type Clock } from './retry.js';
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
  /** Time for retries and waits (default: the system clock). Tests inject one and never wait. */
  clock?: Clock;
  /** Connections to Zoom at once (default 64). 1 sends one request at a time (the benchmark's baseline). */
  connections?: number;
  /**
   * Operations ("GET /users/{userId}") whose answers the caller's further work waits on: each goes ahead of
   * the queue at its gate, so the chains they start (a person's lookup, their Phone profile, the meetings
   * they joined) are not held behind thousands of leaf reads queued earlier.
   */
  leads?: ReadonlySet<string>;
}

export interface CallStats {
  requests: Record<RateCategory, number>;
  throttled: number;
  retries: number;
  errors: number;
}

/** Renewals of the token one request may ask for: each is a token Zoom rejected for this very request and never answered anyone with. */
const MAX_RENEWALS = 8;
/**
 * Tokens one request may see die in all (each answered other requests first): a bound, never reached by
 * Zoom's hourly expiry. The sandbox's fault of a token revoked by 5 % of requests kills each new token
 * within about 20 requests, so a burst granted at once may see several die before it is sent.
 */
const MAX_TOKEN_DEATHS = 64;

/** Which of several equivalent reads to send (`via`), and the place granted for its first request when the gates chose (ZoomClient.first). */
export interface ReadChoice<V extends string> {
  via: V;
  held?: Release;
}

/**
 * The one way zdsar talks to Zoom's REST API: token, per-category pacing, retries that
 * honour Retry-After, typed errors. Domain code builds a Route and calls get/send/pages/items.
 */
export class ZoomClient {
  readonly auth: TokenProvider;
  readonly limiter: RateLimiter;
  /** The one retry policy (src/zoom/retry.ts), shared with downloads, the token and the data-requests engine. */
  readonly retry: RetryPolicy;
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
    this.retry = new RetryPolicy(opts.clock, { ...(opts.maxRetries !== undefined ? { maxRetries: opts.maxRetries } : {}), ...(opts.maxWaitMs !== undefined ? { maxWaitMs: opts.maxWaitMs } : {}) });
    this.auth = new TokenProvider(opts.credentials, { dispatcher: this.dispatcher, signal: opts.signal, timeoutMs: opts.timeoutMs, logger: this.log, retry: this.retry });
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

  url(r: Pick<Route, 'path'> & Partial<Route>, query?: Query): URL {
    const u = new URL(r.path.replace(/^\//, ''), this.apiUrl);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') u.searchParams.set(k, String(v));
    return u;
  }

  /** GET and parse JSON. `held`: a place at r's gate already granted (RateLimiter.first), used by the first attempt. */
  async get<T = Record<string, unknown>>(r: Route, query?: Query, held?: Release): Promise<T> {
    return (await this.call(r, { query, held })).body as T;
  }

  /**
   * Of reads that serve the same records from different tables, the one a place was found for first
   * (RateLimiter.first), with that place: pass it to get() (or a list's first page); release it if unused.
   */
  first<R extends { category: RateCategory; template: string }>(reads: readonly [R, ...R[]]): Promise<{ read: R; release: Release }> {
    return this.limiter.first(reads, this.opts.signal);
  }

  /** Any method; returns the status and parsed body. Non-idempotent calls are never retried once they may have been applied. */
  async send<T = unknown>(r: Route, init: { query?: Query; body?: unknown } = {}): Promise<{ status: number; body: T }> {
    const res = await this.call(r, init);
    return { status: res.status, body: res.body as T };
  }

  private async call(r: Route, init: { query?: Query; body?: unknown; held?: Release }): Promise<{ status: number; body: unknown; headers: Record<string, string | string[] | undefined> }> {
    const url = this.url(r, init.query);
    const where = `${r.method} ${r.display}`;
    const gate = this.limiter.gateFor(r);
    const signal = this.opts.signal;
    let renewals = 0;
    let deaths = 0;
    for (let attempt = 0; ; attempt++) {
      // The place in Zoom's window is given back once Zoom has answered (headers) or the request failed.
      const release = attempt === 0 && init.held ? init.held : await gate.acquire(signal, attempt > 0 || (this.opts.leads?.has(`${r.method} ${r.template}`) ?? false));
      let token: string;
      try {
        token = await this.auth.token();
      } catch (e) {
        release();
        throw e;
      }
      this.stats.requests[r.category]++;
      const sent = `${where}${url.search ? ' ' + redact(url.search) : ''}${attempt ? ` (retry ${attempt})` : ''}`;
      const started = performance.now();
      const took = () => `${Math.round(performance.now() - started)} ms`;
      let res: Dispatcher.ResponseData;
      let text: string;
      let cut = false;
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
          signal,
          headersTimeout: this.opts.timeoutMs ?? 60_000,
          bodyTimeout: this.opts.timeoutMs ?? 60_000,
        });
        release();
        try {
          text = await res.body.text();
        } catch (e) {
          cut = true;
          throw e;
        }
      } catch (e) {
        release();
        if (signal?.aborted) throw signal.reason ?? e;
        const code = netCode(e);
        this.log.debug(`${sent}: ${code ?? (cut ? 'cut off' : 'failed')} after ${took()}`);
        const d = this.retry.decide(r.method, cut ? { kind: 'cut' } : { kind: 'network', code }, attempt);
        if (d.retry) {
          await this.backoff(d.waitMs, `${where}: ${d.why}`);
          continue;
        }
        this.stats.errors++;
        throw new ZoomConnectionError({ server: 'api', url, method: r.method, path: r.display, code, detail: (e as Error).message, cut });
      }
      this.log.debug(`${sent}: ${res.statusCode} in ${took()}`);
      const headers = res.headers as Record<string, string | string[] | undefined>;
      const body = parseJson(text);
      if (res.statusCode !== 401) this.auth.answered(token);
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
          path: r.display,
          template: r.template,
          category: r.category,
          body,
        },
        headers,
        this.retry.clock.now(),
      );
      if (res.statusCode === 401 && err.code === ZOOM_CODE.invalidToken) {
        // Expired or revoked token: renew (one renewal shared by every request that saw this token) and
        // try again. A token Zoom had answered with died (expiry, revocation): that says nothing of the
        // credentials, however often it happens while this request waits, up to MAX_TOKEN_DEATHS. A token
        // Zoom never answered with counts toward MAX_RENEWALS: credentials Zoom's API refuses.
        deaths++;
        if (!this.auth.wasAnswered(token)) renewals++;
        if (renewals <= MAX_RENEWALS && deaths <= MAX_TOKEN_DEATHS) {
          this.auth.invalidate(token);
          attempt--;
          continue;
        }
      }
      const d = this.retry.decide(r.method, { kind: 'status', status: res.statusCode, retryAfter: headers['retry-after'], daily: err instanceof ZoomRateLimitError && err.kind === 'daily' }, attempt);
      if (err instanceof ZoomRateLimitError) {
        this.stats.throttled++;
        // A per-user (or per-registrant) daily limit concerns this one user: fail this request, pace nobody.
        if (err.kind === 'user_daily') throw err;
        if (!d.retry && (d.stop === 'daily' || d.stop === 'too-long')) {
          gate.block(err);
          this.log.warn(`Zoom's ${err.kind === 'daily' ? 'daily' : 'long'} rate limit for ${r.category} requests was reached${err.retryAt ? `; Zoom accepts them again after ${err.retryAt.toISOString()}` : ''}`);
          throw err;
        }
        if (d.retry) {
          // Not slept here: the category's gate holds every request of it until the wait is over.
          gate.pause(this.retry.clock.now() + d.waitMs);
          this.stats.retries++;
          if (d.waitMs >= 2000) this.log.info(`rate limited (${r.category}); waiting ${Math.round(d.waitMs / 1000)}s`);
          continue;
        }
      } else if (d.retry) {
        await this.backoff(d.waitMs, `${where}: ${d.why}`);
        continue;
      }
      // "Not found" is an answer (a person without a Zoom user, data that is gone), not an error of the run.
      if (err.status !== 404) this.stats.errors++;
      throw err;
    }
  }

  private async backoff(ms: number, why: string): Promise<void> {
    this.stats.retries++;
    this.log.debug(`${why}; retrying in ${ms}ms`);
    if (ms >= 2000) this.log.info(`${why}; retrying in ${Math.round(ms / 1000)}s`);
    await this.retry.sleep(ms, this.opts.signal);
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

