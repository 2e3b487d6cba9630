/**
 * `zdsar delete`: erasure through Zoom's own Data & Privacy deletion (POST /data_requests/requests,
 * request_type DELETE): all of a person's meeting, webinar, Team Chat and whiteboard data, for users
 * of the account.
 *
 * - Dry run by default: prints what it would submit and sends nothing to Zoom (no token either).
 * - --yes: a ledger request (type zoom-delete), then POSTs of up to 10 emails, one in process at a
 *   time (engine.ts). Zoom's answer is recorded as evidence. Each deletion can be revoked for 30
 *   minutes after Zoom accepted it: `zdsar requests cancel <id>` (cancelZoomDelete below).
 * - More than 10 people: the first POST now; Zoom holds the account's one slot through the
 *   30-minute window and the processing, so the rest is submitted by `zdsar requests resume <id>`
 *   later, or by this run with --wait.
 * - People whose deletion is still in flight in another zoom-delete request are not submitted again.
 * - Earlier zdsar packages of the same people are listed after the erasure; --purge-packages deletes
 *   them (their folders, or the whole package when everyone in it is erased).
 */
import { stat } from 'node:fs/promises';
import type { CommandContext } from '../commands/context.js';
import { clientTuning, loadPlan, loadZoomCredentials, zdsarHome, type Plan } from '../config.js';
import { AuthError, EXIT, UsageError } from '../errors.js';
import { describePeopleReport, readPeopleReport } from '../dsar/subjects.js';
import { subjectFolder } from '../dsar/paths.js';
import { checkPackage, deletePackage, Ledger, OPEN_STATUSES, parseDateArg, subjectLabel, type LedgerRequest, type Regime } from '../ledger/index.js';
import { printJson, writeLine } from '../ui/io.js';
import { createLogger, type Logger } from '../ui/logger.js';
import { ZoomClient } from '../zoom/client.js';
import { cancelDataRequest, findDataRequests, isNoLongerCancelable, isZoomCode, DATA_REQUEST_CODE, MAX_EMAILS_PER_REQUEST, CANCEL_WINDOW_MS } from '../zoom/endpoints/data-requests.js';
import { ZoomApiError } from '../zoom/errors.js';
import { describe, isFatal, runQueue, type EnginePerson, type EngineResult, type ZoomRequestCheckpoint } from './engine.js';

export const ZOOM_DELETE_CATEGORY = 'zoom_delete';

export interface DeleteFlags {
  csv?: string;
  emails?: string;
  emailColumn?: string;
  yes?: boolean;
  json?: boolean;
  wait?: boolean;
  maxWait?: string;
  purgePackages?: boolean;
  plan?: string;
  verbose?: boolean;
  showEmails?: boolean;
  requester?: string;
  received?: string;
  regime?: string;
}

export interface EarlierPackage {
  request_id: string;
  status: string;
  out_dir: string;
  created_at: string;
  /** The erased people in that package: their position there and their folder. */
  people: Array<{ index: number; email: string; folder: string }>;
  /** Every person of that package is erased: the whole package goes. */
  whole: boolean;
}

/** Poll and 409 backoff of a deletion (the 30-minute window makes short polls pointless). */
const DELETE_POLL = { min: 15_000, max: 300_000 };

function pollFromEnv(env: NodeJS.ProcessEnv): { min: number; max: number } {
  // For tests and operators: ZDSAR_ZOOM_POLL_MS=min[,max].
  const raw = env.ZDSAR_ZOOM_POLL_MS;
  if (!raw) return DELETE_POLL;
  const [a, b] = raw.split(',').map((x) => Number(x.trim()));
  if (!Number.isInteger(a) || a! < 1 || (b !== undefined && (!Number.isInteger(b) || b < a!))) throw new UsageError('ZDSAR_ZOOM_POLL_MS must be MIN or MIN,MAX in milliseconds');
  return { min: a!, max: b ?? Math.max(a!, DELETE_POLL.max) };
}

function parseMaxWait(raw: string | undefined): number {
  if (raw === undefined) return 3 * 3_600_000;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`--max-wait: a number of minutes above 0 (got "${raw}")`);
  return n * 60_000;
}

function chunks<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

function hhmm(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z').replace(/:\d{2}Z$/, 'Z');
}

/** `zdsar delete` */
export async function runDelete(ctx: CommandContext, flags: DeleteFlags): Promise<number> {
  const io = ctx.io;
  const received = flags.received !== undefined ? parseDateArg('--received', flags.received) : undefined;
  if (received && received.getTime() > Date.now()) throw new UsageError(`--received ${received.toISOString().slice(0, 10)} is in the future`);
  if (flags.regime !== undefined && flags.regime !== 'gdpr' && flags.regime !== 'ccpa') throw new UsageError(`--regime: must be gdpr or ccpa (got "${flags.regime}")`);
  const plan = loadPlan(io.env, flags.plan);
  const maxWait = parseMaxWait(flags.maxWait);
  const poll = pollFromEnv(io.env);
  const { people, report: input } = await readPeopleReport({ csv: flags.csv, emails: flags.emails, emailColumn: flags.emailColumn, stdin: io.stdin });
  if (!flags.json) for (const l of describePeopleReport(input)) writeLine(io.stderr, l);
  const ledger = Ledger.open(zdsarHome(io.env));
  const label = (i: number) => (flags.showEmails ? `#${i} <${people.find((p) => p.index === i)?.email}>` : `#${i}`);

  const flying = await deletionsInFlight(ledger, people.map((p) => p.email));
  const toSubmit = people.filter((p) => !flying.has(p.email));
  const batches = chunks(toSubmit, MAX_EMAILS_PER_REQUEST);
  const earlier = await earlierPackages(ledger, people.map((p) => p.email));

  if (!flags.yes) {
    if (flags.json) {
      printJson(io, {
        dry_run: true,
        input,
        would_submit: batches.map((b, i) => ({ batch: i + 1, request_type: 'DELETE', people: b.map((p) => ({ index: p.index, email: p.email })) })),
        already_in_flight: [...flying].map(([email, id]) => ({ email, request_id: id })),
        earlier_packages: earlier,
        purge_packages: Boolean(flags.purgePackages),
      });
      return EXIT.ok;
    }
    const w = (s: string) => writeLine(io.stderr, s);
    w(`zdsar delete would ask Zoom (Data & Privacy) to delete ALL data of ${toSubmit.length} ${toSubmit.length === 1 ? 'person' : 'people'}: their meeting, webinar, Team Chat and whiteboard data. Once done it cannot be recovered.`);
    // A destructive command's dry run shows exactly who would be affected: addresses, and where they came from.
    for (const [i, b] of batches.entries()) {
      w(`  Zoom request ${i + 1} of ${batches.length}:`);
      for (const p of b) w(`    #${p.index} ${p.email} (${p.source}${input.column !== undefined ? `, column ${JSON.stringify(input.column)}` : ''})`);
    }
    for (const [email, id] of flying) w(`  ${label(people.find((p) => p.email === email)!.index)}: already being deleted by ${id}; not submitted again`);
    if (batches.length > 1) w(`Zoom takes one data request at a time: request 1 is submitted now, the others after it is done (zdsar requests resume, or --wait).`);
    w(`Each deletion can be revoked for 30 minutes after Zoom accepts it: zdsar requests cancel <id>.`);
    renderEarlier(io, earlier, label, Boolean(flags.purgePackages), true);
    w(`Dry run: nothing was sent to Zoom. Run again with --yes to submit.`);
    return EXIT.ok;
  }

  const credentials = loadZoomCredentials(io.env);
  const logger = createLogger(io, { verbose: flags.verbose, quiet: flags.json });
  const request = await ledger.create({
    type: 'zoom-delete',
    subjects: people.map((p) => p.email),
    requester: flags.requester,
    receivedAt: received,
    regime: flags.regime as Regime | undefined,
    options: { plan, wait: Boolean(flags.wait), purgePackages: Boolean(flags.purgePackages) },
  });
  const id = request.request_id;
  await ledger.setStatus(id, 'processing');
  const enginePeople: EnginePerson[] = [];
  for (const p of people) {
    const other = flying.get(p.email);
    if (other) {
      await ledger.recordProgress(id, p.index, ZOOM_DELETE_CATEGORY, { status: 'skipped', checkpoint: { state: 'queued', note: `already being deleted by ${other}` } });
      continue;
    }
    enginePeople.push({ index: p.index, email: p.email });
  }
  const client = new ZoomClient({ credentials, plan, signal: ctx.signal, logger, ...clientTuning(io.env) });
  let result: EngineResult;
  try {
    result = await runQueue({
      client,
      ledger,
      requestId: id,
      category: ZOOM_DELETE_CATEGORY,
      type: 'DELETE',
      people: enginePeople,
      body: (emails) => ({ request_type: 'DELETE', emails }),
      signal: ctx.signal,
      logger,
      pollMs: poll,
      deadline: Date.now() + (flags.wait ? maxWait : 0),
      label,
    });
  } finally {
    await client.close();
  }
  await settleStatus(ledger, id, result);
  const purged = flags.purgePackages && result.people.some((p) => p.cp?.zoom_request_id) ? await purgePackages(ledger, id, earlier, logger) : [];
  return report(ctx, ledger, id, result, earlier, purged, label, Boolean(flags.json));
}

/** The ledger status from the engine's result: completed, partial (some failed), or still processing. */
async function settleStatus(ledger: Ledger, id: string, result: EngineResult): Promise<void> {
  const refused = result.people.filter((p) => p.cp?.state === 'rejected').length;
  if (result.status === 'completed' && refused === 0) await ledger.setStatus(id, 'completed', 'Zoom completed every deletion');
  else if (result.status !== 'pending') await ledger.setStatus(id, 'partial', `${refused ? `${refused} refused by Zoom (not users of the account)` : 'some deletions failed in Zoom'}`);
}

async function report(ctx: CommandContext, ledger: Ledger, id: string, result: EngineResult, earlier: EarlierPackage[], purged: string[], label: (i: number) => string, json: boolean): Promise<number> {
  const io = ctx.io;
  const r = (await ledger.get(id))!;
  const sub = (st: (p: EnginePerson) => boolean) => result.people.filter(st);
  const accepted = sub((p) => Boolean(p.cp?.zoom_request_id) && p.cp?.state !== 'Canceled');
  const queuedP = sub((p) => !p.cp || p.cp.state === 'queued' || p.cp.state === 'submitting');
  const failed = sub((p) => p.status === 'failed');
  const skipped = sub((p) => p.status === 'skipped');
  const windows = [...new Set(accepted.filter((p) => p.cp?.cancel_until && Date.parse(p.cp.cancel_until) > Date.now() && (p.cp.state === 'Pending' || p.cp.state === undefined)).map((p) => p.cp!.cancel_until!))].sort();
  const refused = skipped.filter((p) => p.cp?.state === 'rejected');
  const code = result.fatal ? EXIT.auth : failed.length || refused.length || (result.stopped && !accepted.length && queuedP.length) ? EXIT.partial : EXIT.ok;
  if (json) {
    printJson(io, {
      request_id: id,
      status: r.status,
      submitted: accepted.map((p) => ({ index: p.index, email: p.email, zoom_request_id: p.cp!.zoom_request_id, state: p.cp!.state, cancel_until: p.cp!.cancel_until })),
      queued: queuedP.map((p) => ({ index: p.index, email: p.email })),
      skipped: skipped.map((p) => ({ index: p.index, email: p.email, note: p.cp?.note })),
      failed: failed.map((p) => ({ index: p.index, email: p.email, error: p.error })),
      ...(windows.length ? { cancel_until: windows[windows.length - 1], cancel_command: `zdsar requests cancel ${id}` } : {}),
      ...(queuedP.length ? { resume_command: `zdsar requests resume ${id}` } : {}),
      ...(result.stopped ? { stopped: result.stopped } : {}),
      earlier_packages: earlier,
      purged,
    });
  } else {
    const w = (s: string) => writeLine(io.stderr, s);
    if (accepted.length) {
      w(`Zoom accepted the deletion of ${accepted.map((p) => label(p.index)).join(', ')} (request ${id}).`);
      if (windows.length) w(`It can still be revoked until ${hhmm(windows[windows.length - 1]!)} (30 minutes after Zoom accepted it): zdsar requests cancel ${id}`);
    }
    for (const p of skipped) w(`${label(p.index)}: not submitted: ${p.cp?.note ?? 'skipped'}`);
    for (const p of failed) w(`${label(p.index)}: failed: ${p.error ?? 'refused by Zoom'}`);
    if (queuedP.length) {
      const ours = accepted.some((p) => p.cp?.state === 'Pending' || p.cp?.state === 'Processing');
      const busy = ours ? `and holds the account's one slot for the deletion above (Pending through its 30-minute window, then processing)` : result.stopped ? `(${result.stopped})` : '';
      w(`${queuedP.map((p) => label(p.index)).join(', ')}: queued. Zoom takes one data request at a time ${busy}; submit them once it is free${windows.length ? ` (after ${hhmm(windows[windows.length - 1]!)} at the earliest)` : ''}: zdsar requests resume ${id}`);
    }
    if (result.fatal) w(`Zoom refused: ${result.stopped}. Check the app's scopes (data_request:write:request:admin) with zdsar doctor.`);
    renderEarlier(io, earlier, label, purged.length > 0, false, purged);
    io.stdout.write(id + '\n');
  }
  return code;
}

function renderEarlier(io: CommandContext['io'], earlier: EarlierPackage[], _label: (i: number) => string, purging: boolean, dryRun: boolean, purged: string[] = []): void {
  if (earlier.length === 0) return;
  const w = (s: string) => writeLine(io.stderr, s);
  if (purged.length) {
    w(`Deleted earlier zdsar packages of these people: ${purged.join(', ')}`);
    return;
  }
  w(`Earlier zdsar packages hold copies of these people's data:`);
  for (const e of earlier) w(`  ${e.request_id} (${e.created_at.slice(0, 10)}, ${e.people.length} of them${e.whole ? ', the whole package' : ''}): ${e.out_dir}`);
  if (dryRun && purging) w(`With --purge-packages they are deleted once Zoom accepts the erasure.`);
  else w(`To delete them too, run the same command with --purge-packages (people whose deletion is already in flight are not submitted again).`);
}

/** Emails whose deletion is still in flight (Pending/Processing in Zoom) in an open zoom-delete request: email → request id. */
export async function deletionsInFlight(ledger: Ledger, emails: string[]): Promise<Map<string, string>> {
  const want = new Set(emails.map((e) => e.toLowerCase()));
  const out = new Map<string, string>();
  for (const r of await ledger.list()) {
    if (r.type !== 'zoom-delete' || !OPEN_STATUSES.includes(r.status) || r.purged_at) continue;
    for (const s of r.subjects) {
      if (!s.email || !want.has(s.email) || out.has(s.email)) continue;
      const p = r.progress[String(s.index)]?.[ZOOM_DELETE_CATEGORY];
      const cp = p?.checkpoint as ZoomRequestCheckpoint | undefined;
      if (p?.status === 'in_progress' && cp?.zoom_request_id && (cp.state === 'Pending' || cp.state === 'Processing')) out.set(s.email, r.request_id);
    }
  }
  return out;
}

/** Earlier export packages (not purged, still on disk) holding any of these people. */
export async function earlierPackages(ledger: Ledger, emails: string[]): Promise<EarlierPackage[]> {
  const want = new Set(emails.map((e) => e.toLowerCase()));
  const out: EarlierPackage[] = [];
  for (const r of await ledger.list()) {
    if (r.type !== 'export' || r.purged_at || !r.out_dir) continue;
    const people = r.subjects.filter((s) => s.email && want.has(s.email)).map((s) => ({ index: s.index, email: s.email!, folder: subjectFolder(s.index, s.email!) }));
    if (people.length === 0) continue;
    if (!(await stat(r.out_dir).then((st) => st.isDirectory(), () => false))) continue;
    out.push({ request_id: r.request_id, status: r.status, out_dir: r.out_dir, created_at: r.created_at, people, whole: people.length === r.subjects.length });
  }
  return out;
}

/**
 * Delete those packages (or only the erased people's folders and per-person zips in them). A folder
 * is touched only if it passes the one deletion guard that `zdsar requests purge` uses too
 * (src/ledger/package-guard.ts). The ledger entries of those exports keep their addresses until
 * `zdsar requests purge` hashes them. Recorded as evidence on the deletion request.
 */
export async function purgePackages(ledger: Ledger, deleteId: string, earlier: EarlierPackage[], logger: Logger): Promise<string[]> {
  const removed: string[] = [];
  for (const e of earlier) {
    if (OPEN_STATUSES.includes(e.status as LedgerRequest['status'])) {
      logger.warn(`not deleting ${e.out_dir}: request ${e.request_id} is still ${e.status}`);
      continue;
    }
    const r = await ledger.get(e.request_id);
    const c = r ? await checkPackage(r, ledger.home) : ({ refused: `not deleting ${e.out_dir}: request ${e.request_id} is gone from the ledger` } as const);
    if ('refused' in c) {
      logger.warn(c.refused);
      continue;
    }
    if (!c.exists) continue;
    const gone = await deletePackage(c.dir, e.whole ? undefined : e.people.flatMap((p) => [`subjects/${p.folder}`, `zips/${p.folder}.zip`]));
    if (gone.length === 0) continue;
    removed.push(...gone);
    await ledger.recordEvidence(deleteId, {
      action: 'zdsar.package.purge',
      target: e.request_id,
      outcome: `deleted ${gone.join(', ')}${e.whole ? '' : " (the erased people's folders only; the package's manifest still names them)"}`,
    });
  }
  return removed;
}

// ---------------------------------------------------------------- requests cancel / resume

function peopleOf(r: LedgerRequest): EnginePerson[] {
  return r.subjects
    .filter((s) => s.email)
    .map((s) => {
      const p = r.progress[String(s.index)]?.[ZOOM_DELETE_CATEGORY];
      return { index: s.index, email: s.email!, ...(p ? { status: p.status, cp: p.checkpoint as ZoomRequestCheckpoint, error: p.error } : {}) };
    })
    .filter((p) => !(p.status === 'skipped' && p.cp?.state === 'queued' && p.cp.note?.startsWith('already being deleted')));
}

function clientOf(ctx: CommandContext, r: LedgerRequest, logger: Logger): ZoomClient {
  const plan = ((r.options?.plan as Plan | undefined) ?? loadPlan(ctx.io.env)) as Plan;
  return new ZoomClient({ credentials: loadZoomCredentials(ctx.io.env), plan, signal: ctx.signal, logger, ...clientTuning(ctx.io.env) });
}

/**
 * `zdsar requests cancel <id>` for a zoom-delete request: revoke every Zoom deletion of it that is
 * still in its 30-minute window (DELETE /data_requests/requests/{requestId} → 204), and keep the
 * queued ones from being submitted. Zoom decides: after the window it answers 422 code 14106, which
 * is reported (exit 1) and recorded. Only when everything was revoked is the ledger request canceled.
 */
export async function cancelZoomDelete(ctx: CommandContext, request: LedgerRequest, opts: { json?: boolean; showEmails?: boolean } = {}): Promise<number> {
  if (request.type !== 'zoom-delete') throw new UsageError(`request ${request.request_id} is not a Zoom deletion (it is ${request.type})`);
  const io = ctx.io;
  const ledger = Ledger.open(zdsarHome(io.env));
  const r = (await ledger.get(request.request_id)) ?? request;
  const id = r.request_id;
  if (!OPEN_STATUSES.includes(r.status) && r.status !== 'partial') throw new UsageError(`request ${id} is ${r.status}: there is nothing to revoke`);
  const label = (i: number) => subjectLabel(r, i, Boolean(opts.showEmails));
  const logger = createLogger(io, { quiet: opts.json });
  const people = peopleOf(r);
  const targets = people.filter((p) => p.cp?.zoom_request_id && p.cp.state !== 'Canceled' && p.cp.state !== 'Completed' && p.cp.state !== 'Failed');
  const unsent = people.filter((p) => !p.cp?.zoom_request_id && p.status !== 'skipped' && p.status !== 'failed');
  const revoked: EnginePerson[] = [];
  const tooLate: Array<{ p: EnginePerson; why: string }> = [];
  const errors: Array<{ p: EnginePerson; why: string }> = [];
  const save = (p: EnginePerson, status: 'skipped' | 'in_progress' | 'done', cp: ZoomRequestCheckpoint) => ledger.recordProgress(id, p.index, ZOOM_DELETE_CATEGORY, { status, checkpoint: cp });
  if (targets.length) {
    const client = clientOf(ctx, r, logger);
    try {
      for (const p of targets) {
        const zid = p.cp!.zoom_request_id!;
        try {
          const res = await cancelDataRequest(client, zid);
          revoked.push(p);
          await ledger.recordEvidence(id, { action: 'zoom.data_request.cancel', subject: p.index, target: zid, request: `DELETE /data_requests/requests/${zid}`, response: { status: res.status }, outcome: 'revoked: Zoom will not delete this data' });
          await save(p, 'skipped', { ...p.cp!, state: 'Canceled', note: 'revoked with zdsar requests cancel' });
        } catch (e) {
          if (ctx.signal.aborted || isFatal(e)) throw e instanceof ZoomApiError && isFatal(e) ? new AuthError(`Zoom refused: ${describe(e)}`, 'The app needs data_request:delete:request:admin (classic data_request:write:admin).') : e;
          let why = describe(e);
          let late = isNoLongerCancelable(e);
          if (isZoomCode(e, DATA_REQUEST_CODE.cannotCancel)) {
            // Already canceled (by an admin on the web page, or an earlier run)? The history says.
            const rec = (await findDataRequests(client, [zid]).catch(() => new Map())).get(zid);
            if (rec?.state === 'Canceled') {
              revoked.push(p);
              await save(p, 'skipped', { ...p.cp!, state: 'Canceled', note: 'already canceled in Zoom' });
              continue;
            }
            if (rec && rec.state !== 'Pending') late = true;
            if (rec) why += `; Zoom lists it as ${rec.state}`;
          }
          await ledger.recordEvidence(id, { action: 'zoom.data_request.cancel', subject: p.index, target: zid, request: `DELETE /data_requests/requests/${zid}`, response: e instanceof ZoomApiError ? { status: e.status, body: e.body } : { error: why }, outcome: late ? `too late: ${why}` : `not canceled: ${why}` });
          if (late) {
            tooLate.push({ p, why });
            await save(p, 'in_progress', { ...p.cp!, state: 'Processing' });
          } else errors.push({ p, why });
        }
      }
    } finally {
      await client.close();
    }
  }
  for (const p of unsent) await save(p, 'skipped', { state: 'queued', note: 'never submitted to Zoom: the request was canceled' });

  const allRevoked = tooLate.length === 0 && errors.length === 0;
  if (allRevoked) await ledger.cancel(id);
  else if (revoked.length > 0) await ledger.setStatus(id, 'partial', `revoked ${revoked.length}; ${tooLate.length + errors.length} could not be revoked`);
  const windowEnd = targets.map((p) => p.cp?.cancel_until).filter((x): x is string => Boolean(x)).sort().pop();
  if (opts.json) {
    printJson(io, {
      request_id: id,
      canceled: allRevoked,
      revoked: revoked.map((p) => ({ index: p.index, zoom_request_id: p.cp?.zoom_request_id })),
      not_submitted: unsent.map((p) => ({ index: p.index })),
      too_late: tooLate.map(({ p, why }) => ({ index: p.index, zoom_request_id: p.cp?.zoom_request_id, error: why })),
      errors: errors.map(({ p, why }) => ({ index: p.index, zoom_request_id: p.cp?.zoom_request_id, error: why })),
      ...(windowEnd ? { cancel_until: windowEnd } : {}),
    });
  } else {
    const w = (s: string) => writeLine(io.stderr, s);
    if (revoked.length) w(`Revoked Zoom's deletion of ${revoked.map((p) => label(p.index)).join(', ')}: Zoom will not delete their data.`);
    if (unsent.length) w(`${unsent.map((p) => label(p.index)).join(', ')}: never submitted to Zoom; will not be.`);
    if (tooLate.length) {
      w(`Could not revoke ${tooLate.map(({ p }) => label(p.index)).join(', ')}: Zoom is already deleting their data and it can no longer be canceled (${tooLate[0]!.why}).`);
      if (windowEnd) w(`The 30-minute window ended at ${hhmm(windowEnd)}.`);
    }
    for (const { p, why } of errors) w(`${label(p.index)}: Zoom did not cancel: ${why}`);
    if (allRevoked) w(`Canceled ${id}.`);
    else if (targets.length === 0 && unsent.length === 0) w(`Nothing to revoke in ${id}.`);
  }
  return allRevoked ? EXIT.ok : EXIT.partial;
}

/**
 * `zdsar requests resume <id>` (and a sync) for a zoom-delete request: read Zoom's states, record
 * them, and submit the people still queued once Zoom's slot is free (with the request's --wait, wait
 * for it). Never submits twice.
 */
export async function resumeZoomDelete(ctx: CommandContext, request: LedgerRequest, flags: { json?: boolean; verbose?: boolean; showEmails?: boolean } = {}): Promise<number> {
  const io = ctx.io;
  const ledger = Ledger.open(zdsarHome(io.env));
  const r = (await ledger.get(request.request_id)) ?? request;
  const logger = createLogger(io, { verbose: flags.verbose, quiet: flags.json });
  const label = (i: number) => subjectLabel(r, i, Boolean(flags.showEmails));
  if (r.status !== 'processing') await ledger.setStatus(r.request_id, 'processing', 'resumed');
  const client = clientOf(ctx, r, logger);
  let result: EngineResult;
  try {
    result = await runQueue({
      client,
      ledger,
      requestId: r.request_id,
      category: ZOOM_DELETE_CATEGORY,
      type: 'DELETE',
      people: peopleOf(r),
      body: (emails) => ({ request_type: 'DELETE', emails }),
      signal: ctx.signal,
      logger,
      pollMs: pollFromEnv(io.env),
      deadline: Date.now() + (r.options?.wait ? 3 * 3_600_000 : 0),
      label,
    });
  } finally {
    await client.close();
  }
  await settleStatus(ledger, r.request_id, result);
  const earlier = r.options?.purgePackages ? await earlierPackages(ledger, r.subjects.filter((s) => s.email).map((s) => s.email!)) : [];
  const purged = earlier.length ? await purgePackages(ledger, r.request_id, earlier, logger) : [];
  return report(ctx, ledger, r.request_id, result, [], purged, label, Boolean(flags.json));
}

export { CANCEL_WINDOW_MS };
