/**
 * Zoom Phone (phone.openapi.json): user profile and settings, call history (and the deprecated
 * call logs), call recordings, voicemails, SMS sessions.
 *
 * - Account without Phone: 403 code 2031 "Zoom Phone has not been enabled for this account."
 *   (phone.openapi.json, e.g. GET /phone/settings).
 * - User without a Phone licence (or unknown): 404 code 1001 "User does not exist: {userId}."
 *   (the 404 the spec lists for these endpoints; call_history lists code 300 for it, which we follow).
 * - Windows: from/to as yyyy-mm-dd or yyyy-MM-ddTHH:mm:ssZ; `to` required with `from`; one month at
 *   most (longer windows are cut to one month and the answer's from/to say so, or refused, per quirk);
 *   within the last six months (an older start is clamped to six months ago, or refused, per quirk),
 *   except the SMS lists and the account's recordings, whose specs state no such limit (the account's
 *   recordings refuse older months with 400 code 300 under the quirk accountRecordingsOlderThanSixMonths 'error').
 *   Without from: the call history and call logs cover the last 24 hours, the others the last 30 days.
 * - The lists are declarations (`phoneList`), answered by one handler.
 */
import { DAY } from '../build.js';
import {
  addMonths,
  json,
  lookupUser,
  MAX_WINDOW_MS,
  paginate,
  parseDate,
  startOfUtcDay,
  timeRange,
  validationError,
  ymd,
  ZoomError,
  type RouteCtx,
  type RouteDef,
} from '../core.js';
import type { Category } from '../ratelimit.js';
import type { SandboxCall, SandboxPhoneRecording, SandboxQuirks, SandboxUser, SandboxVoicemail, Seq } from '../model.js';
import { downloadToken } from './recordings.js';

/** 403 code 2031: the account has no Zoom Phone (every Phone route). */
export const phoneOff = () => new ZoomError(403, 2031, 'Zoom Phone has not been enabled for this account.');

function phoneUser(c: RouteCtx, notFoundCode = 1001): SandboxUser {
  if (!c.state.account.phoneEnabled) throw phoneOff();
  const id = c.params.userId ?? '';
  const u = lookupUser(c.state, id);
  if (u?.phoneError) throw new ZoomError(u.phoneError.status, u.phoneError.code, u.phoneError.message);
  if (!u || !u.phone) throw new ZoomError(404, notFoundCode, `User does not exist: ${id}.`);
  return u;
}

interface Window {
  from: number;
  /** exclusive end */
  end: number;
  fromOut: string;
  toOut: string;
}

/** The six-month rule of a list's window: clamped or refused per quirk (true), none (false), or refused with 400 code 300 Validation Failed ('validation'). */
type SixMonthRule = boolean | 'validation';

function phoneWindow(c: RouteCtx, defaultMs: number, missingToCode: 300 | 301, sixMonthLimit: SixMonthRule = true): Window {
  const fromS = c.query.get('from');
  const toS = c.query.get('to');
  const quirks = c.state.account.quirks;
  if (!fromS) {
    const from = c.now - defaultMs;
    return { from, end: c.now + 1, fromOut: ymd(from), toOut: ymd(c.now) };
  }
  if (!toS) {
    if (missingToCode === 301) throw new ZoomError(400, 301, 'Invalid request param: to.');
    throw validationError('to', 'to is required when from is specified.');
  }
  const from = parseDate(fromS, true);
  if (from === undefined) throw missingToCode === 301 ? new ZoomError(400, 301, 'Invalid request param: from.') : validationError('from');
  const toP = parseDate(toS, true);
  if (toP === undefined) throw missingToCode === 301 ? new ZoomError(400, 301, 'Invalid request param: to.') : validationError('to');
  const dateOnly = !toS.includes('T');
  let end = dateOnly ? toP + DAY : toP + 1;
  if (from > toP) throw new ZoomError(400, 300, 'The from date must be before the to date.');
  let fromEff = from;
  const sixMonths = startOfUtcDay(addMonths(c.now, -6));
  if (sixMonthLimit && from < sixMonths) {
    if (sixMonthLimit === 'validation') throw new ZoomError(400, 300, 'Validation failed. You provided an incorrect value for the template type. Provide a valid value and try again.');
    if (quirks.phoneOlderThanSixMonths === 'error') throw new ZoomError(400, 300, 'Only data within the last six months can be queried: from must fall within the last six months.');
    fromEff = sixMonths;
  }
  const limit = from + MAX_WINDOW_MS + (dateOnly ? DAY : 1);
  let toOut = toS.slice(0, 10);
  if (end > limit) {
    if (quirks.phoneLongRange === 'error') throw new ZoomError(400, 300, 'The date range cannot exceed one month.');
    end = limit;
    toOut = ymd(limit - 1);
  }
  if (end < fromEff) end = fromEff;
  return { from: fromEff, end, fromOut: fromS.slice(0, 10), toOut };
}

const t = (s: string) => Date.parse(s);

type Rec = Record<string, unknown>;

/**
 * A Zoom Phone list as a declaration (issue 27: the sandbox grows by declaration, not by copy): one entry
 * per spec operation, answered by the one handler `phoneList`. The entry says whose records it lists, its
 * window rule, where the records come from and which of their times the window bounds, its query filters,
 * how a record is rendered, and how the answer pages and is laid out.
 */
interface PhoneList<T> {
  /** Path pattern with :params, under /v2. */
  path: string;
  /** "phone.openapi.json phoneUserCallHistory" */
  spec: string;
  label: Category;
  granular: string[];
  classic: string[];
  /**
   * Whose records: the path's user (Phone off: 403 2031; no Phone licence, or unknown: 404 `notFoundCode`), or
   * every user's, leavers' too (`phoneOff`: 2031 on an account without Phone; `once`: a record two users share,
   * by this id, is listed once).
   */
  owner: { of: 'user'; notFoundCode: number } | { of: 'account'; phoneOff: boolean; once?: (x: T) => string };
  /**
   * The window (phoneWindow): without `from`, the last `defaultDays`; a bad `from`/`to`, or `to` missing,
   * answers 400 code `badParam` (301 "Invalid request param: …", 300 Validation Failed); `sixMonths`: a start
   * more than six months ago is clamped (or refused, per quirk); a function: the rule the account's quirks choose.
   */
  window: { defaultDays: number; badParam: 300 | 301; sixMonths: SixMonthRule | ((q: SandboxQuirks) => SixMonthRule) };
  /** The person's records of this kind, ascending by `time`. */
  records: (u: SandboxUser) => Seq<T>;
  /** The record's time: newest first by it, and what the window bounds (unless `windowBy` is 'filter'). */
  time: (x: T) => string;
  /** 'filter': a query filter says which records the window holds (SMS `filter_type`: which messages' times). */
  windowBy?: 'filter';
  /** Query filters, read after the window, in order. */
  filters?: ReadonlyArray<PhoneFilter<T>>;
  /** A record as the list renders it (`i`: its index in the owner's records, for download links). */
  render: (c: RouteCtx, x: T, u: SandboxUser, i: number) => Rec;
  /** The records' key in the answer, and what goes beside them (e.g. `call_elements`, each call's legs). */
  key: string;
  beside?: { key: string; of: (x: T, u: SandboxUser) => Rec[] };
  /** The answer's fields in order: `key`, `beside.key`, from, to, next_page_token, page_count, page_size, total_records. */
  answer: readonly string[];
  /** The page size maximum, and the code of an invalid or expired next_page_token. */
  page: { max: number; badToken: number };
}

interface PhoneFilter<T> {
  query: string;
  /** The value when the parameter is absent (and when empty, if `blank` is 'default'). */
  default: string;
  blank?: 'default';
  /** The values allowed (any other: 400 Validation Failed naming the parameter); none: free text, trimmed and lower-cased. */
  values?: readonly string[];
  /** Which records the value lets through; undefined: all. */
  keep?: (value: string, c: RouteCtx, w: Window) => ((x: T) => boolean) | undefined;
}

interface Row<T> {
  x: T;
  u: SandboxUser;
  /** Index in u's records. */
  i: number;
}

/**
 * The records a list holds, newest first: one user's (from their newest backwards; a window without filters
 * is not copied), or every user's, merged by time.
 */
function selectRows<T>(d: PhoneList<T>, owners: SandboxUser[], w: Window, keeps: Array<(x: T) => boolean>): { total: number; at: (k: number) => Row<T> } {
  const timeOf = (x: T) => t(d.time(x));
  const range = (seq: Seq<T>) => (d.windowBy === 'filter' ? { lo: 0, hi: seq.length } : timeRange(seq, timeOf, w.from, w.end));
  const kept = (x: T) => keeps.every((k) => k(x));
  const rows: Array<Row<T>> = [];
  if (d.owner.of === 'user') {
    const u = owners[0]!;
    const seq = d.records(u);
    const r = range(seq);
    if (!keeps.length) return { total: r.hi - r.lo, at: (k) => ({ x: seq.at(r.hi - 1 - k)!, u, i: r.hi - 1 - k }) };
    for (let i = r.hi - 1; i >= r.lo; i--) if (kept(seq.at(i)!)) rows.push({ x: seq.at(i)!, u, i });
    return { total: rows.length, at: (k) => rows[k]! };
  }
  const once = d.owner.once;
  const seen = new Set<string>();
  for (const u of owners) {
    const seq = d.records(u);
    const r = range(seq);
    for (let i = r.lo; i < r.hi; i++) {
      const x = seq.at(i)!;
      if (!kept(x)) continue;
      if (once) {
        if (seen.has(once(x))) continue;
        seen.add(once(x));
      }
      rows.push({ x, u, i });
    }
  }
  rows.sort((a, b) => timeOf(b.x) - timeOf(a.x));
  return { total: rows.length, at: (k) => rows[k]! };
}

/** The one handler of the Phone lists: owner, window, filters, rows, page, answer, in that order (the order Zoom checks them in). */
function phoneList<T>(d: PhoneList<T>): RouteDef {
  const handler = (c: RouteCtx) => {
    let owners: SandboxUser[];
    if (d.owner.of === 'user') owners = [phoneUser(c, d.owner.notFoundCode)];
    else {
      if (d.owner.phoneOff && !c.state.account.phoneEnabled) throw phoneOff();
      owners = c.state.account.users;
    }
    const six = d.window.sixMonths;
    const w = phoneWindow(c, d.window.defaultDays * DAY, d.window.badParam, typeof six === 'function' ? six(c.state.account.quirks) : six);
    const values: string[] = [];
    const keeps: Array<(x: T) => boolean> = [];
    for (const f of d.filters ?? []) {
      const raw = c.query.get(f.query);
      let v = raw === null || (raw === '' && f.blank === 'default') ? f.default : raw;
      if (!f.values) v = v.trim().toLowerCase();
      else if (!f.values.includes(v)) throw validationError(f.query);
      values.push(v);
      const keep = f.keep?.(v, c, w);
      if (keep) keeps.push(keep);
    }
    const rows = selectRows(d, owners, w, keeps);
    const key = [d.path, d.owner.of === 'user' ? owners[0]!.id : '', w.from, w.end, ...values].join('|');
    const p = paginate(c, { key, total: rows.total, maxPageSize: d.page.max, tokenErrorCode: d.page.badToken });
    const page = Array.from({ length: p.end - p.offset }, (_, k) => rows.at(p.offset + k));
    const fields: Rec = {
      [d.key]: page.map((r) => d.render(c, r.x, r.u, r.i)),
      ...(d.beside ? { [d.beside.key]: page.flatMap((r) => d.beside!.of(r.x, r.u)) } : {}),
      from: w.fromOut,
      to: w.toOut,
      next_page_token: p.next_page_token,
      page_count: p.page_count,
      page_size: p.page_size,
      total_records: p.total_records,
    };
    return json(Object.fromEntries(d.answer.map((k) => [k, fields[k]])));
  };
  return { method: 'GET', path: d.path, category: d.label, granular: d.granular, classic: d.classic, area: 'api', auth: 'bearer', spec: d.spec, handler };
}

/** A voicemail as the list and the details endpoint both render it (the details add `transcription`). */
export function voicemailRecord(c: RouteCtx, x: SandboxVoicemail, ownerId: string, index: number): Record<string, unknown> {
  return {
    id: x.id,
    call_id: x.call_id,
    call_log_id: x.call_log_id,
    call_history_id: x.call_log_id,
    caller_name: x.caller_name,
    caller_number: x.caller_number,
    caller_number_type: 2,
    callee_name: x.callee_name,
    callee_number: x.callee_number,
    callee_number_type: 1,
    date_time: x.date_time,
    duration: x.duration,
    status: x.status,
    download_url: `${c.state.origin}/v2/phone/voice_mails/download/${downloadToken(c.state, `v|${ownerId}|${index}`)}`,
  };
}

/** A call recording as the user's and the account's lists render it; its owner a user, or a leaver's extension (deleted). */
function phoneRecordingRecord(c: RouteCtx, x: SandboxPhoneRecording, u: SandboxUser, i: number): Record<string, unknown> {
  return {
    id: x.id,
    call_id: x.call_id,
    call_log_id: x.call_log_id,
    call_history_id: x.call_log_id,
    caller_name: x.caller_name,
    caller_number: x.caller_number,
    caller_number_type: x.direction === 'outbound' ? 1 : 2,
    callee_name: x.callee_name,
    callee_number: x.callee_number,
    callee_number_type: x.direction === 'inbound' ? 1 : 2,
    direction: x.direction,
    date_time: x.date_time,
    duration: x.duration,
    recording_type: x.recording_type,
    download_url: `${c.state.origin}/v2/phone/recording/download/${downloadToken(c.state, `p|${u.id}|${i}`)}`,
    owner: phoneOwner(u),
    ...(u.phone ? { site: { id: u.phone.site_id, name: u.phone.site_name } } : {}),
  };
}

/** `owner` of a Phone record: the user, with their extension; once their Phone licence is gone, the extension is deleted. */
function phoneOwner(u: SandboxUser): Record<string, unknown> {
  return u.phone
    ? { type: 'user', id: u.id, name: u.display_name, extension_number: u.phone.extension_number }
    : { type: 'user', id: u.id, name: u.display_name, extension_status: 'deleted', extension_deleted_time: '2026-01-01T00:00:00Z' };
}

function numberType(n: string, ext: string): string {
  return ext ? 'zoom_pstn' : n ? 'external_pstn' : 'anonymous_number';
}

function renderHistory(x: SandboxCall, u: SandboxUser): Record<string, unknown> {
  const inbound = x.direction === 'inbound';
  return {
    id: x.id,
    call_path_id: x.id.replace(/-/g, '').slice(0, 20),
    call_id: x.call_id,
    group_id: '',
    connect_type: x.connect_type,
    call_type: 'general',
    direction: x.direction,
    hide_caller_id: false,
    end_to_end: false,
    caller_ext_id: inbound ? '' : (u.phone?.extension_id ?? ''),
    caller_name: x.caller_name,
    caller_email: x.caller_email,
    caller_did_number: x.caller_number,
    caller_ext_number: x.caller_ext_number,
    caller_ext_type: x.caller_ext_number ? 'user' : undefined,
    caller_number_type: numberType(x.caller_number, x.caller_ext_number),
    caller_country_iso_code: 'GB',
    caller_country_code: '44',
    caller_site_id: x.caller_ext_number ? (u.phone?.site_id ?? '') : '',
    callee_ext_id: inbound ? (u.phone?.extension_id ?? '') : '',
    callee_name: x.callee_name,
    callee_email: x.callee_email,
    callee_did_number: x.callee_number,
    callee_ext_number: x.callee_ext_number,
    callee_ext_type: x.callee_ext_number ? 'user' : undefined,
    callee_number_type: numberType(x.callee_number, x.callee_ext_number),
    callee_country_iso_code: 'GB',
    callee_country_code: '44',
    callee_site_id: x.callee_ext_number ? (u.phone?.site_id ?? '') : '',
    start_time: x.start_time,
    answer_time: x.answer_time,
    end_time: x.end_time,
    event: inbound ? 'incoming' : 'outgoing',
    result: x.result,
    recording_id: x.recording_id,
    recording_type: x.recording_id ? 'ad-hoc' : undefined,
    voicemail_id: x.voicemail_id,
    talk_time: x.duration,
    hold_time: 0,
    wait_time: 8,
  };
}

/** The 32-bit FNV-1a hash of a string: stable per call, for the sandbox's made-up device addresses. */
function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * One call's legs (`call_elements` of phoneUserCallHistory): the person's own leg, with the device and
 * IP addresses at their end (Zoom gives them only here, not in `call_logs`).
 */
function renderElements(x: SandboxCall, u: SandboxUser): Array<Record<string, unknown>> {
  const h = renderHistory(x, u);
  const inbound = x.direction === 'inbound';
  const n = fnv(x.id);
  const device = { device_private_ip: `10.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${(n & 253) + 1}`, device_public_ip: `198.51.100.${(n % 250) + 1}`, device_type: n % 2 ? 'MAC_Client(6.0.2.33403)' : 'Windows_Client(6.1.0.40000)' };
  const own = inbound ? 'callee' : 'caller';
  const { id, call_path_id: _path, ...rest } = h;
  return [
    {
      call_element_id: `${x.start_time.slice(0, 10).replace(/-/g, '')}-${x.id}`,
      call_history_uuid: id,
      ...rest,
      [`${own}_device_private_ip`]: device.device_private_ip,
      [`${own}_device_public_ip`]: device.device_public_ip,
      [`${own}_device_type`]: device.device_type,
    },
  ];
}

const LEGACY_RESULT: Record<SandboxCall['result'], string> = {
  answered: 'Call connected',
  voicemail: 'Voicemail',
  no_answer: 'No Answer',
  hang_up: 'Hang Up',
  busy: 'Busy',
};

function renderLegacy(x: SandboxCall, u: SandboxUser): Record<string, unknown> {
  return {
    id: x.id,
    call_id: x.call_id,
    user_id: u.id,
    caller_number: x.caller_number,
    caller_number_type: x.caller_ext_number ? 1 : 2,
    caller_name: x.caller_name,
    caller_country_code: '44',
    caller_country_iso_code: 'GB',
    callee_number: x.callee_number,
    callee_number_type: x.callee_ext_number ? 1 : 2,
    callee_name: x.callee_name,
    callee_country_code: '44',
    callee_country_iso_code: 'GB',
    direction: x.direction,
    duration: x.duration,
    result: LEGACY_RESULT[x.result],
    date_time: x.start_time,
    answer_start_time: x.answer_time,
    call_end_time: x.end_time,
    path: 'pbx',
    has_recording: Boolean(x.recording_id),
    has_voicemail: Boolean(x.voicemail_id),
    recording_type: x.recording_id ? 'OnDemand' : undefined,
    charge: '',
    rate: '',
    client_code: '',
    site: { id: u.phone?.site_id ?? '', name: u.phone?.site_name ?? '' },
    department: u.dept,
    cost_center: '',
  };
}

const PHONE_READ = ['phone:read', 'phone:read:admin'];

type SmsSession = SandboxUser['smsSessions'][number];

/** Which sessions a window holds, by `filter_type`: which messages' times From and To bound (default: the session's last message). */
function smsMatch(c: RouteCtx, w: Window, filter: string): (s: SmsSession) => boolean {
  const inWindow = (ms: number) => ms >= w.from && ms < w.end;
  const texts = (id: string) => c.state.account.breadth?.sms[id] ?? [];
  return (s) => {
    if (filter === 'last_message_time') return inWindow(t(s.last_access_time));
    const dir = filter === 'sent_message_time' ? 'Out' : filter === 'received_message_time' ? 'In' : undefined;
    return texts(s.session_id).some((m) => (!dir || m.direction === dir) && inWindow(t(m.date_time)));
  };
}

function smsSessionRecord(s: SmsSession): Record<string, unknown> {
  return {
    session_id: s.session_id,
    session_type: 'user',
    last_access_time: s.last_access_time,
    participants: s.participants.map((x) => ({
      display_name: x.display_name,
      phone_number: x.phone_number,
      is_session_owner: x.is_session_owner,
      ...(x.owner_id ? { owner: { id: x.owner_id, type: 'user' } } : {}),
    })),
  };
}

/** userSmsSession and accountSmsSession `filter_type`: which messages' times From and To bound (default: the session's last message). */
const SMS_FILTER: PhoneFilter<SmsSession> = {
  query: 'filter_type',
  default: 'last_message_time',
  blank: 'default',
  values: ['sent_message_time', 'received_message_time', 'last_message_time', 'sent_received_message_time'],
  keep: (v, c, w) => smsMatch(c, w, v),
};

// The parts the lists share (spread into their declarations).
const USER = { of: 'user', notFoundCode: 1001 } as const;
const ACCOUNT = { of: 'account', phoneOff: false } as const;
/** Window rules: the default window (24 hours or 30 days), and whether the six-month limit applies. */
const DAY_SIX = { defaultDays: 1, badParam: 300, sixMonths: true } as const;
const MONTH_SIX = { defaultDays: 30, badParam: 300, sixMonths: true } as const;
const MONTH_ANY = { defaultDays: 30, badParam: 300, sixMonths: false } as const;
/** The records of each kind and the time the window bounds. */
const CALLS = { records: (u: SandboxUser) => u.calls, time: (x: SandboxCall) => x.start_time };
const VOICEMAILS = { records: (u: SandboxUser) => u.voicemails, time: (x: SandboxVoicemail) => x.date_time, key: 'voice_mails' };
const RECORDINGS = { records: (u: SandboxUser) => u.phoneRecordings, time: (x: SandboxPhoneRecording) => x.date_time, render: phoneRecordingRecord, key: 'recordings' };
/** The SMS lists, the user's and the account's: one-month windows without the six-month limit, `filter_type`, page ≤ 100, the page before the sessions. */
const SMS = {
  window: MONTH_ANY,
  records: (u: SandboxUser) => u.smsSessions,
  time: (x: SmsSession) => x.last_access_time,
  windowBy: 'filter',
  filters: [SMS_FILTER],
  render: (_c: RouteCtx, x: SmsSession) => smsSessionRecord(x),
  key: 'sms_sessions',
  answer: ['next_page_token', 'page_size', 'sms_sessions'],
  page: { max: 100, badToken: 400 },
} as const;
/** The envelope of a windowed list: the records, the window, and the page; `badToken`: the code of a bad next_page_token. */
const windowPage = (key: string, badToken: number) => ({ key, answer: [key, 'from', 'to', 'next_page_token', 'page_count', 'page_size', 'total_records'], page: { max: 300, badToken } });

/** A call of the account's call history (accountCallHistory): the user's history record, with the account's fields. */
function renderAccountHistory(x: SandboxCall, u: SandboxUser): Rec {
  const h = renderHistory(x, u);
  return {
    id: h.id, call_id: h.call_id, direction: h.direction, international: false, start_time: h.start_time, answer_time: h.answer_time, end_time: h.end_time, duration: x.duration,
    connect_type: h.connect_type, call_type: 'general', call_result: x.result, hide_caller_id: false, end_to_end: false,
    caller_ext_id: h.caller_ext_id, caller_did_number: h.caller_did_number, caller_ext_number: h.caller_ext_number, caller_name: h.caller_name, caller_email: h.caller_email, caller_ext_type: h.caller_ext_type, caller_number_type: h.caller_number_type, caller_country_iso_code: 'GB', caller_country_code: '44',
    callee_ext_id: h.callee_ext_id, callee_did_number: h.callee_did_number, callee_ext_number: h.callee_ext_number, callee_name: h.callee_name, callee_email: h.callee_email, callee_ext_type: h.callee_ext_type, callee_number_type: h.callee_number_type, callee_country_iso_code: 'GB', callee_country_code: '44',
    department: u.dept, cost_center: '', recording_status: x.recording_id ? 'recorded' : 'non_recorded',
  };
}

export const phoneRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/v2/phone/users',
    category: 'Medium',
    granular: ['phone:read:list_users:admin'],
    classic: ['phone:read:admin'],
    area: 'api',
    auth: 'bearer',
    spec: 'phone.openapi.json listPhoneUsers',
    handler: (c) => {
      if (!c.state.account.phoneEnabled) throw phoneOff();
      const list = c.state.account.users.filter((u) => u.phone);
      const p = paginate(c, { key: 'phone_users', total: list.length });
      const users = list.slice(p.offset, p.end).map((u) => ({
        id: u.phone!.phone_user_id,
        phone_user_id: u.phone!.phone_user_id,
        email: u.email,
        name: u.display_name,
        extension_id: u.phone!.extension_id,
        extension_number: u.phone!.extension_number,
        status: u.phone!.status,
        calling_plans: [{ type: u.phone!.calling_plan_type, name: 'US/CA Unlimited Calling' }],
        phone_numbers: u.phone!.phone_numbers,
        site: { id: u.phone!.site_id, name: u.phone!.site_name },
        department: u.dept,
      }));
      return json({ next_page_token: p.next_page_token, page_size: p.page_size, total_records: p.total_records, users });
    },
  },
  {
    method: 'GET',
    path: '/v2/phone/users/:userId',
    category: 'Light',
    granular: ['phone:read:user:admin'],
    classic: PHONE_READ,
    area: 'api',
    auth: 'bearer',
    spec: 'phone.openapi.json phoneUser',
    handler: (c) => {
      const u = phoneUser(c);
      const p = u.phone!;
      return json({
        id: u.id,
        phone_user_id: p.phone_user_id,
        email: u.email,
        name: u.display_name,
        extension_id: p.extension_id,
        extension_number: p.extension_number,
        phone_numbers: p.phone_numbers.map((n) => ({ id: n.id, number: n.number })),
        status: p.status,
        site_id: p.site_id,
        site_admin: false,
        department: u.dept,
        cost_center: '',
        calling_plans: [{ type: p.calling_plan_type, billing_account_id: '', billing_account_name: '' }],
        emergency_address: { ...p.emergency_address },
        policy: {
          ad_hoc_call_recording: { enable: true, recording_start_prompt: true, recording_transcription: false, locked: false },
          auto_call_recording: { enable: false, locked: false, recording_calls: 'both', recording_start_prompt: true, recording_transcription: false },
          voicemail: { allow_delete: true, allow_download: true, allow_transcription: true, allow_videomail: false, enable: true },
          sms: { enable: true, international_sms: false, locked: false },
          international_calling: false,
          elevate_to_meeting: true,
          delegation: false,
        },
      });
    },
  },
  {
    method: 'GET',
    path: '/v2/phone/users/:userId/settings',
    category: 'Light',
    granular: ['phone:read:user_setting:admin'],
    classic: PHONE_READ,
    area: 'api',
    auth: 'bearer',
    spec: 'phone.openapi.json phoneUserSettings',
    handler: (c) => {
      const u = phoneUser(c);
      const p = u.phone!;
      return json({
        area_code: '',
        audio_prompt_language: 'en-GB',
        company_number: p.phone_numbers[0]?.number ?? '',
        country: { code: 'GB', country_code: '44', name: 'United Kingdom' },
        // No delegation privileges: `privileges` left out (its spec puts the 1–7 enum on the array itself, which no list satisfies).
        delegation: { assistants: [], privacy: false, locked: false },
        desk_phone: { devices: [], keys_positions: { primary_number: p.phone_numbers[0]?.number ?? '' }, phone_screen_lock: false, pin_code: '' },
        extension_number: p.extension_number,
        music_on_hold_id: '',
        outbound_caller: { number: p.phone_numbers[0]?.number ?? '' },
        outbound_caller_ids: p.phone_numbers.map((n, i) => ({ is_default: i === 0, name: 'Direct', number: n.number })),
        status: p.status === 'activate' ? 'Active' : 'Inactive',
        voice_mail: [{ access_user_id: u.id, access_user_type: 'user', delete: true, download: true, shared_id: p.extension_id }],
        intercom: { audio_intercoms: [], device: { id: '', name: '' } },
        auto_call_recording_access_members: [],
        ad_hoc_call_recording_access_members: [],
      });
    },
  },

  // The lists, one declaration each (phone.openapi.json). Windows: one month at most; without `from`, the call
  // history and the deprecated call logs cover the last 24 hours, the others the last 30 days; SMS and the
  // account's recordings document no six-month limit. Page maxima: 300, SMS 100.
  phoneList<SandboxCall>({
    path: '/v2/phone/users/:userId/call_history',
    spec: 'phone.openapi.json phoneUserCallHistory',
    label: 'Medium',
    granular: ['phone:read:list_call_logs:admin'],
    classic: ['phone:read:admin', 'phone_call_log:read'],
    // This operation documents 404 code 300 for an unknown user and 301 "Invalid request param" for a bad one.
    owner: { of: 'user', notFoundCode: 300 },
    window: { defaultDays: 1, badParam: 301, sixMonths: true },
    ...CALLS,
    render: (_c, x, u) => renderHistory(x, u),
    key: 'call_logs',
    // The legs of the same calls go beside them (`call_elements`).
    beside: { key: 'call_elements', of: renderElements },
    answer: ['call_logs', 'call_elements', 'from', 'to', 'next_page_token', 'page_size', 'total_records'],
    page: { max: 300, badToken: 300 },
  }),
  phoneList<SandboxCall>({
    path: '/v2/phone/users/:userId/call_logs',
    spec: 'phone.openapi.json phoneUserCallLogs (deprecated)',
    label: 'Medium',
    granular: ['phone:read:list_call_logs:admin'],
    classic: ['phone:read', 'phone:read:admin', 'phone_call_log:read', 'phone_call_log:read:admin'],
    owner: USER,
    // "If unspecified, returns data within the 24 hours" (was 30 days here before).
    window: DAY_SIX,
    ...CALLS,
    filters: [{ query: 'type', default: 'all', values: ['all', 'missed'], keep: (v) => (v === 'missed' ? (x) => x.direction === 'inbound' && x.result !== 'answered' : undefined) }],
    render: (_c, x, u) => renderLegacy(x, u),
    ...windowPage('call_logs', 400),
  }),
  phoneList<SandboxPhoneRecording>({
    path: '/v2/phone/users/:userId/recordings',
    spec: 'phone.openapi.json phoneUserRecordings',
    label: 'Medium',
    granular: ['phone:read:list_recordings:admin'],
    classic: ['phone:read', 'phone:read:admin', 'phone_recording:read', 'phone_recording:read:admin'],
    owner: USER,
    window: MONTH_SIX,
    ...RECORDINGS,
    ...windowPage('recordings', 400),
  }),
  phoneList<SandboxVoicemail>({
    path: '/v2/phone/users/:userId/voice_mails',
    spec: 'phone.openapi.json phoneUserVoiceMails',
    label: 'Medium',
    granular: ['phone:read:list_voicemails:admin'],
    classic: ['phone:read', 'phone:read:admin', 'phone_voicemail:read', 'phone_voicemail:read:admin'],
    owner: USER,
    window: MONTH_SIX,
    ...VOICEMAILS,
    filters: [{ query: 'status', default: 'all', values: ['all', 'read', 'unread'], keep: (v) => (v === 'all' ? undefined : (x) => x.status === v) }],
    render: (c, x, u, i) => voicemailRecord(c, x, u.id, i),
    ...windowPage('voice_mails', 400),
  }),
  phoneList<SmsSession>({
    path: '/v2/phone/users/:userId/sms/sessions',
    spec: 'phone.openapi.json userSmsSession',
    label: 'Medium',
    granular: ['phone:read:list_sms_sessions:admin'],
    classic: ['phone:read:admin', 'phone:read', 'phone_sms:read', 'phone_sms:read:admin'],
    owner: USER,
    ...SMS,
  }),
  // The account's call history (Heavy): every user's calls, a licence removed or not. `keyword` matches "the
  // name, extension, number, email address, and call ID" of either party.
  phoneList<SandboxCall>({
    path: '/v2/phone/call_history',
    spec: 'phone.openapi.json accountCallHistory',
    label: 'Heavy',
    granular: ['phone:read:list_call_logs:admin'],
    classic: ['phone:read:admin', 'phone_call_log:read:admin'],
    owner: { of: 'account', phoneOff: true },
    window: DAY_SIX,
    ...CALLS,
    filters: [{ query: 'keyword', default: '', keep: (kw) => (kw ? (x) => [x.caller_name, x.caller_email, x.caller_number, x.caller_ext_number, x.callee_name, x.callee_email, x.callee_number, x.callee_ext_number, x.call_id].some((v) => v !== '' && v.toLowerCase().includes(kw)) : undefined) }],
    render: (_c, x, u) => renderAccountHistory(x, u),
    key: 'call_logs',
    answer: ['call_logs', 'from', 'to', 'page_size', 'total_records', 'next_page_token'],
    page: { max: 300, badToken: 300 },
  }),
  // The account's call recordings: every owner's, a leaver's too (owner.extension_status deleted).
  phoneList<SandboxPhoneRecording>({
    path: '/v2/phone/recordings',
    spec: 'phone.openapi.json getPhoneRecordings',
    label: 'Medium',
    granular: ['phone:read:list_call_recordings:admin'],
    classic: ['phone:read:admin', 'phone_recording:read:admin'],
    owner: ACCOUNT,
    // Unlike the user's recordings, the account's list states no six-month limit (its `from` says "a month" only):
    // served by default; the quirk 'error' refuses older months with the one 400 the spec documents here (code 300).
    window: { ...MONTH_ANY, sixMonths: (q) => (q.accountRecordingsOlderThanSixMonths === 'error' ? 'validation' : false) },
    ...RECORDINGS,
    answer: ['recordings', 'next_page_token', 'page_size', 'total_records'],
    page: { max: 300, badToken: 300 },
  }),
  // The account's voicemails (Heavy), each with its owner (unless Zoom names none).
  phoneList<SandboxVoicemail>({
    path: '/v2/phone/voice_mails',
    spec: 'phone.openapi.json accountVoiceMails',
    label: 'Heavy',
    granular: ['phone:read:list_voicemails:admin'],
    classic: ['phone:read:admin', 'phone_voicemail:read:admin'],
    owner: ACCOUNT,
    window: MONTH_SIX,
    ...VOICEMAILS,
    render: (c, x, u, i) => ({ ...voicemailRecord(c, x, u.id, i), ...(x.ownerUnknown ? {} : { owner: phoneOwner(u) }) }),
    ...windowPage('voice_mails', 300),
  }),
  // The account's SMS sessions: every user's, a session two users share listed once, each participant with its owner.
  phoneList<SmsSession>({
    path: '/v2/phone/sms/sessions',
    spec: 'phone.openapi.json accountSmsSession',
    label: 'Medium',
    granular: ['phone:read:list_sms_sessions:admin'],
    classic: ['phone:read:admin', 'phone_sms:read', 'phone_sms:read:admin'],
    owner: { ...ACCOUNT, once: (x) => x.session_id },
    ...SMS,
  }),
];
