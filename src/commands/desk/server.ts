/**
 * The officer's desk: a local web page over the same workflows as the CLI (no rule lives here).
 *
 * Safety of a page on the officer's machine:
 * - it listens on 127.0.0.1 only, on a port the system picks;
 * - every request's path starts with a random token (compared in constant time), so other local
 *   users and other sites' pages cannot guess a URL; the Referrer-Policy (same-origin) keeps it out of other sites' referrers;
 * - the Host header must be 127.0.0.1:PORT or localhost:PORT (a DNS-rebinding page has its own name);
 * - GET never changes anything; every change is a POST of a form that carries the token again, and
 *   a POST from another origin (Origin or Sec-Fetch-Site) is refused;
 * - a strict Content-Security-Policy: no script at all, styles from the served stylesheet only,
 *   nothing loaded from anywhere else, forms post only to the desk, no framing.
 * It stops when told (Ctrl-C) and after `idleMs` without a request (checkIdle, with an injected clock).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../../errors.js';
import { routes, type DeskContext, type Reply } from './pages.js';
import { DESK_CSS } from './style.js';

export const DESK_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const MAX_BODY = 64 * 1024;

export interface DeskOptions {
  env: NodeJS.ProcessEnv;
  /** Milliseconds without a request after which checkIdle() stops the desk. */
  idleMs: number;
  /** The clock (tests inject one). */
  now?: () => number;
  /** The token (tests may fix one; default: 32 random bytes). */
  token?: string;
}

export interface Desk {
  url: string;
  port: number;
  /** Resolves when the desk has stopped, saying why. */
  stopped: Promise<'idle' | 'closed'>;
  /** Stop the desk if it has been idle for idleMs; true when it stopped. */
  checkIdle(): boolean;
  close(): Promise<void>;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time comparison (of digests, so the lengths are equal too). */
export function sameToken(given: string | undefined | null, token: string): boolean {
  return timingSafeEqual(digest(given ?? ''), digest(token)) && given === token;
}

export async function startDesk(opts: DeskOptions): Promise<Desk> {
  const now = opts.now ?? Date.now;
  const token = opts.token ?? randomBytes(32).toString('base64url');
  let last = now();
  let port = 0;
  let finish: (why: 'idle' | 'closed') => void = () => {};
  const stopped = new Promise<'idle' | 'closed'>((r) => (finish = r));

  const server = createServer((req, res) => {
    last = now();
    handle(req, res).catch((e: unknown) => send(res, { status: 500, html: `<!doctype html><title>Error</title><p>${String((e as Error).message ?? e).replace(/[&<>"']/g, '')}</p>` }));
  });
  server.keepAliveTimeout = 5_000;

  const hosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const origins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hosts().has(req.headers.host ?? '')) return send(res, { status: 421, text: 'refused: this desk answers only at 127.0.0.1 or localhost on its own port\n' });
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const [, first, ...rest] = url.pathname.split('/');
    if (!sameToken(first, token)) return send(res, { status: 403, text: 'refused: the URL has no valid token (use the one zdsar desk printed)\n' });
    const path = '/' + rest.join('/');
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (path === '/desk.css') return send(res, { status: 200, css: DESK_CSS });
      return send(res, await routes.get(ctx, path, url.searchParams));
    }
    if (req.method !== 'POST') return send(res, { status: 405, text: 'only GET and POST\n' });
    const origin = req.headers.origin;
    if (origin !== undefined && !origins().has(origin)) return send(res, { status: 403, text: 'refused: a change must come from the desk itself\n' });
    if (req.headers['sec-fetch-site'] !== undefined && !['same-origin', 'none'].includes(String(req.headers['sec-fetch-site']))) return send(res, { status: 403, text: 'refused: a change must come from the desk itself\n' });
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return send(res, { status: 415, text: 'a change is a form post\n' });
    const form = new URLSearchParams(await body(req));
    if (!sameToken(form.get('token'), token)) return send(res, { status: 403, text: 'refused: the form has no valid token\n' });
    return send(res, await routes.post(ctx, path, form));
  }

  const ctx: DeskContext = { env: opts.env, base: `/${token}`, token, now: () => new Date(now()) };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  const close = async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    finish('closed');
  };
  return {
    url: `http://127.0.0.1:${port}/${token}/`,
    port,
    stopped,
    checkIdle() {
      if (now() - last < opts.idleMs || !server.listening) return false;
      server.closeAllConnections();
      server.close();
      finish('idle');
      return true;
    },
    close,
  };
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > MAX_BODY) throw new UsageError('the form is too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, r: Reply): void {
  const headers: Record<string, string> = {
    'Content-Security-Policy': DESK_CSP,
    'X-Content-Type-Options': 'nosniff',
    // same-origin, not no-referrer: the token never leaves in a referrer, and form posts keep their Origin (no-referrer makes it "null").
    'Referrer-Policy': 'same-origin',
    'Cache-Control': 'no-store',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
  if ('redirect' in r) {
    res.writeHead(303, { ...headers, Location: r.redirect });
    res.end();
    return;
  }
  const [type, text] = 'html' in r ? ['text/html; charset=utf-8', r.html] : 'css' in r ? ['text/css; charset=utf-8', r.css] : ['text/plain; charset=utf-8', r.text];
  res.writeHead(r.status, { ...headers, 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}
