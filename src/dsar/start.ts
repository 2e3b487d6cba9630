import { join } from 'node:path';
import type { CommandContext } from '../commands/context.js';
import { clientTuning, loadPlan, loadZoomCredentials, zdsarHome, type Plan } from '../config.js';
import { isoDay } from '../dates.js';
import { EXIT, UsageError } from '../errors.js';
import { ensurePrivateDir } from '../fs/atomic.js';
import { Ledger, subjectLabel, type LedgerRequest, type Regime } from '../ledger/index.js';
import { parseDateArg } from '../ledger/deadlines.js';
import { printJson, palette } from '../ui/io.js';
import { createLogger } from '../ui/logger.js';
import { createProgress } from '../ui/progress.js';
import { RateLimiter } from '../zoom/limiter.js';
import { runExport, type ExportOutcome, type ExportSettings, type ExportState } from './export.js';
import { readPeople } from '../people/subjects.js';
import { OPTIONAL_CATEGORIES } from './breadth.js';
import { estimateExport, formatEstimate } from './estimate.js';

/** --skip chat,attendance: names of optional categories; anything else is bad input. */
export function parseSkip(value: string | undefined): string[] {
  if (value === undefined) return [];
  const names = value.split(',').map((x) => x.trim()).filter(Boolean);
  const known = Object.keys(OPTIONAL_CATEGORIES);
  const bad = names.filter((n) => !known.includes(n));
  if (bad.length > 0 || names.length === 0) throw new UsageError(`--skip: ${bad.length ? `unknown ${bad.length === 1 ? 'category' : 'categories'} ${bad.map((b) => `"${b}"`).join(', ')}` : 'give at least one category'} (one or more of ${known.join(', ')})`);
  return [...new Set(names)];
}

export interface ExportFlags {
  csv?: string;
  emails?: string;
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
  /** Print the expected requests and time, send nothing. */
  estimate?: boolean;
  /** Optional categories to leave out, comma-separated (OPTIONAL_CATEGORIES). */
  skip?: string;
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
  const skip = parseSkip(flags.skip);
  const people = await readPeople({ csv: flags.csv, emails: flags.emails, stdin: ctx.io.stdin });
  if (flags.estimate) {
    const e = estimateExport({ people: people.length, plan, from, to, today, skip });
    if (flags.json) printJson(ctx.io, e);
    else ctx.io.stdout.write(formatEstimate(e));
    return EXIT.ok;
  }
  const credentials = loadZoomCredentials(env);

  const home = zdsarHome(env);
  const outRoot = flags.out ?? join(home, 'exports');
  try {
    await ensurePrivateDir(outRoot);
  } catch (e) {
    const what = flags.out ? `--out ${outRoot}` : `${outRoot} (the default output under ZDSAR_HOME)`;
    throw new UsageError(`${what}: cannot create or write the folder (${(e as NodeJS.ErrnoException).code ?? 'error'})`, flags.out ? undefined : 'Set ZDSAR_HOME to a writable folder, or give --out DIR.');
  }
  const ledger = Ledger.open(home);
  const settings: ExportSettings = { from, to, today, plan, includeRegistrations: flags.includeRegistrations, withFiles: flags.withFiles, zip: flags.zip, zoomExport: flags.zoomExport, ...(skip.length ? { skip } : {}) };
  const request = await ledger.create({
    type: 'export',
    subjects: people.map((p) => p.email),
    requester: flags.requester,
    receivedAt: received,
    regime: flags.regime as Regime | undefined,
    range: { from, to },
    options: { ...settings, outRoot },
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
    skip: o.skip,
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
      package: packageDir,
      manifest: join(packageDir, 'manifest.json'),
      report: join(packageDir, 'report.html'),
      ...(zips.length ? { zips } : {}),
      subjects: manifest.subjects.map((s) => ({
        index: s.index,
        email: s.email,
        status: s.status,
        path: join(packageDir, s.path),
        records: Object.fromEntries(Object.entries(s.categories).map(([k, c]) => [k, c.status === 'done' ? (c.records ?? 0) : c.status === 'unavailable' ? (c.reason ?? c.status) : c.status])),
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
      // Not enabled / not permitted: what to change, so it is never mistaken for "no data".
      for (const [cat, c] of Object.entries(s.categories)) if (c.status === 'unavailable' && c.reason !== 'skipped') io.stderr.write(`    ${cat}: ${c.reason === 'not_enabled' ? 'not enabled' : 'not permitted'}: ${c.note ?? ''}\n`);
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
