import { join } from 'node:path';
import { ensurePrivateDir, pathExists } from '../fs/atomic.js';
import { RecordFile, readNdjson } from '../fs/records.js';
import type { ZoomClient } from '../zoom/client.js';
import { listMeetingSummaries, listSignInActivities } from '../zoom/endpoints/breadth.js';
import { listWhiteboardSessions } from '../zoom/endpoints/workplace.js';
import { getSessionAnswers, listHistorySessions, type AnswerKind, type AnswersChoice, type SessionKind } from '../zoom/endpoints/meeting-answers.js';
import { EVENT_STATES, listEventAttendance, listEventRegistrants, listEventSessions, listSessionAttendance, listVisitorInvitations, listZoomEvents } from '../zoom/endpoints/events.js';
import { addCalendarMonths, isoDay, parseIsoDay, sixMonthsFrom } from '../dates.js';
import { monthWindows, type DateWindow } from '../zoom/paginate.js';

type Rec = Record<string, unknown>;

/** AI Companion summaries exist since 2023: the account-wide list starts there (or at --from, if later). */
export const SUMMARIES_SINCE = '2023-01-01';

/** Zoom Whiteboard (the product whose sessions GET /whiteboards/sessions lists) came out in 2021: the account's session list starts there (or at --from, if later). */
export const WHITEBOARD_SESSIONS_SINCE = '2021-01-01';
/**
 * How far back the scan of the account's sessions for people without a Zoom user reaches when --from is
 * not given: a year, as the results reads themselves do (past_meetings polls and the reports answer 12702
 * "Can not access a meeting a year ago" beyond). The history list documents no limit of its own.
 */
export const HISTORY_SCAN_MONTHS = 12;
/** The first day of the account's visitor invitations when --from is not given: before Zoom existed (2011), so the whole list, whatever a person's history. */
export const VISITORS_SINCE = '2011-01-01';

async function rowsByEmail(path: string, fields: string[], emails: readonly string[]): Promise<Rec[]> {
  const want = new Set(emails.map((e) => e.trim().toLowerCase()));
  const out: Rec[] = [];
  for await (const r of readNdjson(path, emails)) {
    const row = r as Rec;
    if (fields.some((f) => want.has(String(row[f] ?? '').trim().toLowerCase()))) out.push(row);
  }
  return out;
}

/**
 * Lists Zoom serves only account-wide (sign-in activity, AI Companion summaries), fetched ONCE per
 * run for everyone asked for: each unit is walked by the first person who needs it, saved under
 * .work/_account (so a resumed run does not fetch it again), and every person keeps only their rows.
 */
export class AccountWide {
  private readonly memo = new Map<string, Promise<string>>();
  private readonly dirs = new Map<string, Promise<void>>();

  constructor(
    private readonly o: { client: ZoomClient; signal: AbortSignal; work: string; today: string; from?: string; /** --to: where the scan of the account's sessions ends (if before today). */ to?: string; now?: () => number },
  ) {}

  /**
   * The sign-in report's windows: months back from the request's day, within Zoom's last six months
   * counted from the run's clock (a run resumed weeks later recomputes them; dates.ts sixMonthsFrom).
   */
  signInWindows(): DateWindow[] {
    const now = this.o.now?.() ?? Date.now();
    const earliest = sixMonthsFrom(now);
    const today = isoDay(new Date(now));
    const last = this.o.today < today ? this.o.today : today;
    return earliest <= last ? monthWindows(earliest, last) : [];
  }

  /** One person's sign-ins and sign-outs of one of signInWindows(), by email (case-insensitive), within their range. */
  async *signIns(email: string, w: DateWindow, range: DateWindow): AsyncGenerator<Rec> {
    const path = await this.part('activities', `${w.from}_${w.to}`, () => listSignInActivities(this.o.client, w));
    const e = email.trim().toLowerCase();
    for await (const r of readNdjson(path, [email])) {
      const row = r as Rec;
      const d = typeof row.time === 'string' ? row.time.slice(0, 10) : '';
      if (String(row.email ?? '').toLowerCase() === e && d >= range.from && d <= range.to) yield row;
    }
  }

  /** The first day of the account's summary list: since summaries exist, or --from if later. */
  summariesFrom(): string {
    return this.o.from && this.o.from > SUMMARIES_SINCE ? this.o.from : SUMMARIES_SINCE;
  }

  /** The account's summary list rows of meetings this person hosted (by host id, else host email). */
  async summariesHostedBy(userId: string, email: string): Promise<Rec[]> {
    const from = this.summariesFrom();
    const path = await this.part('summaries', 'all', () => listMeetingSummaries(this.o.client, `${from}T00:00:00Z`, `${this.o.today}T23:59:59Z`));
    const e = email.trim().toLowerCase();
    const out: Rec[] = [];
    for await (const r of readNdjson(path, userId ? [userId, email] : [email])) {
      const row = r as Rec;
      const host = row.meeting_host_id !== undefined && row.meeting_host_id !== '' ? String(row.meeting_host_id) === userId : String(row.meeting_host_email ?? '').toLowerCase() === e;
      if (host) out.push(row);
    }
    return out;
  }

  /** The first day of the account's whiteboard session list: since Zoom Whiteboard exists, or --from if later. */
  whiteboardSessionsFrom(): string {
    return this.o.from && this.o.from > WHITEBOARD_SESSIONS_SINCE ? this.o.from : WHITEBOARD_SESSIONS_SINCE;
  }

  /**
   * The account's archived whiteboard sessions (Zoom has no per-person filter), read once per run over
   * every session since whiteboardSessionsFrom(), each person keeping those naming them
   * (regulated_participants: their user id or email) that started within their range.
   */
  async *whiteboardSessionsOf(userId: string, email: string, range: DateWindow): AsyncGenerator<Rec> {
    const from = this.whiteboardSessionsFrom();
    const path = await this.part('whiteboard_sessions', 'all', () => listWhiteboardSessions(this.o.client, { from, to: this.o.today }));
    const e = email.trim().toLowerCase();
    for await (const r of readNdjson(path, userId ? [userId, email] : [email])) {
      const row = r as Rec;
      const d = typeof row.start_time === 'string' ? row.start_time.slice(0, 10) : '';
      const named = Array.isArray(row.regulated_participants) && (row.regulated_participants as Rec[]).some((q) => (userId !== '' && String(q.user_id ?? '') === userId) || String(q.email ?? '').toLowerCase() === e);
      if (named && d >= range.from && d <= range.to) yield row;
    }
  }

  /**
   * One window of an account-wide list that several people of the run read (Zoom Phone's account lists,
   * searched for leavers by owner): walked once, by the first person who needs it, and saved; every other
   * person reads the saved rows. Windows are cut back from the same day (paginate.ts monthWindows), so people
   * share all but the oldest, partial one.
   */
  async *shared(kind: string, w: DateWindow, items: () => AsyncIterable<Rec>): AsyncGenerator<Rec> {
    for await (const r of readNdjson(await this.part(kind, `${w.from}_${w.to}`, items))) yield r as Rec;
  }

  /** The account's Zoom Events (issue 28), every state, each once (an event is listed in one state). */
  async zoomEvents(): Promise<Rec[]> {
    const out = new Map<string, Rec>();
    for (const state of EVENT_STATES) {
      const path = await this.part('zoom_events', state, () => listZoomEvents(this.o.client, state));
      for await (const r of readNdjson(path)) {
        const e = r as Rec;
        const id = String(e.event_id ?? '');
        if (id && !out.has(id)) out.set(id, { ...e, _state: state });
      }
    }
    return [...out.values()];
  }

  /** One event's rows of an account-wide per-event list (registrants, attendance) whose `email` is one of `emails` (exactly, case aside). */
  async eventRows(kind: 'registrants' | 'attendance', eventId: string, emails: readonly string[]): Promise<Rec[]> {
    const path = await this.part(`zoom_events_${kind}`, eventId, () => (kind === 'registrants' ? listEventRegistrants(this.o.client, eventId) : listEventAttendance(this.o.client, eventId)));
    return rowsByEmail(path, ['email'], emails);
  }

  /** An event's sessions, read once per run. */
  async eventSessions(eventId: string): Promise<Rec[]> {
    const path = await this.part('zoom_events_sessions', eventId, () => listEventSessions(this.o.client, eventId));
    const out: Rec[] = [];
    for await (const r of readNdjson(path)) out.push(r as Rec);
    return out;
  }

  /** One session's attendance rows whose `email` is one of `emails`, read once per run. */
  async sessionRows(eventId: string, sessionId: string, emails: readonly string[]): Promise<Rec[]> {
    const path = await this.part('zoom_events_session_attendance', `${eventId}_${sessionId}`, () => listSessionAttendance(this.o.client, eventId, sessionId));
    return rowsByEmail(path, ['email'], emails);
  }

  /**
   * The window of the account's visitor invitations: from --from (else VISITORS_SINCE: all of them) to a
   * year ahead (visits already planned). The spec says nothing of a default window without dates, so dates are always sent.
   */
  visitorWindow(): DateWindow {
    return { from: this.o.from ?? VISITORS_SINCE, to: isoDay(addCalendarMonths(parseIsoDay(this.o.today), 12)) };
  }

  /** The account's visitor invitations naming one of `emails` as visitor or host (exactly, case aside), read once per run. */
  async visitorInvitations(emails: readonly string[]): Promise<Rec[]> {
    const w = this.visitorWindow();
    const path = await this.part('visitor_invitations', `${w.from}_${w.to}`, () => listVisitorInvitations(this.o.client, w));
    return rowsByEmail(path, ['visitor_email', 'host_email'], emails);
  }

  /** The window of the scan of the account's sessions (people without a Zoom user): --from (else HISTORY_SCAN_MONTHS back) to --to (else the request's day). */
  historyWindow(): DateWindow {
    const to = this.o.to && this.o.to < this.o.today ? this.o.to : this.o.today;
    return { from: this.o.from ?? isoDay(addCalendarMonths(parseIsoDay(to), -HISTORY_SCAN_MONTHS)), to };
  }

  /**
   * The account's past meetings and webinars that hold results of one kind (Zoom's history list, one month
   * per call), each month read once per run for everyone and saved; the rows are streamed from the saved files.
   */
  async *historySessions(what: AnswerKind): AsyncGenerator<Rec> {
    const w = this.historyWindow();
    for (const m of monthWindows(w.from, w.to)) {
      for await (const r of readNdjson(await this.part(`history_meetings_${what}`, `${m.from}_${m.to}`, () => listHistorySessions(this.o.client, m, what)))) yield r as Rec;
    }
  }

  /**
   * One session's Q&A, poll or survey results, read once per run whoever in the request needs them (people
   * with a Zoom user who joined it, and the scan for people without one), saved under .work/_account and read
   * back by each person, who keeps their own entries: memory holds a file path per session, never the
   * answers. A failed read is not kept: the next person, or a resume, asks again. The table is chosen when
   * the read is first sent.
   */
  async sessionAnswers(uuid: string, kind: SessionKind, what: AnswerKind, via: () => Promise<AnswersChoice>): Promise<{ source: string; answer: Rec }> {
    const client = this.o.client;
    // The UUID in hex: its own characters (+, /, =) would make two UUIDs one file name.
    const path = await this.part(`meeting_${what}`, Buffer.from(uuid).toString('hex'), async function* () {
      yield (await getSessionAnswers(client, uuid, kind, what, await via())) as unknown as Rec;
    }, true);
    for await (const r of readNdjson(path)) return r as { source: string; answer: Rec };
    throw new Error(`the saved answer of session ${uuid} is empty`);
  }

  /** A kind's folder, checked (and made) once per run: thousands of sessions' answers go into one. */
  private privateDir(dir: string): Promise<void> {
    let p = this.dirs.get(dir);
    if (!p) {
      p = ensurePrivateDir(this.o.work).then(() => ensurePrivateDir(dir));
      this.dirs.set(dir, p);
      p.catch(() => this.dirs.delete(dir));
    }
    return p;
  }

  /** The saved rows of one account-wide unit: fetched by the first caller, shared by the rest (or, with `retry`, asked again by the next after a failure). */
  private part(kind: string, key: string, items: () => AsyncIterable<Rec>, retry = false): Promise<string> {
    const id = `${kind}/${key}`;
    let p = this.memo.get(id);
    if (!p) {
      p = this.fetch(kind, key, items);
      this.memo.set(id, p);
      // Once saved, the file is the answer: a later caller finds it on disk (fetch), so memory holds only the
      // reads in flight and the failures kept (20,000 sessions' answers are 60,000 saved files).
      p.then(
        () => this.memo.delete(id),
        () => retry && this.memo.delete(id),
      );
    }
    return p;
  }

  private async fetch(kind: string, key: string, items: () => AsyncIterable<Rec>): Promise<string> {
    const dir = join(this.o.work, kind);
    await this.privateDir(dir);
    const path = join(dir, `${key.replace(/[^A-Za-z0-9_.-]/g, '_')}.ndjson`);
    if (await pathExists(path)) return path;
    // Not inside the concurrency limit: the people's units that wait for this hold its slots.
    if (this.o.signal.aborted) throw this.o.signal.reason;
    const f = await RecordFile.create(path, 'ndjson', { scratch: true });
    try {
      for await (const r of items()) await f.write(r);
      await f.commit();
    } catch (e) {
      await f.abort();
      throw e;
    }
    return path;
  }
}

