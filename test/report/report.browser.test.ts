/**
 * The report in a real browser (npm run test:browser): headless Chromium renders the person's report
 * and the index; hostile text stays text, nothing runs, nothing is fetched. Chromium is found through
 * ZDSAR_CHROMIUM or the usual install paths (test/helpers/chromium.ts); without it these fail, never skip.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROW_CAP, writeReports } from '../../src/dsar/report/index.js';
import { findChromium, headless } from '../helpers/chromium.js';
import { buildPackage } from './package-fixture.js';

let pkg: string;
let probe: Server;
let probeHits: string[] = [];
let probeOrigin: string;

beforeAll(async () => {
  // Every hostile string points at this server: a page that loaded anything would hit it.
  probe = createServer((req, res) => {
    probeHits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'image/png' }).end();
  });
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  probeOrigin = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  pkg = mkdtempSync(join(tmpdir(), 'zdsar-report-'));
  const fixture = await buildPackage(pkg, probeOrigin);
  await writeReports(pkg, fixture.manifest, { now: new Date('2025-01-02T03:04:05Z') });
});

afterAll(async () => {
  await new Promise((r) => probe.close(r));
  rmSync(pkg, { recursive: true, force: true });
});

const alicePath = () => join(pkg, 'subjects', '01-alice@example.com', 'report.html');
const indexPath = () => join(pkg, 'report.html');

// Never skipped: without Chromium these fail, saying how to install it (.ci/run installs it).
describe('in headless Chromium', () => {
  const chromium = (args: string[]) => headless(findChromium(), args);

  it('renders the person\'s report with the expected counts, hostile text as text, nothing run and nothing fetched', async () => {
    probeHits = [];
    const dom = await chromium(['--virtual-time-budget=3000', '--dump-dom', `file://${alicePath()}`]);
    expect(dom).toContain('<title>Internal record: not for release: Zoom data about alice@example.com</title>'); // no script changed it
    expect(dom).not.toMatch(/<script/i);
    expect(dom).not.toMatch(/<img/i);
    expect(dom).toContain('&lt;script&gt;document.title="pwned";alert(1)&lt;/script&gt;');
    expect(dom).toContain('"&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(dom).toMatch(/Meetings you host<\/a><\/td>\s*<td><span class="status s-done">collected<\/span><\/td>\s*<td class="num">620<\/td>/);
    expect(dom).toContain(`… and ${620 - ROW_CAP} more in meetings.json`);
    expect(dom).toContain('<td class="num">500</td>');
    expect(dom).not.toContain('<td class="num">501</td>');
    expect(dom).toMatch(/<svg[^>]*role="img"/);
    expect((dom.match(/<rect /g) ?? []).length).toBeGreaterThan(10);
    expect(dom).toContain('Content-Security-Policy');
    expect(probeHits).toEqual([]);
  });

  it('renders the index and a screenshot', async () => {
    probeHits = [];
    const dom = await chromium(['--dump-dom', `file://${indexPath()}`]);
    expect(dom).toContain('req_2024_0001');
    expect(dom).not.toMatch(/<script/i);
    const shot = join(pkg, 'shot.png');
    await chromium([`--screenshot=${shot}`, '--window-size=1280,2200', '--hide-scrollbars', `file://${alicePath()}`]);
    expect(statSync(shot).size).toBeGreaterThan(20_000);
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
    expect(probeHits).toEqual([]);
  });
});
