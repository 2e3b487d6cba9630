/**
 * Zoom Events and visitor invitations (issue 28): what the account's events and offices hold about a
 * person, found by their addresses, Zoom user or not. collect.ts runs these beside its own categories,
 * through the same BreadthPerson as contact-center.ts.
 *
 * - Tickets: per event of the account's list (read once per run, AccountWide), the tickets Zoom finds
 *   by each address (`GET /zoom_events/events/{eventId}/tickets?email=`). The spec does not say whether
 *   that filter is exact, so only tickets whose `email` is the address (case aside) are kept.
 * - Registrations and attendance: the event's registrant list and attendance report have no filter by
 *   address; each is read once per run for everyone (AccountWide) and each person keeps their rows.
 * - Visitor invitations: the account's list (`data_scope=account`) has no filter by visitor either; read
 *   once per run, each person keeps the invitations naming one of their addresses as visitor, or their
 *   Zoom user's address as host.
 * Each event is an item (items.ts): one event's answer never decides another's. Each record is kept
 * exactly as Zoom sent it, beside the event and the address that found it (`found_by`).
 */
import type { ZoomClient } from '../zoom/client.js';
import { eventsVisitorsBlock, listEventTickets } from '../zoom/endpoints/events.js';
import { canRead, scopeBlock } from '../zoom/endpoints/workplace.js';
import type { AccountWide } from './account-wide.js';
import { items, type BreadthPerson, type BreadthResult } from './breadth.js';
import { EVENTS_VISITORS_OPTIONAL } from './events-categories.js';

type Rec = Record<string, unknown>;
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const low = (s: string) => s.trim().toLowerCase();

export interface EventsVisitorsSettings {
  client: ZoomClient;
  skip: ReadonlySet<string>;
  accountWide: AccountWide;
}

export interface EventsVisitorsSubject {
  /** Every address the request gave for this person, the first first. */
  emails: string[];
  /** The address of the person's Zoom user, when they have one (invitations they sent as host). */
  userEmail?: string;
}

const scopesOf = new WeakMap<EventsVisitorsSettings, Promise<ReadonlySet<string>>>();
async function blocked(s: EventsVisitorsSettings, template: string): Promise<BreadthResult | undefined> {
  let g = scopesOf.get(s);
  if (!g) scopesOf.set(s, (g = s.client.auth.scopes().then((x) => new Set(x))));
  return canRead(await g, template) ? undefined : { status: 'unavailable', ...scopeBlock(template) };
}

/** A refusal that means "not on the account" or "scope not granted" becomes that outcome; anything else is thrown (a failure). */
async function unlessBlocked(run: () => Promise<BreadthResult>): Promise<BreadthResult> {
  try {
    return await run();
  } catch (e) {
    const block = eventsVisitorsBlock(e);
    if (block) return { status: 'unavailable', ...block };
    throw e;
  }
}

/** The Zoom Events and visitor-invitation categories of one person. */
export function eventsVisitorsPlan(p: BreadthPerson, s: EventsVisitorsSettings, who: EventsVisitorsSubject): Array<Promise<void>> {
  const out: Array<Promise<void>> = [];
  for (const [group, names] of Object.entries(EVENTS_VISITORS_OPTIONAL)) {
    if (s.skip.has(group)) out.push(...names.map((c) => p.settle(c, async () => ({ status: 'unavailable', reason: 'skipped', note: `left out of this export with --skip ${group}` }) as BreadthResult)));
  }
  if (!s.skip.has('zoom_events')) out.push(events(p, s, who));
  if (!s.skip.has('visitors')) out.push(visitors(p, s, who));
  return out;
}

/** The event as context beside a record: what a person needs to know which event it is. */
const eventOf = (e: Rec): Rec => ({ event_id: e.event_id, name: e.name, start_time: e.start_time, end_time: e.end_time });

async function events(p: BreadthPerson, s: EventsVisitorsSettings, who: EventsVisitorsSubject): Promise<void> {
  const emails = [...new Set(who.emails.map(low))];
  const found = (row: Rec, field = 'email') => who.emails.find((a) => low(a) === low(str(row[field]))) ?? str(row[field]);
  const addresses = `the address${emails.length > 1 ? 'es' : ''} the request gave`;
  // The account's events, once per run; drafts are listed but hold no tickets, registrants or attendance.
  let listed: Promise<Rec[]> | undefined;
  const eventList = () => (listed ??= s.accountWide.zoomEvents().then((xs) => xs.filter((e) => e._state !== 'draft')));
  const perEvent = (name: string, template: string, pick: (e: Rec) => boolean, fetch: (e: Rec) => Promise<Rec[]>, why: string) =>
    p.settle(name, () =>
      unlessBlocked(async () => {
        const no = (await blocked(s, '/zoom_events/events')) ?? (template.includes('/sessions/') ? await blocked(s, '/zoom_events/events/{eventId}/sessions') : undefined) ?? (await blocked(s, template));
        if (no) return no;
        const list = (await eventList()).filter(pick);
        const units = items(list.map((e) => ({ key: str(e.event_id), name: `event ${str(e.name) || str(e.event_id)}`, listed: eventOf(e), value: e })), fetch);
        return p.collect(name, units, { why, limit: 'zoom' }, 'events');
      }),
    );
  await Promise.all([
    perEvent(
      'events_tickets',
      '/zoom_events/events/{eventId}/tickets',
      () => true,
      async (e) => {
        const out = new Map<string, Rec>();
        for (const a of emails) {
          for await (const t of listEventTickets(s.client, str(e.event_id), a)) {
            // Only the address itself: a looser search would hand this person another's ticket.
            if (low(str(t.email)) !== a) continue;
            const key = str(t.ticket_id) || JSON.stringify(t);
            if (!out.has(key)) out.set(key, { found_by: found(t), event: eventOf(e), ticket: t });
          }
        }
        return [...out.values()];
      },
      `tickets to every event Zoom's event list names as host (upcoming, past and cancelled; the spec lists "all events associated with the user": with an admin app, the events its user may see), found by ${addresses}; each beside its event and the address that found it`,
    ),
    perEvent(
      'events_registrations',
      '/zoom_events/events/{eventId}/registrants',
      () => true,
      async (e) => (await s.accountWide.eventRows('registrants', str(e.event_id), emails)).map((r) => ({ found_by: found(r), event: eventOf(e), registrant: r })),
      `from each event's list of registrants (read once for everyone asked for), the rows of ${addresses}`,
    ),
    perEvent(
      'events_attendance',
      '/zoom_events/events/{eventId}/reports/event_attendance',
      (e) => e._state === 'past',
      async (e) => (await s.accountWide.eventRows('attendance', str(e.event_id), emails)).map((r) => ({ found_by: found(r), event: eventOf(e), attendee: r })),
      `from the attendance report of each past event (read once for everyone asked for), the rows of ${addresses}; upcoming and cancelled events have no attendance`,
    ),
    perEvent(
      'events_session_attendance',
      '/zoom_events/events/{eventId}/reports/sessions/{sessionId}/attendance',
      (e) => e._state === 'past',
      async (e) => {
        const out: Rec[] = [];
        for (const session of await s.accountWide.eventSessions(str(e.event_id))) {
          const at = { session_id: session.session_id, name: session.name, start_time: session.start_time, end_time: session.end_time };
          for (const r of await s.accountWide.sessionRows(str(e.event_id), str(session.session_id), emails)) out.push({ found_by: found(r), event: eventOf(e), session: at, session_attendee: r });
        }
        return out;
      },
      `from the attendance report of each session of each past event (each read once for everyone asked for), the rows of ${addresses}`,
    ),
  ]);
}

async function visitors(p: BreadthPerson, s: EventsVisitorsSettings, who: EventsVisitorsSubject): Promise<void> {
  await p.settle('visitor_invitations', () =>
    unlessBlocked(async () => {
      const no = await blocked(s, '/visitor/invitation');
      if (no) return no;
      const mine = new Set(who.emails.map(low));
      const host = who.userEmail ? low(who.userEmail) : undefined;
      const w = s.accountWide.visitorWindow();
      const rows = await s.accountWide.visitorInvitations([...mine, ...(host ? [host] : [])]);
      const records: Rec[] = [];
      for (const r of rows) {
        const visitor = low(str(r.visitor_email));
        if (mine.has(visitor)) records.push({ found_by: who.emails.find((a) => low(a) === visitor), as: 'visitor', invitation: r });
        else if (host && low(str(r.host_email)) === host) records.push({ found_by: who.userEmail, as: 'host', invitation: r });
      }
      return p.collect('visitor_invitations', [{ key: `${w.from}_${w.to}`, items: async function* () { yield* records; } }], {
        ...w,
        why: `the account's visitor invitations (every location, read once for everyone asked for) whose visitor is one of the addresses the request gave${host ? ", or whose host is the person's Zoom user" : ''}; visits planned up to a year ahead included`,
      });
    }),
  );
}
