/**
 * `zdsar delete`: erasure through Zoom's own Data & Privacy deletion (POST /data_requests/requests,
 * request_type DELETE): all of a person's meeting, webinar, Team Chat and whiteboard data, for users
 * of the account.
 *
 * - Dry run by default: prints what it would submit and sends nothing to Zoom (no token either).
 * - --yes: a ledger request (type zoom-delete), then POSTs of up to 10 emails, one in process at a
 *   time (engine.ts). Zoom's answer is recorded as evidence. Each deletion can be revoked for 30
 *   minutes after Zoom accepted it: `zdsar requests cancel <id>` (cancel.ts).
 * - More than 10 people: the first POST now; Zoom holds the account's one slot through the
 *   30-minute window and the processing, so the rest is submitted by `zdsar requests resume <id>`
 *   later, or by this run with --wait.
 * - People whose deletion is still in flight in another zoom-delete request are not submitted again.
 * - Earlier zdsar packages of the same people are listed after the erasure; --purge-packages deletes
 *   them (their folders, or the whole package when everyone in it is erased; purge.ts).
 */
import type { Readable } from 'node:stream';
import { clientTuning, loadZoomCredentials, zdsarHome, type Plan } from '../config.js';
import { Ledger, OPEN_STATUSES, recordIdentityGiven, requireIdentity, subjectLabel, type IdentityGiven, type Regime } from '../ledger/index.js';
import { readPeopleReport, type PeopleReport, type Subject } from '../people/subjects.js';
import type { RunContext } from '../run-context.js';
import { ZoomClient } from '../zoom/client.js';
import { MAX_EMAILS_PER_REQUEST } from '../zoom/endpoints/data-privacy.js';
import { runQueue, type EnginePerson, type EngineResult, type ZoomRequestCheckpoint } from './engine.js';
import { pollFromEnv, settleStatus, ZOOM_DELETE_CATEGORY, type DeletionResult } from './deletion.js';
import { earlierPackages, purgePackages, type EarlierPackage } from './purge.js';
import { AuthError } from '../errors.js';
import { HOLD_LAW, holdsFor, holdText, type HoldFinding } from './holds.js';

export interface DeleteInput {
  env: NodeJS.ProcessEnv;
  stdin: Readable;
  csv?: string;
  emails?: string;
  emailColumn?: string;
  /** --phone-column NAME */
  phoneColumn?: string;
}

/** What `zdsar delete` would submit: read from the people and the ledger; nothing is sent to Zoom. */
export interface DeletePlan {
  people: Subject[];
  /** How the input's rows became people. */
  input: PeopleReport;
  /** email → the open zoom-delete request already deleting it. */
  flying: Map<string, string>;
  toSubmit: Subject[];
  /** Zoom takes at most 10 addresses per request. */
  batches: Subject[][];
  earlier: EarlierPackage[];
  /**
   * People an earlier export found to have no Zoom user in this account (the ledger's person status
   * `not_found`): Zoom's Data & Privacy deletion acts only on Zoom users, so it deletes nothing of
   * theirs (their registrations: `zdsar registrants erase`). Known offline, from the ledger only.
   */
  noZoomUser: Array<{ email: string; request_id: string; at: string }>;
}

export interface SubmitSettings {
  plan: Plan;
  wait: boolean;
  /** With wait: the longest wait, in ms. */
  maxWaitMs: number;
  purgePackages: boolean;
  requester?: string;
  reference?: string;
  received?: Date;
  regime?: Regime;
  /** Name people by address in log lines. */
  showEmails: boolean;
  /** A verification made before the request was entered, or a skip with its reason (recorded). */
  identity?: IdentityGiven;
  /** --override-hold --reason: submit people under a legal hold too (recorded, and in the certificate). */
  overrideHold?: { reason: string };
}

function chunks<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** `zdsar delete` without --yes (and the first step with it): who would be submitted, in which batches. */
export async function planDelete(input: DeleteInput): Promise<DeletePlan> {
  pollFromEnv(input.env); // a malformed poll variable is a usage error before anything is sent
  const { people, report } = await readPeopleReport({ csv: input.csv, emails: input.emails, emailColumn: input.emailColumn, phoneColumn: input.phoneColumn, stdin: input.stdin });
  const ledger = Ledger.open(zdsarHome(input.env));
  const flying = await deletionsInFlight(ledger, people.map((p) => p.email));
  const toSubmit = people.filter((p) => !flying.has(p.email));
  const batches = chunks(toSubmit, MAX_EMAILS_PER_REQUEST);
  const earlier = await earlierPackages(ledger, people.map((p) => p.email));
  const noZoomUser = await knownNonUsers(ledger, people.map((p) => p.email));
  return { people, input: report, flying, toSubmit, batches, earlier, noZoomUser };
}

/** `zdsar delete --yes`: record the request, submit what Zoom's one slot allows, optionally wait, purge earlier packages. */
export async function submitDelete(env: NodeJS.ProcessEnv, plan: DeletePlan, s: SubmitSettings, run: RunContext): Promise<DeletionResult> {
  const credentials = loadZoomCredentials(env);
  const ledger = Ledger.open(zdsarHome(env));
  const { people, flying } = plan;
  const request = await ledger.create({
    type: 'zoom-delete',
    subjects: people.map((p) => p.email),
    requester: s.requester,
    reference: s.reference,
    receivedAt: s.received,
    regime: s.regime,
    options: { plan: s.plan, wait: s.wait, purgePackages: s.purgePackages },
  });
  const id = request.request_id;
  await recordIdentityGiven(ledger, id, s.identity);
  // Nothing is deleted for a requester whose identity was not checked: refused (and recorded) here; resume after verify-identity.
  await requireIdentity(ledger, id, 'deletion');
  await ledger.setStatus(id, 'processing');
  const enginePeople: EnginePerson[] = [];
  for (const p of people) {
    const other = flying.get(p.email);
    if (other) {
      await ledger.recordProgress(id, p.index, ZOOM_DELETE_CATEGORY, { status: 'skipped', checkpoint: { state: 'queued', note: `already being deleted by ${other}` } });
      continue;
    }
    enginePeople.push({ index: p.index, email: p.email });
  }
  const label = (i: number) => subjectLabel(request, i, s.showEmails);
  const client = new ZoomClient({ credentials, plan: s.plan, signal: run.signal, logger: run.logger, ...clientTuning(env) });
  let result: EngineResult;
  let held: EnginePerson[];
  try {
    // Legal holds first: a held person's data may not be erased (GDPR Art. 17(3)(e)); Zoom's deletion takes all of it.
    const h = await checkHolds(ledger, id, client, enginePeople, s.overrideHold, run);
    held = h.held;
    result = await runQueue({
      client,
      ledger,
      requestId: id,
      category: ZOOM_DELETE_CATEGORY,
      type: 'DELETE',
      people: h.submit,
      body: (emails) => ({ request_type: 'DELETE', emails }),
      signal: run.signal,
      logger: run.logger,
      pollMs: pollFromEnv(env),
      deadline: client.retry.clock.now() + (s.wait ? s.maxWaitMs : 0),
      label,
    });
  } finally {
    await client.close();
  }
  result = { ...result, people: [...result.people, ...held].sort((a, b) => a.index - b.index) };
  await settleStatus(ledger, id, result);
  const purged = s.purgePackages && result.people.some((p) => p.cp?.zoom_request_id) ? await purgePackages(ledger, id, plan.earlier, run.logger) : [];
  return { request: (await ledger.get(id))!, result, earlier: plan.earlier, purged };
}

/**
 * Read the legal holds of the people about to be submitted (once per run) and record what was found.
 * A held person is not submitted (recorded as skipped, state "held", with the matters) unless the
 * officer overrides it with a reason; then the override is recorded and they are submitted.
 * A missing legal hold permission stops the run (exit 3), unless overridden (recorded as not checked).
 */
async function checkHolds(ledger: Ledger, id: string, client: ZoomClient, people: EnginePerson[], override: { reason: string } | undefined, run: RunContext): Promise<{ submit: EnginePerson[]; held: EnginePerson[] }> {
  if (!people.length) return { submit: people, held: [] };
  let holds: Map<string, HoldFinding[]>;
  try {
    holds = await holdsFor(client, people.map((p) => p.email));
  } catch (e) {
    if (!(e instanceof AuthError) || !override) {
      await ledger.recordError(id, { category: ZOOM_DELETE_CATEGORY, message: (e as Error).message });
      await ledger.setStatus(id, 'failed', (e as Error).message);
      throw e;
    }
    await ledger.recordEvidence(id, { action: 'legal_hold_not_checked', target: 'GET /chat/legalhold/matters', request: { override: override.reason }, outcome: `legal holds could not be read (${(e as Error).message}); submitted under --override-hold: ${override.reason}` });
    return { submit: people, held: [] };
  }
  const submit: EnginePerson[] = [];
  const held: EnginePerson[] = [];
  for (const p of people) {
    const found = holds.get(p.email.toLowerCase());
    if (!found) {
      submit.push(p);
      continue;
    }
    const text = holdText(found);
    if (override) {
      await ledger.recordEvidence(id, { action: 'legal_hold_overridden', subject: p.index, target: 'GET /chat/legalhold/matters', request: { reason: override.reason }, response: { holds: found }, outcome: `${text}; submitted anyway (--override-hold): ${override.reason}` });
      run.logger.warn(`#${p.index}: ${text}; submitted anyway (--override-hold)`);
      submit.push(p);
      continue;
    }
    const cp = { state: 'held' as const, holds: found, note: `under legal hold: ${text} (${HOLD_LAW}); not submitted (to erase anyway: --override-hold --reason TEXT)` };
    await ledger.recordEvidence(id, { action: 'legal_hold', subject: p.index, target: 'GET /chat/legalhold/matters', response: { holds: found }, outcome: `not submitted: ${text}` });
    await ledger.recordProgress(id, p.index, ZOOM_DELETE_CATEGORY, { status: 'skipped', checkpoint: cp });
    held.push({ ...p, status: 'skipped', cp });
  }
  return { submit, held };
}

/** `zdsar delete --check-holds` without --yes: read the holds of the people who would be submitted (nothing is submitted). */
export async function dryRunHolds(env: NodeJS.ProcessEnv, plan: DeletePlan, s: { plan: Plan }, run: RunContext): Promise<Map<string, HoldFinding[]>> {
  const client = new ZoomClient({ credentials: loadZoomCredentials(env), plan: s.plan, signal: run.signal, logger: run.logger, ...clientTuning(env) });
  try {
    return await holdsFor(client, plan.toSubmit.map((p) => p.email));
  } finally {
    await client.close();
  }
}

/** Per address, the latest export's finding, if it was "no Zoom user" (a later export that found one wins). */
async function knownNonUsers(ledger: Ledger, emails: string[]): Promise<DeletePlan['noZoomUser']> {
  const want = new Set(emails.map((e) => e.toLowerCase()));
  const latest = new Map<string, { status: string; request_id: string; at: string }>();
  for (const r of await ledger.list()) {
    if (r.type !== 'export') continue;
    for (const s of r.subjects) {
      if (!s.email || !s.status || !want.has(s.email)) continue;
      const seen = latest.get(s.email);
      if (!seen || seen.at < r.created_at) latest.set(s.email, { status: s.status, request_id: r.request_id, at: r.created_at });
    }
  }
  return [...latest].filter(([, v]) => v.status === 'not_found').map(([email, v]) => ({ email, request_id: v.request_id, at: v.at }));
}

/** Emails whose deletion is still in flight (Pending/Processing in Zoom) in an open zoom-delete request: email → request id. */
export async function deletionsInFlight(ledger: Ledger, emails: string[]): Promise<Map<string, string>> {
  const want = new Set(emails.map((e) => e.toLowerCase()));
  const out = new Map<string, string>();
  for (const r of await ledger.list()) {
    if (r.type !== 'zoom-delete' || !OPEN_STATUSES.includes(r.status) || r.purged_at) continue;
    for (const s of r.subjects) {
      if (!s.email || !want.has(s.email) || out.has(s.email)) continue;
      const p = r.progress[String(s.index)]?.[ZOOM_DELETE_CATEGORY];
      const cp = p?.checkpoint as ZoomRequestCheckpoint | undefined;
      if (p?.status === 'in_progress' && cp?.zoom_request_id && (cp.state === 'Pending' || cp.state === 'Processing')) out.set(s.email, r.request_id);
    }
  }
  return out;
}
