/**
 * Cloud recordings (meetings.openapi.json recordingsList) and the downloads of recording, Phone
 * recording and voicemail files.
 *
 * Downloads work like Zoom's: the `download_url` needs `Authorization: Bearer <token>` (a token in the
 * query string gets 401 code 124) and answers 302 to a short-lived signed file URL (Zoom's storage),
 * which serves deterministic bytes with Content-Length, ETag, Accept-Ranges and Range → 206.
 */
import { hash32, mulberry32 } from '../prng.js';
import {
  MAX_WINDOW_MS,
  json,
  lookupUser,
  paginate,
  parseDate,
  sign,
  startOfUtcDay,
  timeRange,
  validationError,
  ymd,
  ZoomError,
  type Reply,
  type RouteCtx,
  type RouteDef,
  type SandboxState,
} from '../core.js';
import { DAY } from '../build.js';
import type { SandboxRecording, SandboxUser } from '../model.js';

// ---------------------------------------------------------------- download tokens

export function downloadToken(state: SandboxState, payload: string): string {
  return `${Buffer.from(payload).toString('base64url')}.${sign(state, payload)}`;
}

function openToken(state: SandboxState, token: string): string | undefined {
  const dot = token.lastIndexOf('.');
  if (dot < 1) return undefined;
  let payload: string;
  try {
    payload = Buffer.from(token.slice(0, dot), 'base64url').toString('utf8');
  } catch {
    return undefined;
  }
  return sign(state, payload) === token.slice(dot + 1) ? payload : undefined;
}

/**
 * The fields of a signed download token (downloadToken) whose payload is `kind|…` (an MMS attachment, a chat
 * file); any other token: 404 code 404 "Resource not found.".
 */
export function openSigned(c: RouteCtx, kind: string): string[] {
  const token = c.params.token ?? '';
  const payload = openToken(c.state, token);
  if (!payload?.startsWith(`${kind}|`) || downloadToken(c.state, payload) !== token) throw new ZoomError(404, 404, 'Resource not found.');
  return payload.split('|');
}

export interface FileMeta {
  key: string;
  name: string;
  size: number;
  ext: string;
  contentType: string;
}

const CONTENT_TYPES: Record<string, string> = {
  MP4: 'video/mp4',
  M4A: 'audio/mp4',
  MP3: 'audio/mpeg',
  VTT: 'text/vtt',
  TXT: 'text/plain',
  CSV: 'text/csv',
  JSON: 'application/json',
  JPG: 'image/jpeg',
};

function resolveFile(state: SandboxState, payload: string): FileMeta | undefined {
  const [kind, userId, a, b] = payload.split('|');
  const user = state.index.usersById.get(userId ?? '');
  if (!user) return undefined;
  if (kind === 'c') {
    const rec = user.recordings.at(Number(a));
    const f = rec?.recording_files[Number(b)];
    if (!rec || !f) return undefined;
    const ext = f.file_extension;
    return { key: `c:${f.id}`, name: `${rec.topic}.${ext.toLowerCase()}`, size: f.file_size, ext, contentType: CONTENT_TYPES[ext] ?? 'application/octet-stream' };
  }
  if (kind === 'p') {
    const r = user.phoneRecordings.at(Number(a));
    if (!r) return undefined;
    return { key: `p:${r.id}`, name: `${r.id}.mp3`, size: r.file_size, ext: 'MP3', contentType: 'audio/mpeg' };
  }
  if (kind === 'a') {
    // An AI Companion archive's files (issue 27): -1 the conversation history, else physical_files[n].
    const archive = state.account.workplace?.aicArchives[user.id];
    const f = archive && (Number(a) < 0 ? archive : (archive.physical_files as Array<Record<string, unknown>>)[Number(a)]);
    if (!f) return undefined;
    return { key: `a:${user.id}:${a}`, name: String(f.file_name ?? 'history.json'), size: Number(f.file_size), ext: Number(a) < 0 ? 'JSON' : 'PDF', contentType: Number(a) < 0 ? 'application/json' : 'application/pdf' };
  }
  if (kind === 'k') {
    // A clip (issue 27: GET /clips/{clipId}/download), by owner and clip id.
    const clip = state.account.workplace?.clips.find((x) => x.owner === user.id && x.data.clip_id === a);
    if (!clip) return undefined;
    return { key: `k:${a}`, name: `${a}.mp4`, size: Number(clip.data.file_size), ext: 'MP4', contentType: 'video/mp4' };
  }
  if (kind === 'v') {
    const v = user.voicemails.at(Number(a));
    if (!v) return undefined;
    return { key: `v:${v.id}`, name: `${v.id}.mp3`, size: v.file_size, ext: 'MP3', contentType: 'audio/mpeg' };
  }
  return undefined;
}

const cache = new Map<string, Buffer>();

/** Deterministic content of a file: text for VTT/TXT, pseudo-random bytes otherwise; exactly `size` bytes. */
export function fileBytes(meta: FileMeta): Buffer {
  const ck = `${meta.key}|${meta.size}`;
  const hit = cache.get(ck);
  if (hit) return hit;
  let buf: Buffer;
  if (meta.ext === 'VTT' || meta.ext === 'TXT') {
    const rand = mulberry32(hash32(meta.key));
    const words = ['thanks', 'agenda', 'next', 'steps', 'budget', 'review', 'customer', 'follow', 'up', 'okay', 'sounds', 'good', 'shared', 'slides'];
    let text = meta.ext === 'VTT' ? 'WEBVTT\n\n' : '';
    let n = 1;
    while (text.length < meta.size) {
      const s = n * 4;
      const line = Array.from({ length: 6 + Math.floor(rand() * 8) }, () => words[Math.floor(rand() * words.length)]).join(' ');
      const ts = (x: number) => `${String(Math.floor(x / 3600)).padStart(2, '0')}:${String(Math.floor(x / 60) % 60).padStart(2, '0')}:${String(x % 60).padStart(2, '0')}`;
      text += meta.ext === 'VTT' ? `${n}\n${ts(s)}.000 --> ${ts(s + 4)}.000\nSpeaker ${1 + (n % 3)}: ${line}\n\n` : `${ts(s)}\t From Speaker ${1 + (n % 3)} to Everyone:\t${line}\n`;
      n++;
    }
    buf = Buffer.from(text.slice(0, meta.size), 'ascii');
  } else {
    buf = Buffer.allocUnsafe(meta.size);
    const rand = mulberry32(hash32(meta.key));
    let i = 0;
    for (; i + 4 <= meta.size; i += 4) buf.writeUInt32LE((rand() * 4294967296) >>> 0, i);
    for (; i < meta.size; i++) buf[i] = Math.floor(rand() * 256);
  }
  if (cache.size > 64) cache.delete(cache.keys().next().value!);
  cache.set(ck, buf);
  return buf;
}

function etagOf(meta: FileMeta): string {
  return `"${hash32(meta.key).toString(16).padStart(8, '0')}${hash32(meta.key + '|' + meta.size, 7).toString(16).padStart(8, '0')}"`;
}

/**
 * GET <download_url>: Bearer already checked by the server; answer 302 to the signed file URL. A file
 * that is not there (deleted since its list named it, or never was) answers as its route documents:
 * the Phone downloads 400 code 404 "File does not exist." (phone.openapi.json), a cloud recording file 404.
 */
export function downloadHandler(c: RouteCtx): Reply {
  const payload = openToken(c.state, c.params.token ?? '');
  const meta = payload ? resolveFile(c.state, payload) : undefined;
  if (!payload || !meta || isGone(c.state, payload)) {
    if (c.path.startsWith('/v2/phone/')) throw new ZoomError(400, 404, 'File does not exist.');
    throw new ZoomError(404, 3301, 'There is no recording for this session.');
  }
  return redirectToFile(c, payload);
}

/** A file the tests marked as deleted after its list named it (model `fileGone`). */
function isGone(state: SandboxState, payload: string): boolean {
  const [kind, userId, a, b] = payload.split('|');
  const user = state.index.usersById.get(userId ?? '');
  if (kind === 'c') return Boolean(user?.recordings.at(Number(a))?.recording_files[Number(b)]?.fileGone);
  if (kind === 'p') return Boolean(user?.phoneRecordings.at(Number(a))?.fileGone);
  if (kind === 'v') return Boolean(user?.voicemails.at(Number(a))?.fileGone);
  return false;
}

/** 302 to the signed, short-lived URL of a file (`payload` as resolveFile reads it): how Zoom hands out downloads. */
export function redirectToFile(c: RouteCtx, payload: string): Reply {
  const expires = c.now + 5 * 60_000;
  const fileToken = downloadToken(c.state, `${payload}|${expires}`);
  return { status: 302, headers: { location: `${c.state.origin}/files/${fileToken}` }, body: '' };
}

function fileHandler(c: RouteCtx): Reply {
  const payload = openToken(c.state, c.params.token ?? '');
  if (!payload) return { status: 403, body: { code: 403, message: 'Request has expired or the signature is invalid.' } };
  const cut = payload.lastIndexOf('|');
  const expires = Number(payload.slice(cut + 1));
  if (!(expires > c.now)) return { status: 403, body: { code: 403, message: 'Request has expired or the signature is invalid.' } };
  const meta = resolveFile(c.state, payload.slice(0, cut));
  if (!meta) return { status: 404, body: { code: 404, message: 'File not found.' } };
  const bytes = fileBytes(meta);
  const etag = etagOf(meta);
  const base: Record<string, string> = {
    'content-type': meta.contentType,
    'accept-ranges': 'bytes',
    etag,
    'content-disposition': `attachment; filename="${encodeURIComponent(meta.name)}"`,
    'cache-control': 'private, max-age=0',
  };
  const range = c.req.headers.range;
  const ifRange = c.req.headers['if-range'];
  if (typeof range === 'string' && (ifRange === undefined || ifRange === etag)) {
    const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    if (m && (m[1] !== '' || m[2] !== '')) {
      const size = bytes.length;
      let start: number;
      let end: number;
      if (m[1] === '') {
        const suffix = Number(m[2]);
        start = Math.max(0, size - suffix);
        end = size - 1;
      } else {
        start = Number(m[1]);
        end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
      }
      if (start >= size || start > end) {
        return { status: 416, headers: { ...base, 'content-range': `bytes */${size}` }, raw: Buffer.alloc(0) };
      }
      return { status: 206, headers: { ...base, 'content-range': `bytes ${start}-${end}/${size}` }, raw: bytes.subarray(start, end + 1) };
    }
  }
  return { status: 200, headers: base, raw: bytes };
}

// ---------------------------------------------------------------- the list

/**
 * Zoom keeps deleted recordings in the trash for 30 days. The sandbox puts one in five of the
 * recordings of the last 30 days there (deterministically, by uuid), unless `trashed` says otherwise.
 */
export function isTrashed(rec: SandboxRecording, now: number): boolean {
  if (rec.trashed !== undefined) return rec.trashed;
  const t = Date.parse(rec.start_time);
  return t > now - 30 * DAY && t <= now && hash32(rec.uuid) % 5 === 0;
}

function trashedAt(rec: SandboxRecording): string {
  return new Date(Date.parse(rec.start_time) + (rec.duration + 60) * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function renderRecording(state: SandboxState, user: SandboxUser, rec: SandboxRecording, index: number): Record<string, unknown> {
  const files = rec.recording_files.map((f, fi) => {
    const tok = downloadToken(state, `c|${user.id}|${index}|${fi}`);
    return {
      id: f.id,
      meeting_id: rec.uuid,
      recording_start: f.recording_start,
      recording_end: f.recording_end,
      file_type: f.file_type,
      file_extension: f.file_extension,
      file_size: f.file_size,
      play_url: `https://us05web.zoom.us/rec/play/${tok}`,
      download_url: `${state.origin}/rec/download/${tok}`,
      status: f.status,
      recording_type: f.recording_type,
    };
  });
  return {
    uuid: rec.uuid,
    id: rec.id,
    account_id: state.account.id,
    host_id: rec.host_id,
    topic: rec.topic,
    type: rec.type,
    start_time: rec.start_time,
    timezone: user.timezone,
    duration: rec.duration,
    total_size: rec.recording_files.reduce((s, f) => s + f.file_size, 0),
    recording_count: rec.recording_files.length,
    share_url: `https://us05web.zoom.us/rec/share/sbx${rec.id}`,
    recording_play_passcode: `sbx${hash32(rec.uuid).toString(36)}`,
    recording_files: files,
  };
}

function listRecordings(c: RouteCtx): Reply {
  const userId = c.params.userId ?? '';
  const user = lookupUser(c.state, userId);
  if (!user) throw new ZoomError(404, 1001, `User ${userId} does not exist, or does not belong to this account.`);
  const today = startOfUtcDay(c.now);
  // trash=true lists only recordings in the trash; the default lists only the others (Zoom's `trash` parameter).
  const trash = c.query.get('trash') === 'true';
  const trashType = c.query.get('trash_type') ?? 'meeting_recordings';
  if (trash && trashType !== 'meeting_recordings' && trashType !== 'recording_file') throw validationError('trash_type', 'Invalid field: trash_type must be meeting_recordings or recording_file.');
  if (trash) return listTrash(c, user, trashType === 'recording_file');
  if (user.recordings.length === 0 && c.state.account.quirks.noRecordings === '3301') throw new ZoomError(404, 3301, 'There is no recording for this session.');
  const fromS = c.query.get('from');
  const toS = c.query.get('to');
  let from = today;
  let to = today + DAY;
  if (fromS) {
    const f = parseDate(fromS);
    if (f === undefined) throw validationError('from', `Invalid field: from must be yyyy-mm-dd.`);
    from = f;
    to = today;
  }
  if (toS) {
    const t = parseDate(toS);
    if (t === undefined) throw validationError('to', `Invalid field: to must be yyyy-mm-dd.`);
    to = t;
  }
  if (from > to) throw new ZoomError(400, 300, 'The from date must be before the to date.');
  if (to - from > MAX_WINDOW_MS) {
    if (c.state.account.quirks.recordingsLongRange === 'error') throw new ZoomError(400, 300, 'The date range cannot exceed one month: from and to must be within one month.');
    to = from + MAX_WINDOW_MS;
  }
  const meetingIdFilter = c.query.get('meeting_id');
  const { lo, hi } = timeRange(user.recordings, (r) => Date.parse(r.start_time), from, to + DAY);
  const indices: number[] = [];
  for (let i = hi - 1; i >= lo; i--) {
    const rec = user.recordings.at(i)!;
    if (isTrashed(rec, c.now)) continue;
    if (meetingIdFilter && String(rec.id) !== meetingIdFilter) continue;
    indices.push(i);
  }
  const total = indices.length;
  const p = paginate(c, { key: `recordings|${user.id}|${ymd(from)}|${ymd(to)}|${meetingIdFilter ?? ''}|${trash}`, total });
  const meetings: Array<Record<string, unknown>> = [];
  for (let k = p.offset; k < p.end; k++) {
    const i = indices[k]!;
    const rec = user.recordings.at(i)!;
    meetings.push(renderRecording(c.state, user, rec, i));
  }
  return json({
    from: ymd(from),
    to: ymd(to),
    page_count: p.page_count,
    page_size: p.page_size,
    total_records: p.total_records,
    next_page_token: p.next_page_token,
    meetings,
  });
}

/** A single recording file deleted from a meeting still listed (trash_type=recording_file): one in five of the last 30 days, by uuid. */
function hasTrashedFile(rec: SandboxRecording, now: number): boolean {
  const t = Date.parse(rec.start_time);
  return !isTrashed(rec, now) && rec.recording_files.length > 1 && t > now - 30 * DAY && t <= now && hash32(rec.uuid) % 5 === 1;
}

/**
 * The trash: "The trash files cannot be filtered by date range and thus, the from and to fields should
 * not be used for trash files" (meetings.openapi.json): from/to are ignored; everything Zoom keeps there
 * (30 days) is listed. trash_type=meeting_recordings: whole meetings; recording_file: single files.
 */
function listTrash(c: RouteCtx, user: SandboxUser, files: boolean): Reply {
  const indices: number[] = [];
  const { lo, hi } = timeRange(user.recordings, (r) => Date.parse(r.start_time), c.now - 31 * DAY, c.now + DAY);
  for (let i = hi - 1; i >= lo; i--) {
    const rec = user.recordings.at(i)!;
    if (files ? hasTrashedFile(rec, c.now) : isTrashed(rec, c.now)) indices.push(i);
  }
  const p = paginate(c, { key: `recordings-trash|${user.id}|${files}`, total: indices.length });
  const meetings: Array<Record<string, unknown>> = [];
  for (let k = p.offset; k < p.end; k++) {
    const i = indices[k]!;
    const rec = user.recordings.at(i)!;
    const r = renderRecording(c.state, user, rec, i);
    if (files) r.recording_files = (r.recording_files as unknown[]).slice(-1).map((f) => ({ ...(f as object), deleted_time: trashedAt(rec) }));
    meetings.push({ ...r, deleted_time: trashedAt(rec) });
  }
  return json({ page_count: p.page_count, page_size: p.page_size, total_records: p.total_records, next_page_token: p.next_page_token, meetings });
}

export const recordingRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/v2/users/:userId/recordings',
    category: 'Medium',
    granular: ['cloud_recording:read:list_user_recordings:admin'],
    classic: ['recording:read:admin', 'recording:read'],
    area: 'api',
    auth: 'bearer',
    spec: 'meetings.openapi.json recordingsList (GET /users/{userId}/recordings)',
    handler: listRecordings,
  },
  { method: 'GET', path: '/rec/download/:token', category: null, area: 'downloads', auth: 'bearer', handler: downloadHandler },
  // phone.openapi.json labels these MEDIUM (phoneDownloadRecordingFile, phoneDownloadVoicemailFile): counted on Zoom Phone's table.
  { method: 'GET', path: '/v2/phone/recording/download/:token', category: 'Medium', area: 'downloads', auth: 'bearer', handler: downloadHandler },
  { method: 'GET', path: '/v2/phone/voice_mails/download/:token', category: 'Medium', area: 'downloads', auth: 'bearer', handler: downloadHandler },
  { method: 'GET', path: '/files/:token', category: null, area: 'downloads', auth: 'none', handler: fileHandler },
];
