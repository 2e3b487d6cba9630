import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZoomClient } from '../../src/zoom/client.js';
import { downloadFile, isZoomOrigin } from '../../src/zoom/download.js';
import { startFakeZoomFiles, TOKEN, type FakeZoomFiles } from './fake-zoom-files.js';

let zoom: FakeZoomFiles;
let client: ZoomClient;
let dir: string;

beforeEach(async () => {
  zoom = await startFakeZoomFiles();
  client = new ZoomClient({ credentials: zoom.credentials, plan: 'business' });
  dir = mkdtempSync(join(tmpdir(), 'zdsar-dl-'));
});
afterEach(async () => {
  await client.close();
  await zoom.close();
  rmSync(dir, { recursive: true, force: true });
});

const MB = 1024 * 1024;

describe('downloadFile', () => {
  it('follows Zoom\'s redirect, sends the token only to the Zoom origin, streams to disk and verifies', async () => {
    const b = zoom.addBlob('video1.mp4', 3 * MB + 17);
    const dest = join(dir, 'v.mp4');
    const r = await downloadFile(client, zoom.recordingUrl('video1.mp4'), dest, { expectedBytes: b.data.length });
    expect(r).toEqual({ bytes: b.data.length, sha256: b.sha256, resumed: false });
    expect(readFileSync(dest).equals(b.data)).toBe(true);
    expect(statSync(dest).mode & 0o777).toBe(0o600);
    expect(existsSync(dest + '.partial')).toBe(false);
    const api = zoom.seen.filter((s) => s.origin === 'api');
    const storage = zoom.seen.filter((s) => s.origin === 'storage');
    expect(api).toHaveLength(1);
    expect(api[0]!.authorization).toBe(`Bearer ${TOKEN}`);
    expect(storage).toHaveLength(1);
    expect(storage[0]!.authorization).toBeUndefined(); // not forwarded across origins
  });

  it('resumes a download cut off halfway with Range, and the result verifies', async () => {
    const b = zoom.addBlob('big.mp4', 4 * MB);
    zoom.faults.cutOnce.set('big.mp4', 0.5);
    const dest = join(dir, 'big.mp4');
    const r = await downloadFile(client, zoom.recordingUrl('big.mp4'), dest, { expectedBytes: b.data.length });
    expect(r.resumed).toBe(true);
    expect(r.bytes).toBe(b.data.length);
    expect(r.sha256).toBe(b.sha256);
    expect(readFileSync(dest).equals(b.data)).toBe(true);
    const storage = zoom.seen.filter((s) => s.origin === 'storage');
    expect(storage.length).toBe(2);
    expect(storage[0]!.range).toBeUndefined();
    const m = /^bytes=(\d+)-$/.exec(storage[1]!.range ?? '');
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(0);
    expect(Number(m![1])).toBeLessThan(b.data.length);
    // The second hop to the API origin carried the Range too, and the token.
    expect(zoom.seen.filter((s) => s.origin === 'api')[1]!.range).toBe(storage[1]!.range);
  });

  it('resumes in a later run from the .partial an interrupted run left', async () => {
    const b = zoom.addBlob('stall.mp4', 2 * MB);
    zoom.faults.stallOnce.add('stall.mp4');
    const dest = join(dir, 'stall.mp4');
    const ac = new AbortController();
    const partial = dest + '.partial';
    const watcher = setInterval(() => {
      if (existsSync(partial) && statSync(partial).size >= MB / 2) ac.abort(new Error('interrupted'));
    }, 10);
    await expect(downloadFile(client, zoom.recordingUrl('stall.mp4'), dest, { expectedBytes: b.data.length, signal: ac.signal })).rejects.toThrow();
    clearInterval(watcher);
    expect(existsSync(dest)).toBe(false);
    const kept = statSync(partial).size;
    expect(kept).toBeGreaterThan(0);
    expect(statSync(partial).mode & 0o777).toBe(0o600);

    const r = await downloadFile(client, zoom.recordingUrl('stall.mp4'), dest, { expectedBytes: b.data.length });
    expect(r).toEqual({ bytes: b.data.length, sha256: b.sha256, resumed: true });
    expect(zoom.seen.at(-1)!.range).toBe(`bytes=${kept}-`);
    expect(readFileSync(dest).equals(b.data)).toBe(true);
  });

  it('starts over when the server ignores Range', async () => {
    const b = zoom.addBlob('norange.m4a', MB);
    zoom.faults.ignoreRange = true;
    const dest = join(dir, 'a.m4a');
    writeFileSync(dest + '.partial', Buffer.alloc(1000, 7)); // junk a server without Range must not be appended to
    const r = await downloadFile(client, zoom.recordingUrl('norange.m4a'), dest, { expectedBytes: b.data.length });
    expect(r).toEqual({ bytes: b.data.length, sha256: b.sha256, resumed: false });
    expect(readFileSync(dest).equals(b.data)).toBe(true);
  });

  it('finishes a .partial that is already whole (416)', async () => {
    const b = zoom.addBlob('whole.vtt', 5000);
    const dest = join(dir, 'whole.vtt');
    writeFileSync(dest + '.partial', b.data);
    const r = await downloadFile(client, zoom.phoneUrl('whole.vtt'), dest, { expectedBytes: 5000 });
    expect(r).toEqual({ bytes: 5000, sha256: b.sha256, resumed: true });
  });

  it('refuses a file whose size differs from what Zoom listed, and keeps nothing', async () => {
    zoom.addBlob('short.mp4', 1000);
    const dest = join(dir, 'short.mp4');
    await expect(downloadFile(client, zoom.recordingUrl('short.mp4'), dest, { expectedBytes: 2000 })).rejects.toThrow(/2000/);
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(dest + '.partial')).toBe(false);
  });

  it('waits out a 429 and tries again', async () => {
    const b = zoom.addBlob('p.mp3', 10_000);
    zoom.faults.throttle = 2;
    const r = await downloadFile(client, zoom.phoneUrl('p.mp3'), join(dir, 'p.mp3'));
    expect(r.sha256).toBe(b.sha256);
    expect(client.stats.throttled).toBe(2);
  });

  it('never sends the token outside Zoom and never puts a URL in an error', async () => {
    await expect(downloadFile(client, 'https://files.example.com/rec/x.mp4', join(dir, 'x'))).rejects.toThrow(/not a Zoom host/);
    await expect(downloadFile(client, 'http://zoom.us/rec/x.mp4', join(dir, 'x'))).rejects.toThrow(/http/);
    const secretish = `${zoom.apiOrigin}/rec/download/missing.mp4?access_token=SeKrEtVaLuE123&pwd=hunter2`;
    const err = await downloadFile(client, secretish, join(dir, 'y')).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).not.toMatch(/SeKrEtVaLuE123|hunter2|missing\.mp4|rec\/download/);
    expect(String((err as Error).message)).toMatch(/403|404/);
  });

  it('recognises Zoom origins strictly', () => {
    const api = 'https://api.zoom.us';
    expect(isZoomOrigin(new URL('https://zoom.us/rec/download/x'), api)).toBe(true);
    expect(isZoomOrigin(new URL('https://us06web.zoom.us/rec/download/x'), api)).toBe(true);
    expect(isZoomOrigin(new URL('https://api.zoom.us/v2/phone/recording/download/x'), api)).toBe(true);
    for (const bad of ['https://zoom.us.evil.com/x', 'https://evilzoom.us/x', 'http://zoom.us/x', 'https://zoom.us:8443/x', 'https://zoom.com/x', 'https://user@evil.com/x']) {
      expect(isZoomOrigin(new URL(bad), api), bad).toBe(false);
    }
    expect(isZoomOrigin(new URL('http://127.0.0.1:4000/rec/x'), 'http://127.0.0.1:4000')).toBe(true);
    expect(isZoomOrigin(new URL('http://127.0.0.1:4001/rec/x'), 'http://127.0.0.1:4000')).toBe(false);
  });
});
