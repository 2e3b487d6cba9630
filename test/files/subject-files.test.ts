import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { downloadSubjectFiles, planSubjectFiles, safeExtension, safeId, type PlannedFile } from '../../src/dsar/files.js';
import { RecordFile } from '../../src/fs/records.js';
import { ZoomClient } from '../../src/zoom/client.js';
import { startFakeZoomFiles, type FakeZoomFiles } from './fake-zoom-files.js';

async function writeList(path: string, records: unknown[]): Promise<void> {
  const f = await RecordFile.create(path, 'json-array');
  for (const r of records) await f.write(r);
  await f.commit();
}

async function plan(dir: string): Promise<PlannedFile[]> {
  const out: PlannedFile[] = [];
  for await (const f of planSubjectFiles(dir)) out.push(f);
  return out;
}

const SAFE_NAME = /^files\/(recordings|phone_recordings|voicemails)\/[A-Za-z0-9_-]+\.(mp4|m4a|mp3|wav|ogg|webm|vtt|srt|txt|json|csv|pdf|bin)$/;

function inside(dir: string, rel: string): boolean {
  const abs = resolve(dir, ...rel.split('/'));
  return abs.startsWith(resolve(dir) + sep);
}

describe('file names from Zoom records', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'zdsar-names-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('never lets a hostile id, file_type or file_extension escape the folder', async () => {
    const hostile = ['../../x', 'a/b', '..', '.', '/etc/passwd', 'C:\\Windows\\x', 'x\u0000y', '%2e%2e%2f', '….', 'CON', ' ', ''];
    await writeList(join(dir, 'cloud_recordings.json'), [
      {
        uuid: 'u1',
        topic: '../../../../etc/cron.d/evil',
        recording_files: hostile.map((h, k) => ({ id: h, file_type: h, file_extension: k % 2 ? h : '../../sh', download_url: `https://zoom.us/rec/download/${k}`, file_size: 10 })),
        participant_audio_files: [{ id: 'a/b', file_type: 'M4A', file_extension: 'M4A', download_url: 'https://zoom.us/rec/download/p' }],
      },
    ]);
    await writeList(join(dir, 'phone_recordings.json'), [{ id: '../../../root/.ssh/authorized_keys', download_url: 'https://zoom.us/p/1', transcript_download_url: 'https://zoom.us/t/1' }]);
    await writeList(join(dir, 'phone_voicemails.json'), [{ id: 'a/b', file_extension: '/mp3', download_url: 'https://zoom.us/v/1' }]);
    const files = await plan(dir);
    expect(files.length).toBe(hostile.length + 1 + 2 + 1);
    const names = files.map((f) => f.rel);
    for (const n of names) {
      expect(n).toMatch(SAFE_NAME);
      expect(inside(dir, n)).toBe(true);
      expect(n).not.toMatch(/\.\.|etc|cron/);
    }
    expect(new Set(names).size).toBe(names.length); // unique
    expect(names).toContain('files/recordings/0001-file12.bin'); // empty id, type and extension: position, bin
    expect(names[0]).toMatch(/^files\/recordings\/0001-h[0-9a-f]{16}\.bin$/);
  });

  it('keeps plain Zoom ids and maps file types to allowlisted extensions', async () => {
    await writeList(join(dir, 'cloud_recordings.json'), [
      { uuid: 'a', recording_files: [{ id: 'abc-123_XYZ', file_type: 'MP4', file_extension: 'MP4', download_url: 'https://zoom.us/1' }, { file_type: 'TIMELINE', download_url: 'https://zoom.us/2' }] },
      { uuid: 'b', recording_files: [{ id: 'q', file_type: 'TRANSCRIPT', download_url: 'https://zoom.us/3' }, { id: 'nourl', file_type: 'MP4' }] },
    ]);
    const names = (await plan(dir)).map((f) => f.rel);
    expect(names).toEqual(['files/recordings/0001-abc-123_XYZ.mp4', 'files/recordings/0001-file2.json', 'files/recordings/0002-q.vtt']);
  });

  it('property: any id/type/extension gives a safe name inside the folder', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('../..', 'a/b', '.', '..', '\\')), fc.string(), fc.string(), (id, type, ext) => {
        const part = safeId(id) ?? 'file1';
        const e = safeExtension(ext, type);
        const rel = `files/recordings/0001-${part}.${e}`;
        expect(rel).toMatch(SAFE_NAME);
        expect(inside('/tmp/pkg/subjects/01-a', rel)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('downloadSubjectFiles against a Zoom-like server', () => {
  let zoom: FakeZoomFiles;
  let client: ZoomClient;
  let dir: string;
  beforeAll(async () => {
    zoom = await startFakeZoomFiles();
    client = new ZoomClient({ credentials: zoom.credentials, plan: 'business' });
  });
  afterAll(async () => {
    await client.close();
    await zoom.close();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'zdsar-files-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('downloads recordings, call recordings and voicemails; one failure does not stop the rest; a second run skips', async () => {
    const v = zoom.addBlob('v1.mp4', 300_000);
    const a = zoom.addBlob('a1.m4a', 120_000);
    const t = zoom.addBlob('t1.vtt', 2_000);
    const p = zoom.addBlob('p1.mp3', 50_000);
    const vm = zoom.addBlob('vm1.mp3', 40_000);
    zoom.faults.cutOnce.set('v1.mp4', 0.4);
    await writeList(join(dir, 'cloud_recordings.json'), [
      {
        uuid: 'm1',
        topic: '<script>alert(1)</script>',
        recording_files: [
          { id: 'f-v1', file_type: 'MP4', file_extension: 'MP4', file_size: v.data.length, download_url: zoom.recordingUrl('v1.mp4') },
          { id: 'f-a1', file_type: 'M4A', file_extension: 'M4A', file_size: a.data.length, download_url: zoom.recordingUrl('a1.m4a') },
        ],
      },
      {
        uuid: 'm2',
        recording_files: [
          { id: 'f-gone', file_type: 'MP4', file_extension: 'MP4', file_size: 10, download_url: zoom.recordingUrl('gone.mp4') },
          { id: 'f-t1', file_type: 'TRANSCRIPT', file_extension: 'VTT', file_size: t.data.length, download_url: zoom.recordingUrl('t1.vtt') },
        ],
      },
    ]);
    await writeList(join(dir, 'phone_recordings.json'), [{ id: 'pr1', file_size: p.data.length, download_url: zoom.phoneUrl('p1.mp3') }]);
    await writeList(join(dir, 'phone_voicemails.json'), [{ id: 'vm1', download_url: `${zoom.apiOrigin}/v2/phone/voice_mails/download/vm1.mp3` }]);

    const r = await downloadSubjectFiles(client, dir, {});
    // A file whose URL answers 404 was deleted since its list named it: gone, named, not a failure (issue 23).
    expect(r.failed).toEqual([]);
    expect(r.items!.recordings).toMatchObject({ collected: 3, gone: 1, failed: 0 });
    expect(r.items!.recordings!.named).toEqual([{ key: 'files/recordings/0002-f-gone.mp4', item: 'files/recordings/0002-f-gone.mp4', outcome: 'gone', reason: expect.stringMatching(/404/) }]);
    expect(r.items!.recordings!.named[0]!.reason).not.toMatch(/gone\.mp4|rec\/download|127\.0\.0\.1:\d+\//);
    expect(r.items!.phone_recordings).toMatchObject({ collected: 1 });
    expect(r.files).toBe(5);
    expect(r.bytes).toBe(v.data.length + a.data.length + t.data.length + p.data.length + vm.data.length);
    expect(readFileSync(join(dir, 'files/recordings/0001-f-v1.mp4')).equals(v.data)).toBe(true);
    expect(readFileSync(join(dir, 'files/recordings/0001-f-a1.m4a')).equals(a.data)).toBe(true);
    expect(readFileSync(join(dir, 'files/recordings/0002-f-t1.vtt')).equals(t.data)).toBe(true);
    expect(readFileSync(join(dir, 'files/phone_recordings/0001-pr1.mp3')).equals(p.data)).toBe(true);
    expect(readFileSync(join(dir, 'files/voicemails/0001-vm1.mp3')).equals(vm.data)).toBe(true);
    expect(statSync(join(dir, 'files')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'files/recordings')).mode & 0o777).toBe(0o700);
    // No URL is written anywhere in the folder (the records written by the test aside).
    for (const sub of ['recordings', 'phone_recordings', 'voicemails']) {
      for (const name of readdirSync(join(dir, 'files', sub))) expect(name).not.toMatch(/partial|http/);
    }

    const before = zoom.seen.length;
    const again = await downloadSubjectFiles(client, dir, {});
    expect(again.skipped).toBe(5);
    expect(again.files).toBe(5);
    expect(again.items!.recordings!.gone).toBe(1);
    // Without a record of the first run (no `record` file) the missing file is asked for again, and only it.
    expect(zoom.seen.slice(before).map((x) => x.origin)).toEqual(['api', 'storage']);
    expect(existsSync(join(dir, 'files/recordings/0002-f-gone.mp4'))).toBe(false);
  });

  it('does nothing for a person without recordings', async () => {
    mkdirSync(join(dir, 'x'));
    writeFileSync(join(dir, 'profile.json'), '{}');
    const r = await downloadSubjectFiles(client, dir, {});
    expect(r).toEqual({ files: 0, bytes: 0, skipped: 0, failed: [], paths: [], items: {} });
    expect(existsSync(join(dir, 'files'))).toBe(false);
  });
});
