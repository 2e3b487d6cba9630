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
import type { CommandContext } from '../commands/context.js';
import { clientTuning, loadPlan, loadZoomCredentials, zdsarHome } from '../config.js';
import { EXIT, UsageError } from '../errors.js';
import { readPeople } from '../people/subjects.js';
import { Ledger, OPEN_STATUSES, parseDateArg, type Regime } from '../ledger/index.js';
import { printJson, writeLine } from '../ui/io.js';
import { createLogger } from '../ui/logger.js';
import { ZoomClient } from '../zoom/client.js';
import { MAX_EMAILS_PER_REQUEST } from '../zoom/endpoints/data-privacy.js';
import { runQueue, type EnginePerson, type EngineResult, type ZoomRequestCheckpoint } from './engine.js';
import { pollFromEnv, renderEarlier, report, settleStatus, ZOOM_DELETE_CATEGORY } from './deletion.js';
import { earlierPackages, purgePackages } from './purge.js';

export interface DeleteFlags {
  csv?: string;
  emails?: string;
  yes?: boolean;
  json?: boolean;
  wait?: boolean;
  maxWait?: string;
  purgePackages?: boolean;
  plan?: string;
  verbose?: boolean;
  showEmails?: boolean;
  requester?: string;
  received?: string;
  regime?: string;
}

function parseMaxWait(raw: string | undefined): number {
  if (raw === undefined) return 3 * 3_600_000;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`--max-wait: a number of minutes above 0 (got "${raw}")`);
  return n * 60_000;
}

function chunks<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** `zdsar delete` */
export async function runDelete(ctx: CommandContext, flags: DeleteFlags): Promise<number> {
  const io = ctx.io;
  const received = flags.received !== undefined ? parseDateArg('--received', flags.received) : undefined;
  if (received && received.getTime() > Date.now()) throw new UsageError(`--received ${received.toISOString().slice(0, 10)} is in the future`);
  if (flags.regime !== undefined && flags.regime !== 'gdpr' && flags.regime !== 'ccpa') throw new UsageError(`--regime: must be gdpr or ccpa (got "${flags.regime}")`);
  const plan = loadPlan(io.env, flags.plan);
  const maxWait = parseMaxWait(flags.maxWait);
  const poll = pollFromEnv(io.env);
  const people = await readPeople({ csv: flags.csv, emails: flags.emails, stdin: io.stdin });
  const ledger = Ledger.open(zdsarHome(io.env));
  const label = (i: number) => (flags.showEmails ? `#${i} <${people.find((p) => p.index === i)?.email}>` : `#${i}`);

  const flying = await deletionsInFlight(ledger, people.map((p) => p.email));
  const toSubmit = people.filter((p) => !flying.has(p.email));
  const batches = chunks(toSubmit, MAX_EMAILS_PER_REQUEST);
  const earlier = await earlierPackages(ledger, people.map((p) => p.email));

  if (!flags.yes) {
    if (flags.json) {
      printJson(io, {
        dry_run: true,
        would_submit: batches.map((b, i) => ({ batch: i + 1, request_type: 'DELETE', people: b.map((p) => ({ index: p.index, email: p.email })) })),
        already_in_flight: [...flying].map(([email, id]) => ({ email, request_id: id })),
        earlier_packages: earlier,
        purge_packages: Boolean(flags.purgePackages),
      });
      return EXIT.ok;
    }
    const w = (s: string) => writeLine(io.stderr, s);
    w(`zdsar delete would ask Zoom (Data & Privacy) to delete ALL data of ${toSubmit.length} ${toSubmit.length === 1 ? 'person' : 'people'}: their meeting, webinar, Team Chat and whiteboard data. Once done it cannot be recovered.`);
    for (const [i, b] of batches.entries()) w(`  Zoom request ${i + 1} of ${batches.length}: ${b.map((p) => label(p.index)).join(', ')}`);
    for (const [email, id] of flying) w(`  ${label(people.find((p) => p.email === email)!.index)}: already being deleted by ${id}; not submitted again`);
    if (batches.length > 1) w(`Zoom takes one data request at a time: request 1 is submitted now, the others after it is done (zdsar requests resume, or --wait).`);
    w(`Each deletion can be revoked for 30 minutes after Zoom accepts it: zdsar requests cancel <id>.`);
    renderEarlier(io, earlier, label, Boolean(flags.purgePackages), true);
    w(`Dry run: nothing was sent to Zoom. Run again with --yes to submit.`);
    return EXIT.ok;
  }

  const credentials = loadZoomCredentials(io.env);
  const logger = createLogger(io, { verbose: flags.verbose, quiet: flags.json });
  const request = await ledger.create({
    type: 'zoom-delete',
    subjects: people.map((p) => p.email),
    requester: flags.requester,
    receivedAt: received,
    regime: flags.regime as Regime | undefined,
    options: { plan, wait: Boolean(flags.wait), purgePackages: Boolean(flags.purgePackages) },
  });
  const id = request.request_id;
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
  const client = new ZoomClient({ credentials, plan, signal: ctx.signal, logger, ...clientTuning(io.env) });
  let result: EngineResult;
  try {
    result = await runQueue({
      client,
      ledger,
      requestId: id,
      category: ZOOM_DELETE_CATEGORY,
      type: 'DELETE',
      people: enginePeople,
      body: (emails) => ({ request_type: 'DELETE', emails }),
      signal: ctx.signal,
      logger,
      pollMs: poll,
      deadline: client.retry.clock.now() + (flags.wait ? maxWait : 0),
      label,
    });
  } finally {
    await client.close();
  }
  await settleStatus(ledger, id, result);
  const purged = flags.purgePackages && result.people.some((p) => p.cp?.zoom_request_id) ? await purgePackages(ledger, id, earlier, logger) : [];
  return report(ctx, ledger, id, result, earlier, purged, label, Boolean(flags.json));
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
