/**
 * What the jobs of a Zoom deletion (submit, resume, cancel) share: the ledger category, the poll
 * pace, the people still in play, the client, the ledger status and the result.
 */
import { clientTuning, loadPlan, loadZoomCredentials, type Plan } from '../config.js';
import { UsageError } from '../errors.js';
import type { Ledger, LedgerRequest } from '../ledger/index.js';
import type { RunContext } from '../run-context.js';
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

/** What a submit or a resume of a Zoom deletion did. */
export interface DeletionResult {
  /** The ledger request after the run. */
  request: LedgerRequest;
  result: EngineResult;
  earlier: EarlierPackage[];
  purged: string[];
}

/** The ledger status from the engine's result: completed, partial (some failed), or still processing. */
export async function settleStatus(ledger: Ledger, id: string, result: EngineResult): Promise<void> {
  const refused = result.people.filter((p) => p.cp?.state === 'rejected').length;
  const held = result.people.filter((p) => p.cp?.state === 'held').length;
  const heldText = held ? `${held} under legal hold, not submitted (GDPR Art. 17(3)(e))` : '';
  if (result.status === 'completed' && refused === 0 && held === 0) await ledger.setStatus(id, 'completed', 'Zoom completed every deletion');
  else if (result.status !== 'pending') await ledger.setStatus(id, 'partial', [refused ? `${refused} refused by Zoom (not users of the account)` : held ? '' : 'some deletions failed in Zoom', heldText].filter(Boolean).join('; '));
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

export function clientOf(env: NodeJS.ProcessEnv, r: LedgerRequest, run: RunContext, planOverride?: Plan): ZoomClient {
  const plan = planOverride ?? ((r.options?.plan as Plan | undefined) ?? loadPlan(env));
  return new ZoomClient({ credentials: loadZoomCredentials(env), plan, signal: run.signal, logger: run.logger, ...clientTuning(env) });
}
