/**
 * Zoom Events and visitor invitations in the sandbox (issue 28), generated deterministically. The events
 * are hosted by the account's first active user; their ticket holders are outsiders known only by an
 * address (a ticket holder who is also a visitor, a person with a current and a former address, and a
 * person whose address merely contains another's: the search must never hand one the other's tickets),
 * and one of the account's users. eventsVisitorsFor lists what the sandbox holds for an address, which
 * tests compare a package with.
 */
import { DAY, iso } from './build.js';
import type { SandboxAccount } from './model.js';
import { mulberry32, zoomId } from './prng.js';
import { answerKinds } from './meeting-answers.js';
import type { SandboxEventsVisitors } from './workplace-model.js';

export type { SandboxEventsVisitors } from './workplace-model.js';

type Rec = Record<string, unknown>;

/** The granular admin scopes the Zoom Events, visitor, Revenue Accelerator and Quality Management routes need, granted by default. */
export const EVENTS_VISITORS_SCOPES = [
  'zoom_events:read:list_events:admin',
  'zoom_events:read:list_tickets:admin',
  'zoom_events:read:list_registrants:admin',
  'zoom_events:read:event_attendance:admin',
  'zoom_events:read:list_sessions:admin',
  'zoom_events:read:session_attendance:admin',
  'visitor_management:read:list_invitations:admin',
  'zra:read:list_conversations:admin',
  'zra:read:conversations:admin',
  'zra:read:conversation_participants:admin',
  'zoom_quality_management:read:interactions:admin',
];

/** The outsiders of the events and the visitor list. SIMILAR's address contains PAT's: a loose search by PAT's finds SIMILAR's too. */
export const EV_PEOPLE = {
  pat: { email: 'pat.visitor@guest.example', first: 'Pat', last: 'Visitor', phone: '+442079460555' },
  similar: { email: 'pat.visitor@guest.example.org', first: 'Patricia', last: 'Lookalike', phone: '+442079460556' },
  danaNew: { email: 'dana@new.example', first: 'Dana', last: 'Twoaddress', phone: '+14155550777' },
  danaOld: { email: 'dana@old.example', first: 'Dana', last: 'Twoaddress', phone: '+14155550777' },
  alex: { email: 'alex.other@partner.example', first: 'Alex', last: 'Otherperson', phone: '+14155550888' },
};

/** Add Zoom Events and visitor invitations to an account (deterministic for a seed and "now"). */
export function addEventsVisitors(account: SandboxAccount, opts: { now: number; seed: number }): SandboxAccount {
  const rand = mulberry32(opts.seed ^ 0x28c28c28);
  const w = account.workplace;
  if (!w) return account;
  w.enabled.zoom_events = true;
  w.enabled.visitors = true;
  const users = account.users.filter((u) => u.status === 'active');
  const host = users[0];
  const ev: SandboxEventsVisitors = { events: [], tickets: {}, registrants: {}, attendance: {}, sessions: {}, sessionAttendance: {}, invitations: [], conversations: [], conversationInteractions: {}, qmInteractions: [] };
  w.eventsVisitors = ev;
  if (!host) return account;
  addRevenueQuality(ev, users.slice(0, 2), opts.now, rand);
  w.enabled.revenue_accelerator = true;
  w.enabled.quality_management = true;
  const P = EV_PEOPLE;
  const member = { email: host.email, first: host.first_name, last: host.last_name, phone: '' };
  const plan: Array<{ name: string; state: 'upcoming' | 'past' | 'cancelled'; at: number; holders: Array<typeof member> }> = [
    { name: 'Customer Summit', state: 'past', at: opts.now - 40 * DAY, holders: [P.pat, P.similar, P.danaNew, P.danaOld, P.alex] },
    { name: 'Product Launch', state: 'upcoming', at: opts.now + 20 * DAY, holders: [P.pat, P.similar, member, P.alex] },
    { name: 'Partner Day', state: 'cancelled', at: opts.now - 10 * DAY, holders: [P.danaOld, P.similar] },
  ];
  for (const e of plan) {
    const eventId = zoomId(rand, 22);
    const ticketTypeId = zoomId(rand, 22);
    ev.events.push({
      state: e.state,
      data: {
        event_id: eventId,
        name: e.name,
        description: `${e.name} hosted by ${host.display_name}`,
        timezone: 'America/Los_Angeles',
        event_type: 'CONFERENCE',
        access_level: 'PRIVATE_RESTRICTED',
        status: 'PUBLISHED',
        start_time: iso(e.at),
        end_time: iso(e.at + 6 * 3600_000),
        contact_name: host.display_name,
        contact_email: host.email,
        attendance_type: 'virtual',
      },
    });
    ev.tickets[eventId] = e.holders.map((h) => ({
      ticket_id: zoomId(rand, 20),
      ticket_type_id: ticketTypeId,
      event_join_link: `https://events.zoom.us/ejl/${zoomId(rand, 16)}`,
      send_notification: true,
      email: h.email,
      ticket_role_type: 'normal',
      registration_source: 'Zoom Events',
      authentication_method: 'no_auth',
      first_name: h.first,
      last_name: h.last,
      ...(h.phone ? { phone: h.phone } : {}),
      organization: h.email.split('@')[1],
      comments: `Looking forward to ${e.name}, ${h.first}`,
    }));
    ev.registrants[eventId] = ev.tickets[eventId]!.map((t) => ({ email: t.email, registration_status: 'REGISTERED', tickets: [{ ticket_id: t.ticket_id, role: 'ATTENDEE', authentication_method: 'no_auth' }] }));
    ev.attendance[eventId] =
      e.state === 'past'
        ? e.holders.map((h, i) => ({
            display_name: `${h.first} ${h.last}`,
            first_name: h.first,
            last_name: h.last,
            email: h.email,
            opt_in_marketing: 0,
            event_attendance: i % 2 === 0 ? 'attended' : 'absent',
            attendance_type: ['virtual'],
            lobby_attendance: 'absent',
            lobby_chat_sent: i,
            survey_taken: 0,
            total_sessions_joined: i % 2 === 0 ? 2 : 0,
            number_of_tickets: 1,
            role: 'General',
          }))
        : [];
    // Two sessions per event; in a past event's, who attended each (the lookalike too, in the second).
    ev.sessions[eventId] = [0, 1].map((n) => ({ timezone: 'America/Los_Angeles', type: 0, session_id: zoomId(rand, 22), name: `${e.name}: ${n ? 'Breakout' : 'Keynote'}`, start_time: iso(e.at + n * 2 * 3600_000), end_time: iso(e.at + (n * 2 + 1) * 3600_000), featured: n === 0 }));
    for (const [n, s] of ev.sessions[eventId]!.entries()) {
      const who = e.state === 'past' ? e.holders.filter((_, i) => i % 2 === 0 || (n === 1 && e.holders[i] === P.similar)) : [];
      ev.sessionAttendance[`${eventId}/${String(s.session_id)}`] = who.map((h) => ({ session_id: s.session_id, first_name: h.first, last_name: h.last, email: h.email, display_name: `${h.first} ${h.last}`, authentication_method: 'no_auth', opt_in_marketing: 0, check_in_method: 'virtual', attendance_type: 'virtual', session_attendance: 'yes', start_time: s.start_time, end_time: s.end_time, duration_spent_in_session: 3600, chat_messages_sent: 1, material_download: false, recording_view: false, live_streaming_view: false, role_name: 'Attendee' }));
    }
  }
  addOutsiderToSession(account, opts.now);
  // Visitor invitations: each outsider visits once (PAT hosted by the first user), the lookalike too.
  const visits: Array<[typeof member, number]> = [
    [P.pat, 0],
    [P.similar, 1],
    [P.danaOld, 0],
    [P.alex, 1],
  ];
  visits.forEach(([v, h], i) => {
    const by = users[h] ?? host;
    const start = opts.now - (5 + i * 20) * DAY;
    ev.invitations.push({
      invitation_id: zoomId(rand, 22),
      address: '1 Market St, San Francisco',
      details: `Meeting with ${by.display_name}`,
      start_time: iso(start),
      host_email: by.email,
      host_name: by.display_name,
      invite_location_id: 'loc0000000000000000001',
      office_name: 'San Francisco office',
      check_in_time: iso(start + 3600_000),
      status: 'CHECK_OUT',
      time_zone: 'America/Los_Angeles',
      visitor_email: v.email,
      visitor_name: `${v.first} ${v.last}`,
      visitor_organization: v.email.split('@')[1],
    });
  });
  return account;
}

/**
 * PAT (no Zoom user) joins one of the account's recent meetings that holds Q&A and poll results, as its first
 * participant, with SIMILAR (whose address contains PAT's) second: the results' authors (meeting-answers.ts)
 * then hold PAT's question and poll answers, SIMILAR's, and the entry of someone who typed PAT's display name
 * under another address (pat.visitor@elsewhere.example: the same local part, another domain).
 */
function addOutsiderToSession(account: SandboxAccount, now: number): void {
  const recent = account.meetings
    .filter((m) => !m.hostedElsewhere)
    .flatMap((m) => m.instances.filter((i) => !i.gone && Date.parse(i.start_time) > now - 150 * DAY && Date.parse(i.start_time) < now - DAY && answerKinds(i, 'meeting').qa && answerKinds(i, 'meeting').polls))
    .sort((a, b) => b.start_time.localeCompare(a.start_time));
  const inst = recent[0];
  if (!inst) return;
  const at = (person: { email: string; first: string; last: string }, n: number) => ({
    id: '',
    name: `${person.first} ${person.last}`,
    user_id: String(16778240 + n),
    user_email: person.email,
    join_time: inst.start_time,
    leave_time: inst.end_time,
    duration: Math.max(60, Math.round((Date.parse(inst.end_time) - Date.parse(inst.start_time)) / 1000)),
    internal_user: false,
  });
  inst.participants.unshift(at(EV_PEOPLE.pat, 1), at(EV_PEOPLE.similar, 2));
}

/**
 * Revenue Accelerator conversations hosted by each of `hosts` (a customer of Alex's company on each, with
 * transcripts) and Quality Management interactions each handled as an agent, spread over the last months.
 */
function addRevenueQuality(ev: SandboxEventsVisitors, hosts: Array<{ id: string; email: string; display_name: string }>, now: number, rand: () => number): void {
  const customer = EV_PEOPLE.alex;
  hosts.forEach((h, hi) => {
    for (let k = 0; k < 3; k++) {
      const start = now - (3 + k * 35 + hi * 5) * DAY;
      const conversationId = `${zoomId(rand, 22)}==,${start}`;
      const meetingId = 80000000000 + hi * 1000 + k;
      ev.conversations.push({ owner: h.id, data: { conversation_id: conversationId, host_id: h.id, meeting_id: meetingId, meeting_uuid: `${zoomId(rand, 22)}==`, conversation_topic: `Renewal call ${k + 1}`, duration: 30, duration_sec: 1800, conversation_type: 'meeting', meeting_start_time: iso(start), iq_processed_time: iso(start + 3600_000), engagement_score: 70, sentiment_score: 60, engaging_questions_count: 3, next_steps_count: 1, filler_words_count: 4, processing_analysis: false } });
      ev.conversationInteractions[conversationId] = [
        { user_id: h.id, display_name: h.display_name, email: h.email, speaker_type: 'rep', transcripts: [{ item_id: zoomId(rand, 10), text: `Thanks for joining, ${customer.first}.`, start_time: iso(start + 60_000), end_time: iso(start + 65_000) }], metrics: { talk_to_listen_ratio: 0.5, longest_monolog: 40, talk_speed: 150, filler_words: 2, patience: 1.2 } },
        { display_name: `${customer.first} ${customer.last}`, email: customer.email, speaker_type: 'customer', transcripts: [{ item_id: zoomId(rand, 10), text: 'Our budget is approved for next year.', start_time: iso(start + 70_000), end_time: iso(start + 80_000) }], metrics: { talk_to_listen_ratio: 0.5, longest_monolog: 20, talk_speed: 140, filler_words: 2, patience: 1 } },
      ];
      const interactionId = zoomId(rand, 22);
      const info = { from: customer.phone, to: '+18005550199', interaction_id: interactionId, agent_name: h.display_name, consumer_name: `${customer.first} ${customer.last}`, channel_type: 'AUDIO', associated_ids: [], evaluations: [] };
      const row = { start_time: iso(start), duration: 600, queue_id: 'qmq1', queue_name: 'Support', interaction_info: info, engagement_id: zoomId(rand, 22), direction: 'inbound', disposition: 'resolved', silence_event_count: 0, crosstalk_event_count: 1, hold_event_count: 0, screen_recording_status: 'UNAVAILABLE' };
      ev.qmInteractions.push({
        owner: h.id,
        data: row,
        detail: { start_time: row.start_time, duration: 600, queue_id: 'qmq1', queue_name: 'Support', recording_url: `https://zoom.us/qm/recording/${interactionId}`, language: 'en-US', interaction_summary: `${customer.first} asked about an invoice.`, interaction_info: info, transcript_body: { host_id: h.id, language: 'en-US', speakers: [{ speaker_id: 's1', zoom_user_id: h.id, email_address: h.email, username: h.display_name, role: 'rep' }, { speaker_id: 's2', zoom_user_id: '', email_address: customer.email, username: `${customer.first} ${customer.last}`, role: 'customer' }], items: [{ item_id: 'i1', speaker_id: 's2', start_time: iso(start + 5000), end_time: iso(start + 9000), text: 'I have a question about my invoice.', email: customer.email }] } },
      });
    }
  });
}

/** What the sandbox holds for an address (exactly, case aside): tickets per event, attendance rows, and invitations as visitor or host. */
export function eventsVisitorsFor(account: SandboxAccount, email: string): { tickets: Rec[]; registrants: Rec[]; attendance: Rec[]; sessionAttendance: Rec[]; invitations: Rec[] } {
  const ev = account.workplace?.eventsVisitors;
  const e = email.toLowerCase();
  const is = (r: Rec, k: string) => String(r[k] ?? '').toLowerCase() === e;
  if (!ev) return { tickets: [], registrants: [], attendance: [], sessionAttendance: [], invitations: [] };
  return {
    tickets: Object.values(ev.tickets).flat().filter((t) => is(t, 'email')),
    registrants: Object.values(ev.registrants).flat().filter((t) => is(t, 'email')),
    attendance: Object.values(ev.attendance).flat().filter((t) => is(t, 'email')),
    sessionAttendance: Object.values(ev.sessionAttendance).flat().filter((t) => is(t, 'email')),
    invitations: ev.invitations.filter((t) => is(t, 'visitor_email') || is(t, 'host_email')),
  };
}
