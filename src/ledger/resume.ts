/**
 * Whether a request may be resumed: a ledger rule. Which workflow continues a request of each type
 * is decided in src/commands/requests.ts (the ledger knows no workflow).
 */
import type { LedgerRequest } from './types.js';

/** Why a request cannot be resumed, or undefined if it can (a completed one has nothing left: the command says so, exit 0). */
export function resumeRefusal(r: LedgerRequest): string | undefined {
  const id = r.request_id;
  if (r.status === 'canceled') return `request ${id} was canceled${r.canceled_at ? ` on ${r.canceled_at.slice(0, 10)}` : ''}: a canceled request does nothing more`;
  if (r.purged_at) return `request ${id} was purged on ${r.purged_at.slice(0, 10)}: its package and addresses are gone, so it cannot be resumed`;
  return undefined;
}
