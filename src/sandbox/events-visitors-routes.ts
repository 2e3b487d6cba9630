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

/** A Zoom Events read: its granular scopes `zoom_events:read:{scope}` (and :admin), classic `zoom_events_{classic}:read` (and :admin). */
const eventsRoute = (path: string, op: string, label: WorkplaceRoute['label'], scope: string, classic: string, records: WorkplaceRoute['records'], shape: WorkplaceRoute['shape'], notFound = EVENT_GONE): WorkplaceRoute => ({
  path: `/v2/zoom_events${path}`,
  spec: `events.openapi.json ${op}`,
  label,
  granular: [`zoom_events:read:${scope}`, `zoom_events:read:${scope}:admin`],
  classic: [`zoom_events_${classic}:read`, `zoom_events_${classic}:read:admin`],
  product: 'zoom_events',
  records,
  shape,
  errors: { notEnabled: EVENTS_OFF, notFound },
});
const list = (key: string): WorkplaceRoute['shape'] => ({ kind: 'list', key, paging: 'zoom', max: 300 });

export const EVENTS_VISITORS_ROUTES: readonly WorkplaceRoute[] = [
  eventsRoute(
    '/events',
    'getEvents',
    'Light',
    'list_events',
    'basic',
    // role_type defaults to attendee, event_status_type to upcoming. The app's own user holds no tickets: as
    // attendee it lists nothing; as host, the account's events in that state.
    (w, { query }) => (query.get('role_type') === 'host' ? events(w).filter((e) => e.state === (query.get('event_status_type') || 'upcoming')).map((e) => e.data) : []),
    list('events'),
    EVENTS_OFF,
  ),
  {
    ...eventsRoute('/events/:eventId/tickets', 'getTickets', 'Light', 'list_tickets', 'tickets', (w, a) => {
      const rows = perEvent((ev) => ev.tickets)(w, a);
      const email = (a.query.get('email') ?? '').toLowerCase();
      return rows && email ? rows.filter((t) => String(t.email ?? '').toLowerCase().includes(email)) : rows;
    }, list('tickets')),
    match: [{ query: 'ticket_type_id', field: 'ticket_type_id' }, { query: 'external_ticket_id', field: 'external_ticket_id' }],
  },
  eventsRoute('/events/:eventId/registrants', 'getRegistrants', 'Light', 'list_registrants', 'registrants', perEvent((ev) => ev.registrants), list('registrants')),
  // The report documents a bare 404 (no code).
  eventsRoute('/events/:eventId/reports/event_attendance', 'EventAttendanceReport', 'Heavy', 'event_attendance', 'reports', perEvent((ev) => ev.attendance), list('attendees'), [404, 404, 'Not Found']),
  // The operation takes no paging parameters: every session (at most 200) in one answer.
  eventsRoute('/events/:eventId/sessions', 'getEventSessionList', 'Light', 'list_sessions', 'sessions', perEvent((ev) => ev.sessions), { kind: 'list', key: 'sessions', paging: 'none', max: 200 }),
  eventsRoute(
    '/events/:eventId/reports/sessions/:sessionId/attendance',
    'SessionAttendanceReport',
    'Light',
    'session_attendance',
    'reports',
    (w, { params }) => (w.eventsVisitors?.sessions[params.eventId ?? ''] ? w.eventsVisitors.sessionAttendance[`${params.eventId}/${params.sessionId}`] : undefined),
    list('attendees'),
    [404, 2003, 'Session not found.'],
  ),
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

// Revenue Accelerator (revenue-accelerator.openapi.json): the /zra family. The /iq paths are the same
// operations marked deprecated (operationIds …Deprecated); the sandbox serves the current family only.
// The list documents 404 code 1005 only ("Host or participant does not exist"); answered when the product is off too.
const RA_OFF: ErrorAnswer = [404, 1005, 'Host or participant does not exist: Revenue Accelerator is not enabled for this account.'];
const NO_CONVERSATION: ErrorAnswer = [404, 1005, 'Conversation does not exist.'];
// Quality Management documents a bare 404 on both reads.
const QM_OFF: ErrorAnswer = [404, 404, 'Not Found'];

export const REVENUE_QUALITY_ROUTES: readonly WorkplaceRoute[] = [
  {
    path: '/v2/zra/conversations',
    spec: 'revenue-accelerator.openapi.json listAllConversations',
    label: 'Medium',
    granular: ['zra:read:list_conversations', 'zra:read:list_conversations:admin'],
    classic: ['iq_conversation:read', 'iq_conversation:read:admin'],
    product: 'revenue_accelerator',
    // host_id: the conversations that user hosted; participant_id ("the internal participant ID") matches no address.
    records: (w, { query }) => {
      const all = w.eventsVisitors?.conversations ?? [];
      const host = query.get('host_id');
      return (host ? all.filter((c) => c.owner === host) : all).map((c) => c.data);
    },
    shape: { kind: 'list', key: 'conversations', paging: 'zoom', max: 300, echo: ['from', 'to'] },
    window: { from: 'from', to: 'to', start: () => 'meeting_start_time', tooWide: [400, 1001, 'The from or to time is invalid.'] },
    errors: { notEnabled: RA_OFF, notFound: RA_OFF },
  },
  {
    path: '/v2/zra/conversations/:conversationId',
    spec: 'revenue-accelerator.openapi.json getConversationDetail',
    label: 'Light',
    granular: ['zra:read:conversations:admin', 'zra:read:conversations'],
    classic: ['iq_conversation:read', 'iq_conversation:read:admin'],
    product: 'revenue_accelerator',
    records: (w) => (w.eventsVisitors?.conversations ?? []).map((c) => {
      const parts = w.eventsVisitors!.conversationInteractions[String(c.data.conversation_id)] ?? [];
      const host = parts.find((p) => p.speaker_type === 'rep');
      return { ...c.data, host_email: host?.email, participants: parts.map((p) => ({ display_name: p.display_name, email: p.email, type: p.speaker_type })), recording_download_url: `https://zoom.us/zra/recording/${encodeURIComponent(String(c.data.conversation_id))}` };
    }),
    shape: { kind: 'detail', param: 'conversationId', idField: 'conversation_id' },
    errors: { notEnabled: RA_OFF, notFound: NO_CONVERSATION },
  },
  {
    path: '/v2/zra/conversations/:conversationId/interactions',
    spec: 'revenue-accelerator.openapi.json getConversationInteraction',
    label: 'Medium',
    granular: ['zra:read:conversation_participants', 'zra:read:conversation_participants:admin'],
    classic: ['iq_conversation:read', 'iq_conversation:read:admin'],
    product: 'revenue_accelerator',
    records: (w, { params }) => w.eventsVisitors?.conversationInteractions[params.conversationId ?? ''],
    shape: { kind: 'list', key: 'participants', paging: 'zoom', max: 300 },
    errors: { notEnabled: RA_OFF, notFound: NO_CONVERSATION },
  },
  {
    path: '/v2/qm/interactions',
    spec: 'quality-management.openapi.json ListInteractions',
    label: 'Medium',
    granular: ['zoom_quality_management:read:interactions', 'zoom_quality_management:read:interactions:admin'],
    classic: ['qm_interactions:read', 'qm_interactions:read:admin'],
    product: 'quality_management',
    // user_ids: "The agent IDs, separated by commas."
    records: (w, { query }) => {
      const ids = (query.get('user_ids') ?? '').split(',').filter(Boolean);
      const all = w.eventsVisitors?.qmInteractions ?? [];
      return (ids.length ? all.filter((x) => ids.includes(x.owner)) : all).map((x) => x.data);
    },
    // page_size: "Maximum: 100" in prose, `exclusiveMaximum: true` in the schema (below 100): the sandbox takes 100.
    shape: { kind: 'list', key: 'interactions', paging: 'zoom', max: 100 },
    window: { from: 'from', to: 'to', start: () => 'start_time', tooWide: [400, 1001, 'The from or to time is invalid.'] },
    errors: { notEnabled: QM_OFF, notFound: QM_OFF },
  },
  {
    path: '/v2/qm/interactions/:interactionId',
    spec: 'quality-management.openapi.json InteractionDetail',
    label: 'Medium',
    granular: ['zoom_quality_management:read:interactions', 'zoom_quality_management:read:interactions:admin'],
    classic: ['qm_interactions:read', 'qm_interactions:read:admin'],
    product: 'quality_management',
    records: (w, { params }) => (w.eventsVisitors?.qmInteractions ?? []).filter((x) => (x.detail.interaction_info as Rec).interaction_id === params.interactionId).map((x) => x.detail),
    shape: { kind: 'object' },
    errors: { notEnabled: QM_OFF, notFound: QM_OFF },
  },
];
