/**
 * Who is who in Zoom's records, category by category, from Zoom's own field names
 * (the OpenAPI specs in ../shared/zoom-api): which objects in a record describe a person
 * (a "party": the caller, the callee, an SMS participant, a chat peer…), which of their
 * fields say who they are, and which text a party wrote.
 *
 * The disclosure copy decides for each party whether it is the person the package is about
 * (one of its identifying values is the person's own) or somebody else, and masks only the
 * latter. Nothing here guesses from the content of strings; a file no rule knows is masked
 * conservatively and flagged for the officer's review (see redact.ts).
 */
import { WORKPLACE_RULES } from './workplace-fields.js';
import { CONTACT_CENTER_RULES } from './contact-center-fields.js';
import { EVENTS_VISITORS_RULES, REVENUE_QUALITY_RULES } from './events-fields.js';
import { MEETING_ANSWER_RULES } from './meeting-answers-fields.js';

export type { CategoryRule, Kind, PartyRule, TextRule } from './rule-types.js';
import type { CategoryRule, Kind, PartyRule } from './rule-types.js';

/** Kinds that identify a person on their own (a match makes the party the person themself). */
export const STRONG: ReadonlySet<Kind> = new Set(['email', 'phone', 'user_id', 'member_id', 'ext_id', 'employee_id']);
/** Kinds that make up a colleague's work identity (kept when the policy says so). */
export const WORK_IDENTITY: ReadonlySet<Kind> = new Set(['name', 'first_name', 'last_name', 'email', 'user_id', 'member_id', 'ext_id', 'ext_number', 'employee_id', 'phone']);


const callParty = (p: 'caller' | 'callee'): Record<string, Kind> => ({
  [`${p}_name`]: 'name',
  [`${p}_email`]: 'email',
  [`${p}_number`]: 'phone',
  [`${p}_did_number`]: 'phone',
  [`${p}_ext_number`]: 'ext_number',
  [`${p}_ext_id`]: 'ext_id',
  [`${p}_employee_id`]: 'employee_id',
  [`${p}_device_private_ip`]: 'ip',
  [`${p}_device_public_ip`]: 'ip',
  [`${p}_department`]: 'detail',
  [`${p}_cost_center`]: 'detail',
  [`${p}_account_code`]: 'detail',
});

const ownerParty = (at: string, role: string): PartyRule => ({ role, at, fields: { id: 'user_id', name: 'name', extension_number: 'ext_number' } });
const smsMember: Record<string, Kind> = { display_name: 'name', phone_number: 'phone', 'owner.id': 'user_id' };
/** A chat's peer (a 1:1 chat's name is the peer's; a group chat's name is the channel's). */
const chatPeer = (at: string): PartyRule[] => [
  { role: 'chat peer', at, fields: { peer_contact_email: 'email', peer_contact_user_id: 'user_id', peer_contact_member_id: 'member_id' }, when: (o) => o.type !== '1:1' },
  { role: 'chat peer', at, fields: { name: 'name', peer_contact_email: 'email', peer_contact_user_id: 'user_id', peer_contact_member_id: 'member_id' }, when: (o) => o.type === '1:1' },
];
const host: PartyRule = { role: 'host', at: '', fields: { host_id: 'user_id', host_email: 'email', host_name: 'name' } };

/** The table: one entry per category file zdsar writes (and those being added, by Zoom's field names). */
export const RULES: readonly CategoryRule[] = [
  {
    category: 'profile',
    file: 'profile.json',
    parties: [
      { role: 'the person', at: '', fields: { id: 'user_id', email: 'email', display_name: 'name', phone_number: 'phone' } },
      { role: 'manager', at: '', fields: { manager: 'email' } },
    ],
  },
  { category: 'settings', file: 'settings.json', parties: [] },
  { category: 'meetings', file: 'meetings.json', parties: [host] },
  { category: 'webinars', file: 'webinars.json', parties: [host] },
  {
    category: 'meetings_attended',
    file: 'meetings_attended.json',
    parties: [
      { role: 'participant', at: '', fields: { user_name: 'name', user_email: 'email' } },
      { role: 'host', at: '', fields: { host_name: 'name' } },
    ],
  },
  { category: 'recordings', file: 'cloud_recordings.json', parties: [host] },
  { category: 'recordings_trash', file: 'cloud_recordings_trash.json', parties: [host] },
  {
    category: 'phone_profile',
    file: 'phone_profile.json',
    parties: [
      { role: 'the person', at: '', fields: { id: 'user_id', phone_user_id: 'user_id', email: 'email', name: 'name', extension_id: 'ext_id', extension_number: 'ext_number' } },
      // The numbers assigned to the person (users.openapi / phone: phone_numbers[].number): their own.
      { role: 'the person', at: 'phone_numbers[]', fields: { number: 'phone' } },
    ],
  },
  {
    category: 'phone_settings',
    file: 'phone_settings.json',
    parties: [
      { role: 'delegate', at: 'delegation.assistants[]', fields: { id: 'user_id', name: 'name', extension_number: 'ext_number', extension_id: 'ext_id', email: 'email' } },
      { role: 'voicemail access', at: 'voice_mail[]', fields: { access_user_id: 'user_id' } },
      { role: 'recording access', at: 'auto_call_recording_access_members[]', fields: { access_user_id: 'user_id' } },
      { role: 'recording access', at: 'ad_hoc_call_recording_access_members[]', fields: { access_user_id: 'user_id' } },
    ],
  },
  {
    category: 'phone_call_history',
    file: 'phone_call_history.json',
    parties: [
      { role: 'caller', at: '', fields: callParty('caller') },
      { role: 'callee', at: '', fields: callParty('callee') },
      { role: 'operator', at: '', fields: { operator_name: 'name', operator_ext_number: 'ext_number', operator_ext_id: 'ext_id' } },
    ],
  },
  {
    category: 'phone_call_elements',
    file: 'phone_call_elements.json',
    parties: [
      { role: 'caller', at: '', fields: callParty('caller') },
      { role: 'callee', at: '', fields: callParty('callee') },
      { role: 'operator', at: '', fields: { operator_name: 'name', operator_ext_number: 'ext_number', operator_ext_id: 'ext_id' } },
    ],
  },
  {
    category: 'phone_recordings',
    file: 'phone_recordings.json',
    parties: [
      { role: 'caller', at: '', fields: callParty('caller') },
      { role: 'callee', at: '', fields: callParty('callee') },
      ownerParty('owner', 'recording owner'),
      { role: 'accepted by', at: 'accepted_by', fields: { name: 'name', extension_number: 'ext_number' } },
      { role: 'outgoing by', at: 'outgoing_by', fields: { name: 'name', extension_number: 'ext_number' } },
    ],
  },
  {
    category: 'phone_voicemails',
    file: 'phone_voicemails.json',
    parties: [
      { role: 'caller', at: '', fields: callParty('caller') },
      { role: 'callee', at: '', fields: callParty('callee') },
    ],
  },
  {
    category: 'phone_sms',
    file: 'phone_sms_sessions.json',
    parties: [{ role: 'SMS participant', at: 'participants[]', fields: smsMember }],
  },
  // The texts of SMS conversations (GET /phone/sms/sessions/{sessionId}: sms_histories), as `{session_id, message}`.
  {
    category: 'phone_sms_messages',
    file: 'phone_sms_messages.json',
    unwrap: 'message',
    parties: [
      { role: 'SMS sender', at: 'sender', fields: smsMember },
      { role: 'SMS recipient', at: 'to_members[]', fields: smsMember },
    ],
    texts: [{ by: 'SMS sender', fields: ['message', 'attachments'] }],
  },
  // Voicemail details with transcripts (GET /phone/voice_mails/{voicemailId}): what the caller said.
  {
    category: 'phone_voicemail_details',
    file: 'phone_voicemail_details.json',
    parties: [
      { role: 'caller', at: '', fields: callParty('caller') },
      { role: 'callee', at: '', fields: callParty('callee') },
    ],
    texts: [{ by: 'caller', fields: ['transcription.content', 'voice_mail_task.content', 'intent_results'] }],
  },
  // Registrations (GET /meetings/{id}/registrants, /webinars/{id}/registrants, …/panelists), as `{context, record}`.
  {
    category: 'registrations',
    file: 'registrations.json',
    unwrap: 'record',
    parties: [
      {
        role: 'registrant',
        at: '',
        fields: {
          email: 'email',
          first_name: 'first_name',
          last_name: 'last_name',
          phone: 'phone',
          address: 'detail',
          city: 'detail',
          state: 'detail',
          zip: 'detail',
          country: 'detail',
          org: 'detail',
          job_title: 'detail',
          industry: 'detail',
          comments: 'detail',
          custom_questions: 'detail',
          name: 'name',
        },
      },
    ],
    // zdsar's context beside Zoom's record names the meeting's host.
    context: [{ role: 'host', at: 'context', fields: { host_id: 'user_id', host_email: 'email' } }],
  },
  // Team Chat (GET /chat/users/{userId}/sessions and …/messages; a message as `{session, message}`).
  {
    category: 'chat_sessions',
    file: 'chat_sessions.json',
    parties: chatPeer(''),
  },
  {
    category: 'chat_messages',
    file: 'chat_messages.json',
    unwrap: 'message',
    parties: [
      { role: 'message sender', at: '', fields: { sender: 'email', send_member_id: 'member_id', sender_display_name: 'name' } },
      { role: 'mentioned contact', at: 'at_items[]', fields: { at_contact: 'user_id', at_contact_member_id: 'member_id' } },
      { role: 'reaction sender', at: 'reactions[].senders[]', fields: { user_id: 'user_id', member_id: 'member_id' } },
    ],
    context: chatPeer('session'),
    texts: [{ by: 'message sender', fields: ['message', 'rich_text', 'files', 'file_name', 'download_url', 'interactive_cards'] }],
  },
  // Attendance rows (GET /report/meetings/{id}/participants, /past_meetings/{uuid}/participants), as `{meeting, source, participant}`.
  {
    category: 'attendance',
    file: 'attendance.json',
    unwrap: 'participant',
    parties: [
      {
        role: 'participant',
        at: '',
        fields: { id: 'user_id', name: 'name', user_email: 'email', user_id: 'member_id', participant_user_id: 'user_id', registrant_id: 'member_id', customer_key: 'detail', ip_address: 'ip', location: 'detail', device: 'detail', pc_name: 'detail', mac_addr: 'detail' },
      },
    ],
  },
  // AI Companion meeting summaries (GET /meetings/{meetingId}/meeting_summary).
  {
    category: 'meeting_summaries',
    file: 'meeting_summaries.json',
    parties: [
      { role: 'host', at: '', fields: { meeting_host_id: 'user_id', meeting_host_email: 'email' } },
      { role: 'last editor', at: '', fields: { summary_last_modified_user_id: 'user_id', summary_last_modified_user_email: 'email' } },
    ],
    review: "AI summaries are free text about a meeting: they may mention other people by first name or role. Known names, numbers and addresses are masked; read the rest before release.",
  },
  // Sign-ins and sign-outs (GET /report/activities, filtered by the person's email).
  {
    category: 'sign_ins',
    file: 'sign_ins.json',
    parties: [{ role: 'signed in', at: '', fields: { email: 'email', ip_address: 'ip' } }],
  },
  // Clips, Calendar, Scheduler, workspace reservations, AI Companion (issue 27).
  ...WORKPLACE_RULES,
  ...CONTACT_CENTER_RULES,
  ...EVENTS_VISITORS_RULES,
  ...REVENUE_QUALITY_RULES,
  ...MEETING_ANSWER_RULES,
];

/** The rule for a file in a person's folder (by category name from the manifest, else by file name). */
export function ruleFor(file: string, category?: string): CategoryRule | undefined {
  return (category ? RULES.find((r) => r.category === category) : undefined) ?? RULES.find((r) => r.file === file);
}
