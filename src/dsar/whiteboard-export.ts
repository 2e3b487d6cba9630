/**
 * The content of the person's whiteboards under --with-files: Zoom's export (whiteboard.openapi.json), one
 * task per 50 whiteboards. The task id is written to files/whiteboards/export-<n>.task.json before it is
 * polled, so an interrupted or resumed run polls the same task and never asks Zoom twice (a task Zoom no
 * longer knows, 404, is asked for again). When Zoom finishes, the ZIP (a PDF per whiteboard and the audit
 * log) is downloaded to files/whiteboards/export-<n>.zip and the task file is removed. A task still
 * processing when the wait is over is a failed file with what to do: resume picks it up.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from '../fs/atomic.js';
import type { ZoomClient } from '../zoom/client.js';
import { downloadFile } from '../zoom/download.js';
import { startWhiteboardExport, whiteboardExportFile, whiteboardExportStatus } from '../zoom/endpoints/workplace.js';
import { ZoomApiError } from '../zoom/errors.js';
import { CATEGORY } from './categories.js';
import { readRecords } from './report/read.js';

export interface WhiteboardExportResult {
  files: string[];
  bytes: number;
  skipped: number;
  failed: Array<{ file: string; error: string }>;
}

const POLL_MS = 5_000;

export async function exportWhiteboards(client: ZoomClient, subjectDir: string, opts: { waitMs?: number; signal?: AbortSignal; sizeOf: (path: string) => Promise<number | undefined> }): Promise<WhiteboardExportResult> {
  const out: WhiteboardExportResult = { files: [], bytes: 0, skipped: 0, failed: [] };
  const ids: string[] = [];
  for await (const b of readRecords(join(subjectDir, CATEGORY.get('whiteboards')!.file))) if (typeof b.whiteboard_id === 'string' && b.whiteboard_id && !ids.includes(b.whiteboard_id)) ids.push(b.whiteboard_id);
  if (!ids.length) return out;
  const dir = join(subjectDir, 'files', 'whiteboards');
  await ensurePrivateDir(join(subjectDir, 'files'));
  await ensurePrivateDir(dir);
  const clock = client.retry.clock;
  const deadline = clock.now() + (opts.waitMs ?? 10 * 60_000);
  for (let n = 1; (n - 1) * 50 < ids.length; n++) {
    const batch = ids.slice((n - 1) * 50, n * 50);
    const rel = `files/whiteboards/export-${n}.zip`;
    const zip = join(dir, `export-${n}.zip`);
    const taskFile = join(dir, `export-${n}.task.json`);
    const have = await opts.sizeOf(zip);
    if (have !== undefined) {
      out.files.push(rel);
      out.bytes += have;
      out.skipped++;
      continue;
    }
    try {
      let taskId = await readTask(taskFile, batch);
      let status: string | undefined;
      for (let asked = 0; ; asked++) {
        if (!taskId) {
          taskId = await startWhiteboardExport(client, batch);
          await writeFileAtomic(taskFile, JSON.stringify({ task_id: taskId, whiteboard_ids: batch }) + '\n');
        }
        try {
          status = String((await whiteboardExportStatus(client, taskId)).status ?? '');
        } catch (e) {
          // "The task {task_id} not found": gone (tasks live 30 days); ask for a new one, once.
          if (e instanceof ZoomApiError && e.status === 404 && asked === 0) {
            taskId = undefined;
            continue;
          }
          throw e;
        }
        if (status !== 'processing' || clock.now() + POLL_MS > deadline) break;
        await client.retry.sleep(POLL_MS, opts.signal);
      }
      if (status === 'processing') {
        out.failed.push({ file: rel, error: `Zoom is still making the whiteboard export (task ${taskId}); run the export again or resume the request to fetch it` });
        continue;
      }
      if (status !== 'successed') throw new Error(`Zoom's whiteboard export ended ${status || 'without a status'} (task ${taskId})`);
      const r = await downloadFile(client, client.url(whiteboardExportFile(taskId!)).href, zip, { signal: opts.signal, category: 'medium' });
      await rm(taskFile, { force: true });
      out.files.push(rel);
      out.bytes += r.bytes;
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      out.failed.push({ file: rel, error: (e as Error).message ?? String(e) });
    }
  }
  return out;
}

/** The task of an earlier run for the same whiteboards, if any. */
async function readTask(path: string, batch: string[]): Promise<string | undefined> {
  try {
    const t = JSON.parse(await readFile(path, 'utf8')) as { task_id?: unknown; whiteboard_ids?: unknown };
    return typeof t.task_id === 'string' && JSON.stringify(t.whiteboard_ids) === JSON.stringify(batch) ? t.task_id : undefined;
  } catch {
    return undefined;
  }
}
