import type { Command } from 'commander';
import { Writable } from 'node:stream';
import { z } from 'zod';
import { loadPlan, type Plan } from '../config.js';
import { asInvoked, InterruptedError, UsageError } from '../errors.js';
import { isoDay, parseDateArg, parseRegime, type Regime } from '../ledger/index.js';
import type { IO, RunContext } from '../run-context.js';
import { redact } from '../secrets.js';
import { printJson } from '../ui/io.js';
import { createLogger } from '../ui/logger.js';

/** What every command gets from the entry: the channels, the run's abort signal, and a place to put its exit code. */
export interface CommandContext {
  io: IO;
  signal: AbortSignal;
  exitCode: number;
  /** What a --json failure document says besides the error (e.g. the request id once there is one). */
  failure?: Record<string, unknown>;
  /** The command already printed its --json document (and then stops with an error): print no second one. */
  printed?: boolean;
}

export type Register = (program: Command, ctx: CommandContext) => void;

// ---- options: parsed once, here, with zod ---------------------------------------------------

/** A date flag, YYYY-MM-DD; `notAfterToday` refuses a date after today (UTC). */
export function dateOption(flag: string, opts: { notAfterToday?: boolean } = {}) {
  return z.string().transform((v) => {
    const d = parseDateArg(flag, v);
    if (opts.notAfterToday && isoDay(d) > isoDay(new Date())) throw new UsageError(`${flag} ${isoDay(d)} is in the future`);
    return d;
  });
}

/** A number flag: `kind` says what is accepted, for the message. */
export function numberOption(flag: string, kind: string, ok: (n: number) => boolean) {
  return z.string().transform((v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || !ok(n)) throw new UsageError(`${flag}: ${kind} (got "${v}")`);
    return n;
  });
}

/**
 * The flags many commands share. Each command extends it with its own; commander gives the raw
 * strings, and the schema turns them into typed settings (or a UsageError naming the flag: exit 2).
 */
export const baseOptions = z.strictObject({
  plan: z
    .string()
    .transform((v): Plan => loadPlan({}, v))
    .optional(),
  json: z.boolean().default(false),
  verbose: z.boolean().default(false),
  showEmails: z.boolean().default(false),
  regime: z
    .string()
    .transform((v): Regime => parseRegime('--regime', v))
    .optional(),
  received: dateOption('--received', { notAfterToday: true }).optional(),
  requester: z.string().optional(),
  reference: z.string().trim().min(1, '--reference: must not be empty').max(200, '--reference: at most 200 characters').optional(),
});

/** People, as `export` takes them: --csv FILE (or "-"), --emails, or piped stdin. */
export const peopleOptions = z.strictObject({ csv: z.string().optional(), emails: z.string().optional(), emailColumn: z.string().optional(), phoneColumn: z.string().optional() });

/**
 * A logger and run context for a workflow, from the parsed options. With a live progress display,
 * log lines go through it, so they are printed above the spinner instead of over it.
 */
export function runContext(ctx: CommandContext, opts: { verbose?: boolean; json?: boolean; mask?: (text: string) => string }, progress?: { note(line: string): void }): RunContext {
  const io = progress ? { ...ctx.io, stderr: lineWriter((line) => progress.note(line)) } : ctx.io;
  return { logger: createLogger(io, { verbose: opts.verbose, quiet: opts.json, mask: opts.mask }), signal: ctx.signal, now: Date.now };
}

/** A stderr stand-in that hands each written line to `note`. */
function lineWriter(note: (line: string) => void): IO['stderr'] {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().replace(/\n$/, '').split('\n')) note(line);
      done();
    },
  });
}

/** The plan: --plan, else ZDSAR_PLAN, else pro. */
export function planOf(ctx: CommandContext, opts: { plan?: Plan }): Plan {
  return opts.plan ?? loadPlan(ctx.io.env);
}

/**
 * The one action wrapper: parse commander's options with the command's schema, run, and keep the
 * exit code. Errors propagate to src/cli.ts, the only place that turns them into messages and codes.
 * `args` are the command's positional arguments.
 */
export function action<S extends z.ZodType, A extends unknown[] = []>(
  ctx: CommandContext,
  schema: S,
  fn: (opts: z.output<S>, ...args: A) => Promise<number | void>,
) {
  return async (...raw: unknown[]): Promise<void> => {
    // commander calls the action with (...args, options, command).
    const args = raw.slice(0, -2) as A;
    const rawOpts = (raw[raw.length - 2] ?? {}) as { json?: unknown };
    try {
      const parsed = schema.safeParse(rawOpts);
      if (!parsed.success) throw new UsageError(z.prettifyError(parsed.error));
      const code = await fn(parsed.data, ...args);
      ctx.exitCode = code ?? 0;
    } catch (e) {
      // --json: one JSON document on stdout in every outcome, failures included (the message also goes to stderr).
      if (rawOpts.json === true && !ctx.printed) printJson(ctx.io, failureDocument(e, ctx));
      throw e;
    }
  };
}

/** The --json document of a run that stopped with an error. */
function failureDocument(e: unknown, ctx: CommandContext): Record<string, unknown> {
  const interrupted = e instanceof InterruptedError || ctx.signal.aborted;
  const err = e as { message?: string; hint?: string; requestId?: unknown };
  return {
    // An error about one request (refused by the identity gate, canceled) names it.
    ...(typeof err?.requestId === 'string' ? { request_id: err.requestId } : {}),
    ...ctx.failure,
    status: interrupted ? 'interrupted' : 'failed',
    error: { message: redact(asInvoked(err?.message ?? String(e), ctx.io.env)), ...(err?.hint ? { hint: redact(asInvoked(err.hint, ctx.io.env)) } : {}) },
  };
}

/** Shared flags, declared once. */
export function withJson(cmd: Command): Command {
  return cmd.option('--json', 'print one JSON document on stdout in every outcome (no spinner)');
}

export function withPeople(cmd: Command): Command {
  return cmd
    .option('--csv <file>', 'a CSV of people (header with an email column, or one address per line); "-" for stdin')
    .option('--emails <list>', 'comma-separated email addresses; one person\'s further addresses and phone numbers joined with "|", numbers with their country code, spaces allowed (a@x.org|a@old.org|+44 20 7946 0018)')
    .option('--email-column <name>', 'the CSV column that holds the addresses, when the header has several candidates')
    .option('--phone-column <name>', 'the CSV column that holds phone numbers (with country code), when the header has several candidates')
    .option('--show-emails', 'name people by address in progress and log lines (default: by position)');
}

export function withZoom(cmd: Command): Command {
  return cmd
    .option('--plan <plan>', "your Zoom plan's rate limits: free, pro or business (env ZDSAR_PLAN; default pro)")
    .option('--verbose', 'log each request and retry to stderr (secrets are never shown)');
}

/** --requester, --received, --regime: who asked, when, under which law (sets the legal due date). */
export function withRequest(cmd: Command, what: string, regimeDefault?: string): Command {
  return cmd
    .option('--requester <name>', `who asked for this ${what}, for the ledger (default: your OS user)`)
    .option('--reference <text>', "the requester's own reference (their ticket or letter number), kept in the ledger")
    .option('--received <date>', 'when the request reached you, YYYY-MM-DD (sets the legal due date; default: today)')
    .option('--regime <regime>', 'gdpr (one month) or ccpa (45 days) for the due date', regimeDefault);
}

/**
 * A request entered already past its legal due date: said at once on stderr, with the number of
 * days. The one place every command that enters a request (export, delete, registrants erase) calls.
 */
export async function warnIfLate(ctx: CommandContext, request: string | import('../ledger/index.js').LedgerRequest): Promise<void> {
  const [{ Ledger, lateAtEntry }, { zdsarHome }] = await Promise.all([import('../ledger/index.js'), import('../config.js')]);
  const r = typeof request === 'string' ? await Ledger.open(zdsarHome(ctx.io.env)).get(request) : request;
  const late = r && lateAtEntry(r, new Date());
  if (late) ctx.io.stderr.write(late + '\n');
}
