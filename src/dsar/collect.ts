import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type pLimit from 'p-limit';
import { ensurePrivateDir, isTemporaryFile, writeFileAtomic } from '../fs/atomic.js';
import { RecordFile, readNdjson } from '../fs/records.js';
import type { ZoomClient } from '../zoom/client.js';
import * as zoom from '../zoom/endpoints/access.js';
import { breadthNoData } from '../zoom/endpoints/breadth.js';
import { ZOOM_CODE, ZoomApiError, ZoomConnectionError, ZoomRateLimitError } from '../zoom/errors.js';
import { addMonthsUtc, day, monthWindows, parseDay, type DateWindow } from '../zoom/paginate.js';
import { SCOPES } from '../zoom/route.js';
import { breadthPlan, featureBlock, type BreadthSettings, type BreadthUnit } from './breadth.js';
import { CATEGORY } from './categories.js';

type Rec = Record<string, unknown>;

/** unavailable: an account feature or permission stands in the way, or --skip left it out (see `reason`); never "no data". */
export type CategoryStatus = 'done' | 'no_data' | 'unavailable' | 'failed';
export interface CategoryResult {
  status: CategoryStatus;
  records?: number;
  file?: string;
  note?: string;
  error?: string;
  /** For unavailable: what stands in the way; the note says what to change. */
  reason?: 'not_enabled' | 'not_permitted' | 'skipped';
}
export type SubjectStatus = 'completed' | 'not_found' | 'partial' | 'failed';

export interface SubjectResult {
  status: SubjectStatus;
  userId?: string;
  range?: DateWindow;
  categories: Record<string, CategoryResult>;
  /** --with-files: recording, call recording and voicemail files downloaded into files/. */
  downloads?: { files: number; bytes: number; skipped: number; failed: Array<{ file: string; error: string }> };
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
  /** Team Chat, SMS texts, attendance, summaries, sign-ins, voicemail transcripts (breadth.ts); absent: not collected. */
  breadth?: Omit<BreadthSettings, 'client'>;
}

interface ListUnit {
  key: string;
  items: () => AsyncIterable<Rec>;
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
    return person.finish('not_found');
  }
  if (typeof user === 'string') return { status: 'failed', categories: {}, error: user };

  const userId = String(user.id ?? email);
  const range = personRange(env, user);
  const sixMonths = clampWindow(range, day(addMonthsUtc(parseDay(env.today), -6)));
  const trash = clampWindow(range, day(new Date(parseDay(env.today).getTime() - 30 * 86_400_000)));
  const c = env.client;
  const byUuid = (m: Rec) => idString(m.uuid ?? m.id);
  const more = env.breadth
    ? breadthPlan(person, { ...env.breadth, client: c }, { userId, email: String(user.email ?? email), displayName: String(user.display_name ?? `${String(user.first_name ?? '')} ${String(user.last_name ?? '')}`), range })
    : undefined;

  await settleAll([
    person.object('settings', () => zoom.getUserSettings(c, userId)),
    person.list('meetings', zoom.MEETING_TYPES.map((type) => ({ key: type, items: () => zoom.listMeetings(c, userId, type) })), byUuid),
    person.list('webinars', [{ key: 'all', items: () => zoom.listWebinars(c, userId) }], byUuid),
    person.list('recordings', windowUnits(range, (w) => zoom.listRecordings(c, userId, w)), byUuid, `from ${range.from} to ${range.to}`),
    person.list('recordings_trash', windowUnits(trash, (w) => zoom.listRecordings(c, userId, w, true)), byUuid, 'Zoom keeps deleted recordings in the trash for 30 days'),
    person.list('meetings_attended', windowUnits(sixMonths, (w) => zoom.listMeetingsAttended(c, userId, w)), byUuid, sixMonthNote(sixMonths)).then(more?.afterMeetingsAttended),
    ...(env.registrations ? [person.registrations()] : []),
    person.phone(userId, sixMonths).then(more?.afterPhone),
    ...(more?.independent() ?? []),
  ]);
  const result = await person.finish('completed');
  return { ...result, userId, range };
}

/** One person's categories as they settle: done, no data, or failed (never thrown, unless interrupted). */
class PersonCollection {
  readonly categories: Record<string, CategoryResult> = {};

  constructor(
    private readonly env: CollectEnv,
    readonly dir: string,
    private readonly work: string,
  ) {}

  /** The Zoom user (profile.json, fetched once), 'not_found', or why the lookup failed. */
  async lookup(email: string): Promise<Rec | 'not_found' | string> {
    const file = CATEGORY.get('profile')!.file;
    let user: Rec;
    try {
      user = JSON.parse(await readFile(join(this.dir, file), 'utf8')) as Rec;
    } catch {
      try {
        user = await zoom.getUser(this.env.client, email);
      } catch (e) {
        if (e instanceof ZoomApiError && e.status === 404 && (e.code === ZOOM_CODE.userNotFound || e.code === undefined)) return 'not_found';
        if (isAbort(e, this.env.signal)) throw e;
        return describe(e);
      }
      await writeFileAtomic(join(this.dir, file), JSON.stringify(user, null, 2) + '\n');
    }
    this.categories.profile = { status: 'done', records: 1, file };
    await this.env.progress('profile', this.categories.profile);
    return user;
  }

  /** Run a category unless an earlier run settled it; record what happened. */
  async settle(name: string, run: () => Promise<CategoryResult>): Promise<void> {
    const prior = this.env.settled[name];
    if (prior && (prior.status === 'no_data' || (prior.status === 'done' && (await exists(join(this.dir, CATEGORY.get(name)!.file)))))) {
      this.categories[name] = prior;
      return;
    }
    let result: CategoryResult;
    try {
      result = await run();
    } catch (e) {
      if (isAbort(e, this.env.signal)) throw e;
      const why = noDataReason(e);
      const block = featureBlock(e);
      result = why ? { status: 'no_data', note: why } : block ? { status: 'unavailable', ...block } : { status: 'failed', error: describe(e) };
    }
    this.categories[name] = result;
    await this.env.progress(name, result);
  }

  /** A single object (settings, a profile), written atomically. */
  object(name: string, fetch: () => Promise<Rec>): Promise<void> {
    return this.settle(name, async () => {
      const file = CATEGORY.get(name)!.file;
      const data = await this.env.limit(fetch);
      await writeFileAtomic(join(this.dir, file), JSON.stringify(data, null, 2) + '\n');
      return { status: 'done', records: 1, file };
    });
  }

  list(name: string, units: ListUnit[], idOf: (r: Rec) => string | undefined, note?: string): Promise<void> {
    return this.settle(name, () => collectList(this.env, name, units, idOf, this.dir, this.work, note));
  }

  /** Walk units into the category's file without de-duplication (breadth.ts: its units never overlap). */
  collect(name: string, units: BreadthUnit[], note?: string): Promise<CategoryResult> {
    // Their own pool: batches waiting on the Heavy or Light gate must not hold the slots the Medium lists need.
    const env = this.env.breadth ? { ...this.env, limit: this.env.breadth.limit } : this.env;
    return collectList(env, name, units, () => undefined, this.dir, this.work, note);
  }

  registrations(): Promise<void> {
    return this.list('registrations', [{ key: 'account-scan', items: this.env.registrations! }], (r) => idString(r.registration_key));
  }

  /** Zoom Phone: the profile first; a user or account without Phone has "no phone data", not a failure. */
  async phone(userId: string, sixMonths: DateWindow | undefined): Promise<void> {
    const c = this.env.client;
    let noPhone = this.env.settled.phone_profile?.status === 'no_data' ? (this.env.settled.phone_profile.note ?? 'no Zoom Phone') : undefined;
    await this.settle('phone_profile', async () => {
      try {
        const profile = await this.env.limit(() => zoom.getPhoneUser(c, userId));
        const file = CATEGORY.get('phone_profile')!.file;
        await writeFileAtomic(join(this.dir, file), JSON.stringify(profile, null, 2) + '\n');
        return { status: 'done', records: 1, file };
      } catch (e) {
        noPhone = noPhoneReason(e);
        if (!noPhone) throw e;
        return { status: 'no_data', note: noPhone };
      }
    });
    if (noPhone) {
      for (const name of ['phone_settings', 'phone_call_history', 'phone_recordings', 'phone_voicemails', 'phone_sms']) {
        await this.settle(name, async () => ({ status: 'no_data', note: noPhone }));
      }
      return;
    }
    const note = sixMonthNote(sixMonths);
    const byId = (r: Rec) => idString(r.id);
    await settleAll([
      this.object('phone_settings', () => zoom.getPhoneSettings(c, userId)),
      this.list('phone_call_history', windowUnits(sixMonths, (w) => zoom.listCallHistory(c, userId, w)), byId, note),
      this.list('phone_recordings', windowUnits(sixMonths, (w) => zoom.listPhoneRecordings(c, userId, w)), byId, note),
      this.list('phone_voicemails', windowUnits(sixMonths, (w) => zoom.listVoicemails(c, userId, w)), byId, note),
      this.list('phone_sms', windowUnits(sixMonths, (w) => zoom.listSmsSessions(c, userId, w)), (r) => idString(r.session_id), note),
    ]);
  }

  /** The person's status; scratch parts go once nothing is left to resume. */
  async finish(ok: 'completed' | 'not_found'): Promise<SubjectResult> {
    // "Not permitted" is something the account can fix (a role, a setting): the answer is not complete until it does.
    const failed = Object.values(this.categories).some((x) => x.status === 'failed' || (x.status === 'unavailable' && x.reason === 'not_permitted'));
    if (!failed) await rm(this.work, { recursive: true, force: true });
    return { status: failed ? 'partial' : ok, categories: this.categories };
  }
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
 * Walk every unit of a list into its own part (skipping parts committed earlier), then
 * merge the parts, in order and each record once, into the category's file.
 */
async function collectList(env: CollectEnv, name: string, units: ListUnit[], idOf: (r: Rec) => string | undefined, dir: string, work: string, note?: string): Promise<CategoryResult> {
  const partsDir = join(work, name);
  await ensurePrivateDir(partsDir);
  const partPath = (u: ListUnit) => join(partsDir, `${safeName(u.key)}.ndjson`);
  const outcomes = await Promise.allSettled(
    units.map((u) =>
      env.limit(async () => {
        const path = partPath(u);
        if (await exists(path)) return;
        if (env.signal.aborted) throw env.signal.reason;
        const part = await RecordFile.create(path, 'ndjson');
        try {
          for await (const item of u.items()) await part.write(item);
          const d = await part.commit();
          await env.progress(name, { status: 'part_done', unit: u.key, records: d.records });
        } catch (e) {
          await part.abort();
          throw e;
        }
      }),
    ),
  );
  const errors = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason as unknown);
  const abort = errors.find((e) => isAbort(e, env.signal));
  if (abort) throw abort;
  if (errors.length > 0) {
    const why = noDataReason(errors[0]);
    if (why && errors.length === units.length) return { status: 'no_data', note: why };
    const block = featureBlock(errors[0]);
    if (block && errors.length === units.length) return { status: 'unavailable', ...block };
    const done = units.length - errors.length;
    return { status: 'failed', error: `${describe(errors[0])}${units.length > 1 ? ` (${done} of ${units.length} parts saved; resume fetches only the rest)` : ''}` };
  }
  const file = CATEGORY.get(name)!.file;
  const out = await RecordFile.create(join(dir, file), 'json-array');
  const seen = new Set<string>();
  try {
    for (const u of units) {
      for await (const rec of readNdjson(partPath(u))) {
        const id = idOf(rec as Rec);
        if (id !== undefined) {
          if (seen.has(id)) continue;
          seen.add(id);
        }
        await out.write(rec);
      }
    }
    const d = await out.commit();
    return { status: 'done', records: d.records, file, ...(note ? { note } : {}) };
  } catch (e) {
    await out.abort();
    throw e;
  }
}

/** The person's range: --from/--to, else from the Zoom user's creation to today. */
function personRange(env: CollectEnv, user: Rec): DateWindow {
  const created = typeof user.created_at === 'string' && /^\d{4}-\d{2}-\d{2}/.test(user.created_at) ? user.created_at.slice(0, 10) : '2011-01-01';
  const from = env.range.from ?? created;
  const to = env.range.to ?? env.today;
  return { from, to: to < from ? from : to };
}

function clampWindow(range: DateWindow, earliest: string): DateWindow | undefined {
  const from = range.from > earliest ? range.from : earliest;
  return from <= range.to ? { from, to: range.to } : undefined;
}

function sixMonthNote(r: DateWindow | undefined): string {
  return r ? `Zoom serves this for the last six months only: ${r.from} to ${r.to}` : 'outside the last six months, which is all Zoom serves for this';
}

/** Zoom's answers that mean "this user or account has no Zoom Phone" (as opposed to a missing scope). */
export function noPhoneReason(e: unknown): string | undefined {
  if (!(e instanceof ZoomApiError) || e.isMissingScope) return undefined;
  if (e.status === 404 && (e.code === ZOOM_CODE.userNotFound || e.code === 404 || e.code === undefined)) return 'this user has no Zoom Phone licence';
  if (e.status === 404 && e.code === 2001) return 'the account has no Zoom Phone';
  if (e.status === 403 || e.status === 400) return `the account has no Zoom Phone (Zoom answered ${e.status}${e.code ? ` code ${e.code}` : ''}: ${e.zoomMessage})`;
  return undefined;
}

/** Zoom's answers that mean "this person cannot have such data" (no licence for it), not a failure. */
export function noDataReason(e: unknown): string | undefined {
  if (!(e instanceof ZoomApiError) || e.isMissingScope) return undefined;
  if (e.code === 200 && /webinar plan is missing/i.test(e.zoomMessage)) return 'this user has no webinar licence';
  if (e.code === 3161) return 'this user may not host or schedule meetings';
  return breadthNoData(e);
}

/** One line that says what went wrong and what to do about it. */
export function describe(e: unknown): string {
  if (e instanceof ZoomRateLimitError) {
    return `Zoom's ${e.kind === 'daily' ? 'daily ' : ''}rate limit for ${e.category ?? 'these'} requests was reached${e.retryAt ? `; run \`zdsar requests resume\` after ${e.retryAt.toISOString()}` : '; resume later'}`;
  }
  if (e instanceof ZoomApiError && e.isMissingScope) {
    const scopes = e.template ? SCOPES.get(`${e.method} ${e.template}`) : undefined;
    const need = scopes ? ` (add the scope ${scopes.granular.find((s) => s.endsWith(':admin')) ?? scopes.granular[0] ?? scopes.classic[0]} to the app)` : '';
    return `missing scope: ${e.zoomMessage}${need}`;
  }
  if (e instanceof ZoomApiError || e instanceof ZoomConnectionError) return e.message;
  return (e as Error)?.message ?? String(e);
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

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
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
