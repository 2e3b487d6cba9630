import type { Command } from 'commander';
import { z } from 'zod';
import { zdsarHome } from '../config.js';
import { UsageError } from '../errors.js';
import type { LedgerRequest, PurgeResult } from '../ledger/index.js';
import { palette, printJson, writeLine, type IO } from '../ui/io.js';
import { renderTable } from '../ui/table.js';
import { action, withJson, type CommandContext } from './context.js';

const DEFAULT_RETENTION_DAYS = 90;

const purgeOptions = z.object({
  olderThan: z.coerce
    .number({ message: '--older-than: must be a number of days' })
    .int('--older-than: must be a whole number of days')
    .min(0, '--older-than: must be 0 or more days')
    .default(DEFAULT_RETENTION_DAYS),
  dryRun: z.boolean().default(false),
  json: z.boolean().default(false),
});

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new UsageError(r.error.issues[0]?.message ?? 'invalid options');
  return r.data;
}

async function openLedger(ctx: CommandContext) {
  const { Ledger } = await import('../ledger/index.js');
  return Ledger.open(zdsarHome(ctx.io.env));
}

async function mustGet(ctx: CommandContext, id: string): Promise<LedgerRequest> {
  const r = await (await openLedger(ctx)).get(id);
  if (!r) throw new UsageError(`no request ${id} in the ledger`, 'zdsar requests list shows them.');
  return r;
}

export function register(program: Command, ctx: CommandContext): void {
  const requests = program
    .command('requests')
    .description('the request ledger: deadlines, progress, evidence; resume, cancel, extend, purge')
    .addHelpText(
      'after',
      `
Examples:
  $ zdsar requests list                      open and recent requests, overdue ones marked
  $ zdsar requests show r-20260131-091500    everything about one request (an id prefix is enough)
  $ zdsar requests resume r-20260131-091500  continue an interrupted request into the same folder
  $ zdsar requests extend r-20260131-091500 --reason "complex request"
  $ zdsar requests purge --dry-run           what the 90-day retention would delete

Deadlines: GDPR one month from receipt (+2 months once extended); CCPA 45 days (+45),
receipt confirmed within 10 business days (Mon-Fri; public holidays are not counted out).`,
    );

  withJson(
    requests
      .command('list')
      .description('every request, newest first, with its legal due date (purged ones only with --all)')
      .option('--all', 'include requests whose package was purged'),
  ).action(
    action(ctx, async (opts: { json?: boolean; all?: boolean }) => {
      const { urgency } = await import('../ledger/index.js');
      const all = await (await openLedger(ctx)).list();
      const shown = opts.all ? all : all.filter((r) => !r.purged_at);
      const now = new Date();
      if (opts.json) {
        printJson(ctx.io, shown.map((r) => summary(r, now, urgency)));
        return;
      }
      const hidden = all.length - shown.length;
      if (shown.length === 0) {
        writeLine(ctx.io.stderr, `No requests in the ledger at ${zdsarHome(ctx.io.env)}${hidden ? ` (${hidden} purged; --all shows them)` : ''}.`);
        return;
      }
      const c = stdoutPalette(ctx.io);
      const rows = shown.map((r) => [
        r.request_id,
        r.type,
        r.purged_at ? `${r.status} (purged)` : r.status,
        String(r.subjects.length),
        r.received_at.slice(0, 10),
        dueCell(r, now, urgency, c),
        r.requester,
      ]);
      writeLine(ctx.io.stdout, renderTable(['ID', 'TYPE', 'STATUS', 'PEOPLE', 'RECEIVED', 'DUE', 'REQUESTER'], rows));
      if (hidden) writeLine(ctx.io.stderr, `${hidden} purged request${hidden > 1 ? 's' : ''} not shown (--all shows them).`);
    }),
  );

  withJson(
    requests
      .command('show')
      .argument('<id>', 'request id (or a unique prefix)')
      .description('everything about one request: deadlines, per-person progress, errors, evidence')
      .option('--show-emails', 'name people by address (default: by position, #1, #2, …)'),
  ).action(
    action(ctx, async (id: string, opts: { json?: boolean; showEmails?: boolean }) => {
      const r = await mustGet(ctx, id);
      if (opts.json) {
        printJson(ctx.io, r);
        return;
      }
      const { personReplacements, scrub, subjectLabel, urgency } = await import('../ledger/index.js');
      // Addresses inside evidence and errors (e.g. a URL naming the person) are masked too, unless asked for.
      const view = opts.showEmails ? r : { ...scrub(r, personReplacements(r.subjects)), subjects: r.subjects };
      writeLine(ctx.io.stdout, renderShow(view, new Date(), stdoutPalette(ctx.io), urgency, (i) => subjectLabel(r, i, Boolean(opts.showEmails))));
    }),
  );

  requests
    .command('resume')
    .argument('<id>', 'request id (or a unique prefix)')
    .description('continue an interrupted (or partly failed) request into the same output folder')
    .action(
      action(ctx, async (id: string) => {
        const r = await mustGet(ctx, id);
        const { resumeRequest } = await import('../ledger/index.js');
        return resumeRequest(ctx, r);
      }),
    );

  withJson(
    requests
      .command('cancel')
      .argument('<id>', 'request id (or a unique prefix)')
      .description('cancel a pending or interrupted request: it does nothing more'),
  ).action(
    action(ctx, async (id: string, opts: { json?: boolean }) => {
      const r = await (await openLedger(ctx)).cancel(id);
      if (opts.json) return printJson(ctx.io, r);
      writeLine(ctx.io.stderr, `Canceled ${r.request_id}. It does nothing more; a run still in progress stops at its next step.`);
    }),
  );

  withJson(
    requests
      .command('extend')
      .argument('<id>', 'request id (or a unique prefix)')
      .description('extend the deadline once (GDPR: two further months; CCPA: 45 more days)')
      .option('--reason <text>', 'why (recorded in the ledger; the person must be told within the original deadline)'),
  ).action(
    action(ctx, async (id: string, opts: { json?: boolean; reason?: string }) => {
      const r = await (await openLedger(ctx)).extend(id, opts.reason ? { reason: opts.reason } : {});
      if (opts.json) return printJson(ctx.io, r);
      writeLine(
        ctx.io.stderr,
        `Extended ${r.request_id}: now due ${r.due_at.slice(0, 10)}. Tell the person of the extension and its reasons before the original deadline.`,
      );
    }),
  );

  withJson(
    requests
      .command('purge')
      .description(`delete the packages of requests older than the retention period (default ${DEFAULT_RETENTION_DAYS} days) and hash their addresses`)
      .option('--older-than <days>', `retention in days, counted from when a request finished (default ${DEFAULT_RETENTION_DAYS})`)
      .option('--dry-run', 'say what would be deleted, delete nothing'),
  ).action(
    action(ctx, async (raw: { olderThan?: string; dryRun?: boolean; json?: boolean }) => {
      const opts = parse(purgeOptions, raw);
      const results = await (await openLedger(ctx)).purge({ olderThanDays: opts.olderThan, dryRun: opts.dryRun });
      if (opts.json) return printJson(ctx.io, { dry_run: opts.dryRun, older_than_days: opts.olderThan, results });
      renderPurge(ctx.io, results, opts.dryRun, opts.olderThan);
    }),
  );
}

// ---- rendering -------------------------------------------------------------------------

type Palette = ReturnType<typeof palette>;
type UrgencyFn = typeof import('../ledger/index.js').urgency;

/** Colour on stdout only when stdout itself is a terminal (palette() decides on NO_COLOR and TERM). */
function stdoutPalette(io: IO): Palette {
  const p = palette(io);
  if (io.stdout.isTTY) return p;
  const id = (s: string) => s;
  return { red: id, yellow: id, green: id, dim: id, bold: id };
}

/** Whether the legal clock still runs for this request (it does until it is answered or withdrawn). */
function clockRuns(r: LedgerRequest): boolean {
  return r.status !== 'completed' && r.status !== 'canceled';
}

function dueCell(r: LedgerRequest, now: Date, urgency: UrgencyFn, c: Palette): string {
  const date = r.due_at.slice(0, 10) + (r.extended ? ' (ext)' : '');
  if (!clockRuns(r)) return date;
  const u = urgency(new Date(r.due_at), now);
  if (u.urgency === 'overdue') return c.red(c.bold(`${date} OVERDUE ${-u.days}d`));
  if (u.urgency === 'due-soon') return c.yellow(`${date} ${u.days === 0 ? 'due today' : `due in ${u.days}d`}`);
  return date;
}

function summary(r: LedgerRequest, now: Date, urgency: UrgencyFn) {
  const u = urgency(new Date(r.due_at), now);
  return {
    request_id: r.request_id,
    type: r.type,
    status: r.status,
    regime: r.regime,
    requester: r.requester,
    created_at: r.created_at,
    received_at: r.received_at,
    due_at: r.due_at,
    ...(r.acknowledge_by ? { acknowledge_by: r.acknowledge_by } : {}),
    extended: r.extended,
    days_left: u.days,
    urgency: clockRuns(r) ? u.urgency : null,
    subjects: r.subjects,
    ...(r.range ? { range: r.range } : {}),
    ...(r.out_dir ? { out_dir: r.out_dir } : {}),
    errors: r.errors.length,
    ...(r.completed_at ? { completed_at: r.completed_at } : {}),
    ...(r.canceled_at ? { canceled_at: r.canceled_at } : {}),
    ...(r.purged_at ? { purged_at: r.purged_at } : {}),
  };
}

function renderShow(r: LedgerRequest, now: Date, c: Palette, urgency: UrgencyFn, label: (i: number) => string): string {
  const out: string[] = [];
  const field = (k: string, v: string | undefined) => v !== undefined && out.push(`  ${(k + ':').padEnd(16)}${v}`);
  out.push(c.bold(`Request ${r.request_id}`));
  field('type', r.type);
  field('status', r.status);
  field('regime', r.regime.toUpperCase());
  field('requester', r.requester);
  field('received', r.received_at.slice(0, 10));
  if (r.acknowledge_by) field('acknowledge by', `${r.acknowledge_by.slice(0, 10)} (10 business days; holidays not counted out)`);
  field('due', dueCell(r, now, urgency, c) + (r.extended ? '' : ' (not extended)'));
  if (r.range) field('date range', `${r.range.from ?? 'beginning'} to ${r.range.to ?? 'today'}`);
  field('package', r.out_dir);
  field('created', r.created_at);
  field('completed', r.completed_at);
  field('canceled', r.canceled_at);
  field('purged', r.purged_at);
  if (r.key) field('key', r.key);
  if (r.purged_at) {
    out.push('', c.dim(`  Addresses were removed when the package was purged (${r.purged_at.slice(0, 10)}); the ledger keeps a salted hash of each (HMAC-SHA-256).`));
  }

  out.push('', c.bold(`People (${r.subjects.length})`));
  const rows: string[][] = [];
  for (const s of r.subjects) {
    const cats = Object.entries(r.progress[String(s.index)] ?? {});
    if (cats.length === 0) rows.push([label(s.index), s.status ?? '-', '-', '-', '', '']);
    for (const [i, [cat, p]] of cats.entries()) {
      const st = p.status === 'failed' ? c.red(p.status) : p.status === 'done' ? c.green(p.status) : p.status;
      rows.push([i === 0 ? label(s.index) : '', i === 0 ? (s.status ?? '-') : '', cat, st, p.records === undefined ? '' : String(p.records), p.error ?? p.file ?? '']);
    }
  }
  const whole = Object.entries(r.progress['0'] ?? {});
  for (const [i, [cat, p]] of whole.entries()) rows.push([i === 0 ? 'request' : '', '', cat, p.status, p.records === undefined ? '' : String(p.records), p.error ?? p.file ?? '']);
  if (rows.length) out.push(indent(renderTable(['PERSON', 'OUTCOME', 'CATEGORY', 'PROGRESS', 'RECORDS', 'FILE / ERROR'], rows)));

  out.push('', c.bold(`Errors (${r.errors.length})`));
  for (const e of r.errors) {
    const who = [e.subject !== undefined ? label(e.subject) : undefined, e.category].filter(Boolean).join(' ');
    out.push(`  ${e.at}  ${who ? who + ': ' : ''}${c.red(e.message)}`);
  }

  out.push('', c.bold(`Evidence (${r.evidence.length})`));
  for (const e of r.evidence) {
    const who = e.subject !== undefined ? `${label(e.subject)} ` : '';
    out.push(`  ${e.at}  ${who}${e.action}${e.target ? ` ${e.target}` : ''}: ${e.outcome}`);
  }

  out.push('', c.bold('History'));
  for (const h of r.history) out.push(`  ${h.at}  ${h.action}${h.status ? ` ${h.status}` : ''}${h.note ? `: ${h.note}` : ''}`);
  return out.join('\n');
}

function renderPurge(io: IO, results: PurgeResult[], dryRun: boolean, days: number): void {
  const done = results.filter((r) => !r.skipped);
  const verb = dryRun ? 'would delete' : 'deleted';
  if (done.length === 0) writeLine(io.stderr, `Nothing to purge: no finished request is older than ${days} days.`);
  for (const r of done) {
    const what = r.removed.length ? `${verb} ${r.removed.join(', ')}` : `${dryRun ? 'would find' : 'found'} no package left`;
    writeLine(io.stderr, `${r.request_id}: ${what}; ${r.hashed} address${r.hashed === 1 ? '' : 'es'} ${dryRun ? 'would be replaced' : 'replaced'} by salted hashes.`);
  }
  for (const r of results.filter((x) => x.skipped)) writeLine(io.stderr, `${r.request_id}: not purged: ${r.skipped}`);
  if (dryRun && done.length) writeLine(io.stderr, 'Dry run: nothing was deleted.');
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => '  ' + l)
    .join('\n');
}
