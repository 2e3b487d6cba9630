/**
 * The Zoom Events and visitor-invitation routes (issue 28) as declarations, served by the one generic
 * handler in routes/workplace.ts (as contact-center-routes.ts). From events.openapi.json: the event
 * list (getEvents: role_type, event_status_type; page ≤ 300), an event's tickets (getTickets, `email`
 * filter), registrants (getRegistrants) and attendance report (EventAttendanceReport, Heavy); from
 * rooms.openapi.json: the visitor invitations (`data_scope=account`: every invitation of the account's
 * locations; the spec gives no visitor filter).
 *
 * Where the spec is silent the sandbox takes the looser reading: the tickets' `email` filter ("The email
 * of registrant") is served as a case-insensitive search, so an address that contains another's finds
 * both; zdsar must keep only exact matches.
 */
import type { ErrorAnswer, WorkplaceRoute } from './workplace-routes.js';

type Rec = Record<string, unknown>;

// getEvents documents a bare 400 and 404 (the sandbox answers 404 when the account has no Zoom Events); the per-event reads document 404 code 2002 "Event not found." and 403 code 260200.
const EVENTS_OFF: ErrorAnswer = [404, 404, 'Not Found: Zoom Events is not enabled for this account.'];
const EVENT_GONE: ErrorAnswer = [404, 2002, 'Event not found.'];
// The invitation list documents 400 code 30051005 (page token/size) and a bare 404.
const VISITORS_OFF: ErrorAnswer = [404, 404, 'Not Found: visitor management is not enabled for this account.'];

const events = (w: Parameters<WorkplaceRoute['records']>[0]) => w.eventsVisitors?.events ?? [];
const perEvent = (pick: (ev: NonNullable<Parameters<WorkplaceRoute['records']>[0]['eventsVisitors']>) => Record<string, Rec[]>): WorkplaceRoute['records'] => (w, { params }) => {
  const ev = w.eventsVisitors;
  return ev ? pick(ev)[params.eventId ?? ''] : undefined;
};

export const EVENTS_VISITORS_ROUTES: readonly WorkplaceRoute[] = [
  {
    path: '/v2/zoom_events/events',
    spec: 'events.openapi.json getEvents',
    label: 'Light',
    granular: ['zoom_events:read:list_events', 'zoom_events:read:list_events:admin'],
    classic: ['zoom_events_basic:read', 'zoom_events_basic:read:admin'],
    product: 'zoom_events',
    // role_type defaults to attendee, event_status_type to upcoming. The app's own user holds no tickets: as
    // attendee it lists nothing; as host, the account's events in that state.
    records: (w, { query }) => (query.get('role_type') === 'host' ? events(w).filter((e) => e.state === (query.get('event_status_type') || 'upcoming')).map((e) => e.data) : []),
    shape: { kind: 'list', key: 'events', paging: 'zoom', max: 300 },
    errors: { notEnabled: EVENTS_OFF, notFound: EVENTS_OFF },
  },
  {
    path: '/v2/zoom_events/events/:eventId/tickets',
    spec: 'events.openapi.json getTickets',
    label: 'Light',
    granular: ['zoom_events:read:list_tickets', 'zoom_events:read:list_tickets:admin'],
    classic: ['zoom_events_tickets:read', 'zoom_events_tickets:read:admin'],
    product: 'zoom_events',
    records: (w, a) => {
      const rows = perEvent((ev) => ev.tickets)(w, a);
      const email = (a.query.get('email') ?? '').toLowerCase();
      return rows && email ? rows.filter((t) => String(t.email ?? '').toLowerCase().includes(email)) : rows;
    },
    shape: { kind: 'list', key: 'tickets', paging: 'zoom', max: 300 },
    match: [{ query: 'ticket_type_id', field: 'ticket_type_id' }, { query: 'external_ticket_id', field: 'external_ticket_id' }],
    errors: { notEnabled: EVENTS_OFF, notFound: EVENT_GONE },
  },
  {
    path: '/v2/zoom_events/events/:eventId/registrants',
    spec: 'events.openapi.json getRegistrants',
    label: 'Light',
    granular: ['zoom_events:read:list_registrants', 'zoom_events:read:list_registrants:admin'],
    classic: ['zoom_events_registrants:read', 'zoom_events_registrants:read:admin'],
    product: 'zoom_events',
    records: perEvent((ev) => ev.registrants),
    shape: { kind: 'list', key: 'registrants', paging: 'zoom', max: 300 },
    errors: { notEnabled: EVENTS_OFF, notFound: EVENT_GONE },
  },
  {
    path: '/v2/zoom_events/events/:eventId/reports/event_attendance',
    spec: 'events.openapi.json EventAttendanceReport',
    label: 'Heavy',
    granular: ['zoom_events:read:event_attendance', 'zoom_events:read:event_attendance:admin'],
    classic: ['zoom_events_reports:read', 'zoom_events_reports:read:admin'],
    product: 'zoom_events',
    records: perEvent((ev) => ev.attendance),
    shape: { kind: 'list', key: 'attendees', paging: 'zoom', max: 300 },
    // The report documents a bare 404 (no code).
    errors: { notEnabled: EVENTS_OFF, notFound: [404, 404, 'Not Found'] },
  },
  {
    path: '/v2/visitor/invitation',
    spec: 'rooms.openapi.json invitationList',
    label: 'Medium',
    granular: ['visitor_management:read:list_invitations', 'visitor_management:read:list_invitations:admin'],
    classic: ['visitor_management:read'],
    product: 'visitors',
    // data_scope "user" (the default): the app's own user's invitations (it invites nobody); "account": every location's.
    records: (w, { query }) => (query.get('data_scope') === 'account' ? (w.eventsVisitors?.invitations ?? []) : []),
    // The answer's page_size documents "maximum": 300.
    shape: { kind: 'list', key: 'invitations', paging: 'zoom', max: 300 },
    window: { from: 'from', to: 'to', start: () => 'start_time', tooWide: [400, 30051005, 'Invalid request.'] },
    errors: { notEnabled: VISITORS_OFF, notFound: VISITORS_OFF },
  },
];
