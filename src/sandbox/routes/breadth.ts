/**
 * The rest of what Zoom holds about a person (issue 17), as the specs define it:
 * - GET /phone/sms/sessions/{sessionId} (phone.openapi.json smsSessionDetails, Medium, page ≤ 100, default 30;
 *   `from` needs `to`, at most a month; without them only the past 30 days; bad page token 400 code 400;
 *   unknown session 404 code 7013)
 * - GET /phone/voice_mails/{voicemailId} (getVoicemailDetails, Light; unknown id 400 code 300) with its transcription
 * - GET /meetings/meeting_summaries (Listmeetingsummaries, Medium, page ≤ 300, account-wide) and
 *   GET /meetings/{meetingId}/meeting_summary (Getameetingsummary, Light; UUIDs double-encoded):
 *   summaries disabled → 400 code 3000, shared by email only → 403 code 2305
 * - GET /report/activities (reportSignInSignOutActivities, Heavy, page ≤ 300, one month per call,
 *   within the last six months)
 */
import { sixMonthsBefore, type SandboxSummary } from '../breadth.js';
import { DAY } from '../build.js';
import { json, MAX_WINDOW_MS, meetingKey, paginate, parseDate, startOfUtcDay, validationError, ZoomError, type RouteCtx, type RouteDef, type SandboxState } from '../core.js';
import type { SandboxVoicemail } from '../model.js';
import { phoneOff, voicemailRecord } from './phone.js';
import { downloadToken, openSigned } from './recordings.js';

const isoZ = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function summariesGate(c: RouteCtx): SandboxSummary[] {
  const b = c.state.account.breadth;
  if (b?.summaries === 'disabled') throw new ZoomError(400, 3000, "Meeting summary disabled. To enable this feature, enable the **Meeting Summary with AI Companion** setting in the Zoom web portal's **Settings** interface.");
  if (b?.summaries === 'email_only') throw new ZoomError(403, 2305, 'Access to meeting summaries is restricted by account settings. To use this feature, disable the **Only share meeting summaries by email** setting in the **Account Settings** page of the Zoom web portal.');
  return b?.meetingSummaries ?? [];
}

function listSummary(s: SandboxSummary) {
  const { summary_title: _t, summary_overview: _o, summary_details: _d, next_steps: _n, ...row } = s;
  return row;
}

const voicemailIndex = new WeakMap<SandboxState, Map<string, { vm: SandboxVoicemail; ownerId: string; index: number }>>();
function findVoicemail(state: SandboxState, id: string) {
  let idx = voicemailIndex.get(state);
  if (!idx) {
    idx = new Map();
    for (const u of state.account.users) {
      let i = 0;
      for (const vm of u.voicemails) idx.set(vm.id, { vm, ownerId: u.id, index: i++ });
    }
    voicemailIndex.set(state, idx);
  }
  return idx.get(id);
}

export const breadthRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/v2/phone/sms/sessions/:sessionId',
    category: 'Medium',
    granular: ['phone:read:sms_session:admin', 'phone:read:sms_session'],
    classic: ['phone:read:admin', 'phone:read', 'phone_sms:read', 'phone_sms:read:admin'],
    area: 'api',
    auth: 'bearer',
    spec: 'phone.openapi.json smsSessionDetails',
    handler: (c) => {
      if (!c.state.account.phoneEnabled) throw phoneOff();
      const id = c.params.sessionId ?? '';
      const all = c.state.account.breadth?.sms[id];
      if (!all) throw new ZoomError(404, 7013, 'Error retrieving SMS history.');
      const fromS = c.query.get('from');
      const toS = c.query.get('to');
      // "If unspecified, returns data from the past 30 days." (smsSessionDetails `from`)
      let from = c.now - 30 * DAY;
      let end = Infinity;
      if (fromS) {
        if (!toS) throw validationError('to', 'to is required when from is specified.');
        const f = parseDate(fromS, true);
        const t = parseDate(toS, true);
        if (f === undefined) throw validationError('from');
        if (t === undefined) throw validationError('to');
        if (f > t) throw new ZoomError(400, 300, 'The from date must be before the to date.');
        if (t - f > MAX_WINDOW_MS) throw new ZoomError(400, 300, 'The date range should be a month.');
        from = f;
        end = toS.includes('T') ? t + 1 : t + DAY;
      }
      const rows = all.filter((m) => Date.parse(m.date_time) >= from && Date.parse(m.date_time) < end);
      if (c.query.get('sort') !== '1') rows.reverse();
      const p = paginate(c, { key: `sms-history|${id}|${fromS ?? ''}|${toS ?? ''}|${c.query.get('sort') ?? ''}`, total: rows.length, maxPageSize: 100, tokenErrorCode: 400 });
      const render = (m: (typeof rows)[number]) =>
        m.attachments ? { ...m, attachments: m.attachments.map((a) => ({ ...a, download_url: `${c.state.origin}/file/download/${downloadToken(c.state, `sms|${a.id}|${a.size}`)}` })) } : m;
      return json({ next_page_token: p.next_page_token, page_size: p.page_size, sms_histories: rows.slice(p.offset, p.end).map(render) });
    },
  },
  {
    method: 'GET',
    path: '/v2/phone/voice_mails/:voicemailId',
    category: 'Light',
    granular: ['phone:read:voicemail:admin', 'phone:read:voicemail'],
    classic: ['phone:read', 'phone:read:admin', 'phone_voicemail:read:admin', 'phone_voicemail:read'],
    area: 'api',
    auth: 'bearer',
    spec: 'phone.openapi.json getVoicemailDetails',
    handler: (c) => {
      if (!c.state.account.phoneEnabled) throw phoneOff();
      const id = c.params.voicemailId ?? '';
      const hit = findVoicemail(c.state, id);
      if (!hit || hit.vm.deletedAfterList) throw new ZoomError(400, 300, `Voice mail does not exist: ${id}.`);
      const x = hit.vm;
      return json({
        ...voicemailRecord(c, x, hit.ownerId, hit.index),
        transcription: { status: 2, content: `Hi, this is ${x.caller_name}. Please call me back on ${x.caller_number}.` },
      });
    },
  },
  {
    method: 'GET',
    path: '/v2/meetings/meeting_summaries',
    category: 'Medium',
    granular: ['meeting:read:list_summaries:admin'],
    classic: ['meeting_summary:read:admin'],
    area: 'api',
    auth: 'bearer',
    spec: 'meetings.openapi.json Listmeetingsummaries',
    handler: (c) => {
      const all = summariesGate(c);
      if (c.state.account.breadth?.summaries === 'caller_cannot_host') throw new ZoomError(400, 3161, 'Meeting hosting and scheduling capabilities are not allowed for your user account.');
      const fromS = c.query.get('from');
      const toS = c.query.get('to');
      const from = fromS ? parseDate(fromS, true) : -Infinity;
      const to = toS ? parseDate(toS, true) : Infinity;
      if (from === undefined) throw validationError('from');
      if (to === undefined) throw validationError('to');
      const field = c.query.get('time_filter_field') ?? 'summary_start_time';
      if (field !== 'summary_start_time' && field !== 'summary_created_time') throw validationError('time_filter_field');
      const rows = all.filter((s) => Date.parse(s[field]) >= from && Date.parse(s[field]) <= to);
      const p = paginate(c, { key: `summaries|${fromS ?? ''}|${toS ?? ''}|${field}`, total: rows.length });
      return json({
        page_size: p.page_size,
        next_page_token: p.next_page_token,
        ...(fromS ? { from: fromS } : {}),
        ...(toS ? { to: toS } : {}),
        summaries: rows.slice(p.offset, p.end).map(listSummary),
      });
    },
  },
  {
    method: 'GET',
    path: '/v2/meetings/:meetingId/meeting_summary',
    category: 'Light',
    granular: ['meeting:read:summary:admin', 'meeting:read:summary'],
    classic: ['meeting_summary:read', 'meeting_summary:read:admin'],
    area: 'api',
    auth: 'bearer',
    spec: 'meetings.openapi.json Getameetingsummary',
    handler: (c) => {
      const all = summariesGate(c);
      const raw = c.params.meetingId ?? '';
      const key = meetingKey(raw, c.state.opts.uuidDecoding);
      if (key === undefined) throw new ZoomError(400, 300, 'Invalid meeting ID.');
      const s = all.find((x) => x.meeting_uuid === key) ?? (/^\d+$/.test(key) ? [...all].reverse().find((x) => String(x.meeting_id) === key) : undefined);
      if (!s || s.state === 'deleted') throw new ZoomError(404, 3001, `Meeting does not exist: ${raw}.`);
      if (s.state === 'trashed') throw new ZoomError(403, 2305, 'The meeting summary has been moved to Trash and cannot be accessed.');
      const host = c.state.index.usersById.get(s.meeting_host_id);
      return json({
        ...s,
        summary_last_modified_user_id: s.meeting_host_id,
        summary_last_modified_user_email: host?.email ?? s.meeting_host_email,
        summary_content: `## ${s.summary_title}\n\n${s.summary_overview}\n`,
      });
    },
  },
  {
    method: 'GET',
    path: '/v2/report/activities',
    category: 'Heavy',
    granular: ['report:read:user_activities:admin'],
    classic: ['report:read:admin'],
    area: 'api',
    auth: 'bearer',
    spec: 'meetings.openapi.json reportSignInSignOutActivities',
    handler: (c) => {
      const today = startOfUtcDay(c.now);
      const fromS = c.query.get('from');
      const toS = c.query.get('to');
      const to = toS ? parseDate(toS) : today;
      if (to === undefined) throw validationError('to');
      const from = fromS ? parseDate(fromS) : to - 30 * DAY;
      if (from === undefined) throw validationError('from');
      if (from > to) throw new ZoomError(400, 300, 'The from date must be before the to date.');
      if (to - from > MAX_WINDOW_MS) throw new ZoomError(400, 300, 'The date range cannot exceed one month.');
      if (from < sixMonthsBefore(c.now)) throw new ZoomError(400, 300, 'The date range should fall within the last six months.');
      const rows = (c.state.account.breadth?.activities ?? []).filter((a) => Date.parse(a.time) >= from && Date.parse(a.time) < to + DAY).reverse();
      const p = paginate(c, { key: `activities|${from}|${to}`, total: rows.length });
      return json({ from: fromS ?? isoZ(from).slice(0, 10), to: toS ?? isoZ(to).slice(0, 10), page_size: p.page_size, next_page_token: p.next_page_token, activity_logs: rows.slice(p.offset, p.end) });
    },
  },
  {
    // An MMS attachment's bytes (an SMS text's attachments[].download_url): a signed link, as Zoom's example shows.
    method: 'GET',
    path: '/file/download/:token',
    category: null,
    area: 'downloads',
    auth: 'none',
    handler: (c) => {
      const [, id, size] = openSigned(c, 'sms');
      return { status: 200, raw: Buffer.alloc(Number(size), `mms ${id}\n`), headers: { 'content-type': 'image/jpeg', 'content-disposition': `attachment; filename="${id}.jpg"` } };
    },
  },
];
