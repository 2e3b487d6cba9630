/**
 * Identity verification before release (CCPA regs §7060; NIST SP 800-63A: a record of every step
 * taken, by the *types* of evidence, never copies). A request's verification, a recorded skip, and
 * every refusal of the gate are events in its journal (journal.ts); `requireIdentity` (identity-gate.ts)
 * is the one gate used before approval, before the person's zip or encrypted file, and before `delete --yes`.
 */
import { UsageError } from '../errors.js';

export type RequesterKind = 'person' | 'agent';
export const REQUESTER_KINDS: readonly RequesterKind[] = ['person', 'agent'];

/** The steps the gate guards. */
export type ReleaseStep = 'approval' | 'zip' | 'deletion';

export interface IdentityInput {
  /** How identity was checked, e.g. "account-email-match", "video-call", "signed-declaration". */
  method: string;
  /** Names of the types of evidence seen (e.g. "passport", "zoom-account-email"); never the documents or their numbers. */
  evidence: string[];
  /** Who checked. */
  verifier: string;
  /** Whether the request came from the person or from an authorised agent. */
  requester: RequesterKind;
  /** For an agent: the type of authorisation seen (e.g. "power-of-attorney", "signed-permission"). */
  agent_authorisation?: string;
}

export interface IdentityRecord extends IdentityInput {
  at: string;
}

export interface IdentitySkip {
  at: string;
  reason: string;
  by: string;
}

export interface IdentityRefusal {
  at: string;
  step: ReleaseStep;
  missing: string;
}

/** What the ledger holds about a request's identity check (the latest of each). */
export interface IdentityState {
  verified?: IdentityRecord;
  skipped?: IdentitySkip;
  refusals?: IdentityRefusal[];
}

/** A type name: short words, no path, no address, no document number (four digits in a row). */
const TYPE_NAME_RE = /^[A-Za-z][A-Za-z0-9 _.'-]{0,47}$/;

function typeName(flag: string, v: string): string {
  const s = v.trim();
  if (!TYPE_NAME_RE.test(s) || /\d{4}/.test(s) || s.includes('/') || s.includes('@')) {
    throw new UsageError(`${flag} "${v}": give the name of a type of evidence (e.g. passport, zoom-account-email), never the document, a file or a number from it`);
  }
  return s;
}

/** Check and normalise what an officer gives (flags of verify-identity, export and delete). */
export function identityInput(raw: { method?: string; evidence?: string; verifier?: string; requester?: string; agentAuthorisation?: string }, flags: { method: string; evidence: string; verifier: string }): IdentityInput {
  const missing = [
    !raw.method?.trim() && flags.method,
    !raw.evidence?.trim() && flags.evidence,
    !raw.verifier?.trim() && flags.verifier,
  ].filter(Boolean);
  if (missing.length) throw new UsageError(`an identity verification needs ${missing.join(', ')}`);
  const requester = (raw.requester ?? 'person').trim().toLowerCase();
  if (!REQUESTER_KINDS.includes(requester as RequesterKind)) throw new UsageError(`--requester-kind "${raw.requester}": use person or agent`);
  if (requester === 'agent' && !raw.agentAuthorisation?.trim()) throw new UsageError('--requester-kind agent needs --agent-authorisation TYPE (the type of authorisation seen, e.g. power-of-attorney)');
  if (requester === 'person' && raw.agentAuthorisation?.trim()) throw new UsageError('--agent-authorisation is for --requester-kind agent');
  const evidence = [...new Set(raw.evidence!.split(',').map((x) => x.trim()).filter(Boolean).map((x) => typeName(flags.evidence, x)))];
  if (evidence.length === 0) throw new UsageError(`${flags.evidence}: give at least one type of evidence`);
  return {
    method: typeName(flags.method, raw.method!),
    evidence,
    verifier: raw.verifier!.trim(),
    requester: requester as RequesterKind,
    ...(requester === 'agent' ? { agent_authorisation: typeName('--agent-authorisation', raw.agentAuthorisation!) } : {}),
  };
}

/** One line for people: what was checked, or why it was skipped. */
export function describeIdentity(id: IdentityState | undefined): string {
  if (id?.verified) {
    const v = id.verified;
    const who = v.requester === 'agent' ? `an authorised agent (${v.agent_authorisation})` : 'the person';
    return `verified ${v.at.slice(0, 10)} by ${v.verifier}: ${v.method}; evidence seen: ${v.evidence.join(', ')}; request from ${who}`;
  }
  if (id?.skipped) return `NOT verified: check skipped by ${id.skipped.by} on ${id.skipped.at.slice(0, 10)}: ${id.skipped.reason}`;
  return 'not verified';
}

/** Why a request may not be released yet, or undefined when its identity was verified (or the check skipped, with a reason). */
export function identityMissing(r: { identity?: IdentityState }): string | undefined {
  if (r.identity?.verified || r.identity?.skipped) return undefined;
  return 'no identity verification is recorded (method, types of evidence, verifier)';
}

