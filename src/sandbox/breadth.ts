/**
 * The rest of what Zoom holds about a person (issue 17): Team Chat sessions and messages, SMS
 * messages, AI Companion meeting summaries and sign-in/sign-out activity. Plain data, generated
 * deterministically from an account's users and meetings (addBreadth), and the list of what the
 * sandbox holds for one person (breadthFor), which tests compare a package with.
 */
import { DAY, MINUTE, iso } from './build.js';
import type { SandboxActivity, SandboxChat, SandboxChatMessage, SandboxSmsMessage, SandboxSummary } from './breadth-model.js';
import type { SandboxAccount, SandboxUser } from './model.js';
import { intBetween, mulberry32, uuidV4, zoomId } from './prng.js';
import { MEETING_ANSWER_SCOPES } from './meeting-answers.js';

/** The scopes the routes of this module need (granular, admin level), granted by default. */
export const BREADTH_SCOPES = [
  'team_chat:read:list_user_sessions:admin',
  'team_chat:read:list_user_messages:admin',
  'team_chat:read:file:admin',
  'phone:read:sms_session:admin',
  'phone:read:voicemail:admin',
  'meeting:read:list_summaries:admin',
  'meeting:read:summary:admin',
  'report:read:user_activities:admin',
  'report:read:list_meeting_participants:admin',
  'meeting:read:list_past_participants:admin',
  'report:read:list_webinar_participants:admin',
  'webinar:read:list_past_participants:admin',
  ...MEETING_ANSWER_SCOPES,
];

export type { SandboxActivity, SandboxBreadth, SandboxChat, SandboxChatFile, SandboxChatMessage, SandboxSmsMessage, SandboxSummary } from './breadth-model.js';

const LINES = ['Morning! Did you see the draft?', 'Yes, looks good to me.', 'Can we move the call to 3pm?', 'Sure, updated the invite.', 'Thanks!', 'Here is the file.', 'Any news on the contract?', 'Will check and come back to you.'];
const CLIENTS = ['Windows', 'Mac', 'iOS', 'Android', 'Browser'];

/** Add Team Chat, SMS messages, summaries and sign-ins to an account (deterministic for a seed and "now"). */
export function addBreadth(account: SandboxAccount, opts: { now: number; seed: number }): SandboxAccount {
  const rand = mulberry32(opts.seed ^ 0x17171717);
  const now = opts.now;
  const users = account.users.filter((u) => u.status === 'active');
  const member = (u: SandboxUser) => ({ id: u.id, email: u.email, member_id: `m${u.id}`, name: u.display_name });
  const chats: SandboxChat[] = [];
  // 1:1 chats between neighbours, one with someone outside the account for every third user.
  for (let i = 0; i + 1 < users.length; i++) {
    const a = member(users[i]!);
    const b = member(users[i + 1]!);
    chats.push({ kind: '1:1', member_ids: [a.id, b.id], a, b, messages: messages([a, b], now, rand, i % 2 === 0) });
  }
  for (let i = 0; i < users.length; i += 3) {
    const a = member(users[i]!);
    const b = { id: '', email: `contact${i}@partner.example`, member_id: `x${i}`, name: `Partner ${i}` };
    chats.push({ kind: '1:1', member_ids: [a.id], a, b, messages: messages([a, b], now, rand, false) });
  }
  // Channels of four.
  for (let i = 0; i < users.length; i += 4) {
    const ms = users.slice(i, i + 4).map(member);
    if (ms.length < 2) continue;
    chats.push({ kind: 'groupchat', channel_id: zoomId(rand, 32).toLowerCase(), name: `Team ${i / 4 + 1}`, member_ids: ms.map((m) => m.id), messages: messages(ms, now, rand, true) });
  }

  const sms: Record<string, SandboxSmsMessage[]> = {};
  for (const u of account.users) {
    for (const s of u.smsSessions) {
      const last = Date.parse(s.last_access_time);
      const owner = s.participants.find((p) => p.is_session_owner)!;
      const other = s.participants.find((p) => !p.is_session_owner)!;
      const n = 3 + (intBetween(rand, 0, 2));
      const list: SandboxSmsMessage[] = [];
      for (let k = n - 1; k >= 0; k--) {
        const out = k % 2 === 0;
        const from = out ? owner : other;
        const to = out ? other : owner;
        const party = (p: typeof owner) => ({ display_name: p.display_name, phone_number: p.phone_number, ...(p.owner_id ? { owner: { id: p.owner_id, type: 'user' as const } } : {}) });
        list.push({
          message_id: uuidV4(rand),
          date_time: iso(last - k * 3 * 3600_000),
          direction: out ? 'Out' : 'In',
          message: LINES[(k + n) % LINES.length]!,
          message_type: 1,
          delivery_status: out ? 'delivered' : 'received',
          sender: party(from),
          to_members: [party(to)],
        });
      }
      // Every session's second text is an MMS with a picture (no PRNG draw: the rest of the data is unchanged).
      const mms = list[1];
      if (mms) {
        mms.message_type = 2;
        mms.attachments = [{ id: mms.message_id.replace(/-/g, '').slice(0, 22), name: 'photo.jpg', size: 2048 + (mms.message_id.charCodeAt(0) % 64) * 16, type: 'JPG' }];
      }
      sms[s.session_id] = list;
    }
  }

  const meetingSummaries: SandboxSummary[] = [];
  let k = 0;
  for (const m of account.meetings) {
    if (m.deleted) continue;
    for (const inst of m.instances) {
      const st = Date.parse(inst.start_time);
      if (st > now || st < now - 365 * DAY || k++ % 3 !== 0) continue;
      const end = Date.parse(inst.end_time);
      meetingSummaries.push({
        meeting_uuid: inst.uuid,
        meeting_id: m.id,
        meeting_host_id: m.host_id,
        meeting_host_email: m.host_email,
        meeting_topic: m.topic,
        meeting_start_time: inst.start_time,
        meeting_end_time: inst.end_time,
        summary_start_time: inst.start_time,
        summary_end_time: inst.end_time,
        summary_created_time: iso(end + MINUTE),
        summary_last_modified_time: iso(end + 2 * MINUTE),
        summary_title: `Summary: ${m.topic}`,
        summary_overview: `The group discussed ${m.topic.toLowerCase()} and agreed on next steps.`,
        summary_details: [{ label: 'Discussion', summary: `Points raised during ${m.topic.toLowerCase()}.` }],
        next_steps: ['Share the notes', 'Follow up next week'],
      });
    }
  }
  meetingSummaries.sort((a, b) => a.summary_start_time.localeCompare(b.summary_start_time));

  // Sign-ins and sign-outs: every few days for the last seven months (Zoom serves six).
  const activities: SandboxActivity[] = [];
  for (const u of users) {
    const created = Date.parse(u.created_at);
    for (let t = now - 210 * DAY + intBetween(rand, 0, 4) * DAY; t < now - DAY; t += intBetween(rand, 4, 9) * DAY) {
      if (t < created) continue;
      const client = CLIENTS[intBetween(rand, 0, CLIENTS.length - 1)]!;
      const ip = `203.0.113.${intBetween(rand, 1, 254)}`;
      const at = t + intBetween(rand, 7, 10) * 3600_000;
      activities.push({ email: u.email, time: iso(at), type: 'Sign in', ip_address: ip, client_type: client, version: '6.2.10.43047' });
      activities.push({ email: u.email, time: iso(at + intBetween(rand, 1, 8) * 3600_000), type: 'Sign out', ip_address: ip, client_type: client, version: '6.2.10.43047' });
    }
  }
  activities.sort((a, b) => a.time.localeCompare(b.time));

  account.breadth = { chatPermission: true, summaries: 'enabled', chats, sms, meetingSummaries, activities };
  return account;
}

type Party = { id: string; email: string; member_id: string; name: string };

/** Messages of one chat: most in the last six months, some older (Zoom no longer serves those), one edited, one deleted, a thread reply and a file. */
function messages(parties: Party[], now: number, rand: () => number, withOld: boolean): SandboxChatMessage[] {
  const out: SandboxChatMessage[] = [];
  const times: number[] = [];
  if (withOld) times.push(now - 240 * DAY - intBetween(rand, 0, 20) * DAY, now - 220 * DAY);
  for (let i = 0; i < 6; i++) times.push(now - intBetween(rand, 2, 170) * DAY - intBetween(rand, 0, 600) * MINUTE);
  times.sort((a, b) => a - b);
  times.forEach((t, i) => {
    const who = parties[i % parties.length]!;
    const m: SandboxChatMessage = {
      id: uuidV4(rand).toUpperCase(),
      sender_id: who.id,
      sender: who.email,
      sender_display_name: who.name,
      send_member_id: who.member_id,
      message: LINES[i % LINES.length]!,
      date_time: iso(t),
      timestamp: t,
      status: 'Normal',
    };
    out.push(m);
  });
  const recent = out.filter((m) => m.timestamp >= now - 170 * DAY);
  if (recent.length >= 4) {
    recent[1]!.status = 'Edited';
    recent[1]!.message += ' (edited)';
    recent[2]!.status = 'Deleted';
    recent[3]!.reply_main_message_id = recent[0]!.id;
    recent[3]!.reply_main_message_timestamp = recent[0]!.timestamp;
    recent[recent.length - 1]!.files = [{ file_id: uuidV4(rand), file_name: 'notes.txt', file_size: 120 + intBetween(rand, 0, 400) }];
    // And a message with several files (then Zoom adds `files[]`), named from the message (no PRNG draw).
    const several = recent.length >= 5 ? recent[recent.length - 2]! : undefined;
    if (several) several.files = ['a', 'b'].map((k, i) => ({ file_id: `${several.id.toLowerCase()}-${k}`, file_name: i ? 'agenda.pdf' : 'draft.txt', file_size: 200 + 40 * i + (several.timestamp % 97) }));
  }
  return out;
}

/** Zoom's "recent six months" for Team Chat (and the reports): the same day six months ago, start of day UTC. */
export function sixMonthsBefore(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 6, d.getUTCDate());
}

/** What the sandbox holds, of the kinds this module adds, about one person (by email). */
export interface BreadthRecords {
  chats: SandboxChat[];
  /** Messages of those chats Zoom still serves (the last six months), deleted and edited included. */
  chatMessages: SandboxChatMessage[];
  /** Older messages Zoom refuses to serve. */
  olderMessages: SandboxChatMessage[];
  smsMessages: SandboxSmsMessage[];
  summaries: SandboxSummary[];
  /** Sign-ins and sign-outs Zoom serves (the last six months). */
  activities: SandboxActivity[];
}

export function breadthFor(account: SandboxAccount, email: string, now: number): BreadthRecords {
  const e = email.trim().toLowerCase();
  const b = account.breadth;
  const user = account.users.find((u) => u.email.toLowerCase() === e);
  const out: BreadthRecords = { chats: [], chatMessages: [], olderMessages: [], smsMessages: [], summaries: [], activities: [] };
  if (!b || !user) return out;
  const cutoff = sixMonthsBefore(now);
  out.chats = b.chats.filter((c) => c.member_ids.includes(user.id));
  for (const c of out.chats) for (const m of c.messages) (m.timestamp >= cutoff ? out.chatMessages : out.olderMessages).push(m);
  for (const s of user.smsSessions) out.smsMessages.push(...(b.sms[s.session_id] ?? []));
  out.summaries = b.meetingSummaries.filter((s) => s.meeting_host_id === user.id);
  out.activities = b.activities.filter((a) => a.email.toLowerCase() === e && Date.parse(a.time) >= cutoff);
  return out;
}
