/**
 * The rest of what Zoom holds about a person (issue 17): Team Chat, SMS texts, attendance rows,
 * AI Companion summaries, sign-ins and voicemail transcripts. collect.ts runs these beside its own
 * categories; each depends only on what it names (the meetings-joined list, the Phone lists, the
 * account-wide lists of AccountWide).
 *
 * Records stay exactly as Zoom sent them. Where a record needs context to be understood on its own
 * (a chat message's conversation, an attendance row's meeting, an SMS's session), the record goes
 * under its Zoom name (`message`, `participant`) and the context beside it.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type pLimit from 'p-limit';
import type { ZoomClient } from '../zoom/client.js';
import {
  featureBlock,
  getMeetingSummary,
  getVoicemail,
  isOlderThanChatWindow,
  listChatMessages,
  listChatSessions,
  listParticipants,
  participantsVia,
  type ParticipantsVia,
  listSmsMessages,
  participantsSource,
  WEBINAR_TYPES,
  type ChatTarget,
} from '../zoom/endpoints/breadth.js';
import { isFatal } from '../zoom/errors.js';
import { addCalendarMonths, isoDay, parseIsoDay, sixMonthsFrom } from '../dates.js';
import { listSmsSessions } from '../zoom/endpoints/access.js';
import { monthWindows, type DateWindow } from '../zoom/paginate.js';
import type { AccountWide } from './account-wide.js';
import { CATEGORY } from './categories.js';
import { itemBatches, listedItems, streamedBatches, type Item, type ItemShape, type ItemUnit } from './items.js';
import { ensurePrivateDir } from '../fs/atomic.js';
import { readNdjson, RecordFile } from '../fs/records.js';
import { readRecords } from './report/read.js';
import { WORKPLACE_OPTIONAL } from './workplace-categories.js';
import { CONTACT_CENTER_OPTIONAL } from './contact-center-categories.js';
import { EVENTS_VISITORS_OPTIONAL, REVENUE_QUALITY_OPTIONAL } from './events-categories.js';
import { MEETING_ANSWERS_OPTIONAL } from './meeting-answers-categories.js';

type Rec = Record<string, unknown>;

/** What a category came to (collect.ts's CategoryResult, restated here so this module does not import its caller). */
export interface BreadthResult {
  status: 'done' | 'no_data' | 'unavailable' | 'failed';
  records?: number;
  file?: string;
  note?: string;
  error?: string;
  reason?: 'not_enabled' | 'not_permitted' | 'skipped' | 'user_level' | 'not_granted' | 'not_searchable';
}

/** What a category covers and why (collect.ts's Coverage: `limit: 'zoom'` when Zoom serves no more). */
export interface BreadthCoverage {
  from?: string;
  to?: string;
  why: string;
  limit?: 'zoom' | 'asked';
}

export interface BreadthUnit {
  key: string;
  items: () => AsyncIterable<Rec>;
}

/** The part of collect.ts's PersonCollection these categories use. */
export interface BreadthPerson {
  readonly categories: Record<string, BreadthResult>;
  readonly dir: string;
  /** The person's scratch folder (.work): removed once nothing is left to resume. */
  readonly work: string;
  settle(name: string, run: () => Promise<BreadthResult>): Promise<void>;
  /** Walk units into parts and merge them into the category's file (no de-duplication: units never overlap); item units count each item's outcome (items.ts). */
  collect(name: string, units: Array<BreadthUnit | ItemUnit> | AsyncIterable<ItemUnit>, coverage?: BreadthCoverage, noun?: string): Promise<BreadthResult>;
}

/** Optional categories `--skip` may leave out, and the categories each covers. */
export const OPTIONAL_CATEGORIES: Record<string, string[]> = {
  chat: ['chat_sessions', 'chat_messages'],
  sms_messages: ['phone_sms_messages'],
  voicemail_transcripts: ['phone_voicemail_details'],
  attendance: ['attendance'],
  summaries: ['meeting_summaries'],
  sign_ins: ['sign_ins'],
  ...WORKPLACE_OPTIONAL,
  ...CONTACT_CENTER_OPTIONAL,
  ...EVENTS_VISITORS_OPTIONAL,
  ...REVENUE_QUALITY_OPTIONAL,
  ...MEETING_ANSWERS_OPTIONAL,
};

export interface BreadthSettings {
  client: ZoomClient;
  /** The concurrency pool of these categories' units (apart from the other lists'). */
  limit: ReturnType<typeof pLimit>;
  accountWide: AccountWide;
  /** Names of OPTIONAL_CATEGORIES left out (--skip). */
  skip: ReadonlySet<string>;
  /** Where attendance rows are read (ZDSAR_PARTICIPANTS_FROM); unset: per session, whichever gate has room first (RateLimiter.first). */
  participantsFrom?: ParticipantsVia;
}

export interface BreadthSubject {
  userId: string;
  email: string;
  displayName: string;
  range: DateWindow;
  /** The run's clock (Zoom's six months count back from the day a request is sent). */
  now: number;
}

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

/** The issue-17 categories of one person: some start at once, some after the list they read. */
export function breadthPlan(p: BreadthPerson, s: BreadthSettings, who: BreadthSubject) {
  const skipped = (group: string) => s.skip.has(group);
  const leaveOut = (group: string) =>
    Promise.all(OPTIONAL_CATEGORIES[group]!.map((name) => p.settle(name, async () => ({ status: 'unavailable', reason: 'skipped', note: `left out of this export with --skip ${group}` })))).then(() => undefined);
  return {
    independent: (): Array<Promise<void>> => [
      skipped('chat') ? leaveOut('chat') : chat(p, s, who),
      skipped('summaries') ? leaveOut('summaries') : summaries(p, s, who),
      skipped('sign_ins') ? leaveOut('sign_ins') : signIns(p, s, who),
    ],
    afterMeetingsAttended: (): Promise<void> => (skipped('attendance') ? leaveOut('attendance') : attendance(p, s, who)),
    // Each as soon as the list it reads is settled (not after every Phone list: the heavy person's call history takes half a minute).
    // `sessions`: where the month's sessions come from (a leaver's: the account's list, kept to theirs); default the person's own list.
    afterSms: (sessions?: (w: DateWindow) => AsyncIterable<Rec>): Promise<void> => (skipped('sms_messages') ? leaveOut('sms_messages') : smsTexts(p, s, who, sessions ?? ((w) => listSmsSessions(s.client, who.userId, w)))),
    afterVoicemails: (): Promise<void> =>
      skipped('voicemail_transcripts') ? leaveOut('voicemail_transcripts') : perRecord(p, 'phone_voicemails', 'phone_voicemail_details', 'voicemails', (r) => str(r.id), (id) => `voicemail ${id}`, async (id) => [await getVoicemail(s.client, id)]),
  };
}

/** A category that reads another one's records: mirrors it when it has nothing to read. */
export async function dependsOn(p: BreadthPerson, dep: string, name: string, run: () => Promise<BreadthResult>): Promise<void> {
  const d = p.categories[dep];
  if (d?.status === 'done') return p.settle(name, run);
  return p.settle(name, async () => {
    if (d?.status === 'unavailable') return { ...d };
    if (d?.status === 'no_data') return { status: 'no_data', ...(d.note ? { note: d.note } : {}) };
    return { status: 'failed', error: `needs ${CATEGORY.get(dep)?.title ?? dep}, which could not be collected; resuming tries again` };
  });
}

export async function* recordsOf(p: BreadthPerson, name: string): AsyncGenerator<Rec> {
  yield* readRecords(join(p.dir, CATEGORY.get(name)!.file));
}

/** For each record of `dep` (an SMS session, a voicemail), the detail Zoom has behind it: one item each (items.ts). */
function perRecord(p: BreadthPerson, dep: string, name: string, noun: string, idOf: (r: Rec) => string, nameOf: (id: string) => string, fetch: (id: string) => Promise<Rec[]>): Promise<void> {
  return dependsOn(p, dep, name, async () => {
    const ids = new Set<string>();
    for await (const r of recordsOf(p, dep)) if (idOf(r)) ids.add(idOf(r));
    return p.collect(name, itemsBy(ids, { key: (id) => id, name: nameOf }, fetch), undefined, noun);
  });
}

/** An account feature or permission that stands in the way holds for every item: the category says so once (unavailable), not per item. */
const stopsCategory = (e: unknown) => isFatal(e) || featureBlock(e) !== undefined;

/** The one way these categories fetch per item (items.ts): each item ends in its own outcome. */
export function items<T>(list: Array<Item<T>>, fetch: (t: T) => Promise<Rec[]>): ItemUnit[] {
  return itemBatches(list, fetch, stopsCategory);
}

/** The same for values that are items by a shape (a person's sessions, read from a file): made into batches as they are taken, named only when not collected. */
export function itemsBy<T>(values: AsyncIterable<T> | Iterable<T>, shape: ItemShape<T>, fetch: (t: T) => Promise<Rec[]>): AsyncIterable<ItemUnit> {
  return streamedBatches(values, shape, fetch, stopsCategory);
}

/** A session of the meetings-joined list, as the context beside each record. */
export interface Session {
  uuid: string;
  id?: unknown;
  type?: unknown;
  topic?: unknown;
  start_time?: unknown;
  hosted: boolean;
}

const sessionFiles = new WeakMap<BreadthPerson, Promise<string>>();

/**
 * The sessions of the person's meetings-joined list, each once, in the list's order, and whether they
 * hosted it (the session's host address is theirs). Written once per run to their scratch folder (never
 * trusted from an earlier run: the list may have been collected again) and read as a stream by each
 * category that goes session by session (attendance, Q&A, polls, surveys, transcripts, archived files):
 * the heavy person's 20,000 sessions are not held in memory, six times over.
 */
export async function* sessionsOf(p: BreadthPerson, hostEmail: string): AsyncGenerator<Session> {
  let file = sessionFiles.get(p);
  if (!file) {
    file = writeSessions(p);
    sessionFiles.set(p, file);
  }
  const host = hostEmail.trim().toLowerCase();
  for await (const r of readNdjson(await file)) {
    const m = r as Rec;
    yield { uuid: str(m.uuid), id: m.id, type: m.type, topic: m.topic, start_time: m.start_time, hosted: host !== '' && str(m.user_email).trim().toLowerCase() === host };
  }
}

async function writeSessions(p: BreadthPerson): Promise<string> {
  await ensurePrivateDir(p.work);
  const path = join(p.work, 'sessions.ndjson');
  const out = await RecordFile.create(path, 'ndjson', { scratch: true });
  // The one pass that needs every id at once; the set goes with it.
  const seen = new Set<string>();
  try {
    for await (const m of recordsOf(p, 'meetings_attended')) {
      const uuid = str(m.uuid);
      if (!uuid || seen.has(uuid)) continue;
      seen.add(uuid);
      await out.write({ uuid, id: m.id, type: m.type, topic: m.topic, start_time: m.start_time, user_email: m.user_email });
    }
    await out.commit();
  } catch (e) {
    await out.abort();
    throw e;
  }
  return path;
}

/**
 * The texts of the person's SMS sessions in their range, one unit per month window: the sessions with a
 * message sent or received in that window (listSmsSessions, the unit's list), then each one's texts of that
 * window as its own item (items.ts): one session's answer never decides another's, and a resume asks again
 * only for the sessions that failed. Zoom answers a session's texts one month per call, and only the past
 * 30 days without dates.
 */
function smsTexts(p: BreadthPerson, s: BreadthSettings, who: BreadthSubject, sessions: (w: DateWindow) => AsyncIterable<Rec>): Promise<void> {
  return dependsOn(p, 'phone_sms', 'phone_sms_messages', () => {
    const units: ItemUnit[] = monthWindows(who.range.from, who.range.to).map((w) =>
      listedItems(
        `${w.from}_${w.to}`,
        async function* () {
          for await (const session of sessions(w)) {
            const id = str(session.session_id);
            if (id) yield { key: `${id}@${w.from}`, name: `SMS conversation ${id} (${w.from} to ${w.to})`, value: id };
          }
        },
        (id) => smsMessages(s.client, id, w),
        stopsCategory,
      ),
    );
    return p.collect('phone_sms_messages', units, { ...who.range, why: 'the texts of your SMS conversations sent or received in the range' }, 'SMS conversations');
  });
}

async function smsMessages(client: ZoomClient, sessionId: string, w: DateWindow): Promise<Rec[]> {
  const out: Rec[] = [];
  for await (const m of listSmsMessages(client, sessionId, w)) out.push({ session_id: sessionId, message: m });
  return out;
}

// ---------------------------------------------------------------- Team Chat

const SESSION_FIELDS = ['type', 'channel_id', 'name', 'peer_contact_email', 'peer_contact_user_id', 'peer_contact_member_id'];

function targetOf(session: Rec): ChatTarget | undefined {
  if (str(session.channel_id)) return { to_channel: str(session.channel_id) };
  const peer = str(session.peer_contact_member_id) || str(session.peer_contact_email) || str(session.peer_contact_user_id) || str(session.name);
  return peer ? { to_contact: peer } : undefined;
}

/** Zoom's "recent six months" of chat messages, counted back from the day the request is sent (dates.ts: either month-end reading, with a margin). */
function chatWindow(now: number, range: DateWindow): DateWindow | undefined {
  const earliest = sixMonthsFrom(now);
  const from = range.from > earliest ? range.from : earliest;
  return from <= range.to ? { from, to: range.to } : undefined;
}

async function chat(p: BreadthPerson, s: BreadthSettings, who: BreadthSubject): Promise<void> {
  const { range, userId } = who;
  // Zoom lists a conversation by its last message: one that went on after the range would vanish with
  // its earlier messages. So conversations are listed up to the end of the run's day, messages kept to the range.
  const listedTo = isoDay(new Date(who.now)) > range.to ? isoDay(new Date(who.now)) : range.to;
  await p.settle('chat_sessions', () =>
    p.collect('chat_sessions', [{ key: 'all', items: () => listChatSessions(s.client, userId, `${range.from}T00:00:00Z`, `${listedTo}T23:59:59Z`) }], {
      ...range,
      why: `conversations with a message since the range's start (Zoom lists a conversation by its last message, so they are listed up to ${listedTo}; their messages are kept to the range)`,
    }),
  );
  await dependsOn(p, 'chat_sessions', 'chat_messages', async () => {
    const w = chatWindow(who.now, range);
    const conversations: Array<Item<{ target: ChatTarget; context: Rec }>> = [];
    let older = 0;
    for await (const session of recordsOf(p, 'chat_sessions')) {
      const target = targetOf(session);
      if (!target) continue;
      if (!w || str(session.last_message_sent_time).slice(0, 10) < w.from) {
        older++;
        continue;
      }
      const context = Object.fromEntries(SESSION_FIELDS.filter((k) => session[k] !== undefined).map((k) => [k, session[k]]));
      const name = 'to_channel' in target ? `channel ${str(session.name) || target.to_channel}` : `conversation with ${str(session.name) || target.to_contact}`;
      conversations.push({ key: `c-${hash(JSON.stringify(target))}`, name, value: { target, context } });
    }
    const why = [
      w ? 'Zoom serves Team Chat messages of the last six months only ("Only provide past chat messages in recent 6 months")' : 'Zoom serves Team Chat messages of the last six months only, and the range lies before them',
      older > 0 ? `${older} ${older === 1 ? 'conversation' : 'conversations'} whose last message is older ${older === 1 ? 'is' : 'are'} listed in chat_sessions.json without messages` : '',
      "older messages are in Zoom's own export (--zoom-export)",
    ]
      .filter(Boolean)
      .join('; ');
    const units = items(conversations, async ({ target, context }) => {
      const out: Rec[] = [];
      for await (const m of chatMessages(s, userId, target, context, w!)) out.push(m);
      return out;
    });
    return p.collect('chat_messages', units, { ...(w ?? {}), why, limit: 'zoom' }, 'conversations');
  });
}

/** One conversation's messages; if Zoom's six months moved past the window's first day (a run that crossed midnight, a resume), start a day later. */
async function* chatMessages(s: BreadthSettings, userId: string, target: ChatTarget, context: Rec, w: DateWindow): AsyncGenerator<Rec> {
  let from = w.from;
  for (let attempt = 0; ; attempt++) {
    let yielded = false;
    try {
      for await (const m of listChatMessages(s.client, userId, target, `${from}T00:00:00Z`, `${w.to}T23:59:59Z`)) {
        yielded = true;
        yield { session: context, message: m };
      }
      return;
    } catch (e) {
      if (yielded || attempt >= 2 || !isOlderThanChatWindow(e)) throw e;
      from = isoDay(new Date(parseIsoDay(from).getTime() + 86_400_000));
      if (from > w.to) return;
    }
  }
}

// ---------------------------------------------------------------- attendance, summaries, sign-ins

/**
 * The person's own rows of each meeting and webinar they joined. A row is theirs by
 * `participant_user_id` (the reports; it replaces the deprecated `id`: "We will remove this response in
 * a future release"), else `id` (the past lists), else the email address (empty on legacy BAA accounts
 * and for some external participants).
 */
async function attendance(p: BreadthPerson, s: BreadthSettings, who: BreadthSubject): Promise<void> {
  const email = who.email.trim().toLowerCase();
  let nameOnly = 0;
  const idOf = (row: Rec) => str(row.participant_user_id) || str(row.id);
  const mine = (row: Rec) => (idOf(row) !== '' && idOf(row) === who.userId) || (str(row.user_email) !== '' && str(row.user_email).toLowerCase() === email);
  await dependsOn(p, 'meetings_attended', 'attendance', async () => {
    const kindOf = (m: Session) => (WEBINAR_TYPES.has(Number(m.type)) ? ('webinar' as const) : ('meeting' as const));
    const shape: ItemShape<Session> = { key: (m) => m.uuid, name: (m) => `${kindOf(m)} "${str(m.topic)}" of ${str(m.start_time).slice(0, 10)} (${m.uuid})` };
    const rowsOf = async (session: Session): Promise<Rec[]> => {
      const { uuid } = session;
      const meeting = { uuid, id: session.id, type: session.type, topic: session.topic, start_time: session.start_time };
      const kind = kindOf(session);
      // The report (Heavy) or the past list (Medium), whichever gate has room first, with that place. A session's rows
      // are saved together, each naming its source, so a resume never mixes the two for one session.
      const { via, held } = s.participantsFrom ? { via: s.participantsFrom, held: undefined } : await participantsVia(s.client, kind);
      const out: Rec[] = [];
      // listParticipants gives the place back if its first page never used it.
      for await (const row of listParticipants(s.client, uuid, via, kind, held)) {
        if (mine(row)) out.push({ meeting, source: participantsSource(kind, via), participant: row });
        else if (!idOf(row) && !str(row.user_email) && str(row.name).trim().toLowerCase() === who.displayName.trim().toLowerCase()) nameOnly++;
      }
      return out;
    };
    const r = await p.collect('attendance', itemsBy(sessionsOf(p, who.email), shape, rowsOf), undefined, 'meetings and webinars');
    const why = [
      'your own rows of the meetings and webinars you joined (the list above), matched by your Zoom user id (participant_user_id) or email address',
      nameOnly > 0 ? `${nameOnly} ${nameOnly === 1 ? 'row bears' : 'rows bear'} your name but neither id nor email (Zoom leaves them empty for some participants, e.g. signed out) and cannot be attributed to you, so ${nameOnly === 1 ? 'it was' : 'they were'} left out` : '',
    ]
      .filter(Boolean)
      .join('; ');
    if (r.status !== 'done') return r;
    const coverage = { ...((r as { coverage?: BreadthCoverage }).coverage ?? {}), why };
    return { ...r, note: `${why.charAt(0).toUpperCase()}${why.slice(1)}. ${r.note ?? ''}`.trim(), coverage };
  });
}

async function summaries(p: BreadthPerson, s: BreadthSettings, who: BreadthSubject): Promise<void> {
  await p.settle('meeting_summaries', async () => {
    const rows = await s.accountWide.summariesHostedBy(who.userId, who.email);
    const shape: ItemShape<Rec> = { key: (r) => str(r.meeting_uuid), name: (r) => `summary of "${str(r.meeting_topic)}" of ${str(r.meeting_start_time).slice(0, 10)} (${str(r.meeting_uuid)})`, listed: (r) => r };
    const units = itemsBy(
      rows.filter((r) => str(r.meeting_uuid)),
      shape,
      async (r) => [await getMeetingSummary(s.client, str(r.meeting_uuid))],
    );
    return p.collect('meeting_summaries', units, { from: s.accountWide.summariesFrom() > who.range.from ? s.accountWide.summariesFrom() : who.range.from, to: who.range.to, why: "summaries of meetings you hosted, from the account's list of AI Companion summaries (which exist since 2023)", limit: 'zoom' }, 'summaries');
  });
}

async function signIns(p: BreadthPerson, s: BreadthSettings, who: BreadthSubject): Promise<void> {
  const windows = s.accountWide.signInWindows().filter((w) => w.to >= who.range.from && w.from <= who.range.to);
  const first = windows.at(-1)?.from;
  const coverage: BreadthCoverage = first
    ? { from: first > who.range.from ? first : who.range.from, to: who.range.to, why: 'Zoom keeps the sign-in report for the last six months', limit: 'zoom' }
    : { why: 'Zoom keeps the sign-in report for the last six months, and the range lies before them', limit: 'zoom' };
  await p.settle('sign_ins', () => p.collect('sign_ins', windows.map((w) => ({ key: `${w.from}_${w.to}`, items: () => s.accountWide.signIns(who.email, w, who.range) })), coverage));
}

/** Why a category was blocked by an account feature or permission (re-exported for collect.ts). */
export { featureBlock };
