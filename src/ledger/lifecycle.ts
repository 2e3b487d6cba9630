/**
 * The answer's lifecycle, derived from the ledger: one home for the states, for what ends the legal
 * clock, and for the release gate (what must hold before anything reaches the person).
 *
 * A run's status (pending … completed) says how the collection went; the stage says where the answer
 * is. Stages are derived from the run status and the evidence, in the order the evidence was recorded,
 * so nothing new is stored and old ledgers read the same. Another event kind (an identity check, a
 * legal hold) is one more entry in STAGE_EVENTS and, if it gates release, one more check in releaseGate.
 *
 *   access (export):            collecting → awaiting_review → approved → sent → closed
 *   erasure (registrants-erase,
 *            zoom-delete):      erasing → erased → confirmed → closed
 *   notice (compliance-notify): in_progress → done
 *   any: canceled
 */
import type { LedgerRequest, RequestType } from './types.js';

/** The evidence actions that move a request along (ledger evidence `action`). */
export const ACTIONS = {
  built: 'disclosure_built',
  approved: 'disclosure_approved',
  encryption: 'encryption_changed',
  sent: 'sent',
  closed: 'closed',
  erasureConfirmed: 'erasure_confirmed',
  /** The Article 15 statement gate (dsar/disclosure/statement-gate.ts): a refused approval, a recorded skip. */
  statementRefused: 'approval_refused_statement',
  statementSkipped: 'statement_check_skipped',
} as const;

export type Stage = 'collecting' | 'awaiting_review' | 'approved' | 'sent' | 'closed' | 'erasing' | 'erased' | 'confirmed' | 'in_progress' | 'done' | 'canceled';
export const STAGES: readonly Stage[] = ['collecting', 'awaiting_review', 'approved', 'sent', 'closed', 'erasing', 'erased', 'confirmed', 'in_progress', 'done', 'canceled'];

/** Stages in which the answer has gone out (or the request was withdrawn): the legal clock stops. */
const CLOCK_STOPPED: ReadonlySet<Stage> = new Set(['sent', 'closed', 'confirmed', 'done', 'canceled']);

export type Kind = 'access' | 'erasure' | 'notice';

export function kindOf(type: RequestType): Kind {
  return type === 'export' ? 'access' : type === 'compliance-notify' ? 'notice' : 'erasure';
}

/** Evidence actions that set a stage, per kind (later evidence wins). */
const STAGE_EVENTS: Record<Kind, Partial<Record<string, Stage>>> = {
  access: { [ACTIONS.built]: 'awaiting_review', [ACTIONS.sent]: 'sent', [ACTIONS.closed]: 'closed' },
  erasure: { [ACTIONS.erasureConfirmed]: 'confirmed', [ACTIONS.closed]: 'closed' },
  notice: { [ACTIONS.closed]: 'done' },
};

/** Where the answer stands. */
export function stageOf(r: LedgerRequest): Stage {
  if (r.status === 'canceled') return 'canceled';
  const kind = kindOf(r.type);
  const finished = r.status === 'completed';
  // Closed is closed whatever came before (a withdrawn request, an answer complete by other means).
  if (r.evidence.some((e) => e.action === ACTIONS.closed)) return kind === 'notice' ? 'done' : 'closed';
  if (kind === 'access' && !finished) return 'collecting';
  let stage: Stage = kind === 'access' ? 'awaiting_review' : kind === 'erasure' ? (finished ? 'erased' : 'erasing') : finished ? 'done' : 'in_progress';
  const events = STAGE_EVENTS[kind];
  for (const e of r.evidence) {
    const next = events[e.action];
    if (next) stage = next;
  }
  if (kind === 'access' && stage === 'awaiting_review' && currentApproval(r)) stage = 'approved';
  return stage;
}

/** Whether the legal clock still runs: until the answer is sent, the request closed or withdrawn. */
export function clockRuns(r: LedgerRequest): boolean {
  return !CLOCK_STOPPED.has(stageOf(r)) && !r.purged_at;
}

/** Whether the request is still open (extend, overdue flags): the same as the clock running. */
export const isOpen = clockRuns;

export interface Approval {
  by: string;
  at: string;
  sha256: string;
  /** How the person's files are encrypted, as chosen at approval (or changed explicitly since). */
  encryption: Encryption;
}

export type Encryption = { kind: 'none' } | { kind: 'age'; recipients: string[] } | { kind: 'aes' };

/** The copy last built (disclosure/manifest.json's sha256, as shown to the officer), if any. */
export function currentCopy(r: LedgerRequest): { sha256: string; at: string } | undefined {
  const e = [...r.evidence].reverse().find((x) => x.action === ACTIONS.built);
  const sha = (e?.response as { sha256?: string } | undefined)?.sha256;
  return e && sha ? { sha256: sha, at: e.at } : undefined;
}

/**
 * The approval in force: given for the copy last built, after it was built. A rebuilt copy (another
 * policy, a resumed run) has none until an officer approves it. Ledgers from before `disclosure_built`
 * was recorded: the latest approval.
 */
export function currentApproval(r: LedgerRequest): Approval | undefined {
  const built = currentCopy(r);
  const events = r.evidence;
  const from = built ? events.findLastIndex((x) => x.action === ACTIONS.built) : -1;
  let approval: Approval | undefined;
  for (let i = from + 1; i < events.length; i++) {
    const e = events[i]!;
    const sha = (e.response as { sha256?: string } | undefined)?.sha256;
    if (e.action === ACTIONS.approved && sha && (!built || sha === built.sha256)) {
      const req = (e.request ?? {}) as { approver?: string; encryption?: Encryption };
      approval = { by: String(req.approver ?? 'unknown'), at: e.at, sha256: sha, encryption: req.encryption ?? { kind: 'none' } };
    } else if (e.action === ACTIONS.encryption && approval && sha === approval.sha256) {
      approval = { ...approval, encryption: ((e.request ?? {}) as { encryption?: Encryption }).encryption ?? { kind: 'none' } };
    }
  }
  return approval;
}

export type Gate = { ok: true; approval: Approval } | { ok: false; reason: string };

/**
 * The one check before anything is made for the person or sent to them: the copy on disk (its sha256)
 * is the one last built, and an officer approved exactly that copy. Further conditions (identity
 * verified, no legal hold) belong here.
 */
export function releaseGate(r: LedgerRequest, copySha256: string | undefined): Gate {
  if (r.status === 'canceled') return { ok: false, reason: `request ${r.request_id} was canceled` };
  if (r.type !== 'export') return { ok: false, reason: `request ${r.request_id} is a ${r.type} request: nothing is disclosed` };
  if (!copySha256) return { ok: false, reason: `request ${r.request_id} has no disclosure copy` };
  const built = currentCopy(r);
  if (built && built.sha256 !== copySha256) return { ok: false, reason: `the disclosure copy on disk (sha256 ${copySha256.slice(0, 12)}…) is not the one zdsar built last (${built.sha256.slice(0, 12)}…)` };
  const approval = currentApproval(r);
  if (!approval || approval.sha256 !== copySha256) return { ok: false, reason: `the disclosure copy waits for an officer's approval: read report.html, then \`zdsar requests approve ${r.request_id}\`` };
  return { ok: true, approval };
}

/** A request entered after its legal due date already passed: said at once, with the number of days. */
export function lateAtEntry(r: LedgerRequest, now: Date): string | undefined {
  const days = Math.floor((now.getTime() - Date.parse(r.due_at)) / 86_400_000);
  if (days < 1) return undefined;
  return `Warning: request ${r.request_id} was received ${r.received_at.slice(0, 10)} and was due ${r.due_at.slice(0, 10)}: it is ${days} ${days === 1 ? 'day' : 'days'} overdue already. Answer as soon as possible; the deadline can no longer be extended.`;
}

/** The sent record, if the answer went out. */
export function sentRecord(r: LedgerRequest): { at: string; method: string; on: string } | undefined {
  const e = [...r.evidence].reverse().find((x) => x.action === ACTIONS.sent);
  if (!e) return undefined;
  const q = (e.request ?? {}) as { method?: string; on?: string };
  return { at: e.at, method: String(q.method ?? 'unknown'), on: String(q.on ?? e.at.slice(0, 10)) };
}
