/**
 * Zoom Workplace beyond meetings and phone (issue 27): Clips, Calendar, Scheduler, workspace
 * reservations and AI Companion conversation archives. Plain data, generated deterministically
 * from an account's users (addWorkplace), each record owned by one user and naming other people:
 * colleagues and outsiders (for the disclosure tests). workplaceFor lists what the sandbox holds
 * for one person, which tests compare a package with.
 */
import { DAY, MINUTE, iso } from './build.js';
import type { SandboxAccount, SandboxUser } from './model.js';
import { intBetween, mulberry32, uuidV4, zoomId } from './prng.js';
import type { Owned, SandboxWorkplace } from './workplace-model.js';

export { WORKPLACE_PRODUCTS, type Owned, type SandboxWorkplace, type WorkplaceProduct } from './workplace-model.js';

type Rec = Record<string, unknown>;

/** The granular admin scopes the routes of this module need, granted by default (the calendar list and settings have none: user-level only). */
export const WORKPLACE_SCOPES = [
  'clips:read:list_user_clips:admin',
  'clips:read:list_comments:admin',
  'clips:read:list_collaborator:admin',
  'clips:read:download_clip:admin',
  'calendar:read:list_events:admin',
  'calendar:read:event:admin',
  'scheduler:read:list_scheduled_events:admin',
  'scheduler:read:list_schedule:admin',
  'scheduler:read:list_availability:admin',
  'workspace:read:list_reservations:admin',
  'aic:read:conversation_archives:admin',
];

const TOPICS = ['Quarterly planning', 'Design review', 'Customer demo', 'Onboarding walkthrough', 'Bug triage', 'Roadmap sync'];

/** Add the Workplace products to an account (deterministic for a seed and "now"). */
export function addWorkplace(account: SandboxAccount, opts: { now: number; seed: number }): SandboxAccount {
  const rand = mulberry32(opts.seed ^ 0x27272727);
  const now = opts.now;
  const users = account.users.filter((u) => u.status === 'active');
  const w: SandboxWorkplace = {
    enabled: { clips: true, calendar: true, scheduler: true, workspaces: true, ai_companion: true, contact_center: false },
    clips: [],
    clipComments: {},
    clipCollaborators: {},
    calendars: [],
    events: {},
    calendarSettings: {},
    scheduledEvents: [],
    schedules: [],
    availability: [],
    reservations: [],
    aicArchives: {},
  };
  users.forEach((u, i) => {
    const colleague = users[(i + 1) % users.length]!;
    const outsider = { name: `Guest ${i + 1}`, email: `guest${i + 1}@outside.example` };
    // Nothing older than the user (whose history starts the day they were created).
    const span = Math.max(2, Math.floor((now - Date.parse(u.created_at)) / DAY) - 1);
    const ago = (daysAgo: number) => Math.min(daysAgo, span - 1);
    const t = (daysAgo: number) => now - ago(daysAgo) * DAY - intBetween(rand, 0, 600) * MINUTE;

    // Clips: over the last 14 months, one soft-deleted.
    for (let k = 0; k < 3; k++) {
      const created = t(20 + k * 130 + intBetween(rand, 0, 40));
      const clipId = zoomId(rand, 38);
      w.clips.push({
        owner: u.id,
        data: {
          clip_id: clipId,
          title: `${TOPICS[(i + k) % TOPICS.length]} clip`,
          description: `Recorded by ${u.display_name}`,
          duration: 30 + intBetween(rand, 0, 600),
          status: k === 2 ? 'RECORD_DELETE' : 'RECORD_SUCCESS',
          owner_id: u.id,
          file_size: 100_000 + intBetween(rand, 0, 900_000),
          share_link: `https://zoom.us/clips/share/${clipId}`,
          created_date: iso(created),
          modified_date: iso(created + 3600_000),
        },
      });
      w.clipComments[clipId] = [
        {
          comment_id: uuidV4(rand),
          content: `@[${u.display_name}](user:${u.email}) nice one`,
          created_date: iso(created + 2 * 3600_000),
          modified_date: iso(created + 2 * 3600_000),
          display_name: colleague.display_name,
          edited: false,
          mentions: [{ display_name: u.display_name, email: u.email }],
          content_type: 'TEXT_WITH_MENTION',
          children_comments: [],
        },
        {
          comment_id: uuidV4(rand),
          content: 'Thanks for sharing',
          created_date: iso(created + 3 * 3600_000),
          modified_date: iso(created + 3 * 3600_000),
          display_name: outsider.email,
          edited: false,
          mentions: [],
          content_type: 'TEXT',
          children_comments: [],
        },
      ];
      w.clipCollaborators[clipId] = [
        { type: 'ZOOM_USER', role: 'OWNER', display_name: u.display_name, user_id: u.id },
        { type: 'ZOOM_USER', role: 'VIEWER', display_name: colleague.display_name, user_id: colleague.id },
        { type: 'EXTERNAL_USER', role: 'VIEWER', email: outsider.email },
      ];
    }

    // Calendar: the primary calendar (its id is the user's address) and a team calendar.
    const team = `c_${zoomId(rand, 16).toLowerCase()}@group.calendar.zoom.us`;
    w.calendars.push({ owner: u.id, data: { kind: 'calendar#calendarListEntry', id: u.email, summary: u.display_name, timeZone: u.timezone, accessRole: 'owner', primary: true } });
    w.calendars.push({ owner: u.id, data: { kind: 'calendar#calendarListEntry', id: team, summary: `${u.dept || 'Team'} calendar`, timeZone: u.timezone, accessRole: 'owner', primary: false } });
    for (const cal of [u.email, team]) {
      const list: Rec[] = [];
      for (let k = 0; k < 3; k++) {
        const start = t(5 + k * 90 + intBetween(rand, 0, 30));
        list.push({
          kind: 'calendar#event',
          id: zoomId(rand, 26).toLowerCase(),
          status: k === 1 ? 'cancelled' : 'confirmed',
          summary: TOPICS[(i + k + 2) % TOPICS.length],
          created: iso(start - 7 * DAY),
          updated: iso(start - 6 * DAY),
          creator: { email: u.email },
          organizer: { email: u.email },
          start: { dateTime: iso(start), timeZone: 'UTC' },
          end: { dateTime: iso(start + 30 * MINUTE), timeZone: 'UTC' },
          attendees: [
            { email: u.email, displayName: u.display_name, responseStatus: 'accepted' },
            { email: colleague.email, displayName: colleague.display_name, responseStatus: 'tentative' },
            { email: outsider.email, displayName: outsider.name, responseStatus: 'needsAction' },
          ],
        });
      }
      w.events[cal] = list;
    }
    w.calendarSettings[u.id] = [
      { id: 'timezone', value: u.timezone },
      { id: 'weekStart', value: '1' },
    ];

    // Scheduler: a booking page, an availability, and events booked by outsiders (one cancelled).
    const scheduleId = zoomId(rand, 22);
    w.schedules.push({ owner: u.id, data: { schedule_id: scheduleId, summary: `Meet ${u.display_name}`, duration: 30, status: 'confirmed', active: true, slug: `meet-${i + 1}`, time_zone: u.timezone, creator: { display_name: u.display_name, email: u.email }, organizer: { display_name: u.display_name, email: u.email }, updated: iso(t(200)) } });
    w.availability.push({ owner: u.id, data: { availability_id: zoomId(rand, 22), default: true, name: 'Working hours', owner: u.id, time_zone: u.timezone } });
    for (let k = 0; k < 3; k++) {
      const start = t(3 + k * 70);
      const booker = { display_name: `Booker ${i + 1}-${k + 1}`, email: `booker${i + 1}.${k + 1}@client.example` };
      w.scheduledEvents.push({
        owner: u.id,
        data: {
          event_id: zoomId(rand, 22),
          schedule_id: scheduleId,
          summary: `Meet ${u.display_name}`,
          start_date_time: iso(start),
          end_date_time: iso(start + 30 * MINUTE),
          status: k === 2 ? 'cancelled' : 'confirmed',
          updated: iso(start - DAY),
          attendees: [{ display_name: booker.display_name, email: booker.email, booker: true }],
          guests: [`colleague.of.booker${i + 1}@client.example`],
        },
      });
    }

    // Workspace reservations: desks over the last seven months.
    for (let k = 0; k < 6; k++) {
      const start = now - ago(3 + k * 35) * DAY;
      const day = Date.UTC(new Date(start).getUTCFullYear(), new Date(start).getUTCMonth(), new Date(start).getUTCDate(), 8);
      w.reservations.push({ owner: u.id, data: { id: zoomId(rand, 26).toLowerCase(), start_time: iso(day), end_time: iso(day + 9 * 3600_000), timezone: 'UTC', topic: `Desk ${intBetween(rand, 1, 40)}`, user_id: u.id, status: k === 0 ? 'reserved' : 'checked_out', workspace_id: zoomId(rand, 22), location_id: 'LocHQFloor2' } });
    }

    // AI Companion: one archive per user.
    w.aicArchives[u.id] = {
      user_id: u.id,
      email: u.email,
      display_name: u.display_name,
      start_time: iso(now - 180 * DAY),
      end_time: iso(now - DAY),
      timezone: 'UTC',
      file_extension: 'JSON',
      file_type: 'AIC_CONVERSATION',
      file_size: 2048,
      physical_files: [{ file_id: zoomId(rand, 22), file_name: 'attachment.pdf', file_size: 4096 + intBetween(rand, 0, 4096) }],
    };
  });
  // Every user has a primary calendar (its id is their address) and an archive record, empty for those without activity.
  for (const u of account.users) {
    w.events[u.email] ??= [];
    w.aicArchives[u.id] ??= emptyAicArchive(u);
  }
  w.reservations.sort((a, b) => String(a.data.start_time).localeCompare(String(b.data.start_time)));
  account.workplace = w;
  return account;
}

/** What the sandbox holds, of the kinds this module adds, about one person (by email). */
export interface WorkplaceRecords {
  clips: Rec[];
  clipComments: Rec[];
  clipCollaborators: Rec[];
  calendars: Rec[];
  events: Rec[];
  settings: Rec[];
  scheduledEvents: Rec[];
  schedules: Rec[];
  availability: Rec[];
  reservations: Rec[];
  aicArchive?: Rec;
}

export function workplaceFor(account: SandboxAccount, email: string): WorkplaceRecords {
  const w = account.workplace;
  const user: SandboxUser | undefined = account.users.find((u) => u.email.toLowerCase() === email.trim().toLowerCase());
  const out: WorkplaceRecords = { clips: [], clipComments: [], clipCollaborators: [], calendars: [], events: [], settings: [], scheduledEvents: [], schedules: [], availability: [], reservations: [] };
  if (!w || !user) return out;
  const mine = (xs: Owned[]) => xs.filter((x) => x.owner === user.id).map((x) => x.data);
  out.clips = mine(w.clips);
  for (const c of out.clips) {
    out.clipComments.push(...(w.clipComments[String(c.clip_id)] ?? []));
    out.clipCollaborators.push(...(w.clipCollaborators[String(c.clip_id)] ?? []));
  }
  out.calendars = mine(w.calendars);
  for (const c of out.calendars) out.events.push(...(w.events[String(c.id)] ?? []));
  out.settings = w.calendarSettings[user.id] ?? [];
  out.scheduledEvents = mine(w.scheduledEvents);
  out.schedules = mine(w.schedules);
  out.availability = mine(w.availability);
  out.reservations = mine(w.reservations);
  out.aicArchive = w.aicArchives[user.id];
  return out;
}

/** The archive record of a user without AI Companion conversations: their fields, no files (also for a user added after the build). */
export function emptyAicArchive(u: SandboxUser): Record<string, unknown> {
  return { user_id: u.id, email: u.email, display_name: u.display_name, physical_files: [] };
}
