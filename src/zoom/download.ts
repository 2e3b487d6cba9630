/**
 * Downloading a file Zoom serves behind the access token (cloud recording files, Zoom
 * Phone recordings and voicemails): streamed to disk, resumable, verified.
 *
 * - The token goes only in the Authorization header (Zoom refuses it in a query string
 *   since 2023) and only to Zoom: the origin of the API base, or an https host that is
 *   zoom.us or *.zoom.us. A redirect to another origin (Zoom sends recording downloads to
 *   its storage with a signed URL) is followed without the header; at most 5 redirects.
 * - The body is written to `dest + '.partial'` (0600) chunk by chunk while hashing, so
 *   memory does not grow with the file. After an interruption the next attempt (in the
 *   same call, or a later run) asks for the rest with `Range: bytes=N-`; a server that
 *   ignores Range (200) or cannot satisfy it (416) gets a fresh start.
 * - The size Zoom announced (the listing's file_size and/or Content-Length/Content-Range)
 *   is checked; only then is the file fsync'd and renamed to `dest`. `dest` existing
 *   therefore means "complete and verified".
 * - URLs can carry signatures or tokens: they are never logged, never put in an error
 *   message, never written anywhere. Errors name only the host.
 *
 * Rate limits: a download URL that is one of Zoom's documented download operations is paced
 * as its spec labels it, on the table it is counted on (phone.openapi.json: GET
 * /phone/recording/download/{fileId} and /phone/voice_mails/download/{fileId} are Phone
 * MEDIUM, /phone/recording_transcript/download/{recordingId} Phone LIGHT). Zoom says nothing
 * for cloud recording downloads: those pass the main API's 'medium' gate. Requests to the
 * storage origin are not Zoom API calls and are not gated.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Agent, request, type Dispatcher } from 'undici';
import { fsyncDir, writeAll } from '../fs/atomic.js';
import { digestFile } from '../fs/records.js';
import type { Release } from './limiter.js';
import { openNoFollow } from '../fs/safe.js';
import { isAllowedScheme } from '../config.js';
import { OPERATIONS, type RateCategory } from './categories.generated.js';
import { rateTableOf, type CategoryGate, type RateTable } from './limiter.js';
import type { ZoomClient } from './client.js';
import { LISTED_FILE_URL, ZOOM_CODE, type ZoomAnswer } from './errors.js';
import { redact } from '../secrets.js';
import { RETRYABLE_NET, netCode } from './retry.js';

export interface DownloadOptions {
  /** The size Zoom announced in the listing (file_size); checked when given. */
  expectedBytes?: number;
  signal?: AbortSignal;
  /** Attempts after the first on network errors, cut-off bodies, 429 and 5xx (default 5). */
  maxRetries?: number;
  /** The longest single wait for a 429's Retry-After (default 120 s); longer fails the file (resumable). */
  maxWaitMs?: number;
  /** Rate-limit gate for requests that carry the token (default: from the URL, see downloadGate). */
  category?: RateCategory;
  /** The table that gate is on (default: from the URL, see downloadGate). */
  table?: RateTable;
  /**
   * The most a file of undeclared size (no file_size, no Content-Length) may be (default
   * DEFAULT_MAX_UNSIZED_BYTES; ZDSAR_MAX_UNSIZED_DOWNLOAD_MB, see config.clientTuning). A declared size is itself the cap.
   */
  maxUnsizedBytes?: number;
}

/** 4 GiB: the cap for a download whose size nobody declared. */
export const DEFAULT_MAX_UNSIZED_BYTES = 4 * 1024 * 1024 * 1024;

export interface DownloadResult {
  bytes: number;
  sha256: string;
  /** True when bytes already on disk (a .partial from an interruption) were kept and only the rest fetched. */
  resumed: boolean;
}

/** A download that did not complete. The message names the host, never the URL. */
export class DownloadError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly retryable = false,
    /** The network error code, when the request got no answer. */
    readonly code?: string,
    /** Zoom's answer, when it answered with an error: what it means is read from zoom/errors.ts. */
    readonly answer?: ZoomAnswer,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

const MAX_REDIRECTS = 5;
const WRITE_BATCH = 1024 * 1024;

/** Zoom's documented download operations (GET …/download/…), as path patterns, with their spec label and table. */
const DOWNLOAD_OPERATIONS = OPERATIONS.filter(([op]) => op.startsWith('GET ') && /\/download(\/|$)/.test(op)).map(([op, category]) => {
  const template = op.slice(4);
  const pattern = new RegExp(`/${template.slice(1).split('/').map((seg) => (/^\{\w+\}$/.test(seg) ? '[^/]+' : seg.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))).join('/')}$`);
  return { pattern, category: category ?? 'medium', table: rateTableOf(template), template };
});

/**
 * The gate a download is paced on: the spec's label and table when its URL is one of Zoom's documented
 * download operations (matched on the path's end, whatever the API base), else the main API's Medium.
 */
export function downloadGate(url: URL): { category: RateCategory; table: RateTable } {
  const hit = DOWNLOAD_OPERATIONS.find((o) => o.pattern.test(url.pathname));
  return hit ? { category: hit.category, table: hit.table } : { category: 'medium', table: 'main' };
}

/** The documented download operation a URL is (its spec template, e.g. /phone/voice_mails/download/{fileId}), if any. */
export function downloadOperation(url: URL): string | undefined {
  return DOWNLOAD_OPERATIONS.find((o) => o.pattern.test(url.pathname))?.template;
}

/** Download `url` to `dest` (see the module comment). Resolves with the verified size and sha256. */
export async function downloadFile(client: ZoomClient, url: string, dest: string, opts: DownloadOptions = {}): Promise<DownloadResult> {
  const signal = opts.signal ?? client.signal;
  const maxRetries = opts.maxRetries ?? 5;
  // The client's one retry policy (and clock), with a download's own budget.
  const retry = client.retry.with({ maxRetries, maxWaitMs: opts.maxWaitMs ?? 120_000 });
  let start: URL;
  try {
    start = new URL(url);
  } catch {
    throw new DownloadError('the download URL Zoom gave is not a URL');
  }
  const byUrl = downloadGate(start);
  const category = opts.category ?? byUrl.category;
  const gate = client.limiter.gate(category, opts.table ?? byUrl.table);
  checkScheme(start);
  const apiOrigin = client.url({ method: 'GET', template: '/', path: '/', category }).origin;
  const trusted = isZoomOrigin(start, apiOrigin);
  if (!trusted) throw new DownloadError(`refusing to send the access token to ${start.host}, which is not a Zoom host`);

  // The client's connection pool, when it offers one for downloads; otherwise our own, closed at the end.
  const shared = (client as unknown as { dispatcherForDownloads?: Dispatcher }).dispatcherForDownloads;
  const dispatcher = shared ?? new Agent({ connections: 4, keepAliveTimeout: 4_000 });
  const partial = `${dest}.partial`;
  let renewals = 0;
  try {
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      const have = await sizeOf(partial);
      let res: Dispatcher.ResponseData;
      let token: string;
      let redirected: boolean;
      try {
        ({ res, token, redirected } = await fetchFollowing(client, start, apiOrigin, have, { dispatcher, signal, category, gate }));
      } catch (e) {
        if (signal?.aborted) throw signal.reason ?? e;
        if (e instanceof DownloadError && !e.retryable) throw e;
        const d = retry.decide('GET', { kind: 'network', code: e instanceof DownloadError ? e.code : netCode(e) }, attempt);
        if (d.retry) {
          client.stats.retries++;
          await retry.sleep(d.waitMs, signal);
          continue;
        }
        throw e instanceof DownloadError ? e : new DownloadError(`download from ${start.host} failed: ${netCode(e) ?? (e as Error).message}`);
      }
      const status = res.statusCode;

      if (status === 401 && renewals < 2) {
        const code = await zoomCode(res);
        if (code === ZOOM_CODE.invalidToken || code === undefined) {
          renewals++;
          client.auth.invalidate(token);
          attempt--;
          continue;
        }
        throw new DownloadError(`Zoom refused the download (401${code ? ` code ${code}` : ''})`, 401);
      }
      if (status === 429 || status >= 500) {
        await res.body.dump().catch(() => {});
        if (status === 429) client.stats.throttled++;
        // A download is a GET: retried after 5xx and 429 alike, within the download's budget.
        const d = retry.decide('GET', { kind: 'status', status, retryAfter: res.headers['retry-after'] }, attempt);
        if (d.retry && attempt < maxRetries) {
          client.stats.retries++;
          if (status === 429) gate.pause(retry.clock.now() + d.waitMs);
          await retry.sleep(d.waitMs, signal);
          continue;
        }
        throw new DownloadError(`download from ${start.host} failed: HTTP ${status}${status === 429 ? ' (rate limited; resume later)' : ''}`, status, true);
      }
      if (status === 416) {
        // Nothing more to send from `have`: either the part is already whole, or it is not from this file.
        const total = totalFromContentRange(header(res.headers, 'content-range'));
        await res.body.dump().catch(() => {});
        if (have > 0 && total !== undefined && total === have && (opts.expectedBytes === undefined || opts.expectedBytes === have)) {
          const { sha256 } = await digestFile(partial);
          await publish(partial, dest);
          return { bytes: have, sha256, resumed: true };
        }
        await rm(partial, { force: true });
        if (attempt < maxRetries) continue;
        throw new DownloadError(`download from ${start.host} failed: HTTP 416`, 416);
      }
      if (status !== 200 && status !== 206) {
        // Zoom's answer, for what it means at this download (zoom/errors.ts ANSWER_MEANINGS): the documented
        // download operation's table when Zoom itself answered, the plain HTTP meaning at a file's own URL or its storage.
        const z = await zoomBody(res);
        const template = (!redirected && downloadOperation(start)) || LISTED_FILE_URL;
        const answer: ZoomAnswer = { method: 'GET', template, status, ...(z.code !== undefined ? { code: z.code } : {}), zoomMessage: z.message ?? '' };
        throw new DownloadError(`download from ${start.host} failed: HTTP ${status}${z.code !== undefined ? ` (code ${z.code}${z.message ? `: ${redact(z.message).slice(0, 200)}` : ''})` : ''}`, status, false, undefined, answer);
      }

      // Where this body starts, and how long the whole file is, as the server says.
      let offset = 0;
      let total: number | undefined;
      if (status === 206) {
        const cr = parseContentRange(header(res.headers, 'content-range'));
        if (!cr || cr.start !== have) {
          // A range we did not ask for: start over rather than guess.
          await res.body.dump().catch(() => {});
          await rm(partial, { force: true });
          if (attempt < maxRetries) continue;
          throw new DownloadError(`download from ${start.host} failed: unexpected Content-Range`);
        }
        offset = have;
        total = cr.total;
      } else {
        const len = Number(header(res.headers, 'content-length'));
        total = Number.isFinite(len) && header(res.headers, 'content-length') !== undefined ? len : undefined;
      }
      if (opts.expectedBytes !== undefined && total !== undefined && total !== opts.expectedBytes) {
        // Not the file Zoom listed (an error page, a proxy's answer…): try a couple more times, then give up.
        await res.body.dump().catch(() => {});
        if (attempt < Math.min(maxRetries, 2)) {
          client.stats.retries++;
          await retry.sleep(retry.backoffMs(attempt), signal);
          continue;
        }
        await rm(partial, { force: true });
        throw new DownloadError(`download from ${start.host}: the server sends ${total} bytes but Zoom listed the file as ${opts.expectedBytes}`);
      }

      const hash = createHash('sha256');
      if (offset > 0) await hashInto(hash, partial, offset);
      let written = offset;
      // Stop at the declared size (a body that runs on is not the file Zoom listed); cap an undeclared one.
      const declared = opts.expectedBytes ?? total;
      const limit = declared ?? opts.maxUnsizedBytes ?? DEFAULT_MAX_UNSIZED_BYTES;
      let overflow = false;
      const fh = await openNoFollow(partial, offset > 0 ? 'update' : 'truncate');
      let cut: unknown;
      try {
        if (offset > 0) await fh.truncate(offset);
        // Chunks are gathered up to WRITE_BATCH and written with one writev: bounded memory, few syscalls.
        let batch: Buffer[] = [];
        let batched = 0;
        const flush = async () => {
          if (batched === 0) return;
          const bufs = batch;
          const n = batched;
          batch = [];
          batched = 0;
          await writeAll(fh, bufs.length === 1 ? bufs[0]! : Buffer.concat(bufs, n), written);
          written += n;
        };
        try {
          for await (const chunk of res.body) {
            const buf = chunk as Buffer;
            if (written + batched + buf.length > limit) {
              overflow = true;
              break; // leaving the loop destroys the body: nothing more is read
            }
            hash.update(buf);
            batch.push(buf);
            batched += buf.length;
            if (batched >= WRITE_BATCH) await flush();
          }
        } finally {
          await flush(); // keep every byte that arrived, also when the body was cut off
        }
        await fh.sync();
      } catch (e) {
        cut = e;
        await fh.sync().catch(() => {});
      } finally {
        await fh.close();
      }
      if (overflow) {
        await rm(partial, { force: true });
        throw new DownloadError(
          declared !== undefined
            ? `download from ${start.host}: the server sent more than the ${declared} bytes declared for the file; stopped there`
            : `download from ${start.host}: the file declares no size and passed the cap of ${limit} bytes (ZDSAR_MAX_UNSIZED_DOWNLOAD_MB); stopped there`,
        );
      }
      if (cut !== undefined) {
        if (signal?.aborted) throw signal.reason ?? cut;
        // Keep what arrived: the next attempt asks only for the rest.
        const d = retry.decide('GET', { kind: 'cut' }, attempt);
        if (d.retry) {
          client.stats.retries++;
          await retry.sleep(d.waitMs, signal);
          continue;
        }
        throw new DownloadError(`download from ${start.host} was cut off after ${written} bytes (${netCode(cut) ?? 'connection closed'}); run again to resume`, undefined, true);
      }
      const want = opts.expectedBytes ?? total;
      if (want !== undefined && written !== want) {
        if (written < want) {
          if (attempt < maxRetries) continue; // a short body: fetch the rest
          throw new DownloadError(`download from ${start.host} stopped at ${written} of ${want} bytes; run again to resume`, undefined, true);
        }
        await rm(partial, { force: true });
        throw new DownloadError(`download from ${start.host}: got ${written} bytes, expected ${want}`);
      }
      await publish(partial, dest);
      return { bytes: written, sha256: hash.digest('hex'), resumed: offset > 0 };
    }
  } finally {
    if (!shared) await dispatcher.close().catch(() => {});
  }
}

/** Zoom's API origin, or an https host that is zoom.us or a subdomain of it. */
export function isZoomOrigin(u: URL, apiOrigin: string): boolean {
  if (u.origin === apiOrigin) return true;
  if (u.protocol !== 'https:' || (u.port !== '' && u.port !== '443')) return false;
  const host = u.hostname.toLowerCase().replace(/\.$/, '');
  return host === 'zoom.us' || host.endsWith('.zoom.us');
}

function checkScheme(u: URL): void {
  if (isAllowedScheme(u)) return;
  throw new DownloadError(`refusing a ${u.protocol.replace(':', '')} download URL (https only, plain http only for loopback)`);
}

/**
 * GET with manual redirects. The token is sent on a hop only when that hop's origin is the
 * origin it was issued for (the first, Zoom-trusted URL); a redirect elsewhere drops it.
 */
async function fetchFollowing(
  client: ZoomClient,
  start: URL,
  apiOrigin: string,
  have: number,
  o: { dispatcher: Dispatcher; signal?: AbortSignal; category: RateCategory; gate: CategoryGate },
): Promise<{ res: Dispatcher.ResponseData; token: string; redirected: boolean }> {
  let current = start;
  const tokenOrigin = start.origin;
  const token = await client.auth.token();
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const withToken = current.origin === tokenOrigin && isZoomOrigin(current, apiOrigin);
    let release: Release | undefined;
    if (withToken) {
      release = await o.gate.acquire(o.signal);
      client.stats.requests[o.category]++;
    }
    const headers: Record<string, string> = { accept: '*/*', 'accept-encoding': 'identity' };
    if (withToken) headers.authorization = `Bearer ${token}`;
    if (have > 0) headers.range = `bytes=${have}-`;
    let res: Dispatcher.ResponseData;
    try {
      res = await request(current, { method: 'GET', headers, dispatcher: o.dispatcher, signal: o.signal, headersTimeout: 60_000, bodyTimeout: 60_000 });
    } catch (e) {
      release?.();
      const code = netCode(e);
      throw new DownloadError(`download from ${current.host} failed: ${code ?? 'network error'}`, undefined, code === undefined || RETRYABLE_NET.has(code), code);
    }
    release?.();
    if (res.statusCode >= 300 && res.statusCode < 400 && res.statusCode !== 304) {
      const location = header(res.headers, 'location');
      await res.body.dump().catch(() => {});
      if (!location) throw new DownloadError(`download from ${current.host}: redirect without a location`);
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        throw new DownloadError(`download from ${current.host}: redirect to something that is not a URL`);
      }
      if (current.protocol === 'https:' && next.protocol !== 'https:') throw new DownloadError(`download from ${current.host}: refusing a redirect from https to ${next.protocol}`);
      checkScheme(next);
      current = next;
      continue;
    }
    return { res, token, redirected: current !== start };
  }
  throw new DownloadError(`download from ${start.host}: more than ${MAX_REDIRECTS} redirects`);
}

function header(h: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `bytes START-END/TOTAL` (TOTAL may be *). */
function parseContentRange(v: string | undefined): { start: number; end: number; total?: number } | undefined {
  const m = v ? /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(v) : null;
  if (!m) return undefined;
  return { start: Number(m[1]), end: Number(m[2]), ...(m[3] !== '*' ? { total: Number(m[3]) } : {}) };
}

/** The total of a 416's `bytes *\/TOTAL`. */
function totalFromContentRange(v: string | undefined): number | undefined {
  const m = v ? /\/(\d+)\s*$/.exec(v) : null;
  return m ? Number(m[1]) : undefined;
}

/** Zoom's error body ({code, message}), when the answer has one. */
async function zoomBody(res: Dispatcher.ResponseData): Promise<{ code?: number; message?: string }> {
  try {
    const body = (await res.body.json()) as { code?: unknown; message?: unknown };
    return { ...(typeof body.code === 'number' ? { code: body.code } : {}), ...(typeof body.message === 'string' ? { message: body.message } : {}) };
  } catch {
    return {};
  }
}

async function zoomCode(res: Dispatcher.ResponseData): Promise<number | undefined> {
  try {
    const body = (await res.body.json()) as { code?: unknown };
    return typeof body.code === 'number' ? body.code : undefined;
  } catch {
    return undefined;
  }
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function hashInto(hash: Hash, path: string, bytes: number): Promise<void> {
  if (bytes <= 0) return;
  for await (const chunk of createReadStream(path, { start: 0, end: bytes - 1 })) hash.update(chunk as Buffer);
}

async function publish(partial: string, dest: string): Promise<void> {
  await rename(partial, dest);
  await fsyncDir(dirname(dest));
}
