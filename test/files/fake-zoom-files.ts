/**
 * A tiny stand-in for Zoom's download path, for tests and the bench: an API/OAuth origin
 * that answers /oauth/token, redirects recording downloads (302, as Zoom does) to a second
 * "storage" origin with a signed URL, and serves Phone downloads directly; the storage
 * origin supports Range. Faults: cut the connection halfway, ignore Range, stall, 429.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Secret } from '../../src/secrets.js';
import type { ZoomCredentials } from '../../src/config.js';

export const TOKEN = 'tok_' + 'A1b2C3d4E5f6G7h8';

export interface Blob {
  data: Buffer;
  sha256: string;
}

export interface SeenRequest {
  origin: 'api' | 'storage';
  path: string;
  authorization?: string;
  range?: string;
}

export interface FakeZoomFiles {
  apiUrl: string;
  oauthUrl: string;
  apiOrigin: string;
  storageOrigin: string;
  credentials: ZoomCredentials;
  blobs: Map<string, Blob>;
  seen: SeenRequest[];
  faults: {
    /** Names whose next full/partial GET is cut after this fraction of the body (once per entry). */
    cutOnce: Map<string, number>;
    /** Names whose GETs send half the body and then stall until the client gives up. */
    stallOnce: Set<string>;
    ignoreRange: boolean;
    /** Answer the next N API-origin downloads with 429 Retry-After: 0. */
    throttle: number;
    /** Names served as a body of undeclared length (chunked) that runs on (up to 64 MiB): counts the bytes sent. */
    runaway: Map<string, { sent: number; closed: boolean }>;
  };
  addBlob(name: string, size: number): Blob;
  /** A Zoom-style download URL for a blob (the recording path: redirects to storage). */
  recordingUrl(name: string): string;
  /** A Zoom Phone download URL (served on the API origin without a redirect). */
  phoneUrl(name: string): string;
  close(): Promise<void>;
}

function blob(size: number): Blob {
  const data = randomBytes(size);
  return { data, sha256: createHash('sha256').update(data).digest('hex') };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

export async function startFakeZoomFiles(): Promise<FakeZoomFiles> {
  const blobs = new Map<string, Blob>();
  const seen: SeenRequest[] = [];
  const faults: FakeZoomFiles['faults'] = { cutOnce: new Map(), stallOnce: new Set(), ignoreRange: false, throttle: 0, runaway: new Map() };
  const sockets = new Set<import('node:net').Socket>();

  const serveBlob = (req: IncomingMessage, res: ServerResponse, name: string) => {
    const run = faults.runaway.get(name);
    if (run) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }); // no Content-Length
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      res.on('close', () => (run.closed = true));
      const pump = () => {
        while (!run.closed && run.sent < 64 * 1024 * 1024) {
          run.sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!run.closed) res.end();
      };
      pump();
      return;
    }
    const b = blobs.get(name);
    if (!b) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 404, message: 'File does not exist.' }));
      return;
    }
    const total = b.data.length;
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''));
    if (m && !faults.ignoreRange) {
      start = Number(m[1]);
      if (start >= total) {
        res.writeHead(416, { 'content-range': `bytes */${total}` }).end();
        return;
      }
      res.writeHead(206, { 'content-type': 'application/octet-stream', 'content-length': String(total - start), 'content-range': `bytes ${start}-${total - 1}/${total}`, 'accept-ranges': 'bytes' });
    } else {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(total), 'accept-ranges': 'bytes' });
    }
    const body = b.data.subarray(start);
    const cut = faults.cutOnce.get(name);
    if (cut !== undefined) {
      faults.cutOnce.delete(name);
      const n = Math.floor(body.length * cut);
      res.write(body.subarray(0, n), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    if (faults.stallOnce.has(name)) {
      faults.stallOnce.delete(name);
      res.write(body.subarray(0, Math.floor(body.length / 2)));
      return; // never ends; the client aborts
    }
    res.end(body);
  };

  const storage = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push({ origin: 'storage', path: url.pathname, authorization: req.headers.authorization, range: req.headers.range });
    const m = /^\/blob\/([\w.-]+)$/.exec(url.pathname);
    if (!m || url.searchParams.get('sig') !== 'signed') {
      res.writeHead(403).end('bad signature');
      return;
    }
    serveBlob(req, res, m[1]!);
  });
  const storagePort = await listen(storage);

  const api = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST' && url.pathname === '/oauth/token') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: TOKEN, token_type: 'bearer', expires_in: 3600, scope: 'x' }));
      return;
    }
    seen.push({ origin: 'api', path: url.pathname, authorization: req.headers.authorization, range: req.headers.range });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 124, message: 'Invalid access token.' }));
      return;
    }
    if (faults.throttle > 0) {
      faults.throttle--;
      res.writeHead(429, { 'retry-after': '0', 'content-type': 'application/json' }).end(JSON.stringify({ code: 429, message: 'Too many requests' }));
      return;
    }
    let m = /^\/rec\/download\/([\w.-]+)$/.exec(url.pathname);
    if (m) {
      res.writeHead(302, { location: `http://127.0.0.1:${storagePort}/blob/${m[1]}?sig=signed` }).end();
      return;
    }
    m = /^\/v2\/phone\/(?:recording|voice_mails)\/download\/([\w.-]+)$/.exec(url.pathname);
    if (m) {
      serveBlob(req, res, m[1]!);
      return;
    }
    res.writeHead(404).end();
  });
  const apiPort = await listen(api);
  for (const s of [api, storage]) s.on('connection', (sock) => (sockets.add(sock), sock.on('close', () => sockets.delete(sock))));

  const apiOrigin = `http://127.0.0.1:${apiPort}`;
  return {
    apiUrl: `${apiOrigin}/v2`,
    oauthUrl: apiOrigin,
    apiOrigin,
    storageOrigin: `http://127.0.0.1:${storagePort}`,
    credentials: { accountId: 'acc', clientId: 'cid', clientSecret: new Secret('client-secret-xyz'), apiUrl: `${apiOrigin}/v2`, oauthUrl: apiOrigin },
    blobs,
    seen,
    faults,
    addBlob(name, size) {
      const b = blob(size);
      blobs.set(name, b);
      return b;
    },
    recordingUrl: (name) => `${apiOrigin}/rec/download/${name}`,
    phoneUrl: (name) => `${apiOrigin}/v2/phone/recording/download/${name}`,
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all([new Promise((r) => api.close(r)), new Promise((r) => storage.close(r))]);
    },
  };
}
