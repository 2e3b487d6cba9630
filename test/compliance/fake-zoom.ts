import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCall {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A stand-in for Zoom's POST /oauth/data/compliance on 127.0.0.1 (port 0). Any other route
 * answers 404 and is recorded too, so an unexpected call fails the test loudly.
 */
export async function startFakeZoom() {
  const calls: ReceivedCall[] = [];
  const unexpected: ReceivedCall[] = [];
  let reply: { status: number; body: unknown } = { status: 200, body: null };
  let held: { arrived: () => void; waitFor: Promise<void> } | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const call = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      if (req.method === 'POST' && req.url === '/oauth/data/compliance') {
        calls.push(call);
        const { status, body } = reply;
        const answer = () => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(body === null ? '' : JSON.stringify(body));
        };
        if (held) {
          // Held: the answer waits until the test releases it.
          held.arrived();
          void held.waitFor.then(answer);
          return;
        }
        answer();
        return;
      }
      unexpected.push(call);
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 404, message: `fake Zoom: ${req.method} ${req.url} not handled` }));
    });
  });
  server.keepAliveTimeout = 10;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    apiUrl: `http://127.0.0.1:${port}/v2`,
    calls,
    unexpected,
    answer(status: number, body: unknown = null) {
      reply = { status, body };
    },
    /** Hold every notice's answer until release(): `arrived` settles when the first one is in. */
    hold() {
      let arrived!: () => void;
      let release!: () => void;
      const arrivedP = new Promise<void>((r) => (arrived = r));
      const waitFor = new Promise<void>((r) => (release = r));
      held = { arrived, waitFor };
      return { arrived: arrivedP, release };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
