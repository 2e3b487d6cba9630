/**
 * Meetings and webinars (meetings.openapi.json): GET /users/{userId}/meetings, GET /meetings/{meetingId},
 * GET /users/{userId}/webinars, GET /webinars/{webinarId}.
 */
import { DAY, MINUTE, meetingEnd } from '../build.js';
import { addMonths, json, numberedPage, paginate, requireMeeting, requireUser, requireWebinar, validationError, ZoomError, type RouteCtx, type RouteDef } from '../core.js';
import type { SandboxMeeting, SandboxOccurrence, SandboxWebinar } from '../model.js';

const MEETING_CLASSIC = ['meeting:read:admin', 'meeting:read'];
const WEBINAR_CLASSIC = ['webinar:read:admin', 'webinar:read'];

export type MeetingListType = 'scheduled' | 'live' | 'upcoming' | 'upcoming_meetings' | 'previous_meetings';

/** How long a meeting stays in "scheduled" after it ended (Zoom: fixed-time meetings expire 30 days after). */
const EXPIRY_DAYS = 30;
/** Webinars stay listed a year after they ended. */
const WEBINAR_EXPIRY_DAYS = 365;

/**
 * Which list types a meeting appears under. Overlaps are deliberate (Zoom's lists overlap):
 * a recurring meeting with past and future occurrences is in scheduled, upcoming, upcoming_meetings
 * and previous_meetings; clients must dedupe by id.
 */
export function meetingTypes(m: SandboxMeeting, now: number): Set<MeetingListType> {
  const out = new Set<MeetingListType>();
  // "This API does not return information about instant meetings" (meetings.openapi.json).
  if (m.type === 1) return out;
  const start = Date.parse(m.start_time);
  const end = meetingEnd(m);
  const hasPast = m.instances.length > 0 || (m.type !== 3 && start < now && m.type !== 8) || (m.occurrences ?? []).some((o) => Date.parse(o.start_time) < now);
  const hasFuture = m.type === 3 || end > now || (m.occurrences ?? []).some((o) => Date.parse(o.start_time) > now);
  if (m.live) {
    out.add('live');
    out.add('upcoming');
    out.add('upcoming_meetings');
    out.add('scheduled');
  }
  if ((hasFuture || end > now - EXPIRY_DAYS * DAY)) out.add('scheduled');
  if (hasFuture) {
    out.add('upcoming');
    out.add('upcoming_meetings');
  }
  // "When type is upcoming, upcoming_meetings or previous_meetings, only a maximum of 6 months of meeting data will be returned."
  if (hasPast && !m.live && lastPastEnd(m, now) >= addMonths(now, -6)) out.add('previous_meetings');
  if (out.has('upcoming') && m.type === 2 && start > addMonths(now, 6)) {
    out.delete('upcoming');
    out.delete('upcoming_meetings');
  }
  return out;
}

/** The end of the meeting's latest past occurrence (or of the meeting). */
function lastPastEnd(m: SandboxMeeting, now: number): number {
  const past = (m.occurrences ?? []).filter((o) => Date.parse(o.start_time) < now);
  if (past.length > 0) return Date.parse(past[past.length - 1]!.start_time) + past[past.length - 1]!.duration * MINUTE;
  const inst = m.instances.map((i) => Date.parse(i.start_time)).filter((t) => t < now);
  const end = Math.min(meetingEnd(m), now);
  return inst.length > 0 ? Math.max(end, ...inst) : end;
}

/** Per-host lists, cached for a minute of sandbox time (the heavy generated user has 20,000 meetings). */
const listCache = new WeakMap<object, Map<string, { minute: number; count: number; list: SandboxMeeting[] }>>();
function listFor(c: RouteCtx, hostId: string, type: MeetingListType): SandboxMeeting[] {
  const all = c.state.account.meetings;
  let cache = listCache.get(all);
  if (!cache) listCache.set(all, (cache = new Map()));
  const minute = Math.floor(c.now / 60_000);
  const key = `${hostId}|${type}`;
  const hit = cache.get(key);
  if (hit && hit.minute === minute && hit.count === all.length) return hit.list.filter((m) => !m.deleted);
  const list = all.filter((m) => m.host_id === hostId && !m.deleted && meetingTypes(m, c.now).has(type));
  cache.set(key, { minute, count: all.length, list });
  return list;
}

function joinUrl(id: number, pwd: string, kind: 'j' | 'w' = 'j'): string {
  return `https://us05web.zoom.us/${kind}/${id}${pwd ? `?pwd=${Buffer.from(pwd).toString('base64url')}` : ''}`;
}

/** The start time shown in lists and details: for recurring, the next occurrence (or the last one). */
function displayStart(m: { start_time: string; occurrences?: SandboxOccurrence[] }, now: number): string {
  const occ = m.occurrences;
  if (!occ || occ.length === 0) return m.start_time;
  return (occ.find((o) => Date.parse(o.start_time) + o.duration * MINUTE > now) ?? occ[occ.length - 1]!).start_time;
}

function listItem(m: SandboxMeeting, now: number): Record<string, unknown> {
  const o: Record<string, unknown> = {
    uuid: m.uuid,
    id: m.id,
    host_id: m.host_id,
    topic: m.topic,
    type: m.type,
    duration: m.duration,
    timezone: m.timezone,
    agenda: m.agenda,
    created_at: m.created_at,
    join_url: joinUrl(m.id, m.password),
  };
  if (m.type !== 3) o.start_time = displayStart(m, now);
  return o;
}

function occurrencesFor(s: { occurrences?: SandboxOccurrence[] }, now: number, showPrevious: boolean) {
  return (s.occurrences ?? [])
    .filter((o) => showPrevious || Date.parse(o.start_time) + o.duration * MINUTE > now)
    .map((o) => ({ occurrence_id: o.occurrence_id, start_time: o.start_time, duration: o.duration, status: o.status }));
}

function meetingSettings(m: SandboxMeeting): Record<string, unknown> {
  const s: Record<string, unknown> = {
    host_video: true,
    participant_video: false,
    cn_meeting: false,
    in_meeting: false,
    join_before_host: false,
    jbh_time: 0,
    mute_upon_entry: true,
    watermark: false,
    use_pmi: false,
    approval_type: m.approval_type,
    audio: 'both',
    auto_recording: 'none',
    enforce_login: false,
    enforce_login_domains: '',
    alternative_hosts: '',
    alternative_host_update_polls: false,
    close_registration: false,
    show_share_button: m.approval_type !== 2,
    allow_multiple_devices: false,
    registrants_confirmation_email: true,
    waiting_room: true,
    request_permission_to_unmute_participants: false,
    registrants_email_notification: true,
    meeting_authentication: false,
    encryption_type: 'enhanced_encryption',
    approved_or_denied_countries_or_regions: { enable: false },
    breakout_room: { enable: false },
    internal_meeting: false,
    continuous_meeting_chat: { enable: true, auto_add_invited_external_users: false, auto_add_meeting_participants: false },
    participant_focused_meeting: false,
    push_change_to_calendar: false,
    resources: [],
    alternative_hosts_email_notification: true,
    show_join_info: false,
    device_testing: false,
    focus_mode: false,
    meeting_invitees: [],
    private_meeting: false,
    email_notification: true,
    host_save_video_order: false,
    sign_language_interpretation: { enable: false },
    email_in_attendee_report: false,
  };
  if (m.registration_type !== undefined) s.registration_type = m.registration_type;
  return s;
}

function meetingDetail(m: SandboxMeeting, c: RouteCtx): Record<string, unknown> {
  const now = c.now;
  const showPrevious = c.query.get('show_previous_occurrences') === 'true';
  const occurrenceId = c.query.get('occurrence_id');
  const o: Record<string, unknown> = {
    uuid: m.uuid,
    id: m.id,
    host_id: m.host_id,
    host_email: m.host_email,
    assistant_id: '',
    topic: m.topic,
    type: m.type,
    status: m.live ? 'started' : 'waiting',
    duration: m.duration,
    timezone: m.timezone,
    agenda: m.agenda,
    created_at: m.created_at,
    start_url: `https://us05web.zoom.us/s/${m.id}?zak=sbx-start-url-not-a-credential`,
    join_url: joinUrl(m.id, m.password),
    password: m.password,
    h323_password: m.password,
    pstn_password: m.password,
    encrypted_password: m.password ? Buffer.from(m.password).toString('base64url') : '',
    pre_schedule: false,
    settings: meetingSettings(m),
    creation_source: 'web_portal',
  };
  if (m.type !== 3) o.start_time = displayStart(m, now);
  if (m.approval_type !== 2) o.registration_url = `https://us05web.zoom.us/meeting/register/sbx${m.id}`;
  if (m.recurrence) o.recurrence = { ...m.recurrence };
  if (m.occurrences) {
    if (occurrenceId) {
      const occ = m.occurrences.find((x) => x.occurrence_id === occurrenceId);
      if (!occ) throw new ZoomError(400, 3000, `Invalid occurrence_id: ${occurrenceId}.`);
      o.start_time = occ.start_time;
      o.occurrences = [{ ...occ }];
    } else o.occurrences = occurrencesFor(m, now, showPrevious);
  }
  return o;
}

function webinarListItem(w: SandboxWebinar, now: number): Record<string, unknown> {
  const o: Record<string, unknown> = {
    uuid: w.uuid,
    id: w.id,
    host_id: w.host_id,
    topic: w.topic,
    type: w.type,
    duration: w.duration,
    timezone: w.timezone,
    agenda: w.agenda,
    created_at: w.created_at,
    join_url: joinUrl(w.id, w.password, 'w'),
    is_simulive: false,
    is_events_webinar: false,
  };
  if (w.type !== 6) o.start_time = displayStart(w, now);
  return o;
}

function webinarDetail(w: SandboxWebinar, c: RouteCtx): Record<string, unknown> {
  const showPrevious = c.query.get('show_previous_occurrences') === 'true';
  const o: Record<string, unknown> = {
    uuid: w.uuid,
    id: w.id,
    host_id: w.host_id,
    host_email: w.host_email,
    topic: w.topic,
    type: w.type,
    duration: w.duration,
    timezone: w.timezone,
    agenda: w.agenda,
    created_at: w.created_at,
    start_url: `https://us05web.zoom.us/s/${w.id}?zak=sbx-start-url-not-a-credential`,
    join_url: joinUrl(w.id, w.password, 'w'),
    password: w.password,
    encrypted_passcode: Buffer.from(w.password).toString('base64url'),
    h323_passcode: w.password,
    is_simulive: false,
    creation_source: 'web_portal',
    settings: {
      host_video: true,
      panelists_video: true,
      practice_session: false,
      hd_video: false,
      hd_video_for_attendees: false,
      send_1080p_video_to_attendees: false,
      approval_type: w.approval_type,
      ...(w.registration_type !== undefined ? { registration_type: w.registration_type } : {}),
      audio: 'both',
      auto_recording: 'none',
      enforce_login: false,
      close_registration: false,
      show_share_button: true,
      allow_multiple_devices: true,
      on_demand: false,
      registrants_confirmation_email: true,
      registrants_email_notification: true,
      registrants_restrict_number: 0,
      post_webinar_survey: false,
      contact_name: w.host_email,
      contact_email: w.host_email,
      email_language: 'en-US',
      panelists_invitation_email_notification: true,
      attendees_and_panelists_reminder_email_notification: { enable: true, type: 0 },
      follow_up_attendees_email_notification: { enable: false, type: 0 },
      follow_up_absentees_email_notification: { enable: false, type: 0 },
      question_and_answer: { enable: true, allow_submit_questions: true, allow_anonymous_questions: true, question_visibility: 'all', attendees_can_comment: true, attendees_can_upvote: true },
      meeting_authentication: false,
      add_watermark: false,
      add_audio_watermark: false,
      language_interpretation: { enable: false },
      sign_language_interpretation: { enable: false },
      email_in_attendee_report: false,
    },
  };
  if (w.type !== 6) o.start_time = displayStart(w, c.now);
  if (w.approval_type !== 2) o.registration_url = `https://us05web.zoom.us/webinar/register/sbx${w.id}`;
  if (w.recurrence) o.recurrence = { ...w.recurrence };
  if (w.occurrences) o.occurrences = occurrencesFor(w, c.now, showPrevious);
  return o;
}

export const meetingRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/v2/users/:userId/meetings',
    category: 'Medium',
    granular: ['meeting:read:list_meetings:admin'],
    classic: MEETING_CLASSIC,
    area: 'api',
    auth: 'bearer',
    spec: 'meetings.openapi.json meetings (GET /users/{userId}/meetings)',
    handler: (c) => {
      const u = requireUser(c);
      const type = (c.query.get('type') ?? 'scheduled') as MeetingListType;
      if (!['scheduled', 'live', 'upcoming', 'upcoming_meetings', 'previous_meetings'].includes(type)) throw validationError('type');
      const list = listFor(c, u.id, type);
      const p = paginate(c, { key: `meetings|${u.id}|${type}`, total: list.length, pageNumber: true });
      return numberedPage(p, 'meetings', list.slice(p.offset, p.end).map((m) => listItem(m, c.now)));
    },
  },
  {
    method: 'GET',
    path: '/v2/meetings/:meetingId',
    category: 'Light',
    granular: ['meeting:read:meeting:admin'],
    classic: MEETING_CLASSIC,
    area: 'api',
    auth: 'bearer',
    spec: 'meetings.openapi.json meeting (GET /meetings/{meetingId})',
    handler: (c) => json(meetingDetail(requireMeeting(c), c)),
  },
  {
    method: 'GET',
    path: '/v2/users/:userId/webinars',
    category: 'Medium',
    granular: ['webinar:read:list_webinars:admin'],
    classic: WEBINAR_CLASSIC,
    area: 'api',
    auth: 'bearer',
    spec: 'meetings.openapi.json webinars (GET /users/{userId}/webinars)',
    handler: (c) => {
      const u = requireUser(c);
      if (!u.webinarLicence) {
        throw new ZoomError(400, 200, 'Webinar plan is missing. You must subscribe to the webinar plan and enable webinars for this user in order to perform this action.');
      }
      const type = c.query.get('type') ?? 'scheduled';
      if (type !== 'scheduled' && type !== 'upcoming') throw validationError('type');
      const list = c.state.account.webinars.filter((w) => {
        if (w.host_id !== u.id || w.deleted) return false;
        const end = meetingEnd(w);
        return type === 'upcoming' ? end > c.now : end > c.now - WEBINAR_EXPIRY_DAYS * DAY;
      });
      const p = paginate(c, { key: `webinars|${u.id}|${type}`, total: list.length, pageNumber: true });
      return numberedPage(p, 'webinars', list.slice(p.offset, p.end).map((w) => webinarListItem(w, c.now)));
    },
  },
  {
    method: 'GET',
    path: '/v2/webinars/:webinarId',
    category: 'Light',
    granular: ['webinar:read:webinar:admin'],
    classic: WEBINAR_CLASSIC,
    area: 'api',
    auth: 'bearer',
    spec: 'meetings.openapi.json webinar (GET /webinars/{webinarId})',
    handler: (c) => json(webinarDetail(requireWebinar(c), c)),
  },
];
