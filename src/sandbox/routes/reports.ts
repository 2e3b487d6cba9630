/**
 * Past meetings and reports (meetings.openapi.json): GET /report/users/{userId}/meetings (Heavy),
 * GET /past_meetings/{meetingId}/participants (Medium), GET /report/meetings/{meetingId}/participants (Heavy),
 * and the same two of webinars (GET /past_webinars/{webinarId}/participants, GET /report/webinars/{webinarId}/participants).
 */
import { DAY } from '../build.js';
import { addMonths, json, MAX_WINDOW_MS, lookupUser, meetingKey, paginate, parseId, requiredDates, startOfUtcDay, validationError, ZoomError, type RouteCtx, type RouteDef } from '../core.js';
import type { SandboxInstance, SandboxMeeting, SandboxWebinar } from '../model.js';

type Kind = 'meeting' | 'webinar';

/**
 * Instances by UUID, made on the first look-up of a list: the heavy person's 20,000 meetings made each
 * look-up a walk of every instance (24 ms a request against 3 ms in an ordinary account), so the sandbox,
 * one thread, served at most about 40 session reads a second and bounded the bench instead of the rate
 * limits. A hit is used only while its instance is still in its meeting and not gone; anything else walks.
 */
type Found = { meeting: SandboxMeeting | SandboxWebinar; inst: SandboxInstance };
const byUuid = new WeakMap<ReadonlyArray<SandboxMeeting | SandboxWebinar>, Map<string, Found>>();
function uuidIndex(all: ReadonlyArray<SandboxMeeting | SandboxWebinar>): Map<string, Found> {
  let index = byUuid.get(all);
  if (!index) {
    index = new Map();
    for (const meeting of all) for (const inst of meeting.instances) if (!index.has(inst.uuid)) index.set(inst.uuid, { meeting, inst });
    byUuid.set(all, index);
  }
  return index;
}

export function findInstance(c: RouteCtx, kind: Kind): { meeting: SandboxMeeting | SandboxWebinar; inst: SandboxInstance } {
  const raw = (kind === 'meeting' ? (c.params.meetingId ?? c.params.meetingUUID) : c.params.webinarId) ?? '';
  const key = meetingKey(raw, c.state.opts.uuidDecoding) ?? raw;
  const id = parseId(key);
  const index = kind === 'meeting' ? c.state.index.meetings : c.state.index.webinars;
  const all: Array<SandboxMeeting | SandboxWebinar> = kind === 'meeting' ? c.state.account.meetings : c.state.account.webinars;
  if (id !== undefined) {
    const m = index.get(id);
    const inst = m?.instances[m.instances.length - 1];
    if (m && inst && !inst.gone) return { meeting: m, inst };
  } else {
    const hit = uuidIndex(all).get(key);
    if (hit && !hit.inst.gone && hit.meeting.instances.includes(hit.inst)) return hit;
    for (const m of all) {
      const inst = m.instances.find((i) => i.uuid === key);
      if (inst && !inst.gone) {
        byUuid.delete(all); // the index was older than this instance: made again on the next look-up
        return { meeting: m, inst };
      }
    }
  }
  throw new ZoomError(404, 3001, kind === 'meeting' ? `Meeting does not exist: ${raw}.` : `Webinar does not exist.`);
}

function participantsHandler(report: boolean, kind: Kind = 'meeting') {
  return (c: RouteCtx) => {
    const { meeting, inst } = findInstance(c, kind);
    // Another account's session: the reports are for the host's account only; the past lists need a paid host.
    const elsewhere = meeting.hostedElsewhere;
    if (elsewhere && report) throw new ZoomError(400, 1010, `User does not belong to this account:${c.state.account.id}.`);
    if (elsewhere?.plan === 'free') throw new ZoomError(400, 200, kind === 'meeting' ? `Only available for paid account: ${elsewhere.accountId}` : `Only available for Paid or ZMP account: ${elsewhere.accountId}.`);
    if (Date.parse(inst.start_time) < addMonths(c.now, -15)) throw new ZoomError(400, 12702, kind === 'meeting' ? 'Can not access a meeting a year ago.' : 'Can not access a webinar a year ago.');
    const p = paginate(c, { key: `participants|${inst.uuid}|${report}`, total: inst.participants.length });
    const includeRegistrant = c.query.get('include_fields') === 'registrant_id';
    return json({
      page_count: p.page_count,
      page_size: p.page_size,
      total_records: p.total_records,
      next_page_token: p.next_page_token,
      participants: inst.participants.slice(p.offset, p.end).map((x) => {
        const reg = meeting.registrants.find((r) => r.email.toLowerCase() === x.user_email.toLowerCase());
        // The reports give participant_user_id, which replaces the deprecated `id` ("We will remove this response
        // in a future release"): here `id` is already gone. A legacy BAA account gets empty names and emails.
        const baa = report && c.state.account.legacyBaa;
        const o: Record<string, unknown> = {
          ...(report ? {} : { id: x.id }),
          name: baa ? '' : x.name,
          user_id: x.user_id,
          user_email: baa ? '' : x.user_email,
          join_time: x.join_time,
          leave_time: x.leave_time,
          duration: x.duration,
          failover: false,
          status: 'in_meeting',
        };
        if (!report) o.internal_user = x.internal_user;
        if (!report || includeRegistrant) o.registrant_id = reg?.id ?? '';
        if (report) {
          o.attentiveness_score = '';
          o.customer_key = '';
          o.participant_user_id = x.id;
        }
        return o;
      }),
    });
  };
}

export const reportRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/v2/report/users/:userId/meetings',
    category: 'Heavy',
    granular: ['report:read:user:admin'],
    classic: ['report:read:admin'],
    area: 'api',
    auth: 'bearer',
    spec: 'meetings.openapi.json reportMeetings',
    handler: (c) => {
      const id = c.params.userId ?? '';
      const u = lookupUser(c.state, id);
      if (!u) throw new ZoomError(404, 1001, `User ${id} not exist or not belong to this account.`);
      // "Prerequisites: Pro or higher plan": the spec's documented answer on a free account (no data, not a failure).
      if (c.state.opts.plan === 'free') throw new ZoomError(400, 200, `This is only available for paid account: ${c.state.account.id}.`);
      const type = c.query.get('type') ?? 'past';
      if (!['past', 'pastOne', 'pastJoined'].includes(type)) throw validationError('type');
      const { from, to, fromS, toS } = requiredDates(c, (field) => validationError(field));
      if (from > to) throw new ZoomError(400, 300, 'The from date must be before the to date.');
      if (to - from > MAX_WINDOW_MS) throw new ZoomError(400, 300, 'The date range cannot exceed one month.');
      if (from < startOfUtcDay(addMonths(c.now, -6))) throw new ZoomError(400, 300, 'Report can only be provided for the recent 6 months.');
      const rows: Array<Record<string, unknown>> = [];
      // "past meetings and webinars": webinars are listed too, with their types 5, 6 and 9.
      for (const m of [...c.state.account.meetings, ...c.state.account.webinars]) {
        for (const inst of m.instances) {
          const st = Date.parse(inst.start_time);
          if (st < from || st >= to + DAY) continue;
          const hosted = m.host_id === u.id;
          const me = inst.participants.find((p) => p.user_email.toLowerCase() === u.email.toLowerCase());
          if (type === 'pastJoined' ? !(hosted || me) : !hosted) continue;
          if (type === 'pastJoined' && inst.participants.length < 2) continue;
          const host = c.state.index.usersById.get(m.host_id);
          const end = Date.parse(inst.end_time);
          const row: Record<string, unknown> = {
            uuid: inst.uuid,
            id: m.id,
            type: m.type,
            topic: m.topic,
            user_name: host?.display_name ?? '',
            user_email: host?.email ?? m.host_email,
            start_time: inst.start_time,
            end_time: inst.end_time,
            duration: Math.round((end - st) / 60_000),
            total_minutes: inst.participants.reduce((s, p) => s + Math.round(p.duration / 60), 0),
            participants_count: inst.participants.length,
            source: 'Zoom',
            custom_keys: [],
            schedule_time: m.start_time,
            host_organization: c.state.account.name,
            host_name: host?.display_name ?? '',
            has_screen_share: false,
          };
          if (me) {
            row.join_time = me.join_time;
            row.leave_time = me.leave_time;
          }
          rows.push(row);
        }
      }
      rows.sort((a, b) => String(a.start_time).localeCompare(String(b.start_time)));
      const p = paginate(c, { key: `report-meetings|${u.id}|${type}|${fromS}|${toS}`, total: rows.length });
      return json({
        from: fromS,
        to: toS,
        page_count: p.page_count,
        page_size: p.page_size,
        total_records: p.total_records,
        next_page_token: p.next_page_token,
        meetings: rows.slice(p.offset, p.end),
      });
    },
  },
  {
    method: 'GET',
    path: '/v2/past_meetings/:meetingId/participants',
    category: 'Medium',
    granular: ['meeting:read:list_past_participants:admin'],
    classic: ['meeting:read:admin', 'meeting:read'],
    area: 'api',
    auth: 'bearer',
    spec: 'meetings.openapi.json pastMeetingParticipants',
    handler: participantsHandler(false),
  },
  {
    method: 'GET',
    path: '/v2/report/meetings/:meetingId/participants',
    category: 'Heavy',
    granular: ['report:read:list_meeting_participants:admin'],
    classic: ['report:read:admin'],
    area: 'api',
    auth: 'bearer',
    spec: 'meetings.openapi.json reportMeetingParticipants',
    handler: participantsHandler(true),
  },
  {
    method: 'GET',
    path: '/v2/past_webinars/:webinarId/participants',
    category: 'Medium',
    granular: ['webinar:read:list_past_participants:admin', 'webinar:read:list_past_participants'],
    classic: ['webinar:read:admin', 'webinar:read'],
    area: 'api',
    auth: 'bearer',
    spec: 'meetings.openapi.json listWebinarParticipants',
    handler: participantsHandler(false, 'webinar'),
  },
  {
    method: 'GET',
    path: '/v2/report/webinars/:webinarId/participants',
    category: 'Heavy',
    granular: ['report:read:list_webinar_participants:admin'],
    classic: ['report:read:admin'],
    area: 'api',
    auth: 'bearer',
    spec: 'meetings.openapi.json reportWebinarParticipants',
    handler: participantsHandler(true, 'webinar'),
  },
];
