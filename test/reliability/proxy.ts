import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
}

export interface RecordingProxy {
  /** http://127.0.0.1:PORT: use as ZOOM_OAUTH_URL, and `${url}/v2` as ZOOM_API_URL. */
  url: string;
  /** Every access token the OAuth server handed out through this proxy. */
  tokens: string[];
  /** Every request forwarded, with its headers (Authorization included). */
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

/**
 * A transparent HTTP proxy in front of the sandbox. It lets a test see what the sandbox never
 * shows (the access tokens it issued, the exact Authorization headers) and run a check at the
 * moment a request reaches "Zoom", before the sandbox acts on it (`beforeForward`).
 */
export async function startRecordingProxy(target: string, beforeForward?: (r: ProxiedRequest) => void): Promise<RecordingProxy> {
  const to = new URL(target);
  const tokens: string[] = [];
  const requests: ProxiedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const entry: ProxiedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers };
    requests.push(entry);
    beforeForward?.(entry);
    const up = httpRequest(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } },
      (upRes) => {
        const isToken = (req.url ?? '').startsWith('/oauth/token');
        if (!isToken) {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
          upRes.on('error', () => res.destroy());
          return;
        }
        const chunks: Buffer[] = [];
        upRes.on('data', (c: Buffer) => chunks.push(c));
        upRes.on('end', () => {
          const body = Buffer.concat(chunks);
          try {
            const t = (JSON.parse(body.toString('utf8')) as { access_token?: unknown }).access_token;
            if (typeof t === 'string') tokens.push(t);
          } catch {
            /* not JSON: nothing to remember */
          }
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          res.end(body);
        });
        upRes.on('error', () => res.destroy());
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    tokens,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
