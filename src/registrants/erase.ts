/**
 * Erase a person's registrations: delete each one with Zoom's registrant-delete endpoints; where
 * Zoom refuses (an ended meeting, a past occurrence), do the most it allows (cancel an approved
 * registration, deny a pending one) and record exactly what was and was not possible.
 * Webinar panelist seats under the same address are deleted too.
 *
 * Journaled: every step is written to the ledger as "intended" before the request is sent, and
 * its outcome (with Zoom's answer) after. Idempotent: a registration already deleted is not found
 * again; one Zoom refused to delete and that is already canceled or denied is skipped, so a second
 * run sends no DELETE or PUT.
 */
import pLimit from 'p-limit';
import type { Ledger } from '../ledger/index.js';
import type { Logger } from '../run-context.js';
import type { ZoomClient } from '../zoom/client.js';
import {
  STATUS_BATCH_MAX,
  deletePanelist,
  deleteRegistrant,
  isRegistrantDailyLimit,
  isRegistrantGone,
  isSessionGone,
  updateRegistrantStatus,
  type RegistrantStatus,
  type SessionKind,
  type StatusAction,
} from '../zoom/endpoints/registrants.js';
import { ZoomApiError, describeError, isFatal } from '../zoom/errors.js';
import { type Match } from './scan.js';

export type StepAction = 'delete_registrant' | 'delete_panelist' | 'cancel_registration' | 'deny_registration';

/**
 * deleted: Zoom deleted it (204). already_gone: Zoom says it is not there (any more).
 * canceled / denied: Zoom refused the delete; the registration is now canceled / denied (Zoom keeps the record).
 * unchanged: refused before and already canceled or denied: nothing more Zoom allows, nothing sent.
 * failed: neither worked (Zoom's code and message say why). skipped: not attempted (the run stopped).
 */
export type Outcome = 'deleted' | 'already_gone' | 'canceled' | 'denied' | 'unchanged' | 'failed' | 'skipped';

export interface EraseTarget {
  /** registration_key@occurrence ("-" without one): the unit of idempotency in the ledger. */
  key: string;
  match: Match;
  /** 1-based position of the person in the request. */
  subject: number;
  action: 'delete_registrant' | 'delete_panelist';
  occurrence_id?: string;
  /** The status Zoom listed it under (registrants). */
  status?: RegistrantStatus;
  /** Set by planErase when an earlier run already did all Zoom allows. */
  skip?: { outcome: 'unchanged'; note: string };
}

export interface StepResult {
  action: StepAction;
  outcome: Outcome;
  http_status?: number;
  zoom_code?: number;
  zoom_message?: string;
  note?: string;
}

export interface TargetResult {
  target: EraseTarget;
  outcome: Outcome;
  steps: StepResult[];
  /** What Zoom still holds, in words, when it is not deleted. */
  retained?: string;
}

export interface PriorOutcome {
  outcome: string;
  at: string;
  request_id: string;
}

/** Registrant delete targets: one per occurrence listed (registration per occurrence), else one. Panelists: one. */
export function planErase(people: Array<{ index: number; email: string }>, matches: Map<string, Match[]>, prior: Map<string, PriorOutcome>): EraseTarget[] {
  const out: EraseTarget[] = [];
  for (const p of people) {
    for (const m of matches.get(p.email) ?? []) {
      if (m.kind === 'panelist') {
        out.push(withSkip({ key: `${m.registration_key}@-`, match: m, subject: p.index, action: 'delete_panelist' }, prior));
        continue;
      }
      const s = m.session;
      const perOccurrence = (s.type === 8 || s.type === 9) && (s.registration_type === 2 || s.registration_type === 3);
      const occ = new Map<string, RegistrantStatus>();
      for (const l of m.listings) if (l.occurrence_id !== undefined && !occ.has(l.occurrence_id)) occ.set(l.occurrence_id, l.status);
      if (perOccurrence && occ.size > 0) {
        for (const [o, status] of occ) out.push(withSkip({ key: `${m.registration_key}@${o}`, match: m, subject: p.index, action: 'delete_registrant', occurrence_id: o, status }, prior));
      } else {
        const status = m.listings.find((l) => l.occurrence_id === undefined)?.status ?? m.listings[0]?.status;
        out.push(withSkip({ key: `${m.registration_key}@-`, match: m, subject: p.index, action: 'delete_registrant', status }, prior));
      }
    }
  }
  return out;
}

function withSkip(t: EraseTarget, prior: Map<string, PriorOutcome>): EraseTarget {
  const before = prior.get(t.key);
  if (before && t.action === 'delete_registrant' && (before.outcome === 'canceled' || before.outcome === 'denied' || before.outcome === 'unchanged') && t.status === 'denied') {
    t.skip = {
      outcome: 'unchanged',
      note: `Zoom refused to delete it and it has been ${before.outcome === 'canceled' ? 'canceled' : 'denied'} since ${before.at.slice(0, 10)} (request ${before.request_id}); Zoom allows nothing more`,
    };
  }
  return t;
}

/** The final outcome per target from earlier registrants-erase requests in the ledger (latest wins). */
export async function priorOutcomes(ledger: Ledger): Promise<Map<string, PriorOutcome>> {
  const out = new Map<string, PriorOutcome>();
  const all = (await ledger.list()).filter((r) => r.type === 'registrants-erase').reverse(); // oldest first
  for (const r of all) {
    for (const e of r.evidence) {
      if (!e.target || e.outcome === 'intended' || e.outcome === 'refused') continue;
      if (e.action === 'verify') continue;
      // A later "unchanged" keeps the original outcome, its date and its request.
      if (e.outcome === 'unchanged' && out.has(e.target)) continue;
      out.set(e.target, { outcome: e.outcome, at: e.at, request_id: r.request_id });
    }
  }
  return out;
}

export interface EraseOptions {
  ledger: Ledger;
  requestId: string;
  logger?: Logger;
  /** DELETE requests in flight (default 4). */
  concurrency?: number;
  signal?: AbortSignal;
  onStep?: (done: number, total: number) => void;
}

export interface EraseRun {
  results: TargetResult[];
  /** A fatal error (credentials, scopes, daily limit) that stopped the run; the rest were skipped. */
  stopped?: unknown;
}

const KEEP_NOTE =
  'Zoom keeps the registration record (name, address, answers) with this status; its API offers no way to delete or edit it after the meeting ended';

/** Carry out the plan: DELETE each, fall back to cancel/deny by status where Zoom refuses, journal everything. */
export async function executeErase(client: ZoomClient, targets: EraseTarget[], opts: EraseOptions): Promise<EraseRun> {
  const { ledger, requestId } = opts;
  const results = new Map<EraseTarget, TargetResult>();
  let stopped: unknown;
  let done = 0;
  const record = (t: EraseTarget, action: StepAction, outcome: string, request: unknown, response?: unknown) =>
    ledger.recordEvidence(requestId, { action, subject: t.subject, target: t.key, request, response, outcome });

  for (const t of targets) {
    if (t.skip) {
      results.set(t, { target: t, outcome: 'unchanged', steps: [], retained: `${t.skip.note}. ${KEEP_NOTE}.` });
      await record(t, t.action, 'unchanged', describeTarget(t), { note: t.skip.note });
    }
  }

  // 1. Deletes.
  const refused: Array<{ t: EraseTarget; step: StepResult }> = [];
  const limit = pLimit(opts.concurrency ?? 4);
  await Promise.all(
    targets
      .filter((t) => !t.skip)
      .map((t) =>
        limit(async () => {
          if (stopped || opts.signal?.aborted) {
            results.set(t, { target: t, outcome: 'skipped', steps: [], retained: 'not attempted: the run stopped before it' });
            return;
          }
          const req = describeTarget(t);
          await record(t, t.action, 'intended', req);
          const s = t.match.session;
          try {
            const res = t.action === 'delete_panelist' ? await deletePanelist(client, s.id, t.match.id) : await deleteRegistrant(client, s.kind, s.id, t.match.id, t.occurrence_id);
            const step: StepResult = { action: t.action, outcome: 'deleted', http_status: res.status };
            await record(t, t.action, 'deleted', req, { status: res.status });
            results.set(t, { target: t, outcome: 'deleted', steps: [step] });
          } catch (e) {
            const z = e instanceof ZoomApiError ? e : undefined;
            const base = { action: t.action, http_status: z?.status, zoom_code: z?.code, zoom_message: z?.zoomMessage ?? describeError(e) } as const;
            const response = z ? { status: z.status, code: z.code, message: z.zoomMessage } : { error: describeError(e) };
            if (isFatal(e) || opts.signal?.aborted) {
              stopped ??= e;
              await record(t, t.action, 'failed', req, response);
              results.set(t, { target: t, outcome: 'failed', steps: [{ ...base, outcome: 'failed' }] });
              return;
            }
            const gone = t.action === 'delete_panelist' ? z?.status === 404 || isSessionGone(e) : isRegistrantGone(e) || isSessionGone(e);
            if (gone) {
              await record(t, t.action, 'already_gone', req, response);
              results.set(t, { target: t, outcome: 'already_gone', steps: [{ ...base, outcome: 'already_gone' }] });
              return;
            }
            if (z && t.action === 'delete_registrant' && z.status >= 400 && z.status < 500 && z.status !== 429) {
              // Zoom refuses to delete it (e.g. the meeting or occurrence has ended): fall back to the status.
              await record(t, t.action, 'refused', req, response);
              refused.push({ t, step: { ...base, outcome: 'failed', note: 'Zoom refused the delete' } });
              return;
            }
            await record(t, t.action, 'failed', req, response);
            results.set(t, { target: t, outcome: 'failed', steps: [{ ...base, outcome: 'failed' }] });
          } finally {
            opts.onStep?.(++done, targets.length);
          }
        }),
      ),
  );

  // 2. Fallbacks, batched per session and action (at most 30 registrants per call). One status change per
  // registrant, without occurrence_id, even when Zoom refused the delete of several of its occurrences:
  // the registration is canceled as a whole, and Zoom's 10 changes per registrant per day are spared.
  const groups = new Map<string, { kind: SessionKind; id: string; action: StatusAction; items: Array<{ t: EraseTarget; step: StepResult }> }>();
  const actionOf = new Map<string, StatusAction>();
  for (const r of refused) {
    const { t } = r;
    if (t.status === 'denied') {
      results.set(t, {
        target: t,
        outcome: 'denied',
        steps: [r.step],
        retained: `Zoom refused to delete it (${r.step.zoom_message ?? 'no reason given'}); it was already denied. ${KEEP_NOTE}.`,
      });
      await record(t, 'deny_registration', 'denied', describeTarget(t), { note: 'already denied: no status change needed' });
      continue;
    }
    const s = t.match.session;
    const rkey = `${s.kind}:${s.id}:${t.match.id}`;
    const action: StatusAction = actionOf.get(rkey) ?? (t.status === 'pending' ? 'deny' : 'cancel');
    actionOf.set(rkey, action);
    const k = `${s.kind}:${s.id}:${action}`;
    const g = groups.get(k) ?? { kind: s.kind, id: s.id, action, items: [] };
    g.items.push(r);
    groups.set(k, g);
  }
  for (const g of groups.values()) {
    // Batches of at most 30 distinct registrants; every target of a registrant goes with it.
    const byRegistrant = new Map<string, Array<{ t: EraseTarget; step: StepResult }>>();
    for (const it of g.items) byRegistrant.set(it.t.match.id, [...(byRegistrant.get(it.t.match.id) ?? []), it]);
    const ids = [...byRegistrant.keys()];
    for (let i = 0; i < ids.length; i += STATUS_BATCH_MAX) {
      const chunk = ids.slice(i, i + STATUS_BATCH_MAX);
      const batch = chunk.flatMap((id) => byRegistrant.get(id)!);
      const stepAction: StepAction = g.action === 'cancel' ? 'cancel_registration' : 'deny_registration';
      const registrants = dedupe(batch.map(({ t }) => ({ id: t.match.id })));
      const request = { method: 'PUT', path: `/${g.kind}s/${g.id}/registrants/status`, body: { action: g.action, registrants: registrants.map((r) => ({ id: r.id })) } };
      if (stopped || opts.signal?.aborted) {
        for (const { t, step } of batch) results.set(t, { target: t, outcome: 'failed', steps: [step], retained: 'Zoom refused the delete; the cancel was not attempted because the run stopped' });
        continue;
      }
      for (const { t } of batch) await record(t, stepAction, 'intended', request);
      try {
        const res = await updateRegistrantStatus(client, g.kind, g.id, g.action, registrants);
        const outcome: Outcome = g.action === 'cancel' ? 'canceled' : 'denied';
        for (const { t, step } of batch) {
          await record(t, stepAction, outcome, request, { status: res.status });
          results.set(t, {
            target: t,
            outcome,
            steps: [step, { action: stepAction, outcome, http_status: res.status }],
            retained: `Zoom refused to delete it (${step.zoom_message ?? 'no reason given'}); it is now ${g.action === 'cancel' ? 'canceled' : 'denied'}. ${KEEP_NOTE}.`,
          });
        }
      } catch (e) {
        const z = e instanceof ZoomApiError ? e : undefined;
        const limitHit = isRegistrantDailyLimit(e);
        const note = limitHit ? "Zoom's limit of 10 status changes per registrant per meeting per UTC day was reached; run again after 00:00 UTC" : undefined;
        if (isFatal(e) && !limitHit) stopped ??= e;
        for (const { t, step } of batch) {
          await record(t, stepAction, 'failed', request, { status: z?.status, code: z?.code, message: z?.zoomMessage ?? describeError(e), ...(note ? { note } : {}) });
          results.set(t, {
            target: t,
            outcome: 'failed',
            steps: [step, { action: stepAction, outcome: 'failed', http_status: z?.status, zoom_code: z?.code, zoom_message: z?.zoomMessage ?? describeError(e), note }],
            retained: `Zoom refused to delete it (${step.zoom_message ?? 'no reason given'}) and to ${g.action} it (${note ?? z?.zoomMessage ?? describeError(e)}): Zoom still holds it as ${t.status ?? 'registered'}`,
          });
        }
      }
    }
  }
  return { results: targets.map((t) => results.get(t) ?? { target: t, outcome: 'skipped' as const, steps: [] }), stopped };
}

function dedupe(list: Array<{ id: string; email?: string }>): Array<{ id: string; email?: string }> {
  const seen = new Set<string>();
  return list.filter((x) => (seen.has(x.id) ? false : (seen.add(x.id), true)));
}

/** The request as evidence: method, path and ids (no addresses). */
export function describeTarget(t: EraseTarget): Record<string, unknown> {
  const s = t.match.session;
  if (t.action === 'delete_panelist') return { method: 'DELETE', path: `/webinars/${s.id}/panelists/${t.match.id}` };
  return {
    method: 'DELETE',
    path: `/${s.kind}s/${s.id}/registrants/${t.match.id}`,
    ...(t.occurrence_id ? { occurrence_id: t.occurrence_id } : {}),
    listed_status: t.status,
  };
}

/** A person's overall result: erased (all deleted or gone), restricted (Zoom keeps some, canceled/denied), partial/failed, not_found. */
export function personStatus(results: TargetResult[], matched: boolean): 'erased' | 'restricted' | 'partial' | 'failed' | 'not_found' {
  if (!matched || results.length === 0) return 'not_found';
  const failed = results.filter((r) => r.outcome === 'failed' || r.outcome === 'skipped').length;
  if (failed === results.length) return 'failed';
  if (failed > 0) return 'partial';
  if (results.some((r) => r.outcome === 'canceled' || r.outcome === 'denied' || r.outcome === 'unchanged')) return 'restricted';
  return 'erased';
}
