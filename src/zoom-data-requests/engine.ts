/**
 * The queue behind `--zoom-export` and `zdsar delete`: Zoom's Data & Privacy requests for up to 50
 * people, at most 10 emails per POST, one POST in process per account at a time.
 *
 * - People are taken in order, ten per POST ("batch"). The next batch is submitted only when every
 *   request of the previous one is final (Completed, Failed or Canceled).
 * - 409 code 14114 (another request, ours or another app's, holds the account's slot): wait politely,
 *   doubling from pollMs.min to pollMs.max, logged, until the deadline; then the rest stays queued
 *   and `zdsar requests resume <id>` submits it later.
 * - 400 code 14111 names emails that are not users of the account: those people are settled as
 *   "skipped" (Zoom's Data & Privacy covers account users) and the rest is submitted again.
 * - The state lives in the ledger, per person, under `category` (zoom_export / zoom_delete), written
 *   before each POST ("submitting") and after Zoom's answer (its request id). A POST whose answer was
 *   lost (network error, crash) is reconciled with the history before anything is sent again, so
 *   a resumed run never submits twice.
 * - Polling reads the history (GET /data_requests/requests), with backoff from pollMs.min to
 *   pollMs.max; each Completed request is handed to `onCompleted` at once (the export downloads its
 *   files while their five-minute links can be issued).
 */
import type { HoldFinding } from './holds.js';
import type { Ledger, ProgressStatus } from '../ledger/index.js';
import type { Logger } from '../run-context.js';
import type { ZoomClient } from '../zoom/client.js';
import {
  FINAL_STATES,
  MAX_EMAILS_PER_REQUEST,
  createDataRequest,
  dataRequestHistory,
  findDataRequests,
  invalidAccountEmails,
  isBusy,
  isNoPermission,
  isZoomCode,
  DATA_REQUEST_CODE,
  type CreateDataRequest,
  type DataRequestRecord,
  type DataRequestState,
  type DataRequestType,
  requestKind,
} from '../zoom/endpoints/data-privacy.js';
import { ZoomApiError, ZoomConnectionError, describeError, isFatal } from '../zoom/errors.js';
import type { PlacedFile } from './place.js';

export type ZoomCategory = 'zoom_export' | 'zoom_delete';

export interface ZoomRequestCheckpoint {
  /** Which POST of this zdsar request (1-based). */
  batch?: number;
  /** held: under a Team Chat legal hold, not submitted (holds.ts). */
  state: 'queued' | 'submitting' | 'rejected' | 'held' | DataRequestState;
  /** held: the matters holding the person's data. */
  holds?: HoldFinding[];
  zoom_request_id?: string;
  /** When the POST was about to be sent (for reconciling a lost answer). */
  submitting_at?: string;
  submitted_at?: string;
  /** DELETE: until when Zoom lets an admin revoke it (submitted_at + 30 minutes). */
  cancel_until?: string;
  failed_reason?: string;
  /** EXPORT: the files placed in the person's folder. */
  files?: PlacedFile[];
  note?: string;
}

export interface EnginePerson {
  index: number;
  email: string;
  status?: ProgressStatus;
  cp?: ZoomRequestCheckpoint;
  error?: string;
}

export interface EngineOptions {
  client: ZoomClient;
  ledger: Ledger;
  requestId: string;
  category: ZoomCategory;
  type: DataRequestType;
  people: EnginePerson[];
  body: (emails: string[]) => CreateDataRequest;
  signal: AbortSignal;
  logger: Logger;
  pollMs: { min: number; max: number };
  /** ms since epoch: stop waiting then (Zoom keeps working; resume picks it up). */
  deadline: number;
  /** Name people in log lines ("#3"). */
  label: (index: number) => string;
  /** A request became Completed: do the type's work (download). Return the checkpoint to record, or throw. */
  onCompleted?: (p: EnginePerson, record: DataRequestRecord | undefined) => Promise<Partial<ZoomRequestCheckpoint>>;
  /** Attempts of onCompleted per person per run before it is recorded as failed (default 3). */
  maxCompletionAttempts?: number;
}

export interface EngineResult {
  status: 'completed' | 'pending' | 'failed';
  people: EnginePerson[];
  /** 409s waited through. */
  busyWaits: number;
  /** POSTs sent in this run. */
  submissions: number;
  /** Why the run stopped early, if it did (a deadline, a refusal that stops everything). */
  stopped?: string;
  /** The error that stopped everything (credentials, scopes, a daily rate limit). */
  fatal?: unknown;
}

/**
 * What stops the queue (the rest stays queued, resumable): anything fatal for the run (zoom/errors.ts),
 * and Zoom's "No permission" for data requests (the app may not use them).
 */
export function stopsQueue(e: unknown): boolean {
  return isFatal(e) || isNoPermission(e);
}

function final(p: EnginePerson): boolean {
  return p.status === 'done' || p.status === 'skipped' || (p.status === 'failed' && p.cp?.state !== 'Completed');
}

function inFlight(p: EnginePerson): boolean {
  return Boolean(p.cp?.zoom_request_id) && !final(p);
}

function queued(p: EnginePerson): boolean {
  return !p.cp || p.cp.state === 'queued';
}

export async function runQueue(o: EngineOptions): Promise<EngineResult> {
  const { ledger, requestId, category, logger, signal } = o;
  const clock = o.client.retry.clock;
  const people = o.people;
  const result: EngineResult = { status: 'pending', people, busyWaits: 0, submissions: 0 };
  const attempts = new Map<number, number>();
  const maxAttempts = o.maxCompletionAttempts ?? 3;
  const gaveUp = new Set<number>();
  let delay = o.pollMs.min;

  const save = async (p: EnginePerson, status: ProgressStatus, cp: ZoomRequestCheckpoint, error?: string) => {
    p.status = status;
    p.cp = cp;
    p.error = error;
    await ledger.recordProgress(requestId, p.index, category, { status, checkpoint: cp, ...(error ? { error } : {}) });
  };
  const evidence = (e: Parameters<Ledger['recordEvidence']>[1]) => ledger.recordEvidence(requestId, e);
  const nextBatch = () => Math.max(0, ...people.map((p) => p.cp?.batch ?? 0)) + 1;

  // A POST whose answer never arrived: find what Zoom created before sending anything again.
  const submitting = people.filter((p) => p.cp?.state === 'submitting');
  if (submitting.length) await reconcile(o, submitting, save, evidence);

  let rejectedLoops = 0;
  for (;;) {
    signal.throwIfAborted();
    const flying = people.filter((p) => inFlight(p) && !gaveUp.has(p.index));
    if (flying.length > 0) {
      const changed = await pollOnce(o, flying, save, evidence, attempts, maxAttempts, gaveUp);
      if (people.filter((p) => inFlight(p) && !gaveUp.has(p.index)).length === 0) {
        delay = o.pollMs.min;
        continue;
      }
      if (changed) delay = o.pollMs.min;
      if (clock.now() + delay > o.deadline) {
        result.stopped = 'Zoom is still processing';
        break;
      }
      logger.debug(`Zoom data requests: ${flying.length} still processing; checking again in ${secs(delay)}`);
      await o.client.retry.sleep(delay, signal);
      delay = Math.min(o.pollMs.max, Math.ceil(delay * 1.5));
      continue;
    }
    const batch = people.filter(queued).slice(0, MAX_EMAILS_PER_REQUEST);
    if (batch.length === 0) break;
    const outcome = await submit(o, batch, nextBatch(), save, evidence, result);
    if (outcome === 'stop') break;
    if (outcome === 'rejected' && ++rejectedLoops > 10) {
      result.stopped = 'Zoom kept refusing the emails';
      break;
    }
  }

  const open = people.some((p) => !final(p) && !gaveUp.has(p.index));
  const failed = people.some((p) => p.status === 'failed');
  result.status = open ? 'pending' : failed ? 'failed' : 'completed';
  return result;
}

type Save = (p: EnginePerson, status: ProgressStatus, cp: ZoomRequestCheckpoint, error?: string) => Promise<void>;
type Evidence = (e: Parameters<Ledger['recordEvidence']>[1]) => Promise<void>;

async function submit(o: EngineOptions, batch: EnginePerson[], batchNo: number, save: Save, evidence: Evidence, result: EngineResult): Promise<'ok' | 'rejected' | 'stop'> {
  const { logger, signal } = o;
  const retry = o.client.retry;
  const who = batch.map((p) => o.label(p.index)).join(', ');
  let wait = o.pollMs.min;
  for (let lost = 0; ; ) {
    signal.throwIfAborted();
    const body = o.body(batch.map((p) => p.email));
    const at = new Date(retry.clock.now()).toISOString();
    for (const p of batch) await save(p, 'in_progress', { batch: batchNo, state: 'submitting', submitting_at: at });
    try {
      result.submissions++;
      const res = await createDataRequest(o.client, body);
      const now = new Date(retry.clock.now());
      const byEmail = new Map(res.data.map((d) => [d.email.toLowerCase(), d.request_id]));
      for (const p of batch) {
        const id = byEmail.get(p.email.toLowerCase());
        if (!id) {
          await save(p, 'failed', { batch: batchNo, state: 'rejected', submitted_at: now.toISOString() }, `Zoom's answer named no request for this person`);
          continue;
        }
        await save(p, 'in_progress', {
          batch: batchNo,
          state: 'Pending',
          zoom_request_id: id,
          submitted_at: now.toISOString(),
          ...(o.type === 'DELETE' ? { cancel_until: new Date(now.getTime() + 30 * 60_000).toISOString() } : {}),
        });
      }
      await evidence({
        action: `zoom.data_request.${o.type.toLowerCase()}`,
        target: 'POST /data_requests/requests',
        request: body,
        response: { status: res.status, body: res.body },
        outcome: `Zoom created ${res.data.length} ${o.type} request${res.data.length === 1 ? '' : 's'} (batch ${batchNo}: ${who})`,
      });
      // A deletion's command reports this itself (with its cancel window).
      (o.type === 'EXPORT' ? logger.info : logger.debug)(`Zoom accepted the ${o.type === 'EXPORT' ? 'export' : 'deletion'} request for ${who} (batch ${batchNo})`);
      return 'ok';
    } catch (e) {
      if (signal.aborted) throw signal.reason ?? e;
      if (isBusy(e)) {
        // Nothing was created: back to the queue (written once per POST, so a resumed run submits them).
        for (const p of batch) await save(p, 'in_progress', { state: 'queued', note: 'waiting: another data request is in process on the account (409, code 14114)' });
        if (retry.clock.now() + wait > o.deadline) {
          logger.info(`Zoom is processing another data request on this account (409, code 14114); ${who} stay queued: zdsar requests resume ${o.requestId} submits them later`);
          result.stopped = 'another data request holds the account (409, code 14114)';
          return 'stop';
        }
        result.busyWaits++;
        logger.info(`Zoom is processing another data request on this account (409, code 14114): waiting ${secs(wait)} before submitting ${who}`);
        await retry.sleep(wait, signal);
        wait = Math.min(o.pollMs.max, wait * 2);
        continue;
      }
      const invalid = invalidAccountEmails(e);
      if (isZoomCode(e, DATA_REQUEST_CODE.invalidAccounts) && invalid.length > 0) {
        const refused = batch.filter((p) => invalid.includes(p.email.toLowerCase()));
        for (const p of batch) if (!refused.includes(p)) await save(p, 'in_progress', { state: 'queued' });
        for (const p of refused) {
          await save(p, 'skipped', { batch: batchNo, state: 'rejected', note: "not a user of this account: Zoom's Data & Privacy requests cover the account's users (400, code 14111)" });
        }
        await evidence({ action: `zoom.data_request.${o.type.toLowerCase()}`, target: 'POST /data_requests/requests', request: body, response: errorBody(e), outcome: `refused: ${refused.length} not users of this account (code 14111)` });
        (o.type === 'EXPORT' ? logger.info : logger.debug)(`Zoom refused ${refused.map((p) => o.label(p.index)).join(', ')}: not users of this account (code 14111)`);
        if (refused.length === 0) {
          for (const p of batch) await save(p, 'failed', { batch: batchNo, state: 'rejected' }, describeError(e));
        }
        return 'rejected';
      }
      if (e instanceof ZoomConnectionError || (e instanceof ZoomApiError && e.status >= 500)) {
        // The POST may have been applied: look before sending it again. Once the history shows it was
        // not, it is as if never sent, and the retry policy decides (repeatable, at most two more).
        const found = await reconcile(o, batch, save, evidence);
        if (found > 0) return 'ok';
        const d = retry
          .with({ maxRetries: 2 })
          .decide('POST', e instanceof ZoomConnectionError ? { kind: 'network', code: e.causeCode } : { kind: 'status', status: (e as ZoomApiError).status }, lost++, true);
        if (!d.retry) {
          for (const p of batch) await save(p, 'in_progress', { state: 'queued', note: describeError(e) });
          result.stopped = `Zoom did not answer the data request: ${describeError(e)}`;
          await o.ledger.recordError(o.requestId, { category: o.category, message: result.stopped });
          return 'stop';
        }
        await retry.sleep(Math.max(d.waitMs, wait), signal);
        continue;
      }
      if (stopsQueue(e)) {
        for (const p of batch) await save(p, 'in_progress', { state: 'queued', note: describeError(e) });
        result.stopped = describeError(e);
        result.fatal = e;
        await o.ledger.recordError(o.requestId, { category: o.category, message: describeError(e) });
        logger.warn(`Zoom refused the data request: ${describeError(e)}`);
        return 'stop';
      }
      // Anything else (bad request, migration in progress …): these people fail; the others go on.
      for (const p of batch) await save(p, 'failed', { batch: batchNo, state: 'rejected' }, describeError(e));
      await evidence({ action: `zoom.data_request.${o.type.toLowerCase()}`, target: 'POST /data_requests/requests', request: body, response: errorBody(e), outcome: `refused: ${describeError(e)}` });
      await o.ledger.recordError(o.requestId, { category: o.category, message: describeError(e) });
      logger.warn(`Zoom refused the data request for ${who}: ${describeError(e)}`);
      return 'rejected';
    }
  }
}

/** Adopt what Zoom created for these people after their POST was sent; the others go back to the queue. */
async function reconcile(o: EngineOptions, people: EnginePerson[], save: Save, evidence: Evidence): Promise<number> {
  const since = Math.min(...people.map((p) => Date.parse(p.cp?.submitting_at ?? '') || o.client.retry.clock.now())) - 5 * 60_000;
  const known = new Set(o.people.map((p) => p.cp?.zoom_request_id).filter((x): x is string => Boolean(x)));
  const want = new Map(people.map((p) => [p.email.toLowerCase(), p]));
  const found = new Map<EnginePerson, DataRequestRecord>();
  let seen = 0;
  try {
    for await (const r of dataRequestHistory(o.client)) {
      if (++seen > 300) break;
      const p = want.get(String(r.user_identifier).toLowerCase());
      if (!p || found.has(p) || known.has(r.request_id) || requestKind(r.request_type) !== o.type || r.is_current_user === false) continue;
      if (Date.parse(r.created_at) < since) continue;
      found.set(p, r);
    }
  } catch (e) {
    if (o.signal.aborted) throw e;
    o.logger.warn(`could not read Zoom's data request history to check an unanswered request: ${describeError(e)}`);
    return 0;
  }
  for (const p of people) {
    const r = found.get(p);
    if (r) {
      await save(p, 'in_progress', { ...p.cp, state: r.state, zoom_request_id: r.request_id, submitted_at: r.created_at, note: 'found in Zoom\'s history after an unanswered request' });
    } else {
      await save(p, 'in_progress', { state: 'queued' });
    }
  }
  if (found.size) await evidence({ action: 'zoom.data_request.reconcile', target: 'GET /data_requests/requests', outcome: `found ${found.size} request(s) Zoom created without answering` });
  return found.size;
}

async function pollOnce(
  o: EngineOptions,
  flying: EnginePerson[],
  save: Save,
  evidence: Evidence,
  attempts: Map<number, number>,
  maxAttempts: number,
  gaveUp: Set<number>,
): Promise<boolean> {
  let records: Map<string, DataRequestRecord>;
  try {
    records = await findDataRequests(o.client, flying.map((p) => p.cp!.zoom_request_id!));
  } catch (e) {
    if (o.signal.aborted || stopsQueue(e)) throw e;
    o.logger.warn(`could not read Zoom's data request history: ${describeError(e)}`);
    return false;
  }
  let changed = false;
  for (const p of flying) {
    o.signal.throwIfAborted();
    const cp = p.cp!;
    const rec = records.get(cp.zoom_request_id!);
    // Not in the history (yet, or no longer): an export's files answer for it.
    const state: DataRequestState | undefined = rec?.state ?? (o.type === 'EXPORT' && o.onCompleted ? 'Completed' : undefined);
    if (!state) continue;
    if (rec && rec.state !== cp.state) {
      changed = true;
      await evidence({ action: 'zoom.data_request.state', subject: p.index, target: cp.zoom_request_id, response: rec, outcome: `${rec.state}${rec.failed_reason ? `: ${rec.failed_reason}` : ''}` });
    }
    if (state === 'Pending' || state === 'Processing') {
      if (state !== cp.state) await save(p, 'in_progress', { ...cp, state });
      continue;
    }
    if (state === 'Failed' || state === 'Canceled') {
      const why = state === 'Canceled' ? 'canceled in Zoom' : `Zoom: ${rec?.failed_reason || 'failed (no reason given)'}`;
      await save(p, o.type === 'DELETE' && state === 'Canceled' ? 'skipped' : 'failed', { ...cp, state, ...(rec?.failed_reason ? { failed_reason: rec.failed_reason } : {}) }, state === 'Failed' ? why : undefined);
      o.logger.info(`${o.label(p.index)}: Zoom's ${o.type === 'EXPORT' ? 'export' : 'deletion'} ${state === 'Failed' ? 'failed' : 'was canceled'}${rec?.failed_reason ? ` (${rec.failed_reason})` : ''}`);
      changed = true;
      continue;
    }
    // Completed
    if (!o.onCompleted) {
      await save(p, 'done', { ...cp, state: 'Completed' });
      changed = true;
      continue;
    }
    try {
      const extra = await o.onCompleted(p, rec);
      await save(p, 'done', { ...cp, ...extra, state: 'Completed' });
      changed = true;
    } catch (e) {
      if (o.signal.aborted || stopsQueue(e)) throw e;
      if (e instanceof NotReadyYet) {
        // Completed in the history, files not listed yet (or not in the history: still processing).
        if (rec) o.logger.debug(`${o.label(p.index)}: Zoom says Completed but its files are not ready yet`);
        continue;
      }
      const n = (attempts.get(p.index) ?? 0) + 1;
      attempts.set(p.index, n);
      o.logger.warn(`${o.label(p.index)}: Zoom's export could not be saved (attempt ${n} of ${maxAttempts}): ${describeError(e)}`);
      if (n >= maxAttempts) {
        gaveUp.add(p.index);
        await save(p, 'failed', { ...cp, state: 'Completed' }, describeError(e));
        await o.ledger.recordError(o.requestId, { subject: p.index, category: o.category, message: describeError(e) });
        changed = true;
      }
    }
  }
  return changed;
}

/** Thrown by onCompleted when Zoom answers 14103 (files not ready): poll again later. */
export class NotReadyYet extends Error {
  constructor() {
    super('not ready');
    this.name = 'NotReadyYet';
  }
}

function errorBody(e: unknown): unknown {
  return e instanceof ZoomApiError ? { status: e.status, body: e.body } : { error: describeError(e) };
}

export function secs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}

export { FINAL_STATES };
