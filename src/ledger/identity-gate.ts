/** The identity gate (see identity.ts): one function, asked before approval, the person's zip and deletion. */
import { UsageError } from '../errors.js';
import { identityMissing, type IdentityInput, type ReleaseStep } from './identity.js';
import type { Ledger } from './ledger.js';

/** The request's identity was not verified: exit 2. */
export class IdentityRequiredError extends UsageError {
  constructor(readonly requestId: string, step: ReleaseStep, missing: string) {
    super(
      `request ${requestId}: ${step === 'deletion' ? 'deletion' : step === 'approval' ? 'approval' : "the person's zip"} refused: ${missing}`,
      `Record it: zdsar requests verify-identity ${requestId} --method METHOD --evidence TYPE[,TYPE] --verifier NAME` +
        ` (or skip the check, recorded: --no-identity-check --reason TEXT)`,
    );
  }
}

/**
 * The gate: passes when the request's identity was verified or the check skipped with a reason;
 * otherwise records the refusal in the request's history and throws IdentityRequiredError (exit 2).
 */
export async function requireIdentity(ledger: Ledger, requestId: string, step: ReleaseStep): Promise<void> {
  const r = await ledger.get(requestId);
  if (!r) throw new UsageError(`no request ${requestId} in the ledger`);
  const missing = identityMissing(r);
  if (!missing) return;
  await ledger.recordIdentityRefusal(r.request_id, step, missing);
  throw new IdentityRequiredError(r.request_id, step, missing);
}

/** Identity given up front on a command (export, delete, approve, redact): a verification, or a skip with its reason. */
export interface IdentityGiven {
  verify?: IdentityInput;
  skip?: { reason: string; by?: string };
}

/** Record what was given up front on a command, before its gate is asked. */
export async function recordIdentityGiven(ledger: Ledger, requestId: string, given: IdentityGiven | undefined): Promise<void> {
  if (given?.verify) await ledger.recordIdentity(requestId, given.verify);
  if (given?.skip) await ledger.skipIdentityCheck(requestId, given.skip.reason, given.skip.by);
}
