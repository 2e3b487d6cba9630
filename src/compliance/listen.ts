import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError, visible } from '../errors.js';
import { redact, type Secret } from '../secrets.js';
import type { IO } from '../run-context.js';
import { DEAUTHORIZED, URL_VALIDATION, UrlValidationSchema, describeIssues, retentionOf, retentionRaw } from './event.js';
import { DELETE_ACTION, notifyForEvent, recordDeauthorization, type ComplianceDeps, type VerifiedDeauthorization } from './notify.js';
import { urlValidationAnswer, verifyZoomEvent } from './verify.js';

/**
 * `zdsar compliance listen`: a small receiver for Zoom's deauthorization webhooks, for
 * developers (like `stripe listen`). Binds 127.0.0.1 only; put a tunnel in front of it.
 *
 * Every request is verified (signature and freshness) before anything else, the URL
 * validation challenge included: answering an unsigned challenge would hand anyone an HMAC
 * of their choosing. Rejected deliveries are never processed.
 */

export const MAX_BODY_BYTES = 1024 * 1024;

/** Variables never passed to the --on-deauthorize command. */
export const SECRET_ENV = ['ZOOM_CLIENT_SECRET', 'ZOOM_CLIENT_SECRET_FILE', 'ZOOM_WEBHOOK_SECRET_TOKEN', 'ZOOM_WEBHOOK_SECRET_TOKEN_FILE'];

export interface ListenOptions {
  port: number;
  toleranceSeconds: number;
  /** A shell command that deletes the user's data; run with the event's fields in its environment. */
  onDeauthorize?: string;
  /** Send the Data Compliance notice automatically (after the command exits 0, when there is one). */
  notify: boolean;
  /** Connections held at once; more are refused (default 32). */
  maxConnections?: number;
  /** The longest a request may take to arrive, headers and body (default 10 s; Zoom sends in milliseconds). */
  bodyTimeoutMs?: number;
}

export const DEFAULT_MAX_CONNECTIONS = 32;
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;
/** A connection that has not sent its request's headers by then is closed (it holds no place under the cap). */
export const DEFAULT_HEADER_TIMEOUT_MS = 2_000;

export interface ListenDeps extends ComplianceDeps {
  secret: Secret;
  io: IO;
  /** Called once the server is bound (tests). */
  onListening?: (url: string) => void;
}

interface Job {
  done: Promise<void>;
}

export async function listen(deps: ListenDeps, options: ListenOptions): Promise<number> {
  const { io } = deps;
  const out = (obj: Record<string, unknown>) => io.stdout.write(JSON.stringify({ ...obj, at: deps.now().toISOString() }) + '\n');
  const say = (line: string) => io.stderr.write(visible(redact(line)) + '\n');
  // Only events for this app: another app's (signed with the same secret token) never runs --on-deauthorize.
  const ourClientId = clientIdOf(deps);
  if (options.onDeauthorize && !ourClientId) {
    throw new UsageError('--on-deauthorize needs ZOOM_CLIENT_ID: only events for this app may run the command');
  }
  const bodyMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  const jobs = new Set<Job>();
  /** One chain per event key, so Zoom's retries of an event are handled one after another. */
  const chains = new Map<string, Promise<void>>();
  let interrupted = false;

  // Connections that send count against the cap; a connection that sends nothing is closed after a
  // short header timeout and never holds a place. Slow senders are cut off after bodyMs (checked often).
  const maxActive = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const headerMs = Math.min(bodyMs, DEFAULT_HEADER_TIMEOUT_MS);
  let active = 0;
  const server = createServer({ requestTimeout: bodyMs, headersTimeout: headerMs, connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headerMs / 4))) }, (req, res) => {
    req.socket.setTimeout(0);
    if (active >= maxActive) {
      res.writeHead(503, { 'retry-after': '1', connection: 'close' });
      res.end();
      return;
    }
    active++;
    res.once('close', () => active--);
    handle(req, res).catch((err: unknown) => {
      say(`zdsar: error while handling a delivery: ${(err as Error)?.message ?? String(err)}`);
      if (!res.headersSent) reply(res, 500, { error: 'internal error; the delivery was not recorded' });
    });
  });
  server.on('connection', (socket) => socket.setTimeout(headerMs, () => socket.destroy()));
  // A hard bound on open sockets only; idle ones are gone after headerMs.
  server.maxConnections = Math.max(512, maxActive * 16);
  server.keepAliveTimeout = 1_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET' || req.method === 'HEAD') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('zdsar compliance listener: POST Zoom webhook events here.\n');
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'GET, POST');
      reply(res, 405, { error: 'method not allowed' });
      return;
    }
    const body = await readBody(req);
    if (body === null) {
      reply(res, 413, { error: `body larger than ${MAX_BODY_BYTES} bytes` });
      return;
    }
    const verified = verifyZoomEvent({
      body,
      signature: header(req, 'x-zm-signature'),
      timestamp: header(req, 'x-zm-request-timestamp'),
      secret: deps.secret,
      now: deps.now(),
      toleranceSeconds: options.toleranceSeconds,
    });
    if (verified.verdict !== 'ok') {
      const status = verified.authentic && verified.fresh ? 400 : 401;
      say(`rejected a delivery (${status} ${verified.verdict}): ${verified.reason}`);
      out({ kind: 'rejected', status, verdict: verified.verdict, reason: verified.reason });
      reply(res, status, { error: verified.reason });
      return;
    }
    const event = verified.event!;
    if (event.event === URL_VALIDATION) {
      const v = UrlValidationSchema.safeParse(event);
      if (!v.success) {
        const reason = `invalid endpoint.url_validation: ${describeIssues(v.error)}`;
        say(`rejected a delivery (400): ${reason}`);
        out({ kind: 'rejected', status: 400, verdict: 'malformed', reason });
        reply(res, 400, { error: reason });
        return;
      }
      reply(res, 200, urlValidationAnswer(deps.secret, v.data.payload.plainToken));
      say('answered Zoom\'s endpoint URL validation challenge');
      out({ kind: 'url_validation' });
      return;
    }
    if (event.event !== DEAUTHORIZED || !verified.deauth) {
      say(`ignored a verified ${event.event} event (only app_deauthorized is handled)`);
      out({ kind: 'ignored', event: event.event });
      reply(res, 200, { status: 'ignored' });
      return;
    }

    if (ourClientId && verified.deauth.payload.client_id !== ourClientId) {
      const reason = `the event is for the app with client id ${verified.deauth.payload.client_id}, not this one (ZOOM_CLIENT_ID): not recorded, nothing run`;
      say(`ignored a verified app_deauthorized event: ${reason}`);
      out({ kind: 'ignored', event: event.event, reason });
      reply(res, 200, { status: 'ignored' });
      return;
    }

    const deauth: VerifiedDeauthorization = {
      payload: verified.deauth.payload,
      received: verified.deauth.received,
      body: verified.body,
      signature: header(req, 'x-zm-signature')!.trim(),
      timestamp: header(req, 'x-zm-request-timestamp')!.trim(),
      timestampSeconds: verified.timestampSeconds!,
    };
    // Record before answering: a 2xx tells Zoom it need not deliver again.
    const { request, created } = await recordDeauthorization(deps, deauth);
    const p = deauth.payload;
    const retention = retentionOf(p.user_data_retention);
    reply(res, 200, { status: 'received', request_id: request.request_id });
    say(
      `${created ? 'recorded' : 'already recorded'} app_deauthorized: user ${p.user_id} of account ${p.account_id}, ` +
        `user_data_retention ${retentionRaw(deauth.received)} (${retention}), request ${request.request_id}`,
    );
    out({
      kind: 'app_deauthorized',
      request_id: request.request_id,
      duplicate: !created,
      account_id: p.account_id,
      user_id: p.user_id,
      client_id: p.client_id,
      deauthorization_time: p.deauthorization_time,
      retention,
    });

    // The work after the answer: Zoom wants a reply within three seconds.
    const key = request.key ?? request.request_id;
    const previous = chains.get(key) ?? Promise.resolve();
    const next = previous.then(() => work(request.request_id, deauth)).catch((err: unknown) => {
      if ((err as Error)?.name === 'InterruptedError' || deps.signal.aborted) interrupted = true;
      say(`zdsar: ${request.request_id}: ${(err as Error)?.message ?? String(err)}`);
      out({ kind: 'error', request_id: request.request_id, message: redact((err as Error)?.message ?? String(err)) });
    });
    chains.set(key, next);
    const job: Job = { done: next };
    jobs.add(job);
    void next.finally(() => {
      jobs.delete(job);
      if (chains.get(key) === next) chains.delete(key);
    });
  }

  async function work(requestId: string, deauth: VerifiedDeauthorization): Promise<void> {
    if (deps.signal.aborted) return;
    const request = await deps.ledger.get(requestId);
    if (!request) throw new Error('the ledger lost the request');
    const retention = retentionOf(deauth.payload.user_data_retention);

    if (retention === 'retain') {
      const outcome = await notifyForEvent(deps, request, deauth);
      say(`${requestId}: ${outcome.message}`);
      out({ kind: 'notify', request_id: requestId, action: outcome.action });
      return;
    }

    if (options.onDeauthorize) {
      const done = request.evidence?.some((e) => e.action === DELETE_ACTION && e.outcome === 'succeeded');
      if (!done) {
        say(`${requestId}: running --on-deauthorize for user ${deauth.payload.user_id}`);
        const code = await runDeleteCommand(deps, options.onDeauthorize, requestId, deauth, commandOutput((s) => io.stderr.write(s)));
        const ok = code === 0;
        await deps.ledger.recordEvidence(requestId, {
          action: DELETE_ACTION,
          target: `user ${deauth.payload.user_id} of account ${deauth.payload.account_id}`,
          request: { command: options.onDeauthorize },
          response: { exit_code: code },
          outcome: ok ? 'succeeded' : code === null ? 'interrupted' : 'failed',
        });
        out({ kind: 'deletion', request_id: requestId, outcome: ok ? 'succeeded' : 'failed', exit_code: code });
        if (!ok) {
          const message =
            code === null
              ? 'the --on-deauthorize command was interrupted; the data may not be deleted; no notice sent'
              : `the --on-deauthorize command exited ${code}: the data may not be deleted; no notice sent`;
          await deps.ledger.recordError(requestId, { message });
          await deps.ledger.setStatus(requestId, 'failed', message);
          say(`${requestId}: ${message}`);
          if (code === null) interrupted = true;
          return;
        }
        say(`${requestId}: the --on-deauthorize command exited 0`);
      }
    }

    if (!options.notify) {
      say(
        `${requestId}: recorded; to notify Zoom once the data is deleted: zdsar compliance notify --event ${String(request.options?.event_file ?? '')} ` +
          `--signature ${deauth.signature} --timestamp ${deauth.timestamp}`,
      );
      return;
    }
    const fresh = (await deps.ledger.get(requestId)) ?? request;
    const outcome = await notifyForEvent(deps, fresh, deauth);
    for (const w of outcome.warnings) say(`${requestId}: warning: ${w}`);
    say(`${requestId}: ${outcome.message}`);
    out({
      kind: 'notify',
      request_id: requestId,
      action: outcome.action,
      ...(outcome.status !== undefined ? { status: outcome.status } : {}),
    });
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new UsageError(`--port ${options.port}: the port is in use`, 'Pick another port, or --port 0 for a free one.')
          : err,
      );
    };
    server.once('error', onError);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/`;
  say(`zdsar compliance listen: receiving Zoom events on ${url} (Ctrl-C to stop)`);
  if (options.notify && !options.onDeauthorize) {
    say('warning: --notify without --on-deauthorize tells Zoom the data was deleted without running anything to delete it');
  }
  out({ kind: 'listening', url, port });
  deps.onListening?.(url);

  await waitForAbort(deps.signal);
  await close(server);
  await Promise.allSettled([...jobs].map((j) => j.done));
  say('zdsar compliance listen: stopped');
  return interrupted ? 130 : 0;
}

/** This app's client id (ZOOM_CLIENT_ID), if configured. */
function clientIdOf(deps: ListenDeps): string | undefined {
  try {
    return deps.credentials().clientId;
  } catch {
    return deps.io.env.ZOOM_CLIENT_ID?.trim() || undefined;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      req.resume();
      return null;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2_000).unref();
  });
}

/** The environment of the --on-deauthorize command: the event's fields, never the secrets. */
export function commandEnv(
  base: NodeJS.ProcessEnv,
  requestId: string,
  deauth: Pick<VerifiedDeauthorization, 'payload' | 'received'>,
  eventFile: string,
  dueAtIso: string,
  secrets: string[],
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    if (v === undefined || SECRET_ENV.includes(k)) continue;
    if (secrets.some((s) => s.length > 0 && v.includes(s))) continue;
    env[k] = v;
  }
  const p = deauth.payload;
  const raw = deauth.received.user_data_retention;
  Object.assign(env, {
    ZOOM_EVENT: DEAUTHORIZED,
    ZOOM_ACCOUNT_ID: p.account_id,
    ZOOM_USER_ID: p.user_id,
    ZOOM_CLIENT_ID: p.client_id,
    ZOOM_DEAUTHORIZATION_TIME: p.deauthorization_time,
    ZOOM_USER_DATA_RETENTION: raw === undefined || raw === null ? '' : String(raw),
    ZOOM_DATA_RETENTION: retentionOf(p.user_data_retention),
    ZOOM_EVENT_FILE: eventFile,
    ZDSAR_REQUEST_ID: requestId,
    ZDSAR_COMPLIANCE_DUE_AT: dueAtIso,
  });
  return env;
}

/** Run the user's command through the shell; its output goes to stderr. Resolves to its exit code (null if killed). */
async function runDeleteCommand(
  deps: ListenDeps,
  command: string,
  requestId: string,
  deauth: VerifiedDeauthorization,
  write: (s: string) => void,
): Promise<number | null> {
  const request = await deps.ledger.get(requestId);
  const eventFile = String(request?.options?.event_file ?? '');
  const dueAtIso = String(request?.options?.compliance_due_at ?? '');
  let secrets: string[] = [deps.secret.reveal()];
  try {
    secrets = [...secrets, deps.credentials().clientSecret.reveal()];
  } catch {
    // no API credentials configured: nothing more to withhold
  }
  const env = commandEnv(deps.io.env, requestId, deauth, eventFile, dueAtIso, secrets);
  return await new Promise<number | null>((resolve) => {
    const child = spawn(command, { shell: true, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => write(d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => write(d.toString('utf8')));
    const onAbort = () => child.kill('SIGTERM');
    deps.signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err) => {
      write(`zdsar: could not run --on-deauthorize: ${err.message}\n`);
    });
    child.on('close', (code) => {
      deps.signal.removeEventListener('abort', onAbort);
      resolve(code);
    });
  });
}

/**
 * The --on-deauthorize command's output, as it arrives: secrets redacted, control characters made
 * visible, and every line marked as the command's ("  | "), so an event field it prints cannot pass
 * for a line of zdsar's.
 */
function commandOutput(write: (s: string) => void): (chunk: string) => void {
  let fresh = true;
  return (chunk) => {
    let out = '';
    for (const part of redact(chunk).split(/(\n)/)) {
      if (part === '\n') {
        out += '\n';
        fresh = true;
      } else if (part) {
        out += (fresh ? '  | ' : '') + visible(part);
        fresh = false;
      }
    }
    write(out);
  };
}
