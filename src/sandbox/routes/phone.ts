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
 *   within the last six months (an older start is clamped to six months ago, or refused, per quirk).
 *   Without from: call_history covers the last 24 hours, the others the last 30 days.
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
import type { SandboxCall, SandboxPhoneRecording, SandboxUser, SandboxVoicemail, Seq } from '../model.js';
import { downloadToken } from './recordings.js';

function phoneUser(c: RouteCtx, notFoundCode = 1001): SandboxUser {
  if (!c.state.account.phoneEnabled) throw new ZoomError(403, 2031, 'Zoom Phone has not been enabled for this account.');
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

function phoneWindow(c: RouteCtx, defaultMs: number, missingToCode: 300 | 301, sixMonthLimit = true): Window {
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

/** Indices of an ascending sequence inside a window, newest first. */
function newestFirst<T>(seq: Seq<T>, timeOf: (t: T) => number, w: Window, keep?: (t: T) => boolean): number[] | { lo: number; hi: number } {
  const r = timeRange(seq, timeOf, w.from, w.end);
  if (!keep) return r;
  const out: number[] = [];
  for (let i = r.hi - 1; i >= r.lo; i--) if (keep(seq.at(i)!)) out.push(i);
  return out;
}

function pageOf<T>(c: RouteCtx, key: string, seq: Seq<T>, sel: number[] | { lo: number; hi: number }, render: (t: T, i: number) => Record<string, unknown>, tokenErrorCode: number, maxPageSize = 300) {
  const total = Array.isArray(sel) ? sel.length : sel.hi - sel.lo;
  const p = paginate(c, { key, total, tokenErrorCode, maxPageSize });
  const items: Array<Record<string, unknown>> = [];
  for (let k = p.offset; k < p.end; k++) {
    const i = Array.isArray(sel) ? sel[k]! : sel.hi - 1 - k;
    items.push(render(seq.at(i)!, i));
  }
  return { p, items };
}

const t = (s: string) => Date.parse(s);

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

/** Every user's records of one kind in a window, newest first (the account-level Phone lists: leavers' too). */
function accountRows<T>(c: RouteCtx, of: (u: SandboxUser) => Seq<T>, timeOf: (t: T) => number, w: Window): Array<{ x: T; u: SandboxUser; i: number }> {
  const rows: Array<{ x: T; u: SandboxUser; i: number }> = [];
  for (const u of c.state.account.users) {
    const seq = of(u);
    const r = timeRange(seq, timeOf, w.from, w.end);
    for (let i = r.lo; i < r.hi; i++) rows.push({ x: seq.at(i)!, u, i });
  }
  return rows.sort((a, b) => timeOf(b.x) - timeOf(a.x));
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

/** userSmsSession `filter_type` (phone.openapi.json). */
const SMS_FILTERS = ['sent_message_time', 'received_message_time', 'last_message_time', 'sent_received_message_time'];

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

/** The envelope of a windowed Phone list (phone.openapi.json): the items, the window, and the page. */
function windowPage(key: string, items: unknown[], w: Window, p: { next_page_token: string; page_count: number; page_size: number; total_records: number }) {
  return json({ [key]: items, from: w.fromOut, to: w.toOut, next_page_token: p.next_page_token, page_count: p.page_count, page_size: p.page_size, total_records: p.total_records });
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
      if (!c.state.account.phoneEnabled) throw new ZoomError(403, 2031, 'Zoom Phone has not been enabled for this account.');
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
  {
    method: 'GET',
    path: '/v2/phone/users/:userId/call_history',
    category: 'Medium',
    granular: ['phone:read:list_call_logs:admin'],
    classic: ['phone:read:admin', 'phone_call_log:read'],
    area: 'api',
    auth: 'bearer',
    spec: 'phone.openapi.json phoneUserCallHistory',
    handler: (c) => {
      const u = phoneUser(c, 300);
      const w = phoneWindow(c, DAY, 301);
      const sel = newestFirst(u.calls, (x) => t(x.start_time), w);
      // The legs of the same calls go beside them (`call_elements`, phone.openapi.json).
      const { p, items } = pageOf(c, `call_history|${u.id}|${w.from}|${w.end}`, u.calls, sel, (x) => ({ log: renderHistory(x, u), legs: renderElements(x, u) }), 300);
      return json({ call_logs: items.map((i) => i.log), call_elements: items.flatMap((i) => i.legs as Array<Record<string, unknown>>), from: w.fromOut, to: w.toOut, next_page_token: p.next_page_token, page_size: p.page_size, total_records: p.total_records });
    },
  },
  {
    method: 'GET',
    path: '/v2/phone/users/:userId/call_logs',
    category: 'Medium',
    granular: ['phone:read:list_call_logs:admin'],
    classic: ['phone:read', 'phone:read:admin', 'phone_call_log:read', 'phone_call_log:read:admin'],
    area: 'api',
    auth: 'bearer',
    spec: 'phone.openapi.json phoneUserCallLogs (deprecated)',
    handler: (c) => {
      const u = phoneUser(c);
      const w = phoneWindow(c, 30 * DAY, 300);
      const type = c.query.get('type') ?? 'all';
      if (type !== 'all' && type !== 'missed') throw validationError('type');
      const keep = type === 'missed' ? (x: SandboxCall) => x.direction === 'inbound' && x.result !== 'answered' : undefined;
      const sel = newestFirst(u.calls, (x) => t(x.start_time), w, keep);
      const { p, items } = pageOf(c, `call_logs|${u.id}|${w.from}|${w.end}|${type}`, u.calls, sel, (x) => renderLegacy(x, u), 400);
      return windowPage('call_logs', items, w, p);
    },
  },
  {
    method: 'GET',
    path: '/v2/phone/users/:userId/recordings',
    category: 'Medium',
    granular: ['phone:read:list_recordings:admin'],
    classic: ['phone:read', 'phone:read:admin', 'phone_recording:read', 'phone_recording:read:admin'],
    area: 'api',
    auth: 'bearer',
    spec: 'phone.openapi.json phoneUserRecordings',
    handler: (c) => {
      const u = phoneUser(c);
      const w = phoneWindow(c, 30 * DAY, 300);
      const sel = newestFirst(u.phoneRecordings, (x) => t(x.date_time), w);
      const { p, items } = pageOf(c, `phone_recordings|${u.id}|${w.from}|${w.end}`, u.phoneRecordings, sel, (x, i) => phoneRecordingRecord(c, x, u, i), 400);
      return windowPage('recordings', items, w, p);
    },
  },
  {
    method: 'GET',
    path: '/v2/phone/users/:userId/voice_mails',
    category: 'Medium',
    granular: ['phone:read:list_voicemails:admin'],
    classic: ['phone:read', 'phone:read:admin', 'phone_voicemail:read', 'phone_voicemail:read:admin'],
    area: 'api',
    auth: 'bearer',
    spec: 'phone.openapi.json phoneUserVoiceMails',
    handler: (c) => {
      const u = phoneUser(c);
      const w = phoneWindow(c, 30 * DAY, 300);
      const status = c.query.get('status') ?? 'all';
      if (!['all', 'read', 'unread'].includes(status)) throw validationError('status');
      const keep = status === 'all' ? undefined : (x: { status: string }) => x.status === status;
      const sel = newestFirst(u.voicemails, (x) => t(x.date_time), w, keep);
      const { p, items } = pageOf(c, `voice_mails|${u.id}|${w.from}|${w.end}|${status}`, u.voicemails, sel, (x, i) => voicemailRecord(c, x, u.id, i), 400);
      return windowPage('voice_mails', items, w, p);
    },
  },
  {
    method: 'GET',
    path: '/v2/phone/users/:userId/sms/sessions',
    category: 'Medium',
    granular: ['phone:read:list_sms_sessions:admin'],
    classic: ['phone:read:admin', 'phone:read', 'phone_sms:read', 'phone_sms:read:admin'],
    area: 'api',
    auth: 'bearer',
    spec: 'phone.openapi.json userSmsSession',
    handler: (c) => {
      const u = phoneUser(c);
      // The spec sets one-month windows for SMS but, unlike the other Phone lists, no six-month limit.
      const w = phoneWindow(c, 30 * DAY, 300, false);
      // filter_type: which messages' times From and To bound (default: the session's last message).
      const filter = c.query.get('filter_type') || 'last_message_time';
      if (!SMS_FILTERS.includes(filter)) throw validationError('filter_type');
      const list = u.smsSessions.filter(smsMatch(c, w, filter)).reverse();
      const p = paginate(c, { key: `sms|${u.id}|${w.from}|${w.end}|${filter}`, total: list.length, maxPageSize: 100, tokenErrorCode: 400 });
      return json({
        next_page_token: p.next_page_token,
        page_size: p.page_size,
        sms_sessions: list.slice(p.offset, p.end).map(smsSessionRecord),
      });
    },
  },
  {
    // The account's call history (accountCallHistory, Heavy): every user's calls, a licence removed or not.
    // `keyword` matches "the name, extension, number, email address, and call ID" of either party.
    method: 'GET',
    path: '/v2/phone/call_history',
    category: 'Heavy',
    granular: ['phone:read:list_call_logs:admin'],
    classic: ['phone:read:admin', 'phone_call_log:read:admin'],
    area: 'api',
    auth: 'bearer',
    spec: 'phone.openapi.json accountCallHistory',
    handler: (c) => {
      if (!c.state.account.phoneEnabled) throw new ZoomError(403, 2031, 'Zoom Phone has not been enabled for this account.');
      const w = phoneWindow(c, DAY, 300);
      const kw = (c.query.get('keyword') ?? '').trim().toLowerCase();
      const hit = (x: SandboxCall) =>
        !kw || [x.caller_name, x.caller_email, x.caller_number, x.caller_ext_number, x.callee_name, x.callee_email, x.callee_number, x.callee_ext_number, x.call_id].some((v) => v !== '' && v.toLowerCase().includes(kw));
      const rows: Array<{ x: SandboxCall; u: SandboxUser }> = [];
      for (const u of c.state.account.users) {
        const r = timeRange(u.calls, (x) => t(x.start_time), w.from, w.end);
        for (let i = r.lo; i < r.hi; i++) if (hit(u.calls.at(i)!)) rows.push({ x: u.calls.at(i)!, u });
      }
      rows.sort((a, b) => b.x.start_time.localeCompare(a.x.start_time));
      const p = paginate(c, { key: `account_call_history|${w.from}|${w.end}|${kw}`, total: rows.length, tokenErrorCode: 300 });
      const call_logs = rows.slice(p.offset, p.end).map(({ x, u }) => {
        const h = renderHistory(x, u);
        return {
          id: h.id, call_id: h.call_id, direction: h.direction, international: false, start_time: h.start_time, answer_time: h.answer_time, end_time: h.end_time, duration: x.duration,
          connect_type: h.connect_type, call_type: 'general', call_result: x.result, hide_caller_id: false, end_to_end: false,
          caller_ext_id: h.caller_ext_id, caller_did_number: h.caller_did_number, caller_ext_number: h.caller_ext_number, caller_name: h.caller_name, caller_email: h.caller_email, caller_ext_type: h.caller_ext_type, caller_number_type: h.caller_number_type, caller_country_iso_code: 'GB', caller_country_code: '44',
          callee_ext_id: h.callee_ext_id, callee_did_number: h.callee_did_number, callee_ext_number: h.callee_ext_number, callee_name: h.callee_name, callee_email: h.callee_email, callee_ext_type: h.callee_ext_type, callee_number_type: h.callee_number_type, callee_country_iso_code: 'GB', callee_country_code: '44',
          department: u.dept, cost_center: '', recording_status: x.recording_id ? 'recorded' : 'non_recorded',
        };
      });
      return json({ call_logs, from: w.fromOut, to: w.toOut, page_size: p.page_size, total_records: p.total_records, next_page_token: p.next_page_token });
    },
  },
  {
    // The account's call recordings (getPhoneRecordings): every owner's, a leaver's too (owner.extension_status deleted).
    method: 'GET',
    path: '/v2/phone/recordings',
    category: 'Medium',
    granular: ['phone:read:list_call_recordings:admin'],
    classic: ['phone:read:admin', 'phone_recording:read:admin'],
    area: 'api',
    auth: 'bearer',
    spec: 'phone.openapi.json getPhoneRecordings',
    handler: (c) => {
      const w = phoneWindow(c, 30 * DAY, 300);
      const rows = accountRows(c, (u) => u.phoneRecordings, (x) => t(x.date_time), w);
      const p = paginate(c, { key: `account_recordings|${w.from}|${w.end}`, total: rows.length, tokenErrorCode: 300 });
      return json({ recordings: rows.slice(p.offset, p.end).map(({ x, u, i }) => phoneRecordingRecord(c, x, u, i)), next_page_token: p.next_page_token, page_size: p.page_size, total_records: p.total_records });
    },
  },
  {
    // The account's voicemails (accountVoiceMails, Heavy), each with its owner.
    method: 'GET',
    path: '/v2/phone/voice_mails',
    category: 'Heavy',
    granular: ['phone:read:list_voicemails:admin'],
    classic: ['phone:read:admin', 'phone_voicemail:read:admin'],
    area: 'api',
    auth: 'bearer',
    spec: 'phone.openapi.json accountVoiceMails',
    handler: (c) => {
      const w = phoneWindow(c, 30 * DAY, 300);
      const rows = accountRows(c, (u) => u.voicemails, (x) => t(x.date_time), w);
      const p = paginate(c, { key: `account_voice_mails|${w.from}|${w.end}`, total: rows.length, tokenErrorCode: 300 });
      const voice_mails = rows.slice(p.offset, p.end).map(({ x, u, i }) => ({ ...voicemailRecord(c, x, u.id, i), ...(x.ownerUnknown ? {} : { owner: phoneOwner(u) }) }));
      return windowPage('voice_mails', voice_mails, w, p);
    },
  },
  {
    // The account's SMS sessions (accountSmsSession): every user's, each participant with its owner.
    method: 'GET',
    path: '/v2/phone/sms/sessions',
    category: 'Medium',
    granular: ['phone:read:list_sms_sessions:admin'],
    classic: ['phone:read:admin', 'phone_sms:read:admin'],
    area: 'api',
    auth: 'bearer',
    spec: 'phone.openapi.json accountSmsSession',
    handler: (c) => {
      const w = phoneWindow(c, 30 * DAY, 300, false);
      const filter = c.query.get('filter_type') || 'last_message_time';
      if (!SMS_FILTERS.includes(filter)) throw validationError('filter_type');
      const seen = new Set<string>();
      const list: SmsSession[] = [];
      for (const u of c.state.account.users) for (const s of u.smsSessions) if (!seen.has(s.session_id) && smsMatch(c, w, filter)(s)) (seen.add(s.session_id), list.push(s));
      list.sort((a, b) => b.last_access_time.localeCompare(a.last_access_time));
      const p = paginate(c, { key: `account_sms|${w.from}|${w.end}|${filter}`, total: list.length, maxPageSize: 100, tokenErrorCode: 400 });
      return json({ next_page_token: p.next_page_token, page_size: p.page_size, sms_sessions: list.slice(p.offset, p.end).map(smsSessionRecord) });
    },
  },

];
