/**
 * Zoom's own export (Data & Privacy requests) against the sandbox: the queue of POSTs of ten, one in
 * process at a time, polling through "not ready", a busy account (409/14114), an expired link, the
 * zips in each person's folder and in the manifest, and resuming without submitting twice.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeManifest } from '../../src/dsar/manifest.js';
import { subjectFolder } from '../../src/people/folders.js';
import { Ledger } from '../../src/ledger/index.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { runZoomExport, zoomWindow } from '../../src/zoom-data-requests/export.js';
import { listZip } from '../../src/zoom-data-requests/zip-read.js';
import type { ZoomClient } from '../../src/zoom/client.js';
import { virtualClock } from '../helpers/clock.js';
import { tempDir } from '../helpers/cli.js';
import { clientFor, dataRequestSandbox, memoryLogger, posts, sha256 } from './helpers.js';

const POLL = { min: 20, max: 120 };
const today = new Date().toISOString().slice(0, 10);
const from = new Date(Date.now() - 90 * 86_400_000).toISOString().slice(0, 10);

let sb: Sandbox | undefined;
let client: ZoomClient | undefined;
afterEach(async () => {
  await client?.close();
  await sb?.close();
  sb = undefined;
  client = undefined;
});

async function setup(n: number, emails: string[], extra: string[] = []) {
  const home = tempDir('zdsar-zr-home-');
  const ledger = Ledger.open(home);
  const all = [...emails.slice(0, n), ...extra];
  const request = await ledger.create({ type: 'export', subjects: all });
  const packageDir = join(tempDir('zdsar-zr-out-'), request.request_id);
  await ledger.setOutDir(request.request_id, packageDir);
  const subjects = request.subjects.map((s) => ({ index: s.index, email: s.email!, folder: subjectFolder(s.index, s.email!) }));
  return { ledger, request, packageDir, subjects };
}

describe('runZoomExport', () => {
  it("runs on the injected clock: Zoom's real pacing (a busy account for 20 min, 10 min of processing, 5 s to 5 min polls) costs no real time", async () => {
    const v = virtualClock();
    const env = await dataRequestSandbox(3, { clock: v.clock.now, dataRequestDelayMs: 10 * 60_000 });
    sb = env.sb;
    client = clientFor(sb, v.clock);
    const { ledger, request, packageDir, subjects } = await setup(3, env.emails);
    sb.dataRequests.occupy(20 * 60_000); // another app holds the account's one slot for 20 minutes
    const logger = memoryLogger();
    const r = await runZoomExport({ client, ledger, request, packageDir, subjects, range: { from, to: today }, signal: new AbortController().signal, logger, pollMs: { min: 5_000, max: 300_000 }, waitForCompletion: true, maxWaitMs: 2 * 3_600_000 });
    expect(r.status, logger.lines.join('\n')).toBe('completed');
    expect(r.busyWaits).toBeGreaterThan(0);
    expect(posts(sb).filter((s) => s === 201)).toHaveLength(1);
    // Zoom's time passed (the slot, then the processing), all of it waited on the virtual clock.
    expect(v.elapsed()).toBeGreaterThanOrEqual(30 * 60_000);
    expect(Math.max(...v.slept)).toBeLessThanOrEqual(300_000);
    for (const s of subjects) expect(existsSync(join(packageDir, 'subjects', s.folder))).toBe(true);
  });

  it('a POST Zoom never answered is looked up in the history, then sent again as the one policy allows (twice), then left queued', async () => {
    const v = virtualClock();
    const env = await dataRequestSandbox(2, { clock: v.clock.now, faults: '503=always@/v2/data_requests' });
    sb = env.sb;
    client = clientFor(sb, v.clock);
    const { ledger, request, packageDir, subjects } = await setup(2, env.emails);
    const logger = memoryLogger();
    const r = await runZoomExport({ client, ledger, request, packageDir, subjects, range: { from, to: today }, signal: new AbortController().signal, logger, pollMs: POLL, waitForCompletion: true, maxWaitMs: 60_000 });
    expect(r.status).toBe('pending');
    expect(r.submissions).toBe(3);
    expect(posts(sb)).toEqual([503, 503, 503]); // the client never re-sends a POST after a 5xx; the engine did, after checking
    expect(logger.lines.filter((l) => /could not read Zoom's data request history to check an unanswered request/.test(l))).toHaveLength(3);
    const state = (await ledger.get(request.request_id))!;
    for (const s of subjects) expect((state.progress[String(s.index)]!.zoom_export!.checkpoint as { state: string }).state).toBe('queued');
    expect(state.errors.at(-1)?.message).toMatch(/^Zoom did not answer the data request: Zoom answered 503/);
  });

  it('23 people: 3 requests one after another, through a busy account, "not ready" and an expired link; zips per person, in the manifest', async () => {
    const env = await dataRequestSandbox(25, { dataRequestFilesLagMs: 100 });
    sb = env.sb;
    client = clientFor(sb);
    const { ledger, request, packageDir, subjects } = await setup(23, env.emails);
    // Another app holds the slot at first: long enough that the first POST meets it even on a loaded machine.
    sb.dataRequests.occupy(2000);
    sb.dataRequests.expireNextLinks(1); // the first link is dead on arrival
    const logger = memoryLogger();
    const r = await runZoomExport({ client, ledger, request, packageDir, subjects, range: { from, to: today }, signal: new AbortController().signal, logger, pollMs: POLL, waitForCompletion: true, maxWaitMs: 60_000 });

    expect(r.status, logger.lines.join('\n')).toBe('completed');
    // Three POSTs accepted (10, 10, 3), after at least one 409.
    const statuses = posts(sb);
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses).toContain(409);
    expect(r.busyWaits).toBeGreaterThan(0);
    expect(logger.lines.some((l) => /409, code 14114/.test(l))).toBe(true);
    const ours = sb.dataRequests.requests.filter((x) => x.current);
    expect(ours).toHaveLength(23);
    const batches = [...new Set(ours.map((x) => x.batch))];
    expect(batches.map((b) => ours.filter((x) => x.batch === b).length)).toEqual([10, 10, 3]);
    // One in process at a time: each POST after every request of the previous one finished.
    for (let i = 1; i < batches.length; i++) {
      const prevReady = Math.max(...ours.filter((x) => x.batch === batches[i - 1]).map((x) => x.ready_at));
      const created = Math.min(...ours.filter((x) => x.batch === batches[i]).map((x) => x.created_at));
      expect(created).toBeGreaterThanOrEqual(prevReady);
    }
    // Window as asked.
    const w = zoomWindow({ from, to: today });
    expect(new Date(ours[0]!.start_at!).toISOString().replace('.000', '')).toBe(w.start_date);
    // "Not ready": the files answered 14103 at least once; the expired link was replaced.
    expect(sb.log.some((e) => /^\/v2\/data_requests\/requests\/\d+$/.test(e.path) && e.status === 404)).toBe(true);
    const fileServer = sb.log.filter((e) => e.path.startsWith('/data-request-files/'));
    expect(fileServer.filter((e) => e.status === 403)).toHaveLength(1);
    expect(fileServer.filter((e) => e.status === 200)).toHaveLength(23);
    expect(logger.lines.some((l) => /fresh one/.test(l))).toBe(true);
    // The history was polled through Pending/Processing.
    const fresh = (await ledger.get(request.request_id))!;
    const states = fresh.evidence.filter((e) => e.action === 'zoom.data_request.state').map((e) => e.outcome);
    expect(states).toContain('Completed');
    expect(fresh.evidence.filter((e) => e.action === 'zoom.data_request.export')).toHaveLength(3);

    // Each zip in its person's folder, holding that person only; listed with its checksum in the manifest.
    const manifest = await writeManifest(packageDir, { request: fresh, version: 'test', range: { from, to: today }, results: new Map(), stats: client.stats , placed: new Map(r.subjects.map((x) => [x.index, x.files.map((f) => f.path)])) });
    for (const s of subjects) {
      const sub = r.subjects.find((x) => x.index === s.index)!;
      expect(sub.status).toBe('done');
      expect(sub.files).toHaveLength(1);
      const f = sub.files[0]!;
      expect(f.path).toBe(`subjects/${s.folder}/zoom-export/zoom-${sub.zoom_request_id}.zip`);
      const abs = join(packageDir, f.path);
      expect(existsSync(abs)).toBe(true);
      expect(sha256(abs)).toBe(f.sha256);
      expect(f.split).toBe(false);
      const names = (await listZip(abs)).map((e) => e.name);
      expect(names).toContain(`${s.email}/team_chat.json`);
      expect(names.every((n) => n.startsWith(`${s.email}/`))).toBe(true);
      const m = manifest.subjects.find((x) => x.index === s.index)!;
      expect(m.files).toContainEqual({ path: f.path, sha256: f.sha256, bytes: f.bytes });
    }
    // Nothing left behind in the package but the people's folders and the manifest.
    expect(existsSync(join(packageDir, '.work', 'zoom-export'))).toBe(false);
  });

  it('without waiting it returns pending; calling it again (resume) picks up polling and never submits twice', async () => {
    const env = await dataRequestSandbox(14, { dataRequestDelayMs: 300 });
    sb = env.sb;
    client = clientFor(sb);
    const { ledger, request, packageDir, subjects } = await setup(12, env.emails);
    const base = { client, ledger, packageDir, subjects, range: { from, to: today }, signal: new AbortController().signal, pollMs: POLL };
    const first = await runZoomExport({ ...base, request, logger: memoryLogger(), waitForCompletion: false });
    expect(first.status).toBe('pending');
    expect(first.hint).toContain(`zdsar requests resume ${request.request_id}`);
    expect(posts(sb).filter((s) => s === 201)).toHaveLength(1);
    const recorded = (await ledger.get(request.request_id))!;
    expect(recorded.progress['1']?.zoom_export?.status).toBe('in_progress');
    expect((recorded.progress['1']?.zoom_export?.checkpoint as { zoom_request_id?: string }).zoom_request_id).toMatch(/^\d+$/);

    // A later run (new client, same ledger) continues.
    await client.close();
    client = clientFor(sb);
    const second = await runZoomExport({ ...base, client, request: recorded, logger: memoryLogger(), waitForCompletion: true, maxWaitMs: 60_000 });
    expect(second.status).toBe('completed');
    expect(posts(sb).filter((s) => s === 201)).toHaveLength(2); // 10 + 2, nothing resubmitted
    expect(sb.dataRequests.requests.filter((x) => x.current)).toHaveLength(12);
    expect(second.subjects.every((s) => s.files.length === 1)).toBe(true);

    // Once done, running again sends no POST and keeps the files.
    const third = await runZoomExport({ ...base, client, request: recorded, logger: memoryLogger(), waitForCompletion: true, maxWaitMs: 5_000 });
    expect(third.status).toBe('completed');
    expect(posts(sb)).toHaveLength(2);
  });

  it("splits a zip that holds several people (one zip per POST) into each person's folder", async () => {
    const env = await dataRequestSandbox(5, { dataRequestZipLayout: 'per-batch' });
    sb = env.sb;
    client = clientFor(sb);
    const { ledger, request, packageDir, subjects } = await setup(3, env.emails);
    const r = await runZoomExport({ client, ledger, request, packageDir, subjects, range: { from, to: today }, signal: new AbortController().signal, logger: memoryLogger(), pollMs: POLL, waitForCompletion: true, maxWaitMs: 30_000 });
    expect(r.status).toBe('completed');
    // One file for the three: downloaded once.
    expect(sb.log.filter((e) => e.path.startsWith('/data-request-files/') && e.status === 200)).toHaveLength(1);
    for (const s of subjects) {
      const f = r.subjects.find((x) => x.index === s.index)!.files[0]!;
      expect(f.split).toBe(true);
      const names = (await listZip(join(packageDir, f.path))).map((e) => e.name);
      expect(names.length).toBeGreaterThan(3);
      expect(names.every((n) => n.startsWith(`${s.email}/`))).toBe(true);
      expect(sha256(join(packageDir, f.path))).toBe(f.sha256);
    }
  });

  it('people who are not users of the account are refused by Zoom (14111) and skipped; the others go through', async () => {
    const env = await dataRequestSandbox(4);
    sb = env.sb;
    client = clientFor(sb);
    const { ledger, request, packageDir, subjects } = await setup(2, env.emails, ['outsider@elsewhere.example']);
    const r = await runZoomExport({ client, ledger, request, packageDir, subjects, range: { from, to: today }, signal: new AbortController().signal, logger: memoryLogger(), pollMs: POLL, waitForCompletion: true, maxWaitMs: 30_000 });
    expect(r.status).toBe('completed');
    expect(r.subjects.map((s) => s.status)).toEqual(['done', 'done', 'skipped']);
    expect(posts(sb)).toEqual([400, 201]);
  });

  it('a request Zoom fails is recorded with its reason', async () => {
    const env = await dataRequestSandbox(3);
    sb = env.sb;
    client = clientFor(sb);
    sb.dataRequests.failEmail(env.emails[1]!, 'User data is being migrated');
    const { ledger, request, packageDir, subjects } = await setup(2, env.emails);
    const r = await runZoomExport({ client, ledger, request, packageDir, subjects, range: { from, to: today }, signal: new AbortController().signal, logger: memoryLogger(), pollMs: POLL, waitForCompletion: true, maxWaitMs: 30_000 });
    expect(r.status).toBe('failed');
    expect(r.subjects[1]).toMatchObject({ status: 'failed', state: 'Failed', error: 'Zoom: User data is being migrated' });
    expect(r.subjects[0]!.status).toBe('done');
  });
});
