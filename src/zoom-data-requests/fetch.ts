/**
 * Downloading a data request file from the link `GET /data_requests/files/{fileId}/url` gives:
 * "directly download file from Zoom's fileserver. It has a 5-minute expiration time, and can only be
 * consumed once."
 *
 * Not src/zoom/download.ts, on purpose: that one sends the access token (to Zoom hosts only) and
 * resumes an interrupted body with Range on the same URL. This link is pre-signed and single use, so
 * - no access token is ever sent with it (the link is the credential; the file server's host is not
 *   documented, so it need not be a Zoom API host);
 * - a failed or cut-off download is never retried on the same link: the caller asks Zoom for a fresh
 *   link (LinkError.refresh).
 * The body goes to `dest.partial` (0600) while hashing, is size-checked against Content-Length, then
 * fsync'd and renamed to `dest`. The URL is never logged or put in an error (errors name the host).
 */
import { createHash } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { request, type Dispatcher } from 'undici';
import { fsyncDir, writeAll } from '../fs/atomic.js';
import { openNoFollow } from '../fs/safe.js';
import { DEFAULT_MAX_UNSIZED_BYTES } from '../zoom/download.js';
import { isAllowedScheme } from '../config.js';

export class LinkError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    /** Worth asking Zoom for a fresh link and trying again. */
    readonly refresh = true,
  ) {
    super(message);
    this.name = 'LinkError';
  }
}

const MAX_REDIRECTS = 5;

function checkUrl(u: URL): void {
  if (isAllowedScheme(u)) return;
  throw new LinkError(`refusing a ${u.protocol.replace(':', '')} download link (https only; plain http only for loopback)`, undefined, false);
}

export async function fetchSignedLink(url: string, dest: string, opts: { signal?: AbortSignal; dispatcher?: Dispatcher; timeoutMs?: number; maxBytes?: number } = {}): Promise<{ bytes: number; sha256: string }> {
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    throw new LinkError('the download link Zoom gave is not a URL', undefined, true);
  }
  checkUrl(current);
  const timeout = opts.timeoutMs ?? 120_000;
  let res: Dispatcher.ResponseData | undefined;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    try {
      res = await request(current, {
        method: 'GET',
        headers: { accept: '*/*', 'accept-encoding': 'identity' },
        signal: opts.signal,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
      });
    } catch (e) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? e;
      throw new LinkError(`download from ${current.host} failed: ${netCode(e) ?? 'network error'}`);
    }
    if (res.statusCode >= 300 && res.statusCode < 400 && res.statusCode !== 304) {
      const loc = res.headers.location;
      await res.body.dump().catch(() => {});
      if (typeof loc !== 'string' || !loc) throw new LinkError(`download from ${current.host}: redirect without a location`);
      let next: URL;
      try {
        next = new URL(loc, current);
      } catch {
        throw new LinkError(`download from ${current.host}: redirect to something that is not a URL`);
      }
      if (current.protocol === 'https:' && next.protocol !== 'https:') throw new LinkError(`download from ${current.host}: refusing a redirect from https to ${next.protocol}`, undefined, false);
      checkUrl(next);
      current = next;
      res = undefined;
      continue;
    }
    break;
  }
  if (!res) throw new LinkError(`download: more than ${MAX_REDIRECTS} redirects`);
  if (res.statusCode !== 200) {
    await res.body.dump().catch(() => {});
    const why = res.statusCode === 403 || res.statusCode === 410 ? ' (the link expired or was already used)' : '';
    throw new LinkError(`download from ${current.host} failed: HTTP ${res.statusCode}${why}`, res.statusCode);
  }
  const lenHeader = res.headers['content-length'];
  const expected = typeof lenHeader === 'string' && /^\d+$/.test(lenHeader) ? Number(lenHeader) : undefined;
  const partial = `${dest}.partial`;
  const hash = createHash('sha256');
  let written = 0;
  const fh = await openNoFollow(partial, 'truncate');
  let cut: unknown;
  try {
    // Stop at the declared size; cap an undeclared one (src/zoom/download.ts has the same rule).
    const limit = expected ?? opts.maxBytes ?? DEFAULT_MAX_UNSIZED_BYTES;
    for await (const chunk of res.body) {
      const b = chunk as Buffer;
      if (written + b.length > limit) throw new LinkError(`download from ${current.host}: more than the ${limit} bytes ${expected !== undefined ? 'declared' : 'allowed for a file of undeclared size'}; stopped there`);
      hash.update(b);
      await writeAll(fh, b, written);
      written += b.length;
    }
    await fh.sync();
  } catch (e) {
    cut = e;
  } finally {
    await fh.close();
  }
  if (cut !== undefined || (expected !== undefined && written !== expected)) {
    await rm(partial, { force: true });
    if (opts.signal?.aborted) throw opts.signal.reason ?? cut;
    if (cut instanceof LinkError) throw cut;
    throw new LinkError(`download from ${current.host} was cut off after ${written} bytes${expected !== undefined ? ` of ${expected}` : ''}`);
  }
  await rename(partial, dest);
  await fsyncDir(dirname(dest));
  return { bytes: written, sha256: hash.digest('hex') };
}

function netCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code ?? (e as { cause?: NodeJS.ErrnoException })?.cause?.code;
}
