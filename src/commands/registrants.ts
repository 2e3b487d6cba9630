import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { z } from 'zod';
import { EXIT } from '../errors.js';
import type { EraseTarget, TargetResult } from '../registrants/erase.js';
import type { FindResult } from '../registrants/find.js';
import { cliError, matchRecord } from '../registrants/records.js';
import type { ErasePlan, EraseOutcome, FindSettings } from '../registrants/run.js';
import type { Match, ScanStats } from '../registrants/scan.js';
import type { IO } from '../run-context.js';
import { describePeopleReport, type PeopleReportView as PeopleReport } from '../ui/people-report.js';
import { palette, printJson, progressEnabled } from '../ui/io.js';
import { certificateLine, certify, type Issued } from './certify.js';
import { createProgress, type Progress } from '../ui/progress.js';
import { addressMask } from '../ui/people.js';
import { action, baseOptions, numberOption, peopleOptions, planOf, runContext, warnIfLate, withJson, withPeople, withRequest, withZoom, type CommandContext } from './context.js';

/** Default hours a complete scan answers without walking every host again (registrants/index-store.ts). */
const DEFAULT_MAX_AGE_HOURS = 6;

const scanOptions = baseOptions.extend({
  ...peopleOptions.shape,
  refresh: z.boolean().default(false),
  maxAge: numberOption('--max-age', 'a number of hours, 0 or more', (n) => n >= 0).default(DEFAULT_MAX_AGE_HOURS),
  concurrency: numberOption('--concurrency', 'a whole number from 1 to 64', (n) => Number.isInteger(n) && n >= 1 && n <= 64).default(8),
});
// erase always walks every host live: it takes no --max-age (the index is never its answer).
const eraseOptions = scanOptions.omit({ maxAge: true }).extend({ yes: z.boolean().default(false) });
type ScanOptions = z.output<typeof scanOptions>;

function findSettings(ctx: CommandContext, o: ScanOptions): FindSettings {
  return { env: ctx.io.env, stdin: ctx.io.stdin, csv: o.csv, emails: o.emails, emailColumn: o.emailColumn, phoneColumn: o.phoneColumn, plan: planOf(ctx, o), maxAgeHours: o.maxAge, hostConcurrency: o.concurrency, refresh: o.refresh };
}

/** The scan's progress line, under a title naming how many people are looked for. */
function scanProgress(io: IO, json: boolean, showEmails: boolean) {
  let progress: Progress | undefined;
  let masker = (s: string) => s;
  return {
    /** Names people as the run does (#N unless --show-emails), once they are read. */
    mask: (s: string) => masker(s),
    onStart: (people: ReadonlyArray<{ index: number; email?: string }>) => {
      masker = addressMask(people, showEmails);
      progress = createProgress(io, { json, title: `zdsar registrants: scanning the account for ${people.length} ${people.length === 1 ? 'person' : 'people'}` });
    },
    onScan: (st: ScanStats) => progress?.update(() => [progressLine(st)]),
    /** A log line: above the spinner while it runs. */
    note: (line: string) => (progress ? progress.note(line) : io.stderr.write(line + '\n')),
    stop: () => {
      progress?.stop();
      progress = undefined;
    },
  };
}

function withScan(cmd: Command, opts: { maxAge: boolean }): Command {
  cmd.option('--refresh', 'ignore the local index and scan the whole account again (rebuilds the index)');
  // Only find may be answered from the index: erase always walks every host live.
  if (opts.maxAge) cmd.option('--max-age <hours>', 'how long a complete scan answers without walking every host again (default 6; 0: always walk)');
  return cmd.option('--concurrency <n>', 'hosts scanned at once (default 8; Zoom\'s rate limits pace the requests)');
}

export function register(program: Command, ctx: CommandContext): void {
  const registrants = program
    .command('registrants')
    .description("a person's meeting and webinar registrations (and webinar panelist seats) across the whole account: find, erase")
    .addHelpText(
      'after',
      `
Zoom has no search by registrant email, so zdsar walks every host's meetings and webinars that take
registration and lists their registrants (approved, pending and denied). A local index of keyed
hashes (ZDSAR_HOME/registrants) makes the next find cheaper (see --max-age and --refresh); erase never
trusts it: it walks every host live, so a registration made since the last scan is not missed.

Examples:
  $ zdsar registrants find --emails jordan@example.com
  $ zdsar registrants find --csv people.csv --json
  $ zdsar registrants erase --emails jordan@example.com          dry run: shows what would be done
  $ zdsar registrants erase --emails jordan@example.com --yes    deletes, journaled in the ledger`,
    );

  const find = registrants.command('find').description('find every registration and panelist seat of up to 50 people (same input as export)');
  withPeople(find);
  withJson(find);
  withScan(find, { maxAge: true });
  withZoom(find);
  find
    .addHelpText(
      'after',
      `
Exit codes: 0 every list was read, 1 some lists could not be read (the answer may be incomplete), 2 bad input, 3 credentials or scopes.`,
    )
    .action(
      action(ctx, scanOptions, async (o) => {
        const { findPeople } = await import('../registrants/run.js');
        const sp = scanProgress(ctx.io, o.json, o.showEmails);
        let found;
        try {
          found = await findPeople(findSettings(ctx, o), { ...runContext(ctx, { verbose: o.verbose, mask: sp.mask }, sp), onStart: sp.onStart, onScan: sp.onScan, onInput: (r) => showInput(ctx.io, r, o.json) });
        } finally {
          sp.stop();
        }
        return renderFind(ctx.io, found.people, found.scan, o.json, sp.mask);
      }),
    );

  const erase = registrants
    .command('erase')
    .description('delete those registrations and panelist seats (dry run unless --yes); where Zoom refuses, cancel or deny and say so');
  withPeople(erase);
  withJson(erase);
  erase.option('--yes', 'act: without it erase only prints what it would do (or asks on a terminal)');
  withRequest(erase, 'erasure');
  withScan(erase, { maxAge: false });
  withZoom(erase);
  erase
    .addHelpText(
      'after',
      `
Every host is walked live before anything is done (the index of find is not trusted here; it only
lets unchanged past sessions without this person be skipped). Each step is written to the ledger
before it is sent, with Zoom's answer after. Running it again does nothing new.
Exit codes: 0 done (deleted, or canceled/denied where Zoom allows no more), 1 some steps failed or lists
could not be read, 2 bad input, 3 credentials or scopes.`,
    )
    .action(
      action(ctx, eraseOptions, async (o) => {
        const { eraseRegistrations } = await import('../registrants/run.js');
        const io = ctx.io;
        const sp = scanProgress(io, o.json, o.showEmails);
        let steps: Progress | undefined;
        let out: EraseOutcome;
        let input: PeopleReport | undefined;
        try {
          out = await eraseRegistrations(
            // Always live: max age 0, so a registration made since the last find is not missed.
            { ...findSettings(ctx, { ...o, maxAge: 0 }), requester: o.requester, reference: o.reference, received: o.received, regime: o.regime },
            {
              ...runContext(ctx, { verbose: o.verbose, mask: sp.mask }, { note: (line) => (steps ? steps.note(line) : sp.note(line)) }),
              onStart: sp.onStart,
              onScan: sp.onScan,
              onInput: (r) => {
                input = r;
                showInput(io, r, o.json);
              },
              decide: async (plan) => {
                sp.stop();
                if (o.yes) return true;
                renderPlan(io, plan, o.json, 'dry-run', sp.mask, input);
                const n = plan.toAct.length;
                if (!o.json && interactive(io)) return confirm(io, `Erase ${n} ${n === 1 ? 'registration' : 'registrations'} now? [y/N] `);
                return false;
              },
              onErasing: (id) => {
                ctx.failure = { request_id: id };
                steps = createProgress(io, { json: o.json, title: `zdsar registrants erase ${id}` });
              },
              onStep: (d, n) => steps?.update(() => [`  ${d}/${n} requests sent`]),
            },
          );
        } finally {
          sp.stop();
          steps?.stop();
        }
        if (out.kind === 'done') await warnIfLate(ctx, out.requestId);
        const cert = out.kind === 'done' ? await certify(io.env, out.requestId) : undefined;
        const code = renderErase(io, out, o, sp.mask, input, cert);
        if (out.kind === 'done' && out.stopped) {
          // Zoom stopped the run (credentials, scopes, a daily limit): the summary above is the --json document.
          ctx.printed = true;
          throw cliError(out.stopped);
        }
        return code;
      }),
    );
}

function renderFind(io: IO, people: Array<{ index: number; email: string }>, r: FindResult, json: boolean, mask: (s: string) => string): number {
  if (json) {
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
    reportProblems(io, r, mask);
  }
  return r.complete ? EXIT.ok : EXIT.partial;
}

function renderErase(io: IO, out: EraseOutcome, o: { json: boolean; showEmails: boolean }, mask: (s: string) => string, input?: PeopleReport, cert?: Issued): number {
  const r = out.scan;
  if (out.kind === 'nothing') {
    renderPlan(io, out, o.json, 'nothing', mask, input);
    if (!o.json) io.stderr.write(out.targets.length > 0 ? 'Nothing to do: Zoom already allows nothing more for these registrations (see the earlier request in `zdsar requests list`).\n' : 'Nothing to do: no registrations found.\n');
    return r.complete ? EXIT.ok : EXIT.partial;
  }
  if (out.kind === 'dry-run') {
    if (!o.json) io.stderr.write('Dry run: nothing was changed. Run again with --yes to act.\n');
    return r.complete ? EXIT.ok : EXIT.partial;
  }
  const { requestId: id, status: final, erasures: summary, verified } = out;
  const label = (i: number) => (o.showEmails ? `#${i} <${out.people.find((p) => p.index === i)?.email}>` : `#${i}`);
  if (o.json) {
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
      ...(cert ? { certificate: cert } : {}),
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
    certificateLine(io, cert);
    reportProblems(io, r, mask);
  }
  return final === 'completed' ? EXIT.ok : EXIT.partial;
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


function reportProblems(io: IO, r: FindResult, mask: (s: string) => string): void {
  if (r.complete) return;
  const p = palette(io);
  io.stderr.write(p.yellow(`Some lists could not be read (${r.problems.length}); the answer may be incomplete:\n`));
  for (const x of r.problems.slice(0, 10)) io.stderr.write(mask(`  ${x.where}: ${clean(x.message)}`) + '\n');
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

/** How the input's rows became people, on stderr (no addresses). */
function showInput(io: IO, r: PeopleReport, json: boolean): void {
  if (!json) for (const l of describePeopleReport(r)) io.stderr.write(l + '\n');
}

function renderPlan(io: IO, plan: ErasePlan, json: boolean, mode: 'dry-run' | 'nothing', mask: (s: string) => string, input?: PeopleReport): void {
  const { people, targets, scan: r } = plan;
  if (json) {
    printJson(io, {
      dry_run: mode === 'dry-run',
      ...(input ? { input } : {}),
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
    // Who exactly, and where in the input they came from (a destructive dry run must show it).
    const from = `${p.source}${input?.column !== undefined ? `, column ${JSON.stringify(input.column)}` : ''}`;
    io.stdout.write(`#${p.index} ${p.email} (${from}): ${ts.length === 0 ? 'no registrations found' : n > 0 ? `${n} ${n === 1 ? 'step' : 'steps'}` : 'nothing more Zoom allows'}\n`);
    for (const t of ts) {
      if (t.skip) io.stdout.write(`  nothing    ${targetLine(t)}: ${clean(t.skip.note)}\n`);
      else io.stdout.write(`  delete     ${targetLine(t)}${t.action === 'delete_registrant' && t.status !== 'denied' ? ` (if Zoom refuses: ${t.status === 'pending' ? 'deny' : 'cancel'})` : ''}\n`);
    }
  }
  io.stderr.write(describeMode(r) + '\n');
  reportProblems(io, r, mask);
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
