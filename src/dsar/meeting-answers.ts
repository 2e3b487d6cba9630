/**
 * What the person said in meetings and webinars (issue 28): their Q&A questions and answers, poll and
 * survey answers, and, for meetings they hosted, the transcript and archived files. collect.ts runs
 * these after the meetings-joined list (Zoom's report of the sessions the person hosted or joined),
 * through the same BreadthPerson as breadth.ts: each session is one item (items.ts).
 *
 * An entry is the person's only when it carries one of their own email addresses (all of them: the
 * request's further addresses too); a display name never decides, as anyone can type any name. Entries
 * of others are left out and counted; entries without an address cannot be attributed and are counted
 * apart. Zoom's entry is kept unchanged, under `entry`, with the context beside it.
 */
import type { ZoomClient } from '../zoom/client.js';
import { ANSWER_READS, ARCHIVE_READ, answersVia, getArchivedFiles, getMeetingTranscript, HISTORY_READ, TRANSCRIPT_READ, type AnswerKind, type AnswersChoice, type AnswersVia, type SessionKind } from '../zoom/endpoints/meeting-answers.js';
import { WEBINAR_TYPES } from '../zoom/endpoints/breadth.js';
import { canRead, scopeBlock } from '../zoom/endpoints/workplace.js';
import { dependsOn, itemsBy, sessionsOf, type BreadthCoverage, type BreadthPerson, type BreadthResult, type Session } from './breadth.js';
import { MEETING_ANSWERS_OPTIONAL } from './meeting-answers-categories.js';
import type { ItemShape } from './items.js';
import type { AccountWide } from './account-wide.js';

type Rec = Record<string, unknown>;
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

export interface MeetingAnswersSettings {
  client: ZoomClient;
  skip: ReadonlySet<string>;
  /** ZDSAR_PARTICIPANTS_FROM: the one table to read Q&A and polls from; unset: per session, whichever gate has room first (RateLimiter.first). */
  from?: 'report' | 'past_meetings';
  /** Where each session's results are saved once per run (for everyone), and the account's session list for people without a Zoom user. */
  accountWide: AccountWide;
}

export interface MeetingAnswersSubject {
  /** The person's Zoom user id: a transcript or archive is kept only when Zoom names them its host (host_id). */
  userId: string;
  /** The Zoom user's own address: a session whose host address it is was hosted by the person. */
  email: string;
  /** Every address the request gave for the person (the first and the further ones). */
  emails: string[];
}

export type { Session } from './breadth.js';

/** What one session's answer gave: the person's records, and how many entries were left out and why. */
export interface Selection {
  records: Rec[];
  /** Entries made with an address that is not the person's. */
  others: number;
  /** Entries that carry no address: nobody can be told from them. */
  unattributed: number;
}

// The meetings-joined report gives a numeric type; the account's history list says "Meeting" or "Webinar".
const kindOf = (s: Session): SessionKind => (WEBINAR_TYPES.has(Number(s.type)) || s.type === 'Webinar' ? 'webinar' : 'meeting');

/** The person's address an entry was made with, or '' (none) / undefined (someone else's). */
function ownAddress(value: unknown, emails: ReadonlySet<string>): string | undefined {
  const e = str(value).trim().toLowerCase();
  if (e === '') return '';
  return emails.has(e) ? e : undefined;
}

/**
 * Q&A: the person's own questions (the entry whole, with the answers they were given) and, in the
 * report's shape, each answer they gave to someone else's question (the answer unchanged, beside the
 * question it answers; the asker is not kept).
 */
export function selectQa(answer: Rec, meeting: Session, source: string, emails: ReadonlySet<string>): Selection {
  const out: Selection = { records: [], others: 0, unattributed: 0 };
  for (const q of (answer.questions as Rec[] | undefined) ?? []) {
    const own = ownAddress(q.email, emails);
    if (own) {
      out.records.push({ meeting, found_by: own, source, entry: q });
      continue;
    }
    if (own === '') out.unattributed++;
    else out.others++;
    for (const d of (q.question_details as Rec[] | undefined) ?? []) {
      for (const a of (d.answer_details as Rec[] | undefined) ?? []) {
        const by = ownAddress(a.email, emails);
        if (by) out.records.push({ meeting, found_by: by, source, answered: { question_id: d.question_id, question: d.question }, answer: a });
      }
    }
  }
  return out;
}

/** The questions asked, each once, from every entry's details (what a host asked; nobody's answer). */
function questionsAsked(entries: Rec[], details: string, idKey: string): Rec[] {
  const seen = new Map<string, Rec>();
  for (const e of entries) {
    for (const d of (e[details] as Rec[] | undefined) ?? []) {
      const key = `${str(d[idKey])}|${str(d.question)}`;
      if (!seen.has(key)) seen.set(key, { [idKey]: d[idKey], question: d.question });
    }
  }
  return [...seen.values()];
}

/** Poll results: the person's own entries; for a session they hosted, also the questions asked. */
export function selectPolls(answer: Rec, meeting: Session, source: string, emails: ReadonlySet<string>): Selection {
  return selectEntries((answer.questions as Rec[] | undefined) ?? [], meeting, source, emails, {}, 'question_details', 'polling_id');
}

/** Survey results: the person's own entries (beside the survey they answer); for a session they hosted, also the questions asked. */
export function selectSurvey(answer: Rec, meeting: Session, source: string, emails: ReadonlySet<string>): Selection {
  const survey = { survey_id: answer.survey_id, survey_name: answer.survey_name };
  return selectEntries((answer.survey_answers as Rec[] | undefined) ?? [], meeting, source, emails, { survey }, 'answer_details', 'question_id');
}

function selectEntries(entries: Rec[], meeting: Session, source: string, emails: ReadonlySet<string>, context: Rec, details: string, idKey: string): Selection {
  const out: Selection = { records: [], others: 0, unattributed: 0 };
  for (const e of entries) {
    const own = ownAddress(e.email, emails);
    if (own) out.records.push({ meeting, found_by: own, source, ...context, entry: e });
    else if (own === '') out.unattributed++;
    else out.others++;
  }
  if (meeting.hosted) {
    const asked = questionsAsked(entries, details, idKey);
    if (asked.length) out.records.push({ meeting, source, ...context, questions_asked: asked });
  }
  return out;
}

const SELECT: Record<AnswerKind, (answer: Rec, meeting: Session, source: string, emails: ReadonlySet<string>) => Selection> = { qa: selectQa, polls: selectPolls, survey: selectSurvey };
const CATEGORY_OF: Record<AnswerKind, string> = { qa: 'meeting_qa', polls: 'meeting_polls', survey: 'meeting_surveys' };
const NOUN: Record<AnswerKind, string> = { qa: 'Q&A entries', polls: 'poll entries', survey: 'survey entries' };

// No topic in an item's name or listed row: they go into the manifest and report.html, and a topic is free text that may name others.
const SESSION_ITEM: ItemShape<Session> = { key: (s) => s.uuid, name: (s) => `${kindOf(s)} of ${str(s.start_time).slice(0, 10)} (${s.uuid})`, listed: (s) => ({ uuid: s.uuid, start_time: s.start_time }) };

/** The categories of one person, run once the meetings-joined list is settled. */
export async function meetingAnswersPlan(p: BreadthPerson, s: MeetingAnswersSettings, who: MeetingAnswersSubject): Promise<void> {
  const leaveOut = (group: string) => Promise.all(MEETING_ANSWERS_OPTIONAL[group]!.map((name) => p.settle(name, async () => ({ status: 'unavailable', reason: 'skipped', note: `left out of this export with --skip ${group}` }))));
  const granted = s.client.auth.scopes().then((x) => new Set(x));
  const all = () => sessionsOf(p, who.email);
  const emails = new Set(who.emails.map((e) => e.trim().toLowerCase()).filter(Boolean));
  await Promise.all([
    s.skip.has('meeting_answers') ? leaveOut('meeting_answers') : Promise.all((['qa', 'polls', 'survey'] as const).map((what) => answers(p, s, what, all, emails, granted))),
    s.skip.has('meeting_transcripts') ? leaveOut('meeting_transcripts') : hostedReads(p, all, granted, s.client, who.userId),
  ]);
}

/** The tables the app may read for one kind of answer of one kind of session (both, one, or none). */
async function readable(granted: Promise<ReadonlySet<string>>, kind: SessionKind, what: AnswerKind): Promise<AnswersVia[]> {
  const g = await granted;
  const reads = ANSWER_READS[kind][what];
  return (['past', 'report'] as const).filter((v) => reads[v] && canRead(g, reads[v]!));
}

function answers(p: BreadthPerson, s: MeetingAnswersSettings, what: AnswerKind, all: () => AsyncIterable<Session>, emails: ReadonlySet<string>, granted: Promise<ReadonlySet<string>>): Promise<void> {
  return dependsOn(p, 'meetings_attended', CATEGORY_OF[what], async () => {
    const r = await sessionsRead(p, s, what, all, emails, granted);
    return 'counted' in r ? withWhy(r.result, answersWhy(what, r.counted)) : r;
  });
}

/**
 * Each session's results of one kind (each session an item), the person's entries selected from them; or,
 * when the app may read neither table for a kind of session listed, the category unavailable (said once).
 */
async function sessionsRead(p: BreadthPerson, s: MeetingAnswersSettings, what: AnswerKind, list: () => AsyncIterable<Session> | Iterable<Session>, emails: ReadonlySet<string>, granted: Promise<ReadonlySet<string>>, coverage?: BreadthCoverage): Promise<BreadthResult | { result: BreadthResult; counted: { others: number; unattributed: number } }> {
  const name = CATEGORY_OF[what];
  const tables = { meeting: await readable(granted, 'meeting', what), webinar: await readable(granted, 'webinar', what) };
  const kinds = new Set<SessionKind>();
  for await (const x of list()) if (kinds.add(kindOf(x)).size === 2) break;
  const blocked = [...kinds].find((k) => tables[k].length === 0);
  if (blocked) {
    const reads = ANSWER_READS[blocked][what];
    return { status: 'unavailable', ...scopeBlock(reads.past ?? reads.report!) } as BreadthResult;
  }
  const counted = { others: 0, unattributed: 0 };
  const fetch = async (session: Session): Promise<Rec[]> => {
    const kind = kindOf(session);
    const can = tables[kind];
    const wanted: AnswersVia | undefined = s.from === 'report' ? 'report' : s.from === 'past_meetings' ? 'past' : undefined;
    const via = async (): Promise<AnswersChoice> => (can.length === 1 ? { via: can[0]! } : wanted ? { via: wanted } : answersVia(s.client, kind, what));
    const { source, answer } = await s.accountWide.sessionAnswers(session.uuid, kind, what, via);
    const sel = SELECT[what](answer, session, source, emails);
    counted.others += sel.others;
    counted.unattributed += sel.unattributed;
    return sel.records;
  };
  return { result: await p.collect(name, itemsBy(list(), SESSION_ITEM, fetch), coverage, 'meetings and webinars'), counted };
}

/** The coverage of an answers category in words: where the entries come from and what was left out. */
export function answersWhy(what: AnswerKind, c: { others: number; unattributed: number }): string {
  const noun = NOUN[what];
  return [
    `your own ${noun} in the meetings and webinars you hosted or joined (the list above), found by your email addresses (never by a display name)${what === 'qa' ? '' : '; for meetings you hosted, the questions you asked too'}`,
    c.others > 0 ? `${c.others} ${c.others === 1 ? 'entry' : 'entries'} of other people left out` : '',
    c.unattributed > 0 ? `${c.unattributed} ${c.unattributed === 1 ? 'entry carries' : 'entries carry'} no email address and cannot be attributed to anyone, so ${c.unattributed === 1 ? 'it was' : 'they were'} left out (not "no data": Zoom may hold some of yours among them)` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

function withWhy(r: BreadthResult, why: string): BreadthResult {
  if (r.status !== 'done') return r;
  const coverage = { ...((r as { coverage?: BreadthCoverage }).coverage ?? {}), why };
  return { ...r, note: `${why.charAt(0).toUpperCase()}${why.slice(1)}. ${r.note ?? ''}`.trim(), coverage } as BreadthResult;
}

/** Transcripts and archived files of the meetings the person hosted (not webinars: both reads are of meetings). */
function hostedReads(p: BreadthPerson, all: () => AsyncIterable<Session>, granted: Promise<ReadonlySet<string>>, client: ZoomClient, userId: string): Promise<unknown> {
  const one = (name: string, template: string, read: (uuid: string) => Promise<Rec>, as: string, why: string) =>
    dependsOn(p, 'meetings_attended', name, async () => {
      if (!canRead(await granted, template)) return { status: 'unavailable', ...scopeBlock(template) } as BreadthResult;
      const hosted = async function* () {
        for await (const x of all()) if (x.hosted && kindOf(x) === 'meeting') yield x;
      };
      // The report's host address decides what is asked; Zoom's own host_id decides what is kept (another host's is left out).
      let otherHost = 0;
      const r = await p.collect(
        name,
        itemsBy(hosted(), SESSION_ITEM, async (x) => {
          const got = await read(x.uuid);
          if (str(got.host_id) && str(got.host_id) !== userId) return (otherHost++, []);
          return [{ meeting: x, [as]: got }];
        }),
        undefined,
        'meetings hosted',
      );
      return withWhy(r, otherHost ? `${why}; ${otherHost} ${otherHost === 1 ? 'answer names' : 'answers name'} another host and ${otherHost === 1 ? 'was' : 'were'} left out` : why);
    });
  return Promise.all([
    one('meeting_transcripts', TRANSCRIPT_READ, (u) => getMeetingTranscript(client, u), 'transcript', "transcripts of the meetings you hosted (the list above); transcripts of meetings you only joined are not collected: Zoom marks each line by the speaker's display name only, which does not identify a person; each transcript is listed with its download link, not downloaded (--with-files does not fetch it yet)"),
    one('meeting_archive_files', ARCHIVE_READ, (u) => getArchivedFiles(client, u), 'archive', 'archived files of the meetings you hosted (the list above), where the account archives meetings; the files are listed with their download links, not downloaded (--with-files does not fetch them yet)'),
  ]);
}

/**
 * A person without a Zoom user (issue 28): Zoom lists the sessions someone joined only by their Zoom user, so
 * their Q&A, poll and survey answers are found by a scan of the account's own sessions: Zoom's history list of
 * the past meetings and webinars holding results of each kind (AccountWide.historySessions, read once per run
 * for everyone), each session's results read once per run (AccountWide.sessionAnswers, shared with the people
 * who have a Zoom user), and only entries made with one of the person's addresses kept. They hosted nothing,
 * so no questions asked, no transcripts, no archived files.
 */
export function meetingAnswersOfOutsider(p: BreadthPerson, s: MeetingAnswersSettings, who: { emails: string[] }): Promise<unknown> {
  const skipped = (name: string, group: string) => p.settle(name, async () => ({ status: 'unavailable', reason: 'skipped', note: `left out of this export with --skip ${group}` }));
  const emails = new Set(who.emails.map((e) => e.trim().toLowerCase()).filter(Boolean));
  const granted = s.client.auth.scopes().then((x) => new Set(x));
  return Promise.all([
    ...MEETING_ANSWERS_OPTIONAL.meeting_answers!.map((name, i) => {
      if (s.skip.has('meeting_answers')) return skipped(name, 'meeting_answers');
      const what = (['qa', 'polls', 'survey'] as const)[i]!;
      return p.settle(name, async () => {
        if (!canRead(await granted, HISTORY_READ)) return { status: 'unavailable', ...scopeBlock(HISTORY_READ, "this person has no Zoom user, so their entries are found only by scanning the account's meetings and webinars, listed by Zoom's history report") } as BreadthResult;
        const list: Session[] = [];
        const seen = new Set<string>();
        for await (const m of s.accountWide.historySessions(what)) {
          const uuid = str(m.meeting_uuid);
          if (!uuid || seen.has(uuid)) continue;
          seen.add(uuid);
          list.push({ uuid, id: m.meeting_id, type: m.type, topic: m.topic, start_time: m.start_time, hosted: false });
        }
        const w = s.accountWide.historyWindow();
        const r = await sessionsRead(p, s, what, () => list, emails, granted, { from: w.from, to: w.to, why: '', limit: 'zoom' });
        return 'counted' in r ? withWhy(r.result, outsiderWhy(what, list.length, w, r.counted)) : r;
      });
    }),
    ...MEETING_ANSWERS_OPTIONAL.meeting_transcripts!.map((name) =>
      s.skip.has('meeting_transcripts')
        ? skipped(name, 'meeting_transcripts')
        : p.settle(name, async () => ({ status: 'unavailable', reason: 'not_searchable', note: "this person has no Zoom user, so they hosted no meeting: transcripts and archived files are collected only for meetings the person hosted (Zoom marks a transcript's lines by display name only, which does not identify a guest)" })),
    ),
  ]);
}

/** The coverage of an outsider's answers category in words: the scan of the account's sessions, and what was left out. */
export function outsiderWhy(what: AnswerKind, sessions: number, w: { from: string; to: string }, c: { others: number; unattributed: number }): string {
  const noun = NOUN[what];
  const kind = { qa: 'Q&A', polls: 'poll results', survey: 'survey results' }[what];
  return [
    `your own ${noun}, found by your email addresses (never by a display name), in a scan of the account's meetings and webinars from ${w.from} to ${w.to} that hold ${kind} (${sessions} ${sessions === 1 ? 'session' : 'sessions'}, as Zoom's history report lists them): you have no Zoom user, so Zoom cannot list the sessions you joined; sessions of other accounts and older ones are not reached (--from asks for more)`,
    c.others > 0 ? `${c.others} ${c.others === 1 ? 'entry' : 'entries'} of other people left out` : '',
    c.unattributed > 0 ? `${c.unattributed} ${c.unattributed === 1 ? 'entry carries' : 'entries carry'} no email address and cannot be attributed to anyone, so ${c.unattributed === 1 ? 'it was' : 'they were'} left out (not "no data": Zoom may hold some of yours among them)` : '',
  ]
    .filter(Boolean)
    .join('; ');
}
