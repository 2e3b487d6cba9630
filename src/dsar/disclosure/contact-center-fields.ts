/**
 * Who is who in the Zoom Contact Center categories (issue 28), from the field names of
 * contact-center.openapi.json: the same shape as fields.ts RULES (which spreads these in), kept apart
 * so the product stays in a file of its own. A customer's records name the agents who served them
 * (colleagues of the account: masked as the policy says); an agent's records name the customers
 * (outsiders: masked), whose phone numbers are never the agent's own.
 */
import type { CategoryRule, Kind } from './rule-types.js';

type Rule = CategoryRule;

const agent = { role: 'agent', at: 'agents[]', fields: { user_id: 'user_id', display_name: 'name', user_email: 'email', user_ip_address: 'detail', user_device_mac_address: 'detail' } } as const;
const consumer = { role: 'customer', at: 'consumers[]', fields: { consumer_id: 'detail', consumer_display_name: 'name', consumer_number: 'phone' } } as const;
const noteWriter = { role: 'note writer', at: 'notes[]', fields: { user_id: 'user_id' } } as const;
const engagementParties = [agent, consumer, noteWriter, { role: 'event party', at: 'events[]', fields: { user_id: 'user_id', user_display_name: 'name', consumer_display_name: 'name', transfer_to_user_id: 'user_id', transfer_to_user_display_name: 'name', transfer_to_number: 'phone', supervisor_id: 'user_id', supervisor_display_name: 'name', invitee: 'detail' } }] as Rule['parties'];
const logParties = [agent, { role: 'customer', at: '', fields: { consumer_number: 'phone', consumer_display_name: 'name', caller_number: 'phone', callee_number: 'phone' } }] as Rule['parties'];

export const CONTACT_CENTER_RULES: readonly Rule[] = [
  { category: 'cc_customer_engagements', file: 'contact_center_customer_engagements.json', unwrap: 'engagement', parties: engagementParties, texts: [{ by: 'note writer', fields: ['notes[].note'] }], review: "Agents' notes are about the customer but written by colleagues: read them before release." },
  { category: 'cc_voice_calls', file: 'contact_center_voice_calls.json', unwrap: 'voice_call', parties: logParties },
  { category: 'cc_sms', file: 'contact_center_sms.json', unwrap: 'sms', parties: logParties },
  { category: 'cc_agent_engagements', file: 'contact_center_agent_engagements.json', parties: engagementParties, texts: [{ by: 'note writer', fields: ['notes[].note'] }] },
  { category: 'cc_agent_notes', file: 'contact_center_agent_notes.json', unwrap: 'note', parties: [{ role: 'note writer', at: '', fields: { user_id: 'user_id' } }], texts: [{ by: 'note writer', fields: ['note'] }] },
  {
    category: 'cc_agent_recordings',
    file: 'contact_center_agent_recordings.json',
    unwrap: 'recording',
    parties: [
      { role: 'agent', at: '', fields: { user_id: 'user_id', display_name: 'name', user_email: 'email', owner_id: 'user_id', owner_name: 'name' } },
      { role: 'customer', at: '', fields: { consumer_name: 'name', consumer_number: 'phone' } },
      { role: 'customer', at: 'consumers[]', fields: { consumer_name: 'name', consumer_number: 'phone' } },
    ],
  },
];
