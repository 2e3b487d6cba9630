/**
 * What `zdsar requests` prints: the list table, one request in full, purge results.
 * Loaded only when a requests subcommand runs (CLI start-up stays light).
 */
import { z } from 'zod';
import { daysUntil, humanTime } from '../dates.js';
import { describeIdentity, type LedgerRequest, type PurgeResult } from '../ledger/index.js';
import { clockRuns, stageOf, STAGES, type Stage } from '../ledger/lifecycle.js';
import { palette, type IO, writeLine } from '../ui/io.js';
import { visible } from '../errors.js';
import { renderTable } from '../ui/table.js';
import { byCodeUnits } from '../order.js';

export const DEFAULT_RETENTION_DAYS = 90;

export const purgeOptions = z.strictObject({
  olderThan: z.coerce
    .number({ message: '--older-than: must be a number of days' })
    .int('--older-than: must be a whole number of days')
    .min(0, '--older-than: must be 0 or more days')
    .default(DEFAULT_RETENTION_DAYS),
  dryRun: z.boolean().default(false),
  yes: z.boolean().default(false),
  json: z.boolean().default(false),
});

type Palette = ReturnType<typeof palette>;
type UrgencyFn = typeof import('../ledger/index.js').urgency;

/** Colour on stdout only when stdout itself is a terminal (palette() decides on NO_COLOR and TERM). */
export function stdoutPalette(io: IO): Palette {
  const p = palette(io);
  if (io.stdout.isTTY) return p;
  const id = (s: string) => s;
  return { red: id, yellow: id, green: id, dim: id, bold: id };
}

/** `requests list` filters: --due 7d (due within that many days, or overdue), --overdue, --state <stage>. */
export const listOptions = z.strictObject({
  json: z.boolean().default(false),
  all: z.boolean().default(false),
  due: z
    .string()
    .regex(/^\d{1,3}d$/, '--due: a number of days such as 7d')
    .transform((v) => Number(v.slice(0, -1)))
    .optional(),
  overdue: z.boolean().default(false),
  state: z.enum(STAGES as unknown as [Stage, ...Stage[]], { message: `--state: one of ${STAGES.join(', ')}` }).optional(),
});

/** The requests the filters keep. */
export function filterList(rows: LedgerRequest[], o: z.output<typeof listOptions>, now: Date): LedgerRequest[] {
  return rows.filter((r) => {
    if (o.state && stageOf(r) !== o.state) return false;
    const days = daysUntil(new Date(r.due_at), now);
    if (o.overdue && !(clockRuns(r) && days < 0)) return false;
    if (o.due !== undefined && !(clockRuns(r) && days <= o.due)) return false;
    return true;
  });
}

export function dueCell(r: LedgerRequest, now: Date, urgency: UrgencyFn, c: Palette): string {
  const date = r.due_at.slice(0, 10) + (r.extended ? ' (ext)' : '');
  if (!clockRuns(r)) return date;
  const u = urgency(new Date(r.due_at), now);
  if (u.urgency === 'overdue') return c.red(c.bold(`${date} OVERDUE ${-u.days}d`));
  if (u.urgency === 'due-soon') return c.yellow(`${date} ${u.days === 0 ? 'due today' : `due in ${u.days}d`}`);
  return date;
}

export function summary(r: LedgerRequest, now: Date, urgency: UrgencyFn) {
  const u = urgency(new Date(r.due_at), now);
  return {
    request_id: r.request_id,
    type: r.type,
    status: r.status,
    stage: stageOf(r),
    regime: r.regime,
    ...(r.reference ? { reference: r.reference } : {}),
    requester: r.requester,
    created_at: r.created_at,
    received_at: r.received_at,
    due_at: r.due_at,
    ...(r.acknowledge_by ? { acknowledge_by: r.acknowledge_by } : {}),
    extended: r.extended,
    ...(r.original_due_at ? { original_due_at: r.original_due_at } : {}),
    days_left: u.days,
    urgency: clockRuns(r) ? u.urgency : null,
    subjects: r.subjects,
    ...(r.range ? { range: r.range } : {}),
    ...(r.out_dir ? { out_dir: r.out_dir } : {}),
    errors: r.errors.length,
    ...(r.completed_at ? { completed_at: r.completed_at } : {}),
    ...(r.canceled_at ? { canceled_at: r.canceled_at } : {}),
    ...(r.purged_at ? { purged_at: r.purged_at } : {}),
    ...(r.status === 'interrupted' && !r.purged_at ? { resume_command: resumeCommand(r) } : {}),
  };
}

function resumeCommand(r: LedgerRequest): string {
  // An erasure is continued by running it again (it is idempotent); the others by resume.
  return r.type === 'registrants-erase' ? 'run the same zdsar registrants erase command again' : `zdsar requests resume ${r.request_id}`;
}

/** Under the list: how to continue each interrupted request. */
export function resumeHints(rows: LedgerRequest[]): string[] {
  return rows.filter((r) => r.status === 'interrupted' && !r.purged_at).map((r) => `${r.request_id} was interrupted; continue with: ${resumeCommand(r)}`);
}

/** A person's outcome: set by the workflow (erase), or in the checkpoint of the export's per-person step. */
function outcomeOf(r: LedgerRequest, index: number): string | undefined {
  const step = r.progress[String(index)]?.[SUBJECT_STEP];
  return r.subjects.find((x) => x.index === index)?.status ?? (step?.checkpoint as { status?: string } | undefined)?.status;
}

/** The export's bookkeeping row for the person as a whole (its outcome is shown in OUTCOME instead). */
const SUBJECT_STEP = 'subject';

/**
 * `order`: the categories in the order the package lists them (others after, by name).
 */
export function renderShow(r: LedgerRequest, now: Date, c: Palette, urgency: UrgencyFn, label: (i: number) => string, order: readonly string[] = []): string {
  const out: string[] = [];
  const field = (k: string, v: string | undefined) => v !== undefined && out.push(`  ${(k + ':').padEnd(16)}${v}`);
  out.push(c.bold(`Request ${r.request_id}`));
  field('type', r.type);
  field('stage', stageOf(r).replace('_', ' '));
  field('status', r.status === 'interrupted' && !r.purged_at ? `interrupted (continue with: ${resumeCommand(r)})` : r.status);
  field('regime', r.regime.toUpperCase());
  field('requester', r.requester === undefined ? undefined : visible(r.requester));
  if (r.reference) field('reference', visible(r.reference));
  field('received', r.received_at.slice(0, 10));
  if (r.acknowledge_by) field('acknowledge by', `${r.acknowledge_by.slice(0, 10)} (10 business days; holidays not counted out)`);
  field('due', dueCell(r, now, urgency, c) + (r.extended ? (r.original_due_at ? ` (originally ${r.original_due_at.slice(0, 10)})` : '') : ' (not extended)'));
  if (r.range) field('date range', `${r.range.from ?? 'beginning'} to ${r.range.to ?? 'today'}`);
  field('package', r.out_dir);
  field('created', r.created_at && humanTime(r.created_at));
  field('completed', r.completed_at && humanTime(r.completed_at));
  field('canceled', r.canceled_at && humanTime(r.canceled_at));
  field('purged', r.purged_at && humanTime(r.purged_at));
  if (r.key) field('key', r.key);
  if (r.identity || r.type === 'export' || r.type === 'zoom-delete') field('identity', describeIdentity(r.identity));
  for (const x of r.identity?.refusals ?? []) field('  refused', `${humanTime(x.at)} ${x.step}: ${x.missing}`);
  if (r.purged_at) {
    out.push('', c.dim(`  Addresses were removed when the package was purged (${r.purged_at.slice(0, 10)}); the ledger keeps a salted hash of each (HMAC-SHA-256).`));
  }

  out.push('', c.bold(`People (${r.subjects.length})`));
  const rows: string[][] = [];
  const rank = (cat: string) => {
    const i = order.indexOf(cat);
    return i < 0 ? order.length : i;
  };
  for (const s of r.subjects) {
    const outcome = outcomeOf(r, s.index) ?? '-';
    const cats = Object.entries(r.progress[String(s.index)] ?? {})
      .filter(([cat]) => cat !== SUBJECT_STEP)
      .sort(([a], [b]) => rank(a) - rank(b) || byCodeUnits(a, b));
    if (cats.length === 0) rows.push([label(s.index), outcome, '-', '-', '', '']);
    for (const [i, [cat, p]] of cats.entries()) {
      const st = p.status === 'failed' ? c.red(p.status) : p.status === 'done' ? c.green(p.status) : p.status;
      // A category with nothing to export says why (the same reason the manifest gives).
      const why = p.status === 'skipped' ? (p.checkpoint as { note?: string } | undefined)?.note : undefined;
      rows.push([i === 0 ? label(s.index) : '', i === 0 ? visible(outcome) : '', visible(cat), st, p.records === undefined ? '' : String(p.records), visible(p.error ?? p.file ?? why ?? '')]);
    }
  }
  const whole = Object.entries(r.progress['0'] ?? {});
  for (const [i, [cat, p]] of whole.entries()) rows.push([i === 0 ? 'request' : '', '', visible(cat), visible(p.status), p.records === undefined ? '' : String(p.records), visible(p.error ?? p.file ?? '')]);
  if (rows.length) out.push(indent(renderTable(['PERSON', 'OUTCOME', 'CATEGORY', 'PROGRESS', 'RECORDS', 'FILE / ERROR / WHY NONE'], rows)));

  out.push('', c.bold(`Errors (${r.errors.length})`));
  for (const e of r.errors) {
    const who = [e.subject !== undefined ? label(e.subject) : undefined, e.category].filter(Boolean).join(' ');
    out.push(`  ${humanTime(e.at)}  ${visible(who) ? visible(who) + ': ' : ''}${c.red(visible(e.message))}`);
  }

  out.push('', c.bold(`Evidence (${r.evidence.length})`));
  for (const e of r.evidence) {
    const who = e.subject !== undefined ? `${label(e.subject)} ` : '';
    // Evidence holds what others sent (event fields, Zoom's answers): control characters made visible.
    out.push(`  ${e.at}  ${visible(`${who}${e.action}${e.target ? ` ${e.target}` : ''}: ${e.outcome}`)}`);
  }

  out.push('', c.bold('History'));
  for (const h of r.history) out.push(`  ${h.at}  ${visible(`${h.action}${h.status ? ` ${h.status}` : ''}${h.note ? `: ${h.note}` : ''}`)}`);
  return out.join('\n');
}

export function renderPurge(io: IO, results: PurgeResult[], dryRun: boolean, days: number): void {
  const done = results.filter((r) => !r.skipped);
  const verb = dryRun ? 'would delete' : 'deleted';
  if (done.length === 0) writeLine(io.stderr, `Nothing to purge: no finished request is older than ${days} days.`);
  for (const r of done) {
    const what = r.removed.length ? `${verb} ${r.removed.join(', ')}` : `${dryRun ? 'would find' : 'found'} no package left`;
    writeLine(io.stderr, `${r.request_id}: ${what}; ${r.hashed} address${r.hashed === 1 ? '' : 'es'} ${dryRun ? 'would be replaced' : 'replaced'} by salted hashes.`);
  }
  for (const r of results.filter((x) => x.skipped)) writeLine(io.stderr, `${r.request_id}: not purged: ${r.skipped}`);
  if (dryRun && done.length) writeLine(io.stderr, 'Dry run: nothing was deleted. Run again with --yes to delete.');
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => '  ' + l)
    .join('\n');
}
