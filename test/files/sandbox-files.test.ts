/**
 * --with-files against the project's sandbox: real listings (cloud recordings, Phone
 * recordings, voicemails), Zoom's 302 to a signed URL, Range, and injected faults.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadSubjectFiles, planSubjectFiles } from '../../src/dsar/files.js';
import { RecordFile } from '../../src/fs/records.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { Secret } from '../../src/secrets.js';
import { ZoomClient } from '../../src/zoom/client.js';
import { listPhoneRecordings, listRecordings, listVoicemails } from '../../src/zoom/endpoints/access.js';
import { monthWindows } from '../../src/zoom/paginate.js';

let sandbox: Sandbox;
let client: ZoomClient;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, rateLimits: false });
  client = new ZoomClient({
    credentials: { accountId: sandbox.credentials.accountId, clientId: sandbox.credentials.clientId, clientSecret: new Secret(sandbox.credentials.clientSecret), apiUrl: sandbox.apiUrl, oauthUrl: sandbox.oauthUrl },
    plan: 'business',
    maxRetries: 3,
  });
  dir = mkdtempSync(join(tmpdir(), 'zdsar-sbfiles-'));
});
afterAll(async () => {
  await client.close();
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

async function save(path: string, items: AsyncIterable<Record<string, unknown>>): Promise<number> {
  const f = await RecordFile.create(path, 'json-array');
  for await (const r of items) await f.write(r);
  return (await f.commit()).records;
}

describe('downloadSubjectFiles with the sandbox', () => {
  it('downloads every listed file at the announced size, through faults, and skips them on a second run', async () => {
    const user = sandbox.account.users.find((u) => u.recordings.length > 0 && u.phoneRecordings.length > 0) ?? sandbox.account.users.find((u) => u.recordings.length > 0)!;
    const recs = [...user.recordings];
    const from = recs[0]!.start_time.slice(0, 10);
    const last = recs.at(-1)!.start_time.slice(0, 10);
    const windows = monthWindows(from, last).slice(-3); // a few months is plenty
    const iter = async function* <T>(make: (w: (typeof windows)[number]) => AsyncIterable<T>) {
      for (const w of windows) yield* make(w);
    };
    const meetings = await save(join(dir, 'cloud_recordings.json'), iter((w) => listRecordings(client, user.id, w)));
    expect(meetings).toBeGreaterThan(0);
    const phoneWindows = monthWindows(new Date(Date.now() - 150 * 86_400_000).toISOString().slice(0, 10), new Date().toISOString().slice(0, 10)).slice(-2);
    const iterPhone = async function* <T>(make: (w: (typeof phoneWindows)[number]) => AsyncIterable<T>) {
      for (const w of phoneWindows) yield* make(w);
    };
    if (user.phoneRecordings.length > 0) {
      await save(join(dir, 'phone_recordings.json'), iterPhone((w) => listPhoneRecordings(client, user.id, w)));
      await save(join(dir, 'phone_voicemails.json'), iterPhone((w) => listVoicemails(client, user.id, w)));
    }

    const planned = [];
    for await (const f of planSubjectFiles(dir)) planned.push(f);
    expect(planned.length).toBeGreaterThan(1);
    const kinds = new Set(planned.map((f) => f.kind));
    expect(kinds.has('recording')).toBe(true);
    if (user.phoneRecordings.length > 0) expect(kinds.has('phone_recording') || kinds.has('voicemail')).toBe(true);

    sandbox.setFaults('reset=once@downloads,503=once@downloads,429=once@downloads');
    const r = await downloadSubjectFiles(client, dir, {});
    sandbox.setFaults(undefined);
    expect(r.failed).toEqual([]);
    expect(r.files).toBe(planned.length);
    for (const f of planned) {
      const st = statSync(join(dir, ...f.rel.split('/')));
      if (f.expectedBytes !== undefined) expect(st.size, f.rel).toBe(f.expectedBytes);
      expect(st.mode & 0o777).toBe(0o600);
    }
    for (const sub of readdirSync(join(dir, 'files'))) for (const name of readdirSync(join(dir, 'files', sub))) expect(name).not.toMatch(/\.partial$/);

    // The token never went into a URL (Zoom answers 124 to that), and downloads were followed through the signed redirect.
    const downloads = sandbox.log.filter((e) => /\/(rec|phone\/recording|phone\/voice_mails)\/download\//.test(e.path));
    expect(downloads.length).toBeGreaterThan(0);
    expect(sandbox.log.some((e) => e.path.startsWith('/files/'))).toBe(true);
    expect(sandbox.log.every((e) => !('access_token' in e.query))).toBe(true);

    const again = await downloadSubjectFiles(client, dir, {});
    expect(again.skipped).toBe(planned.length);
    expect(again.bytes).toBe(r.bytes);
  });
});
