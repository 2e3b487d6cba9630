/**
 * The demo account: fixtures/sandbox/demo-account.json (people, credentials, scopes, hostile strings)
 * expanded deterministically with dates relative to `now`, so tests never rot.
 */
import { addBreadth, BREADTH_SCOPES } from './breadth.js';
import { addWorkplace, WORKPLACE_SCOPES } from './workplace.js';
import { LEGAL_HOLD_SCOPES } from './routes/legal-hold.js';
import { addContactCenter, CONTACT_CENTER_SCOPES } from './contact-center.js';
import { addEventsVisitors, EVENTS_VISITORS_SCOPES } from './events-visitors.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  DAY,
  IdSource,
  MINUTE,
  instance,
  iso,
  makeMeetings,
  makeRecording,
  makeUser,
  monthsAgo,
  phoneData,
  registrant,
  smsSessions,
  type Person,
  type PhoneContact,
} from './build.js';
import { DEFAULT_QUIRKS, type SandboxAccount, type SandboxLegalHold, type SandboxMeeting, type SandboxRecording, type SandboxUser, type SandboxWebinar } from './model.js';
import { meetingUuid, mulberry32, zoomId } from './prng.js';

interface DemoUserSpec {
  key: string;
  email: string;
  first_name: string;
  last_name: string;
  dept: string;
  job_title: string;
  location: string;
  timezone: string;
  type: 1 | 2;
  status: 'active' | 'inactive' | 'pending';
  role: 'Owner' | 'Admin' | 'Member';
  created_months_ago: number;
  /** The user's login type changed this many days ago (Zoom's `created_at` then says so). */
  login_type_changed_days_ago?: number;
  meetings: number;
  recording_every_days: number;
  webinar_licence: boolean;
  phone: { extension: number; number: string; calls: number } | null;
}

interface DemoFile {
  account: {
    id: string;
    account_number: number;
    name: string;
    phoneEnabled: boolean;
    credentials: { clientId: string; clientSecret: string; webhookSecretToken: string };
    scopes: string[];
  };
  users: DemoUserSpec[];
  externals: Array<{ key: string; email: string; first_name: string; last_name: string; org: string; phone: string }>;
  hostile: { meeting_topics: string[]; recording_topic: string; file_extension: string };
}

export const DEMO_FIXTURE = fileURLToPath(new URL('../../fixtures/sandbox/demo-account.json', import.meta.url));

export function loadDemoFile(path = DEMO_FIXTURE): DemoFile {
  return JSON.parse(readFileSync(path, 'utf8')) as DemoFile;
}

export function demoAccount(opts: { seed?: number; now?: number; fixture?: string } = {}): SandboxAccount {
  const seed = opts.seed ?? 1;
  const now = opts.now ?? Date.now();
  const file = loadDemoFile(opts.fixture);
  const rand = mulberry32(seed);
  const ids = new IdSource(rand);

  const users: SandboxUser[] = [];
  const byKey = new Map<string, SandboxUser>();
  for (const s of file.users) {
    const createdAt = s.created_months_ago > 0 ? monthsAgo(now, s.created_months_ago) : now - 2 * DAY;
    const u = makeUser(
      {
        email: s.email,
        first_name: s.first_name,
        last_name: s.last_name,
        dept: s.dept,
        job_title: s.job_title,
        location: s.location,
        timezone: s.timezone,
        type: s.type,
        status: s.status,
        role: s.role,
        createdAt,
        webinarLicence: s.webinar_licence,
        phone: s.phone ? { extension: s.phone.extension, number: s.phone.number } : null,
      },
      rand,
      now,
    );
    if (s.login_type_changed_days_ago !== undefined) u.login_type_created_at = iso(now - s.login_type_changed_days_ago * DAY);
    users.push(u);
    byKey.set(s.key, u);
  }
  const need = (k: string): SandboxUser => {
    const u = byKey.get(k);
    if (!u) throw new Error(`demo fixture: no user "${k}"`);
    return u;
  };
  const ext = new Map(file.externals.map((e) => [e.key, { email: e.email, first_name: e.first_name, last_name: e.last_name, org: e.org, phone: e.phone } as Person]));
  const person = (k: string): Person => {
    const p = ext.get(k);
    if (p) return p;
    const u = need(k);
    return { email: u.email, first_name: u.first_name, last_name: u.last_name, user_id: u.id };
  };
  const colleagues: Person[] = users.filter((u) => u.status === 'active').map((u) => ({ email: u.email, first_name: u.first_name, last_name: u.last_name, user_id: u.id }));
  const guestsFor = (u: SandboxUser): Person[] => [...colleagues.filter((c) => c.user_id !== u.id), person('jordan'), person('priya')];

  // Meetings
  const meetings: SandboxMeeting[] = [];
  const perUser = new Map<string, SandboxMeeting[]>();
  for (const s of file.users) {
    const u = need(s.key);
    const ms = makeMeetings({ host: u, count: s.meetings, from: Date.parse(u.created_at), now, rand, ids, guests: guestsFor(u), live: s.key === 'alice' });
    perUser.set(s.key, ms);
    meetings.push(...ms);
  }
  const alice = need('alice');
  const chen = need('chen');
  const aliceM = perUser.get('alice') ?? [];
  const chenM = perUser.get('chen') ?? [];
  const pastOf = (ms: SandboxMeeting[]) => ms.filter((m) => m.type === 2 && m.instances.length > 0);
  const upcomingOf = (ms: SandboxMeeting[]) => ms.filter((m) => m.type === 2 && Date.parse(m.start_time) > now);
  const recurringOf = (ms: SandboxMeeting[]) => ms.filter((m) => m.type === 8);

  // Hostile topics
  const [h1, h2] = file.hostile.meeting_topics;
  const aPast = pastOf(aliceM);
  if (h1 !== undefined && aPast[3]) aPast[3].topic = h1;
  const cPast = pastOf(chenM);
  if (h2 !== undefined && cPast[1]) cPast[1].topic = h2;
  if (aPast[5]) aPast[5].topic = file.hostile.recording_topic;

  // A meeting that ended three hours ago, so "recordings without from/to" (today only) returns something.
  const recent: SandboxMeeting = {
    id: ids.next(),
    uuid: '',
    host_id: alice.id,
    host_email: alice.email,
    topic: 'Quick catch-up',
    agenda: '',
    type: 1,
    start_time: iso(Math.floor((now - 3 * 60 * MINUTE) / MINUTE) * MINUTE),
    duration: 25,
    timezone: alice.timezone,
    created_at: iso(now - 3 * 60 * MINUTE),
    password: '',
    approval_type: 2,
    registrants: [],
    instances: [],
  };
  recent.instances.push(instance(Date.parse(recent.start_time), 25, alice, [person('chen'), person('jordan')], rand));
  recent.uuid = recent.instances[0]!.uuid;
  aliceM.push(recent);
  meetings.push(recent);

  // Registration on meetings
  const aRec = recurringOf(aliceM);
  if (aRec[0]) {
    const m = aRec[0];
    m.approval_type = 0;
    m.registration_type = 2;
    const occ = (m.occurrences ?? []).map((o) => o.occurrence_id);
    const pastOcc = (m.occurrences ?? []).filter((o) => Date.parse(o.start_time) + o.duration * MINUTE < now).map((o) => o.occurrence_id);
    const futureOcc = occ.filter((o) => !pastOcc.includes(o));
    const jordanOcc = [...pastOcc.slice(-2), ...futureOcc.slice(0, 2)];
    m.registrants.push(registrant(person('jordan'), rand, 'approved', now - 40 * DAY, { occurrence_ids: jordanOcc }));
    m.registrants.push(registrant(person('priya'), rand, 'pending', now - 30 * DAY));
    m.registrants.push(registrant(person('sam'), rand, 'denied', now - 29 * DAY));
    m.registrants.push(registrant(person('robert'), rand, 'approved', now - 28 * DAY));
  }
  if (aRec[1]) {
    const m = aRec[1];
    m.approval_type = 1;
    m.registration_type = 1;
    m.registrants.push(registrant(person('sam'), rand, 'approved', now - 20 * DAY));
    m.registrants.push(registrant(person('jordan'), rand, 'pending', now - 19 * DAY));
  }
  const aUp = upcomingOf(aliceM);
  if (aUp[0]) {
    const m = aUp[0];
    m.approval_type = 0;
    const j = person('jordan');
    m.registrants.push(registrant({ ...j, email: j.email.toUpperCase().replace('@GMAIL.EXAMPLE', '@gmail.example') }, rand, 'approved', now - 5 * DAY));
    for (let i = 1; i <= 70; i++) {
      const n = String(i).padStart(3, '0');
      m.registrants.push(registrant({ email: `guest${n}@events.example`, first_name: 'Guest', last_name: n }, rand, i % 10 === 0 ? 'pending' : 'approved', now - (6 + i / 10) * DAY));
    }
  }
  if (aPast.length > 0) {
    const m = aPast[aPast.length - 1]!;
    m.approval_type = 0;
    m.registrants.push(registrant(person('jordan'), rand, 'approved', Date.parse(m.created_at)));
    m.registrants.push(registrant(person('sam'), rand, 'approved', Date.parse(m.created_at)));
  }
  const cUp = upcomingOf(chenM);
  if (cUp[0]) {
    const m = cUp[0];
    m.approval_type = 1;
    m.registrants.push(registrant(person('priya'), rand, 'pending', now - 3 * DAY));
    m.registrants.push(registrant(person('bruno'), rand, 'approved', now - 3 * DAY));
  }

  // Webinars
  const webinars: SandboxWebinar[] = [];
  const web = (host: SandboxUser, type: SandboxWebinar['type'], start: number, topic: string, approval: 0 | 1 | 2): SandboxWebinar => ({
    id: ids.next(),
    uuid: meetingUuid(rand),
    host_id: host.id,
    host_email: host.email,
    topic,
    agenda: 'Webinar agenda',
    type,
    start_time: iso(start),
    duration: 60,
    timezone: host.timezone,
    created_at: iso(start - 21 * DAY),
    password: String(Math.floor(rand() * 900000 + 100000)),
    approval_type: approval,
    registrants: [],
    instances: [],
    panelists: [],
  });
  const farah = need('farah');
  const w1 = web(alice, 5, now - 60 * DAY, 'Product launch webinar', 0);
  w1.instances.push(instance(Date.parse(w1.start_time), 60, alice, [person('jordan'), person('priya')], rand));
  w1.uuid = w1.instances[0]!.uuid;
  w1.registrants.push(registrant(person('jordan'), rand, 'approved', now - 70 * DAY));
  w1.registrants.push(registrant(person('priya'), rand, 'approved', now - 69 * DAY));
  w1.registrants.push(registrant(person('robert'), rand, 'denied', now - 68 * DAY));
  w1.panelists.push({ id: zoomId(rand), email: chen.email, name: chen.display_name });
  webinars.push(w1);

  const w2start = Math.floor((now - 14 * DAY) / (30 * MINUTE)) * 30 * MINUTE;
  const w2 = web(alice, 9, w2start, 'Monthly customer office hours', 0);
  w2.registration_type = 2;
  w2.recurrence = { type: 2, repeat_interval: 1, weekly_days: String(new Date(w2start).getUTCDay() + 1), end_times: 5 };
  w2.occurrences = [];
  for (let i = 0; i < 5; i++) {
    const t = w2start + i * 7 * DAY;
    w2.occurrences.push({ occurrence_id: String(t), start_time: iso(t), duration: 60, status: 'available' });
    if (t + 60 * MINUTE < now) w2.instances.push(instance(t, 60, alice, [person('jordan')], rand));
  }
  w2.registrants.push(registrant(person('jordan'), rand, 'approved', now - 20 * DAY, { occurrence_ids: w2.occurrences.slice(0, 4).map((o) => o.occurrence_id) }));
  w2.registrants.push(registrant(person('sam'), rand, 'pending', now - 18 * DAY));
  webinars.push(w2);

  const w3 = web(alice, 5, now + 10 * DAY, 'Partner summit', 1);
  w3.registrants.push(registrant(person('priya'), rand, 'approved', now - 2 * DAY));
  w3.registrants.push(registrant(person('jordan'), rand, 'pending', now - 1 * DAY));
  w3.panelists.push({ id: zoomId(rand), email: 'priya.nair@partner.example', name: 'Priya Nair' });
  w3.panelists.push({ id: zoomId(rand), email: chen.email, name: chen.display_name });
  webinars.push(w3);

  const w4 = web(farah, 5, now + 20 * DAY, 'Spring campaign kickoff', 0);
  w4.registrants.push(registrant(person('jordan'), rand, 'approved', now - 4 * DAY));
  for (let i = 1; i <= 40; i++) {
    const n = String(i).padStart(3, '0');
    w4.registrants.push(registrant({ email: `attendee${n}@events.example`, first_name: 'Attendee', last_name: n }, rand, 'approved', now - 4 * DAY));
  }
  webinars.push(w4);
  const w5 = web(farah, 5, now - 100 * DAY, 'Autumn recap', 0);
  w5.instances.push(instance(Date.parse(w5.start_time), 60, farah, [person('sam')], rand));
  w5.uuid = w5.instances[0]!.uuid;
  w5.registrants.push(registrant(person('sam'), rand, 'approved', now - 110 * DAY));
  webinars.push(w5);

  // Cloud recordings
  for (const s of file.users) {
    if (s.recording_every_days <= 0) continue;
    const u = need(s.key);
    const recs: SandboxRecording[] = [];
    let last = -Infinity;
    const hostile = aPast[3]?.id;
    const traversal = aPast[5]?.id;
    const mine = [...(perUser.get(s.key) ?? [])].sort((a, b) => a.start_time.localeCompare(b.start_time));
    for (const m of mine) {
      for (const inst of m.instances) {
        const t = Date.parse(inst.start_time);
        const forced = m.id === hostile || m.id === traversal || m === recent || (cPast[1] && m.id === cPast[1].id);
        if (!forced && t - last < s.recording_every_days * DAY) continue;
        last = t;
        const r = makeRecording(u, m, inst, rand);
        if (m.id === traversal) {
          const chat = r.recording_files.find((f) => f.file_type === 'CHAT') ?? r.recording_files[r.recording_files.length - 1];
          if (chat) chat.file_extension = file.hostile.file_extension;
        }
        recs.push(r);
      }
    }
    u.recordings = recs.sort((a, b) => a.start_time.localeCompare(b.start_time));
  }

  // Zoom Phone
  const phoneUsers = file.users.filter((s) => s.phone).map((s) => need(s.key));
  const contacts: PhoneContact[] = phoneUsers.map((u) => ({ name: u.display_name, number: u.phone!.phone_numbers[0]!.number, email: u.email, ext: String(u.phone!.extension_number) }));
  for (const s of file.users) {
    if (!s.phone) continue;
    const u = need(s.key);
    Object.assign(u, phoneData(u, s.phone.calls, now, 170, contacts.filter((c) => c.email !== u.email), seed));
    u.smsSessions = smsSessions(u, now, rand, 3);
  }

  return addEventsVisitors(addContactCenter(addWorkplace(addBreadth({
    id: file.account.id,
    account_number: file.account.account_number,
    name: file.account.name,
    created_at: iso(monthsAgo(now, 36)),
    phoneEnabled: file.account.phoneEnabled,
    scopes: [...file.account.scopes, ...[...BREADTH_SCOPES, ...WORKPLACE_SCOPES, ...LEGAL_HOLD_SCOPES, ...CONTACT_CENTER_SCOPES, ...EVENTS_VISITORS_SCOPES].filter((x) => !file.account.scopes.includes(x))],
    credentials: { ...file.account.credentials },
    quirks: { ...DEFAULT_QUIRKS },
    users,
    meetings,
    webinars,
    legalHolds: demoLegalHolds(users, now),
  }, { now, seed }), { now, seed }), { now, seed }), { now, seed });
}

/** The demo's one legal hold: Farah's Team Chat, held for a contract dispute (a person zdsar must not erase). */
export const DEMO_HELD_EMAIL = 'farah.haddad@cedarpine.example';

function demoLegalHolds(users: SandboxUser[], now: number): SandboxLegalHold[] {
  const u = users.find((x) => x.email.toLowerCase() === DEMO_HELD_EMAIL);
  if (!u) return [];
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const start = day(monthsAgo(now, 4));
  return [
    {
      matter_id: '28c92682-f4fc-47b0-bceb-14cb839e0279',
      matter_name: 'Contract dispute 2026',
      matter_start_date: start,
      matter_creation_date: start,
      users: [{ user_id: u.id, email: u.email }],
      files: { [u.email.toLowerCase()]: [{ file_key: 'ZmFyYWgtaG9sZC0x', file_count: 42, file_start_date: start, file_end_date: day(now), ready_for_download: true, total_file_size: 540123 }] },
    },
  ];
}
