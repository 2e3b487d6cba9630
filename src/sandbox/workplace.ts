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
import type { Mailbox, Owned, SandboxWorkplace } from './workplace-model.js';

export { WORKPLACE_PRODUCTS, type Mailbox, type Owned, type SandboxWorkplace, type WorkplaceProduct } from './workplace-model.js';

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
  'email:read:profile:admin',
  'email:read:list_msgs:admin',
  'email:read:msg:admin',
  'email:read:attachment:admin',
  'email:read:list_threads:admin',
  'email:read:list_drafts:admin',
  'email:read:draft:admin',
  'email:read:list_labels:admin',
  'email:read:list_setting_filters:admin',
  'email:read:list_setting_delegates:admin',
  'email:read:setting_vacation:admin',
  'whiteboard:read:list_whiteboards:admin',
  'whiteboard:read:list_collaborators:admin',
  'whiteboard:read:list_sessions:admin',
  'whiteboard:write:export:admin',
  'whiteboard:read:export:admin',
];

const TOPICS = ['Quarterly planning', 'Design review', 'Customer demo', 'Onboarding walkthrough', 'Bug triage', 'Roadmap sync'];

/** Add the Workplace products to an account (deterministic for a seed and "now"). */
export function addWorkplace(account: SandboxAccount, opts: { now: number; seed: number }): SandboxAccount {
  const rand = mulberry32(opts.seed ^ 0x27272727);
  const now = opts.now;
  const users = account.users.filter((u) => u.status === 'active');
  const w: SandboxWorkplace = {
    enabled: { clips: true, calendar: true, scheduler: true, workspaces: true, ai_companion: true, mail: true, whiteboards: true, contact_center: false, zoom_events: false, visitors: false, revenue_accelerator: false, quality_management: false },
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
    mailboxes: {},
    whiteboards: [],
    whiteboardCollaborators: {},
    whiteboardSessions: [],
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
  users.forEach((u, i) => {
    w.mailboxes[u.id] = mailbox(rand, u, users[(i + 1) % users.length]!, { name: `Guest ${i + 1}`, email: `guest${i + 1}@outside.example` }, now, i);
  });
  users.forEach((u, i) => {
    const colleague = users[(i + 1) % users.length]!;
    const span = Math.max(2, Math.floor((now - Date.parse(u.created_at)) / DAY) - 1);
    // Whiteboards: two of the user's (one in the trash), shared with a colleague and an outsider; archived sessions where both drew.
    for (let k = 0; k < 2; k++) {
      const created = now - Math.min(15 + k * 75, span - 1) * DAY - intBetween(rand, 0, 600) * MINUTE;
      const id = zoomId(rand, 22);
      w.whiteboards.push({ owner: u.id, data: { whiteboard_id: id, whiteboard_name: `${TOPICS[(i + k + 1) % TOPICS.length]} board`, locked: false, trashed: k === 1, readonly: false, non_cloud: false, created_date: iso(created), modified_date: iso(created + DAY), share_link_setting: { share_scope: 0, share_role: 3 }, created_by_display_name: u.display_name } });
      w.whiteboardCollaborators[id] = [
        { collaborator_id: zoomId(rand, 22), collaborator_name: u.display_name, user_id: u.id, email: u.email, role: 0, collaborator_type: 0 },
        { collaborator_id: zoomId(rand, 22), collaborator_name: colleague.display_name, user_id: colleague.id, email: colleague.email, role: 2, collaborator_type: 0 },
        { collaborator_id: zoomId(rand, 22), collaborator_name: `Guest ${i + 1}`, role: 4, collaborator_type: 1 },
      ];
      const start = created + 2 * 3600_000;
      w.whiteboardSessions.push({
        id: zoomId(rand, 22),
        start_time: iso(start),
        end_time: iso(start + 45 * MINUTE),
        whiteboard_id: id,
        whiteboard_name: `${TOPICS[(i + k + 1) % TOPICS.length]} board`,
        expire_time: iso(start + 365 * DAY),
        regulated_participants: [
          { user_id: u.id, user_name: u.display_name, email: u.email, join_whiteboard_time: iso(start), leave_whiteboard_time: iso(start + 40 * MINUTE) },
          { user_id: colleague.id, user_name: colleague.display_name, email: colleague.email, join_whiteboard_time: iso(start + 5 * MINUTE), leave_whiteboard_time: iso(start + 45 * MINUTE) },
        ],
      });
    }
  });
  w.whiteboardSessions.sort((a, b) => String(a.start_time).localeCompare(String(b.start_time)));
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
  mailbox?: Mailbox;
  whiteboards: Rec[];
  whiteboardCollaborators: Rec[];
  /** Archived sessions where the person took part. */
  whiteboardSessions: Rec[];
}

export function workplaceFor(account: SandboxAccount, email: string): WorkplaceRecords {
  const w = account.workplace;
  const user: SandboxUser | undefined = account.users.find((u) => u.email.toLowerCase() === email.trim().toLowerCase());
  const out: WorkplaceRecords = { clips: [], clipComments: [], clipCollaborators: [], calendars: [], events: [], settings: [], scheduledEvents: [], schedules: [], availability: [], reservations: [], whiteboards: [], whiteboardCollaborators: [], whiteboardSessions: [] };
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
  out.mailbox = w.mailboxes[user.id];
  out.whiteboards = mine(w.whiteboards);
  for (const b of out.whiteboards) out.whiteboardCollaborators.push(...(w.whiteboardCollaborators[String(b.whiteboard_id)] ?? []));
  out.whiteboardSessions = w.whiteboardSessions.filter((x) => (x.regulated_participants as Rec[]).some((p) => p.user_id === user.id));
  return out;
}

/** The archive record of a user without AI Companion conversations: their fields, no files (also for a user added after the build). */
export function emptyAicArchive(u: SandboxUser): Record<string, unknown> {
  return { user_id: u.id, email: u.email, display_name: u.display_name, physical_files: [] };
}

const b64url = (t: string) => Buffer.from(t, 'utf8').toString('base64url');
const mailId = (rand: () => number) => `${zoomId(rand, 16).toLowerCase()}_${zoomId(rand, 16).toLowerCase()}_${String(intBetween(rand, 1, 999)).padStart(3, '0')}`;

/**
 * A Zoom Mail mailbox (mail.openapi.json shapes): mail from and to a colleague and an outsider (one
 * with an attachment), one in SPAM and one in TRASH (listed only with includeSpamTrash), a draft, the
 * system labels and one of the user's, a filter, a delegate (the colleague) and vacation settings.
 */
function mailbox(rand: () => number, u: SandboxUser, colleague: SandboxUser, outsider: { name: string; email: string }, now: number, i: number): Mailbox {
  const me = `${u.display_name} <${u.email}>`;
  const col = `${colleague.display_name} <${colleague.email}>`;
  const out = `${outsider.name} <${outsider.email}>`;
  const topic = TOPICS[i % TOPICS.length]!;
  const thread = [mailId(rand), mailId(rand), mailId(rand), mailId(rand), mailId(rand)];
  const message = (k: number, from: string, to: string, cc: string, labels: string[], threadId: string, subject: string, text: string, attach?: { name: string; size: number }): Rec => {
    const at = now - (10 + k * 23) * DAY - intBetween(rand, 0, 600) * MINUTE;
    const headers = [
      { name: 'From', value: from },
      { name: 'To', value: to },
      ...(cc ? [{ name: 'Cc', value: cc }] : []),
      { name: 'Subject', value: subject },
      { name: 'Date', value: new Date(at).toUTCString() },
    ];
    const body = { partId: '0', mimeType: 'text/plain', filename: '', headers: [{ name: 'Content-Type', value: 'text/plain; charset=UTF-8' }], body: { size: Buffer.byteLength(text), data: b64url(text) } };
    const parts = attach ? [body, { partId: '1', mimeType: 'application/pdf', filename: attach.name, headers: [{ name: 'Content-Type', value: 'application/pdf' }], body: { attachmentId: `${mailId(rand)}_1`, size: attach.size } }] : [body];
    return {
      id: mailId(rand),
      threadId,
      labelIds: labels,
      snippet: text.slice(0, 60),
      historyId: String(1000 + k),
      internalDate: String(at),
      payload: { partId: '', mimeType: 'multipart/mixed', filename: '', headers, body: { size: 0 }, parts },
    };
  };
  const messages = [
    message(0, col, me, out, ['INBOX', 'Label_1'], thread[0]!, `${topic} notes`, `Here are the notes from ${topic}. The slides are attached.`, { name: 'notes.pdf', size: 2048 + intBetween(rand, 0, 8192) }),
    message(1, me, col, out, ['SENT'], thread[0]!, `Re: ${topic} notes`, 'Thank you, I will read them tomorrow.'),
    message(2, me, out, '', ['SENT'], thread[1]!, 'Our next call', 'Would Tuesday at ten suit you for our next call?'),
    message(3, 'Prize Desk <prizes@spam.example>', me, '', ['SPAM'], thread[2]!, 'You have won', 'Claim your prize today.'),
    message(4, out, me, '', ['TRASH'], thread[3]!, 'Newsletter', 'This month in our newsletter: the spring programme.'),
  ];
  const draft = message(5, me, col, '', ['DRAFT'], thread[4]!, `${topic} follow-up`, 'A first draft of the follow-up, not sent yet.');
  const label = (id: string, name: string, type: 'system' | 'user', of: string) => {
    const n = messages.filter((m) => (m.labelIds as string[]).includes(of)).length;
    return { id, name, type, messageListVisibility: 'show', labelListVisibility: 'labelShow', messagesTotal: n, messagesUnread: 0, threadsTotal: n, threadsUnread: 0 };
  };
  return {
    profile: { emailAddress: u.email, groupEmails: [], aliases: [], createTime: Math.floor(Date.parse(u.created_at) / 1000), status: 'active', mboxSize: 200_000 + intBetween(rand, 0, 100_000), messagesTotal: messages.length + 1, threadsTotal: thread.length, encryptionEnabled: false, labelEncryptionEnabled: false, historyId: '1010' },
    messages,
    drafts: [{ id: mailId(rand), message: draft }],
    labels: [...['INBOX', 'SENT', 'DRAFT', 'SPAM', 'TRASH'].map((x) => label(x, x, 'system', x)), label('Label_1', 'Projects', 'user', 'Label_1')],
    filters: [{ id: zoomId(rand, 16).toLowerCase(), criteria: { from: colleague.email, hasAttachment: true }, action: { addLabelIds: ['Label_1'], removeLabelIds: [] } }],
    delegates: [{ delegateEmail: colleague.email, verificationStatus: 'accepted', delegateAccess: 'dlgreviewer', creationTime: String(now - 90 * DAY) }],
    vacation: { enableAutoReply: false, responseSubject: 'Away', responseBodyPlainText: 'I am away this week and will answer when I am back.', enableAlwaysRespond: false, restrictToContacts: false, restrictToDomain: true, startTime: String(now - 60 * DAY), endTime: String(now - 53 * DAY) },
  };
}

/** The threads of a mailbox as GET …/threads lists them, from its messages (SPAM and TRASH ones only when asked). */
export function mailThreads(m: Mailbox, includeSpamTrash: boolean): Rec[] {
  const seen = new Map<string, Rec>();
  for (const msg of m.messages) {
    if (!includeSpamTrash && isSpamOrTrash(msg)) continue;
    const subject = ((msg.payload as Rec).headers as Rec[]).find((h) => h.name === 'Subject')?.value;
    seen.set(String(msg.threadId), { id: msg.threadId, snippet: msg.snippet, historyId: msg.historyId, threadName: String(subject ?? '').replace(/^Re: /, ''), status: 'normal' });
  }
  return [...seen.values()];
}

export const isSpamOrTrash = (msg: Rec) => ((msg.labelIds as string[] | undefined) ?? []).some((l) => l === 'SPAM' || l === 'TRASH');
