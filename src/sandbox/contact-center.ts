/**
 * Zoom Contact Center in the sandbox (issue 28): engagements, voice-call and SMS logs, notes and
 * recordings, generated deterministically. Agents are the account's active users; customers are
 * outsiders known only by a phone number (and a display name), two of them calling from the same
 * company switchboard number (a number that identifies nobody on its own). contactCenterFor lists
 * what the sandbox holds for a customer's number or an agent, which tests compare a package with.
 */
import { DAY, MINUTE, iso } from './build.js';
import type { SandboxAccount } from './model.js';
import { intBetween, mulberry32, zoomId } from './prng.js';
import type { SandboxContactCenter } from './workplace-model.js';

export type { SandboxContactCenter } from './workplace-model.js';

type Rec = Record<string, unknown>;

/** The granular admin scopes the Contact Center routes need, granted by default. */
export const CONTACT_CENTER_SCOPES = [
  'contact_center:read:list_engagements:admin',
  'contact_center:read:engagement:admin',
  'contact_center:read:voice_call_log:admin',
  'contact_center:read:sms_log:admin',
  'contact_center:read:list_notes:admin',
  'contact_center:read:list_recordings:admin',
];

/** The customers: each an outsider's number; the last two share one company switchboard number. */
export const CC_CUSTOMERS = [
  { id: 'ccCust01', name: 'Robin Customer', number: '+14155550123' },
  { id: 'ccCust02', name: 'Sam Caller', number: '+442079460321' },
  { id: 'ccCust03', name: 'Kim Switchboard', number: '+15125550100' },
  { id: 'ccCust04', name: 'Lee Switchboard', number: '+15125550100' },
];

/** Add Contact Center to an account (deterministic for a seed and "now"). */
export function addContactCenter(account: SandboxAccount, opts: { now: number; seed: number }): SandboxAccount {
  const rand = mulberry32(opts.seed ^ 0x28282828);
  const agents = account.users.filter((u) => u.status === 'active').slice(0, 3);
  const cc: SandboxContactCenter = { engagements: [], voiceCalls: [], sms: [], notes: {}, recordings: {} };
  if (account.workplace) account.workplace.enabled.contact_center = true;
  if (agents.length === 0) return attach(account, cc);
  CC_CUSTOMERS.forEach((cust, i) => {
    for (let k = 0; k < 4; k++) {
      const agent = agents[(i + k) % agents.length]!;
      // Spread over the last eight months: several one-month windows, and one engagement within the last day.
      const start = opts.now - (k === 0 && i === 0 ? 3 * 3600_000 : (10 + k * 55 + i * 7 + intBetween(rand, 0, 5)) * DAY) - intBetween(rand, 0, 600) * MINUTE;
      const end = start + (5 + intBetween(rand, 0, 20)) * MINUTE;
      const id = zoomId(rand, 22);
      const sms = k % 2 === 1;
      const consumer = { consumer_id: cust.id, consumer_display_name: cust.name, consumer_number: cust.number };
      const agentRef = { user_id: agent.id, display_name: agent.display_name };
      const queue = { cc_queue_id: `ccq${i % 2}`, queue_name: i % 2 ? 'Billing' : 'Support' };
      const noteList = [{ note_id: zoomId(rand, 16), engagement_id: id, channel_type: sms ? 'sms' : 'voice', channel: sms ? 'sms' : 'voice', note: `Spoke with ${cust.name} about order ${1000 + i * 10 + k}`, last_modified_time: iso(end), user_id: agent.id }];
      cc.engagements.push({
        start_time: iso(start),
        end_time: iso(end),
        duration: Math.round((end - start) / 1000),
        engagement_id: id,
        direction: k === 2 ? 'outbound' : 'inbound',
        channels: [sms ? { channel: 'messaging', channel_source: 'sms' } : { channel: 'voice' }],
        consumers: [consumer],
        queues: [queue],
        agents: [agentRef],
        talk_duration: 120,
        notes: noteList.map(({ user_id, note_id, note, last_modified_time }) => ({ user_id, note_id, note, last_modified_time })),
        transcript_url: `https://zoom.us/cc/transcript/${id}`,
      });
      cc.notes[id] = noteList;
      if (sms) {
        cc.sms.push({ direction: 'inbound', engagement_id: id, contact_center_number: '+18005550199', start_time: iso(start), end_time: iso(end), consumer_number: cust.number, consumer_display_name: cust.name, queues: [{ queue_id: queue.cc_queue_id, ...queue }], agents: [agentRef], total_sent_messages: 3, total_received_messages: 2 });
        cc.recordings[id] = [];
      } else {
        cc.voiceCalls.push({ engagement_id: id, direction: 'inbound', caller_number: cust.number, callee_number: '+18005550199', start_time: iso(start), end_time: iso(end), total_duration: Math.round((end - start) / 1000), consumer_number: cust.number, consumer_display_name: cust.name, queues: [{ queue_id: queue.cc_queue_id, ...queue }], agents: [{ ...agentRef, user_email: agent.email }], recorded: true, result: 'completed' });
        cc.recordings[id] = [{ recording_id: zoomId(rand, 22), queue_name: queue.queue_name, recording_duration: 120, download_url: `https://zoom.us/cc/recording/${id}.mp3`, transcript_url: `https://zoom.us/cc/recording/${id}.vtt`, recording_start_time: iso(start), recording_end_time: iso(end), user_id: agent.id, display_name: agent.display_name, user_email: agent.email, recording_type: 'automatic', channel_type: 'voice', direction: 'inbound', engagement_id: id, consumer_name: cust.name, consumer_number: cust.number }];
      }
    }
  });
  cc.engagements.sort((a, b) => String(a.start_time).localeCompare(String(b.start_time)));
  return attach(account, cc);
}

function attach(account: SandboxAccount, cc: SandboxContactCenter): SandboxAccount {
  if (account.workplace) account.workplace.contactCenter = cc;
  return account;
}

/** What the sandbox holds in Contact Center for a customer's number (E.164) and for an agent (user id). */
export function contactCenterFor(account: SandboxAccount, who: { number?: string; userId?: string }): { engagements: Rec[]; voiceCalls: Rec[]; sms: Rec[] } {
  const cc = account.workplace?.contactCenter;
  if (!cc) return { engagements: [], voiceCalls: [], sms: [] };
  const byNumber = (r: Rec) => who.number !== undefined && (r.consumer_number === who.number || ((r.consumers as Rec[] | undefined) ?? []).some((c) => c.consumer_number === who.number));
  const byAgent = (r: Rec) => who.userId !== undefined && ((r.agents as Rec[] | undefined) ?? []).some((a) => a.user_id === who.userId);
  return { engagements: cc.engagements.filter((r) => byNumber(r) || byAgent(r)), voiceCalls: cc.voiceCalls.filter(byNumber), sms: cc.sms.filter(byNumber) };
}
