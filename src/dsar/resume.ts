import type { CommandContext } from '../commands/context.js';
import type { LedgerRequest } from '../ledger/index.js';
import { continueExport } from './start.js';

/** The ledger's resumer for export requests. */
export function resumeExport(ctx: CommandContext, request: LedgerRequest): Promise<number> {
  return continueExport(ctx, request);
}
