/**
 * Who is who in the Zoom Workplace categories (issue 27), from the field names of Zoom's clips,
 * calendar, scheduler, rooms and ai-companion specs: the same shape as fields.ts RULES (which spreads
 * these in), kept apart so the products stay in files of their own.
 */
import type { CategoryRule, Kind } from './rule-types.js';
type Rec = Record<string, unknown>;

type Rule = CategoryRule;

const attendee = { email: 'email', displayName: 'name' } as const;

/**
 * A message's address headers (From, To, Cc, Bcc, Reply-To…) hold "Name <address>" lists, which no field
 * rule can split into people: masked whole, the person's own included (the officer's copy keeps them).
 */
const ADDRESS_HEADER = /^(from|to|cc|bcc|reply-to|sender|delivered-to|return-path|resent-(from|to|cc|bcc))$/i;
const mailParties = (at: string) => [
  { role: 'mail correspondent', at: `${at}payload.headers[]`, fields: { value: 'detail' as const }, when: (o: Rec) => ADDRESS_HEADER.test(String(o.name)) },
  { role: 'mail correspondent', at: `${at}payload.parts[].headers[]`, fields: { value: 'detail' as const }, when: (o: Rec) => ADDRESS_HEADER.test(String(o.name)) },
];
const MAIL_REVIEW = "Address headers are masked whole, the person's own included. The text of mail others wrote (the snippet and every part's body.data) is withheld; the person's own is kept base64url as Zoom stores it and is not scanned: read it before release.";
/** Where a message's text is (mail.openapi.json: the body, and the parts of a multipart message, two levels deep). */
const mailText = (at: string) => [`${at}snippet`, `${at}payload.body.data`, `${at}payload.parts[].body.data`, `${at}payload.parts[].parts[].body.data`];
/** Mail the person sent or is writing: the mailbox labels it SENT or DRAFT (address headers cannot tell, being masked whole). */
const ownMail = (record: Rec) => {
  const m = isRecordLike(record.message) ? record.message : record;
  return Array.isArray(m.labelIds) && m.labelIds.some((l) => l === 'SENT' || l === 'DRAFT');
};
const isRecordLike = (v: unknown): v is Rec => v !== null && typeof v === 'object' && !Array.isArray(v);

export const WORKPLACE_RULES: readonly Rule[] = [
  { category: 'clips', file: 'clips.json', parties: [{ role: 'clip owner', at: '', fields: { owner_id: 'user_id' } }] },
  // Clip comments (GET /clips/{clipId}/comments), as `{clip, comment}`. A comment names its writer by display name only
  // ("Guest" for a guest, the address for an invited non-Zoom user); mentions name people by name and address.
  {
    category: 'clip_comments',
    file: 'clip_comments.json',
    unwrap: 'comment',
    parties: [
      { role: 'comment writer', at: '', fields: { display_name: 'name' } },
      { role: 'mentioned person', at: 'mentions[]', fields: { display_name: 'name', email: 'email' } },
      { role: 'reply writer', at: 'children_comments[]', fields: { display_name: 'name' } },
      { role: 'mentioned person', at: 'children_comments[].mentions[]', fields: { display_name: 'name', email: 'email' } },
    ],
    texts: [{ by: 'comment writer', fields: ['content'] }],
    review: 'Replies to comments (children_comments) are shown with their writers masked; their text is masked only where it names somebody known. Read them before release.',
  },
  {
    category: 'clip_collaborators',
    file: 'clip_collaborators.json',
    unwrap: 'collaborator',
    parties: [{ role: 'clip collaborator', at: '', fields: { user_id: 'user_id', email: 'email', display_name: 'name' } }],
  },
  // A calendar someone else shares with the person: its id is the owner's address, its name often theirs.
  { category: 'calendar_list', file: 'calendar_list.json', parties: [{ role: 'calendar owner', at: '', fields: { id: 'email', summary: 'name' }, when: (o) => o.accessRole !== 'owner' && o.primary !== true && String(o.id).includes('@') && !String(o.id).endsWith('calendar.zoom.us') }] },
  // Calendar events (GET /calendars/{calId}/events/{eventId}), as `{calendar, event}`.
  {
    category: 'calendar_events',
    file: 'calendar_events.json',
    unwrap: 'event',
    parties: [
      { role: 'event organiser', at: 'organizer', fields: { email: 'email', displayName: 'name' } },
      { role: 'event creator', at: 'creator', fields: { email: 'email', displayName: 'name' } },
      { role: 'event guest', at: 'attendees[]', fields: attendee },
    ],
    texts: [{ by: 'event organiser', fields: ['description'] }],
  },
  { category: 'calendar_settings', file: 'calendar_settings.json', parties: [] },
  // Scheduler bookings: attendees and guests are mostly outsiders (the people who booked).
  {
    category: 'scheduler_events',
    file: 'scheduler_events.json',
    parties: [{ role: 'booker or attendee', at: 'attendees[]', fields: { display_name: 'name', first_name: 'first_name', last_name: 'last_name', email: 'email', attendee_id: 'detail', time_zone: 'detail' } }],
    // `guests` is a list of addresses (strings): masked whole, as somebody else's.
    texts: [
      { by: 'invited guests', fields: ['guests'] },
      { by: 'booker or attendee', fields: ['meeting_notes'] },
    ],
  },
  {
    category: 'scheduler_schedules',
    file: 'scheduler_schedules.json',
    parties: [
      { role: 'schedule creator', at: 'creator', fields: { display_name: 'name', email: 'email' } },
      { role: 'schedule organiser', at: 'organizer', fields: { display_name: 'name', email: 'email' } },
    ],
  },
  { category: 'scheduler_availability', file: 'scheduler_availability.json', parties: [{ role: 'availability owner', at: '', fields: { owner: 'user_id' } }] },
  { category: 'workspace_reservations', file: 'workspace_reservations.json', parties: [{ role: 'reserved by', at: '', fields: { user_id: 'user_id' } }] },
  // Zoom Mail (mail.openapi.json).
  { category: 'mail_profile', file: 'mail_profile.json', parties: [{ role: 'the person', at: '', fields: { emailAddress: 'email' } }] },
  { category: 'mail_messages', file: 'mail_messages.json', parties: mailParties(''), texts: [{ by: 'mail correspondent', fields: mailText(''), own: ownMail }], review: MAIL_REVIEW },
  { category: 'mail_drafts', file: 'mail_drafts.json', parties: mailParties('message.'), texts: [{ by: 'mail correspondent', fields: mailText('message.'), own: ownMail }], review: MAIL_REVIEW },
  { category: 'mail_threads', file: 'mail_threads.json', parties: [], texts: [{ by: 'mail correspondent', fields: ['snippet', 'threadName'] }] },
  { category: 'mail_labels', file: 'mail_labels.json', parties: [] },
  // A filter's criteria name senders and recipients (a name or an address), its action a forwarding address.
  { category: 'mail_filters', file: 'mail_filters.json', parties: [{ role: 'filtered correspondent', at: 'criteria', fields: { from: 'detail', to: 'detail' } }, { role: 'forwarding address', at: 'action', fields: { forward: 'detail' } }], texts: [{ by: 'filtered correspondent', fields: ['criteria.query', 'criteria.negatedQuery', 'criteria.subject'] }] },
  { category: 'mail_delegates', file: 'mail_delegates.json', parties: [{ role: 'mailbox delegate', at: '', fields: { delegateEmail: 'email' } }] },
  { category: 'mail_vacation', file: 'mail_vacation.json', parties: [] },
  // Zoom Whiteboard (whiteboard.openapi.json).
  { category: 'whiteboards', file: 'whiteboards.json', parties: [{ role: 'whiteboard creator', at: '', fields: { created_by_display_name: 'name' } }] },
  {
    category: 'whiteboard_collaborators',
    file: 'whiteboard_collaborators.json',
    unwrap: 'collaborator',
    parties: [{ role: 'whiteboard collaborator', at: '', fields: { user_id: 'user_id', email: 'email', collaborator_name: 'name', collaborator_id: 'detail', avatar: 'detail' } }],
  },
  { category: 'whiteboard_sessions', file: 'whiteboard_sessions.json', parties: [{ role: 'session participant', at: 'regulated_participants[]', fields: { user_id: 'user_id', email: 'email', user_name: 'name' } }] },
  { category: 'aic_archive', file: 'aic_conversation_archive.json', parties: [{ role: 'the person', at: '', fields: { user_id: 'user_id', email: 'email', display_name: 'name' } }] },
];
