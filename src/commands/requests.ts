import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { LedgerRequest, RequestType } from '../ledger/index.js';
import { printJson, writeLine } from '../ui/io.js';
import { action, withJson, type CommandContext } from './context.js';

/** Shown in help; the view module holds the same default. */
const DEFAULT_RETENTION_DAYS = 90;

async function openLedger(ctx: CommandContext) {
  const [{ Ledger }, { zdsarHome }] = await Promise.all([import('../ledger/index.js'), import('../config.js')]);
  return Ledger.open(zdsarHome(ctx.io.env));
}

async function mustGet(ctx: CommandContext, id: string): Promise<LedgerRequest> {
  const r = await (await openLedger(ctx)).get(id);
  if (!r) throw new UsageError(`no request ${id} in the ledger`, 'zdsar requests list shows them.');
  return r;
}

const loadView = () => import('../ui/requests-view.js');

type RunFlags = { json?: boolean; verbose?: boolean; showEmails?: boolean };

/** `requests resume`: the workflow that continues each request type, loaded on demand. */
const RESUME: Partial<Record<RequestType, (ctx: CommandContext, r: LedgerRequest, flags: RunFlags) => Promise<number | void>>> = {
  export: async (ctx, r, flags) => (await import('../dsar/start.js')).continueExport(ctx, r, flags),
  'zoom-delete': async (ctx, r, flags) => (await import('../zoom-data-requests/resume.js')).resumeZoomDelete(ctx, r, flags),
};

/** `requests cancel`: types whose cancel does more than the ledger's (an erasure submitted to Zoom is revoked at Zoom). */
const CANCEL: Partial<Record<RequestType, (ctx: CommandContext, r: LedgerRequest, flags: RunFlags) => Promise<number | void>>> = {
  'zoom-delete': async (ctx, r, flags) => (await import('../zoom-data-requests/cancel.js')).cancelZoomDelete(ctx, r, flags),
};

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
      const [{ urgency }, { summary, dueCell, stdoutPalette }, { renderTable }, { zdsarHome }] = await Promise.all([
        import('../ledger/index.js'),
        loadView(),
        import('../ui/table.js'),
        import('../config.js'),
      ]);
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
      const { renderShow, stdoutPalette } = await loadView();
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
        const { resumeRefusal } = await import('../ledger/index.js');
        const refusal = resumeRefusal(r);
        if (refusal) throw new UsageError(refusal);
        const resume = RESUME[r.type];
        if (!resume) throw new UsageError(`requests of type ${r.type} cannot be resumed: run the command again`);
        return resume(ctx, r, {});
      }),
    );

  withJson(
    requests
      .command('cancel')
      .argument('<id>', 'request id (or a unique prefix)')
      .description('cancel a pending or interrupted request: it does nothing more'),
  ).action(
    action(ctx, async (id: string, opts: { json?: boolean }) => {
      const existing = await mustGet(ctx, id);
      const cancel = CANCEL[existing.type];
      if (cancel) return cancel(ctx, existing, opts);
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
      const { parsePurgeOptions, renderPurge } = await loadView();
      const opts = parsePurgeOptions(raw);
      const results = await (await openLedger(ctx)).purge({ olderThanDays: opts.olderThan, dryRun: opts.dryRun });
      if (opts.json) return printJson(ctx.io, { dry_run: opts.dryRun, older_than_days: opts.olderThan, results });
      renderPurge(ctx.io, results, opts.dryRun, opts.olderThan);
    }),
  );
}
