import { listenTuning, loadWebhookSecret, loadZoomCredentials, zdsarHome } from '../config.js';
import { UsageError, visible } from '../errors.js';
import { Ledger } from '../ledger/index.js';
import { redact } from '../secrets.js';
import { renderTable } from '../ui/table.js';
import { palette, printJson, type IO } from '../ui/io.js';
import { DEAUTHORIZED, eventKey, retentionOf, retentionRaw } from '../compliance/event.js';
import { readEventBody } from '../compliance/input.js';
import { listen } from '../compliance/listen.js';
import { notifyForEvent, recordDeauthorization, type ComplianceCredentials, type ComplianceDeps } from '../compliance/notify.js';
import { complianceStatus } from '../compliance/status.js';
import type { LedgerLike } from '../compliance/store.js';
import { exitCodeOf, verifyZoomEvent, type VerifyResult } from '../compliance/verify.js';

/**
 * The four `zdsar compliance` commands, wired to the process: read the input, load secrets
 * from the environment (never from flags), call the domain code, render. stdout carries data
 * and --json only; people read stderr.
 */

export interface RunContext {
  io: IO;
  signal: AbortSignal;
}

export interface EventFlags {
  event?: string;
  signature?: string;
  timestamp?: string;
  tolerance: number;
  json?: boolean;
}

function say(io: IO, line: string): void {
  io.stderr.write(redact(line) + '\n');
}

function openLedger(io: IO): { ledger: LedgerLike; home: string } {
  const home = zdsarHome(io.env);
  return { ledger: Ledger.open(home), home };
}

function credentialsFrom(io: IO): () => ComplianceCredentials {
  return () => {
    const c = loadZoomCredentials(io.env);
    return { clientId: c.clientId, clientSecret: c.clientSecret, apiUrl: c.apiUrl };
  };
}

function describeEvent(r: VerifyResult): string {
  if (r.deauth) {
    const p = r.deauth.payload;
    return `app_deauthorized: user ${p.user_id} of account ${p.account_id}, deauthorized ${p.deauthorization_time}, user_data_retention ${retentionRaw(r.deauth.received)} (${retentionOf(p.user_data_retention)})`;
  }
  return r.event ? `${r.event.event} event` : 'event';
}

function age(r: VerifyResult): string {
  if (r.ageSeconds === null) return '';
  return r.ageSeconds >= 0 ? `signed ${r.ageSeconds} s ago` : `signed ${-r.ageSeconds} s in the future`;
}

function reportRejection(io: IO, r: VerifyResult, source?: string): void {
  const p = palette(io);
  const label = r.verdict === 'malformed' ? 'malformed' : r.verdict === 'stale' ? 'stale' : 'not authentic';
  // A malformed body is a problem in the input: name where it came from.
  const where = r.verdict === 'malformed' ? `${source === undefined || source === '-' ? '<stdin>' : source}: ` : '';
  say(io, p.red(`zdsar: ${where}${label}: ${r.reason}`));
  if (r.hint) say(io, `  ${r.hint}`);
}

/** Read the event (--event FILE or stdin) and check it against the webhook secret token. */
async function readAndVerify(io: IO, flags: EventFlags) {
  const body = await readEventBody(flags.event, io.stdin);
  const secret = loadWebhookSecret(io.env);
  return verifyZoomEvent({
    body,
    signature: flags.signature,
    timestamp: flags.timestamp,
    secret,
    now: new Date(),
    toleranceSeconds: flags.tolerance,
  });
}

export async function runVerify(ctx: RunContext, flags: EventFlags): Promise<number> {
  const { io } = ctx;
  const r = await readAndVerify(io, flags);
  if (flags.json) {
    printJson(io, {
      authentic: r.authentic,
      fresh: r.fresh,
      event: r.authentic ? r.event : null,
      reason: r.reason,
      verdict: r.verdict,
      age_seconds: r.ageSeconds,
      ...(r.note ? { note: r.note } : {}),
    });
  }
  if (r.verdict === 'ok') {
    say(io, palette(io).green(`authentic and fresh: ${describeEvent(r)} (${age(r)})`));
    if (r.note) say(io, `  note: ${r.note}`);
  } else {
    reportRejection(io, r, flags.event);
  }
  return exitCodeOf(r.verdict);
}

export interface NotifyFlags extends EventFlags {
  force?: boolean;
}

export async function runNotify(ctx: RunContext, flags: NotifyFlags): Promise<number> {
  const { io } = ctx;
  const r = await readAndVerify(io, flags);

  let { ledger, home }: { ledger?: LedgerLike; home?: string } = {};
  if (r.verdict === 'stale' && r.deauth) {
    // An event recorded when it arrived (by listen or an earlier notify) may be notified later:
    // the deadline is ten days, the replay window five minutes.
    ({ ledger, home } = openLedger(io));
    const known = await ledger.findByKey(eventKey(r.deauth.payload));
    if (known) {
      say(io, `the delivery is older than the tolerance, but this event was recorded on ${known.received_at ?? known.created_at} (request ${known.request_id})`);
      r.verdict = 'ok';
    }
  }
  if (r.verdict !== 'ok') {
    if (flags.json) printJson(io, { action: 'rejected', authentic: r.authentic, fresh: r.fresh, reason: r.reason, verdict: r.verdict });
    reportRejection(io, r, flags.event);
    say(io, '  Nothing was sent to Zoom.');
    return exitCodeOf(r.verdict);
  }
  if (!r.deauth) {
    throw new UsageError(`the event is ${r.event?.event ?? 'unknown'}, not ${DEAUTHORIZED}: there is nothing to notify`);
  }
  if (!ledger || !home) ({ ledger, home } = openLedger(io));

  const deps: ComplianceDeps = {
    ledger,
    home,
    now: () => new Date(),
    signal: ctx.signal,
    credentials: credentialsFrom(io),
    onLockWait: (pid) => say(io, `another zdsar process (pid ${pid}) is sending the notice for this event: waiting for its answer`),
  };
  const { request, created } = await recordDeauthorization(deps, {
    payload: r.deauth.payload,
    received: r.deauth.received,
    body: r.body,
    signature: flags.signature!.trim(),
    timestamp: flags.timestamp!.trim(),
    timestampSeconds: r.timestampSeconds!,
  });
  say(io, `${created ? 'recorded' : 'found'} ${describeEvent(r)}: request ${request.request_id}`);
  const outcome = await notifyForEvent(deps, request, r.deauth, { force: flags.force });
  const p = palette(io);
  for (const w of outcome.warnings) say(io, p.yellow(`warning: ${w}`));
  const line = `${outcome.action}: ${outcome.message}`;
  say(io, outcome.exitCode === 0 ? line : p.red(`zdsar: ${line}`));
  if (flags.json) {
    const { exitCode: _exit, ...rest } = outcome;
    // The value exactly as Zoom sent it (true, false, null, a string; absent stays absent), not its description.
    printJson(io, { ...rest, user_data_retention: r.deauth.received.user_data_retention });
  }
  return outcome.exitCode;
}

export interface ListenFlags {
  port: number;
  tolerance: number;
  onDeauthorize?: string;
  notify?: boolean;
}

export async function runListen(ctx: RunContext, flags: ListenFlags): Promise<number> {
  const { io } = ctx;
  const secret = loadWebhookSecret(io.env);
  const credentials = credentialsFrom(io);
  if (flags.notify) credentials(); // fail now, not at the first event
  const { ledger, home } = openLedger(io);
  return listen(
    { ledger, home, io, secret, signal: ctx.signal, now: () => new Date(), credentials },
    { port: flags.port, toleranceSeconds: flags.tolerance, onDeauthorize: flags.onDeauthorize, notify: Boolean(flags.notify), ...listenTuning(io.env) },
  );
}


export async function runStatus(ctx: RunContext, flags: { json?: boolean }): Promise<number> {
  const { io } = ctx;
  const { ledger } = openLedger(io);
  const summary = complianceStatus(await ledger.list(), new Date());
  if (flags.json) {
    printJson(io, summary);
    return 0;
  }
  const p = palette(io);
  say(
    io,
    `${summary.received} deauthorization event${summary.received === 1 ? '' : 's'}: ${summary.notified} notified, ${summary.retired} retired endpoint, ` +
      `${summary.not_owed} not owed, ${summary.pending} pending, ${summary.overdue > 0 ? p.red(`${summary.overdue} overdue`) : '0 overdue'}`,
  );
  if (summary.events.length === 0) return 0;
  // Fields come from signed but foreign events: shown with control characters made visible.
  const v = (x: unknown) => visible(String(x ?? ''));
  const rows = summary.events.map((e) => [
    v(e.request_id),
    e.state === 'overdue' ? p.red(e.state) : v(e.state),
    v(e.account_id),
    v(e.user_id),
    v(e.deauthorization_time),
    v(e.due_at),
    e.last_notice ? v(`${e.last_notice}${e.last_notice_status ? ` (${e.last_notice_status})` : ''}`) : '-',
  ]);
  io.stdout.write(renderTable(['request', 'state', 'account', 'user', 'deauthorized', 'due', 'last notice'], rows) + '\n');
  return 0;
}
