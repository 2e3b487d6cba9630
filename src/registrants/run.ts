/**
 * `zdsar registrants find` and `zdsar registrants erase` as workflows: scan, plan, act and verify,
 * journaled in the ledger. They return results; src/commands/registrants.ts renders them.
 */
import type { Readable } from 'node:stream';
import { clientTuning, loadZoomCredentials, zdsarHome, type Plan, type ZoomCredentials } from '../config.js';
import { Ledger, type Regime } from '../ledger/index.js';
import { readPeopleReport, type PeopleReport, type Subject } from '../people/subjects.js';
import type { RunContext } from '../run-context.js';
import { ZoomClient } from '../zoom/client.js';
import { describeError, isFatal } from '../zoom/errors.js';
import { executeErase, personStatus, planErase, priorOutcomes, type EraseTarget, type TargetResult } from './erase.js';
import { findRegistrations, type FindResult } from './find.js';
import { cliError } from './records.js';
import { scanSessions, type Match, type ScanStats } from './scan.js';

export interface FindSettings {
  env: NodeJS.ProcessEnv;
  stdin: Readable;
  csv?: string;
  emails?: string;
  emailColumn?: string;
  /** --phone-column NAME */
  phoneColumn?: string;
  plan: Plan;
  maxAgeHours: number;
  hostConcurrency: number;
  refresh: boolean;
}

export interface EraseSettings extends FindSettings {
  requester?: string;
  reference?: string;
  received?: Date;
  regime?: Regime;
}

export interface RegistrantsRun extends RunContext {
  /** The people were read; the account scan starts. */
  onStart?: (people: Subject[]) => void;
  /** How the input's rows became people (shown before anything else). */
  onInput?: (input: PeopleReport) => void;
  /** The scan's counters as it goes. */
  onScan?: (s: ScanStats) => void;
}

export interface EraseRun extends RegistrantsRun {
  /**
   * Called with the plan when there is something to do: true acts (journaled in the ledger), false
   * leaves it a dry run. The command decides (--yes, or a question on a terminal).
   */
  decide: (plan: ErasePlan) => Promise<boolean>;
  /** The ledger request was recorded and the first step is about to be sent. */
  onErasing?: (requestId: string) => void;
  onStep?: (done: number, total: number) => void;
}

export interface ErasePlan {
  people: Subject[];
  scan: FindResult;
  targets: EraseTarget[];
  toAct: EraseTarget[];
}

export interface PersonErasure {
  person: Subject;
  status: ReturnType<typeof personStatus>;
  results: TargetResult[];
  /** What Zoom still lists for the person in the sessions touched. */
  left: Array<{ registration_key: string; kind: Match['kind']; session: string; statuses: string[]; occurrences: string[] }>;
}

export type EraseOutcome =
  | ({ kind: 'nothing' } & ErasePlan)
  | ({ kind: 'dry-run' } & ErasePlan)
  | ({ kind: 'done'; requestId: string; status: 'completed' | 'partial' | 'failed'; erasures: PersonErasure[]; verified: boolean; stopped?: unknown } & ErasePlan);

function newClient(env: NodeJS.ProcessEnv, run: RunContext, credentials: ZoomCredentials, plan: Plan): ZoomClient {
  return new ZoomClient({ credentials, plan, signal: run.signal, logger: run.logger, ...clientTuning(env) });
}

async function find(client: ZoomClient, credentials: ZoomCredentials, people: Subject[], s: FindSettings, run: RegistrantsRun): Promise<FindResult> {
  try {
    return await findRegistrations(
      client,
      people.map((p) => p.email),
      {
        home: zdsarHome(s.env),
        apiUrl: credentials.apiUrl,
        accountId: credentials.accountId,
        refresh: s.refresh,
        maxAgeHours: s.maxAgeHours,
        hostConcurrency: s.hostConcurrency,
        logger: run.logger,
        signal: run.signal,
        onProgress: run.onScan,
      },
    );
  } catch (e) {
    throw cliError(e, run.signal);
  }
}

/** `zdsar registrants find`: every registration of the people. */
export async function findPeople(s: FindSettings, run: RegistrantsRun): Promise<{ people: Subject[]; scan: FindResult }> {
  const { people, report: input } = await readPeopleReport({ csv: s.csv, emails: s.emails, emailColumn: s.emailColumn, phoneColumn: s.phoneColumn, stdin: s.stdin });
  run.onInput?.(input);
  const credentials = loadZoomCredentials(s.env);
  const client = newClient(s.env, run, credentials, s.plan);
  run.onStart?.(people);
  try {
    return { people, scan: await find(client, credentials, people, s, run) };
  } finally {
    await client.close();
  }
}

/** `zdsar registrants erase`: find live, plan, let the command decide, act step by step (journaled), verify. */
export async function eraseRegistrations(s: EraseSettings, run: EraseRun): Promise<EraseOutcome> {
  const { people, report: input } = await readPeopleReport({ csv: s.csv, emails: s.emails, emailColumn: s.emailColumn, phoneColumn: s.phoneColumn, stdin: s.stdin });
  run.onInput?.(input);
  const credentials = loadZoomCredentials(s.env);
  const ledger = Ledger.open(zdsarHome(s.env));
  const client = newClient(s.env, run, credentials, s.plan);
  run.onStart?.(people);
  let release: (() => Promise<void>) | undefined;
  try {
    // Always live: the command passes max age 0, so the index is never the answer (see commands/registrants.ts).
    const r = await find(client, credentials, people, s, run);
    const prior = await priorOutcomes(ledger);
    const targets = planErase(people, r.matches, prior);
    const toAct = targets.filter((t) => !t.skip);
    const plan: ErasePlan = { people, scan: r, targets, toAct };
    // Idempotent: nothing new to send, so nothing new is recorded either.
    if (toAct.length === 0) return { kind: 'nothing', ...plan };
    if (!(await run.decide(plan))) return { kind: 'dry-run', ...plan };

    // Journal first: the request and, per step, the intended action before it is sent.
    const request = await ledger.create({
      type: 'registrants-erase',
      subjects: people.map((p) => p.email),
      requester: s.requester,
      reference: s.reference,
      receivedAt: s.received,
      regime: s.regime,
      options: { plan: s.plan, maxAgeHours: s.maxAgeHours, refresh: s.refresh, scan: { mode: r.mode, covered_until: r.coveredUntil, complete: r.complete } },
    });
    const id = request.request_id;
    // Held until the final status: a request left processing without its holder was interrupted.
    release = await ledger.holdRun(id);
    await ledger.setStatus(id, 'processing');
    for (const x of r.problems) await ledger.recordError(id, { category: 'registrants-scan', message: `${x.where}: ${x.message}` });
    run.onErasing?.(id);
    const logger = run.logger;
    const ctx = { signal: run.signal };
    const exec = await executeErase(client, targets, { ledger, requestId: id, logger, signal: run.signal, onStep: run.onStep });
    if (ctx.signal.aborted) {
      await ledger.setStatus(id, 'interrupted', 'interrupted; run the same command again to finish (it is idempotent)');
      throw cliError(new Error('interrupted'), ctx.signal);
    }
    // What Zoom still lists for these people in the sessions touched: the truthful answer.
    const touched = new Map<string, { kind: 'meeting' | 'webinar'; id: string }>();
    for (const t of targets) touched.set(`${t.match.session.kind}:${t.match.session.id}`, { kind: t.match.session.kind, id: t.match.session.id });
    const remaining = new Map<string, Match[]>();
    let verified = true;
    if (touched.size > 0 && !exec.stopped) {
      try {
        const v = await scanSessions(client, [...touched.values()], {
          wanted: new Set(people.map((p) => p.email)),
          logger,
          signal: ctx.signal,
          onMatch: (m) => remaining.set(m.email, [...(remaining.get(m.email) ?? []), m]),
        });
        verified = v.complete;
      } catch (e) {
        if (isFatal(e) || ctx.signal.aborted) {
          await ledger.setStatus(id, 'partial', `not verified: ${describeError(e)}`);
          throw cliError(e, ctx.signal);
        }
        verified = false;
      }
    } else if (touched.size > 0) verified = false;

    const summary = [];
    for (const p of people) {
      const res = exec.results.filter((x) => x.target.subject === p.index);
      const status = personStatus(res, res.length > 0);
      const left = (remaining.get(p.email) ?? []).map((m) => ({ registration_key: m.registration_key, kind: m.kind, session: `${m.session.kind}:${m.session.id}`, statuses: [...new Set(m.listings.map((l) => l.status))], occurrences: m.listings.map((l) => l.occurrence_id).filter((o) => o !== undefined) }));
      await ledger.recordEvidence(id, { action: 'verify', subject: p.index, target: 'zoom-listing', request: { sessions: [...touched.keys()] }, response: { still_listed: left }, outcome: !verified ? 'not_verified' : left.length === 0 ? 'none_remaining' : 'remaining' });
      await ledger.recordProgress(id, p.index, 'registrations', { status: res.some((x) => x.outcome === 'failed' || x.outcome === 'skipped') ? 'failed' : 'done', records: res.length });
      await ledger.setSubjectStatus(id, p.index, status);
      summary.push({ person: p, status, results: res, left });
    }
    const anyFailed = summary.some((x) => x.status === 'failed' || x.status === 'partial');
    const allFailed = summary.every((x) => x.status === 'failed');
    const final = exec.stopped ? 'partial' : allFailed ? 'failed' : anyFailed || !r.complete ? 'partial' : 'completed';
    await ledger.setStatus(id, final, exec.stopped ? `stopped: ${describeError(exec.stopped)}` : undefined);

    return { kind: 'done', ...plan, requestId: id, status: final, erasures: summary, verified, stopped: exec.stopped };
  } finally {
    await release?.();
    await client.close();
  }
}
