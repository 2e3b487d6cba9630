import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import pLimit from 'p-limit';
import { VERSION } from '../version.js';
import type { ClientTuning, ZoomCredentials, Plan } from '../config.js';
import { InterruptedError, PartialFailure } from '../errors.js';
import { ensurePrivateDir, writeFileAtomic } from '../fs/atomic.js';
import { PACKAGE_MARKER, type Ledger, type LedgerRequest } from '../ledger/index.js';
import type { Logger } from '../run-context.js';
import { ZoomClient } from '../zoom/client.js';
import type { RateLimiter } from '../zoom/limiter.js';
import { AccountWide } from './account-wide.js';
import { CHAIN_LEADS, collectSubject, type CategoryResult, type SubjectResult } from './collect.js';
import { downloadSubjectFiles, withFileOutcomes } from './files.js';
import { subjectEntry, writeManifest, type Manifest, type ManifestSubject } from './manifest.js';
import { renderSubjectBody, type RenderedBody } from './report/index.js';
import { finishPackage, type ReleaseOutcome, type ReleaseSettings } from './disclosure/release.js';
import type { Signer } from './signing.js';
import { subjectFolder } from '../people/folders.js';

export interface ExportSettings {
  from?: string;
  to?: string;
  /** yyyy-mm-dd fixed when the request was accepted. */
  today: string;
  plan: Plan;
  includeRegistrations?: boolean;
  /** Download recording, call recording and voicemail files into each person's folder. */
  withFiles?: boolean;
  /** One zip per person. */
  zip?: boolean;
  /** Also submit Zoom's own export (Data & Privacy requests) for the same people and range. */
  zoomExport?: boolean;
  /** Optional categories left out (breadth.ts OPTIONAL_CATEGORIES: chat, attendance, summaries, …). */
  skip?: string[];
  /** --redact, --redaction-policy, --approve, --approver, --age-recipient, --zip-passphrase (disclosure/release.ts). */
  release?: Omit<ReleaseSettings, 'zip'>;
}

export interface ExportHooks {
  logger: Logger;
  /** Shared with anything else this run sends to Zoom (the registrations scan). */
  limiter?: RateLimiter;
  /** Timeout and connections (config.clientTuning). */
  tuning?: ClientTuning;
  /** Called whenever a person's or category's state changes (for the progress display). */
  onChange?: (state: ExportState) => void;
  /** Called as each person's collection ends (for a line per person while the run goes on). */
  onSubjectDone?: (index: number, result: SubjectResult) => void;
  /** For --include-registrations: the registrations found for an email. */
  registrationsOf?: (email: string) => AsyncIterable<Record<string, unknown>>;
  /** Signs manifests (ZDSAR_SIGNING_KEY); never stored with the settings. */
  signer?: Signer;
}

export interface ExportState {
  subjects: Array<{ index: number; status: 'waiting' | 'collecting' | SubjectResult['status']; categories: Record<string, string> }>;
  client?: ZoomClient;
}

export interface ExportOutcome {
  manifest: Manifest;
  packageDir: string;
  status: 'completed' | 'partial';
  /** --zip: one zip per person. */
  zips: string[];
  /** --zoom-export: where Zoom's own export stands. */
  zoomExport?: ZoomExportOutcome;
  /** Disclosure copy, approval, signature and zips. */
  release: ReleaseOutcome;
}

/** File-system failures that stop the package being written (not a bug: the disk or the folder). */
const FS_ERRORS = new Map([
  ['ENOSPC', 'the disk is full'],
  ['EDQUOT', 'the disk quota is used up'],
  ['EROFS', 'the file system is read-only'],
  ['EACCES', 'permission denied'],
  ['EPERM', 'operation not permitted'],
  ['EIO', 'an input/output error'],
]);

type ZoomExportOutcome = Awaited<ReturnType<typeof import('../zoom-data-requests/export.js').runZoomExport>>;

/** --zoom-export: Zoom's own export for the same people and window, queued ten people at a time. */
async function runZoomPart(
  client: ZoomClient,
  ledger: Ledger,
  request: LedgerRequest,
  packageDir: string,
  settings: ExportSettings,
  results: Map<number, SubjectResult>,
  signal: AbortSignal,
  hooks: ExportHooks,
): Promise<ZoomExportOutcome> {
  const { runZoomExport } = await import('../zoom-data-requests/export.js');
  // Zoom takes one window per request: the requested one, else the earliest person's history.
  const from = settings.from ?? [...results.values()].map((r) => r.range?.from).filter((x): x is string => Boolean(x)).sort()[0] ?? settings.today;
  const outcome = await runZoomExport({
    client,
    ledger,
    request,
    packageDir,
    signal,
    logger: hooks.logger,
    subjects: request.subjects.filter((s) => s.email).map((s) => ({ index: s.index, email: s.email!, folder: subjectFolder(s.index, s.email!) })),
    range: { from, to: settings.to ?? settings.today },
    waitForCompletion: true,
  });
  hooks.logger.info(outcome.summary);
  if (outcome.hint) hooks.logger.info(outcome.hint);
  return outcome;
}

/**
 * Run (or resume) an export request recorded in the ledger: every person concurrently,
 * within the client's rate-limit pacing; one person's failure never stops the others.
 */
export async function runExport(
  ledger: Ledger,
  request: LedgerRequest,
  credentials: ZoomCredentials,
  settings: ExportSettings,
  signal: AbortSignal,
  hooks: ExportHooks,
): Promise<ExportOutcome> {
  const release = await ledger.holdRun(request.request_id);
  try {
    return await runHeld(ledger, request, credentials, settings, signal, hooks);
  } finally {
    await release();
  }
}

async function runHeld(
  ledger: Ledger,
  request: LedgerRequest,
  credentials: ZoomCredentials,
  settings: ExportSettings,
  signal: AbortSignal,
  hooks: ExportHooks,
): Promise<ExportOutcome> {
  const packageDir = request.out_dir!;
  // Before every run and resume: the output folder and the package are this user's, private, and not
  // links; the package folder itself is created without -p (its parent must be the checked output folder).
  await ensurePrivateDir(dirname(packageDir), { what: 'the output folder' });
  await ensurePrivateDir(packageDir, { what: 'the package folder', parents: false });
  // Whose package this is, before any personal data: the deletion guard's proof for a run killed before its manifest.
  await writeFileAtomic(join(packageDir, PACKAGE_MARKER), JSON.stringify({ request_id: request.request_id }) + '\n');
  await ensurePrivateDir(join(packageDir, 'subjects'));
  const client = new ZoomClient({ credentials, plan: settings.plan, signal, logger: hooks.logger, limiter: hooks.limiter, leads: CHAIN_LEADS, ...hooks.tuning });
  const limit = pLimit(48);
  // Lists Zoom serves only for the whole account (sign-ins, summaries): fetched once for everyone.
  const accountWide = new AccountWide({ client, signal, work: join(packageDir, '.work', '_account'), today: settings.today, from: settings.from, to: settings.to });
  const breadth = { limit: pLimit(32), accountWide, skip: new Set(settings.skip ?? []), participantsFrom: hooks.tuning?.participantsFrom };
  const state: ExportState = {
    client,
    subjects: request.subjects.map((s) => ({ index: s.index, status: 'waiting', categories: {} })),
  };
  const changed = () => hooks.onChange?.(state);
  await ledger.setStatus(request.request_id, 'processing');

  const results = new Map<number, SubjectResult>();
  const early: Early = { entries: new Map(), bodies: new Map() };
  let zoomExport: ZoomExportOutcome | undefined;
  try {
    await client.auth.token(); // bad credentials stop the whole request before anyone is touched
    await Promise.all(
      request.subjects.map(async (s) => {
        const email = s.email!;
        const folder = subjectFolder(s.index, email);
        const st = state.subjects.find((x) => x.index === s.index)!;
        st.status = 'collecting';
        changed();
        const settled = settledCategories(request, s.index);
        const result = await collectSubject(
          {
            client,
            limit,
            signal,
            today: settings.today,
            range: { from: settings.from, to: settings.to },
            settled,
            breadth,
            registrations: settings.includeRegistrations && hooks.registrationsOf ? () => registrationsByEach([email, ...(s.other_emails ?? [])], hooks.registrationsOf!) : undefined,
            identifiers: { otherEmails: s.other_emails ?? [], phones: s.phones ?? [] },
            progress: async (category, r) => {
              st.categories[category] = r.status === 'part_done' ? `${r.records ?? 0}…` : r.status;
              changed();
              // A part saved is on disk, fsynced, where a resume finds it (collect.ts trusts its own parts, not
              // the ledger): the ledger records a category's start and its end, not each of its thousands of parts.
              if (r.status !== 'part_done') await ledger.recordProgress(request.request_id, s.index, category, toLedgerProgress(r));
            },
          },
          email,
          join(packageDir, 'subjects', folder),
          join(packageDir, '.work', folder),
        );
        if (settings.withFiles && (result.status === 'completed' || result.status === 'partial')) {
          st.categories.files = 'downloading';
          changed();
          // Each file's outcome is kept under .work (not the person's scratch folder, which a finished collection removes) until the request completes.
          const d = await downloadSubjectFiles(client, join(packageDir, 'subjects', folder), { signal, maxUnsizedBytes: hooks.tuning?.maxUnsizedDownloadBytes, whiteboardWaitMs: hooks.tuning?.whiteboardExportWaitMs, record: join(packageDir, '.work', '_files', `${folder}.json`) });
          const { items, ...downloads } = d;
          result.downloads = downloads;
          withFileOutcomes(result.categories, items ?? {});
          if (d.failed.length > 0) {
            result.status = 'partial';
            for (const f of d.failed) await ledger.recordError(request.request_id, { subject: s.index, category: 'files', message: `${f.file}: ${f.error}` });
          }
          await ledger.recordProgress(request.request_id, s.index, 'files', {
            status: d.failed.length ? 'failed' : 'done',
            records: d.files + d.skipped,
            ...(d.failed.length ? { error: `${d.failed.length} files could not be downloaded` } : {}),
          });
        }
        results.set(s.index, result);
        st.status = result.status;
        changed();
        await ledger.recordProgress(request.request_id, s.index, 'subject', {
          status: result.status === 'failed' ? 'failed' : 'done',
          error: result.error,
          checkpoint: { status: result.status, user_id: result.userId, range: result.range },
        });
        hooks.onSubjectDone?.(s.index, result);
        for (const [cat, c] of Object.entries(result.categories)) {
          if (c.status === 'failed') await ledger.recordError(request.request_id, { subject: s.index, category: cat, message: c.error ?? 'failed' });
        }
        if (result.error) await ledger.recordError(request.request_id, { subject: s.index, message: result.error });
        // The person's folder is final (unless Zoom's export will place files in it): their manifest entry and
        // the costly part of their report are made now, while the others are still collected, not after the last.
        if (!settings.zoomExport) await finishEarly(packageDir, s, result, folder, early);
      }),
    );
    if (settings.zoomExport) zoomExport = await runZoomPart(client, ledger, request, packageDir, settings, results, signal, hooks);
  } catch (e) {
    if (signal.aborted) {
      // Recorded, so that `requests list` and purge see a stopped run, not a running one.
      await ledger
        .setStatus(request.request_id, 'interrupted', `interrupted (Ctrl-C or a stop signal); continue with: zdsar requests resume ${request.request_id}`)
        .catch(() => undefined); // canceled meanwhile: it stays canceled
      throw new InterruptedError(`interrupted; what was saved is kept`, `Continue with: zdsar requests resume ${request.request_id}`);
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code && FS_ERRORS.has(code)) {
      // A full or unwritable disk while collecting (a profile, a folder): what was saved is kept, a resume continues.
      await ledger.setStatus(request.request_id, 'partial', `cannot write the package: ${code}`);
      throw new PartialFailure(`cannot write the package in ${packageDir}: ${FS_ERRORS.get(code)} (${code})`, `Make room or fix the folder, then: zdsar requests resume ${request.request_id}`);
    }
    await ledger.recordError(request.request_id, { message: (e as Error).message });
    await ledger.setStatus(request.request_id, 'failed', (e as Error).message);
    throw e;
  } finally {
    await client.close();
  }

  let manifest: Manifest;
  let release: ReleaseOutcome;
  try {
    manifest = await writeManifest(packageDir, {
      request,
      version: VERSION,
      range: { from: settings.from, to: settings.to },
      results,
      stats: client.stats,
      notes: zoomExport?.notes,
      entries: early.entries,
      ...(zoomExport ? { placed: new Map(zoomExport.subjects.map((z) => [z.index, z.files.map((f) => f.path)])) } : {}),
    });
    release = await finishPackage(ledger, request, packageDir, manifest, { ...settings.release, zip: settings.zip }, hooks.signer, early.bodies);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!code || !FS_ERRORS.has(code)) throw e;
    // What was collected is on disk; the package is finished by a resume once the folder is writable.
    await ledger.setStatus(request.request_id, 'partial', `cannot write the package: ${code}`);
    throw new PartialFailure(`cannot write the package in ${packageDir}: ${FS_ERRORS.get(code)} (${code})`, `Make room or fix the folder, then: zdsar requests resume ${request.request_id}`);
  }
  // Zoom's own export can take days: until it is in, the request stays open (partial) so resume picks it up.
  const everyone = manifest.subjects.every((s) => s.status === 'completed' || s.status === 'not_found');
  const status = everyone && (!zoomExport || zoomExport.status === 'completed') ? 'completed' : 'partial';
  // Scratch parts are kept only while something is left to resume.
  if (status === 'completed') await rm(join(packageDir, '.work'), { recursive: true, force: true });
  await ledger.setStatus(request.request_id, status);
  return { manifest, packageDir, status, zips: release.zips.map((z) => z.path), zoomExport, release };
}

/** What this run made for each person as they finished: their manifest entry and their report's body. */
interface Early {
  entries: Map<number, ManifestSubject>;
  bodies: Map<number, RenderedBody>;
}

/** A person's manifest entry and report body, made as they finish; on any failure, both are made at the end as before. */
async function finishEarly(packageDir: string, s: { index: number; email?: string }, result: SubjectResult, folder: string, early: Early): Promise<void> {
  try {
    const entry = await subjectEntry(packageDir, s, result);
    const dir = join(packageDir, '.work', '_reports');
    await ensurePrivateDir(dir);
    early.bodies.set(s.index, await renderSubjectBody(packageDir, entry, join(dir, `${folder}.html`)));
    early.entries.set(s.index, entry);
  } catch {
    early.bodies.delete(s.index);
    early.entries.delete(s.index);
  }
}

function toLedgerProgress(r: CategoryResult | { status: 'in_progress' | 'part_done'; unit?: string; records?: number }) {
  switch (r.status) {
    case 'done':
      return {
        status: 'done' as const,
        records: r.records,
        file: r.file,
        checkpoint: r.note || r.sha256 || r.userId ? { ...(r.note ? { note: r.note } : {}), ...(r.sha256 ? { sha256: r.sha256 } : {}), ...(r.userId ? { user_id: r.userId } : {}) } : undefined,
      };
    case 'no_data':
      return { status: 'skipped' as const, checkpoint: { note: r.note } };
    case 'unavailable':
      // Not settled: a resumed run asks again (the setting or role may have changed meanwhile).
      return { status: 'skipped' as const, checkpoint: { note: r.note, unavailable: r.reason } };
    case 'failed':
      return { status: 'failed' as const, error: r.error };
    default:
      return { status: 'in_progress' as const, records: r.records };
  }
}

/** Categories an earlier run finished (done, or no data): the resumed run keeps them. */
function settledCategories(request: LedgerRequest, index: number): Record<string, CategoryResult> {
  const out: Record<string, CategoryResult> = {};
  for (const [cat, p] of Object.entries(request.progress?.[String(index)] ?? {})) {
    const cp = p.checkpoint as { note?: string; sha256?: string; user_id?: string; unavailable?: string } | undefined;
    const note = cp?.note;
    if (p.status === 'done' && p.file) {
      out[cat] = { status: 'done', records: p.records, file: p.file, ...(note ? { note } : {}), ...(cp?.sha256 ? { sha256: cp.sha256 } : {}), ...(cp?.user_id ? { userId: cp.user_id } : {}) };
    }
    if (p.status === 'skipped' && !cp?.unavailable) out[cat] = { status: 'no_data', note };
  }
  return out;
}

/**
 * Registrations found by each of the person's addresses (issue 28), each beside the address that found
 * it (`context.found_by`, when there is more than one). A registration carries one address, so no two
 * addresses find the same one; collect.ts keeps each registration key once all the same.
 */
async function* registrationsByEach(emails: string[], find: (email: string) => AsyncIterable<Record<string, unknown>>): AsyncGenerator<Record<string, unknown>> {
  for (const address of emails) {
    for await (const r of find(address)) {
      const context = r.context as Record<string, unknown> | undefined;
      yield emails.length > 1 && context ? { ...r, context: { ...context, found_by: address } } : r;
    }
  }
}
