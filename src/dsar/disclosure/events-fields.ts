/**
 * Who is who in the Zoom Events and visitor-invitation categories (issue 28), from the field names of
 * events.openapi.json and rooms.openapi.json: the same shape as fields.ts RULES (which spreads these in).
 * A ticket, registration or attendance row is the person's own (found by their address); an invitation
 * names a visitor and a host, one of whom is somebody else: masked as the policy says, and what the host
 * wrote in `details` is theirs.
 */
import type { CategoryRule, Kind } from './rule-types.js';

type Rule = CategoryRule;

const holder = { role: 'ticket holder', at: '', fields: { email: 'email', first_name: 'first_name', last_name: 'last_name', phone: 'phone', address: 'detail', city: 'detail', state: 'detail', zip: 'detail', country: 'detail', organization: 'detail', job_title: 'detail' } } as const;

export const EVENTS_VISITORS_RULES: readonly Rule[] = [
  { category: 'events_tickets', file: 'zoom_events_tickets.json', unwrap: 'ticket', parties: [holder], texts: [{ by: 'ticket holder', fields: ['comments'] }] },
  { category: 'events_registrations', file: 'zoom_events_registrations.json', unwrap: 'registrant', parties: [{ role: 'registrant', at: '', fields: { email: 'email' } }] },
  { category: 'events_attendance', file: 'zoom_events_attendance.json', unwrap: 'attendee', parties: [{ role: 'attendee', at: '', fields: { email: 'email', display_name: 'name', first_name: 'first_name', last_name: 'last_name' } }] },
  { category: 'events_session_attendance', file: 'zoom_events_session_attendance.json', unwrap: 'session_attendee', parties: [{ role: 'attendee', at: '', fields: { email: 'email', display_name: 'name', first_name: 'first_name', last_name: 'last_name' } }] },
  {
    category: 'visitor_invitations',
    file: 'visitor_invitations.json',
    unwrap: 'invitation',
    parties: [
      { role: 'visitor', at: '', fields: { visitor_email: 'email', visitor_name: 'name', visitor_organization: 'detail', visitor_photo_url: 'detail' } },
      { role: 'host', at: '', fields: { host_email: 'email', host_name: 'name' } },
    ],
    texts: [{ by: 'host', fields: ['details'] }],
  },
];

/**
 * Revenue Accelerator and Quality Management: the person hosted the conversation or handled the
 * interaction; the participants, viewers and customers are others. Their words in the transcripts are
 * not told apart per line by these rules (a transcript interleaves speakers), so the category is flagged
 * for the officer's review.
 */
export const REVENUE_QUALITY_RULES: readonly Rule[] = [
  {
    category: 'ra_conversations',
    file: 'revenue_accelerator_conversations.json',
    parties: [
      { role: 'host', at: 'conversation', fields: { host_id: 'user_id', host_email: 'email' } },
      { role: 'participant', at: 'conversation.participants[]', fields: { display_name: 'name', email: 'email' } },
      { role: 'viewer', at: 'conversation.conversation_view.view_user_infos[]', fields: { user_display_name: 'name' } },
      { role: 'moment creator', at: 'conversation.moment_info[]', fields: { create_user_display_name: 'name' } },
      { role: 'speaker', at: 'interactions[]', fields: { user_id: 'user_id', display_name: 'name', email: 'email' } },
    ],
    review: 'Transcripts hold what every participant said (customers too): zdsar masks their names and addresses, not their words; read them before release.',
  },
  {
    category: 'qm_interactions',
    file: 'quality_management_interactions.json',
    unwrap: 'interaction',
    parties: [
      { role: 'customer', at: 'interaction_info', fields: { consumer_name: 'name', from: 'detail', to: 'detail' } },
      { role: 'speaker', at: 'transcript_body.speakers[]', fields: { zoom_user_id: 'user_id', email_address: 'email', username: 'name' } },
      { role: 'transcript speaker', at: 'transcript_body.items[]', fields: { zoom_user_id: 'user_id', email: 'email' } },
    ],
    review: 'The transcript holds what the customer said: zdsar masks their name, number and address, not their words; read it before release.',
  },
];
