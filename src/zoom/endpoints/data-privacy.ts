/**
 * Zoom's Data & Privacy requests (accounts.openapi.json, tag "Data Requests"): the API behind the
 * web portal's Advanced > Data & Privacy page. All five operations are MEDIUM.
 *
 *   POST   /data_requests/requests                 data_request:write:request:admin   (classic data_request:write:admin)
 *   GET    /data_requests/requests                 data_request:read:history:admin    (classic data_request:read:admin or :write:admin)
 *   GET    /data_requests/requests/{requestId}     data_request:read:download:admin   (same classic)
 *   GET    /data_requests/files/{fileId}/url       data_request:read:download:admin   (same classic)
 *   DELETE /data_requests/requests/{requestId}     data_request:delete:request:admin  (classic data_request:write:admin)
 *
 * The POST is never retried by the client (only after a 429, which Zoom did not apply); whether to
 * send it again is decided from the ledger and the history (see src/zoom-data-requests/engine.ts).
 */
import type { ZoomClient } from '../client.js';
import { ZoomApiError } from '../errors.js';
import { listItems } from '../paginate.js';
import { route } from '../route.js';

/** At most 10 emails per POST (400 code 200 above). */
export const MAX_EMAILS_PER_REQUEST = 10;
/** A deletion can be revoked for 30 minutes after it was submitted. */
export const CANCEL_WINDOW_MS = 30 * 60_000;
/** A download link lasts five minutes and works once. */
export const LINK_TTL_MS = 5 * 60_000;

export const DATA_REQUEST_CODE = {
  /** 409: "You can only have one data request in process at a time." */
  busy: 14114,
  /** 404/500 on the files and the download link: "Unable to download data. Please try again later." (not ready yet) */
  notReady: 14103,
  /** 404: "Unable to cancel data request." */
  cannotCancel: 14105,
  /** 422: "Your data request is processing, and can no longer be canceled." */
  processing: 14106,
  /** 400: "Your data migration request is in progress." */
  migration: 14108,
  /** 400: "Invalid email accounts detected. Please remove the following emails and try again {emails}" */
  invalidAccounts: 14111,
  /** 400: "Invalid parameters." on the history and the file list */
  invalidParameters: 14115,
  /** 403 "No permission", 400 "more than 10 emails", 404 "Invalid parameters" (cancel) */
  generic: 200,
  /** 400: "Your data request could not be completed. Please try again" */
  notCompleted: 14101,
} as const;

export type DataRequestType = 'EXPORT' | 'DELETE';
export type DataRequestState = 'Pending' | 'Processing' | 'Canceled' | 'Completed' | 'Failed';
export const FINAL_STATES: readonly DataRequestState[] = ['Canceled', 'Completed', 'Failed'];

export type CreateDataRequest =
  | { request_type: 'EXPORT'; emails: string[]; start_date: string; end_date: string }
  | { request_type: 'DELETE' | 'DELETION'; emails: string[] };

export interface CreatedDataRequest {
  email: string;
  request_id: string;
}

export interface DataRequestRecord {
  request_id: string;
  request_type: DataRequestType;
  created_at: string;
  requestor_user_id: string;
  requestor_name: string;
  account_id: string;
  user_identifier: string;
  data_type: string[];
  state: DataRequestState;
  files_count: number;
  start_at: string;
  end_at: string;
  is_current_user: boolean;
  failed_reason?: string;
}

export interface DataRequestFile {
  file_id: string;
  file_name: string;
  /** A string; the spec says "in bits", its example is not a multiple of 8 (see docs/zoom-data-requests.md). */
  size: string;
  created_at: string;
}

/** POST /data_requests/requests: one request id per email. */
export async function createDataRequest(client: ZoomClient, body: CreateDataRequest): Promise<{ status: number; data: CreatedDataRequest[]; body: unknown }> {
  if (body.emails.length < 1 || body.emails.length > MAX_EMAILS_PER_REQUEST) throw new Error(`a data request takes 1 to ${MAX_EMAILS_PER_REQUEST} emails (got ${body.emails.length})`);
  let res: { status: number; body: { data?: unknown } };
  try {
    res = await client.send<{ data?: unknown }>(route('POST', '/data_requests/requests'), { body });
  } catch (e) {
    // The spec says both: its schema's enum is "DELETE", its prose "EXPORT or DELETION". A 400 naming
    // request_type created nothing: send the other word once.
    if (body.request_type !== 'DELETE' || !refusesRequestType(e)) throw e;
    res = await client.send<{ data?: unknown }>(route('POST', '/data_requests/requests'), { body: { ...body, request_type: 'DELETION' } });
  }
  const data = Array.isArray(res.body?.data) ? (res.body.data as unknown[]) : [];
  const out: CreatedDataRequest[] = [];
  for (const d of data) {
    const o = d as { email?: unknown; request_id?: unknown };
    if (typeof o.email === 'string' && (typeof o.request_id === 'string' || typeof o.request_id === 'number')) out.push({ email: o.email, request_id: String(o.request_id) });
  }
  return { status: res.status, data: out, body: res.body };
}

function refusesRequestType(e: unknown): boolean {
  if (!(e instanceof ZoomApiError) || e.status !== 400) return false;
  return /request_?type/i.test(e.zoomMessage) || JSON.stringify(e.body ?? '').includes('request_type');
}

/** A deletion's request_type as Zoom may write it in the history (either word of the spec). */
export function requestKind(type: unknown): 'EXPORT' | 'DELETE' | undefined {
  return type === 'EXPORT' ? 'EXPORT' : type === 'DELETE' || type === 'DELETION' ? 'DELETE' : undefined;
}

/** GET /data_requests/requests: the account's history (page_size at most 30). Order is not documented. */
export async function* dataRequestHistory(client: ZoomClient): AsyncGenerator<DataRequestRecord> {
  for await (const r of listItems<DataRequestRecord>(client, route('GET', '/data_requests/requests'), {}, { key: 'records', pageSize: 30, idOf: (x) => (x ? String(x.request_id) : undefined) })) {
    if (r && typeof r === 'object') yield { ...r, request_id: String(r.request_id) };
  }
}

/**
 * The history records of these request ids (stops paging once all are found, or after `maxPages`
 * pages of 30). Ids Zoom no longer lists are missing from the map.
 */
export async function findDataRequests(client: ZoomClient, ids: Iterable<string>, maxPages = 40): Promise<Map<string, DataRequestRecord>> {
  const want = new Set(ids);
  const found = new Map<string, DataRequestRecord>();
  if (want.size === 0) return found;
  let seen = 0;
  for await (const r of dataRequestHistory(client)) {
    if (want.has(r.request_id)) found.set(r.request_id, r);
    if (found.size === want.size || ++seen >= maxPages * 30) break;
  }
  return found;
}

/** GET /data_requests/requests/{requestId}: every file of a finished export (page_size at most 6). Throws 14103 while not ready. */
export async function dataRequestFiles(client: ZoomClient, requestId: string): Promise<DataRequestFile[]> {
  const out: DataRequestFile[] = [];
  const r = route('GET', '/data_requests/requests/{requestId}', { requestId });
  for await (const f of listItems<DataRequestFile>(client, r, {}, { key: 'file_records', pageSize: 6, idOf: (x) => (x ? String(x.file_id) : undefined) })) {
    if (f && typeof f === 'object' && f.file_id !== undefined) out.push({ ...f, file_id: String(f.file_id), file_name: String(f.file_name ?? ''), size: String(f.size ?? '') });
  }
  return out;
}

/** GET /data_requests/files/{fileId}/url: a link valid five minutes, for one download. */
export async function dataRequestFileUrl(client: ZoomClient, fileId: string): Promise<string> {
  const body = await client.get<{ download_url?: unknown }>(route('GET', '/data_requests/files/{fileId}/url', { fileId }));
  if (typeof body.download_url !== 'string' || body.download_url === '') throw new Error(`Zoom gave no download_url for file ${fileId}`);
  return body.download_url;
}

/** DELETE /data_requests/requests/{requestId}: revoke a deletion (204) within 30 minutes. */
export async function cancelDataRequest(client: ZoomClient, requestId: string): Promise<{ status: number }> {
  const res = await client.send(route('DELETE', '/data_requests/requests/{requestId}', { requestId }));
  return { status: res.status };
}

export function isZoomCode(e: unknown, code: number, status?: number): e is ZoomApiError {
  return e instanceof ZoomApiError && e.code === code && (status === undefined || e.status === status);
}

/** 403 code 200 "No permission": the app may not use Zoom's Data & Privacy requests. */
export function isNoPermission(e: unknown): e is ZoomApiError {
  return isZoomCode(e, DATA_REQUEST_CODE.generic, 403);
}

/** 409 code 14114: another data request (ours or another app's) is in process. */
export function isBusy(e: unknown): e is ZoomApiError {
  return e instanceof ZoomApiError && e.status === 409 && (e.code === DATA_REQUEST_CODE.busy || e.code === undefined);
}

/** 404/500 code 14103: the files are not ready (or not available). */
export function isNotReady(e: unknown): e is ZoomApiError {
  return e instanceof ZoomApiError && e.code === DATA_REQUEST_CODE.notReady;
}

/** 422 code 14106: the deletion is processing and can no longer be canceled. */
export function isNoLongerCancelable(e: unknown): e is ZoomApiError {
  return e instanceof ZoomApiError && (e.code === DATA_REQUEST_CODE.processing || e.status === 422);
}

/** The emails a 400 code 14111 names ("…try again a@x,b@y"); empty if none can be read. */
export function invalidAccountEmails(e: unknown): string[] {
  if (!isZoomCode(e, DATA_REQUEST_CODE.invalidAccounts)) return [];
  const tail = e.zoomMessage.replace(/^.*?try again/i, '');
  return [...tail.matchAll(/[^\s,;:[\]{}()"'<>]+@[^\s,;:[\]{}()"'<>]+/g)].map((m) => m[0].replace(/\.$/, '').toLowerCase());
}
