/**
 * Issue 23 item 8: Zoom Phone downloads are paced and counted on Zoom Phone's own rate table, at the
 * label the spec gives each (phone.openapi.json: recordings and voicemails MEDIUM, transcripts LIGHT).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadSubjectFiles } from '../../src/dsar/files.js';
import { RecordFile } from '../../src/fs/records.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { Secret } from '../../src/secrets.js';
import { ZoomClient } from '../../src/zoom/client.js';
import { downloadGate } from '../../src/zoom/download.js';
import { listPhoneRecordings, listVoicemails } from '../../src/zoom/endpoints/access.js';
import { monthWindows } from '../../src/zoom/paginate.js';

let sb: Sandbox;
let client: ZoomClient;
let dir: string;
const NOW = Date.now();

beforeAll(async () => {
  sb = await startSandbox({ seed: 3, onWarning: () => {} });
  client = new ZoomClient({
    credentials: { accountId: sb.credentials.accountId, clientId: sb.credentials.clientId, clientSecret: new Secret(sb.credentials.clientSecret), apiUrl: sb.apiUrl, oauthUrl: sb.oauthUrl },
    plan: 'business',
    maxRetries: 0,
  });
  dir = mkdtempSync(join(tmpdir(), 'zdsar-phone-dl-'));
});
afterAll(async () => {
  await client.close();
  await sb.close();
  rmSync(dir, { recursive: true, force: true });
});

async function save(path: string, items: AsyncIterable<Record<string, unknown>>): Promise<number> {
  const f = await RecordFile.create(path, 'json-array');
  for await (const r of items) await f.write(r);
  return (await f.commit()).records;
}

describe('Zoom Phone downloads (issue 23 item 8)', () => {
  it('takes the gate from the spec: Phone MEDIUM for recordings and voicemails, Phone LIGHT for transcripts, the main Medium otherwise', () => {
    expect(downloadGate(new URL('https://zoom.us/v2/phone/recording/download/abc'))).toEqual({ category: 'medium', table: 'phone' });
    expect(downloadGate(new URL('https://zoom.us/v2/phone/voice_mails/download/abc'))).toEqual({ category: 'medium', table: 'phone' });
    expect(downloadGate(new URL('https://zoom.us/v2/phone/recording_transcript/download/abc'))).toEqual({ category: 'light', table: 'phone' });
    expect(downloadGate(new URL('https://zoom.us/rec/download/abc'))).toEqual({ category: 'medium', table: 'main' });
  });

  it("paces call recording and voicemail downloads on Zoom Phone's Medium gate, not the main API's", async () => {
    const user = sb.account.users.find((u) => u.phoneRecordings.length > 0 && u.voicemails.length > 0)!;
    const last = new Date(NOW).toISOString().slice(0, 10);
    const windows = monthWindows(new Date(NOW - 60 * 86_400_000).toISOString().slice(0, 10), last);
    const all = <T>(make: (w: (typeof windows)[number]) => AsyncIterable<T>) =>
      (async function* () {
        for (const w of windows) yield* make(w);
      })();
    const recordings = await save(join(dir, 'phone_recordings.json'), all((w) => listPhoneRecordings(client, user.id, w)));
    const voicemails = await save(join(dir, 'phone_voicemails.json'), all((w) => listVoicemails(client, user.id, w)));
    expect(recordings + voicemails).toBeGreaterThan(0);
    const mainMedium = client.limiter.gate('medium').granted;
    const phoneMedium = client.limiter.gate('medium', 'phone').granted;
    const r = await downloadSubjectFiles(client, dir);
    expect(r.failed).toEqual([]);
    expect(r.files).toBe(recordings + voicemails);
    // (The sandbox serves the signed file URL on its own origin, so the redirect's hop is gated too.)
    expect(client.limiter.gate('medium', 'phone').granted - phoneMedium).toBeGreaterThanOrEqual(recordings + voicemails);
    expect(client.limiter.gate('medium').granted).toBe(mainMedium);
  });

  it("the sandbox counts the Phone download routes on Zoom Phone's Medium table (20 a second on Business+)", async () => {
    // A frozen clock: every request falls in the same second of the sandbox's rate windows.
    const frozen = await startSandbox({ seed: 3, clock: () => NOW, onWarning: () => {} });
    const c = new ZoomClient({
      credentials: { accountId: frozen.credentials.accountId, clientId: frozen.credentials.clientId, clientSecret: new Secret(frozen.credentials.clientSecret), apiUrl: frozen.apiUrl, oauthUrl: frozen.oauthUrl },
      plan: 'business',
      maxRetries: 0,
    });
    const user = frozen.account.users.find((u) => u.voicemails.length > 0)!;
    const w = monthWindows(new Date(NOW - 25 * 86_400_000).toISOString().slice(0, 10), new Date(NOW).toISOString().slice(0, 10))[0]!;
    let url: string | undefined;
    for await (const v of listVoicemails(c, user.id, w)) url ??= String(v.download_url);
    expect(url).toBeDefined();
    const token = await c.auth.token();
    // The clock is frozen: 20 are admitted in this second, then Zoom Phone's Medium limit answers 429.
    const statuses: number[] = [];
    for (let i = 0; i < 24; i++) {
      const res = await request(url!, { headers: { authorization: `Bearer ${token}` } });
      await res.body.dump();
      statuses.push(res.statusCode);
    }
    await c.close();
    await frozen.close();
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 302).length).toBeLessThanOrEqual(20);
  });
});
