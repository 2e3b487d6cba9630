import type { ZoomClient } from '../client.js';
import { ZoomApiError } from '../errors.js';
import { listItems, type DateWindow } from '../paginate.js';
import { meetingUuidParam, route } from '../route.js';

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

/** One meeting instance's summary; UUIDs that begin with "/" or contain "//" are double-encoded. */
export function getMeetingSummary(client: ZoomClient, meetingUuid: string): Promise<Rec> {
  return client.get(route('GET', '/meetings/{meetingId}/meeting_summary', { meetingId: meetingUuidParam(meetingUuid) }));
}

/** Sign-in and sign-out activity of the whole account, one window of at most a month (Heavy). */
export function listSignInActivities(client: ZoomClient, w: DateWindow): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/report/activities'), { from: w.from, to: w.to }, { key: 'activity_logs' });
}

/** Which participants list to read: Zoom's report (Heavy, last six months) or past meetings (Medium, last 15 months). */
export type ParticipantsVia = 'report' | 'past_meetings';

/** Every participant row of one meeting instance. */
export function listParticipants(client: ZoomClient, meetingUuid: string, via: ParticipantsVia): AsyncGenerator<Rec> {
  const template = via === 'report' ? '/report/meetings/{meetingId}/participants' : '/past_meetings/{meetingId}/participants';
  return listItems(client, route('GET', template, { meetingId: meetingUuidParam(meetingUuid) }), {}, { key: 'participants' });
}

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
  if (t.includes('meeting_summar') && e.code === 2305) {
    return { reason: 'not_permitted', note: `${said}. Turn off "Only share meeting summaries by email" (Account Settings) or allow this address in IP address access control, then resume` };
  }
  if (t.startsWith('/report/activities') && e.code === 200) {
    return { reason: 'not_permitted', note: `${said}. The sign-in report needs a Pro or higher plan and a role that may view Usage Reports` };
  }
  return undefined;
}

/** 404 code 3001 (meeting not found or expired) or 400 code 12702 (older than Zoom keeps participants): nothing to read any more. */
export function isGoneMeeting(e: unknown): boolean {
  return e instanceof ZoomApiError && ((e.status === 404 && e.code === 3001) || e.code === 12702);
}

/** 400 code 300 "Only provide past chat messages in recent 6 months.": the window starts too early. */
export function isOlderThanChatWindow(e: unknown): boolean {
  return e instanceof ZoomApiError && e.status === 400 && e.code === 300 && /recent 6 months/i.test(e.zoomMessage);
}
