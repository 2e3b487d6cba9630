/**
 * The export workflow's entry points: `createExport` validates the people and the output folder and
 * records the request (nothing is sent to Zoom); `exportFromLedger` rebuilds the same for `requests
 * resume`; `executeExport` collects and returns the outcome. Rendering is src/commands/export.ts's.
 */
import { join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { clientTuning, loadPlan, loadSigningKey, loadZoomCredentials, zdsarHome, type ClientTuning, type Plan, type ZoomCredentials } from '../config.js';
import { isoDay } from '../dates.js';
import { UsageError } from '../errors.js';
import { ensurePrivateDir } from '../fs/atomic.js';
import { UnsafePathError } from '../fs/safe.js';
import { Ledger, recordIdentityGiven, requireIdentity, type IdentityGiven, type LedgerRequest, type Regime } from '../ledger/index.js';
import { readPeopleReport, type PeopleReport } from '../people/subjects.js';
import type { RunContext } from '../run-context.js';
import { registrationsFinder } from '../registrants/find.js';
import { RateLimiter } from '../zoom/limiter.js';
import type { SubjectResult } from './collect.js';
import { inherited, releaseSettings, type ReleaseFlags } from './disclosure/settings.js';
import { recordStatementSkip, requireStatement } from './disclosure/statement-gate.js';
import { loadProfile } from './article15.js';
import { runExport, type ExportOutcome, type ExportSettings, type ExportState } from './export.js';
import { OPTIONAL_CATEGORIES } from './breadth.js';
import { estimateExport, type Estimate } from './estimate.js';

/** --skip chat,attendance: names of optional categories; anything else is bad input. */
export function parseSkip(value: string | undefined): string[] {
  if (value === undefined) return [];
  const names = value.split(',').map((x) => x.trim()).filter(Boolean);
  const known = Object.keys(OPTIONAL_CATEGORIES);
  const bad = names.filter((n) => !known.includes(n));
  if (bad.length > 0 || names.length === 0) throw new UsageError(`--skip: ${bad.length ? `unknown ${bad.length === 1 ? 'category' : 'categories'} ${bad.map((b) => `"${b}"`).join(', ')}` : 'give at least one category'} (one or more of ${known.join(', ')})`);
  return [...new Set(names)];
}
import { signerFrom, type Signer } from './signing.js';

export interface NewExport {
  env: NodeJS.ProcessEnv;
  stdin: Readable;
  csv?: string;
  emails?: string;
  /** --email-column NAME */
  emailColumn?: string;
  /** --phone-column NAME */
  phoneColumn?: string;
  out?: string;
  from?: string;
  to?: string;
  plan: Plan;
  requester?: string;
  reference?: string;
  received?: Date;
  regime?: Regime;
  includeRegistrations?: boolean;
  withFiles?: boolean;
  zip?: boolean;
  zoomExport?: boolean;
  /** Optional categories to leave out, comma-separated (OPTIONAL_CATEGORIES). */
  skip?: string;
  /** --redact, --redaction-policy, --approve, --approver, --age-recipient, --zip-passphrase. */
  release?: ReleaseFlags;
  /** --identity-… or --no-identity-check --reason: recorded with the request. */
  identity?: IdentityGiven;
}

/** An export recorded in the ledger, ready to run (or to continue). */
export interface PreparedExport {
  ledger: Ledger;
  request: LedgerRequest;
  settings: ExportSettings;
  credentials: ZoomCredentials;
  tuning: ClientTuning;
  home: string;
  /** How the input's rows became people (a new export only). */
  input?: PeopleReport;
  /** ZDSAR_SIGNING_KEY: signs the manifests (never stored with the settings). */
  signer?: Signer;
}

/** `zdsar export --estimate`: the people are read and the flags checked; nothing is recorded or sent to Zoom. */
export async function estimateNewExport(s: NewExport, now = Date.now()): Promise<Estimate> {
  clientTuning(s.env);
  const skip = parseSkip(s.skip);
  const { people } = await readPeopleReport({ csv: s.csv, emails: s.emails, emailColumn: s.emailColumn, phoneColumn: s.phoneColumn, further: true, stdin: s.stdin });
  return estimateExport({ people: people.length, phones: people.reduce((n, p) => n + p.phones.length, 0), plan: s.plan, from: s.from, to: s.to, today: isoDay(new Date(now)), skip });
}

/** `zdsar export`: read the people, check the output folder, record the request. Nothing is sent to Zoom. */
export async function createExport(s: NewExport, now = Date.now()): Promise<PreparedExport> {
  const env = s.env;
  const today = isoDay(new Date(now));
  const tuning = clientTuning(env); // a malformed tuning variable is a usage error before anything is sent
  parseSkip(s.skip);
  const { release, zip } = await releaseSettings({ ...s.release, zip: s.zip });
  const signer = signerFrom(loadSigningKey(env)); // a bad signing key is a usage error before anything is sent
  const { people, report: input } = await readPeopleReport({ csv: s.csv, emails: s.emails, emailColumn: s.emailColumn, phoneColumn: s.phoneColumn, further: true, stdin: s.stdin });
  const credentials = loadZoomCredentials(env);
  const home = zdsarHome(env);
  const outRoot = s.out ?? join(home, 'exports');
  const what = s.out ? '--out' : 'the default output folder under ZDSAR_HOME';
  try {
    await ensurePrivateDir(home, { what: 'ZDSAR_HOME' });
    await ensurePrivateDir(outRoot, { what });
  } catch (e) {
    if (e instanceof UnsafePathError) throw e;
    throw new UsageError(`${what} ${outRoot}: cannot create or write the folder (${(e as NodeJS.ErrnoException).code ?? 'error'})`, s.out ? undefined : 'Set ZDSAR_HOME to a writable folder, or give --out DIR.');
  }
  const ledger = Ledger.open(home);
  await refuseInsidePackage(ledger, outRoot);
  // A controller profile that is not valid is exit 2 before anything is sent (its statement goes in the copy).
  const profile = release.redact ? await loadProfile(home) : undefined;
  const skip = parseSkip(s.skip);
  const settings: ExportSettings = { from: s.from, to: s.to, today, plan: s.plan, includeRegistrations: s.includeRegistrations, withFiles: s.withFiles, zip, zoomExport: s.zoomExport, ...(Object.keys(release).length ? { release } : {}), ...(skip.length ? { skip } : {}) };
  const request = await ledger.create({
    type: 'export',
    subjects: people.map((p) => ({ email: p.email, other_emails: p.otherEmails, phones: p.phones })),
    requester: s.requester,
    reference: s.reference,
    // --received wins; else the earliest date of a "received" column (the strictest deadline).
    receivedAt: s.received ?? (input.received ? new Date(`${input.received}T00:00:00Z`) : undefined),
    regime: s.regime,
    range: { from: s.from, to: s.to },
    options: { ...settings, outRoot, input: { source: input.source, column: input.column, mapping: input.mapping } },
  });
  const packageDir = join(outRoot, request.request_id);
  await ledger.setOutDir(request.request_id, packageDir);
  await recordIdentityGiven(ledger, request.request_id, s.identity);
  // What reaches the person is gated on identity: refused now (recorded), before anything is sent to Zoom.
  // (With --redact and no --approve the zips wait for the approval, which is gated then; without --redact
  // --zip makes only the officer's internal archive, which does not reach the person.)
  if (s.release?.statementSkip) await recordStatementSkip(ledger, request.request_id, s.release.statementSkip.reason, s.release.approver);
  if (release.approve) {
    await requireIdentity(ledger, request.request_id, 'approval');
    await requireStatement(ledger, request.request_id, profile?.missing ?? []);
  }
  return { ledger, request: { ...request, out_dir: packageDir }, settings, credentials, tuning, home, input, signer };
}

/** --out inside another request's package would mix its files into that package (its manifest, its zip). */
async function refuseInsidePackage(ledger: Ledger, outRoot: string): Promise<void> {
  const root = resolve(outRoot);
  for (const r of await ledger.list()) {
    if (!r.out_dir || r.purged_at) continue;
    const pkg = resolve(r.out_dir);
    if (root === pkg || root.startsWith(pkg + sep)) {
      throw new UsageError(`--out ${outRoot} is inside the package of request ${r.request_id} (${pkg}): one package must never hold another`, 'Give --out a folder outside every package, e.g. the default under ZDSAR_HOME.');
    }
  }
}

/** `zdsar requests resume <id>` for an export: same settings, same folder, only what is missing. */
export function exportFromLedger(env: NodeJS.ProcessEnv, request: LedgerRequest, now = Date.now()): PreparedExport {
  const o = (request.options ?? {}) as Partial<ExportSettings> & { outRoot?: string };
  const settings: ExportSettings = {
    from: o.from,
    to: o.to,
    today: o.today ?? isoDay(new Date(now)),
    plan: (o.plan as Plan) ?? loadPlan(env),
    includeRegistrations: o.includeRegistrations,
    withFiles: o.withFiles,
    zip: o.zip,
    zoomExport: o.zoomExport,
    skip: o.skip,
    // A resumed run rebuilds the copy: the export's --approve was for the copy it built, not this one.
    release: inherited(o.release),
  };
  const credentials = loadZoomCredentials(env);
  const home = zdsarHome(env);
  const packageDir = request.out_dir ?? join(o.outRoot ?? join(home, 'exports'), request.request_id);
  return { ledger: Ledger.open(home), request: { ...request, out_dir: packageDir }, settings, credentials, tuning: clientTuning(env), home, signer: signerFrom(loadSigningKey(env)) };
}

/** Collect everything for a prepared export; `onChange` feeds the progress display, `onSubjectDone` a line per person. */
export async function executeExport(
  p: PreparedExport,
  run: RunContext & { onChange?: (state: ExportState) => void; onSubjectDone?: (index: number, result: SubjectResult) => void },
): Promise<ExportOutcome> {
  const { settings, credentials } = p;
  // One rate-limit budget for everything this run sends (Zoom counts per account).
  const limiter = new RateLimiter(settings.plan);
  const registrationsOf = settings.includeRegistrations
    ? registrationsFinder({ home: p.home, credentials, plan: settings.plan, limiter, tuning: p.tuning, logger: run.logger, signal: run.signal })
    : undefined;
  return runExport(p.ledger, p.request, credentials, settings, run.signal, { logger: run.logger, limiter, tuning: p.tuning, registrationsOf, signer: p.signer, onChange: run.onChange, onSubjectDone: run.onSubjectDone });
}
