/**
 * What the jobs of a Zoom deletion (submit, resume, cancel) share: the ledger category, the poll
 * pace, the people still in play, the client, the ledger status and the summary.
 */
import type { CommandContext } from '../commands/context.js';
import { clientTuning, loadPlan, loadZoomCredentials, type Plan } from '../config.js';
import { EXIT, UsageError } from '../errors.js';
import type { Ledger, LedgerRequest } from '../ledger/index.js';
import { printJson, writeLine } from '../ui/io.js';
import type { Logger } from '../ui/logger.js';
import { ZoomClient } from '../zoom/client.js';
import type { EnginePerson, EngineResult, ZoomRequestCheckpoint } from './engine.js';
import type { EarlierPackage } from './purge.js';

export const ZOOM_DELETE_CATEGORY = 'zoom_delete';

/** Poll and 409 backoff of a deletion (the 30-minute window makes short polls pointless). */
const DELETE_POLL = { min: 15_000, max: 300_000 };

export function pollFromEnv(env: NodeJS.ProcessEnv): { min: number; max: number } {
  // For tests and operators: ZDSAR_ZOOM_POLL_MS=min[,max].
  const raw = env.ZDSAR_ZOOM_POLL_MS;
  if (!raw) return DELETE_POLL;
  const [a, b] = raw.split(',').map((x) => Number(x.trim()));
  if (!Number.isInteger(a) || a! < 1 || (b !== undefined && (!Number.isInteger(b) || b < a!))) throw new UsageError('ZDSAR_ZOOM_POLL_MS must be MIN or MIN,MAX in milliseconds');
  return { min: a!, max: b ?? Math.max(a!, DELETE_POLL.max) };
}

export function hhmm(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z').replace(/:\d{2}Z$/, 'Z');
}

/** The ledger status from the engine's result: completed, partial (some failed), or still processing. */
export async function settleStatus(ledger: Ledger, id: string, result: EngineResult): Promise<void> {
  const refused = result.people.filter((p) => p.cp?.state === 'rejected').length;
  if (result.status === 'completed' && refused === 0) await ledger.setStatus(id, 'completed', 'Zoom completed every deletion');
  else if (result.status !== 'pending') await ledger.setStatus(id, 'partial', `${refused ? `${refused} refused by Zoom (not users of the account)` : 'some deletions failed in Zoom'}`);
}

export async function report(ctx: CommandContext, ledger: Ledger, id: string, result: EngineResult, earlier: EarlierPackage[], purged: string[], label: (i: number) => string, json: boolean): Promise<number> {
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

export function renderEarlier(io: CommandContext['io'], earlier: EarlierPackage[], _label: (i: number) => string, purging: boolean, dryRun: boolean, purged: string[] = []): void {
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

export function peopleOf(r: LedgerRequest): EnginePerson[] {
  return r.subjects
    .filter((s) => s.email)
    .map((s) => {
      const p = r.progress[String(s.index)]?.[ZOOM_DELETE_CATEGORY];
      return { index: s.index, email: s.email!, ...(p ? { status: p.status, cp: p.checkpoint as ZoomRequestCheckpoint, error: p.error } : {}) };
    })
    .filter((p) => !(p.status === 'skipped' && p.cp?.state === 'queued' && p.cp.note?.startsWith('already being deleted')));
}

export function clientOf(ctx: CommandContext, r: LedgerRequest, logger: Logger): ZoomClient {
  const plan = ((r.options?.plan as Plan | undefined) ?? loadPlan(ctx.io.env)) as Plan;
  return new ZoomClient({ credentials: loadZoomCredentials(ctx.io.env), plan, signal: ctx.signal, logger, ...clientTuning(ctx.io.env) });
}
