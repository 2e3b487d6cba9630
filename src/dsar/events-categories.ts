/**
 * The Zoom Events and visitor-invitation categories (issue 28): what each file holds in plain words, the
 * `--skip` groups, and the requests the groups send (for --estimate). Plain data, no imports, as
 * contact-center-categories.ts. Found by the person's addresses: Zoom user or not.
 */

export const EVENTS_VISITORS_CATEGORIES = [
  { name: 'events_tickets', file: 'zoom_events_tickets.json', group: 'workplace', title: 'Zoom Events: your tickets', explain: 'Your tickets to the account\'s Zoom Events (conferences, webinars and in-person events), found by your email addresses: what you gave when registering (name, organisation, answers) and your join link. Each is shown beside its event and the address that found it.' },
  { name: 'events_registrations', file: 'zoom_events_registrations.json', group: 'workplace', title: 'Zoom Events: your registrations', explain: 'Your registration to each event (its status and the tickets it holds), from the event\'s list of registrants, beside its event and the address that found it.' },
  { name: 'events_attendance', file: 'zoom_events_attendance.json', group: 'workplace', title: 'Zoom Events: your attendance', explain: 'Whether you attended each past event and its lobby, how many sessions you joined, chat messages you sent in the lobby and surveys you took, from the event\'s attendance report.' },
  { name: 'events_session_attendance', file: 'zoom_events_session_attendance.json', group: 'workplace', title: 'Zoom Events: sessions you attended', explain: 'Each session of a past event you attended: when you joined and left, how long you stayed, chat messages you sent, whether you viewed the recording or downloaded material, from the session\'s attendance report.' },
  { name: 'visitor_invitations', file: 'visitor_invitations.json', group: 'workplace', title: 'Office visits: your invitations', explain: 'Invitations to visit an office: as a visitor (your name, organisation, photo link, check-in time) or as the host who invited someone. Each is shown beside the address that found it.' },
] as const;

/** The `--skip` groups of these categories. */
export const EVENTS_VISITORS_OPTIONAL: Record<string, string[]> = {
  zoom_events: ['events_tickets', 'events_registrations', 'events_attendance', 'events_session_attendance'],
  visitors: ['visitor_invitations'],
};

/** An ordinary account (as estimate.ts ASSUMED): events it holds, addresses per person, and the share of past events. */
export const EV_ASSUMED = { sessionsPerEvent: 5, events: 20, addressesPerPerson: 1.2, pastShare: 0.7, pagesPerEventList: 2, invitationPages: 5 };

/** The requests of the groups for `people` people: [operation, count]. The account-wide reads are sent once per run. */
export function eventsVisitorsRequests(people: number): Record<string, Array<[string, number]>> {
  const a = EV_ASSUMED;
  return {
    zoom_events: [
      ['GET /zoom_events/events', 4],
      ['GET /zoom_events/events/{eventId}/tickets', people * a.addressesPerPerson * a.events],
      ['GET /zoom_events/events/{eventId}/registrants', a.events * a.pagesPerEventList],
      ['GET /zoom_events/events/{eventId}/reports/event_attendance', a.events * a.pastShare * a.pagesPerEventList],
      ['GET /zoom_events/events/{eventId}/sessions', a.events * a.pastShare],
      ['GET /zoom_events/events/{eventId}/reports/sessions/{sessionId}/attendance', a.events * a.pastShare * a.sessionsPerEvent],
    ],
    visitors: [['GET /visitor/invitation', a.invitationPages]],
  };
}

/** Revenue Accelerator and Quality Management (issue 28): found by the person's Zoom user only. */
export const REVENUE_QUALITY_CATEGORIES = [
  { name: 'ra_conversations', file: 'revenue_accelerator_conversations.json', group: 'workplace', title: 'Revenue Accelerator: conversations you hosted', explain: 'Sales conversations you hosted that Zoom Revenue Accelerator analysed: topic, when, how long, the participants, the summary and scores, the link to the recording, and what each participant said (transcripts) with talk metrics.' },
  { name: 'qm_interactions', file: 'quality_management_interactions.json', group: 'workplace', title: 'Quality Management: interactions you handled', explain: 'Customer interactions you handled as an agent that Zoom Quality Management recorded: when, which queue and channel, the summary and scores, the transcript and the link to the recording.' },
] as const;

export const REVENUE_QUALITY_OPTIONAL: Record<string, string[]> = {
  revenue_accelerator: ['ra_conversations'],
  quality_management: ['qm_interactions'],
};

/** Requests for `people` people over `monthWindows` windows: the lists of the share who host or handle any, one per month, then each item. */
export function revenueQualityRequests(people: number, monthWindows: number): Record<string, Array<[string, number]>> {
  const users = people * 0.1;
  const items = users * 4 * monthWindows;
  return {
    revenue_accelerator: [
      ['GET /zra/conversations', people * monthWindows],
      ['GET /zra/conversations/{conversationId}', items],
      ['GET /zra/conversations/{conversationId}/interactions', items],
    ],
    quality_management: [
      ['GET /qm/interactions', people * monthWindows],
      ['GET /qm/interactions/{interactionId}', items],
    ],
  };
}
