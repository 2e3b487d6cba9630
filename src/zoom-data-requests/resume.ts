import { zdsarHome, type Plan } from '../config.js';
import { Ledger, requireIdentity, subjectLabel, type LedgerRequest } from '../ledger/index.js';
import type { RunContext } from '../run-context.js';
import { runQueue, type EngineResult } from './engine.js';
import { clientOf, peopleOf, pollFromEnv, settleStatus, ZOOM_DELETE_CATEGORY, type DeletionResult } from './deletion.js';
import { earlierPackages, purgePackages } from './purge.js';

/**
 * `zdsar requests resume <id>` (and a sync) for a zoom-delete request: read Zoom's states, record
 * them, and submit the people still queued once Zoom's slot is free (with the request's --wait, wait
 * for it). Never submits twice.
 */
export async function resumeZoomDelete(env: NodeJS.ProcessEnv, request: LedgerRequest, run: RunContext, opts: { showEmails?: boolean; plan?: Plan } = {}): Promise<DeletionResult> {
  const ledger = Ledger.open(zdsarHome(env));
  const r = (await ledger.get(request.request_id)) ?? request;
  const label = (i: number) => subjectLabel(r, i, Boolean(opts.showEmails));
  await requireIdentity(ledger, r.request_id, 'deletion');
  if (r.status !== 'processing') await ledger.setStatus(r.request_id, 'processing', 'resumed');
  const client = clientOf(env, r, run, opts.plan);
  let result: EngineResult;
  try {
    result = await runQueue({
      client,
      ledger,
      requestId: r.request_id,
      category: ZOOM_DELETE_CATEGORY,
      type: 'DELETE',
      people: peopleOf(r),
      body: (emails) => ({ request_type: 'DELETE', emails }),
      signal: run.signal,
      logger: run.logger,
      pollMs: pollFromEnv(env),
      deadline: client.retry.clock.now() + (r.options?.wait ? 3 * 3_600_000 : 0),
      label,
    });
  } finally {
    await client.close();
  }
  await settleStatus(ledger, r.request_id, result);
  const earlier = r.options?.purgePackages ? await earlierPackages(ledger, r.subjects.filter((s) => s.email).map((s) => s.email!)) : [];
  const purged = earlier.length ? await purgePackages(ledger, r.request_id, earlier, run.logger) : [];
  // The earlier packages were named when the deletion was submitted; a resume reports only what it purged.
  return { request: (await ledger.get(r.request_id))!, result, earlier: [], purged };
}
