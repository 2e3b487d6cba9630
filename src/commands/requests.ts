import type { Command } from 'commander';
import { z } from 'zod';
import { EXIT, UsageError } from '../errors.js';
import { subjectLabel, type LedgerRequest, type RequestType } from '../ledger/index.js';
import { printJson, writeLine } from '../ui/io.js';
import { registerApprove } from './approve.js';
import { registerDeliver } from './deliver.js';
import { action, baseOptions, runContext, withJson, withZoom, type CommandContext } from './context.js';
import { listOptions, purgeOptions } from './requests-view.js';

/** Shown in help; the view module holds the same default. */
const DEFAULT_RETENTION_DAYS = 90;

async function openLedger(ctx: CommandContext) {
  const [{ Ledger }, { zdsarHome }] = await Promise.all([import('../ledger/index.js'), import('../config.js')]);
  return Ledger.open(zdsarHome(ctx.io.env));
}

async function mustGet(ctx: CommandContext, id: string): Promise<LedgerRequest> {
  const ledger = await openLedger(ctx);
  const found = await ledger.get(id);
  // A run whose process is gone is shown (and recorded) as interrupted, not as still running.
  const r = found && (await ledger.settle(found));
  if (!r) throw new UsageError(`no request ${id} in the ledger`, 'zdsar requests list shows them.');
  return r;
}

const loadView = () => import('./requests-view.js');


const jsonOnly = z.strictObject({ json: z.boolean().default(false) });
const runOptions = baseOptions.pick({ plan: true, json: true, verbose: true, showEmails: true });
type RunOptions = z.output<typeof runOptions>;

/** `requests resume`: the workflow that continues each request type (loaded on demand), rendered as its command renders it. */
const RESUME: Partial<Record<RequestType, (ctx: CommandContext, r: LedgerRequest, o: RunOptions) => Promise<number>>> = {
  export: async (ctx, r, o) => {
    const [{ exportFromLedger }, { runExport }] = await Promise.all([import('../dsar/start.js'), import('./export.js')]);
    const prepared = exportFromLedger(ctx.io.env, r);
    if (o.plan) prepared.settings.plan = o.plan;
    return runExport(ctx, prepared, o);
  },
  'zoom-delete': async (ctx, r, o) => {
    const [{ resumeZoomDelete }, { renderDeletion }] = await Promise.all([import('../zoom-data-requests/resume.js'), import('./delete.js')]);
    ctx.failure = { request_id: r.request_id };
    const d = await resumeZoomDelete(ctx.io.env, r, runContext(ctx, o), { showEmails: o.showEmails, plan: o.plan });
    const { certify } = await import('./certify.js');
    return renderDeletion(ctx.io, d, o, await certify(ctx.io.env, r.request_id));
  },
};

/** `requests cancel`: types whose cancel does more than the ledger's (an erasure submitted to Zoom is revoked at Zoom). */
const CANCEL: Partial<Record<RequestType, (ctx: CommandContext, r: LedgerRequest, o: { json: boolean }) => Promise<number>>> = {
  'zoom-delete': async (ctx, r, o) => {
    const [{ cancelZoomDelete }, { renderCancel }] = await Promise.all([import('../zoom-data-requests/cancel.js'), import('./delete.js')]);
    ctx.failure = { request_id: r.request_id };
    const c = await cancelZoomDelete(ctx.io.env, r, runContext(ctx, { json: o.json }));
    return renderCancel(ctx.io, c, (i) => subjectLabel(r, i, false), o.json);
  },
};

/** A request with nothing left to do: said once, exit 0 (scripts re-run commands). */
function nothingToDo(ctx: CommandContext, r: LedgerRequest, json: boolean, why: string): number {
  if (json) printJson(ctx.io, { request_id: r.request_id, status: r.status, nothing_to_do: true, reason: why });
  else writeLine(ctx.io.stderr, `Nothing to do: request ${r.request_id} ${why}.`);
  return EXIT.ok;
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
  $ zdsar requests purge                     what the 90-day retention would delete (a dry run)
  $ zdsar requests purge --yes               delete it

Deadlines: GDPR one month from receipt (+2 months once extended); CCPA 45 days (+45),
receipt confirmed within 10 business days (Mon-Fri; public holidays are not counted out).`,
    );

  withJson(
    requests
      .command('list')
      .description('every request, newest first, with where its answer stands and its legal due date, overdue and due-soon ones marked (purged ones only with --all)')
      .option('--all', 'include requests whose package was purged')
      .option('--due <days>', 'only requests still open and due within this many days, or overdue (e.g. 7d)')
      .option('--overdue', 'only requests past their due date whose answer has not been sent')
      .option('--state <stage>', 'only requests at this stage: collecting, awaiting_review, approved, sent, closed; erasing, erased, confirmed; in_progress, done; canceled'),
  ).action(
    action(ctx, listOptions, async (opts) => {
      const [{ urgency, stageOf }, { summary, dueCell, stdoutPalette, resumeHints, filterList }, { renderTable }, { zdsarHome }] = await Promise.all([
        import('../ledger/index.js'),
        loadView(),
        import('../ui/table.js'),
        import('../config.js'),
      ]);
      const all = await (await openLedger(ctx)).listSettled();
      const now = new Date();
      const shown = filterList(opts.all ? all : all.filter((r) => !r.purged_at), opts, now);
      if (opts.json) {
        printJson(ctx.io, shown.map((r) => summary(r, now, urgency)));
        return;
      }
      const filtered = opts.overdue || opts.due !== undefined || opts.state !== undefined;
      const hidden = filtered ? 0 : all.length - shown.length;
      if (shown.length === 0) {
        writeLine(ctx.io.stderr, filtered ? 'No requests match.' : `No requests in the ledger at ${zdsarHome(ctx.io.env)}${hidden ? ` (${hidden} purged; --all shows them)` : ''}.`);
        return;
      }
      const c = stdoutPalette(ctx.io);
      const rows = shown.map((r) => [
        r.request_id,
        r.type,
        r.purged_at ? `${stageOf(r)} (purged)` : stageOf(r).replace('_', ' '),
        r.status,
        String(r.subjects.length),
        r.received_at.slice(0, 10),
        dueCell(r, now, urgency, c),
        r.requester,
      ]);
      writeLine(ctx.io.stdout, renderTable(['ID', 'TYPE', 'STAGE', 'RUN', 'PEOPLE', 'RECEIVED', 'DUE', 'REQUESTER'], rows));
      for (const line of resumeHints(shown)) writeLine(ctx.io.stderr, line);
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
    action(ctx, runOptions.pick({ json: true, showEmails: true }), async (opts, id: string) => {
      const r = await mustGet(ctx, id);
      if (opts.json) {
        const { stageOf } = await import('../ledger/index.js');
        printJson(ctx.io, { ...r, stage: stageOf(r) });
        return;
      }
      const { personReplacements, scrub, subjectLabel, urgency } = await import('../ledger/index.js');
      const { renderShow, stdoutPalette } = await loadView();
      // Addresses inside evidence and errors (e.g. a URL naming the person) are masked too, unless asked for.
      const view = opts.showEmails ? r : { ...scrub(r, personReplacements(r.subjects)), subjects: r.subjects };
      const { CATEGORIES } = await import('../dsar/categories.js');
      const order = CATEGORIES.map((x) => x.name);
      writeLine(ctx.io.stdout, renderShow(view, new Date(), stdoutPalette(ctx.io), urgency, (i) => subjectLabel(r, i, opts.showEmails), order));
    }),
  );

  const resume = requests
    .command('resume')
    .argument('<id>', 'request id (or a unique prefix)')
    .description('continue an interrupted (or partly failed) request into the same output folder; --json prints the same summary as export --json')
    .option('--show-emails', 'name people by address in progress and log lines (default: by position)');
  withJson(resume);
  withZoom(resume);
  resume.action(
    action(ctx, runOptions, async (o, id: string) => {
      const r = await mustGet(ctx, id);
      ctx.failure = { request_id: r.request_id };
      if (r.status === 'completed') return nothingToDo(ctx, r, o.json, 'is already completed');
      const { resumeRefusal } = await import('../ledger/index.js');
      const refusal = resumeRefusal(r);
      if (refusal) throw new UsageError(refusal);
      const run = RESUME[r.type];
      if (!run) throw new UsageError(`requests of type ${r.type} cannot be resumed: run the command again`);
      return run(ctx, r, o);
    }),
  );

  withJson(
    requests
      .command('cancel')
      .argument('<id>', 'request id (or a unique prefix)')
      .description('cancel a pending or interrupted request: it does nothing more'),
  ).action(
    action(ctx, jsonOnly, async (opts, id: string) => {
      const existing = await mustGet(ctx, id);
      if (existing.status === 'canceled') return nothingToDo(ctx, existing, opts.json, 'is already canceled');
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
      .description('extend the deadline once, for any request not yet answered (GDPR: two further months; CCPA: 45 more days); the original due date is kept')
      .requiredOption('--reason <text>', 'why (required; recorded in the ledger; the person must be told it within the original deadline)'),
  ).action(
    action(ctx, jsonOnly.extend({ reason: z.string() }), async (opts, id: string) => {
      const r = await (await openLedger(ctx)).extend(id, { reason: opts.reason });
      if (opts.json) return printJson(ctx.io, r);
      writeLine(
        ctx.io.stderr,
        `Extended ${r.request_id}: now due ${r.due_at.slice(0, 10)} (was ${r.original_due_at?.slice(0, 10)}). Tell the person of the extension and its reasons before the original deadline.`,
      );
    }),
  );

  withJson(
    requests
      .command('close')
      .argument('<id>', 'request id (or a unique prefix)')
      .description('close a request whose answer is complete (after sent, or an erasure confirmed); the legal clock stops')
      .requiredOption('--reason <text>', 'why it is closed (recorded in the ledger)'),
  ).action(
    action(ctx, jsonOnly.extend({ reason: z.string().trim().min(1, '--reason: must not be empty') }), async (opts, id: string) => {
      const ledger = await openLedger(ctx);
      const r = await mustGet(ctx, id);
      const { stageOf, ACTIONS } = await import('../ledger/index.js');
      if (stageOf(r) === 'closed') return nothingToDo(ctx, r, opts.json, 'is already closed');
      await ledger.recordEvidence(r.request_id, { action: ACTIONS.closed, request: { reason: opts.reason }, outcome: `closed: ${opts.reason}` });
      const after = (await ledger.get(r.request_id))!;
      if (opts.json) return printJson(ctx.io, { request_id: after.request_id, stage: stageOf(after), reason: opts.reason });
      writeLine(ctx.io.stderr, `Closed ${after.request_id} (${stageOf(after)}): ${opts.reason}.`);
    }),
  );

  registerApprove(requests, ctx);
  registerDeliver(requests, ctx);

  withJson(
    requests
      .command('metrics')
      .description('the yearly figures of CCPA regulations §7102 from the ledger: per request type, received, complied with in whole or in part, denied, median and mean days')
      .requiredOption('--year <yyyy>', 'the calendar year the requests were received in (UTC)')
      .addHelpText(
        'after',
        `
Types: know (export), delete (delete, registrants erase). Complied in whole: completed; in part: partial;
denied: canceled. Days: from receipt to the answer (completion, or cancellation for a denial).
Purged requests still count (the ledger keeps their dates and outcome).

Example:
  $ zdsar requests metrics --year 2026 --json`,
      ),
  ).action(
    action(
      ctx,
      jsonOnly.extend({
        year: z
          .string()
          .regex(/^\d{4}$/, '--year: a calendar year, YYYY')
          .transform(Number),
      }),
      async (opts) => {
        const [{ yearMetrics }, { renderTable }] = await Promise.all([import('../ledger/index.js'), import('../ui/table.js')]);
        const m = yearMetrics(await (await openLedger(ctx)).list(), opts.year);
        if (opts.json) return printJson(ctx.io, m);
        const days = (n: number | null) => (n === null ? '-' : n.toFixed(1));
        const rows = m.types.map((t) => [t.type, String(t.received), String(t.complied_in_whole), String(t.complied_in_part), String(t.denied), String(t.open), String(t.failed), days(t.median_days), days(t.mean_days)]);
        writeLine(ctx.io.stdout, renderTable(['TYPE', 'RECEIVED', 'WHOLE', 'IN PART', 'DENIED', 'OPEN', 'FAILED', 'MEDIAN DAYS', 'MEAN DAYS'], rows));
        writeLine(ctx.io.stderr, `Requests received in ${m.year} (CCPA regulations §7102). zdsar takes no opt-out requests; count those where they are handled.`);
      },
    ),
  );

  withJson(
    requests
      .command('verify-identity')
      .argument('<id>', 'request id (or a unique prefix)')
      .description("record how the requester's identity was verified (the types of evidence, never copies); approval, the person's zip and deletion wait for it")
      .requiredOption('--method <method>', 'how identity was checked, e.g. account-email-match, video-call, signed-declaration')
      .requiredOption('--evidence <types>', 'the types of evidence seen, comma-separated names (e.g. passport,zoom-account-email): never the documents or their numbers')
      .requiredOption('--verifier <name>', 'who checked')
      .option('--requester-kind <kind>', 'person (default) or agent: who made the request')
      .option('--agent-authorisation <type>', "with --requester-kind agent: the type of the agent's authorisation (e.g. power-of-attorney, signed-permission)")
      .addHelpText(
        'after',
        `
Examples:
  $ zdsar requests verify-identity r-20260131-091500 --method account-email-match --evidence zoom-account-email,employee-id-card --verifier "Dana DPO"
  $ zdsar requests verify-identity r-20260131-091500 --method document-check --evidence passport --verifier "Dana DPO" \\
      --requester-kind agent --agent-authorisation power-of-attorney
Without it, requests approve, the person's zip and delete --yes refuse (exit 2), unless --no-identity-check --reason TEXT is given (recorded).`,
      ),
  ).action(
    action(
      ctx,
      jsonOnly.extend({ method: z.string(), evidence: z.string(), verifier: z.string(), requesterKind: z.string().optional(), agentAuthorisation: z.string().optional() }),
      async (opts, id: string) => {
        const { identityInput, describeIdentity } = await import('../ledger/index.js');
        const v = identityInput({ ...opts, requester: opts.requesterKind }, { method: '--method', evidence: '--evidence', verifier: '--verifier' });
        const r = await (await openLedger(ctx)).recordIdentity(id, v);
        if (opts.json) return printJson(ctx.io, { request_id: r.request_id, identity: r.identity });
        writeLine(ctx.io.stderr, `Identity for ${r.request_id}: ${describeIdentity(r.identity)}.`);
      },
    ),
  );

  withJson(
    requests
      .command('purge')
      .description(`delete the packages of requests older than the retention period (default ${DEFAULT_RETENTION_DAYS} days) and hash their addresses`)
      .option('--older-than <days>', `retention in days, counted from when a request finished (default ${DEFAULT_RETENTION_DAYS})`)
      .option('--yes', 'delete: without it purge only says what it would delete (a dry run)')
      .option('--dry-run', 'say what would be deleted, delete nothing (the default without --yes)'),
  ).action(
    action(ctx, purgeOptions, async (opts) => {
      const { renderPurge } = await loadView();
      // A dry run unless --yes (like delete and registrants erase); --dry-run wins over --yes.
      const dryRun = opts.dryRun || !opts.yes;
      const results = await (await openLedger(ctx)).purge({ olderThanDays: opts.olderThan, dryRun });
      if (opts.json) return printJson(ctx.io, { dry_run: dryRun, older_than_days: opts.olderThan, results });
      renderPurge(ctx.io, results, dryRun, opts.olderThan);
    }),
  );
}
