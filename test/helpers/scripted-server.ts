import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization?: string;
  body: string;
}

/** A node:http server on 127.0.0.1:0 with a handler per test; records what it received. */
export async function scriptedServer(handler: (req: Received, res: ServerResponse, raw: IncomingMessage) => void | Promise<void>) {
  const received: Received[] = [];
  const server = createServer(async (raw, res) => {
    const chunks: Buffer[] = [];
    for await (const c of raw) chunks.push(c as Buffer);
    const url = new URL(raw.url!, 'http://127.0.0.1');
    const r: Received = { method: raw.method!, path: url.pathname, query: url.searchParams, authorization: raw.headers.authorization, body: Buffer.concat(chunks).toString() };
    received.push(r);
    try {
      await handler(r, res, raw);
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
  server.keepAliveTimeout = 10;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}
