import type { CommandContext } from '../commands/context.js';
import { zdsarHome } from '../config.js';
import { Ledger, subjectLabel, type LedgerRequest } from '../ledger/index.js';
import { createLogger } from '../ui/logger.js';
import { runQueue, type EngineResult } from './engine.js';
import { clientOf, peopleOf, pollFromEnv, report, settleStatus, ZOOM_DELETE_CATEGORY } from './deletion.js';
import { earlierPackages, purgePackages } from './purge.js';

/**
 * `zdsar requests resume <id>` (and a sync) for a zoom-delete request: read Zoom's states, record
 * them, and submit the people still queued once Zoom's slot is free (with the request's --wait, wait
 * for it). Never submits twice.
 */
export async function resumeZoomDelete(ctx: CommandContext, request: LedgerRequest, flags: { json?: boolean; verbose?: boolean; showEmails?: boolean } = {}): Promise<number> {
  const io = ctx.io;
  const ledger = Ledger.open(zdsarHome(io.env));
  const r = (await ledger.get(request.request_id)) ?? request;
  const logger = createLogger(io, { verbose: flags.verbose, quiet: flags.json });
  const label = (i: number) => subjectLabel(r, i, Boolean(flags.showEmails));
  if (r.status !== 'processing') await ledger.setStatus(r.request_id, 'processing', 'resumed');
  const client = clientOf(ctx, r, logger);
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
      signal: ctx.signal,
      logger,
      pollMs: pollFromEnv(io.env),
      deadline: client.retry.clock.now() + (r.options?.wait ? 3 * 3_600_000 : 0),
      label,
    });
  } finally {
    await client.close();
  }
  await settleStatus(ledger, r.request_id, result);
  const earlier = r.options?.purgePackages ? await earlierPackages(ledger, r.subjects.filter((s) => s.email).map((s) => s.email!)) : [];
  const purged = earlier.length ? await purgePackages(ledger, r.request_id, earlier, logger) : [];
  return report(ctx, ledger, r.request_id, result, [], purged, label, Boolean(flags.json));
}
