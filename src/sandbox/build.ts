/**
 * Building blocks shared by the demo account (demo.ts) and large generated accounts (generate.ts).
 * Everything is deterministic given a seed and "now".
 */
import {
  LazySeq,
  type SandboxCall,
  type SandboxInstance,
  type SandboxMeeting,
  type SandboxParticipant,
  type SandboxPhoneRecording,
  type SandboxRecording,
  type SandboxRecordingFile,
  type SandboxRegistrant,
  type SandboxSmsSession,
  type SandboxUser,
  type SandboxVoicemail,
  type Seq,
} from './model.js';
import { hash32, intBetween, meetingUuid, mulberry32, pick, uuidV4, zoomId } from './prng.js';

export const DAY = 86_400_000;
export const MINUTE = 60_000;

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function monthsAgo(now: number, months: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - months, d.getUTCDate(), 9, 0, 0);
}

/** Unique, realistic meeting/webinar ids: 11 digits (a few 12–13), all ≤ Number.MAX_SAFE_INTEGER. */
export class IdSource {
  private used = new Set<number>();
  constructor(private readonly rand: () => number) {}
  next(digits = 11): number {
    for (;;) {
      const lo = 10 ** (digits - 1);
      const id = lo + Math.floor(this.rand() * (9 * lo - 1));
      if (id <= Number.MAX_SAFE_INTEGER && !this.used.has(id)) {
        this.used.add(id);
        return id;
      }
    }
  }
}

export interface UserSpec {
  email: string;
  first_name: string;
  last_name: string;
  dept?: string;
  job_title?: string;
  location?: string;
  timezone?: string;
  type?: 1 | 2 | 4 | 99;
  status?: 'active' | 'inactive' | 'pending';
  role?: 'Owner' | 'Admin' | 'Member';
  createdAt: number;
  webinarLicence?: boolean;
  phone?: { extension: number; number: string } | null;
}

export function makeUser(spec: UserSpec, rand: () => number, now: number): SandboxUser {
  const roleId = spec.role === 'Owner' ? '0' : spec.role === 'Admin' ? '1' : '2';
  const id = zoomId(rand);
  const u: SandboxUser = {
    id,
    email: spec.email,
    first_name: spec.first_name,
    last_name: spec.last_name,
    display_name: `${spec.first_name} ${spec.last_name}`.trim(),
    type: spec.type ?? 2,
    status: spec.status ?? 'active',
    role_id: roleId,
    role_name: spec.role ?? 'Member',
    dept: spec.dept ?? '',
    job_title: spec.job_title ?? '',
    company: 'Cedar & Pine Ltd',
    location: spec.location ?? '',
    language: 'en-US',
    timezone: spec.timezone ?? 'UTC',
    pmi: 1000000000 + Math.floor(rand() * 8999999999),
    created_at: iso(spec.createdAt),
    last_login_time: iso(spec.status === 'pending' ? spec.createdAt : now - intBetween(rand, 1, 72) * 3_600_000),
    last_client_version: '6.4.6.53970(mac)',
    phone_number: spec.phone?.number ?? '',
    phone_country: spec.phone ? 'GB' : '',
    verified: spec.status === 'pending' ? 0 : 1,
    group_ids: [],
    webinarLicence: spec.webinarLicence ?? false,
    phone: spec.phone
      ? {
          phone_user_id: zoomId(rand),
          extension_id: zoomId(rand),
          extension_number: spec.phone.extension,
          phone_numbers: [{ id: zoomId(rand), number: spec.phone.number }],
          site_id: 'sbxSiteMain0000000000A',
          site_name: 'Main Site',
          status: 'activate',
          calling_plan_type: 200,
          emergency_address: { id: zoomId(rand), address_line1: '1 Cedar Street', city: 'London', state_code: 'LND', zip: 'EC1A 1AA', country: 'GB' },
        }
      : null,
    recordings: [],
    calls: [],
    phoneRecordings: [],
    voicemails: [],
    smsSessions: [],
  };
  return u;
}

export interface Person {
  email: string;
  first_name: string;
  last_name: string;
  user_id?: string;
  org?: string;
  phone?: string;
}

export function registrant(p: Person, rand: () => number, status: SandboxRegistrant['status'], createdAt: number, extra: Partial<SandboxRegistrant> = {}): SandboxRegistrant {
  const r: SandboxRegistrant = {
    id: zoomId(rand),
    email: p.email,
    first_name: p.first_name,
    last_name: p.last_name,
    status,
    create_time: iso(createdAt),
    address: '',
    city: '',
    country: '',
    zip: '',
    state: '',
    phone: p.phone ?? '',
    industry: '',
    org: p.org ?? '',
    job_title: '',
    comments: '',
    custom_questions: [],
    ...extra,
  };
  return r;
}

export function instance(start: number, durationMin: number, host: SandboxUser, others: Person[], rand: () => number): SandboxInstance {
  const participants: SandboxParticipant[] = [];
  const all: Person[] = [{ email: host.email, first_name: host.first_name, last_name: host.last_name, user_id: host.id }, ...others];
  for (const p of all) {
    const join = start + intBetween(rand, 0, 5) * MINUTE;
    const leave = Math.max(join + MINUTE, start + durationMin * MINUTE - intBetween(rand, 0, 5) * MINUTE);
    participants.push({
      id: p.user_id ?? '',
      name: `${p.first_name} ${p.last_name}`.trim(),
      user_id: String(intBetween(rand, 16778240, 33554431)),
      user_email: p.email,
      join_time: iso(join),
      leave_time: iso(leave),
      duration: Math.round((leave - join) / 1000),
      internal_user: Boolean(p.user_id),
    });
  }
  return { uuid: meetingUuid(rand), start_time: iso(start), end_time: iso(start + durationMin * MINUTE), participants };
}

const TOPICS = ['Weekly sync', 'Pipeline review', 'Customer call', 'Quarterly planning', '1:1', 'Design review', 'Onboarding', 'Retro', 'Demo', 'Budget check-in', 'Standup', 'Interview'];

export interface MeetingPlan {
  host: SandboxUser;
  count: number;
  from: number; // earliest start (user creation)
  now: number;
  rand: () => number;
  ids: IdSource;
  /** People who may join past instances. */
  guests?: Person[];
  /** Add a live meeting. */
  live?: boolean;
}

/**
 * A host's meetings: past scheduled (type 2), upcoming (type 2), recurring with fixed time (type 8,
 * occurrences straddling now), recurring without fixed time (type 3), instant (type 1).
 * Returned ascending by start_time.
 */
export function makeMeetings(plan: MeetingPlan): SandboxMeeting[] {
  const { host, count, from, now, rand, ids } = plan;
  const out: SandboxMeeting[] = [];
  if (count <= 0) return out;
  const nRecurring = Math.max(count >= 10 ? 2 : 0, Math.round(count * 0.06));
  const nNoFixed = count >= 20 ? 1 : 0;
  const nInstant = Math.round(count * 0.05);
  const nUpcoming = Math.max(1, Math.round(count * 0.15));
  const nLive = plan.live && count >= 20 ? 1 : 0;
  const nPast = Math.max(0, count - nRecurring - nNoFixed - nInstant - nUpcoming - nLive);
  const span = Math.max(DAY, now - from - DAY);
  const base = (type: SandboxMeeting['type'], start: number, duration: number, topic: string): SandboxMeeting => ({
    id: ids.next(),
    uuid: meetingUuid(rand),
    host_id: host.id,
    host_email: host.email,
    topic,
    agenda: '',
    type,
    start_time: iso(start),
    duration,
    timezone: host.timezone,
    created_at: iso(Math.max(from, start - intBetween(rand, 1, 14) * DAY)),
    password: String(intBetween(rand, 100000, 999999)),
    approval_type: 2,
    registrants: [],
    instances: [],
  });
  const guests = plan.guests ?? [];
  const someGuests = () => guests.filter(() => rand() < 0.3);
  for (let i = 0; i < nPast; i++) {
    const start = roundTo(from + ((i + 0.5) / nPast) * span, 15 * MINUTE);
    const dur = pick(rand, [30, 45, 60, 90]);
    const m = base(2, start, dur, pick(rand, TOPICS));
    m.instances.push(instance(start, dur, host, someGuests(), rand));
    m.uuid = m.instances[0]!.uuid;
    out.push(m);
  }
  for (let i = 0; i < nInstant; i++) {
    const start = roundTo(from + rand() * span, MINUTE);
    const m = base(1, start, intBetween(rand, 5, 40), `${host.first_name} ${host.last_name}'s Personal Meeting Room`);
    m.instances.push(instance(start, m.duration, host, someGuests(), rand));
    m.uuid = m.instances[0]!.uuid;
    out.push(m);
  }
  for (let i = 0; i < nUpcoming; i++) {
    const start = roundTo(now + (i + 1) * intBetween(rand, 1, 4) * DAY, 15 * MINUTE);
    out.push(base(2, start, pick(rand, [30, 60]), pick(rand, TOPICS)));
  }
  for (let i = 0; i < nRecurring; i++) {
    const weeks = 8;
    const first = roundTo(now - intBetween(rand, 3, 5) * 7 * DAY + intBetween(rand, 0, 6) * DAY, 30 * MINUTE);
    const m = base(8, first, 30, `${pick(rand, TOPICS)} (recurring)`);
    m.recurrence = { type: 2, repeat_interval: 1, weekly_days: String(new Date(first).getUTCDay() + 1), end_times: weeks };
    m.occurrences = [];
    for (let w = 0; w < weeks; w++) {
      const t = first + w * 7 * DAY;
      m.occurrences.push({ occurrence_id: String(t), start_time: iso(t), duration: 30, status: 'available' });
      if (t + 30 * MINUTE < now) m.instances.push(instance(t, 30, host, someGuests(), rand));
    }
    out.push(m);
  }
  for (let i = 0; i < nNoFixed; i++) {
    const created = roundTo(now - intBetween(rand, 20, 90) * DAY, MINUTE);
    const m = base(3, created, 60, `${pick(rand, TOPICS)} (any time)`);
    m.recurrence = undefined;
    out.push(m);
  }
  for (let i = 0; i < nLive; i++) {
    const start = roundTo(now - 10 * MINUTE, MINUTE);
    const m = base(2, start, 60, 'Live right now');
    m.live = true;
    out.push(m);
  }
  return out.sort((a, b) => a.start_time.localeCompare(b.start_time) || a.id - b.id);
}

function roundTo(ms: number, step: number): number {
  return Math.round(ms / step) * step;
}

/** End of a meeting (or of its last occurrence). */
export function meetingEnd(m: { start_time: string; duration: number; occurrences?: Array<{ start_time: string; duration: number }> }): number {
  const occ = m.occurrences;
  if (occ && occ.length > 0) {
    const last = occ[occ.length - 1]!;
    return Date.parse(last.start_time) + last.duration * MINUTE;
  }
  return Date.parse(m.start_time) + m.duration * MINUTE;
}

const FILE_KINDS: Array<Omit<SandboxRecordingFile, 'id' | 'recording_start' | 'recording_end' | 'file_size' | 'status'> & { size: [number, number] }> = [
  { file_type: 'MP4', file_extension: 'MP4', recording_type: 'shared_screen_with_speaker_view', size: [48_000, 140_000] },
  { file_type: 'M4A', file_extension: 'M4A', recording_type: 'audio_only', size: [12_000, 40_000] },
  { file_type: 'TRANSCRIPT', file_extension: 'VTT', recording_type: 'audio_transcript', size: [1_500, 6_000] },
  { file_type: 'CHAT', file_extension: 'TXT', recording_type: 'chat_file', size: [300, 2_000] },
];

/** A cloud recording of a past instance; `sizeScale` shrinks files for huge generated accounts. */
export function makeRecording(host: SandboxUser, meeting: { id: number; topic: string; type: number }, inst: { uuid: string; start_time: string; end_time: string }, rand: () => number, sizeScale = 1): SandboxRecording {
  const start = Date.parse(inst.start_time);
  const end = Date.parse(inst.end_time);
  const files: SandboxRecordingFile[] = [];
  const kinds = rand() < 0.3 ? FILE_KINDS.slice(0, 2) : FILE_KINDS;
  for (const k of kinds) {
    files.push({
      id: uuidV4(rand),
      recording_start: iso(start + MINUTE),
      recording_end: iso(end - MINUTE),
      file_type: k.file_type,
      file_extension: k.file_extension,
      file_size: Math.max(64, Math.round(intBetween(rand, k.size[0], k.size[1]) * sizeScale)),
      recording_type: k.recording_type,
      status: 'completed',
    });
  }
  return {
    uuid: inst.uuid,
    id: meeting.id,
    host_id: host.id,
    host_email: host.email,
    topic: meeting.topic,
    type: String(meeting.type === 8 ? 8 : meeting.type === 1 ? 1 : 2),
    start_time: inst.start_time,
    duration: Math.round((end - start) / MINUTE),
    recording_files: files,
  };
}

/** Counterparties for Phone calls. */
export interface PhoneContact {
  name: string;
  number: string;
  email: string;
  ext: string;
}

const EXTERNAL_CALLERS: PhoneContact[] = [
  { name: 'Jordan Lee', number: '+14155550101', email: '', ext: '' },
  { name: 'ACME Switchboard', number: '+442079460000', email: '', ext: '' },
  { name: 'Unknown', number: '+447700900123', email: '', ext: '' },
  { name: 'Priya Nair', number: '+919812345678', email: '', ext: '' },
];

/**
 * Phone data for one user, as lazy sequences over `n` calls spread across the last `days` days
 * (ascending). Call i is a voicemail when i % 7 === 3; otherwise it has a recording when i % 5 === 0.
 */
export function phoneData(owner: SandboxUser, n: number, now: number, days: number, colleagues: PhoneContact[], seed: number): Pick<SandboxUser, 'calls' | 'phoneRecordings' | 'voicemails'> {
  const ownerContact: PhoneContact = {
    name: owner.display_name,
    number: owner.phone?.phone_numbers[0]?.number ?? '',
    email: owner.email,
    ext: String(owner.phone?.extension_number ?? ''),
  };
  const start = now - days * DAY;
  const step = (days * DAY) / Math.max(1, n);
  const userSeed = hash32(owner.id, seed);
  const call = (i: number): SandboxCall => {
    const rand = mulberry32(hash32(String(i), userSeed));
    const t = Math.floor(start + i * step + rand() * step * 0.8);
    const isVoicemail = i % 7 === 3;
    const hasRec = !isVoicemail && i % 5 === 0;
    const direction: SandboxCall['direction'] = isVoicemail ? 'inbound' : rand() < 0.5 ? 'inbound' : 'outbound';
    const other = colleagues.length > 0 && rand() < 0.35 ? pick(rand, colleagues) : pick(rand, EXTERNAL_CALLERS);
    const result: SandboxCall['result'] = isVoicemail ? 'voicemail' : hasRec ? 'answered' : pick(rand, ['answered', 'answered', 'answered', 'no_answer', 'hang_up', 'busy'] as const);
    const talk = result === 'answered' ? intBetween(rand, 20, 1800) : result === 'voicemail' ? intBetween(rand, 10, 90) : 0;
    const caller = direction === 'inbound' ? other : ownerContact;
    const callee = direction === 'inbound' ? ownerContact : other;
    const callId = String(7_000_000_000_000_000_000n + BigInt(hash32('c' + i, userSeed)) * 1_000_000n + BigInt(i));
    return {
      id: uuidFrom(rand),
      call_id: callId,
      owner_id: owner.id,
      direction,
      connect_type: other.ext ? 'internal' : 'external',
      caller_name: caller.name,
      caller_number: caller.number,
      caller_email: caller.email,
      caller_ext_number: caller.ext,
      callee_name: callee.name,
      callee_number: callee.number,
      callee_email: callee.email,
      callee_ext_number: callee.ext,
      start_time: iso(t),
      answer_time: result === 'answered' || result === 'voicemail' ? iso(t + 8000) : '',
      end_time: iso(t + 8000 + talk * 1000),
      duration: talk,
      result,
      recording_id: hasRec ? recId(owner.id, i, userSeed) : '',
      voicemail_id: isVoicemail ? recId(owner.id, i + 1_000_000_000, userSeed) : '',
    };
  };
  const calls = new LazySeq<SandboxCall>(n, call);
  // recordings: i in [0,35) with i%5===0 && i%7!==3 → 0,5,15,20,25,30 (6 per block of 35)
  const recPattern = [0, 5, 15, 20, 25, 30];
  const recIndex = (j: number) => 35 * Math.floor(j / 6) + recPattern[j % 6]!;
  let nRec = 0;
  while (recIndex(nRec) < n) nRec++;
  const phoneRecordings = new LazySeq<SandboxPhoneRecording>(nRec, (j) => {
    const i = recIndex(j);
    const c = call(i);
    return {
      id: c.recording_id,
      owner_id: owner.id,
      call_id: c.call_id,
      call_log_id: c.id,
      caller_name: c.caller_name,
      caller_number: c.caller_number,
      callee_name: c.callee_name,
      callee_number: c.callee_number,
      direction: c.direction,
      date_time: c.start_time,
      duration: c.duration,
      recording_type: i % 10 === 0 ? 'Automatic' : 'OnDemand',
      file_size: 4_000 + (hash32('r' + i, userSeed) % 20_000),
    };
  });
  const nVm = n > 3 ? Math.floor((n - 4) / 7) + 1 : 0;
  const voicemails = new LazySeq<SandboxVoicemail>(nVm, (k) => {
    const i = 7 * k + 3;
    const c = call(i);
    return {
      id: c.voicemail_id,
      owner_id: owner.id,
      call_id: c.call_id,
      call_log_id: c.id,
      caller_name: c.caller_name,
      caller_number: c.caller_number,
      callee_name: c.callee_name,
      callee_number: c.callee_number,
      date_time: c.start_time,
      duration: c.duration,
      status: k % 3 === 0 ? 'unread' : 'read',
      file_size: 2_000 + (hash32('v' + i, userSeed) % 10_000),
    };
  });
  return { calls, phoneRecordings, voicemails };
}

function uuidFrom(rand: () => number): string {
  return uuidV4(rand);
}

function recId(ownerId: string, i: number, seed: number): string {
  const h1 = hash32(`${ownerId}:${i}`, seed).toString(16).padStart(8, '0');
  const h2 = hash32(`${i}:${ownerId}`, seed ^ 0x5bd1e995).toString(16).padStart(8, '0');
  return h1 + h2 + h1.slice(0, 4) + h2.slice(0, 4) + h1.slice(4) + h2.slice(4);
}

export function smsSessions(owner: SandboxUser, now: number, rand: () => number, count: number): SandboxSmsSession[] {
  const out: SandboxSmsSession[] = [];
  for (let i = 0; i < count; i++) {
    const other = EXTERNAL_CALLERS[i % EXTERNAL_CALLERS.length]!;
    out.push({
      session_id: zoomId(rand, 32),
      owner_id: owner.id,
      // Over the owner's whole history: Zoom sets no six-month limit on SMS.
      last_access_time: iso(now - intBetween(rand, 1, Math.max(1, Math.floor((now - Date.parse(owner.created_at)) / DAY) - 1)) * DAY),
      participants: [
        { display_name: owner.display_name, phone_number: owner.phone?.phone_numbers[0]?.number ?? '', owner_id: owner.id, is_session_owner: true },
        { display_name: other.name, phone_number: other.number, is_session_owner: false },
      ],
    });
  }
  return out.sort((a, b) => a.last_access_time.localeCompare(b.last_access_time));
}

export function toSeq<T>(items: T[]): Seq<T> {
  return items;
}
