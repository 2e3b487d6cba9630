/**
 * Zoom's Data & Privacy requests (accounts.openapi.json, /data_requests/*): export or delete all of
 * a person's data, the request history, the export's zip files and their single-use download links,
 * and the cancellation of a deletion within 30 minutes.
 *
 * From the spec: one request id per email of a POST (at most 10 emails, code 200 above); EXPORT needs
 * start_date < end_date; 409 code 14114 while a request is in process; states Pending, Processing,
 * Canceled, Completed, Failed; 14103 while the files are not ready; download links last five minutes
 * and work once; DELETE of a deletion → 204 within 30 minutes, 422 code 14106 once it is processing.
 *
 * Choices where the spec is silent (docs/zoom-data-requests.md):
 * - "in process" counts per POST (a batch of up to 10 request ids) and a Pending deletion (still in its
 *   30-minute window) counts as in process, like a Processing one;
 * - every state is derived from the sandbox clock (no timers): an export is Pending for the first half
 *   of `delayMs`, Processing until `delayMs`, then Completed; a deletion is Pending for 30 minutes
 *   (cancelable), Processing for `delayMs`, then Completed;
 * - emails that are not users of the account: 400 code 14111 naming them (or, with unknownEmails
 *   'fail', created and then Failed with "User does not belong to account", the spec's example);
 * - GET …/requests/{id} for an unknown id, or one not Completed, answers 404 code 14103 (the spec's
 *   "not ready" error); for a DELETE request, 400 code 14115;
 * - DELETE of an export, or of a request already canceled: 404 code 14105; unknown id: 404 code 200;
 * - `size` is sent in bytes, as a string (the spec says "in bits", but its example 15667 is no
 *   multiple of 8);
 * - history: newest first; page_size absent or ≤ 0 → 10, above 30 → 30; start_at/end_at are the
 *   export window (the creation time for a deletion);
 * - an expired or already used link answers 403 (Zoom's file server's answer is not documented);
 * - files are listed for 90 days after completion, then the list is empty (the web page's "expires
 *   after 90 days").
 */
import { LEGAL_HOLD_SCOPES } from './legal-hold.js';
import { randomBytes } from 'node:crypto';
import yazl from 'yazl';
import { hash32, mulberry32 } from '../prng.js';
import { json, noContent, paginate, randomToken, validationError, ZoomError, type Reply, type RouteCtx, type RouteDef, type SandboxState } from '../core.js';
import type { SandboxDataRequest, SandboxDataRequestFile, SandboxDataRequests } from '../model.js';

export const CANCEL_WINDOW_MS = 30 * 60_000;
export const LINK_TTL_MS = 5 * 60_000;
export const FILE_RETENTION_MS = 90 * 86_400_000;

export type DataRequestState = 'Pending' | 'Processing' | 'Canceled' | 'Completed' | 'Failed';

export function newDataRequests(o: { delayMs?: number; filesLagMs?: number; zipLayout?: SandboxDataRequests['zipLayout']; unknownEmails?: SandboxDataRequests['unknownEmails']; deleteType?: SandboxDataRequests['deleteType'] } = {}): SandboxDataRequests {
  return {
    deleteType: o.deleteType ?? 'DELETE',
    delayMs: o.delayMs ?? 3000,
    filesLagMs: o.filesLagMs ?? 0,
    zipLayout: o.zipLayout ?? 'per-request',
    unknownEmails: o.unknownEmails ?? 'reject',
    requests: [],
    files: new Map(),
    filesOf: new Map(),
    links: new Map(),
    expireNextLinks: 0,
    failEmails: new Map(),
    seq: 0,
  };
}

export function stateOf(r: SandboxDataRequest, now: number): DataRequestState {
  if (r.canceled_at !== undefined) return 'Canceled';
  if (now < r.pending_until) return 'Pending';
  if (now < r.ready_at) return 'Processing';
  return r.failed_reason ? 'Failed' : 'Completed';
}

/** A request of any app holds the account's one slot. */
export function inProcess(dr: SandboxDataRequests, now: number): boolean {
  return dr.requests.some((r) => {
    const s = stateOf(r, now);
    return s === 'Pending' || s === 'Processing';
  });
}

function newRequestId(dr: SandboxDataRequests, now: number): string {
  dr.seq++;
  return `19${String(now % 1e13).padStart(13, '0')}${String(dr.seq % 10_000).padStart(4, '0')}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function requestor(state: SandboxState): { id: string; name: string } {
  const owner = state.account.users.find((u) => u.role_id === '0') ?? state.account.users[0];
  return owner ? { id: owner.id, name: `${owner.first_name} ${owner.last_name}`.trim() } : { id: 'sbxOwner', name: 'Account Owner' };
}

/** Another app's request holding the slot for `ms` (tests: "another app holds the slot"). */
export function occupy(state: SandboxState, ms: number, now = state.clock()): string {
  const dr = state.dataRequests;
  const id = newRequestId(dr, now);
  const batch = dr.seq;
  dr.requests.push({
    request_id: id,
    batch,
    request_type: 'EXPORT',
    email: state.account.users[0]?.email ?? 'someone@example.com',
    created_at: now,
    start_at: now - 30 * 86_400_000,
    end_at: now,
    requestor_user_id: 'sbxOtherAdmin',
    requestor_name: 'Another Admin',
    current: false,
    pending_until: now,
    ready_at: now + Math.max(0, ms),
    // Its files are never asked for by zdsar.
    failed_reason: undefined,
  });
  return id;
}

// ---------------------------------------------------------------- POST

function createHandler(c: RouteCtx): Reply {
  const dr = c.state.dataRequests;
  const body = c.body as { emails?: unknown; request_type?: unknown; start_date?: unknown; end_date?: unknown } | undefined;
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ZoomError(400, 300, 'Request Body should be a valid JSON object.');
  if (body.request_type !== 'EXPORT' && body.request_type !== dr.deleteType) throw validationError('request_type', `Invalid field: request_type must be EXPORT or ${dr.deleteType}.`);
  const type = body.request_type === 'EXPORT' ? 'EXPORT' : 'DELETE';
  if (!Array.isArray(body.emails) || body.emails.length === 0) throw validationError('emails', 'Invalid field: emails is required.');
  if (body.emails.length > 10) throw new ZoomError(400, 200, 'You can only input up to 10 emails in one request.');
  const emails: string[] = [];
  const seen = new Set<string>();
  for (const e of body.emails) {
    if (typeof e !== 'string' || !EMAIL_RE.test(e.trim())) throw new ZoomError(400, 300, 'Please enter a valid email address.');
    if (e.length >= 128) throw new ZoomError(400, 300, 'Email address length must less than 128 characters');
    const k = e.trim().toLowerCase();
    if (seen.has(k)) continue;
    seen.add(k);
    emails.push(e.trim());
  }
  let start: number | undefined;
  let end: number | undefined;
  if (type === 'EXPORT') {
    if (typeof body.start_date !== 'string' || body.start_date === '') throw validationError('start_date', 'Invalid field: start_date is required for EXPORT.');
    if (typeof body.end_date !== 'string' || body.end_date === '') throw validationError('end_date', 'Invalid field: end_date is required for EXPORT.');
    start = parseIso(body.start_date);
    end = parseIso(body.end_date);
    if (start === undefined) throw validationError('start_date', 'Invalid field: start_date must be an ISO 8601 date-time.');
    if (end === undefined) throw validationError('end_date', 'Invalid field: end_date must be an ISO 8601 date-time.');
    if (!(start < end)) throw validationError('start_date', 'Invalid field: start_date must be earlier than end_date.');
  }
  const unknown = emails.filter((e) => !c.state.index.usersByEmail.has(e.toLowerCase()));
  if (unknown.length > 0 && dr.unknownEmails === 'reject') {
    throw new ZoomError(400, 14111, `Invalid email accounts detected. Please remove the following emails and try again ${unknown.join(',')}`);
  }
  if (inProcess(dr, c.now)) {
    throw new ZoomError(409, 14114, 'You can only have one data request in process at a time. Wait until your current request is completed and try again.');
  }
  const who = requestor(c.state);
  const data: Array<{ email: string; request_id: string }> = [];
  let batch = 0;
  for (const email of emails) {
    const id = newRequestId(dr, c.now);
    if (batch === 0) batch = dr.seq;
    const pendingUntil = type === 'DELETE' ? c.now + CANCEL_WINDOW_MS : c.now + Math.floor(dr.delayMs / 2);
    const failed = unknown.includes(email) ? 'User does not belong to account' : dr.failEmails.get(email.toLowerCase());
    dr.requests.push({
      request_id: id,
      batch,
      request_type: type,
      email,
      created_at: c.now,
      ...(type === 'EXPORT' ? { start_at: start, end_at: end } : {}),
      requestor_user_id: who.id,
      requestor_name: who.name,
      current: true,
      pending_until: pendingUntil,
      ready_at: type === 'DELETE' ? pendingUntil + dr.delayMs : c.now + dr.delayMs,
      ...(failed ? { failed_reason: failed } : {}),
    });
    data.push({ email, request_id: id });
  }
  return json({ data }, 201);
}

function parseIso(s: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

// ---------------------------------------------------------------- history

function renderRecord(c: RouteCtx, r: SandboxDataRequest): Record<string, unknown> {
  const state = stateOf(r, c.now);
  const files = state === 'Completed' ? (c.state.dataRequests.filesOf.get(r.request_id)?.length ?? 1) : 0;
  return {
    request_id: r.request_id,
    request_type: r.request_type === 'DELETE' ? c.state.dataRequests.deleteType : r.request_type,
    created_at: iso(r.created_at),
    requestor_user_id: r.requestor_user_id,
    requestor_name: r.requestor_name,
    account_id: c.state.account.id,
    user_identifier: r.email,
    data_type: ['ALL'],
    state,
    files_count: r.request_type === 'EXPORT' ? files : 0,
    start_at: iso(r.start_at ?? r.created_at),
    end_at: iso(r.end_at ?? r.created_at),
    is_current_user: r.current,
    ...(state === 'Failed' ? { failed_reason: r.failed_reason } : {}),
  };
}

/** page_size: absent or ≤ 0 → `dflt` (the spec: "if invalid (<= 0), will automatically be set as 10"); not a number → 400 code 14115. */
function pageQuery(c: RouteCtx, dflt: number, max: number): RouteCtx {
  const raw = c.query.get('page_size');
  const q = new URLSearchParams(c.query);
  if (raw === null || raw === '') q.set('page_size', String(dflt));
  else if (!/^-?[0-9]+$/.test(raw)) throw new ZoomError(400, 14115, 'Invalid parameters.');
  else if (Number(raw) <= 0) q.set('page_size', String(dflt));
  else q.set('page_size', String(Math.min(Number(raw), max)));
  return { ...c, query: q };
}

function historyHandler(c: RouteCtx): Reply {
  const list = [...c.state.dataRequests.requests].sort((a, b) => b.created_at - a.created_at || b.request_id.localeCompare(a.request_id));
  const p = paginate(pageQuery(c, 10, 30), { key: 'data-requests', total: list.length, maxPageSize: 30, tokenErrorCode: 14115 });
  return json({ total_records: p.total_records, records: list.slice(p.offset, p.end).map((r) => renderRecord(c, r)), next_page_token: p.next_page_token });
}

// ---------------------------------------------------------------- files

const notReady = () => new ZoomError(404, 14103, 'Unable to download data. Please try again later.');

async function filesHandler(c: RouteCtx): Promise<Reply> {
  const dr = c.state.dataRequests;
  const r = dr.requests.find((x) => x.request_id === c.params.requestId);
  if (!r) throw notReady();
  if (r.request_type !== 'EXPORT') throw new ZoomError(400, 14115, 'Invalid parameters.');
  if (stateOf(r, c.now) !== 'Completed' || c.now < r.ready_at + dr.filesLagMs) throw notReady();
  const raw = c.query.get('page_size');
  if (raw !== null && raw !== '' && (!/^[0-9]+$/.test(raw) || Number(raw) < 1)) throw new ZoomError(400, 14115, 'Invalid parameters.');
  const ids = await ensureFiles(c.state, r, c.now);
  const files = c.now - r.ready_at > FILE_RETENTION_MS ? [] : ids.map((id) => dr.files.get(id)!).filter(Boolean);
  const p = paginate(pageQuery(c, 6, 6), { key: `data-request-files|${r.request_id}`, total: files.length, maxPageSize: 6, tokenErrorCode: 14115 });
  return json({
    total_records: p.total_records,
    request_type: 'EXPORT',
    file_records: files.slice(p.offset, p.end).map((f) => ({ file_id: f.file_id, file_name: f.file_name, size: String(f.data.length), created_at: iso(f.created_at) })),
    next_page_token: p.next_page_token,
  });
}

function urlHandler(c: RouteCtx): Reply {
  const dr = c.state.dataRequests;
  const f = dr.files.get(c.params.fileId ?? '');
  if (!f) throw notReady();
  const completedAt = Math.min(...f.request_ids.map((id) => dr.requests.find((r) => r.request_id === id)?.ready_at ?? f.created_at));
  if (c.now - completedAt > FILE_RETENTION_MS) throw notReady();
  const token = randomToken(24);
  let expires = c.now + LINK_TTL_MS;
  if (dr.expireNextLinks > 0) {
    dr.expireNextLinks--;
    expires = c.now - 1;
  }
  dr.links.set(token, { file_id: f.file_id, expires_at: expires, used: false });
  return json({ download_url: `${c.state.origin}/data-request-files/${token}` });
}

/** Zoom's file server: a signed link, valid five minutes, for one download. No access token. */
function fileServerHandler(c: RouteCtx): Reply {
  const dr = c.state.dataRequests;
  const link = dr.links.get(c.params.token ?? '');
  const denied = (message: string): Reply => ({ status: 403, body: { code: 403, message } });
  if (!link) return denied('Invalid download link.');
  if (link.used) return denied('This download link was already used.');
  if (link.expires_at <= c.now) return denied('This download link has expired.');
  const f = dr.files.get(link.file_id);
  if (!f) return { status: 404, body: { code: 404, message: 'File not found.' } };
  link.used = true;
  return {
    status: 200,
    headers: { 'content-type': 'application/zip', 'content-disposition': `attachment; filename="${encodeURIComponent(f.file_name)}"`, 'cache-control': 'private, max-age=0' },
    raw: f.data,
  };
}

// ---------------------------------------------------------------- cancel

function cancelHandler(c: RouteCtx): Reply {
  const r = c.state.dataRequests.requests.find((x) => x.request_id === c.params.requestId);
  if (!r) throw new ZoomError(404, 200, 'Invalid parameters.');
  if (r.request_type !== 'DELETE') throw new ZoomError(404, 14105, 'Unable to cancel data request. Please try again later.');
  const s = stateOf(r, c.now);
  if (s === 'Canceled') throw new ZoomError(404, 14105, 'Unable to cancel data request. Please try again later.');
  if (s !== 'Pending') throw new ZoomError(422, 14106, 'Your data request is processing, and can no longer be canceled.');
  r.canceled_at = c.now;
  return noContent();
}

// ---------------------------------------------------------------- the zips

const building = new WeakMap<SandboxDataRequests, Map<string, Promise<string[]>>>();

/** The file ids of a Completed export, building its zip the first time. */
async function ensureFiles(state: SandboxState, r: SandboxDataRequest, now: number): Promise<string[]> {
  const dr = state.dataRequests;
  const have = dr.filesOf.get(r.request_id);
  if (have) return have;
  let inFlight = building.get(dr);
  if (!inFlight) building.set(dr, (inFlight = new Map()));
  const key = dr.zipLayout === 'per-batch' ? `b${r.batch}` : r.request_id;
  let p = inFlight.get(key);
  if (!p) {
    p = (async () => {
      const members = dr.zipLayout === 'per-batch' ? dr.requests.filter((x) => x.batch === r.batch && stateOf(x, now) === 'Completed') : [r];
      const data = await buildZip(state, members);
      const file: SandboxDataRequestFile = {
        file_id: randomBytes(16).toString('base64url'),
        file_name: `EXPORT_${dr.zipLayout === 'per-batch' ? `batch_${members[0]!.request_id}` : r.request_id}.zip`,
        data,
        created_at: now,
        request_ids: members.map((m) => m.request_id),
      };
      dr.files.set(file.file_id, file);
      for (const m of members) dr.filesOf.set(m.request_id, [file.file_id]);
      return [file.file_id];
    })();
    inFlight.set(key, p);
  }
  try {
    return await p;
  } finally {
    inFlight.delete(key);
  }
}

/** A folder per person: meetings, webinars, participation, Team Chat and whiteboards in the export window. */
async function buildZip(state: SandboxState, members: SandboxDataRequest[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const mtime = new Date(Math.max(...members.map((m) => m.ready_at)));
  for (const m of members) {
    for (const [name, value] of Object.entries(personData(state, m))) {
      zip.addBuffer(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value, null, 2) + '\n'), `${m.email.toLowerCase()}/${name}`, { mtime, compress: true });
    }
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function personData(state: SandboxState, r: SandboxDataRequest): Record<string, unknown> {
  const email = r.email.toLowerCase();
  const from = r.start_at ?? 0;
  const to = r.end_at ?? Number.MAX_SAFE_INTEGER;
  const inWindow = (t: string) => {
    const ms = Date.parse(t);
    return ms >= from && ms < to;
  };
  const user = state.index.usersByEmail.get(email);
  const meetings = user ? state.account.meetings.filter((m) => m.host_id === user.id && !m.deleted && inWindow(m.start_time)) : [];
  const webinars = user ? state.account.webinars.filter((w) => w.host_id === user.id && !w.deleted && inWindow(w.start_time)) : [];
  const participation: Array<Record<string, unknown>> = [];
  for (const s of [...state.account.meetings, ...state.account.webinars]) {
    for (const inst of s.instances) {
      if (!inWindow(inst.start_time)) continue;
      for (const p of inst.participants) if (p.user_email.toLowerCase() === email) participation.push({ meeting_id: s.id, topic: s.topic, start_time: inst.start_time, name: p.name, duration: p.duration });
    }
  }
  const rand = mulberry32(hash32(`chat|${email}`));
  const words = ['hello', 'agenda', 'thanks', 'see', 'you', 'tomorrow', 'draft', 'review', 'ok', 'shipping', 'today'];
  const span = Math.max(1, Math.min(to, state.clock()) - from);
  const messages = Array.from({ length: 3 + Math.floor(rand() * 5) }, (_, i) => ({
    id: `sbxmsg${hash32(`${email}|${i}`).toString(16)}`,
    sent_at: iso(from + Math.floor(rand() * span)),
    channel: rand() < 0.5 ? 'Direct message' : 'Project channel',
    message: Array.from({ length: 4 + Math.floor(rand() * 6) }, () => words[Math.floor(rand() * words.length)]).join(' '),
  }));
  return {
    'README.txt': `Zoom data export (sandbox) for ${email}\nWindow: ${iso(from)} to ${r.end_at !== undefined ? iso(to) : 'now'}\nRequest: ${r.request_id}\n`,
    'meetings.json': meetings.map((m) => ({ id: m.id, topic: m.topic, start_time: m.start_time, duration: m.duration })),
    'webinars.json': webinars.map((w) => ({ id: w.id, topic: w.topic, start_time: w.start_time, duration: w.duration })),
    'meeting_participation.json': participation,
    'team_chat.json': messages,
    'whiteboards.json': [{ id: `sbxwb${hash32(email).toString(16)}`, name: 'Brainstorm', created_at: iso(from) }],
  };
}

// ---------------------------------------------------------------- routes

const SPEC = 'accounts.openapi.json';

export const dataRequestRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/v2/data_requests/requests',
    category: 'Medium',
    granular: ['data_request:write:request:admin'],
    classic: ['data_request:write:admin'],
    area: 'api',
    auth: 'bearer',
    spec: `${SPEC} CreateDataAccessRequest`,
    handler: createHandler,
  },
  {
    method: 'GET',
    path: '/v2/data_requests/requests',
    category: 'Medium',
    granular: ['data_request:read:history:admin'],
    classic: ['data_request:read:admin', 'data_request:write:admin'],
    area: 'api',
    auth: 'bearer',
    spec: `${SPEC} GetDataRequestsHistory`,
    handler: historyHandler,
  },
  {
    method: 'GET',
    path: '/v2/data_requests/requests/:requestId',
    category: 'Medium',
    granular: ['data_request:read:download:admin'],
    classic: ['data_request:read:admin', 'data_request:write:admin'],
    area: 'api',
    auth: 'bearer',
    spec: `${SPEC} GetDownloadableFilesforDataRequest`,
    handler: filesHandler,
  },
  {
    method: 'DELETE',
    path: '/v2/data_requests/requests/:requestId',
    category: 'Medium',
    granular: ['data_request:delete:request:admin'],
    classic: ['data_request:write:admin'],
    area: 'api',
    auth: 'bearer',
    spec: `${SPEC} CancelDataRequest`,
    handler: cancelHandler,
  },
  {
    method: 'GET',
    path: '/v2/data_requests/files/:fileId/url',
    category: 'Medium',
    granular: ['data_request:read:download:admin'],
    classic: ['data_request:read:admin', 'data_request:write:admin'],
    area: 'api',
    auth: 'bearer',
    spec: `${SPEC} DownloadfilesfromDataRequest`,
    handler: urlHandler,
  },
  { method: 'GET', path: '/data-request-files/:token', category: null, area: 'downloads', auth: 'none', handler: fileServerHandler },
];

/** Scopes a Server-to-Server app needs for every data request operation (granular). */
/** The scopes of an app set up for Data & Privacy requests; a deletion first reads legal holds, so those read scopes too. */
export const DATA_REQUEST_SCOPES = ['data_request:write:request:admin', 'data_request:read:history:admin', 'data_request:read:download:admin', 'data_request:delete:request:admin', ...LEGAL_HOLD_SCOPES];
