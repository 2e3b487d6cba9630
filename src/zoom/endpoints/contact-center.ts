import type { ZoomClient } from '../client.js';
import { listItems, type DateWindow } from '../paginate.js';
import { route } from '../route.js';

/**
 * The reads of Zoom Contact Center (contact-center.openapi.json, issue 28), each returning Zoom's records
 * untouched. Counted on Contact Center's own rate table (limiter.ts rateTableOf). Every list is asked with
 * dates: without them Zoom answers only the past 24 hours; with them, "the defined date range should be
 * a month, as the response only includes one month's worth of data" (callers pass monthWindows).
 */
type Rec = Record<string, unknown>;
const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
// yyyy-mm-dd, the parameters' declared format (date); `to` is the whole day.
const range = (w: DateWindow) => ({ from: w.from, to: w.to });

/** Who a list is asked about: a customer by their number (E.164), or an agent by their Zoom user id. */
export type CcParty = { consumerNumber: string } | { userId: string };
const party = (p: CcParty) => ('consumerNumber' in p ? { consumer_number: p.consumerNumber } : { user_id: p.userId });

/** Engagements in one month window, of a customer or an agent (Medium; page ≤ 100). */
export function listCcEngagements(client: ZoomClient, p: CcParty, w: DateWindow): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/contact_center/engagements'), { ...party(p), ...range(w) }, { key: 'engagements', pageSize: 100, idOf: (e) => str(e.engagement_id) });
}

/** One engagement with its events (Light). */
export function getCcEngagement(client: ZoomClient, engagementId: string): Promise<Rec> {
  return client.get(route('GET', '/contact_center/engagements/{engagementId}', { engagementId }));
}

/** A customer's voice-call logs in one month window (Heavy; page ≤ 100). */
export function listCcVoiceCalls(client: ZoomClient, consumerNumber: string, w: DateWindow): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/contact_center/voice_calls'), { consumer_number: consumerNumber, ...range(w) }, { key: 'voice_calls', pageSize: 100, idOf: (e) => str(e.engagement_id) });
}

/** A customer's SMS logs in one month window (Heavy; page ≤ 100). */
export function listCcSms(client: ZoomClient, consumerNumber: string, w: DateWindow): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/contact_center/sms'), { consumer_number: consumerNumber, ...range(w) }, { key: 'sms', pageSize: 100, idOf: (e) => str(e.engagement_id) });
}

/** An engagement's notes (Medium; page ≤ 300). */
export function listCcNotes(client: ZoomClient, engagementId: string): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/contact_center/engagements/{engagementId}/notes', { engagementId }), {}, { key: 'notes', pageSize: 300, idOf: (n) => str(n.note_id) });
}

/** An engagement's recordings, with their transcript links, over the engagement's own window (Medium). */
export function listCcRecordings(client: ZoomClient, engagementId: string, w: { from: string; to: string }): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/contact_center/engagements/{engagementId}/recordings', { engagementId }), { from: w.from, to: w.to }, { key: 'recordings', pageSize: 300, idOf: (r) => str(r.recording_id) });
}

/** The reads an export sends for Contact Center, for doctor's scope check. */
export const CONTACT_CENTER_OPERATIONS: Record<string, string[]> = {
  contact_center: [
    'GET /contact_center/engagements',
    'GET /contact_center/engagements/{engagementId}',
    'GET /contact_center/voice_calls',
    'GET /contact_center/sms',
    'GET /contact_center/engagements/{engagementId}/notes',
    'GET /contact_center/engagements/{engagementId}/recordings',
  ],
};

/** One small read: whether the account has Contact Center and the app may read it (the past 24 hours' engagements, one). */
export function probeContactCenter(client: ZoomClient): Record<string, () => Promise<unknown>> {
  return { contact_center: () => client.get(route('GET', '/contact_center/engagements'), { page_size: 1 }) };
}
