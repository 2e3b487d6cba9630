/**
 * The sandbox: a local Zoom-compatible HTTP server on 127.0.0.1 (docs/sandbox.md).
 * It shares no code with the client in src/zoom/: it answers from Zoom's published specs.
 */
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { rebuildIndex, type ComplianceCall, type RequestLogEntry, type RouteDef, type SandboxState } from './core.js';
import { demoAccount } from './demo.js';
import { FaultEngine, normalizeFaults, type FaultSpec } from './faults.js';
import type { SandboxAccount, SandboxDataRequest, SandboxDataRequests } from './model.js';
import { RateLimiter, type Plan } from './ratelimit.js';
import { breadthRoutes } from './routes/breadth.js';
import { workplaceRoutes } from './routes/workplace.js';
import { whiteboardExportRoutes } from './routes/whiteboard-export.js';
import { chatRoutes } from './routes/chat.js';
import { legalHoldRoutes } from './routes/legal-hold.js';
import { meetingRoutes } from './routes/meetings.js';
import { oauthRoutes } from './routes/oauth.js';
import { phoneRoutes } from './routes/phone.js';
import { recordingRoutes } from './routes/recordings.js';
import { registrantRoutes } from './routes/registrants.js';
import { reportRoutes } from './routes/reports.js';
import { meetingAnswerRoutes } from './meeting-answers.js';
import { userRoutes } from './routes/users.js';
import { dataRequestRoutes, newDataRequests, occupy, stateOf, type DataRequestState } from './routes/data-requests.js';
import { compileRoutes, createHandler } from './server.js';
import { deauthorizationEvent, emitSigned, type DeauthorizationPayload, type EmitOptions, type RetentionOption } from './webhook.js';

export type { SandboxDataRequest, SandboxDataRequestFile } from './model.js';
export { LEGAL_HOLD_SCOPES } from './routes/legal-hold.js';
export { DEMO_HELD_EMAIL } from './demo.js';
export type { SandboxLegalHold } from './model.js';
export { DATA_REQUEST_SCOPES, CANCEL_WINDOW_MS, LINK_TTL_MS, type DataRequestState } from './routes/data-requests.js';
export type { SandboxAccount, SandboxUser, SandboxMeeting, SandboxWebinar, SandboxInstance, SandboxRegistrant, SandboxPanelist, SandboxRecording, SandboxRecordingFile, SandboxCall, SandboxPhoneRecording, SandboxVoicemail, SandboxSmsSession, SandboxQuirks, PersonRecords, Seq } from './model.js';
export { recordsFor, LazySeq, DEFAULT_QUIRKS } from './model.js';
export type { FaultSpec, FaultRule, FaultKind, FaultScope } from './faults.js';
export { parseFaults, formatFaults, FaultSyntaxError } from './faults.js';
export type { RequestLogEntry, ComplianceCall, RouteDef } from './core.js';
export type { Category, Plan } from './ratelimit.js';
export { RATE_LIMITS, DAILY_LIMITS } from './ratelimit.js';
export type { DeauthorizationPayload, RetentionOption } from './webhook.js';
export { signWebhook, deauthorizationEvent, emitSigned } from './webhook.js';
export { demoAccount } from './demo.js';
export { generateAccount, type GenerateOptions } from './generate.js';
export { addBreadth, breadthFor, BREADTH_SCOPES, type SandboxBreadth, type BreadthRecords } from './breadth.js';
export { addWorkplace, workplaceFor, WORKPLACE_SCOPES, WORKPLACE_PRODUCTS, type Mailbox, type SandboxWorkplace, type WorkplaceProduct, type WorkplaceRecords } from './workplace.js';
export { addEventsVisitors, eventsVisitorsFor, EVENTS_VISITORS_SCOPES, EV_PEOPLE } from './events-visitors.js';
export { meetingAnswersFor, answerKinds, MEETING_ANSWER_SCOPES } from './meeting-answers.js';
export { addContactCenter, contactCenterFor, CONTACT_CENTER_SCOPES, CC_CUSTOMERS, type SandboxContactCenter } from './contact-center.js';

export interface SandboxOptions {
  /** 0 = pick a free port (default 0). */
  port?: number;
  /** Rate limits per category (default 'business'). */
  plan?: Plan;
  /** Default true; false disables 429s from the rate limiter (faults still apply). */
  rateLimits?: boolean;
  /**
   * Default true: as strict as Zoom's specs (a page size over the maximum is refused, not clamped).
   * Per-account quirks (account.quirks) choose between behaviours where the spec is silent.
   */
  strict?: boolean;
  /** Send X-RateLimit-* and Retry-After headers (default false: Zoom documents none, and often sends none). */
  rateLimitHeaders?: boolean;
  /** Jittered latency per request, before the request is counted against the rate limits (the way to Zoom). */
  latencyMs?: { min: number; max: number };
  /** Jittered time after the request is counted, before the answer (Zoom's own work on it); none by default. */
  processingMs?: { min: number; max: number };
  /** Fault rules (see docs/sandbox.md): "429=0.05,500=0.02,reset=0.01,slow=0.01:3000,…". */
  faults?: string | FaultSpec;
  /** Access token lifetime (default 3599). */
  tokenTtlSeconds?: number;
  /** next_page_token lifetime (default 900). */
  pageTokenTtlSeconds?: number;
  /** The data (default: the demo account from fixtures/sandbox/, with dates relative to now). */
  account?: SandboxAccount;
  /** Seed for the demo data, latency jitter and fault draws (default 1). */
  seed?: number;
  /** The sandbox's clock (ms since epoch; default Date.now). Tests freeze it to make rate limits exact. */
  clock?: () => number;
  /** Where warnings go (unknown routes, internal errors); default: stderr. */
  onWarning?: (message: string) => void;
  /**
   * How a meeting or webinar UUID in a path is decoded (core.ts UuidDecoding): 'gateway' (default: any
   * %2F is a "/" before routing) or 'literal' (the docs' rule: only a UUID that begins with "/" or contains "//" is double-encoded).
   */
  uuidDecoding?: 'gateway' | 'literal';
  /** Data & Privacy requests: how long an export stays Pending/Processing before its zip is ready (default 3000 ms). */
  dataRequestDelayMs?: number;
  /** After a request shows Completed, its files still answer 404 code 14103 for this long (default 0). */
  dataRequestFilesLagMs?: number;
  /** 'per-request' (default): each request's zip holds its one person; 'per-batch': one zip per POST with a folder per person. */
  dataRequestZipLayout?: SandboxDataRequests['zipLayout'];
  /** Emails that are not users of the account: 'reject' (400 code 14111; default) or 'fail' (the request ends Failed). */
  dataRequestUnknownEmails?: SandboxDataRequests['unknownEmails'];
  /** The word Zoom accepts for a deletion (the spec says both "DELETE" and "DELETION"): default 'DELETE'. */
  dataRequestDeleteType?: SandboxDataRequests['deleteType'];
}

/** Test controls of the Data & Privacy requests (accounts.openapi.json /data_requests). */
export interface SandboxDataRequestControls {
  /** Every request, oldest first (live). */
  readonly requests: readonly SandboxDataRequest[];
  /** A request's state now, by the sandbox clock. */
  stateOf(requestId: string): DataRequestState | undefined;
  /** Another app's request holds the account's one slot for `ms` (POSTs answer 409 code 14114 meanwhile). Returns its id. */
  occupy(ms: number): string;
  /** The next `n` download links are issued already expired (default 1). */
  expireNextLinks(n?: number): void;
  /** Requests for this email end Failed with this reason. */
  failEmail(email: string, reason?: string): void;
  /** Change the processing delay for requests created from now on. */
  setDelay(ms: number): void;
  /** Change how long files lag behind a Completed state. */
  setFilesLag(ms: number): void;
}

export interface EmitDeauthorizationOptions extends Omit<EmitOptions, 'userDataRetention'> {
  userDataRetention?: RetentionOption;
}

export interface Sandbox {
  /** http://127.0.0.1:PORT */
  url: string;
  /** url + '/v2' */
  apiUrl: string;
  /** url (POST /oauth/token, POST /oauth/data/compliance) */
  oauthUrl: string;
  credentials: { accountId: string; clientId: string; clientSecret: string; webhookSecretToken: string };
  /** The live data model. */
  account: SandboxAccount;
  /** Every request received (never a secret or a token). */
  log: RequestLogEntry[];
  /** Every call to POST /oauth/data/compliance. */
  complianceCalls: ComplianceCall[];
  setFaults(f: string | FaultSpec | undefined): void;
  /** Invalidate every issued token now (the next call gets 401 code 124). */
  expireTokens(): void;
  /** Re-read the account after a test changed its users, meetings or webinars. */
  reindex(): void;
  /** Data & Privacy requests: state and test controls. */
  dataRequests: SandboxDataRequestControls;
  /** POST a signed app_deauthorized event to a URL, exactly as Zoom signs webhooks. */
  emitDeauthorization(targetUrl: string, payload?: Partial<DeauthorizationPayload>, opts?: EmitDeauthorizationOptions): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

/** Every route the sandbox serves, in matching order (test/sandbox/schema-validation.test.ts walks them all). */
export const SANDBOX_ROUTES: readonly RouteDef[] = [...chatRoutes, ...legalHoldRoutes, ...breadthRoutes, ...workplaceRoutes, ...whiteboardExportRoutes, ...oauthRoutes, ...userRoutes, ...meetingRoutes, ...registrantRoutes, ...recordingRoutes, ...phoneRoutes, ...reportRoutes, ...meetingAnswerRoutes, ...dataRequestRoutes];

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const seed = opts.seed ?? 1;
  const clock = opts.clock ?? Date.now;
  const account = opts.account ?? demoAccount({ seed, now: clock() });
  const faults = new FaultEngine(seed);
  faults.set(normalizeFaults(opts.faults));
  const warn = opts.onWarning ?? ((m: string) => void process.stderr.write(m + '\n'));
  const state: SandboxState = {
    account,
    opts: {
      plan: opts.plan ?? 'business',
      rateLimits: opts.rateLimits ?? true,
      strict: opts.strict ?? true,
      rateLimitHeaders: opts.rateLimitHeaders ?? false,
      latencyMs: opts.latencyMs,
      processingMs: opts.processingMs,
      tokenTtlSeconds: opts.tokenTtlSeconds ?? 3599,
      pageTokenTtlSeconds: opts.pageTokenTtlSeconds ?? 900,
      seed,
      uuidDecoding: opts.uuidDecoding ?? 'gateway',
    },
    clock,
    origin: '',
    tokens: new Map(),
    tokenCount: 0,
    pages: new Map(),
    limiter: (opts.rateLimits ?? true) ? new RateLimiter(opts.plan ?? 'business') : null,
    faults,
    log: [],
    complianceCalls: [],
    signingKey: randomBytes(32),
    warn,
    dataRequests: newDataRequests({ delayMs: opts.dataRequestDelayMs, filesLagMs: opts.dataRequestFilesLagMs, zipLayout: opts.dataRequestZipLayout, unknownEmails: opts.dataRequestUnknownEmails, deleteType: opts.dataRequestDeleteType }),
    index: { usersById: new Map(), usersByEmail: new Map(), meetings: new Map(), webinars: new Map() },
  };
  rebuildIndex(state);
  const routes = compileRoutes(SANDBOX_ROUTES);
  const handler = createHandler(state, routes);
  const server: Server = createServer((req, res) => {
    handler(req, res).catch((err: unknown) => {
      warn(`zdsar sandbox: ${String(err)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  state.origin = url;
  let closed = false;

  return {
    url,
    apiUrl: `${url}/v2`,
    oauthUrl: url,
    credentials: {
      accountId: account.id,
      clientId: account.credentials.clientId,
      clientSecret: account.credentials.clientSecret,
      webhookSecretToken: account.credentials.webhookSecretToken,
    },
    account,
    log: state.log,
    complianceCalls: state.complianceCalls,
    setFaults(f) {
      faults.set(normalizeFaults(f));
    },
    expireTokens() {
      for (const t of state.tokens.values()) t.revoked = true;
    },
    reindex() {
      rebuildIndex(state);
    },
    dataRequests: {
      get requests() {
        return state.dataRequests.requests;
      },
      stateOf(id) {
        const r = state.dataRequests.requests.find((x) => x.request_id === id);
        return r ? stateOf(r, clock()) : undefined;
      },
      occupy(ms) {
        return occupy(state, ms);
      },
      expireNextLinks(n = 1) {
        state.dataRequests.expireNextLinks += n;
      },
      failEmail(email, reason = 'Unable to process the data request.') {
        state.dataRequests.failEmails.set(email.trim().toLowerCase(), reason);
      },
      setDelay(ms) {
        state.dataRequests.delayMs = ms;
      },
      setFilesLag(ms) {
        state.dataRequests.filesLagMs = ms;
      },
    },
    async emitDeauthorization(targetUrl, payload, o = {}) {
      const now = clock();
      const event = deauthorizationEvent(account, now, payload, o.userDataRetention === undefined ? 'false' : o.userDataRetention);
      const r = await emitSigned(targetUrl, event, account.credentials.webhookSecretToken, now, o);
      return { status: r.status, body: r.body };
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
