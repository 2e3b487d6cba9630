/**
 * `zdsar requests cancel <id>` for a zoom-delete request.
 */
import { zdsarHome } from '../config.js';
import { AuthError, UsageError } from '../errors.js';
import { Ledger, OPEN_STATUSES, type LedgerRequest } from '../ledger/index.js';
import type { RunContext } from '../run-context.js';
import { cancelDataRequest, findDataRequests, isNoLongerCancelable, isZoomCode, DATA_REQUEST_CODE } from '../zoom/endpoints/data-privacy.js';
import { ZoomApiError, ZoomRateLimitError, describeError } from '../zoom/errors.js';
import { stopsQueue, type EnginePerson, type ZoomRequestCheckpoint } from './engine.js';
import { clientOf, peopleOf, ZOOM_DELETE_CATEGORY } from './deletion.js';

/** What a cancel did, person by person. */
export interface CancelResult {
  request_id: string;
  /** Everything was revoked: the ledger request is canceled. */
  allRevoked: boolean;
  /** Deletions Zoom had, now revoked. */
  revoked: EnginePerson[];
  /** People never submitted to Zoom: they will not be. */
  unsent: EnginePerson[];
  /** Zoom is already deleting: too late to revoke. */
  tooLate: Array<{ p: EnginePerson; why: string }>;
  errors: Array<{ p: EnginePerson; why: string }>;
  /** Deletions there were to revoke. */
  targets: EnginePerson[];
  /** The end of the last 30-minute window. */
  windowEnd?: string;
}

/**
 * `zdsar requests cancel <id>` for a zoom-delete request: revoke every Zoom deletion of it that is
 * still in its 30-minute window (DELETE /data_requests/requests/{requestId} → 204), and keep the
 * queued ones from being submitted. Zoom decides: after the window it answers 422 code 14106, which
 * is reported (exit 1) and recorded. Only when everything was revoked is the ledger request canceled.
 */
export async function cancelZoomDelete(env: NodeJS.ProcessEnv, request: LedgerRequest, run: RunContext): Promise<CancelResult> {
  if (request.type !== 'zoom-delete') throw new UsageError(`request ${request.request_id} is not a Zoom deletion (it is ${request.type})`);
  const ledger = Ledger.open(zdsarHome(env));
  const r = (await ledger.get(request.request_id)) ?? request;
  const id = r.request_id;
  if (!OPEN_STATUSES.includes(r.status) && r.status !== 'partial') throw new UsageError(`request ${id} is ${r.status}: there is nothing to revoke`);
  const people = peopleOf(r);
  const targets = people.filter((p) => p.cp?.zoom_request_id && p.cp.state !== 'Canceled' && p.cp.state !== 'Completed' && p.cp.state !== 'Failed');
  const unsent = people.filter((p) => !p.cp?.zoom_request_id && p.status !== 'skipped' && p.status !== 'failed');
  const revoked: EnginePerson[] = [];
  const tooLate: Array<{ p: EnginePerson; why: string }> = [];
  const errors: Array<{ p: EnginePerson; why: string }> = [];
  const save = (p: EnginePerson, status: 'skipped' | 'in_progress' | 'done', cp: ZoomRequestCheckpoint) => ledger.recordProgress(id, p.index, ZOOM_DELETE_CATEGORY, { status, checkpoint: cp });
  if (targets.length) {
    const client = clientOf(env, r, run);
    try {
      for (const p of targets) {
        const zid = p.cp!.zoom_request_id!;
        try {
          const res = await cancelDataRequest(client, zid);
          revoked.push(p);
          await ledger.recordEvidence(id, { action: 'zoom.data_request.cancel', subject: p.index, target: zid, request: `DELETE /data_requests/requests/${zid}`, response: { status: res.status }, outcome: 'revoked: Zoom will not delete this data' });
          await save(p, 'skipped', { ...p.cp!, state: 'Canceled', note: 'revoked with zdsar requests cancel' });
        } catch (e) {
          if (run.signal.aborted || stopsQueue(e)) throw e instanceof ZoomApiError && !(e instanceof ZoomRateLimitError) && stopsQueue(e) ? new AuthError(`Zoom refused: ${describeError(e)}`, 'The app needs data_request:delete:request:admin (classic data_request:write:admin).') : e;
          let why = describeError(e);
          let late = isNoLongerCancelable(e);
          if (isZoomCode(e, DATA_REQUEST_CODE.cannotCancel)) {
            // Already canceled (by an admin on the web page, or an earlier run)? The history says.
            const rec = (await findDataRequests(client, [zid]).catch(() => new Map())).get(zid);
            if (rec?.state === 'Canceled') {
              revoked.push(p);
              await save(p, 'skipped', { ...p.cp!, state: 'Canceled', note: 'already canceled in Zoom' });
              continue;
            }
            if (rec && rec.state !== 'Pending') late = true;
            if (rec) why += `; Zoom lists it as ${rec.state}`;
          }
          await ledger.recordEvidence(id, { action: 'zoom.data_request.cancel', subject: p.index, target: zid, request: `DELETE /data_requests/requests/${zid}`, response: e instanceof ZoomApiError ? { status: e.status, body: e.body } : { error: why }, outcome: late ? `too late: ${why}` : `not canceled: ${why}` });
          if (late) {
            tooLate.push({ p, why });
            await save(p, 'in_progress', { ...p.cp!, state: 'Processing' });
          } else errors.push({ p, why });
        }
      }
    } finally {
      await client.close();
    }
  }
  for (const p of unsent) await save(p, 'skipped', { state: 'queued', note: 'never submitted to Zoom: the request was canceled' });

  const allRevoked = tooLate.length === 0 && errors.length === 0;
  if (allRevoked) await ledger.cancel(id);
  else if (revoked.length > 0) await ledger.setStatus(id, 'partial', `revoked ${revoked.length}; ${tooLate.length + errors.length} could not be revoked`);
  const windowEnd = targets.map((p) => p.cp?.cancel_until).filter((x): x is string => Boolean(x)).sort().pop();
  return { request_id: id, allRevoked, revoked, unsent, tooLate, errors, targets, windowEnd };
}
