/**
 * The Article 15 statement gate: an access answer is approved only with the statement complete
 * (every controller part filled in the profile), or with the officer's recorded reason for
 * approving without it. Like the identity gate, each refusal and each skip is kept in the
 * request's record (ledger evidence), and a refusal is exit 2 naming the missing fields.
 */
import { userInfo } from 'node:os';
import { UsageError } from '../../errors.js';
import { ACTIONS, type Ledger } from '../../ledger/index.js';
import { profilePath } from '../article15.js';
import { DISCLOSURE_DIR, type DisclosureManifest } from './index.js';

/** Record --no-statement-check --statement-reason TEXT for a request. */
export async function recordStatementSkip(ledger: Ledger, requestId: string, reason: string, by?: string): Promise<void> {
  const who = by?.trim() || osUser();
  await ledger.recordEvidence(requestId, {
    action: ACTIONS.statementSkipped,
    target: `${DISCLOSURE_DIR}/manifest.json`,
    request: { by: who, reason },
    outcome: `Article 15 statement check skipped by ${who}: ${reason}`,
  });
}

/** The profile fields the copy's statement lacks (a copy made without a statement lacks all of it). */
export function statementMissing(copy: Pick<DisclosureManifest, 'article15'>): string[] {
  return copy.article15 ? copy.article15.missing : ['the whole statement (this copy was built without one)'];
}

/** Passes when nothing is missing or a skip is recorded; otherwise records the refusal and throws (exit 2). */
export async function requireStatement(ledger: Ledger, requestId: string, missing: string[]): Promise<void> {
  if (!missing.length) return;
  const r = await ledger.get(requestId);
  if (r?.evidence.some((e) => e.action === ACTIONS.statementSkipped)) return;
  const what = `the Article 15 statement lacks ${missing.join(', ')}`;
  await ledger.recordEvidence(requestId, {
    action: ACTIONS.statementRefused,
    target: `${DISCLOSURE_DIR}/manifest.json`,
    response: { missing },
    outcome: `approval refused: ${what}`,
  });
  throw new UsageError(
    `request ${requestId}: approval refused: ${what} (controller profile ${profilePath(ledger.home)})`,
    `Fill them in the profile (zdsar init-profile writes a commented template), rebuild the copy (zdsar redact ${requestId}) and approve it; or approve without them, recorded: --no-statement-check --statement-reason TEXT`,
  );
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER || 'unknown';
  }
}
