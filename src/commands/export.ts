import type { Command } from 'commander';
import { describePeopleReport } from '../ui/people-report.js';
import { join } from 'node:path';
import { z } from 'zod';
import type { SubjectResult } from '../dsar/collect.js';
import type { ExportOutcome, ExportState } from '../dsar/export.js';
import type { PreparedExport } from '../dsar/start.js';
import { EXIT, UsageError } from '../errors.js';
import { isoDay, subjectLabel } from '../ledger/index.js';
import { palette, printJson } from '../ui/io.js';
import { addressMask } from '../ui/people.js';
import { createProgress } from '../ui/progress.js';
import { identityGiven, identityOptions, withIdentity } from './identity-options.js';
import { releaseOptions, statementSkipOf, withStatementSkip } from './release-options.js';
import { releaseJson, releaseLines } from './release-view.js';
import { action, baseOptions, dateOption, peopleOptions, planOf, runContext, warnIfLate, withJson, withPeople, withRequest, withZoom, type CommandContext } from './context.js';

const exportOptions = baseOptions.extend({
  ...peopleOptions.shape,
  out: z.string().optional(),
  from: dateOption('--from', { notAfterToday: true }).optional(),
  to: dateOption('--to', { notAfterToday: true }).optional(),
  includeRegistrations: z.boolean().default(false),
  withFiles: z.boolean().default(false),
  zip: z.boolean().default(false),
  zoomExport: z.boolean().default(false),
  skip: z.string().optional(),
  estimate: z.boolean().default(false),
  ...releaseOptions.shape,
  ...identityOptions.shape,
});

/** How an export run is shown: --json, --verbose, --show-emails (also `requests resume`). */
export interface ShowOptions {
  json: boolean;
  verbose: boolean;
  showEmails: boolean;
}

export function register(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('export')
    .description('collect everything Zoom holds about up to 50 people into a verifiable package (GDPR Art. 15/20, CCPA right to know)')
    .option('--out <dir>', 'where packages are written (default: $ZDSAR_HOME/exports)')
    .option('--from <date>', 'start of the date range, YYYY-MM-DD (default: when the Zoom user was created)')
    .option('--to <date>', 'end of the date range, YYYY-MM-DD, not after today (default: today)')
    .option('--include-registrations', "also include the person's meeting and webinar registrations found across the account")
    .option('--with-files', 'also download cloud recording, call recording, voicemail and Team Chat files into each folder')
    .option('--zip', "one zip per person: with --redact, made from the approved copy (what the person receives); without, the officer's archive of the record in internal-record/ (not for release)")
    .option('--zoom-export', "also submit Zoom's own Data & Privacy export for the same people and put its zips in their folders (can take days: `requests resume` picks it up)")
    .option('--skip <categories>', 'leave out optional categories, comma-separated: chat, sms_messages, voicemail_transcripts, attendance, summaries, sign_ins, clips, calendar, scheduler, workspaces, ai_companion, mail, whiteboards, contact_center, zoom_events, visitors, revenue_accelerator, quality_management, meeting_answers, meeting_transcripts (see --estimate for what each costs)')
    .option('--estimate', 'print the requests per rate category and the expected time on the plan, and what each optional category adds; send nothing')
    .option('--redact', "also write disclosure/: each person's copy with other people masked (GDPR Art. 15(4)); their report and zip wait for approval")
    .option('--redaction-policy <file>', 'a JSON file changing what the disclosure copy masks (implies --redact)')
    .option('--approve', 'approve the disclosure copy now, as the officer (implies --redact; recorded in the ledger)')
    .option('--approver <name>', 'who approves, for the ledger (default: your OS user)')
    .option('--age-recipient <recipient>', 'encrypt each zip to this age recipient (age1…; repeatable; implies --zip)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--zip-passphrase', 'make each zip AES-256 encrypted with a passphrase shown once (implies --zip)');
  withRequest(cmd, 'export', 'gdpr');
  withIdentity(cmd);
  withStatementSkip(cmd);
  withPeople(cmd);
  withJson(cmd);
  withZoom(cmd);
  cmd
    .addHelpText(
      'after',
      `
Examples:
  $ zdsar export --csv people.csv
  $ zdsar export --emails alice@example.com,bob@example.com --from 2025-01-01 --json
  $ zdsar export --csv people.csv --include-registrations --with-files --redact --zip
  $ cat requests.csv | zdsar export --out ./dsar --received 2026-11-02
  $ zdsar export --csv people.csv --estimate
  $ zdsar export --csv people.csv --skip attendance,sign_ins
  $ zdsar export --csv people.csv --redact --zip --age-recipient age1…   disclosure copy, zips after approval
Exit codes: 0 everyone answered, 1 in part (see manifest.json), 2 bad input, 3 credentials or scopes, 130 interrupted.`,
    )
    .action(
      action(ctx, exportOptions, async (o) => {
        const from = o.from && isoDay(o.from);
        const to = o.to && isoDay(o.to);
        if (from && to && from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
        if (o.estimate) {
          const [{ estimateNewExport }, { formatEstimate }] = await Promise.all([import('../dsar/start.js'), import('../dsar/estimate.js')]);
          const e = await estimateNewExport({ ...o, from, to, plan: planOf(ctx, o), env: ctx.io.env, stdin: ctx.io.stdin });
          if (o.json) printJson(ctx.io, e);
          else ctx.io.stdout.write(formatEstimate(e));
          return EXIT.ok;
        }
        const { createExport } = await import('../dsar/start.js');
        const { redact, redactionPolicy, approve, approver, ageRecipient, zipPassphrase, statementCheck, statementReason, identityCheck, reason, identityMethod, identityEvidence, identityVerifier, requesterKind, agentAuthorisation, ...rest } = o;
        const statementSkip = statementSkipOf({ statementCheck, statementReason });
        const release = { redact, redactionPolicy, approve, approver, ageRecipient, zipPassphrase, ...(statementSkip ? { statementSkip } : {}) };
        const identity = identityGiven({ identityCheck, reason, identityMethod, identityEvidence, identityVerifier, requesterKind, agentAuthorisation }, approver);
        const prepared = await createExport({ ...rest, from, to, plan: planOf(ctx, o), env: ctx.io.env, stdin: ctx.io.stdin, release, identity });
        if (!o.json && prepared.input) for (const l of describePeopleReport(prepared.input)) ctx.io.stderr.write(l + '\n');
        await warnIfLate(ctx, prepared.request);
        return runExport(ctx, prepared, o);
      }),
    );
}

/** Run a prepared export (new or resumed) with progress, and render its outcome. */
export async function runExport(ctx: CommandContext, prepared: PreparedExport, show: ShowOptions): Promise<number> {
  const { executeExport } = await import('../dsar/start.js');
  const io = ctx.io;
  const request = prepared.request;
  // Whatever happens next, a --json reader learns which request this is.
  ctx.failure = { request_id: request.request_id, resume_command: `zdsar requests resume ${request.request_id}` };
  const label = (i: number) => subjectLabel(request, i, show.showEmails);
  // Names people as the run does: #N unless --show-emails (Zoom's own messages can hold an address).
  const mask = addressMask(request.subjects, show.showEmails);
  const p = palette(io);
  let latest: ExportState | undefined;
  const started = Date.now();
  const progress = createProgress(io, {
    json: show.json,
    title: `zdsar export ${request.request_id}: ${peopleCount(request.subjects.length)}`,
    // Without a spinner (cron, CI): a one-line status now and then, so a long run is visibly alive.
    status: () => (latest ? `zdsar export ${request.request_id}: ${progressLines(latest, label)[0]!.trim()} · ${minutes(Date.now() - started)}` : undefined),
  });
  let outcome: ExportOutcome;
  // What stands in the way of a category is the same for everyone (an account setting, a scope): said once per run.
  const said = new Set<string>();
  try {
    outcome = await executeExport(prepared, {
      ...runContext(ctx, { verbose: show.verbose, mask }, progress),
      onChange: (state) => {
        latest = state;
        progress.update(() => progressLines(state, label));
      },
      // A line as each person finishes, on a terminal and off it (a long run is not silent until the end).
      onSubjectDone: show.json ? undefined : (index, result) => {
        for (const line of personLines(label(index), result, p, said)) progress.note(mask(line));
      },
    });
  } finally {
    progress.stop();
  }
  const { manifest, packageDir, status, zips, release } = outcome;
  if (show.json) {
    printJson(io, {
      request_id: manifest.request_id,
      status,
      ...(request.options?.input ? { input: request.options.input } : {}),
      package: packageDir,
      manifest: join(packageDir, 'manifest.json'),
      report: join(packageDir, 'report.html'),
      ...(zips.length ? { zips } : {}),
      ...(release.internal?.length ? { internal_record: release.internal } : {}),
      subjects: manifest.subjects.map((s) => ({
        index: s.index,
        email: s.email,
        status: s.status,
        path: join(packageDir, s.path),
        records: Object.fromEntries(Object.entries(s.categories).map(([k, c]) => [k, c.status === 'done' ? (c.records ?? 0) : c.status === 'unavailable' ? (c.reason ?? c.status) : c.status])),
        // One list of what went wrong for this person: failed categories, then the person's own error.
        errors: [
          ...Object.entries(s.categories)
            .filter(([, c]) => c.status === 'failed')
            .map(([k, c]) => ({ category: k, message: c.error })),
          ...(s.error ? [{ category: null, message: s.error }] : []),
        ],
        ...(s.downloads ? { downloads: { files: s.downloads.files + s.downloads.skipped, bytes: s.downloads.bytes, failed: s.downloads.failed.length } } : {}),
      })),
      zoom_requests: manifest.zoom_requests,
      ...(status !== 'completed' ? { resume_command: `zdsar requests resume ${manifest.request_id}` } : {}),
      ...releaseJson(release, packageDir),
    });
    // A passphrase is shown once, to the person at the terminal: never in the JSON document.
    for (const line of releaseLines(release).filter((l) => l.startsWith('Passphrase') || l.startsWith('Article 15'))) io.stderr.write(line + '\n');
  } else {
    // The per-person lines were printed as each finished; here one summary.
    const counts = new Map<string, number>();
    for (const s of manifest.subjects) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
    const tally = [...counts].map(([k, n]) => `${n} ${k === 'not_found' ? 'without a Zoom user' : k}`).join(', ');
    io.stderr.write(`${status === 'completed' ? 'Done' : 'Done in part'}: request ${manifest.request_id} (${peopleCount(manifest.subjects.length)}: ${tally}). Open report.html for a readable summary; package:\n`);
    for (const z of zips) io.stderr.write(`  zip: ${z}\n`);
    for (const z of release.internal ?? []) io.stderr.write(`  internal record (not for release): ${z}\n`);
    for (const line of releaseLines(release)) io.stderr.write(line + '\n');
    io.stdout.write(packageDir + '\n');
    if (status !== 'completed') io.stderr.write(`Retry what failed with: zdsar requests resume ${manifest.request_id}\n`);
  }
  return status === 'completed' ? EXIT.ok : EXIT.partial;
}

/**
 * The lines printed as one person finishes: outcome and counts, then each failure, then what stands in the
 * way of a category (not enabled, not permitted…). A reason already printed for an earlier person (`said`) is
 * named, not repeated.
 */
function personLines(who: string, s: SubjectResult, p: ReturnType<typeof palette>, said: Set<string>): string[] {
  const total = Object.values(s.categories).reduce((n, c) => n + (c.status === 'done' ? (c.records ?? 0) : 0), 0);
  const mark = s.status === 'completed' ? p.green('completed') : s.status === 'not_found' ? p.yellow('no Zoom user in this account') : p.red(s.status);
  const regs = s.categories.registrations?.status === 'done' ? s.categories.registrations.records : undefined;
  const count = s.status === 'not_found' ? (regs ? `; ${regs} registrations` : '') : s.status === 'failed' ? '' : `, ${total} records`;
  const out = [`${who}: ${mark}${count}`];
  for (const [cat, c] of Object.entries(s.categories)) if (c.status === 'failed') out.push(`    ${cat}: ${c.error}`);
  // Not enabled / not permitted: what to change, so it is never mistaken for "no data".
  const asAbove: string[] = [];
  for (const [cat, c] of Object.entries(s.categories)) {
    if (c.status !== 'unavailable' || c.reason === 'skipped') continue;
    const line = `    ${cat}: ${c.reason === 'not_enabled' ? 'not enabled' : c.reason === 'user_level' ? 'not readable by an admin app' : c.reason === 'not_granted' ? 'scope not granted' : 'not permitted'}: ${c.note ?? ''}`;
    if (said.has(line)) asAbove.push(cat);
    else {
      said.add(line);
      out.push(line);
    }
  }
  if (asAbove.length) out.push(`    as above, not collected: ${asAbove.join(', ')}`);
  if (s.error) out.push(`    ${s.error}`);
  return out;
}

function peopleCount(n: number): string {
  return `${n} ${n === 1 ? 'person' : 'people'}`;
}

function minutes(ms: number): string {
  const m = Math.floor(ms / 60_000);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
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
