/**
 * The identity flags, declared and parsed once: given up front on export and delete (a verification
 * made before the request was entered), and the recorded skip (--no-identity-check --reason) on every
 * command that releases (export, delete, redact, requests approve). See src/ledger/identity.ts.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { identityInput, type IdentityGiven } from '../ledger/index.js';

export const identitySkipOptions = z.strictObject({
  identityCheck: z.boolean().default(true),
  reason: z.string().optional(),
});

export const identityOptions = identitySkipOptions.extend({
  identityMethod: z.string().optional(),
  identityEvidence: z.string().optional(),
  identityVerifier: z.string().optional(),
  requesterKind: z.string().optional(),
  agentAuthorisation: z.string().optional(),
});

type SkipOpts = z.output<typeof identitySkipOptions>;
type IdentityOpts = z.output<typeof identityOptions>;

/** --no-identity-check --reason TEXT, on a command that releases or deletes. */
export function withIdentitySkip(cmd: Command): Command {
  return cmd
    .option('--no-identity-check', "release without a recorded identity verification (needs --reason; recorded in the request's history and shown)")
    .option('--reason <text>', 'with --no-identity-check: why the check is skipped');
}

/** The verification flags of export and delete, and the skip. */
export function withIdentity(cmd: Command): Command {
  cmd
    .option('--identity-method <method>', "how the person's identity was checked before the request was entered (recorded; see zdsar requests verify-identity)")
    .option('--identity-evidence <types>', 'the types of evidence seen, comma-separated names (e.g. passport,zoom-account-email), never copies')
    .option('--identity-verifier <name>', 'who checked the identity')
    .option('--requester-kind <kind>', 'person (default) or agent: who made the request')
    .option('--agent-authorisation <type>', "with --requester-kind agent: the type of the agent's authorisation (e.g. power-of-attorney)");
  return withIdentitySkip(cmd);
}

/** What the flags give, checked: a verification, a skip, or nothing. */
export function identityGiven(o: SkipOpts & Partial<IdentityOpts>, by?: string): IdentityGiven | undefined {
  const verifying = Boolean(o.identityMethod || o.identityEvidence || o.identityVerifier || o.requesterKind || o.agentAuthorisation);
  if (!o.identityCheck) {
    if (verifying) throw new UsageError('--no-identity-check and the --identity-… flags exclude each other: record a verification, or skip it with a reason');
    if (!o.reason?.trim()) throw new UsageError("--no-identity-check needs --reason TEXT (recorded in the request's history)");
    return { skip: { reason: o.reason.trim(), ...(by ? { by } : {}) } };
  }
  if (o.reason !== undefined) throw new UsageError('--reason is for --no-identity-check');
  if (!verifying) return undefined;
  return {
    verify: identityInput(
      { method: o.identityMethod, evidence: o.identityEvidence, verifier: o.identityVerifier, requester: o.requesterKind, agentAuthorisation: o.agentAuthorisation },
      { method: '--identity-method', evidence: '--identity-evidence', verifier: '--identity-verifier' },
    ),
  };
}

/** Record the identity flags given on a command about an existing request (approve, redact), before its gate is asked. */
export async function recordIdentityFlags(env: NodeJS.ProcessEnv, id: string, o: SkipOpts & Partial<IdentityOpts>, by?: string): Promise<void> {
  const given = identityGiven(o, by);
  if (!given) return;
  const [{ Ledger, recordIdentityGiven }, { zdsarHome }] = await Promise.all([import('../ledger/index.js'), import('../config.js')]);
  const ledger = Ledger.open(zdsarHome(env));
  const r = await ledger.get(id);
  if (!r) throw new UsageError(`no request ${id} in the ledger`, 'zdsar requests list shows them.');
  await recordIdentityGiven(ledger, r.request_id, given);
}
