/**
 * Deterministic large accounts for benchmarks: thousands of hosts, one heavy user with tens of
 * thousands of meetings, years of recordings and a hundred thousand call logs. Phone data is lazy
 * (each call is computed from its index), so memory stays flat; meetings are compact objects.
 */
import { addBreadth, BREADTH_SCOPES } from './breadth.js';
import { addWorkplace, WORKPLACE_SCOPES } from './workplace.js';
import { addContactCenter, CONTACT_CENTER_SCOPES } from './contact-center.js';
import { addEventsVisitors, EVENTS_VISITORS_SCOPES } from './events-visitors.js';
import { DAY, IdSource, makeMeetings, makeRecording, makeUser, monthsAgo, phoneData, registrant, smsSessions, iso, type Person, type PhoneContact } from './build.js';
import { DEFAULT_QUIRKS, type SandboxAccount, type SandboxMeeting, type SandboxRecording, type SandboxUser } from './model.js';
import { mulberry32 } from './prng.js';

export interface GenerateOptions {
  seed: number;
  /** Number of users (hosts), heavy user included. */
  users: number;
  /** Meetings per ordinary user (default 5). */
  meetingsPerUser?: number;
  /** Calls per ordinary Phone user over the last 170 days (default 20). */
  callsPerUser?: number;
  /** Share of ordinary users with a Phone licence (default 0.5). */
  phoneShare?: number;
  /** One cloud recording per this many days per ordinary user (default 30; 0 = none). */
  recordingEveryDays?: number;
  /**
   * Colleagues each host invites to their meetings (the next users of the account), each joining a past
   * meeting with a guest's chance (0.3): people who attend many meetings they do not host (default 0).
   */
  colleagueGuests?: number;
  /** Share of meetings with registration and a few registrants (default 0.1). */
  registrationShare?: number;
  /** The heavy user (the first user): omit for none. */
  heavy?: { meetings?: number; recordingYears?: number; calls?: number; recordingEveryDays?: number };
  /** Reference time (default Date.now()). */
  now?: number;
  accountId?: string;
  credentials?: { clientId?: string; clientSecret?: string; webhookSecretToken?: string };
  scopes?: string[];
}

export const GENERATED_SCOPES = [
  'phone:read:list_users:admin',
  'data_request:write:request:admin',
  'data_request:read:history:admin',
  'data_request:read:download:admin',
  'data_request:delete:request:admin',
  'user:read:user:admin',
  'user:read:list_users:admin',
  'user:read:settings:admin',
  'meeting:read:list_meetings:admin',
  'meeting:read:meeting:admin',
  'meeting:read:list_registrants:admin',
  'meeting:delete:registrant:admin',
  'meeting:update:registrant_status:admin',
  'meeting:read:list_past_participants:admin',
  'webinar:read:list_webinars:admin',
  'webinar:read:webinar:admin',
  'webinar:read:list_registrants:admin',
  'webinar:delete:registrant:admin',
  'webinar:update:registrant_status:admin',
  'webinar:read:list_panelists:admin',
  'webinar:delete:panelist:admin',
  'cloud_recording:read:list_user_recordings:admin',
  'phone:read:user:admin',
  'phone:read:user_setting:admin',
  'phone:read:list_call_logs:admin',
  'phone:read:list_recordings:admin',
  'phone:read:list_voicemails:admin',
  'phone:read:list_sms_sessions:admin',
  'phone:read:list_call_recordings:admin',
  'report:read:user:admin',
  'report:read:list_meeting_participants:admin',
];

export function generateAccount(opts: GenerateOptions): SandboxAccount {
  const now = opts.now ?? Date.now();
  const rand = mulberry32(opts.seed);
  const ids = new IdSource(rand);
  const perUser = opts.meetingsPerUser ?? 5;
  const callsPerUser = opts.callsPerUser ?? 20;
  const phoneShare = opts.phoneShare ?? 0.5;
  const recEvery = opts.recordingEveryDays ?? 30;
  const regShare = opts.registrationShare ?? 0.1;
  const externals: Person[] = [];
  for (let i = 0; i < 500; i++) externals.push({ email: `person${String(i).padStart(4, '0')}@external.example`, first_name: 'Person', last_name: String(i) });

  const users: SandboxUser[] = [];
  for (let i = 0; i < opts.users; i++) {
    const heavy = i === 0 && opts.heavy !== undefined;
    const months = heavy ? Math.max(1, Math.ceil((opts.heavy?.recordingYears ?? 2) * 12) + 1) : 1 + (i % 24);
    const hasPhone = heavy ? (opts.heavy?.calls ?? 0) > 0 : rand() < phoneShare;
    users.push(
      makeUser(
        {
          email: heavy ? 'heavy.user@bigcorp.example' : `user${String(i).padStart(5, '0')}@bigcorp.example`,
          first_name: heavy ? 'Heavy' : 'User',
          last_name: heavy ? 'User' : String(i),
          createdAt: monthsAgo(now, months),
          webinarLicence: i % 10 === 0,
          role: i === 0 ? 'Owner' : 'Member',
          phone: hasPhone ? { extension: 10000 + i, number: `+1555${String(1000000 + i).slice(-7)}` } : null,
        },
        rand,
        now,
      ),
    );
    // One user in seven moved to another login type (SSO, say) 60 days ago: Zoom's created_at then says that day.
    if (!heavy && i % 7 === 3 && months > 3) users.at(-1)!.login_type_created_at = iso(now - 60 * DAY);
  }
  const contacts: PhoneContact[] = users
    .filter((u) => u.phone)
    .slice(0, 20)
    .map((u) => ({ name: u.display_name, number: u.phone!.phone_numbers[0]!.number, email: u.email, ext: String(u.phone!.extension_number) }));

  const meetings: SandboxMeeting[] = [];
  users.forEach((u, i) => {
    const heavy = i === 0 && opts.heavy !== undefined;
    const count = heavy ? (opts.heavy?.meetings ?? 20_000) : perUser;
    const colleagues = Array.from({ length: Math.min(opts.colleagueGuests ?? 0, users.length - 1) }, (_, k) => users[(i + 1 + k) % users.length]!).map((c) => ({ email: c.email, first_name: c.first_name, last_name: c.last_name, user_id: c.id }));
    const ms = makeMeetings({ host: u, count, from: Date.parse(u.created_at), now, rand, ids, guests: [...externals.slice(i % 490, (i % 490) + 3), ...colleagues], live: false });
    for (const m of ms) {
      if (rand() < regShare) {
        m.approval_type = 0;
        if (m.type === 8) m.registration_type = 1;
        for (let k = 0; k < 3; k++) m.registrants.push(registrant(externals[Math.floor(rand() * externals.length)]!, rand, k === 2 ? 'pending' : 'approved', Date.parse(m.created_at)));
      }
    }
    meetings.push(...ms);
    const every = heavy ? (opts.heavy?.recordingEveryDays ?? 1) : recEvery;
    if (every > 0) {
      const recs: SandboxRecording[] = [];
      let last = -Infinity;
      for (const m of ms)
        for (const inst of m.instances) {
          const t = Date.parse(inst.start_time);
          if (t - last < every * DAY) continue;
          last = t;
          recs.push(makeRecording(u, m, inst, rand, 0.05));
        }
      u.recordings = recs.sort((a, b) => a.start_time.localeCompare(b.start_time));
    }
    if (u.phone) {
      const n = heavy ? (opts.heavy?.calls ?? 0) : callsPerUser;
      Object.assign(u, phoneData(u, n, now, 170, contacts.filter((c) => c.email !== u.email), opts.seed));
      u.smsSessions = smsSessions(u, now, rand, heavy ? 10 : 1);
    }
  });

  return addEventsVisitors(addContactCenter(addWorkplace(addBreadth({
    id: opts.accountId ?? 'sbxGeneratedAccount01',
    account_number: 20000000 + (opts.seed % 1000000),
    name: 'Generated account (zdsar sandbox)',
    created_at: iso(monthsAgo(now, 48)),
    phoneEnabled: true,
    scopes: [...(opts.scopes ?? [...GENERATED_SCOPES, ...BREADTH_SCOPES, ...WORKPLACE_SCOPES, ...CONTACT_CENTER_SCOPES, ...EVENTS_VISITORS_SCOPES])],
    credentials: {
      clientId: opts.credentials?.clientId ?? 'sbxClientGenerated01',
      clientSecret: opts.credentials?.clientSecret ?? 'sbx-secret-generated-NOT-A-SECRET',
      webhookSecretToken: opts.credentials?.webhookSecretToken ?? 'sbx-webhook-token-generated',
    },
    quirks: { ...DEFAULT_QUIRKS },
    users,
    meetings,
    webinars: [],
  }, { now, seed: opts.seed }), { now, seed: opts.seed }), { now, seed: opts.seed }), { now, seed: opts.seed });
}
