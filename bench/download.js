#!/usr/bin/env node
/**
 * Download throughput: zdsar's downloadFile against the sandbox, compared with a plain
 * `curl -L` of the same file with the same token. Not a test (no assertions); prints a table.
 *
 *   npm run build --silent && node bench/download.js [--mb 16] [--runs 5]
 *
 * ZDSAR_DIST=/path/to/compiled/src picks another build (default ../dist).
 */
import { execFile, fork } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

// The sandbox runs in this process: curl must run asynchronously so the event loop can serve it.
function curlRun(args, input) {
  return new Promise((resolve, reject) => {
    const child = execFile('curl', args, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    child.stdin.end(input);
  });
}

const { values } = parseArgs({ options: { serve: { type: 'boolean', default: false }, mb: { type: 'string', default: '16' }, runs: { type: 'string', default: '5' } } });
const SIZE = Math.round(Number(values.mb) * 1024 * 1024);
const RUNS = Number(values.runs);
const dist = resolve(process.env.ZDSAR_DIST ?? join(import.meta.dirname, '..', 'dist'));
const load = (p) => import(pathToFileURL(join(dist, p)).href);

const { startSandbox } = await load('sandbox/index.js');
const { ZoomClient } = await load('zoom/client.js');
const { downloadFile } = await load('zoom/download.js');
const { route } = await load('zoom/route.js');
const { Secret } = await load('secrets.js');

// The sandbox runs in a child process, so it does not share an event loop with the download being measured.
if (process.argv.includes('--serve')) {
  const sandbox = await startSandbox({ port: 0, rateLimits: false });
  const user = sandbox.account.users.find((u) => Array.isArray(u.recordings) && u.recordings.some((r) => r.recording_files.some((f) => f.file_type === 'MP4')));
  if (!user) throw new Error('no user with an MP4 recording in the sandbox');
  const rec = user.recordings.find((r) => r.recording_files.some((f) => f.file_type === 'MP4'));
  const file = rec.recording_files.find((f) => f.file_type === 'MP4');
  file.file_size = SIZE; // make it big enough to measure
  sandbox.reindex();
  process.send({ apiUrl: sandbox.apiUrl, oauthUrl: sandbox.oauthUrl, credentials: sandbox.credentials, userId: user.id, day: rec.start_time.slice(0, 10), fileId: file.id });
  process.on('disconnect', () => void sandbox.close().then(() => process.exit(0)));
} else {
  await measure();
}

async function measure() {
const child = fork(fileURLToPath(import.meta.url), ['--serve', '--mb', String(values.mb)], { env: process.env });
const info = await new Promise((res, rej) => (child.once('message', res), child.once('exit', (c) => rej(new Error(`sandbox exited ${c}`)))));
const sandbox = info;
const user = { id: info.userId };
const file = { id: info.fileId };
const client = new ZoomClient({
  credentials: { accountId: sandbox.credentials.accountId, clientId: sandbox.credentials.clientId, clientSecret: new Secret(sandbox.credentials.clientSecret), apiUrl: sandbox.apiUrl, oauthUrl: sandbox.oauthUrl },
  plan: 'business',
});
const day = info.day;
const list = await client.get(route('GET', '/users/{userId}/recordings', { userId: user.id }), { from: day, to: day, page_size: 300 });
const listed = list.meetings.flatMap((m) => m.recording_files).find((f) => f.id === file.id);
if (!listed) throw new Error('the enlarged file is not in the listing');
const url = listed.download_url;
const token = await client.auth.token();

const dir = mkdtempSync(join(tmpdir(), 'zdsar-bench-'));
const mbps = (bytes, ms) => bytes / 1024 / 1024 / (ms / 1000);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// warm-up (the sandbox generates and caches the file's bytes on first request)
await downloadFile(client, url, join(dir, 'warm.mp4'), { expectedBytes: SIZE });

const rss0 = process.memoryUsage().rss;
let rssPeak = rss0;
const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 10);
const ours = [];
for (let i = 0; i < RUNS; i++) {
  const dest = join(dir, `ours-${i}.mp4`);
  const t0 = performance.now();
  const r = await downloadFile(client, url, dest, { expectedBytes: SIZE });
  ours.push(performance.now() - t0);
  if (r.bytes !== SIZE || statSync(dest).size !== SIZE) throw new Error('size mismatch');
  rmSync(dest);
}

clearInterval(sampler);
const curl = [];
for (let i = 0; i < RUNS; i++) {
  // The token goes to curl through a config on stdin, not argv (ps would show it).
  const out = await curlRun(['-s', '-o', '/dev/null', '-L', '-K', '-', '-w', '%{time_total} %{size_download}', url], `header = "Authorization: Bearer ${token}"\n`);
  const [secs, bytes] = out.trim().split(' ').map(Number);
  if (bytes !== SIZE) throw new Error(`curl got ${bytes} bytes`);
  curl.push(secs * 1000);
}
const curlDisk = [];
for (let i = 0; i < RUNS; i++) {
  const dest = join(dir, `curl-${i}.mp4`);
  const out = await curlRun(['-s', '-o', dest, '-L', '-K', '-', '-w', '%{time_total}', url], `header = "Authorization: Bearer ${token}"\n`);
  curlDisk.push(Number(out.trim()) * 1000);
  rmSync(dest);
}

// The same guarantees as downloadFile: checksum and fsync after the download.
const curlFull = [];
for (let i = 0; i < RUNS; i++) {
  const dest = join(dir, `curlf-${i}.mp4`);
  const t0 = performance.now();
  await curlRun(['-s', '-o', dest, '-L', '-K', '-', url], `header = "Authorization: Bearer ${token}"\n`);
  await new Promise((res, rej) => execFile('sha256sum', [dest], (e) => (e ? rej(e) : res())));
  await new Promise((res, rej) => execFile('sync', [dest], (e) => (e ? rej(e) : res())));
  curlFull.push(performance.now() - t0);
  rmSync(dest);
}

const row = (name, ms) => `${name.padEnd(44)} ${median(ms).toFixed(1).padStart(8)} ms  ${mbps(SIZE, median(ms)).toFixed(0).padStart(6)} MiB/s  (runs: ${ms.map((x) => x.toFixed(0)).join(', ')})`;
console.log(`file: ${(SIZE / 1024 / 1024).toFixed(1)} MiB from the sandbox (302 to a signed URL, then 200), median of ${RUNS}`);
console.log(row('downloadFile (to disk, sha256, fsync, rename)', ours));
console.log(`  (process RSS before ${(rss0 / 1048576).toFixed(0)} MiB, peak while downloading ${(rssPeak / 1048576).toFixed(0)} MiB)`);
console.log(row('curl -L -o file', curlDisk));
console.log(row('curl -L -o file && sha256sum && sync file', curlFull));
console.log(row('curl -L -o /dev/null', curl));

rmSync(dir, { recursive: true, force: true });
await client.close();
child.disconnect();
}
