import type { ReadChoice, ZoomClient } from '../client.js';
import { ZoomApiError } from '../errors.js';
import type { Release } from '../limiter.js';
import { listItems, type DateWindow } from '../paginate.js';
import { meetingUuidParams, operation, route } from '../route.js';

/**
 * The reads of issue 17 (Team Chat, SMS messages, attendance rows, AI Companion summaries,
 * sign-ins, voicemail details), as Zoom's specs define them. Each returns Zoom's records untouched.
 */
type Rec = Record<string, unknown>;
const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

/** A user's Team Chat sessions (1:1 and group) whose last message falls in [from, to] (date-times). Page ≤ 50. */
export function listChatSessions(client: ZoomClient, userId: string, from: string, to: string): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/chat/users/{userId}/sessions', { userId }), { from, to }, { key: 'sessions', pageSize: 50, idOf: (s) => str(s.channel_id ?? s.peer_contact_member_id ?? s.peer_contact_email ?? s.name) });
}

/** The chat target of a session: a channel, or the 1:1 peer (member id, else email, else user id). */
export type ChatTarget = { to_channel: string } | { to_contact: string };

/** Every message of one session in [from, to], edited and deleted ones included, thread replies included. Page ≤ 50. */
export function listChatMessages(client: ZoomClient, userId: string, target: ChatTarget, from: string, to: string): AsyncGenerator<Rec> {
  return listItems(
    client,
    route('GET', '/chat/users/{userId}/messages', { userId }),
    { ...target, from, to, include_deleted_and_edited_message: 'true' },
    { key: 'messages', pageSize: 50, idOf: (m) => str(m.id) },
  );
}

/**
 * The messages of one SMS session in one window of at most a month. `from` and `to` go together and
 * are always sent: without them Zoom "returns data from the past 30 days" only (smsSessionDetails). Page ≤ 100.
 */
export function listSmsMessages(client: ZoomClient, sessionId: string, w: DateWindow): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/phone/sms/sessions/{sessionId}', { sessionId }), { from: w.from, to: w.to, sort: '1' }, { key: 'sms_histories', pageSize: 100, idOf: (m) => str(m.message_id) });
}

/** One voicemail with its transcription (Light). */
export function getVoicemail(client: ZoomClient, voicemailId: string): Promise<Rec> {
  return client.get(route('GET', '/phone/voice_mails/{voicemailId}', { voicemailId }));
}

/** The account's AI Companion meeting summaries (account-wide) whose summary started in [from, to]. */
export function listMeetingSummaries(client: ZoomClient, from: string, to: string): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/meetings/meeting_summaries'), { from, to }, { key: 'summaries', idOf: (s) => str(s.meeting_uuid) });
}

/** One meeting instance's summary; the UUID encoded by the specs' rule (meetingUuidParams). */
export async function getMeetingSummary(client: ZoomClient, meetingUuid: string): Promise<Rec> {
  let out: Rec | undefined;
  for await (const r of byUuid(meetingUuid, async function* (meetingId) {
    yield await client.get<Rec>(route('GET', '/meetings/{meetingId}/meeting_summary', { meetingId }));
  }))
    out = r;
  return out!;
}

/**
 * Ask with each encoding of a UUID in turn (route.ts meetingUuidParams), moving on only when Zoom
 * answered 404 before anything was read: one home for the two readings of Zoom's UUID rule.
 */
async function* byUuid(uuid: string, ask: (param: string) => AsyncGenerator<Rec>): AsyncGenerator<Rec> {
  const params = meetingUuidParams(uuid);
  for (let i = 0; ; i++) {
    let yielded = false;
    try {
      for await (const r of ask(params[i]!)) {
        yielded = true;
        yield r;
      }
      return;
    } catch (e) {
      if (yielded || i + 1 >= params.length || !(e instanceof ZoomApiError && e.status === 404)) throw e;
    }
  }
}

/** Sign-in and sign-out activity of the whole account, one window of at most a month (Heavy). */
export function listSignInActivities(client: ZoomClient, w: DateWindow): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/report/activities'), { from: w.from, to: w.to }, { key: 'activity_logs' });
}

/** Which participants list to read: Zoom's report (Heavy, last six months) or past meetings/webinars (Medium, last 15 months). */
export type ParticipantsVia = 'report' | 'past_meetings';

/** The participants lists of each kind of session (the report lists webinars too: types 5, 6, 9). */
const PARTICIPANTS = {
  meeting: { report: ['/report/meetings/{meetingId}/participants', 'meetingId'], past_meetings: ['/past_meetings/{meetingId}/participants', 'meetingId'] },
  webinar: { report: ['/report/webinars/{webinarId}/participants', 'webinarId'], past_meetings: ['/past_webinars/{webinarId}/participants', 'webinarId'] },
} as const;

/** Where the rows of a session come from (the record's `source`). */
export function participantsSource(kind: 'meeting' | 'webinar', via: ParticipantsVia): string {
  return PARTICIPANTS[kind][via][0].slice(1).replace(/\/\{\w+\}/g, '');
}

/**
 * Where to read a session's participants: the participants report (Heavy) or the past-meeting list
 * (Medium) serve the same rows, so whichever gate has room first (ZoomClient.first), with that place.
 * Asked once per session, for its first page; its pages follow it.
 */
export async function participantsVia(client: ZoomClient, kind: 'meeting' | 'webinar' = 'meeting'): Promise<ReadChoice<ParticipantsVia>> {
  const read = (via: ParticipantsVia) => ({ via, ...operation('GET', PARTICIPANTS[kind][via][0]) });
  const { read: chosen, release } = await client.first([read('past_meetings'), read('report')]);
  return { via: chosen.via, held: release };
}

/**
 * Every participant row of one meeting or webinar instance. The reports are asked for `registrant_id`
 * too (include_fields=registrant_id; the past lists return it unasked). `held`: the place granted for
 * the first page (participantsVia), given back if unused.
 */
export async function* listParticipants(client: ZoomClient, uuid: string, via: ParticipantsVia, kind: 'meeting' | 'webinar' = 'meeting', held?: Release): AsyncGenerator<Rec> {
  const [template, param] = PARTICIPANTS[kind][via];
  const query = via === 'report' ? { include_fields: 'registrant_id' } : {};
  let place = held;
  try {
    yield* byUuid(uuid, (id) => {
      const first = place;
      place = undefined;
      return listItems(client, route('GET', template, { [param]: id }), query, { key: 'participants', held: first });
    });
  } finally {
    held?.();
  }
}

/** Zoom's report types of a webinar (GET /report/users/{userId}/meetings lists them beside meetings). */
export const WEBINAR_TYPES = new Set([5, 6, 9]);

/**
 * Zoom's answers that mean "an account feature or permission stands in the way" (never "no data"),
 * with what to change. Documented in the specs: Team Chat 403/400 code 200 (the app's role lacks the
 * Chat Messages permission), summaries 400 code 3000 (disabled) and 403 code 2305 (shared by email only,
 * or IP access control), reports 400 code 200 "No permission.".
 */
export function featureBlock(e: unknown): { reason: 'not_enabled' | 'not_permitted'; note: string } | undefined {
  if (!(e instanceof ZoomApiError) || e.isMissingScope) return undefined;
  const t = e.template ?? '';
  const said = `Zoom answered ${e.status} code ${e.code}: ${e.zoomMessage}`;
  if (t.startsWith('/chat/') && e.code === 200 && (e.status === 403 || e.status === 400)) {
    return { reason: 'not_permitted', note: `${said}. The app may read Team Chat only for a role with the Chat Messages permission: in the Zoom web portal, User Management > Roles, give the app owner's role View and Edit for Chat Messages, then resume` };
  }
  if (t.includes('meeting_summar') && e.code === 3000) {
    return { reason: 'not_enabled', note: `${said}. AI Companion meeting summaries are off: turn on Settings > AI Companion > Meeting Summary with AI Companion to let Zoom serve them` };
  }
  // On the account-wide list, 3161 is about the caller ("not allowed for your user account"), not about anyone's data.
  if (t === '/meetings/meeting_summaries' && e.status === 400 && e.code === 3161) {
    return { reason: 'not_permitted', note: `${said}. The app's user may not host or schedule meetings, so Zoom refuses it the account's summary list: give that user a licence that may host, then resume` };
  }
  // "Moved to Trash" is about one summary (an item gone), not the account's settings.
  if (t.includes('meeting_summar') && e.code === 2305 && !/moved to trash/i.test(e.zoomMessage)) {
    return { reason: 'not_permitted', note: `${said}. Turn off "Only share meeting summaries by email" (Account Settings) or allow this address in IP address access control, then resume` };
  }
  if (t.startsWith('/report/activities') && e.code === 200) {
    return { reason: 'not_permitted', note: `${said}. The sign-in report needs a Pro or higher plan and a role that may view Usage Reports` };
  }
  return undefined;
}

/** 400 code 300 "Only provide past chat messages in recent 6 months.": the window starts too early. */
export function isOlderThanChatWindow(e: unknown): boolean {
  return e instanceof ZoomApiError && e.status === 400 && e.code === 300 && /recent 6 months/i.test(e.zoomMessage);
}
