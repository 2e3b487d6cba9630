import type { ZoomClient } from '../client.js';
import { listItems, type DateWindow } from '../paginate.js';
import { route } from '../route.js';

/**
 * The reads of an access request, as Zoom's specs define them (shared/zoom-api):
 * one function per list or object, each returning Zoom's records untouched.
 */
type Rec = Record<string, unknown>;
const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

export function getUser(client: ZoomClient, userId: string): Promise<Rec> {
  return client.get(route('GET', '/users/{userId}', { userId }));
}

/** The settings groups that come only when asked for by name (users.openapi.json `option`). */
export const SETTINGS_OPTIONS = ['meeting_authentication', 'recording_authentication', 'meeting_security'] as const;

export function getUserSettings(client: ZoomClient, userId: string, option?: (typeof SETTINGS_OPTIONS)[number]): Promise<Rec> {
  return client.get(route('GET', '/users/{userId}/settings', { userId }), option ? { option } : {});
}

/** The meeting list types Zoom offers; a meeting appears under several, so callers dedupe by id. */
export const MEETING_TYPES = ['scheduled', 'live', 'upcoming', 'upcoming_meetings', 'previous_meetings'] as const;

export function listMeetings(client: ZoomClient, userId: string, type: (typeof MEETING_TYPES)[number]): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/users/{userId}/meetings', { userId }), { type }, { key: 'meetings', idOf: (m) => str(m.uuid ?? m.id) });
}

export function listWebinars(client: ZoomClient, userId: string): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/users/{userId}/webinars', { userId }), {}, { key: 'webinars', idOf: (w) => str(w.uuid ?? w.id) });
}

/** Cloud recordings of one window (Zoom: at most a month per call). */
export function listRecordings(client: ZoomClient, userId: string, w: DateWindow): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/users/{userId}/recordings', { userId }), { from: w.from, to: w.to }, { key: 'meetings', idOf: (m) => str(m.uuid ?? m.id) });
}

/** The two kinds of cloud-recording trash (meetings.openapi.json `trash_type`). */
export const TRASH_TYPES = ['meeting_recordings', 'recording_file'] as const;

/**
 * Recordings in the trash. Zoom: "The trash files cannot be filtered by date range and thus, the from
 * and to fields should not be used for trash files."
 */
export function listRecordingsTrash(client: ZoomClient, userId: string, trashType: (typeof TRASH_TYPES)[number]): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/users/{userId}/recordings', { userId }), { trash: 'true', trash_type: trashType }, { key: 'meetings' });
}

export function getPhoneUser(client: ZoomClient, userId: string): Promise<Rec> {
  return client.get(route('GET', '/phone/users/{userId}', { userId }));
}

export function getPhoneSettings(client: ZoomClient, userId: string): Promise<Rec> {
  return client.get(route('GET', '/phone/users/{userId}/settings', { userId }));
}

/** Call history (the successor of the deprecated call_logs list; same scope). Answers "call_logs". */
export function listCallHistory(client: ZoomClient, userId: string, w: DateWindow): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/phone/users/{userId}/call_history', { userId }), { from: w.from, to: w.to }, { key: 'call_logs', idOf: (c) => str(c.id) });
}

/**
 * The call legs of the same call-history answer (`call_elements`, beside `call_logs`: each leg with the
 * devices and IP addresses used), walked page by page like the calls.
 */
export function listCallElements(client: ZoomClient, userId: string, w: DateWindow): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/phone/users/{userId}/call_history', { userId }), { from: w.from, to: w.to }, { key: 'call_elements', idOf: (c) => str(c.call_element_id) });
}

/**
 * The account's call history of one window (accountCallHistory, Heavy), searched by `keyword` ("the name,
 * extension, number, email address, and call ID"): it still holds the calls of people whose Zoom Phone
 * licence was removed. A keyword match is not an identification: callers keep only the calls where the
 * person is a party by a value of their own.
 */
export function listAccountCallHistory(client: ZoomClient, keyword: string, w: DateWindow): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/phone/call_history'), { from: w.from, to: w.to, keyword }, { key: 'call_logs', idOf: (c) => str(c.id) });
}

/**
 * The account's call recordings, voicemails and SMS sessions (phone.openapi.json getPhoneRecordings,
 * accountVoiceMails, accountSmsSession): every owner's, a leaver's too (their extension `deleted`). One
 * month per call. Callers keep only the rows whose owner is the person (owner.id, owner.type user).
 */
export function listAccountPhoneRecordings(client: ZoomClient, w: DateWindow): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/phone/recordings'), { from: w.from, to: w.to }, { key: 'recordings', idOf: (r) => str(r.id) });
}

export function listAccountVoicemails(client: ZoomClient, w: DateWindow): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/phone/voice_mails'), { from: w.from, to: w.to }, { key: 'voice_mails', idOf: (v) => str(v.id) });
}

export function listAccountSmsSessions(client: ZoomClient, w: DateWindow): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/phone/sms/sessions'), { from: w.from, to: w.to, filter_type: 'sent_received_message_time' }, { key: 'sms_sessions', pageSize: 100, idOf: (s) => str(s.session_id) });
}

export function listPhoneRecordings(client: ZoomClient, userId: string, w: DateWindow): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/phone/users/{userId}/recordings', { userId }), { from: w.from, to: w.to }, { key: 'recordings', idOf: (r) => str(r.id) });
}

export function listVoicemails(client: ZoomClient, userId: string, w: DateWindow): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/phone/users/{userId}/voice_mails', { userId }), { from: w.from, to: w.to }, { key: 'voice_mails', idOf: (v) => str(v.id) });
}

/**
 * SMS sessions with a message sent or received in one window (`filter_type=sent_received_message_time`;
 * Zoom's default matches only the session's last message, so a conversation that went on after the
 * window would be missed with all its earlier texts). Page ≤ 100.
 */
export function listSmsSessions(client: ZoomClient, userId: string, w: DateWindow): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/phone/users/{userId}/sms/sessions', { userId }), { from: w.from, to: w.to, filter_type: 'sent_received_message_time' }, { key: 'sms_sessions', pageSize: 100, idOf: (s) => str(s.session_id) });
}

/** Meetings the person joined (not only hosted): Zoom's report, Heavy, one month per call, last six months. */
export function listMeetingsAttended(client: ZoomClient, userId: string, w: DateWindow): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/report/users/{userId}/meetings', { userId }), { from: w.from, to: w.to, type: 'pastJoined' }, { key: 'meetings', idOf: (m) => str(m.uuid ?? m.id) });
}
