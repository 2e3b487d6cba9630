import { createHash } from 'node:crypto';
import { lstat, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { ensurePrivateDir, isTemporaryFile, pathExists, writeFileAtomic } from '../fs/atomic.js';
import { RecordFile, digestFile, readNdjsonLines } from '../fs/records.js';
import type { ZoomClient } from '../zoom/client.js';
import * as zoom from '../zoom/endpoints/access.js';
import { SIX_MONTH_MARGIN_DAYS, addCalendarMonths, addDays, isoDay, parseIsoDay, sixMonthsFrom } from '../dates.js';
import { describeError, isOutsideServedWindow, noDataMeaning, ZOOM_CODE, ZoomApiError } from '../zoom/errors.js';
import { monthWindows, monthWindowsCutAt, type DateWindow } from '../zoom/paginate.js';
import { breadthPlan, featureBlock as breadthBlock, type BreadthSettings, type BreadthUnit } from './breadth.js';
import { workplaceBlock } from '../zoom/endpoints/workplace.js';
import { workplacePlan } from './workplace.js';
import { contactCenterPlan } from './contact-center.js';
import { CC_DEFAULT_MONTHS } from './contact-center-categories.js';
import { eventsVisitorsPlan } from './events.js';
import { revenueQualityPlan } from './revenue-quality.js';
import { EVENTS_VISITORS_OPTIONAL } from './events-categories.js';
import { MEETING_ANSWER_CATEGORIES, MEETING_ANSWERS_OPTIONAL } from './meeting-answers-categories.js';
import { meetingAnswersOfOutsider, meetingAnswersPlan } from './meeting-answers.js';
import { CATEGORY } from './categories.js';
import { addTally, emptyTally, tallySentence, type ItemTally, type ItemUnit } from './items.js';
import { isRecord, readRecords } from './report/read.js';

/** An account feature, permission or product in the way (breadth.ts; workplace products, issue 27). */
const featureBlock = (e: unknown) => breadthBlock(e) ?? workplaceBlock(e);

/** How an export continues after a stop (named in rate-limit messages). */
const RESUME = 'zdsar requests resume';

type Rec = Record<string, unknown>;

/** unavailable: an account feature or permission stands in the way, or --skip left it out (see `reason`); never "no data". */
export type CategoryStatus = 'done' | 'no_data' | 'unavailable' | 'failed';

/**
 * What a category covers and why (manifest.json, report.html). `from`/`to`: the dates asked of Zoom
 * (inclusive); absent for what Zoom serves without dates (a profile, a meeting list, the trash).
 * `limit`: who cut the range short of the person's whole history: 'zoom' (Zoom serves no more: not a
 * failure) or 'asked' (--from/--to); absent when nothing was cut.
 */
export interface Coverage {
  from?: string;
  to?: string;
  why: string;
  limit?: 'zoom' | 'asked';
  /** Windows Zoom refused as outside what it serves (not a failure, not a silent gap). */
  refused?: string[];
  /** What Zoom answered to the first window it refused, quoted (e.g. 400 code 300 "…"). */
  refused_answer?: string;
  /** Meetings known from recordings or reports that no API list returns (meetings only). */
  not_reached?: string[];
  /** Categories of items (items.ts): each listed item's outcome counted, those not collected named; `of`: what the items are. */
  items?: ItemTally & { of?: string };
  /** --with-files: the outcome of each file the category's records list (files.ts), in the shape of `items`. */
  files?: ItemTally & { of?: string };
}

export interface CategoryResult {
  status: CategoryStatus;
  records?: number;
  file?: string;
  /** The finished file's sha256, recorded in the ledger: a resumed run checks the file against it. */
  sha256?: string;
  /** profile: the Zoom user id the request is collecting for (a changed one on resume is a failure). */
  userId?: string;
  note?: string;
  error?: string;
  coverage?: Coverage;
  /** For unavailable: what stands in the way; the note says what to change. */
  reason?: 'not_enabled' | 'not_permitted' | 'skipped' | 'user_level' | 'not_granted' | 'not_searchable';
}
/**
 * One identifier the person was given by, and what it was used for (manifest.json). Each is used only
 * where Zoom searches by it; a record found by a further identifier names it in `context.found_by`.
 */
export interface IdentifierUse {
  kind: 'email' | 'phone';
  value: string;
  /** The first address: the Zoom user is looked up by it alone (a former address may belong to someone else now). */
  primary?: true;
  /** The Zoom user this identifier found. */
  zoom_user_id?: string;
  /** Categories searched by this identifier. */
  searched: string[];
  /** Why it searched nothing, or less than one might expect. */
  note?: string;
}

export type SubjectStatus = 'completed' | 'not_found' | 'partial' | 'failed';

export interface SubjectResult {
  status: SubjectStatus;
  userId?: string;
  range?: DateWindow;
  categories: Record<string, CategoryResult>;
  /** Which of the person's identifiers searched what (only when more than the first address was given). */
  identifiers?: IdentifierUse[];
  /** --with-files: recording, call recording and voicemail files downloaded into files/. */
  downloads?: { files: number; bytes: number; skipped: number; failed: Array<{ file: string; error: string }>; paths?: string[]; items?: Record<string, ItemTally> };
  error?: string;
}

/** What the collector needs from the outside world; everything comes in through here. */
export interface CollectEnv {
  client: ZoomClient;
  limit: ReturnType<typeof pLimit>;
  signal: AbortSignal;
  /** yyyy-mm-dd: "today" as fixed when the request was accepted (a resumed run uses the same day). */
  today: string;
  range: { from?: string; to?: string };
  /** Record a step (ledger). */
  progress(category: string, result: CategoryResult | { status: 'in_progress' | 'part_done'; unit?: string; records?: number }): Promise<void>;
  /** Registrations found by `zdsar registrants` for this person, when asked for. */
  registrations?: () => AsyncIterable<Rec>;
  /** Categories already settled in an earlier run (no_data stays no_data). */
  settled: Record<string, CategoryResult>;
  /** The clock for "within the past six months" windows, recomputed on every run (default Date.now). */
  now?: () => number;
  /** The person's further identifiers (issue 28): addresses besides the first, phone numbers in E.164. */
  identifiers?: { otherEmails: string[]; phones: string[] };
  /** Team Chat, SMS texts, attendance, summaries, sign-ins, voicemail transcripts (breadth.ts); absent: not collected. */
  breadth?: Omit<BreadthSettings, 'client'>;
}

/** Days kept inside Zoom's six months, for Zoom's clock (dates.ts, the one home of that arithmetic). */
export { SIX_MONTH_MARGIN_DAYS };

interface ListUnit {
  key: string;
  items: () => AsyncIterable<Rec>;
  /** A window starting before Zoom's past six months, of a list whose spec states no such limit (isOutsideServedWindow). */
  beyondSixMonths?: boolean;
}

/**
 * Collect everything Zoom holds about one person into `dir` (their folder), with
 * scratch parts in `work`. Every list is walked in units (a list type, or a date window);
 * a committed unit is never fetched again, so a killed run resumes where it stopped.
 */
export async function collectSubject(env: CollectEnv, email: string, dir: string, work: string): Promise<SubjectResult> {
  await ensurePrivateDir(dir);
  await ensurePrivateDir(work);
  await sweepTemporary(dir);
  await sweepTemporary(work);
  const person = new PersonCollection(env, dir, work);

  const user = await person.lookup(email);
  if (user === 'not_found') {
    // No Zoom user, but registrations to other people's meetings may still hold their data.
    if (env.registrations) await person.registrations();
    // A phone number finds what a customer did with the contact center, Zoom user or not (issue 28).
    const phones = env.identifiers?.phones ?? [];
    if (env.breadth && phones.length) {
      const to = env.range.to ?? env.today;
      const from = env.range.from ?? isoDay(addCalendarMonths(parseIsoDay(to), -CC_DEFAULT_MONTHS));
      const why = env.range.from ? 'the range asked for (--from)' : `the last ${CC_DEFAULT_MONTHS} months (a person without a Zoom user has no history start; --from asks for more)`;
      await settleAll(contactCenterPlan(person, { client: env.client, skip: env.breadth.skip }, { phones, range: { from, to }, why }));
    }
    // Addresses find Zoom Events tickets and visitor invitations, Zoom user or not (issue 28).
    if (env.breadth) await settleAll([...eventsVisitorsPlan(person, { client: env.client, skip: env.breadth.skip, accountWide: env.breadth.accountWide }, { emails: [email, ...(env.identifiers?.otherEmails ?? [])] }), ...revenueQualityPlan(person, { client: env.client, skip: env.breadth.skip }, {})]);
    // What they said in the account's meetings and webinars: a scan of the account's sessions, shared by every such person (issue 28).
    if (env.breadth) await meetingAnswersOfOutsider(person, { client: env.client, skip: env.breadth.skip, from: env.breadth.participantsFrom, accountWide: env.breadth.accountWide }, { emails: [email, ...(env.identifiers?.otherEmails ?? [])] });
    return withIdentifiers(env, email, await person.finish('not_found'));
  }
  if (typeof user === 'string') return { status: 'failed', categories: {}, error: user };

  const userId = String(user.id ?? email);
  const { range, why } = personRange(env, user);
  // "Within the past six months" is computed afresh on every run (a resumed request too), with a margin.
  const sixMonths = withinSixMonths(range, env.now?.() ?? Date.now());
  const c = env.client;
  const byUuid = (m: Rec) => idString(m.uuid ?? m.id);
  const whole: Coverage = { ...range, why, ...(env.range.from || env.range.to ? { limit: 'asked' as const } : {}) };
  const recent = sixMonthCoverage(range, sixMonths, whole);

  const more = env.breadth
    ? breadthPlan(person, { ...env.breadth, client: c }, { userId, email: String(user.email ?? email), displayName: String(user.display_name ?? `${String(user.first_name ?? '')} ${String(user.last_name ?? '')}`), range, now: env.now?.() ?? Date.now() })
    : undefined;

  await settleAll([
    // Zoom's answer without `option`, and beside it the groups it gives only when asked for each by name.
    person.object('settings', async () => {
      const out: Rec = { settings: await zoom.getUserSettings(c, userId) };
      for (const option of zoom.SETTINGS_OPTIONS) out[option] = await zoom.getUserSettings(c, userId, option);
      return out;
    }),
    person.list('meetings', zoom.MEETING_TYPES.map((type) => ({ key: type, items: () => zoom.listMeetings(c, userId, type) })), byUuid, { why: MEETING_LISTS_WHY, limit: 'zoom' }),
    person.list('webinars', [{ key: 'all', items: () => zoom.listWebinars(c, userId) }], byUuid, { why: "the webinars Zoom's webinar list still returns" }),
    person.list('recordings', windowUnits(range, (w) => zoom.listRecordings(c, userId, w)), byUuid, whole),
    // "The trash files cannot be filtered by date range": no from/to; both kinds of trash.
    person.list('recordings_trash', zoom.TRASH_TYPES.map((t) => ({ key: t, items: () => zoom.listRecordingsTrash(c, userId, t) })), () => undefined, { why: 'everything in the trash (Zoom keeps deleted recordings there for 30 days; the trash cannot be filtered by date): whole meetings and single files', limit: 'zoom' }),
    person.list('meetings_attended', windowUnits(sixMonths, (w) => zoom.listMeetingsAttended(c, userId, w)), byUuid, recent).then(async () => {
      const answers = env.breadth && meetingAnswersPlan(person, { client: c, skip: env.breadth.skip, from: env.breadth.participantsFrom, accountWide: env.breadth.accountWide }, { userId, email: String(user.email ?? email), emails: [email, String(user.email ?? email), ...(env.identifiers?.otherEmails ?? [])] });
      await Promise.all([more?.afterMeetingsAttended(), answers]);
    }),
    ...(env.registrations ? [person.registrations()] : []),
    person.phone(userId, String(user.email ?? email), range, sixMonths, whole, recent, { voicemails: more?.afterVoicemails, sms: more?.afterSms }),
    ...(more?.independent() ?? []),
    ...(env.breadth ? workplacePlan(person, { client: c, skip: env.breadth.skip, accountWide: env.breadth.accountWide }, { userId, email: String(user.email ?? email), range }) : []),
    ...(env.breadth ? contactCenterPlan(person, { client: c, skip: env.breadth.skip }, { userId, phones: env.identifiers?.phones ?? [], range }) : []),
    ...(env.breadth ? eventsVisitorsPlan(person, { client: c, skip: env.breadth.skip, accountWide: env.breadth.accountWide }, { emails: [email, ...(env.identifiers?.otherEmails ?? [])], userEmail: String(user.email ?? email) }) : []),
    ...(env.breadth ? revenueQualityPlan(person, { client: c, skip: env.breadth.skip }, { userId, range }) : []),
  ]);
  await person.notReached();
  const result = await person.finish('completed', range);
  return withIdentifiers(env, email, { ...result, userId, range });
}

/** The person's identifiers and what each searched (issue 28), when more than the first address was given. */
function withIdentifiers(env: CollectEnv, email: string, r: SubjectResult): SubjectResult {
  const ids = env.identifiers;
  if (!ids || (ids.otherEmails.length === 0 && ids.phones.length === 0)) return r;
  // Categories searched by address (registrations with --include-registrations; Zoom Events, visitor invitations and the entries in meetings' Q&A, polls and surveys unless skipped).
  const byAddress = [...(env.registrations ? ['registrations'] : []), ...[...Object.values(EVENTS_VISITORS_OPTIONAL).flat(), ...MEETING_ANSWERS_OPTIONAL.meeting_answers!].filter((c) => r.categories[c] && r.categories[c]!.reason !== 'skipped')];
  const user = r.userId ? Object.keys(r.categories) : ['profile', ...byAddress];
  const identifiers: IdentifierUse[] = [
    { kind: 'email', value: email, primary: true, ...(r.userId ? { zoom_user_id: r.userId } : {}), searched: user },
    ...ids.otherEmails.map((value): IdentifierUse => ({
      kind: 'email',
      value,
      searched: byAddress,
      note: byAddress.length
        ? 'searched where Zoom finds records by address; the Zoom user is looked up by the first address alone (a former address may belong to someone else now)'
        : 'searched nothing: registrations are found by address only with --include-registrations, and Zoom Events, visitor invitations and meeting answers were left out (--skip); the Zoom user is looked up by the first address alone',
    })),
    ...ids.phones.map((value): IdentifierUse => {
      const byNumber = ['cc_customer_engagements', 'cc_voice_calls', 'cc_sms'].filter((c) => r.categories[c] && r.categories[c]!.reason !== 'skipped');
      return byNumber.length
        ? { kind: 'phone', value, searched: byNumber, note: 'searched where Zoom finds records by number (Contact Center, as consumer_number); a record so found names it (found_by)' }
        : { kind: 'phone', value, searched: [], note: 'searched nothing: Contact Center was left out (--skip contact_center) or not collected' };
    }),
  ];
  return { ...r, identifiers };
}

/** What the registrant search can and cannot see (registrants/find.ts VISIBILITY, in one sentence). */
const REGISTRATIONS_COVERAGE: Coverage = {
  why: "registrations to the meetings Zoom's lists return (unexpired scheduled meetings and six months of previous meetings), to webinars, and to older sessions earlier scans saw; registrations to older meetings no scan saw cannot be listed by Zoom's API (Zoom's own export, --zoom-export, may hold them)",
  limit: 'zoom',
};

const MEETING_LISTS_WHY =
  "Zoom's meeting lists return only unexpired scheduled meetings, never instant meetings, and at most six months of past meetings; older or instant meetings come only from Zoom's own export (zdsar export --zoom-export)";

/** One person's categories as they settle: done, no data, or failed (never thrown, unless interrupted). */
class PersonCollection {
  readonly categories: Record<string, CategoryResult> = {};

  constructor(
    private readonly env: CollectEnv,
    readonly dir: string,
    readonly work: string,
  ) {}

  /**
   * The Zoom user, 'not_found', or why the lookup failed. Always looked up by address again (a resumed
   * run never trusts profile.json on disk): a user id other than the one the request started with is a
   * failure, not a silent switch to another person, and a profile.json that changed since it was
   * written is not certified.
   */
  async lookup(email: string): Promise<Rec | 'not_found' | string> {
    const file = CATEGORY.get('profile')!.file;
    const prior = this.env.settled.profile;
    let user: Rec;
    try {
      user = await zoom.getUser(this.env.client, email);
    } catch (e) {
      if (e instanceof ZoomApiError && e.status === 404 && (e.code === ZOOM_CODE.userNotFound || e.code === undefined)) {
        if (prior?.userId) return `this address no longer finds Zoom user ${prior.userId}, whose data the request started collecting: nothing more is collected for this person; start a new request`;
        return 'not_found';
      }
      if (isAbort(e, this.env.signal)) throw e;
      return describeError(e, RESUME);
    }
    const userId = String(user.id ?? email);
    if (prior?.userId && prior.userId !== userId) {
      return `this address now finds Zoom user ${userId}, not ${prior.userId} whose data the request started collecting: nothing more is collected for this person; start a new request`;
    }
    const path = join(this.dir, file);
    let sha256: string | undefined;
    if (prior?.status === 'done' && prior.sha256 && (await pathExists(path))) {
      const problem = await finishedFileProblem(path, prior.sha256);
      if (problem) return `${file} ${problem}`;
      sha256 = prior.sha256;
    } else {
      const text = JSON.stringify(user, null, 2) + '\n';
      await writeFileAtomic(path, text);
      sha256 = sha256Of(text);
    }
    this.categories.profile = { status: 'done', records: 1, file, sha256, userId };
    await this.env.progress('profile', this.categories.profile);
    return user;
  }

  /** Run a category unless an earlier run settled it; record what happened. */
  async settle(name: string, run: () => Promise<CategoryResult>): Promise<void> {
    const prior = this.env.settled[name];
    const path = join(this.dir, CATEGORY.get(name)!.file);
    let problem: string | undefined;
    if (prior?.status === 'done' && prior.sha256 && (await pathExists(path))) problem = await finishedFileProblem(path, prior.sha256);
    if (!problem && prior && (prior.status === 'no_data' || (prior.status === 'done' && (await pathExists(path))))) {
      this.categories[name] = prior;
      return;
    }
    let result: CategoryResult;
    try {
      // A finished file that changed since is not certified (nor silently replaced): it fails, and says how to redo it.
      if (problem) throw new Error(`${CATEGORY.get(name)!.file} ${problem}`);
      result = await run();
    } catch (e) {
      if (isAbort(e, this.env.signal)) throw e;
      const why = noDataReason(e);
      const block = featureBlock(e);
      result = why ? { status: 'no_data', note: why } : block ? { status: 'unavailable', ...block } : { status: 'failed', error: describeError(e, RESUME) };
    }
    this.categories[name] = result;
    await this.env.progress(name, result);
  }

  /** A single object (settings, a profile), written atomically. */
  object(name: string, fetch: () => Promise<Rec>): Promise<void> {
    return this.settle(name, async () => {
      const file = CATEGORY.get(name)!.file;
      const data = await poolFor(this.env, name)(fetch);
      const text = JSON.stringify(data, null, 2) + '\n';
      await writeFileAtomic(join(this.dir, file), text);
      return { status: 'done', records: 1, file, sha256: sha256Of(text) };
    });
  }

  list(name: string, units: ListUnit[], idOf: (r: Rec) => string | undefined, coverage?: Coverage): Promise<void> {
    return this.settle(name, () => collectList(this.env, name, units, idOf, this.dir, this.work, coverage));
  }

  /**
   * Meetings the person hosted that recordings or reports show but no meeting list returns (expired or
   * instant meetings): named on the meetings category, with where to get them (Zoom's own export).
   */
  async notReached(): Promise<void> {
    const meetings = this.categories.meetings;
    if (meetings?.status !== 'done' || !meetings.file) return;
    const listed = new Set<string>();
    for await (const m of readRecords(join(this.dir, meetings.file))) listed.add(String(m.id));
    const missing = new Set<string>();
    for (const name of ['recordings', 'meetings_attended']) {
      const r = this.categories[name];
      if (r?.status !== 'done' || !r.file) continue;
      for await (const m of readRecords(join(this.dir, r.file))) {
        if (m.id !== undefined && m.id !== null && !listed.has(String(m.id))) missing.add(String(m.id));
      }
    }
    if (missing.size === 0) return;
    const ids = [...missing].sort();
    meetings.coverage = { ...(meetings.coverage ?? { why: MEETING_LISTS_WHY }), not_reached: ids };
    meetings.note = `${coverageNote(meetings.coverage)} ${ids.length} meeting${ids.length === 1 ? '' : 's'} seen in recordings or reports ${ids.length === 1 ? 'is' : 'are'} not in Zoom's meeting lists (expired or instant); their details come only from Zoom's own export: run zdsar export --zoom-export`;
    await this.env.progress('meetings', meetings);
  }

  /** Walk units into the category's file without de-duplication (breadth.ts: its units never overlap). */
  collect(name: string, units: Array<BreadthUnit | ItemUnit> | AsyncIterable<ItemUnit>, coverage?: Coverage, noun?: string): Promise<CategoryResult> {
    // Their own pools: batches waiting on the Heavy or Light gate must not hold the slots the Medium lists need.
    const env = this.env.breadth ? { ...this.env, limit: breadthPool(this.env.breadth.limit, name) } : this.env;
    return collectList(env, name, units, () => undefined, this.dir, this.work, coverage, noun);
  }

  registrations(): Promise<void> {
    return this.list('registrations', [{ key: 'account-scan', items: this.env.registrations! }], (r) => idString((r.context as Rec | undefined)?.registration_key), REGISTRATIONS_COVERAGE);
  }

  /** Zoom Phone: the profile first; a user or account without Phone has "no phone data", not a failure. */
  async phone(userId: string, email: string, range: DateWindow, sixMonths: DateWindow | undefined, whole: Coverage, recent: Coverage, after: { voicemails?: () => Promise<void>; sms?: (sessions?: (w: DateWindow) => AsyncIterable<Rec>) => Promise<void> } = {}): Promise<void> {
    const c = this.env.client;
    let accountWithoutPhone = false;
    let noPhone = this.env.settled.phone_profile?.status === 'no_data' ? (this.env.settled.phone_profile.note ?? 'no Zoom Phone') : undefined;
    await this.settle('phone_profile', async () => {
      try {
        const profile = await poolFor(this.env, 'phone_profile')(() => zoom.getPhoneUser(c, userId));
        const file = CATEGORY.get('phone_profile')!.file;
        const text = JSON.stringify(profile, null, 2) + '\n';
        await writeFileAtomic(join(this.dir, file), text);
        return { status: 'done', records: 1, file, sha256: sha256Of(text) };
      } catch (e) {
        noPhone = noPhoneReason(e);
        if (!noPhone) throw e;
        accountWithoutPhone = e instanceof ZoomApiError && e.status === 403;
        return { status: 'no_data', note: noPhone };
      }
    });
    if (noPhone) {
      // A person whose Phone licence was removed (the usual leaver) still has calls in the account's call
      // history: searched by their own email address, kept only where they are the caller or the callee by
      // it (an account without Zoom Phone answers 403 code 2031 here too: no data).
      const own = email.trim().toLowerCase();
      const mine = (r: Rec) => [r.caller_email, r.callee_email].some((v) => typeof v === 'string' && v.trim().toLowerCase() === own);
      const leaver: Coverage = { ...recent, why: `${noPhone}: found in the account's call history (searched by your email address, kept where you are the caller or the callee by that address); ${recent.why}` };
      await this.settle('phone_call_history', async () => {
        if (accountWithoutPhone) return { status: 'no_data', note: noPhone };
        const r = await collectList(this.env, 'phone_call_history', windowUnits(sixMonths, (w) => filtered(zoom.listAccountCallHistory(c, email, w), mine)), (x) => idString(x.id), this.dir, this.work, leaver);
        if (r.status !== 'done' || r.records !== 0) return r;
        // "No data" lists no file: the empty one just written goes, or it would lie unlisted in the package.
        await rm(join(this.dir, CATEGORY.get('phone_call_history')!.file), { force: true });
        return { status: 'no_data', note: `${noPhone}; the account's call history holds no call of yours either` };
      });
      for (const name of ['phone_settings', 'phone_call_elements']) {
        await this.settle(name, async () => ({ status: 'no_data', note: noPhone }));
      }
      // Their call recordings, voicemails and SMS conversations are in the account's lists, each row with its
      // owner: found by their own Zoom user id (owner.id, owner.type user), never by a number (a company number is shared).
      const owner = (o: unknown) => isRecord(o) && o.type === 'user' && idString(o.id) === userId;
      const ownsRow = (r: Rec) => owner(r.owner);
      const inSession = (r: Rec) => Array.isArray(r.participants) && r.participants.some((x) => isRecord(x) && owner(x.owner));
      const byOwner = (what: string, cov: Coverage): Coverage => ({ ...cov, why: `${noPhone}: found in the account's ${what} by your Zoom user id (${userId}), kept only where you are the owner (owner.id); never by a phone number, which others may share; ${cov.why}` });
      // A row that names no owner at all cannot be told to be theirs or not: counted and said, never guessed.
      const unowned = (r: Rec) => (Array.isArray(r.participants) ? !r.participants.some((x) => isRecord(x) && isRecord(x.owner) && idString(x.owner.id)) : !(isRecord(r.owner) && idString(r.owner.id)));
      const leaverList = (name: string, what: string, units: (items: (w: DateWindow) => AsyncIterable<Rec>) => ListUnit[], cov: Coverage, rows: (w: DateWindow) => AsyncIterable<Rec>, keep: (r: Rec) => boolean, idOf: (r: Rec) => string | undefined) =>
        this.settle(name, async () => {
          if (accountWithoutPhone) return { status: 'no_data', note: noPhone };
          let unknown = 0;
          const counted = (r: Rec) => (unowned(r) && unknown++, keep(r));
          let r = await collectList(this.env, name, units((w) => filtered(rows(w), counted)), idOf, this.dir, this.work, byOwner(what, cov));
          if (r.status === 'done' && unknown > 0) {
            const c2: Coverage = { ...(r.coverage ?? cov), why: `${(r.coverage ?? cov).why}; ${unknown} ${unknown === 1 ? 'row' : 'rows'} of the account's ${what} read in this run name${unknown === 1 ? 's' : ''} no owner, so nothing in Zoom's answer says whose ${unknown === 1 ? 'it is' : 'they are'}: not included, and whether any is yours cannot be told` };
            r = { ...r, coverage: c2, note: coverageNote(c2) };
          }
          if (r.status !== 'done' || r.records !== 0 || unknown > 0 || r.coverage?.refused) return r;
          await rm(join(this.dir, CATEGORY.get(name)!.file), { force: true });
          return { status: 'no_data', note: `${noPhone}; the account's ${what} hold${what.endsWith('s') ? '' : 's'} none whose owner is your Zoom user id either` };
        });
      // The account's lists are read once per run for every such person (AccountWide), not once per person.
      const aw = this.env.breadth?.accountWide;
      const shared =
        (kind: string, list: (w: DateWindow) => AsyncIterable<Rec>) =>
        (w: DateWindow): AsyncIterable<Rec> =>
          aw ? aw.shared(kind, w, () => list(w)) : list(w);
      const accountSms = shared('phone_sms_sessions', (w) => zoom.listAccountSmsSessions(c, w));
      await settleAll([
        leaverList('phone_voicemails', 'voicemails', (items) => windowUnits(sixMonths, items), recent, shared('phone_voice_mails', (w) => zoom.listAccountVoicemails(c, w)), ownsRow, (r) => idString(r.id)).then(after.voicemails),
        leaverList('phone_sms', 'SMS conversations', (items) => windowUnits(range, items), whole, accountSms, inSession, (r) => idString(r.session_id)).then(() => after.sms?.((w) => filtered(accountSms(w), inSession))),
        // The account's recordings: the spec states one month per call and no six-month limit (the user's list
        // states one), so the whole history; should Zoom refuse the older months after all, the coverage says so.
        leaverList('phone_recordings', 'call recordings', (items) => windowUnitsCutAtSixMonths(range, sixMonths, items), whole, shared('phone_recordings', (w) => zoom.listAccountPhoneRecordings(c, w)), ownsRow, (r) => idString(r.id)),
      ]);
      return;
    }
    const byId = (r: Rec) => idString(r.id);
    // The lists other categories read (voicemail transcripts, SMS texts) go first, so those start early.
    await settleAll([
      this.list('phone_voicemails', windowUnits(sixMonths, (w) => zoom.listVoicemails(c, userId, w)), byId, recent).then(after.voicemails),
      // Zoom's spec sets one-month windows for SMS but no six-month limit: the whole history.
      this.list('phone_sms', windowUnits(range, (w) => zoom.listSmsSessions(c, userId, w)), (r) => idString(r.session_id), whole).then(() => after.sms?.()),
      this.object('phone_settings', () => zoom.getPhoneSettings(c, userId)),
      this.list('phone_call_history', windowUnits(sixMonths, (w) => zoom.listCallHistory(c, userId, w)), byId, recent),
      this.list('phone_call_elements', windowUnits(sixMonths, (w) => zoom.listCallElements(c, userId, w)), (r) => idString(r.call_element_id), recent),
      this.list('phone_recordings', windowUnits(sixMonths, (w) => zoom.listPhoneRecordings(c, userId, w)), byId, recent),
    ]);
  }

  /** The person's status; scratch parts go once nothing is left to resume. */
  async finish(ok: 'completed' | 'not_found', range?: DateWindow): Promise<SubjectResult> {
    // A range cut short of the person's history for a reason Zoom does not impose is a failure, not a completed answer.
    for (const [name, r] of Object.entries(this.categories)) {
      const cov = r.coverage;
      if (range && r.status === 'done' && cov?.from && cov.from > range.from && !cov.limit) {
        this.categories[name] = { ...r, status: 'failed', error: `covered only ${cov.from} to ${cov.to ?? range.to}, not from ${range.from}, and Zoom imposes no such limit` };
      }
    }
    // "Not permitted" is something the account can fix (a role, a setting): the answer is not complete until it does.
    const failed = Object.values(this.categories).some((x) => x.status === 'failed' || (x.status === 'unavailable' && x.reason === 'not_permitted'));
    if (!failed) await rm(this.work, { recursive: true, force: true });
    return { status: failed ? 'partial' : ok, categories: this.categories };
  }
}

/**
 * Zoom Phone is paced on its own table (zoom/limiter.ts): its requests wait in their own pool of the
 * same size, so they go out beside the main API's instead of queueing behind them. The meetings a
 * person joined start the longest chain (each one's attendance, Q&A, polls, surveys): their windows
 * have their own pool too, so they are not held behind the recordings windows queued at Medium while
 * the Heavy table, which their chain feeds, stands idle (measured: 2 to 5 of them a second for the
 * first 25 seconds of the attendance-heavy bench, against 40 a second once they were out).
 */
const LEAD_LISTS = new Set(['meetings_attended']);
const ownPools = new WeakMap<CollectEnv['limit'], Map<string, CollectEnv['limit']>>();
function poolFor(env: CollectEnv, category: string): CollectEnv['limit'] {
  const own = category.startsWith('phone_') ? 'phone' : LEAD_LISTS.has(category) ? 'leads' : undefined;
  return own ? poolOf(env.limit, own) : env.limit;
}

/** The pool of one family, of the same size as `base`, made once per run. */
function poolOf(base: CollectEnv['limit'], family: string): CollectEnv['limit'] {
  let pools = ownPools.get(base);
  if (!pools) ownPools.set(base, (pools = new Map()));
  let pool = pools.get(family);
  if (!pool) pools.set(family, (pool = pLimit(base.concurrency)));
  return pool;
}

/**
 * The reads whose answers start a person's chains: their lookup (everything waits on it), their Phone
 * profile (every Phone list), the meetings they joined (each one's attendance), their voicemails and chat
 * conversations (transcripts, messages). The client sends them ahead of the leaf reads queued at their gate.
 */
export const CHAIN_LEADS: ReadonlySet<string> = new Set(['GET /users/{userId}', 'GET /phone/users/{userId}', 'GET /report/users/{userId}/meetings', 'GET /phone/users/{userId}/voice_mails', 'GET /chat/users/{userId}/sessions']);

/**
 * The pools of the categories collect() walks, by the gates their requests wait on: the Workplace products
 * (mostly Light, one unit per window or item: thousands of them), Contact Center (its own table), the rest,
 * and each category of a person's sessions on its own (attendance and Q&A, polls: the Heavy report or the
 * Medium past list, whichever gate has room first; surveys: Heavy only; transcripts: Medium; archived files: Light).
 * A unit holds its slot while it waits at its gate. Sharing one pool, the units queued first keep the rest
 * waiting while their tables stand idle: the session categories shared one, and for the heavy person
 * (2,000 sessions, 175-200 units a category) transcripts and archived files filled it for the first 45
 * seconds while the Heavy table stood idle, then Heavy ran alone for 40 seconds while Medium did.
 */
function breadthPool(base: CollectEnv['limit'], category: string): CollectEnv['limit'] {
  const group = category === 'attendance' || MEETING_ANSWER_CATEGORIES.some((c) => c.name === category) ? `sessions:${category}` : category.startsWith('cc_') ? 'contact_center' : CATEGORY.get(category)?.group === 'workplace' ? 'workplace' : undefined;
  return group ? poolOf(base, group) : base;
}

/** The items of a list that pass `keep`. */
async function* filtered(items: AsyncIterable<Rec>, keep: (r: Rec) => boolean): AsyncGenerator<Rec> {
  for await (const r of items) if (keep(r)) yield r;
}

/** Wait for every task; if one was interrupted, rethrow that after all have stopped. */
async function settleAll(tasks: Array<Promise<void>>): Promise<void> {
  const settled = await Promise.allSettled(tasks);
  const thrown = settled.find((x): x is PromiseRejectedResult => x.status === 'rejected');
  if (thrown) throw thrown.reason;
}

/** One unit per month window of a range (none for an empty range). */
function windowUnits(range: DateWindow | undefined, items: (w: DateWindow) => AsyncIterable<Rec>): ListUnit[] {
  return (range ? monthWindows(range.from, range.to) : []).map((w) => ({ key: `${w.from}_${w.to}`, items: () => items(w) }));
}

/**
 * The whole range's month windows for a list whose spec states no six-month limit, cut where Zoom's past
 * six months begin (`six`, withinSixMonths): the recent windows are those of the six months, and the older
 * ones are marked `beyondSixMonths` (a 400 code 300 there is Zoom keeping the limit: refused, not failed).
 */
function windowUnitsCutAtSixMonths(range: DateWindow, six: DateWindow | undefined, items: (w: DateWindow) => AsyncIterable<Rec>): ListUnit[] {
  return monthWindowsCutAt(range.from, range.to, six?.from).map(({ beyond, ...w }) => ({ key: `${w.from}_${w.to}`, items: () => items(w), ...(beyond ? { beyondSixMonths: true } : {}) }));
}

/**
 * Lists whose units never hold the same record: date windows of a list filtered by the record's own
 * date (a recording, call, voicemail or meeting instance has one start date, in exactly one window).
 * Their parts are merged without an id set. Every other list with several units (the meeting list
 * types; SMS sessions, which span months) is deduplicated by id.
 */
const DISJOINT_UNITS = new Set(['recordings', 'meetings_attended', 'phone_call_history', 'phone_recordings', 'phone_voicemails']);

/**
 * Walk every unit of a list into its own part (skipping parts committed earlier; exported for the property tests), then
 * merge the parts, in order and each record once, into the category's file.
 */
export async function collectList(env: CollectEnv, name: string, units: Array<ListUnit | ItemUnit> | AsyncIterable<ItemUnit>, idOf: (r: Rec) => string | undefined, dir: string, work: string, coverage?: Coverage, noun?: string): Promise<CategoryResult> {
  const partsDir = join(work, name);
  await ensurePrivateDir(partsDir);
  const partPath = (u: { key: string }) => join(partsDir, `${safeName(u.key)}.ndjson`);
  // An item unit's outcomes (items.ts) beside its part: read back by a resumed run, so the counts stay whole.
  const tallyPath = (u: { key: string }) => join(partsDir, `${safeName(u.key)}.items.json`);
  const refused: string[] = [];
  let refusedAnswer: string | undefined;
  const empty: string[] = [];
  // The units' keys in order (a stream's units are not kept once run), and their items' outcomes.
  const keys: string[] = [];
  let tally: ItemTally | undefined;
  const pool = poolFor(env, name);
  const walk = (u: ListUnit | ItemUnit) => {
    keys.push(u.key);
    if ('run' in u) tally ??= emptyTally();
    return pool(async () => {
      const path = partPath(u);
      if ('run' in u) {
        addInto(tally!, await runItemUnit(env, name, u, path, tallyPath(u)));
        return;
      }
      if (await pathExists(path)) return;
      if (env.signal.aborted) throw env.signal.reason;
      const part = await RecordFile.create(path, 'ndjson', { scratch: true });
      try {
        for await (const item of u.items()) await part.write(item);
        const d = await part.commit();
        await env.progress(name, { status: 'part_done', unit: u.key, records: d.records });
      } catch (e) {
        // A unit Zoom answers with a documented "no data" (e.g. 404 code 3301 for a month without
        // recordings) is an empty unit, not a failure.
        await part.abort();
        // (No part is kept for it: a resumed run asks again, so the category's outcome is the same.)
        const why = noDataReason(e);
        if (why) {
          empty.push(why);
          return;
        }
        // A window Zoom refuses as outside what it serves is recorded as such, neither a failure nor a silent gap.
        if (isOutsideServedWindow(e, 'beyondSixMonths' in u && u.beyondSixMonths) && u.key.includes('_')) {
          refused.push(u.key.replace('_', ' to '));
          refusedAnswer ??= quoteAnswer(e as ZoomApiError);
          return;
        }
        throw e;
      }
    });
  };
  const errors = Symbol.asyncIterator in units ? await settleStream(units, pool.concurrency * 2, walk, env.signal) : rejections(await Promise.allSettled(units.map(walk)));
  const abort = errors.find((e) => isAbort(e, env.signal));
  if (abort) throw abort;
  const items = tally ? { items: { ...tally, ...(noun ? { of: noun } : {}) } } : {};
  if (errors.length > 0) {
    const why = noDataReason(errors[0]);
    if (why && errors.length === keys.length) return { status: 'no_data', note: why };
    const block = featureBlock(errors[0]);
    if (block && errors.length === keys.length) return { status: 'unavailable', ...block };
    const done = keys.length - errors.length;
    return { status: 'failed', error: `${describeError(errors[0], RESUME)}${keys.length > 1 ? ` (${done} of ${keys.length} parts saved; resume fetches only the rest)` : ''}`, ...(tally ? { coverage: { ...(coverage ?? { why: '' }), ...items } } : {}) };
  }
  // One item that failed fails the category (the person is partial); its neighbours keep their outcomes.
  if (tally && tally.failed > 0) {
    const t = tally;
    const first = t.named.find((x) => x.outcome === 'failed')!;
    return { status: 'failed', error: `${t.failed} of ${t.collected + t.no_data + t.gone + t.failed} ${noun ?? 'items'} could not be collected (${first.item}: ${first.reason}); resuming asks again for those only`, coverage: { ...(coverage ?? { why: '' }), ...items } };
  }
  if (empty.length > 0 && empty.length === keys.length) return { status: 'no_data', note: empty[0], ...(coverage ? { coverage } : {}) };
  const file = CATEGORY.get(name)!.file;
  const out = await RecordFile.create(join(dir, file), 'json-array');
  // Parts are copied line by line, not parsed again; only units that can overlap are deduplicated by id.
  const seen = keys.length > 1 && !DISJOINT_UNITS.has(name) ? new Set<string>() : undefined;
  let cov: Coverage | undefined = coverage && refused.length > 0 ? refusedCoverage(coverage, refused.sort(), refusedAnswer!) : coverage;
  if (tally) cov = { ...(cov ?? { why: '' }), ...items };
  try {
    for (const key of keys) {
      const path = partPath({ key });
      if (!(await pathExists(path))) continue; // a window Zoom refused, or answered "no data"
      for await (const line of readNdjsonLines(path)) {
        const id = seen ? idOf(JSON.parse(line) as Rec) : undefined;
        if (id !== undefined) {
          if (seen!.has(id)) continue;
          seen!.add(id);
        }
        await out.writeJson(line);
      }
    }
    const d = await out.commit();
    return { status: 'done', records: d.records, file, sha256: d.sha256, ...(cov ? { note: coverageNote(cov, noun), coverage: cov } : {}) };
  } catch (e) {
    await out.abort();
    throw e;
  }
}

/**
 * Run each unit of a stream as it is taken, at most `window` of them waiting in the pool at once: a
 * person's 2,000 batches of sessions are neither queued nor held all at once. Returns the errors of the
 * units that failed; an error of the stream itself is thrown once the units taken have settled.
 */
async function settleStream<U>(units: AsyncIterable<U>, window: number, run: (u: U) => Promise<void>, signal: AbortSignal): Promise<unknown[]> {
  const errors: unknown[] = [];
  const running = new Set<Promise<void>>();
  let broken: { error: unknown } | undefined;
  try {
    for await (const u of units) {
      // After a stop, the units not yet taken are left in the stream (the ones running end on the signal).
      signal.throwIfAborted();
      const p: Promise<void> = run(u)
        .catch((e: unknown) => void errors.push(e))
        .finally(() => running.delete(p));
      running.add(p);
      if (running.size >= window) await Promise.race(running);
    }
  } catch (e) {
    broken = { error: e };
  }
  await Promise.all(running);
  if (broken) throw broken.error;
  return errors;
}

function rejections(settled: Array<PromiseSettledResult<unknown>>): unknown[] {
  return settled.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason as unknown);
}

/** Add a unit's outcomes to the category's (in place: thousands of units, each adding a few named items). */
function addInto(t: ItemTally, u: ItemTally): void {
  t.collected += u.collected;
  t.no_data += u.no_data;
  t.gone += u.gone;
  t.failed += u.failed;
  t.named.push(...u.named);
}

/**
 * Run one unit of items (items.ts) into its part: every item ends in its own outcome. The part and
 * the tally are saved even when some item failed; a resumed run asks again only for the failed ones
 * and adds what they give to the part. Returns the unit's tally (read back if nothing was left to do).
 */
async function runItemUnit(env: CollectEnv, name: string, u: ItemUnit, path: string, tallyFile: string): Promise<ItemTally> {
  let prior: ItemTally | undefined;
  let priorLines: string[] = [];
  if ((await pathExists(path)) && (await pathExists(tallyFile))) {
    const saved = JSON.parse(await readFile(tallyFile, 'utf8')) as ItemTally & { part_records: number };
    for await (const line of readNdjsonLines(path)) priorLines.push(line);
    // The tally is written just before the part: a run killed between the two leaves them unmatched; then the batch is asked again whole.
    if (saved.part_records === priorLines.length) prior = saved;
    else priorLines = [];
  }
  if (prior && prior.failed === 0) return stripped(prior);
  if (env.signal.aborted) throw env.signal.reason;
  const retry = prior ? new Set(prior.named.filter((x) => x.outcome === 'failed').map((x) => x.key)) : undefined;
  const { records, tally } = await u.run(retry);
  const kept = prior ? { ...stripped(prior), failed: 0, named: prior.named.filter((x) => x.outcome !== 'failed') } : emptyTally();
  const whole = addTally(kept, tally);
  const part = await RecordFile.create(path, 'ndjson', { scratch: true });
  try {
    for (const line of priorLines) await part.writeJson(line);
    for (const r of records) await part.write(r);
    await writeFileAtomic(tallyFile, JSON.stringify({ ...whole, part_records: priorLines.length + records.length }) + '\n');
    const d = await part.commit();
    if (whole.failed === 0) await env.progress(name, { status: 'part_done', unit: u.key, records: d.records });
  } catch (e) {
    await part.abort();
    throw e;
  }
  return whole;
}

function stripped(t: ItemTally): ItemTally {
  return { collected: t.collected, no_data: t.no_data, gone: t.gone, failed: t.failed, named: t.named };
}

function sha256Of(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Why a file finished in an earlier run may not be certified now: it is no longer a regular file
 * (a link was planted), or its bytes are not the ones whose sha256 the ledger recorded. Undefined if it is intact.
 */
async function finishedFileProblem(path: string, sha256: string): Promise<string | undefined> {
  const st = await lstat(path);
  if (!st.isFile()) return 'is no longer a regular file (a link?) since it was finished: not certified; remove it and resume to fetch it again';
  const d = await digestFile(path);
  if (d.sha256 !== sha256) return 'changed after it was finished (its sha256 is not the one the ledger recorded): not certified; remove it and resume to fetch it again';
  return undefined;
}

/**
 * The person's range: --from/--to, else from the day the Zoom user was created (`user_created_at`) to
 * today. Never `created_at`: Zoom documents it as "when this user's latest login type was created" (a
 * move to SSO resets it), so starting there would silently lose everything older.
 */
export function personRange(env: Pick<CollectEnv, 'range' | 'today'>, user: Rec): { range: DateWindow; why: string } {
  const created = typeof user.user_created_at === 'string' && /^\d{4}-\d{2}-\d{2}/.test(user.user_created_at) ? user.user_created_at.slice(0, 10) : undefined;
  const from = env.range.from ?? created ?? ZOOM_FOUNDED;
  const to = env.range.to ?? env.today;
  const why = env.range.from || env.range.to
    ? 'the range asked for (--from/--to)'
    : created
      ? "from the day the person's Zoom user was created (user_created_at) to the day the request was received"
      : `Zoom gave no user_created_at: from ${ZOOM_FOUNDED} (before any Zoom account) to the day the request was received`;
  return { range: { from, to: to < from ? from : to }, why };
}
const ZOOM_FOUNDED = '2011-01-01';

/**
 * The part of `range` within Zoom's "past six months", computed from `nowMs` (not from the day the
 * request was received: a request resumed weeks later recomputes it), kept inside the limit whichever
 * way a month end is counted back, with a margin for Zoom's clock (dates.ts sixMonthsFrom).
 * Undefined: nothing of it is that recent.
 */
export function withinSixMonths(range: DateWindow, nowMs: number): DateWindow | undefined {
  const today = isoDay(new Date(nowMs));
  const earliest = sixMonthsFrom(nowMs);
  const from = range.from > earliest ? range.from : earliest;
  const to = range.to < today ? range.to : today;
  return from <= to ? { from, to } : undefined;
}

function sixMonthCoverage(range: DateWindow, six: DateWindow | undefined, whole: Coverage): Coverage {
  if (!six) return { why: 'Zoom serves this for the past six months only, and the range asked for lies before them', limit: 'zoom' };
  if (six.from === range.from) return { ...whole, ...six };
  return { ...six, why: `Zoom serves this for the past six months only (${SIX_MONTH_MARGIN_DAYS} days kept as a margin for Zoom's clock); nothing older can be asked for`, limit: 'zoom' };
}

/** Zoom's answer in the words the coverage quotes: 400 code 300 "…". */
function quoteAnswer(e: ZoomApiError): string {
  return `${e.status}${e.code !== undefined ? ` code ${e.code}` : ''} "${e.zoomMessage}"`;
}

/**
 * The coverage of a list some of whose windows Zoom refused as outside what it serves: it starts the day
 * after the newest window refused (Zoom's limit, not a failure: `limit` zoom), and names the windows and
 * Zoom's answer. Windows are "from to" (yyyy-mm-dd), sorted.
 */
function refusedCoverage(coverage: Coverage, refused: string[], answer: string): Coverage {
  const newest = refused.map((w) => w.slice(-10)).sort().at(-1)!;
  const after = isoDay(addDays(parseIsoDay(newest), 1));
  const from = coverage.from && after > coverage.from && (!coverage.to || after <= coverage.to) ? { from: after } : {};
  return { ...coverage, ...from, limit: 'zoom', refused, refused_answer: answer };
}

/** The coverage in one plain sentence (the category's note). */
export function coverageNote(c: Coverage, noun?: string): string {
  const refused = c.refused?.length ? `; Zoom refused ${c.refused.join(', ')} as outside what it serves${c.refused_answer ? ` (it answered ${c.refused_answer})` : ''}` : '';
  const items = c.items ? `${c.why ? '; ' : ''}${tallySentence(c.items, noun ?? c.items.of)}` : '';
  const text = c.from && c.to ? `Covers ${c.from} to ${c.to}: ${c.why}` : c.why.charAt(0).toUpperCase() + c.why.slice(1);
  const all = `${text}${refused}${items}`;
  return `${all.charAt(0).toUpperCase()}${all.slice(1)}.`;
}

/**
 * Zoom's answers that mean "this user or account has no Zoom Phone": only those documented with that
 * meaning (the table in zoom/errors.ts). A 400/300 "Invalid user id" or 404 "Site does not exist" is a failure.
 */
export function noPhoneReason(e: unknown): string | undefined {
  return e instanceof ZoomApiError && (e.template ?? e.path).startsWith('/phone/') ? noDataMeaning(e) : undefined;
}

/** Zoom's answers that mean "nothing here" (the one table in zoom/errors.ts), not a failure. */
export function noDataReason(e: unknown): string | undefined {
  // An account feature that is off or withheld (summaries disabled or shared by email only, Team Chat
  // without the Chat Messages permission) is "not enabled" / "not permitted", never "no data" (breadth.ts).
  return featureBlock(e) ? undefined : noDataMeaning(e);
}


function isAbort(e: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (e as Error)?.name === 'AbortError';
}

function idString(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : String(v);
}

/** Unit keys come from our own plan (list types, dates), never from Zoom's text; keep them path-safe anyway. */
function safeName(key: string): string {
  return key.replace(/[^A-Za-z0-9_.-]/g, '_');
}


/** Leftover temporary files of a killed run: never published, safe to delete. */
async function sweepTemporary(dir: string): Promise<void> {
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      // Unfinished downloads (.partial) are kept: a resumed download continues them with Range.
      else if (isTemporaryFile(e.name) && !e.name.endsWith('.partial')) await rm(p, { force: true });
    }
  };
  await walk(dir);
}
