/**
 * Zoom Workplace beyond meetings and phone (issue 27): Clips, Calendar, Scheduler, workspace
 * reservations and AI Companion conversation archives, and what Docs and Tasks cannot give.
 * collect.ts runs these beside its own categories, through the same BreadthPerson as breadth.ts.
 *
 * Records stay exactly as Zoom sent them; a record read per parent (a clip's comment, a calendar's
 * event) goes under its Zoom name with the parent beside it. A product the account does not have,
 * or the app may not read, is `unavailable` with what to change (zoom/endpoints/workplace.ts
 * workplaceBlock), never "no data".
 */
import type { ZoomClient } from '../zoom/client.js';
import type { AccountWide } from './account-wide.js';
import {
  getAicArchive,
  getCalendarEvent,
  listAvailability,
  listCalendarEvents,
  listCalendars,
  listCalendarSettings,
  listClipCollaborators,
  listClipComments,
  listClips,
  listReservations,
  listScheduledEvents,
  listSchedules,
  canRead,
  scopeBlock,
  getMailProfile,
  listMailMessages,
  getMailMessage,
  listMailThreads,
  listMailDrafts,
  getMailDraft,
  listMailLabels,
  listMailFilters,
  listMailDelegates,
  getMailVacation,
  MAIL_ENCRYPTED_NOTE,
  listWhiteboards,
  listWhiteboardCollaborators,
} from '../zoom/endpoints/workplace.js';
import { ZoomApiError } from '../zoom/errors.js';
import { dayWindows, monthWindows, type DateWindow } from '../zoom/paginate.js';
import { dependsOn, items, recordsOf, type BreadthPerson, type BreadthResult, type BreadthUnit } from './breadth.js';
import { WORKPLACE_OPTIONAL } from './workplace-categories.js';

type Rec = Record<string, unknown>;
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

export interface WorkplaceSettings {
  client: ZoomClient;
  /** The run's account-wide lists (whiteboard sessions), read once for everyone asked for. */
  accountWide: AccountWide;
  /** Names of --skip groups left out. */
  skip: ReadonlySet<string>;
}

export interface WorkplaceSubject {
  userId: string;
  email: string;
  range: DateWindow;
}

/** Where Docs and Tasks stand with this version of Zoom's API (no request is sent). */
const OWN_ONLY: Record<'docs' | 'tasks', string> = {
  docs: "Zoom's Docs API (zoom-docs spec) reads a document only by its id and lists only the app's own user's documents: it has no read of another person's documents, so zdsar does not collect them. Zoom's own export holds them: run zdsar export --zoom-export",
  tasks: 'Zoom\'s Tasks API (tasks spec, GET /tasks/items) lists the tasks "assigned to, or created by, the current user" only: it has no admin read of another person\'s tasks, so zdsar does not collect them. Zoom\'s own export holds them: run zdsar export --zoom-export',
};

/** Each product's categories, started together (each product's reads depend only on its own lists). */
export function workplacePlan(p: BreadthPerson, s: WorkplaceSettings, who: WorkplaceSubject): Array<Promise<void>> {
  const group = (name: string, run: () => Promise<void>) =>
    s.skip.has(name)
      ? Promise.all(WORKPLACE_OPTIONAL[name]!.map((c) => p.settle(c, async () => ({ status: 'unavailable', reason: 'skipped', note: `left out of this export with --skip ${name}` })))).then(() => undefined)
      : run();
  return [
    group('clips', () => clips(p, s, who)),
    group('calendar', () => calendar(p, s, who)),
    group('scheduler', () => scheduler(p, s, who)),
    group('workspaces', () => workspaces(p, s, who)),
    group('ai_companion', () => aic(p, s, who)),
    group('mail', () => mail(p, s, who)),
    group('whiteboards', () => whiteboards(p, s, who)),
    ...(['docs', 'tasks'] as const).map((name) => p.settle(name, async () => ({ status: 'unavailable', reason: 'user_level', note: OWN_ONLY[name] }))),
  ];
}

const scopesOf = new WeakMap<WorkplaceSettings, Promise<ReadonlySet<string>>>();

/**
 * Unavailable (with why) when the app holds no scope for this read; otherwise undefined. Nothing is sent
 * for a read the token cannot make: Zoom would only answer 4711.
 */
async function blocked(s: WorkplaceSettings, template: string): Promise<BreadthResult | undefined> {
  let g = scopesOf.get(s);
  if (!g) scopesOf.set(s, (g = s.client.auth.scopes().then((x) => new Set(x))));
  return canRead(await g, template) ? undefined : { status: 'unavailable', ...scopeBlock(template) };
}

async function all(it: AsyncIterable<Rec>): Promise<Rec[]> {
  const out: Rec[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const one = (items: () => AsyncIterable<Rec>): BreadthUnit[] => [{ key: 'all', items }];

// ---------------------------------------------------------------- Clips

/** 404 code 2000 "Clip does not exist": deleted since the list was read, nothing to keep. */
async function clips(p: BreadthPerson, s: WorkplaceSettings, who: WorkplaceSubject): Promise<void> {
  const { range, userId } = who;
  const units = monthWindows(range.from, range.to).map((w) => ({ key: `${w.from}_${w.to}`, items: () => listClips(s.client, userId, w) }));
  await p.settle('clips', async () => (await blocked(s, '/clips')) ?? p.collect('clips', units, { ...range, why: 'clips created in the range, every status (Zoom lists them one month at a time, by creation date)' }));
  const perClip = (name: string, list: (id: string) => AsyncIterable<Rec>, as: string, template: string) =>
    dependsOn(p, 'clips', name, async () => {
      const no = await blocked(s, template);
      if (no) return no;
      const owned: Rec[] = [];
      for await (const c of recordsOf(p, 'clips')) if (str(c.clip_id)) owned.push({ clip_id: c.clip_id, title: c.title });
      const fetch = async (clip: Rec): Promise<Rec[]> => (await all(list(str(clip.clip_id)))).map((x) => ({ clip, [as]: x }));
      return p.collect(name, items(owned.map((c) => ({ key: str(c.clip_id), name: `clip ${str(c.clip_id)}`, listed: c, value: c })), fetch), undefined, 'clips');
    });
  await Promise.all([perClip('clip_comments', (id) => listClipComments(s.client, id), 'comment', '/clips/{clipId}/comments'), perClip('clip_collaborators', (id) => listClipCollaborators(s.client, id), 'collaborator', '/clips/{clipId}/collaborators')]);
}

// ---------------------------------------------------------------- Calendar

async function calendar(p: BreadthPerson, s: WorkplaceSettings, who: WorkplaceSubject): Promise<void> {
  const { range, userId, email } = who;
  await Promise.all([
    p.settle('calendar_list', async () => (await blocked(s, '/calendars/users/{userIdentifier}/calendarList')) ?? p.collect('calendar_list', one(() => listCalendars(s.client, userId)))),
    p.settle('calendar_settings', async () => (await blocked(s, '/calendars/users/{userIdentifier}/settings')) ?? p.collect('calendar_settings', one(() => listCalendarSettings(s.client, userId)))),
  ]);
  await p.settle('calendar_events', async () => {
    const no = await blocked(s, '/calendars/{calId}/events');
    if (no) return no;
    const details = !(await blocked(s, '/calendars/{calId}/events/{eventId}'));
    const list = p.categories.calendar_list;
    const calendars: Rec[] = [];
    let shared = 0;
    if (list?.status === 'done') {
      for await (const c of recordsOf(p, 'calendar_list')) {
        // Only the person's own calendars: events of calendars others share with them are the others' data.
        if (c.accessRole === 'owner' || c.primary === true) calendars.push({ id: c.id, summary: c.summary });
        else shared++;
      }
    }
    const fromList = list?.status === 'done';
    // Without the calendar list (user-level scope only), the primary calendar, whose id is the person's address.
    if (!fromList) calendars.push({ id: email, summary: 'primary calendar' });
    const why = [
      'events meeting the range on your own calendars, cancelled ones included',
      fromList ? '' : "the calendar list cannot be read by an admin app (user-level scope only), so only the primary calendar (whose id is the person's address) was read; other calendars of the person are in Zoom's own export (--zoom-export)",
      details ? '' : 'without the scope calendar:read:event:admin each event is as the list gives it, not its full details',
      shared > 0 ? `${shared} ${shared === 1 ? 'calendar' : 'calendars'} others share with the person ${shared === 1 ? 'is' : 'are'} listed in calendar_list.json without ${shared === 1 ? 'its' : 'their'} events (they are the others' data)` : '',
    ]
      .filter(Boolean)
      .join('; ');
    let noPrimary = false;
    const units: BreadthUnit[] = calendars.map((cal) => ({
      key: `cal-${str(cal.id)}`,
      items: async function* () {
        try {
          yield* calendarEvents(s.client, cal, range, details);
        } catch (e) {
          // The primary calendar read by its address: 404 means Zoom Calendar has no calendar for this person.
          if (fromList || !(e instanceof ZoomApiError) || e.status !== 404) throw e;
          noPrimary = true;
        }
      },
    }));
    const r = await p.collect('calendar_events', units, { ...range, why, ...(fromList ? {} : { limit: 'zoom' as const }) });
    if (noPrimary && r.status === 'done' && !r.records) return { status: 'no_data', note: 'Zoom Calendar has no primary calendar for this person (404 for the calendar whose id is their address)' };
    return r;
  });
}

/** A calendar's events in the range, each in full (its details, or the list's record if Zoom no longer serves them). */
async function* calendarEvents(client: ZoomClient, cal: Rec, range: DateWindow, details: boolean): AsyncGenerator<Rec> {
  const calId = str(cal.id);
  const listed = await all(listCalendarEvents(client, calId, range));
  for (let i = 0; i < listed.length; i += 10) {
    const chunk = listed.slice(i, i + 10);
    const full = await Promise.all(
      chunk.map(async (ev) => {
        if (!details || ev.status === 'cancelled' || !str(ev.id)) return ev;
        try {
          return await getCalendarEvent(client, calId, str(ev.id));
        } catch (e) {
          if (e instanceof ZoomApiError && e.status === 404) return ev;
          throw e;
        }
      }),
    );
    for (const event of full) yield { calendar: cal, event };
  }
}

// ---------------------------------------------------------------- Scheduler

async function scheduler(p: BreadthPerson, s: WorkplaceSettings, who: WorkplaceSubject): Promise<void> {
  const { range, userId } = who;
  await Promise.all([
    p.settle('scheduler_events', async () => (await blocked(s, '/scheduler/events')) ?? p.collect('scheduler_events', one(() => listScheduledEvents(s.client, userId, range)), { ...range, why: 'appointments meeting the range, cancelled ones included' })),
    p.settle('scheduler_schedules', async () => (await blocked(s, '/scheduler/schedules')) ?? p.collect('scheduler_schedules', one(() => listSchedules(s.client, userId)))),
    p.settle('scheduler_availability', async () => (await blocked(s, '/scheduler/availability')) ?? p.collect('scheduler_availability', one(() => listAvailability(s.client, userId)))),
  ]);
}

// ---------------------------------------------------------------- Workspace reservations

async function workspaces(p: BreadthPerson, s: WorkplaceSettings, who: WorkplaceSubject): Promise<void> {
  const { range, userId } = who;
  // "Can be up to 14 days": the person's whole range in 14-day windows.
  const units = dayWindows(range.from, range.to, 14).map((w) => ({ key: `${w.from}_${w.to}`, items: () => listReservations(s.client, userId, w) }));
  await p.settle('workspace_reservations', async () => (await blocked(s, '/workspaces/users/{userId}/reservations')) ?? p.collect('workspace_reservations', units, { ...range, why: 'reservations in the range, read 14 days at a time (the most Zoom serves per request)' }));
}

// ---------------------------------------------------------------- AI Companion

async function aic(p: BreadthPerson, s: WorkplaceSettings, who: WorkplaceSubject): Promise<void> {
  await p.settle('aic_archive', async () =>
    (await blocked(s, '/aic/users/{userId}/conversation_archive')) ??
    p.collect(
      'aic_archive',
      one(async function* () {
        yield await getAicArchive(s.client, who.userId);
      }),
      { why: "Zoom's archive of the person's AI Companion conversations as Zoom serves it (its period is in the record)" },
    ),
  );
}

// ---------------------------------------------------------------- Mail

const MAILBOX = '/emails/mailboxes/{email}';

/**
 * The person's Zoom Mail mailbox, read by their address. The profile first: a 404 (no mailbox the API can
 * read: Mail not onboarded, or the mailbox not provisioned) makes every mail category unavailable with the
 * setting to change (workplaceBlock), and `encryptionEnabled` in it means Zoom's API reads nothing else of
 * it: unavailable too, never "no data". Then the lists, SPAM and TRASH included, each message and draft in full.
 */
async function mail(p: BreadthPerson, s: WorkplaceSettings, who: WorkplaceSubject): Promise<void> {
  const { email } = who;
  await p.settle('mail_profile', async () =>
    (await blocked(s, `${MAILBOX}/profile`)) ??
    p.collect(
      'mail_profile',
      one(async function* () {
        yield await getMailProfile(s.client, email);
      }),
      { why: "the mailbox's profile as Zoom serves it now" },
    ),
  );
  let encrypted = false;
  if (p.categories.mail_profile?.status === 'done') for await (const r of recordsOf(p, 'mail_profile')) if (r.encryptionEnabled === true) encrypted = true;
  const after = (name: string, templates: string[], run: () => Promise<BreadthResult>) =>
    dependsOn(p, 'mail_profile', name, async () => {
      if (encrypted) return { status: 'unavailable', reason: 'not_enabled', note: MAIL_ENCRYPTED_NOTE };
      for (const t of templates) {
        const no = await blocked(s, t);
        if (no) return no;
      }
      return run();
    });
  const whole = 'the whole mailbox, SPAM and TRASH included (includeSpamTrash): the Mail API filters by search query only, not by date, so nothing is left out by the range';
  /** A list whose every entry is then read in full, one item each (items.ts: a 404 is an entry deleted since the list named it). */
  const inFull = (name: string, noun: string, templates: string[], listed: () => AsyncIterable<Rec>, idOf: (r: Rec) => string, get: (id: string) => Promise<Rec>, why: string) =>
    after(name, templates, async () => {
      const ids = new Set<string>();
      for await (const r of listed()) if (idOf(r)) ids.add(idOf(r));
      return p.collect(name, items([...ids].map((id) => ({ key: id, name: `${noun} ${id}`, value: id })), async (id) => [await get(id)]), { why }, noun);
    });
  const list = (name: string, template: string, listed: () => AsyncIterable<Rec>, why?: string) => after(name, [template], () => p.collect(name, one(listed), why ? { why } : undefined));
  await Promise.all([
    inFull('mail_messages', 'message', [`${MAILBOX}/messages`, `${MAILBOX}/messages/{messageId}`], () => listMailMessages(s.client, email), (m) => str(m.id), (id) => getMailMessage(s.client, email, id), `${whole}; each message in full`),
    inFull('mail_drafts', 'draft', [`${MAILBOX}/drafts`, `${MAILBOX}/drafts/{draftId}`], () => listMailDrafts(s.client, email), (d) => str(d.id), (id) => getMailDraft(s.client, email, id), `${whole}; each draft in full`),
    list('mail_threads', `${MAILBOX}/threads`, () => listMailThreads(s.client, email), `${whole}; the messages of each thread are in mail_messages.json`),
    list('mail_labels', `${MAILBOX}/labels`, () => listMailLabels(s.client, email)),
    list('mail_filters', `${MAILBOX}/settings/filters`, () => listMailFilters(s.client, email)),
    list('mail_delegates', `${MAILBOX}/settings/delegates`, () => listMailDelegates(s.client, email)),
    list('mail_vacation', `${MAILBOX}/settings/vacation`, async function* () {
      yield await getMailVacation(s.client, email);
    }),
  ]);
}

// ---------------------------------------------------------------- Whiteboard

/**
 * The person's whiteboards (a month at a time, by creation date), each one's collaborators (one item per
 * whiteboard), and the account's archived sessions in which the person took part (regulated_participants:
 * Zoom has no per-person filter, so the account's list over the range is read and only theirs kept).
 */
async function whiteboards(p: BreadthPerson, s: WorkplaceSettings, who: WorkplaceSubject): Promise<void> {
  const { range, userId, email } = who;
  const units = monthWindows(range.from, range.to).map((w) => ({ key: `${w.from}_${w.to}`, items: () => listWhiteboards(s.client, userId, w) }));
  await Promise.all([
    p.settle('whiteboards', async () => (await blocked(s, '/whiteboards')) ?? p.collect('whiteboards', units, { ...range, why: 'whiteboards created in the range, trashed ones included (Zoom lists them one month at a time, by creation date)' })),
    p.settle('whiteboard_sessions', async () => {
      const no = await blocked(s, '/whiteboards/sessions');
      if (no) return no;
      const since = s.accountWide.whiteboardSessionsFrom();
      return p.collect('whiteboard_sessions', one(() => s.accountWide.whiteboardSessionsOf(userId, email, range)), {
        from: since > range.from ? since : range.from,
        to: range.to,
        why: "the account's archived whiteboard sessions that name the person among their participants (Zoom lists the account's sessions with no per-person filter: the list is read once for everyone asked for, since Zoom Whiteboard exists, and only the sessions naming the person by user id or email are kept)",
        ...(since > range.from ? { limit: 'zoom' as const } : {}),
      });
    }),
  ]);
  await dependsOn(p, 'whiteboards', 'whiteboard_collaborators', async () => {
    const no = await blocked(s, '/whiteboards/{whiteboardId}/collaborator');
    if (no) return no;
    const owned: Rec[] = [];
    for await (const b of recordsOf(p, 'whiteboards')) if (str(b.whiteboard_id)) owned.push({ whiteboard_id: b.whiteboard_id, whiteboard_name: b.whiteboard_name });
    const fetch = async (board: Rec): Promise<Rec[]> => (await listWhiteboardCollaborators(s.client, str(board.whiteboard_id))).map((collaborator) => ({ whiteboard: board, collaborator }));
    return p.collect('whiteboard_collaborators', items(owned.map((b) => ({ key: str(b.whiteboard_id), name: `whiteboard ${str(b.whiteboard_id)}`, value: b })), fetch), undefined, 'whiteboards');
  });
}
