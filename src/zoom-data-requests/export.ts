/**
 * `zdsar export --zoom-export`: besides zdsar's own collection, Zoom's own export of the same people
 * and date range (Data & Privacy, accounts.openapi.json /data_requests), downloaded into each
 * person's folder:
 *
 *   subjects/<folder>/zoom-export/zoom-<zoom request id>[-<n>].zip
 *
 * The manifest (written after this, from what is on disk) lists those zips with their sha256.
 * See engine.ts for the queue, place.ts for the per-person split, docs/zoom-data-requests.md.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent } from 'undici';
import type { Ledger, LedgerRequest } from '../ledger/index.js';
import type { Logger } from '../run-context.js';
import type { ZoomClient } from '../zoom/client.js';
import { dataRequestFileUrl, dataRequestFiles, isNotReady, type DataRequestFile } from '../zoom/endpoints/data-privacy.js';
import { NotReadyYet, runQueue, type EnginePerson, type ZoomRequestCheckpoint } from './engine.js';
import { fetchSignedLink, LinkError } from './fetch.js';
import { placeForPerson, safeId, type PlacedFile } from './place.js';
import { verifyZip, ZipReadError, type ZipEntry } from './zip-read.js';

export const ZOOM_EXPORT_CATEGORY = 'zoom_export';

export interface ZoomExportSubject {
  index: number;
  email: string;
  /** subjectFolder(index, email): the person's folder under <packageDir>/subjects. */
  folder: string;
}

export interface ZoomExportOptions {
  client: ZoomClient;
  ledger: Ledger;
  request: LedgerRequest;
  packageDir: string;
  subjects: ZoomExportSubject[];
  /** yyyy-mm-dd, inclusive (as zdsar's own collection). Sent as [from 00:00Z, to+1 00:00Z), capped at now. */
  range: { from: string; to: string };
  signal: AbortSignal;
  logger: Logger;
  /** Poll and 409 backoff (default 5 s → 5 min). */
  pollMs?: { min: number; max: number };
  /** false: submit what Zoom accepts now, save what is ready, and return ('pending' if anything is left). */
  waitForCompletion: boolean;
  /** With waitForCompletion: the longest wait (default 15 min), then 'pending'. */
  maxWaitMs?: number;
  /** Name people in log lines (default "#<index>"). */
  label?: (index: number) => string;
}

export interface ZoomExportSubjectResult {
  index: number;
  /** done: files placed; skipped: not an account user; failed; in_progress: still with Zoom (or queued). */
  status: 'done' | 'skipped' | 'failed' | 'in_progress';
  state: ZoomRequestCheckpoint['state'];
  zoom_request_id?: string;
  files: PlacedFile[];
  error?: string;
  note?: string;
}

export interface ZoomExportResult {
  status: 'completed' | 'pending' | 'failed';
  subjects: ZoomExportSubjectResult[];
  /** One line for people ("Zoom's export: 23 people saved", "… still processing"). */
  summary: string;
  /** When pending: how to pick it up. */
  hint?: string;
  /** Lines for manifest.notes. */
  notes: string[];
  busyWaits: number;
  submissions: number;
}

const DAY = 86_400_000;

/** Zoom's window: ISO date-times, start strictly before end. */
export function zoomWindow(range: { from: string; to: string }, now = Date.now()): { start_date: string; end_date: string } {
  const start = Date.parse(`${range.from}T00:00:00Z`);
  let end = Date.parse(`${range.to}T00:00:00Z`) + DAY;
  if (Number.isNaN(start) || Number.isNaN(end)) throw new Error(`not a yyyy-mm-dd range: ${range.from} to ${range.to}`);
  end = Math.min(end, Math.floor(now / 1000) * 1000);
  if (end <= start) end = start + 1000;
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { start_date: iso(start), end_date: iso(end) };
}

/** Run (or continue) Zoom's export for these people. State lives in the ledger: calling it again picks up where it stopped. */
export async function runZoomExport(opts: ZoomExportOptions): Promise<ZoomExportResult> {
  const { client, ledger, logger, signal } = opts;
  const id = opts.request.request_id;
  const fresh = (await ledger.get(id)) ?? opts.request;
  const label = opts.label ?? ((i: number) => `#${i}`);
  const bySubject = new Map(opts.subjects.map((s) => [s.index, s]));
  const people: EnginePerson[] = opts.subjects.map((s) => {
    const p = fresh.progress?.[String(s.index)]?.[ZOOM_EXPORT_CATEGORY];
    return { index: s.index, email: s.email, ...(p ? { status: p.status, cp: p.checkpoint as ZoomRequestCheckpoint, error: p.error } : {}) };
  });
  const window = zoomWindow(opts.range);
  const pollMs = opts.pollMs ?? { min: 5_000, max: 300_000 };
  const deadline = client.retry.clock.now() + (opts.waitForCompletion ? (opts.maxWaitMs ?? 15 * 60_000) : 0);
  const work = join(opts.packageDir, '.work', 'zoom-export');
  await mkdir(work, { recursive: true, mode: 0o700 });
  const dispatcher = new Agent({ connections: 2, keepAliveTimeout: 4_000 });
  // Files downloaded in this run (a zip may cover several people: fetched once).
  const downloaded = new Map<string, Promise<{ path: string; entries: ZipEntry[]; sha256: string; bytes: number }>>();

  const fetchFile = (f: DataRequestFile) => {
    let p = downloaded.get(f.file_id);
    if (!p) {
      p = download(f);
      downloaded.set(f.file_id, p);
      p.catch(() => downloaded.delete(f.file_id));
    }
    return p;
  };

  async function download(f: DataRequestFile) {
    const dest = join(work, `${safeId(f.file_id)}.zip`);
    let last: unknown;
    for (let attempt = 1; attempt <= 4; attempt++) {
      signal.throwIfAborted();
      let url: string;
      try {
        url = await dataRequestFileUrl(client, f.file_id);
      } catch (e) {
        if (isNotReady(e)) throw new NotReadyYet();
        throw e;
      }
      try {
        const got = await fetchSignedLink(url, dest, { signal, dispatcher });
        let entries: ZipEntry[];
        try {
          entries = await verifyZip(dest);
        } catch (e) {
          if (!(e instanceof ZipReadError)) throw e;
          // Damaged on the way: fetched again. Still unreadable (or ZIP64): not placed, since zdsar
          // cannot tell whose data it holds; Zoom keeps it for 90 days (resume retries).
          await rm(dest, { force: true });
          if (attempt < 2) {
            last = e;
            logger.warn(`Zoom's file ${f.file_id} is not a readable zip (${e.message}); fetching it again`);
            continue;
          }
          throw new Error(`Zoom's file ${f.file_id} could not be checked as a zip (${e.message}); not placed`);
        }
        return { path: dest, entries, ...got };
      } catch (e) {
        if (!(e instanceof LinkError) || !e.refresh) throw e;
        last = e;
        logger.info(`Zoom's download link for file ${f.file_id} did not work (${e.message}); asking Zoom for a fresh one`);
      }
    }
    throw last instanceof Error ? last : new Error(String(last));
  }

  async function onCompleted(p: EnginePerson): Promise<Partial<ZoomRequestCheckpoint>> {
    const s = bySubject.get(p.index)!;
    const requestId = p.cp!.zoom_request_id!;
    let files: DataRequestFile[];
    try {
      files = await dataRequestFiles(client, requestId);
    } catch (e) {
      if (isNotReady(e)) throw new NotReadyYet();
      throw e;
    }
    const placed: PlacedFile[] = [];
    const notes: string[] = [];
    for (const [i, f] of files.entries()) {
      const zip = await fetchFile(f);
      const name = `zoom-${safeId(requestId)}${files.length > 1 ? `-${i + 1}` : ''}.zip`;
      const one = await placeForPerson(opts.packageDir, { email: s.email, folder: s.folder }, { ...zip, fileId: f.file_id, fileName: f.file_name, zoomSize: f.size }, name);
      const sizeNote = sizeCheck(f.size, zip.bytes);
      if (sizeNote) one.note = one.note ? `${one.note}; ${sizeNote}` : sizeNote;
      placed.push(one);
      await ledger.recordEvidence(id, {
        action: 'zoom.data_request.download',
        subject: p.index,
        target: f.file_id,
        outcome: `saved ${one.path} (${one.bytes} bytes, sha256 ${one.sha256}${one.split ? `, this person's part of Zoom's zip ${zip.sha256}` : ''})`,
      });
    }
    if (files.length === 0) notes.push('Zoom completed the export with no files');
    logger.info(`${label(p.index)}: Zoom's export saved (${placed.length} file${placed.length === 1 ? '' : 's'})`);
    return { files: placed, ...(notes.length ? { note: notes.join('; ') } : {}) };
  }

  let result;
  try {
    result = await runQueue({
      client,
      ledger,
      requestId: id,
      category: ZOOM_EXPORT_CATEGORY,
      type: 'EXPORT',
      people,
      body: (emails) => ({ request_type: 'EXPORT', emails, ...window }),
      signal,
      logger,
      pollMs,
      deadline,
      label,
      onCompleted,
    });
  } finally {
    await dispatcher.close().catch(() => {});
    await Promise.allSettled(downloaded.values());
    await rm(work, { recursive: true, force: true }).catch(() => {});
  }

  const subjects: ZoomExportSubjectResult[] = result.people.map((p) => ({
    index: p.index,
    status: p.status === 'done' || p.status === 'skipped' || p.status === 'failed' ? p.status : 'in_progress',
    state: p.cp?.state ?? 'queued',
    ...(p.cp?.zoom_request_id ? { zoom_request_id: p.cp.zoom_request_id } : {}),
    files: p.cp?.files ?? [],
    ...(p.error ? { error: p.error } : {}),
    ...(p.cp?.note ? { note: p.cp.note } : {}),
  }));
  const n = (st: ZoomExportSubjectResult['status']) => subjects.filter((s) => s.status === st).length;
  const parts = [`${n('done')} saved`];
  if (n('skipped')) parts.push(`${n('skipped')} not users of this account`);
  if (n('failed')) parts.push(`${n('failed')} failed`);
  if (n('in_progress')) parts.push(`${n('in_progress')} still with Zoom`);
  const summary = `Zoom's own export: ${parts.join(', ')}`;
  const hint = result.status === 'pending' ? `Zoom's part is still processing (it can take days). Pick it up with: zdsar requests resume ${id}` : n('failed') ? `Retry with: zdsar requests resume ${id}` : undefined;
  if (result.stopped && result.status === 'pending') logger.info(`Zoom's export: ${result.stopped}`);
  return {
    status: result.status,
    subjects,
    summary,
    ...(hint ? { hint } : {}),
    notes: [
      "zoom-export/ in a person's folder holds Zoom's own export (Data & Privacy: meetings, webinars, Team Chat, whiteboards) for the same date range, as Zoom produced it; where Zoom's zip held several people, only this person's entries were copied into a new zip.",
      ...(result.status === 'pending' ? [`Zoom's own export was still processing when this manifest was written: ${summary.replace(/^Zoom's own export: /, '')}.`] : []),
    ],
    busyWaits: result.busyWaits,
    submissions: result.submissions,
  };
}

/** Zoom's `size` is documented "in bits"; its example is not a multiple of 8. Either reading is accepted. */
export function sizeCheck(size: string, bytes: number): string | undefined {
  if (!/^\d+$/.test(size)) return size ? `Zoom listed the size as "${size}"` : undefined;
  const n = Number(size);
  if (n === bytes || n === bytes * 8) return undefined;
  return `Zoom listed size ${size}; ${bytes} bytes were downloaded and every entry's CRC-32 checked`;
}

