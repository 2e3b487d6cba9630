/**
 * `zdsar registrants find` and `zdsar registrants erase`: validate, scan, render; erase also
 * journals in the ledger and acts (only with --yes or a confirmation on a terminal).
 */
import { setMaxListeners } from 'node:events';
import { createInterface } from 'node:readline/promises';
import type { CommandContext } from '../commands/context.js';
import { loadPlan, loadZoomCredentials, zdsarHome, type Plan, type ZoomCredentials, clientTuning } from '../config.js';
import { EXIT, UsageError } from '../errors.js';
import { Ledger, parseDateArg, type Regime } from '../ledger/index.js';
import { readPeople, type Subject } from '../people/subjects.js';
import { palette, printJson, progressEnabled, type IO } from '../ui/io.js';
import { createLogger, type Logger } from '../ui/logger.js';
import { createProgress } from '../ui/progress.js';
import type { RateLimiter } from '../zoom/limiter.js';
import { ZoomClient } from '../zoom/client.js';
import { describeError, isFatal } from '../zoom/errors.js';
import { executeErase, personStatus, planErase, priorOutcomes, type EraseTarget, type TargetResult } from './erase.js';
import { cliError, findRegistrations, matchRecord, type FindResult } from './find.js';
import { DEFAULT_MAX_AGE_HOURS } from './index-store.js';
import { scanSessions, type Match, type ScanStats } from './scan.js';

export interface RegistrantsFlags {
  csv?: string;
  emails?: string;
  json?: boolean;
  yes?: boolean;
  refresh?: boolean;
  maxAge?: string;
  concurrency?: string;
  plan?: string;
  verbose?: boolean;
  showEmails?: boolean;
  requester?: string;
  received?: string;
  regime?: string;
}

interface Settings {
  plan: Plan;
  maxAgeHours: number;
  hostConcurrency: number;
  refresh: boolean;
}

function settingsOf(ctx: CommandContext, flags: RegistrantsFlags): Settings {
  const plan = loadPlan(ctx.io.env, flags.plan);
  let maxAgeHours = DEFAULT_MAX_AGE_HOURS;
  if (flags.maxAge !== undefined) {
    const n = Number(flags.maxAge);
    if (flags.maxAge.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`--max-age: a number of hours, 0 or more (got "${flags.maxAge}")`);
    maxAgeHours = n;
  }
  let hostConcurrency = 8;
  if (flags.concurrency !== undefined) {
    const n = Number(flags.concurrency);
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--concurrency: a whole number from 1 to 64 (got "${flags.concurrency}")`);
    hostConcurrency = n;
  }
  return { plan, maxAgeHours, hostConcurrency, refresh: Boolean(flags.refresh) };
}

function newClient(ctx: CommandContext, credentials: ZoomCredentials, plan: Plan, logger: Logger, limiter?: RateLimiter): ZoomClient {
  // Every request in flight listens to the run's abort signal; a scan has dozens in flight.
  setMaxListeners(256, ctx.signal);
  return new ZoomClient({ credentials, plan, signal: ctx.signal, logger, limiter, ...clientTuning(ctx.io.env) });
}

async function find(ctx: CommandContext, client: ZoomClient, credentials: ZoomCredentials, people: Subject[], s: Settings, logger: Logger, json?: boolean): Promise<FindResult> {
  const progress = createProgress(ctx.io, { json, title: `zdsar registrants: scanning the account for ${people.length} ${people.length === 1 ? 'person' : 'people'}` });
  try {
    return await findRegistrations(
      client,
      people.map((p) => p.email),
      {
        home: zdsarHome(ctx.io.env),
        apiUrl: credentials.apiUrl,
        accountId: credentials.accountId,
        refresh: s.refresh,
        maxAgeHours: s.maxAgeHours,
        hostConcurrency: s.hostConcurrency,
        logger,
        signal: ctx.signal,
        onProgress: (st) => progress.update([progressLine(st)]),
      },
    );
  } catch (e) {
    throw cliError(e, ctx.signal);
  } finally {
    progress.stop();
  }
}

function progressLine(st: ScanStats): string {
  const req = Object.values(st.requests).reduce((a, b) => a + b, 0);
  return `  ${st.hosts} hosts · ${st.meetings} meetings · ${st.webinars} webinars · ${st.registrantListsWalked} registrant lists · ${req} requests${st.throttled ? ` · ${st.throttled} throttled` : ''}`;
}

function scanSummary(r: FindResult) {
  return {
    mode: r.mode,
    covered_until: r.coveredUntil,
    complete: r.complete,
    stats: r.stats,
    problems: r.problems,
    ...(r.index ? { index: r.index } : {}),
  };
}

function describeMode(r: FindResult): string {
  const st = r.stats;
  const req = Object.values(st.requests).reduce((a, b) => a + b, 0);
  if (r.mode === 'index')
    return `Used the local index of the scan of ${r.coveredUntil} and checked ${st.details} matching meetings and webinars live (${req} requests). Registrations made after that scan are not included: use --refresh (or --max-age) to scan again.`;
  return `Scanned ${st.hosts} hosts, ${st.meetings} meetings and ${st.webinars} webinars (${st.registrationSessions} with registration${r.mode === 'incremental' ? `, ${st.reused} unchanged since the last scan and not re-listed` : ''}) with ${req} requests.`;
}

// ---- find --------------------------------------------------------------------------------

export async function runFind(ctx: CommandContext, flags: RegistrantsFlags): Promise<number> {
  const s = settingsOf(ctx, flags);
  const people = await readPeople({ csv: flags.csv, emails: flags.emails, stdin: ctx.io.stdin });
  const credentials = loadZoomCredentials(ctx.io.env);
  const logger = createLogger(ctx.io, { verbose: flags.verbose });
  const client = newClient(ctx, credentials, s.plan, logger);
  let r: FindResult;
  try {
    r = await find(ctx, client, credentials, people, s, logger, flags.json);
  } finally {
    await client.close();
  }
  const io = ctx.io;
  if (flags.json) {
    printJson(io, {
      people: people.map((p) => ({ index: p.index, email: p.email, matches: (r.matches.get(p.email) ?? []).map(matchRecord) })),
      scan: scanSummary(r),
    });
  } else {
    const p = palette(io);
    for (const person of people) {
      const ms = r.matches.get(person.email) ?? [];
      io.stdout.write(`${p.bold(`#${person.index} ${person.email}`)}: ${ms.length === 0 ? 'no registrations found' : `${ms.length} ${ms.length === 1 ? 'registration' : 'registrations'}`}\n`);
      for (const m of ms) io.stdout.write(renderMatch(m));
    }
    io.stderr.write(describeMode(r) + '\n');
    reportProblems(io, r);
  }
  return r.complete ? EXIT.ok : EXIT.partial;
}

function reportProblems(io: IO, r: FindResult): void {
  if (r.complete) return;
  const p = palette(io);
  io.stderr.write(p.yellow(`Some lists could not be read (${r.problems.length}); the answer may be incomplete:\n`));
  for (const x of r.problems.slice(0, 10)) io.stderr.write(`  ${x.where}: ${clean(x.message)}\n`);
  if (r.problems.length > 10) io.stderr.write(`  …and ${r.problems.length - 10} more\n`);
}

/** Terminal-safe text: no control characters or escape sequences from Zoom's data. */
function clean(v: unknown): string {
  // eslint-disable-next-line no-control-regex
  return String(v ?? '').replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

const FIELD_ORDER = ['first_name', 'last_name', 'email', 'address', 'city', 'state', 'zip', 'country', 'phone', 'industry', 'org', 'job_title', 'purchasing_time_frame', 'role_in_purchase_process', 'no_of_employees', 'comments', 'create_time', 'join_url', 'name'];

function renderMatch(m: Match): string {
  const s = m.session;
  const rec = matchRecord(m);
  const what = m.kind === 'panelist' ? 'webinar panelist' : `${s.kind} registration`;
  const recurring = s.type === 3 || s.type === 6 || s.type === 8 || s.type === 9 ? ', recurring' : '';
  const lines = [`  ${what}: ${s.kind} ${s.id} "${clean(s.topic)}"${recurring}${s.start_time ? `, starts ${s.start_time}` : ''}`];
  lines.push(`    ${m.kind === 'panelist' ? 'panelist' : 'registrant'} id ${clean(m.id)}${m.kind === 'registrant' ? ` · ${clean(rec.status)}` : ''}`);
  const occ = rec.occurrences as Array<{ occurrence_id: string; start_time?: string; status: string }> | undefined;
  if (occ && occ.length > 0) lines.push(`    occurrences: ${occ.map((o) => `${o.occurrence_id}${o.start_time ? ` (${o.start_time})` : ''}`).join(', ')}`);
  const held: string[] = [];
  for (const k of FIELD_ORDER) {
    const v = m.record[k];
    if (typeof v === 'string' && v !== '') held.push(`${k}: ${clean(v)}`);
  }
  const cq = m.record.custom_questions;
  if (Array.isArray(cq) && cq.length > 0) held.push(`custom questions: ${cq.map((q) => `${clean((q as Record<string, unknown>).title)} = ${clean((q as Record<string, unknown>).value)}`).join('; ')}`);
  for (const [k, v] of Object.entries(m.record)) {
    if (FIELD_ORDER.includes(k) || k === 'custom_questions' || k === 'id' || k === 'status' || v === '' || v === null || v === undefined) continue;
    held.push(`${k}: ${clean(typeof v === 'object' ? JSON.stringify(v) : v)}`);
  }
  for (const h of held) lines.push(`    ${h}`);
  return lines.join('\n') + '\n';
}

// ---- erase -------------------------------------------------------------------------------

export async function runErase(ctx: CommandContext, flags: RegistrantsFlags): Promise<number> {
  const s = settingsOf(ctx, flags);
  const received = flags.received !== undefined ? parseDateArg('--received', flags.received) : undefined;
  if (received && received.getTime() > Date.now()) throw new UsageError(`--received ${received.toISOString().slice(0, 10)} is in the future`);
  if (flags.regime !== undefined && flags.regime !== 'gdpr' && flags.regime !== 'ccpa') throw new UsageError(`--regime: must be gdpr or ccpa (got "${flags.regime}")`);
  const people = await readPeople({ csv: flags.csv, emails: flags.emails, stdin: ctx.io.stdin });
  const credentials = loadZoomCredentials(ctx.io.env);
  const io = ctx.io;
  const logger = createLogger(io, { verbose: flags.verbose });
  const home = zdsarHome(io.env);
  const ledger = Ledger.open(home);
  const client = newClient(ctx, credentials, s.plan, logger);
  try {
    // Always live: in index mode the matching sessions are listed again before anything is planned.
    const r = await find(ctx, client, credentials, people, s, logger, flags.json);
    const prior = await priorOutcomes(ledger);
    const targets = planErase(people, r.matches, prior);
    const toAct = targets.filter((t) => !t.skip);
    const label = (i: number) => (flags.showEmails ? `#${i} <${people.find((p) => p.index === i)?.email}>` : `#${i}`);

    if (toAct.length === 0) {
      // Idempotent: nothing new to send, so nothing new is recorded either.
      renderPlan(io, people, targets, r, Boolean(flags.json), 'nothing');
      if (!flags.json) io.stderr.write(targets.length > 0 ? 'Nothing to do: Zoom already allows nothing more for these registrations (see the earlier request in `zdsar requests list`).\n' : 'Nothing to do: no registrations found.\n');
      return r.complete ? EXIT.ok : EXIT.partial;
    }
    let act = Boolean(flags.yes);
    if (!act) {
      renderPlan(io, people, targets, r, Boolean(flags.json), 'dry-run');
      if (toAct.length > 0 && !flags.json && interactive(io)) act = await confirm(io, `Erase ${toAct.length} ${toAct.length === 1 ? 'registration' : 'registrations'} now? [y/N] `);
      if (!act) {
        if (!flags.json) io.stderr.write('Dry run: nothing was changed. Run again with --yes to act.\n');
        return r.complete ? EXIT.ok : EXIT.partial;
      }
    }

    // Journal first: the request and, per step, the intended action before it is sent.
    const request = await ledger.create({
      type: 'registrants-erase',
      subjects: people.map((p) => p.email),
      requester: flags.requester,
      receivedAt: received,
      regime: flags.regime as Regime | undefined,
      options: { plan: s.plan, maxAgeHours: s.maxAgeHours, refresh: s.refresh, scan: { mode: r.mode, covered_until: r.coveredUntil, complete: r.complete } },
    });
    const id = request.request_id;
    await ledger.setStatus(id, 'processing');
    for (const x of r.problems) await ledger.recordError(id, { category: 'registrants-scan', message: `${x.where}: ${x.message}` });
    const progress = createProgress(io, { json: flags.json, title: `zdsar registrants erase ${id}` });
    let run;
    try {
      run = await executeErase(client, targets, { ledger, requestId: id, logger, signal: ctx.signal, onStep: (d, n) => progress.update([`  ${d}/${n} requests sent`]) });
    } finally {
      progress.stop();
    }
    if (ctx.signal.aborted) {
      await ledger.setStatus(id, 'partial', 'interrupted; run the same command again to finish (it is idempotent)');
      throw cliError(new Error('interrupted'), ctx.signal);
    }

    // What Zoom still lists for these people in the sessions touched: the truthful answer.
    const touched = new Map<string, { kind: 'meeting' | 'webinar'; id: string }>();
    for (const t of targets) touched.set(`${t.match.session.kind}:${t.match.session.id}`, { kind: t.match.session.kind, id: t.match.session.id });
    const remaining = new Map<string, Match[]>();
    let verified = true;
    if (touched.size > 0 && !run.stopped) {
      try {
        const v = await scanSessions(client, [...touched.values()], {
          wanted: new Set(people.map((p) => p.email)),
          logger,
          signal: ctx.signal,
          onMatch: (m) => remaining.set(m.email, [...(remaining.get(m.email) ?? []), m]),
        });
        verified = v.complete;
      } catch (e) {
        if (isFatal(e) || ctx.signal.aborted) {
          await ledger.setStatus(id, 'partial', `not verified: ${describeError(e)}`);
          throw cliError(e, ctx.signal);
        }
        verified = false;
      }
    } else if (touched.size > 0) verified = false;

    const summary = [];
    for (const p of people) {
      const res = run.results.filter((x) => x.target.subject === p.index);
      const status = personStatus(res, res.length > 0);
      const left = (remaining.get(p.email) ?? []).map((m) => ({ registration_key: m.registration_key, kind: m.kind, session: `${m.session.kind}:${m.session.id}`, statuses: [...new Set(m.listings.map((l) => l.status))], occurrences: m.listings.map((l) => l.occurrence_id).filter((o) => o !== undefined) }));
      await ledger.recordEvidence(id, { action: 'verify', subject: p.index, target: 'zoom-listing', request: { sessions: [...touched.keys()] }, response: { still_listed: left }, outcome: !verified ? 'not_verified' : left.length === 0 ? 'none_remaining' : 'remaining' });
      await ledger.recordProgress(id, p.index, 'registrations', { status: res.some((x) => x.outcome === 'failed' || x.outcome === 'skipped') ? 'failed' : 'done', records: res.length });
      await ledger.setSubjectStatus(id, p.index, status);
      summary.push({ person: p, status, results: res, left });
    }
    const anyFailed = summary.some((x) => x.status === 'failed' || x.status === 'partial');
    const allFailed = summary.every((x) => x.status === 'failed');
    const final = run.stopped ? 'partial' : allFailed ? 'failed' : anyFailed || !r.complete ? 'partial' : 'completed';
    await ledger.setStatus(id, final, run.stopped ? `stopped: ${describeError(run.stopped)}` : undefined);

    if (flags.json) {
      printJson(io, {
        request_id: id,
        status: final,
        dry_run: false,
        people: summary.map((x) => ({
          index: x.person.index,
          email: x.person.email,
          status: x.status,
          results: x.results.map(resultJson),
          still_listed_by_zoom: x.left,
        })),
        verified,
        scan: scanSummary(r),
      });
    } else {
      const pal = palette(io);
      for (const x of summary) {
        const mark = x.status === 'erased' ? pal.green('erased') : x.status === 'not_found' ? 'no registrations found' : x.status === 'restricted' ? pal.yellow('restricted (Zoom keeps some records)') : pal.red(x.status);
        io.stdout.write(`${label(x.person.index)}: ${mark}\n`);
        for (const t of x.results) io.stdout.write(`  ${t.outcome.padEnd(12)} ${targetLine(t.target)}${t.retained ? `\n               ${clean(t.retained)}` : ''}${t.outcome === 'failed' ? `\n               ${clean(t.steps.map((st) => st.zoom_message ?? '').filter(Boolean).join('; '))}` : ''}\n`);
        if (x.left.length > 0) io.stdout.write(`  Zoom still lists: ${x.left.map((l) => `${l.session} (${l.statuses.join('/')})`).join(', ')}\n`);
      }
      io.stderr.write(`${describeMode(r)}\nRecorded in the ledger as request ${id} (zdsar requests show ${id}).\n`);
      reportProblems(io, r);
    }
    if (run.stopped) throw cliError(run.stopped);
    return final === 'completed' ? EXIT.ok : EXIT.partial;
  } finally {
    await client.close();
  }
}

function resultJson(t: TargetResult) {
  return {
    key: t.target.key,
    registration_key: t.target.match.registration_key,
    action: t.target.action,
    kind: t.target.match.session.kind,
    session_id: t.target.match.session.id,
    topic: t.target.match.session.topic,
    id: t.target.match.id,
    ...(t.target.occurrence_id ? { occurrence_id: t.target.occurrence_id } : {}),
    listed_status: t.target.status,
    outcome: t.outcome,
    steps: t.steps,
    ...(t.retained ? { retained: t.retained } : {}),
  };
}

function targetLine(t: EraseTarget): string {
  const s = t.match.session;
  const what = t.action === 'delete_panelist' ? `panelist ${clean(t.match.id)} of webinar ${s.id}` : `${s.kind} ${s.id} registrant ${clean(t.match.id)}`;
  return `${what} "${clean(s.topic)}"${t.occurrence_id ? ` occurrence ${t.occurrence_id}` : ''}${t.status ? ` [${t.status}]` : ''}`;
}

function renderPlan(io: IO, people: Subject[], targets: EraseTarget[], r: FindResult, json: boolean, mode: 'dry-run' | 'nothing'): void {
  if (json) {
    printJson(io, {
      dry_run: mode === 'dry-run',
      ...(mode === 'nothing' ? { status: 'nothing_to_do', request_id: null } : {}),
      people: people.map((p) => ({
        index: p.index,
        email: p.email,
        actions: targets
          .filter((t) => t.subject === p.index)
          .map((t) => ({
            key: t.key,
            registration_key: t.match.registration_key,
            action: t.skip ? 'none' : t.action,
            kind: t.match.session.kind,
            session_id: t.match.session.id,
            topic: t.match.session.topic,
            id: t.match.id,
            ...(t.occurrence_id ? { occurrence_id: t.occurrence_id } : {}),
            listed_status: t.status,
            ...(t.skip ? { note: t.skip.note } : { fallback: t.action === 'delete_registrant' ? (t.status === 'denied' ? 'none (already denied)' : t.status === 'pending' ? 'deny' : 'cancel') : 'none' }),
          })),
      })),
      scan: scanSummary(r),
    });
    return;
  }
  if (mode === 'dry-run') io.stdout.write('Dry run: with --yes, zdsar would:\n');
  for (const p of people) {
    const ts = targets.filter((t) => t.subject === p.index);
    const n = ts.filter((t) => !t.skip).length;
    io.stdout.write(`#${p.index} ${p.email}: ${ts.length === 0 ? 'no registrations found' : n > 0 ? `${n} ${n === 1 ? 'step' : 'steps'}` : 'nothing more Zoom allows'}\n`);
    for (const t of ts) {
      if (t.skip) io.stdout.write(`  nothing    ${targetLine(t)}: ${clean(t.skip.note)}\n`);
      else io.stdout.write(`  delete     ${targetLine(t)}${t.action === 'delete_registrant' && t.status !== 'denied' ? ` (if Zoom refuses: ${t.status === 'pending' ? 'deny' : 'cancel'})` : ''}\n`);
    }
  }
  io.stderr.write(describeMode(r) + '\n');
  reportProblems(io, r);
}

function interactive(io: IO): boolean {
  return Boolean(io.stdin.isTTY) && progressEnabled(io);
}

async function confirm(io: IO, question: string): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  try {
    const a = await rl.question(question);
    return /^y(es)?$/i.test(a.trim());
  } finally {
    rl.close();
  }
}
