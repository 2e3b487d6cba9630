import type { ZoomClient } from '../client.js';
import { ZoomApiError } from '../errors.js';
import { listItems } from '../paginate.js';
import { route } from '../route.js';
import { scopeBlock } from './workplace.js';

/**
 * The reads of Zoom Events (events.openapi.json) and of visitor invitations (rooms.openapi.json), issue 28,
 * each returning Zoom's records untouched. Every list pages by next_page_token, at most 300 a page.
 */
type Rec = Record<string, unknown>;
const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

/**
 * The event states the list is asked for as host (`event_status_type`: "As a HOST, all status types are
 * valid"); drafts have no tickets but are listed, so that nothing the account holds is left out.
 */
export const EVENT_STATES = ['upcoming', 'past', 'draft', 'cancelled'] as const;

/** The events the app's user may see as host, in one state (getEvents, Light; page ≤ 300). */
export function listZoomEvents(client: ZoomClient, state: (typeof EVENT_STATES)[number]): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/zoom_events/events'), { role_type: 'host', event_status_type: state }, { key: 'events', pageSize: 300, idOf: (e) => str(e.event_id) });
}

/** An event's tickets registered with one address (getTickets `email`, Light; page ≤ 300). */
export function listEventTickets(client: ZoomClient, eventId: string, email: string): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/zoom_events/events/{eventId}/tickets', { eventId }), { email }, { key: 'tickets', pageSize: 300, idOf: (t) => str(t.ticket_id) });
}

/** An event's registrants (getRegistrants, Light; page ≤ 300): no filter by address, so read once per run. */
export function listEventRegistrants(client: ZoomClient, eventId: string): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/zoom_events/events/{eventId}/registrants', { eventId }), {}, { key: 'registrants', pageSize: 300 });
}

/** An event's attendance report (EventAttendanceReport, Heavy; page ≤ 300), every ticket role (`role_type=all`): read once per run. */
export function listEventAttendance(client: ZoomClient, eventId: string): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/zoom_events/events/{eventId}/reports/event_attendance', { eventId }), { role_type: 'all' }, { key: 'attendees', pageSize: 300 });
}

/** An event's sessions (getEventSessionList, Light): no paging parameters, every session (at most 200) in one answer. */
export async function* listEventSessions(client: ZoomClient, eventId: string): AsyncGenerator<Rec> {
  const page = await client.get(route('GET', '/zoom_events/events/{eventId}/sessions', { eventId }));
  yield* (page.sessions as Rec[] | undefined) ?? [];
}

/** A session's attendance report (SessionAttendanceReport, Light; page ≤ 300): read once per run. */
export function listSessionAttendance(client: ZoomClient, eventId: string, sessionId: string): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/zoom_events/events/{eventId}/reports/sessions/{sessionId}/attendance', { eventId, sessionId }), {}, { key: 'attendees', pageSize: 300 });
}

/**
 * Every visitor invitation of the account's locations (invitationList with `data_scope=account`, Medium).
 * The spec gives no filter by visitor or host, so the list is read once per run. Its page_size parameter
 * names no maximum; the answer's page_size does: 300.
 */
export function listVisitorInvitations(client: ZoomClient, w: { from: string; to: string }): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/visitor/invitation'), { data_scope: 'account', from: `${w.from}T00:00:00Z`, to: `${w.to}T23:59:59Z` }, { key: 'invitations', pageSize: 300, idOf: (i) => str(i.invitation_id) });
}

/** The reads an export sends, per product, for doctor's scope check. */
export const EVENTS_VISITORS_OPERATIONS: Record<string, string[]> = {
  zoom_events: ['GET /zoom_events/events', 'GET /zoom_events/events/{eventId}/tickets', 'GET /zoom_events/events/{eventId}/registrants', 'GET /zoom_events/events/{eventId}/reports/event_attendance', 'GET /zoom_events/events/{eventId}/sessions', 'GET /zoom_events/events/{eventId}/reports/sessions/{sessionId}/attendance'],
  visitors: ['GET /visitor/invitation'],
};

/** One small read per product: whether the account has it and the app may read it. */
export function probeEventsVisitors(client: ZoomClient): Record<string, () => Promise<unknown>> {
  return {
    zoom_events: () => client.get(route('GET', '/zoom_events/events'), { role_type: 'host', event_status_type: 'past', page_size: 1 }),
    visitors: () => client.get(route('GET', '/visitor/invitation'), { data_scope: 'account', page_size: 1 }),
  };
}

const PRODUCTS: Record<string, { name: string; setting: string }> = {
  '/zoom_events/events': { name: 'Zoom Events', setting: 'give the account a Zoom Events or Webinars Plus licence and the app owner\'s role access to Zoom Events' },
  '/zra/conversations': { name: 'Zoom Revenue Accelerator', setting: 'give the account Zoom Revenue Accelerator and the app owner\'s role access to its conversations' },
  '/qm/interactions': { name: 'Zoom Quality Management', setting: 'give the account Zoom Quality Management and the app owner\'s role access to its interactions' },
  '/visitor/invitation': { name: 'Visitor management', setting: 'assign a visitor management licence (Room Management > Visitor Management) and give the app owner\'s role visitor management permissions' },
};

/**
 * What a refusal of the list reads (Zoom Events, visitors, Revenue Accelerator, Quality Management) means: a missing scope (add it), or the product is not on the account
 * (the lists document only 400 and 404; a 403 or 404 on the list itself, or a 400 on the event or invitation
 * list, means Zoom serves the app no such product; Revenue Accelerator's 404 code 1005 is a host it does not know).
 * undefined: a failure.
 */
export function eventsVisitorsBlock(e: unknown): { reason: 'not_enabled' | 'not_granted' | 'user_level'; note: string } | undefined {
  if (!(e instanceof ZoomApiError)) return undefined;
  const t = e.template ?? '';
  const said = `Zoom answered ${e.status}${e.code !== undefined ? ` code ${e.code}` : ''}: ${e.zoomMessage}`;
  if (e.isMissingScope && ['/zoom_events', '/visitor', '/zra', '/qm'].some((x) => t.startsWith(x))) return scopeBlock(t, said);
  const product = PRODUCTS[t];
  // The event and invitation lists are sent with values zdsar controls: a 400 there is Zoom refusing the product, as Contact Center's.
  const refused = e.status === 403 || (e.status === 404 && e.code !== 1005) || (e.status === 400 && (t === '/zoom_events/events' || t === '/visitor/invitation'));
  if (product && refused) return { reason: 'not_enabled', note: `${said}. ${product.name} is not on this account or not open to the app: ${product.setting}, then resume` };
  return undefined;
}
