import { join, resolve, sep } from 'node:path';
import type { CommandContext } from '../commands/context.js';
import { clientTuning, loadPlan, loadZoomCredentials, zdsarHome, type Plan } from '../config.js';
import { isoDay } from '../dates.js';
import { EXIT, UsageError } from '../errors.js';
import { ensurePrivateDir } from '../fs/atomic.js';
import { UnsafePathError } from '../fs/safe.js';
import { Ledger, subjectLabel, type LedgerRequest, type Regime } from '../ledger/index.js';
import { parseDateArg } from '../ledger/deadlines.js';
import { printJson, palette } from '../ui/io.js';
import { createLogger } from '../ui/logger.js';
import { createProgress } from '../ui/progress.js';
import { RateLimiter } from '../zoom/limiter.js';
import { runExport, type ExportOutcome, type ExportSettings, type ExportState } from './export.js';
import { describePeopleReport, readPeopleReport } from '../people/subjects.js';

export interface ExportFlags {
  csv?: string;
  emails?: string;
  emailColumn?: string;
  out?: string;
  from?: string;
  to?: string;
  json?: boolean;
  plan?: string;
  verbose?: boolean;
  showEmails?: boolean;
  includeRegistrations?: boolean;
  withFiles?: boolean;
  zip?: boolean;
  zoomExport?: boolean;
  requester?: string;
  received?: string;
  regime?: string;
}

/** `zdsar export`: validate everything, record the request, then collect. */
export async function startExport(ctx: CommandContext, flags: ExportFlags): Promise<number> {
  const env = ctx.io.env;
  const from = flags.from !== undefined ? isoDay(parseDateArg('--from', flags.from)) : undefined;
  const to = flags.to !== undefined ? isoDay(parseDateArg('--to', flags.to)) : undefined;
  if (from && to && from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  const today = isoDay(new Date());
  if (from && from > today) throw new UsageError(`--from ${from} is in the future`);
  const received = flags.received !== undefined ? parseDateArg('--received', flags.received) : undefined;
  if (received && received.getTime() > Date.now()) throw new UsageError(`--received ${isoDay(received)} is in the future`);
  if (flags.regime !== undefined && flags.regime !== 'gdpr' && flags.regime !== 'ccpa') throw new UsageError(`--regime: must be gdpr or ccpa (got "${flags.regime}")`);
  const plan = loadPlan(env, flags.plan);
  clientTuning(env); // a malformed tuning variable is a usage error before anything is sent
  const { people, report: input } = await readPeopleReport({ csv: flags.csv, emails: flags.emails, emailColumn: flags.emailColumn, stdin: ctx.io.stdin });
  if (!flags.json) for (const l of describePeopleReport(input)) ctx.io.stderr.write(l + '\n');
  const credentials = loadZoomCredentials(env);

  const home = zdsarHome(env);
  const outRoot = flags.out ?? join(home, 'exports');
  const what = flags.out ? '--out' : 'the default output folder under ZDSAR_HOME';
  try {
    await ensurePrivateDir(home, { what: 'ZDSAR_HOME' });
    await ensurePrivateDir(outRoot, { what });
  } catch (e) {
    if (e instanceof UnsafePathError) throw e;
    throw new UsageError(`${what} ${outRoot}: cannot create or write the folder (${(e as NodeJS.ErrnoException).code ?? 'error'})`, flags.out ? undefined : 'Set ZDSAR_HOME to a writable folder, or give --out DIR.');
  }
  const ledger = Ledger.open(home);
  await refuseInsidePackage(ledger, outRoot);
  const settings: ExportSettings = { from, to, today, plan, includeRegistrations: flags.includeRegistrations, withFiles: flags.withFiles, zip: flags.zip, zoomExport: flags.zoomExport };
  const request = await ledger.create({
    type: 'export',
    subjects: people.map((p) => p.email),
    requester: flags.requester,
    receivedAt: received,
    regime: flags.regime as Regime | undefined,
    range: { from, to },
    options: { ...settings, outRoot, input: { source: input.source, column: input.column, mapping: input.mapping } },
  });
  const packageDir = join(outRoot, request.request_id);
  await ledger.setOutDir(request.request_id, packageDir);
  return execute(ctx, ledger, { ...request, out_dir: packageDir }, settings, credentials, flags);
}

/** `zdsar requests resume <id>` for an export: same settings, same folder, only what is missing. */
export async function continueExport(ctx: CommandContext, request: LedgerRequest, flags: { json?: boolean; verbose?: boolean; showEmails?: boolean } = {}): Promise<number> {
  const o = (request.options ?? {}) as Partial<ExportSettings> & { outRoot?: string };
  const settings: ExportSettings = {
    from: o.from,
    to: o.to,
    today: o.today ?? isoDay(new Date()),
    plan: (o.plan as Plan) ?? loadPlan(ctx.io.env),
    includeRegistrations: o.includeRegistrations,
    withFiles: o.withFiles,
    zip: o.zip,
    zoomExport: o.zoomExport,
  };
  const credentials = loadZoomCredentials(ctx.io.env);
  const ledger = Ledger.open(zdsarHome(ctx.io.env));
  const packageDir = request.out_dir ?? join(o.outRoot ?? join(zdsarHome(ctx.io.env), 'exports'), request.request_id);
  return execute(ctx, ledger, { ...request, out_dir: packageDir }, settings, credentials, flags);
}

async function execute(
  ctx: CommandContext,
  ledger: Ledger,
  request: LedgerRequest,
  settings: ExportSettings,
  credentials: ReturnType<typeof loadZoomCredentials>,
  flags: { json?: boolean; verbose?: boolean; showEmails?: boolean },
): Promise<number> {
  const io = ctx.io;
  const progress = createProgress(io, { json: flags.json, title: `zdsar export ${request.request_id}: ${request.subjects.length} people` });
  const logger = createLogger(io, { verbose: flags.verbose, before: () => undefined });
  const label = (i: number) => subjectLabel(request, i, Boolean(flags.showEmails));
  // One rate-limit budget for everything this run sends (Zoom counts per account).
  const limiter = new RateLimiter(settings.plan);
  const registrationsOf = settings.includeRegistrations ? await loadRegistrationFinder(ctx, credentials, settings.plan, limiter) : undefined;
  let outcome: ExportOutcome;
  try {
    outcome = await runExport(ledger, request, credentials, settings, ctx.signal, {
      logger,
      limiter,
      tuning: clientTuning(io.env),
      registrationsOf,
      onChange: (state) => progress.update(progressLines(state, label)),
    });
  } finally {
    progress.stop();
  }
  const { manifest, packageDir, status, zips } = outcome;
  if (flags.json) {
    printJson(io, {
      request_id: manifest.request_id,
      status,
      ...(request.options?.input ? { input: request.options.input } : {}),
      package: packageDir,
      manifest: join(packageDir, 'manifest.json'),
      report: join(packageDir, 'report.html'),
      ...(zips.length ? { zips } : {}),
      subjects: manifest.subjects.map((s) => ({
        index: s.index,
        email: s.email,
        status: s.status,
        path: join(packageDir, s.path),
        records: Object.fromEntries(Object.entries(s.categories).map(([k, c]) => [k, c.status === 'done' ? (c.records ?? 0) : c.status])),
        errors: Object.entries(s.categories).filter(([, c]) => c.status === 'failed').map(([k, c]) => ({ category: k, message: c.error })),
        ...(s.downloads ? { downloads: { files: s.downloads.files + s.downloads.skipped, bytes: s.downloads.bytes, failed: s.downloads.failed.length } } : {}),
        ...(s.error ? { error: s.error } : {}),
      })),
      zoom_requests: manifest.zoom_requests,
    });
  } else {
    const p = palette(io);
    for (const s of manifest.subjects) {
      const total = Object.values(s.categories).reduce((n, c) => n + (c.status === 'done' ? (c.records ?? 0) : 0), 0);
      const failed = Object.entries(s.categories).filter(([, c]) => c.status === 'failed');
      const mark = s.status === 'completed' ? p.green('completed') : s.status === 'not_found' ? p.yellow('no Zoom user in this account') : p.red(s.status);
      const regs = s.categories.registrations?.records;
      const count = s.status === 'not_found' ? (regs ? `; ${regs} registrations` : '') : s.status === 'failed' ? '' : `, ${total} records`;
      io.stderr.write(`${label(s.index)}: ${mark}${count}\n`);
      for (const [cat, c] of failed) io.stderr.write(`    ${cat}: ${c.error}\n`);
      if (s.error) io.stderr.write(`    ${s.error}\n`);
    }
    io.stderr.write(`${status === 'completed' ? 'Done' : 'Done in part'}: request ${manifest.request_id}. Open report.html for a readable summary; package:\n`);
    for (const z of zips) io.stderr.write(`  zip: ${z}\n`);
    io.stdout.write(packageDir + '\n');
    if (status !== 'completed') io.stderr.write(`Retry what failed with: zdsar requests resume ${manifest.request_id}\n`);
  }
  return status === 'completed' ? EXIT.ok : EXIT.partial;
}

function progressLines(state: ExportState, label: (i: number) => string): string[] {
  const active = state.subjects.filter((s) => s.status === 'collecting').slice(0, 8);
  const done = state.subjects.filter((s) => s.status !== 'waiting' && s.status !== 'collecting').length;
  const st = state.client?.stats;
  const lines = [`  ${done}/${state.subjects.length} people done${st ? ` · ${Object.values(st.requests).reduce((a, b) => a + b, 0)} requests · ${st.throttled} throttled` : ''}`];
  for (const s of active) {
    const all = Object.entries(s.categories);
    const settled = all.filter(([, v]) => v === 'done' || v === 'no_data' || v === 'failed').length;
    const busy = all.filter(([, v]) => v !== 'done' && v !== 'no_data' && v !== 'failed').map(([k, v]) => `${k} ${v}`);
    lines.push(`  ${label(s.index)}: ${all.length === 0 ? 'looking up' : `${settled} categories done${busy.length ? `; ${busy.join(', ')}` : ''}`}`);
  }
  return lines;
}

/** --include-registrations: the account scan of `zdsar registrants`, loaded only when asked for. */
async function loadRegistrationFinder(ctx: CommandContext, credentials: ReturnType<typeof loadZoomCredentials>, plan: Plan, limiter: RateLimiter) {
  const { registrationsFinder } = await import('../registrants/find.js');
  return registrationsFinder({ home: zdsarHome(ctx.io.env), credentials, plan, limiter, tuning: clientTuning(ctx.io.env), logger: createLogger(ctx.io, {}), signal: ctx.signal });
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
