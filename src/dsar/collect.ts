import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type pLimit from 'p-limit';
import { ensurePrivateDir, writeFileAtomic } from '../fs/atomic.js';
import { RecordFile, readNdjson } from '../fs/records.js';
import type { ZoomClient } from '../zoom/client.js';
import * as zoom from '../zoom/endpoints/access.js';
import { ZOOM_CODE, ZoomApiError, ZoomConnectionError, ZoomRateLimitError } from '../zoom/errors.js';
import { addMonthsUtc, day, monthWindows, parseDay, type DateWindow } from '../zoom/paginate.js';
import { SCOPES } from '../zoom/route.js';
import { CATEGORY } from './categories.js';

type Rec = Record<string, unknown>;

export type CategoryStatus = 'done' | 'no_data' | 'failed';
export interface CategoryResult {
  status: CategoryStatus;
  records?: number;
  file?: string;
  note?: string;
  error?: string;
}
export type SubjectStatus = 'completed' | 'not_found' | 'partial' | 'failed';

export interface SubjectResult {
  status: SubjectStatus;
  userId?: string;
  range?: DateWindow;
  categories: Record<string, CategoryResult>;
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
  const categories: Record<string, CategoryResult> = {};

  const tasks: Array<Promise<void>> = [];
  const settle = async (name: string, run: () => Promise<CategoryResult>) => {
    const prior = env.settled[name];
    if (prior && (prior.status === 'no_data' || (prior.status === 'done' && (await exists(join(dir, CATEGORY.get(name)!.file)))))) {
      categories[name] = prior;
      return;
    }
    let result: CategoryResult;
    try {
      result = await run();
    } catch (e) {
      if (isAbort(e, env.signal)) throw e;
      const why = noDataReason(e);
      result = why ? { status: 'no_data', note: why } : { status: 'failed', error: describe(e) };
    }
    categories[name] = result;
    await env.progress(name, result);
  };
  const object = (name: string, fetch: () => Promise<Rec>) =>
    settle(name, async () => {
      const file = CATEGORY.get(name)!.file;
      const data = await env.limit(fetch);
      await writeFileAtomic(join(dir, file), JSON.stringify(data, null, 2) + '\n');
      return { status: 'done', records: 1, file };
    });
  const list = (name: string, units: ListUnit[], idOf: (r: Rec) => string | undefined, note?: string) =>
    settle(name, () => collectList(env, name, units, idOf, dir, work, note));

  const registrations = () => list('registrations', [{ key: 'account-scan', items: env.registrations! }], (r) => idString(r.registration_key));

  // 1. Who is this? (profile.json, once)
  let user: Rec;
  const profilePath = join(dir, CATEGORY.get('profile')!.file);
  try {
    user = JSON.parse(await readFile(profilePath, 'utf8')) as Rec;
  } catch {
    try {
      user = await zoom.getUser(env.client, email);
    } catch (e) {
      if (e instanceof ZoomApiError && e.status === 404 && (e.code === ZOOM_CODE.userNotFound || e.code === undefined)) {
        // No Zoom user, but registrations to other people's meetings may still hold their data.
        if (env.registrations) await registrations();
        const failed = categories.registrations?.status === 'failed';
        if (!failed) await rm(work, { recursive: true, force: true });
        return { status: failed ? 'partial' : 'not_found', categories };
      }
      if (isAbort(e, env.signal)) throw e;
      return { status: 'failed', categories: {}, error: describe(e) };
    }
    await writeFileAtomic(profilePath, JSON.stringify(user, null, 2) + '\n');
  }
  categories.profile = { status: 'done', records: 1, file: CATEGORY.get('profile')!.file };
  await env.progress('profile', categories.profile);
  const userId = String(user.id ?? email);

  const range = personRange(env, user);
  const phoneRange = clampWindow(range, day(addMonthsUtc(parseDay(env.today), -6)));
  const trashRange = clampWindow(range, day(new Date(parseDay(env.today).getTime() - 30 * 86_400_000)));
  const windows = (r: DateWindow | undefined) => (r ? monthWindows(r.from, r.to) : []);

  tasks.push(object('settings', () => zoom.getUserSettings(env.client, userId)));
  tasks.push(
    list(
      'meetings',
      zoom.MEETING_TYPES.map((type) => ({ key: type, items: () => zoom.listMeetings(env.client, userId, type) })),
      (m) => idString(m.uuid ?? m.id),
    ),
  );
  tasks.push(list('webinars', [{ key: 'all', items: () => zoom.listWebinars(env.client, userId) }], (w) => idString(w.uuid ?? w.id)));
  tasks.push(
    list(
      'recordings',
      windows(range).map((w) => ({ key: `${w.from}_${w.to}`, items: () => zoom.listRecordings(env.client, userId, w) })),
      (m) => idString(m.uuid ?? m.id),
      `from ${range.from} to ${range.to}`,
    ),
  );
  tasks.push(
    list(
      'recordings_trash',
      windows(trashRange).map((w) => ({ key: `${w.from}_${w.to}`, items: () => zoom.listRecordings(env.client, userId, w, true) })),
      (m) => idString(m.uuid ?? m.id),
      'Zoom keeps deleted recordings in the trash for 30 days',
    ),
  );
  tasks.push(
    list(
      'meetings_attended',
      windows(phoneRange).map((w) => ({ key: `${w.from}_${w.to}`, items: () => zoom.listMeetingsAttended(env.client, userId, w) })),
      (m) => idString(m.uuid ?? m.id),
      sixMonthNote(phoneRange),
    ),
  );
  if (env.registrations) tasks.push(registrations());
  tasks.push(collectPhone(env, userId, dir, windows(phoneRange), sixMonthNote(phoneRange), object, list, settle));

  const settled = await Promise.allSettled(tasks);
  const thrown = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (thrown) throw thrown.reason;

  const failed = Object.values(categories).some((c) => c.status === 'failed');
  if (!failed) await rm(work, { recursive: true, force: true });
  return { status: failed ? 'partial' : 'completed', userId, range, categories };
}

/** Zoom Phone: probe the profile first; a user or account without Phone has "no phone data", not a failure. */
async function collectPhone(
  env: CollectEnv,
  userId: string,
  dir: string,
  windows: DateWindow[],
  note: string,
  object: (name: string, fetch: () => Promise<Rec>) => Promise<void>,
  list: (name: string, units: ListUnit[], idOf: (r: Rec) => string | undefined, note?: string) => Promise<void>,
  settle: (name: string, run: () => Promise<CategoryResult>) => Promise<void>,
): Promise<void> {
  const phoneNames = ['phone_profile', 'phone_settings', 'phone_call_history', 'phone_recordings', 'phone_voicemails', 'phone_sms'];
  let noPhone: string | undefined;
  await settle('phone_profile', async () => {
    try {
      const profile = await env.limit(() => zoom.getPhoneUser(env.client, userId));
      const file = CATEGORY.get('phone_profile')!.file;
      await writeFileAtomic(join(dir, file), JSON.stringify(profile, null, 2) + '\n');
      return { status: 'done', records: 1, file };
    } catch (e) {
      const why = noPhoneReason(e);
      if (!why) throw e;
      noPhone = why;
      return { status: 'no_data', note: why };
    }
  });
  if (noPhone || env.settled.phone_profile?.status === 'no_data') {
    const why = noPhone ?? env.settled.phone_profile?.note ?? 'no Zoom Phone';
    for (const name of phoneNames.slice(1)) await settle(name, async () => ({ status: 'no_data', note: why }));
    return;
  }
  const unitsOf = (fn: (w: DateWindow) => AsyncIterable<Rec>) => windows.map((w) => ({ key: `${w.from}_${w.to}`, items: () => fn(w) }));
  await Promise.all([
    object('phone_settings', () => zoom.getPhoneSettings(env.client, userId)),
    list('phone_call_history', unitsOf((w) => zoom.listCallHistory(env.client, userId, w)), (c) => idString(c.id), note),
    list('phone_recordings', unitsOf((w) => zoom.listPhoneRecordings(env.client, userId, w)), (c) => idString(c.id), note),
    list('phone_voicemails', unitsOf((w) => zoom.listVoicemails(env.client, userId, w)), (c) => idString(c.id), note),
    list('phone_sms', unitsOf((w) => zoom.listSmsSessions(env.client, userId, w)), (c) => idString(c.session_id), note),
  ]);
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
  return undefined;
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
      else if (/\.tmp-\d+-[0-9a-f]+$/.test(e.name) || /\.json\.[0-9a-f]{8}$/.test(e.name)) await rm(p, { force: true });
    }
  };
  await walk(dir);
}
