/**
 * A small, hand-made access package (as runExport + writeManifest would leave it), full of
 * hostile text where Zoom's text goes: topics, names, messages.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { readdir } from 'node:fs/promises';
import { digestFile, RecordFile } from '../../src/fs/records.js';
import { byCodeUnits } from '../../src/order.js';
import type { Manifest, ManifestFile, ManifestSubject } from '../../src/dsar/manifest.js';
import { ROW_CAP } from '../../src/dsar/report/index.js';

export const HOSTILE = {
  script: '<script>document.title="pwned";alert(1)</script>',
  img: '"><img src=x onerror=alert(1)>',
  style: '</style><style>body{display:none}</style>',
  bidi: 'Budget \u202Egnp.exe\u202C review',
};

async function writeList(path: string, records: unknown[]): Promise<void> {
  const f = await RecordFile.create(path, 'json-array');
  for (const r of records) await f.write(r);
  await f.commit();
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else out.push(p);
  }
  return out;
}

function iso(y: number, m: number, d = 3, h = 14): string {
  return new Date(Date.UTC(y, m - 1, d, h, 0, 0)).toISOString().replace('.000Z', 'Z');
}

export interface Fixture {
  manifest: Manifest;
  /** Counts the report must show for alice. */
  counts: { meetings: number; calls: number; recordings: number; attended: number };
}

/**
 * @param externalProbe an http origin that counts requests: hostile strings point at it, so
 *   a browser that ever loaded anything from the page would hit it.
 */
export async function buildPackage(packageDir: string, externalProbe = 'http://127.0.0.1:9'): Promise<Fixture> {
  const alice = 'subjects/01-alice@example.com';
  const bob = 'subjects/02-bob@example.com';
  const aDir = join(packageDir, ...alice.split('/'));
  mkdirSync(aDir, { recursive: true, mode: 0o700 });
  mkdirSync(join(packageDir, ...bob.split('/')), { recursive: true, mode: 0o700 });

  const probe = `<img src="${externalProbe}/img">`;
  writeFileSync(
    join(aDir, 'profile.json'),
    JSON.stringify({ id: 'uA1', first_name: HOSTILE.script, last_name: HOSTILE.img, email: 'alice@example.com', pic_url: `${externalProbe}/pic.png`, created_at: '2023-01-10T09:00:00Z', language: 'en-US', custom_attributes: { dept: HOSTILE.style } }, null, 2) + '\n',
  );
  writeFileSync(join(aDir, 'settings.json'), JSON.stringify({ recording: { cloud_recording: true, auto_recording: 'none' }, schedule_meeting: { host_video: false } }, null, 2) + '\n');

  const meetings = Array.from({ length: 620 }, (_, i) => ({
    uuid: `mu${i}==`,
    id: 81000000000 + i,
    topic: i === 0 ? HOSTILE.script : i === 1 ? HOSTILE.img : i === 2 ? `Team sync ${probe}` : i === 3 ? HOSTILE.bidi : `Weekly planning #${i}`,
    type: 2,
    start_time: iso(2024, 1 + (i % 12), 1 + (i % 27)),
    duration: 30 + (i % 4) * 15,
    join_url: `${externalProbe}/j/${81000000000 + i}?pwd=abc`,
  }));
  await writeList(join(aDir, 'meetings.json'), meetings);
  const attended = [
    { uuid: 'mu5==', id: 81000000005, topic: 'Weekly planning #5', start_time: iso(2024, 6, 6), end_time: iso(2024, 6, 6, 15), duration: 60, participants_count: 4 },
    { uuid: 'other1', id: 99, topic: HOSTILE.style, start_time: iso(2024, 7, 2), end_time: iso(2024, 7, 2, 15), duration: 45, participants_count: 12 },
  ];
  await writeList(join(aDir, 'meetings_attended.json'), attended);
  const recordings = [
    { uuid: 'r1', id: 81000000001, topic: HOSTILE.img, start_time: iso(2024, 2, 4), duration: 41, total_size: 15_728_640, recording_files: [{ id: 'f1', file_type: 'MP4', file_size: 15_000_000, download_url: `${externalProbe}/rec/download/f1` }, { id: 'f2', file_type: 'TRANSCRIPT', file_size: 728_640, download_url: `${externalProbe}/rec/download/f2` }] },
    { uuid: 'r2', id: 81000000002, topic: 'All hands', start_time: iso(2024, 3, 9), duration: 55, total_size: 2_000_000, recording_files: [{ id: 'f3', file_type: 'M4A', file_size: 2_000_000, download_url: `${externalProbe}/rec/download/f3` }] },
  ];
  await writeList(join(aDir, 'cloud_recordings.json'), recordings);
  await writeList(join(aDir, 'cloud_recordings_trash.json'), []);
  const calls = Array.from({ length: 7 }, (_, i) => ({ id: `c${i}`, start_time: iso(2024, 4 + (i % 3), 10 + i), direction: i % 2 ? 'inbound' : 'outbound', caller_name: i === 0 ? HOSTILE.script : 'Alice A', caller_number: '+15550001', callee_name: i === 1 ? HOSTILE.img : 'Carol C', callee_number: '+15550002', duration: 60 + i, result: 'answered' }));
  await writeList(join(aDir, 'phone_call_history.json'), calls);
  // More rows than the page shows, in a category without a chart: the rest are counted, not shown.
  const elements = Array.from({ length: ROW_CAP + 7 }, (_, i) => ({ call_element_id: `e${i}`, call_id: `c${i % 7}`, start_time: iso(2024, 4, 10), direction: 'outbound' }));
  await writeList(join(aDir, 'phone_call_elements.json'), elements);
  await writeList(join(aDir, 'phone_voicemails.json'), [{ id: 'vm1', date_time: iso(2024, 5, 1), caller_name: HOSTILE.img, caller_number: '+15550003', duration: 18, status: 'unread', download_url: `${externalProbe}/v/1` }]);
  mkdirSync(join(aDir, 'files', 'recordings'), { recursive: true });
  writeFileSync(join(aDir, 'files', 'recordings', '0001-f1.mp4'), Buffer.alloc(4096, 1));

  const files = async (sub: string): Promise<ManifestFile[]> => {
    const dir = join(packageDir, ...sub.split('/'));
    const out: ManifestFile[] = [];
    for (const abs of await listFiles(dir)) {
      const d = await digestFile(abs);
      out.push({ path: relative(packageDir, abs).split(sep).join('/'), sha256: d.sha256, bytes: d.bytes });
    }
    return out.sort((a, b) => byCodeUnits(a.path, b.path));
  };

  const aliceSubject: ManifestSubject = {
    index: 1,
    email: 'alice@example.com',
    status: 'partial',
    path: alice,
    zoom_user_id: 'uA1',
    range: { from: '2023-01-10', to: '2024-12-31' },
    categories: {
      profile: { status: 'done', records: 1, file: 'profile.json' },
      settings: { status: 'done', records: 1, file: 'settings.json' },
      meetings: { status: 'done', records: meetings.length, file: 'meetings.json' },
      webinars: { status: 'failed', error: `Zoom answered 400 (code 200): ${HOSTILE.script}` },
      meetings_attended: { status: 'done', records: attended.length, file: 'meetings_attended.json', note: 'Zoom serves this for the last six months only' },
      recordings: { status: 'done', records: recordings.length, file: 'cloud_recordings.json' },
      recordings_trash: { status: 'done', records: 0, file: 'cloud_recordings_trash.json' },
      phone_profile: { status: 'no_data', note: 'this user has no Zoom Phone licence' },
      phone_call_history: { status: 'done', records: calls.length, file: 'phone_call_history.json' },
      phone_voicemails: { status: 'done', records: 1, file: 'phone_voicemails.json' },
      phone_call_elements: { status: 'done', records: elements.length, file: 'phone_call_elements.json' },
    },
    files: await files(alice),
  };
  const bobSubject: ManifestSubject = { index: 2, email: 'bob@example.com', status: 'not_found', path: bob, categories: {}, files: [] };
  const manifest: Manifest = {
    request_id: 'req_2024_0001',
    zdsar_version: '0.1.0',
    type: 'export',
    created_at: '2024-12-31T10:00:00Z',
    completed_at: '2024-12-31T10:05:00Z',
    received_at: '2024-12-30T08:00:00Z',
    due_at: '2025-01-30T08:00:00Z',
    regime: 'gdpr',
    requested_range: { from: null, to: null },
    subjects: [aliceSubject, bobSubject],
    zoom_requests: { requests: { light: 40, medium: 12, heavy: 3, resource: 0 }, throttled: 1, retries: 2, errors: 1 },
    notes: ['Each file is listed with its SHA-256 and size; `sha256sum` of the file must match.'],
  };
  writeFileSync(join(packageDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 });
  // meetings hosted (620 distinct uuids) + joined (1 new uuid; mu5 is already counted)
  return { manifest, counts: { meetings: meetings.length + 1, calls: calls.length, recordings: recordings.length, attended: attended.length } };
}
