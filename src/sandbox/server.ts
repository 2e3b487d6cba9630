/**
 * The HTTP pipeline: route matching (Zoom's path decoding), latency, authentication, faults,
 * rate limits, scopes, the handler, and a Zoom-shaped answer. Every request is logged (without
 * credentials).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mulberry32, unitFromKey } from './prng.js';
import { isoSeconds, RATE_LIMITS, tableOfPath, type Category } from './ratelimit.js';
import { OAuthError, ZoomError, type Reply, type RequestLogEntry, type RouteCtx, type RouteDef, type SandboxState } from './core.js';
import type { RequestArea } from './faults.js';

interface CompiledRoute {
  def: RouteDef;
  segments: Array<{ literal: string } | { param: string }>;
}

export function compileRoutes(defs: readonly RouteDef[]): CompiledRoute[] {
  return defs.map((def) => ({
    def,
    segments: def.path
      .split('/')
      .slice(1)
      .map((s) => (s.startsWith(':') ? { param: s.slice(1) } : { literal: s })),
  }));
}

function matchRoute(routes: CompiledRoute[], method: string, segs: string[]): { route: CompiledRoute; params: Record<string, string> } | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  outer: for (const r of routes) {
    if (r.def.method !== m || r.segments.length !== segs.length) continue;
    const params: Record<string, string> = {};
    for (let i = 0; i < segs.length; i++) {
      const s = r.segments[i]!;
      if ('literal' in s) {
        if (s.literal !== segs[i]) continue outer;
      } else {
        if (segs[i] === '') continue outer;
        params[s.param] = segs[i]!;
      }
    }
    return { route: r, params };
  }
  return undefined;
}

/** The 'gateway' reading: %2F turns into "/" before routing (core.ts UuidDecoding); the 'literal' one keeps it inside its segment. */
function splitPath(pathname: string, reading: 'gateway' | 'literal'): string[] | undefined {
  const parts = (reading === 'gateway' ? pathname.replace(/%2F/gi, '/') : pathname).split('/').slice(1);
  try {
    return parts.map((p) => decodeURIComponent(p));
  } catch {
    return undefined;
  }
}

/**
 * The route a path reaches under a reading. A gateway that turns %2F into "/" still reaches the route a
 * UUID encoded once was meant for (the specs' rule for a UUID with one "/" inside): the path parameter it
 * hands on is what precedes the "/" (so the route answers as for a meeting it does not know, 404 code
 * 3001, and the client asks again double-encoded). Only a path no reading routes is an unknown route.
 */
function findRoute(routes: CompiledRoute[], method: string, pathname: string, reading: 'gateway' | 'literal'): { route: CompiledRoute; params: Record<string, string> } | undefined {
  const segs = splitPath(pathname, reading);
  const found = segs ? matchRoute(routes, method, segs) : undefined;
  if (found || reading !== 'gateway' || !/%2F/i.test(pathname)) return found;
  const literal = splitPath(pathname, 'literal');
  const kept = literal ? matchRoute(routes, method, literal) : undefined;
  if (!kept) return undefined;
  for (const [k, v] of Object.entries(kept.params)) kept.params[k] = v.split('/')[0]!;
  return kept;
}

const REDACT = new Set(['access_token', 'client_secret', 'token']);

function safeQuery(q: URLSearchParams): Record<string, string> {
  const o: Record<string, string> = {};
  for (const [k, v] of q) o[k] = REDACT.has(k.toLowerCase()) ? '[redacted]' : v;
  return o;
}

function trackingId(): string {
  return `v=2.0;clid=us05;rid=WEB_${randomBytes(16).toString('hex')}`;
}

function sleep(ms: number, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    if (ms <= 0) return resolve(true);
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(true);
    }, ms);
    res.once('close', onClose);
  });
}

async function readBody(req: IncomingMessage, limit = 1_048_576): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) throw new ZoomError(413, 300, 'Request body is too large.');
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, method: string, reply: Reply, entry: RequestLogEntry): void {
  entry.status = reply.status;
  const code = reply.status >= 400 ? (reply.body as { code?: unknown } | undefined)?.code : undefined;
  if (typeof code === 'number') entry.code = code;
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { 'x-zm-trackingid': trackingId(), ...(reply.headers ?? {}) };
  let payload: Buffer | undefined;
  if (reply.raw) payload = reply.raw;
  else if (reply.status !== 204 && reply.body !== undefined && reply.body !== '') {
    payload = Buffer.from(JSON.stringify(reply.body));
    headers['content-type'] ??= 'application/json;charset=UTF-8';
  }
  if (reply.status !== 204) headers['content-length'] = String(payload?.length ?? 0);
  res.writeHead(reply.status, headers);
  res.end(method === 'HEAD' ? undefined : payload);
}

function zoomErrorReply(e: ZoomError): Reply {
  return { status: e.status, body: { code: e.code, message: e.message, ...e.extra }, headers: e.headers };
}

function rateHeaders(category: string, type: string, limit: number, remaining: number): Record<string, string> {
  return {
    'x-ratelimit-category': category,
    'x-ratelimit-type': type,
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(Math.max(0, remaining)),
  };
}

const QPS_MESSAGE = 'You have reached the maximum per-second rate limit for this API. Try again later.';
const USER_DAILY_MESSAGE = 'You have exceeded the daily rate limit (100) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00.';
const DAILY_MESSAGE = 'You have reached the maximum daily rate limit for this API. Refer to the response header for details on when you can make another request.';

export function createHandler(state: SandboxState, routes: CompiledRoute[]) {
  const latencyRand = mulberry32(state.opts.seed ^ 0x9e3779b9);
  let successCount = 0;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const entry: RequestLogEntry = { method, path: url.pathname, query: safeQuery(url.searchParams), status: 0, category: null, at: new Date(state.clock()).toISOString() };
    state.log.push(entry);
    try {
      if (state.opts.latencyMs) {
        const { min, max } = state.opts.latencyMs;
        if (!(await sleep(min + latencyRand() * Math.max(0, max - min), res))) return;
      }
      const found = findRoute(routes, method, url.pathname, state.opts.uuidDecoding);
      if (!found) {
        entry.unknown = true;
        state.warn(`zdsar sandbox: unknown route ${method} ${url.pathname} (answered 404)`);
        return send(res, method, { status: 404, body: { code: 404, message: 'No API found with that method and URL.' } }, entry);
      }
      const def = found.route.def;
      entry.category = def.category;
      let rawBody: Buffer | undefined;
      let body: unknown;
      if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
        rawBody = await readBody(req);
        const ct = String(req.headers['content-type'] ?? '');
        if (rawBody.length > 0 && (ct.includes('json') || (def.area !== 'oauth' && !ct.includes('x-www-form-urlencoded')))) {
          try {
            body = JSON.parse(rawBody.toString('utf8'));
          } catch {
            if (def.area !== 'oauth') throw new ZoomError(400, 300, 'Request Body should be a valid JSON object.');
          }
        }
      }
      const c: RouteCtx = { state, req, res, method, path: url.pathname, query: url.searchParams, params: found.params, now: state.clock(), body, rawBody };

      if (def.auth === 'bearer') {
        const h = req.headers.authorization;
        const m = typeof h === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
        if (!m) {
          const inQuery = url.searchParams.has('access_token');
          throw new ZoomError(401, 124, inQuery ? 'Invalid access token.' : 'Requires an access token.');
        }
        const tok = state.tokens.get(m[1]!);
        if (!tok || tok.revoked || tok.expiresAt <= c.now) throw new ZoomError(401, 124, 'Invalid access token.');
        c.token = tok;
        entry.tokenId = tok.id;
      }

      // Faults
      const area: RequestArea = def.area;
      const q = new URLSearchParams(url.searchParams);
      for (const k of [...q.keys()]) if (REDACT.has(k.toLowerCase())) q.delete(k);
      const key = `${method} ${url.pathname}?${q.toString()}`;
      const pageToken = url.searchParams.get('next_page_token');
      for (const d of state.faults.decide(area, url.pathname, key, Boolean(pageToken))) {
        entry.fault = entry.fault ? `${entry.fault},${d.kind}` : d.kind;
        switch (d.kind) {
          case 'slow':
            if (!(await sleep(d.arg ?? 30_000, res))) return;
            c.now = state.clock();
            break;
          case 'reset': {
            entry.status = -1;
            res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8', 'content-length': '4096' });
            res.write('{"page_count":1,"page_size":30,"total_records":');
            const sock = req.socket as typeof req.socket & { resetAndDestroy?: () => void };
            setImmediate(() => (sock.resetAndDestroy ? sock.resetAndDestroy() : sock.destroy()));
            return;
          }
          case 'userdaily429':
            // Zoom's wording (developer forum): the account's category goes on; only this user's requests wait.
            throw new ZoomError(429, 429, USER_DAILY_MESSAGE, {}, state.opts.rateLimitHeaders ? rateHeaders(def.category ?? 'Light', 'QPS', 1000, 900) : {});
          case 'daily429': {
            const retry = d.arg !== undefined ? new Date(c.now + d.arg * 3_600_000) : new Date(Date.UTC(new Date(c.now).getUTCFullYear(), new Date(c.now).getUTCMonth(), new Date(c.now).getUTCDate() + 1));
            // Without headers (Zoom documents none), a reset at midnight is said in the message, as Zoom's daily messages do.
            const message = !state.opts.rateLimitHeaders && d.arg === undefined ? `${DAILY_MESSAGE.replace(/ Refer to .*$/, '')} You may resume these requests at GMT 00:00:00.` : DAILY_MESSAGE;
            throw new ZoomError(429, 429, message, {}, state.opts.rateLimitHeaders ? { ...rateHeaders(def.category ?? 'Heavy', 'Daily-limit', 60_000, 0), 'retry-after': isoSeconds(retry) } : {});
          }
          case '429':
            // An injected 429 looks like a real one: the category's real limit, nothing left this second.
            throw new ZoomError(429, 429, QPS_MESSAGE, {}, state.opts.rateLimitHeaders ? rateHeaders(def.category ?? 'Light', 'QPS', RATE_LIMITS[state.opts.plan][(def.category ?? 'Light') as Category].limit, 0) : {});
          case '500':
          case '502':
          case '503':
          case '5xx': {
            const status = d.status ?? 500;
            const body =
              status === 500
                ? { code: 500, message: 'Internal Server Error' }
                : status === 502
                  ? { code: 502, message: 'Bad Gateway' }
                  : { code: 503, message: 'Service is temporarily unavailable. Try again later.' };
            return send(res, method, { status, body }, entry);
          }
          case 'tokenexpire':
            if (c.token) {
              c.token.revoked = true;
              throw new ZoomError(401, 124, 'Invalid access token.');
            }
            break;
          case 'pagetokenexpire':
            if (pageToken) state.pages.delete(pageToken);
            break;
        }
      }

      // Rate limits, per account and category
      let okHeaders: Record<string, string> | undefined;
      if (def.category && state.limiter) {
        // Zoom Phone's and Contact Center's operations are counted on their own tables and quotas.
        const d = state.limiter.check(def.category, c.now, tableOfPath(def.path));
        const withHeaders = state.opts.rateLimitHeaders;
        if (!d.ok) {
          if (d.type === 'QPS') throw new ZoomError(429, 429, QPS_MESSAGE, {}, withHeaders ? rateHeaders(d.category, 'QPS', d.limit, 0) : {});
          // The daily message says when; the headers come only when asked for (Zoom documents none).
          throw new ZoomError(429, 429, `${DAILY_MESSAGE.replace(/ Refer to .*$/, '')} You may resume these requests at GMT 00:00:00.`, {}, withHeaders ? { ...rateHeaders(d.category, 'Daily-limit', d.limit, 0), 'retry-after': d.retryAfter } : {});
        }
        // Zoom documents no rate-limit headers and sends them on some successes only: only when asked for.
        successCount++;
        if (withHeaders && unitFromKey(`rl|${successCount}`, state.opts.seed) < 0.7) okHeaders = rateHeaders(d.category, 'QPS', d.limit, d.remaining);
      }

      // Zoom's own work on a counted request: the answer comes later, the count does not move.
      if (state.opts.processingMs) {
        const { min, max } = state.opts.processingMs;
        if (!(await sleep(min + latencyRand() * Math.max(0, max - min), res))) return;
        c.now = state.clock();
      }

      // Scopes: any of the operation's classic or granular scopes will do.
      if (c.token && def.granular) {
        const granted = new Set(c.token.scopes);
        const accepted = [...(def.classic ?? []), ...def.granular, ...def.granular.map((s) => s.replace(/:admin$/, ''))];
        if (!accepted.some((s) => granted.has(s))) {
          throw new ZoomError(400, 4711, `Invalid access token, does not contain scopes:[${def.granular.join(', ')}].`);
        }
      }

      const reply = await def.handler(c);
      if (okHeaders) reply.headers = { ...okHeaders, ...(reply.headers ?? {}) };
      return send(res, method, reply, entry);
    } catch (err) {
      if (err instanceof ZoomError) return send(res, method, zoomErrorReply(err), entry);
      if (err instanceof OAuthError) return send(res, method, { status: err.status, body: { reason: err.reason, error: err.error } }, entry);
      state.warn(`zdsar sandbox: internal error on ${method} ${url.pathname}: ${(err as Error)?.stack ?? String(err)}`);
      return send(res, method, { status: 500, body: { code: 500, message: 'Internal Server Error' } }, entry);
    }
  };
}
