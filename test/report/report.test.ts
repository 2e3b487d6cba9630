import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSubjectBody, ROW_CAP, writeReports } from '../../src/dsar/report/index.js';
import { esc, html } from '../../src/dsar/report/html.js';
import { buildPackage, HOSTILE, type Fixture } from './package-fixture.js';


let pkg: string;
let fixture: Fixture;
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
  fixture = await buildPackage(pkg, probeOrigin);
  await writeReports(pkg, fixture.manifest, { now: new Date('2025-01-02T03:04:05Z') });
});

afterAll(async () => {
  await new Promise((r) => probe.close(r));
  rmSync(pkg, { recursive: true, force: true });
});

const alicePath = () => join(pkg, 'subjects', '01-alice@example.com', 'report.html');
const bobPath = () => join(pkg, 'subjects', '02-bob@example.com', 'report.html');
const indexPath = () => join(pkg, 'report.html');

describe('escaping', () => {
  it('escapes every interpolated value and keeps our own markup', () => {
    expect(esc(`<a href="x" onclick='y'>&\``)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;');
    expect(html`<td>${HOSTILE.script}</td>`.value).toBe('<td>&lt;script&gt;document.title=&quot;pwned&quot;;alert(1)&lt;/script&gt;</td>');
    expect(html`<p>${[html`<b>${'<i>'}</b>`, '<u>']}</p>`.value).toBe('<p><b>&lt;i&gt;</b>&lt;u&gt;</p>');
    expect(esc('a\u0000b\uD800c')).toBe('a\uFFFDb\uFFFDc');
  });
});

describe('report.html files', () => {
  it('are written for each person and the request, 0600', () => {
    for (const p of [alicePath(), bobPath(), indexPath()]) {
      expect(existsSync(p)).toBe(true);
      expect(statSync(p).mode & 0o777).toBe(0o600);
    }
  });

  it('carry hostile text only as text: no script, no element, no external URL in any attribute', () => {
    for (const p of [alicePath(), bobPath(), indexPath()]) {
      const page = readFileSync(p, 'utf8');
      expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src data:`);
      expect(page).not.toMatch(/<script/i);
      expect(page).not.toMatch(/<img/i);
      expect(page).not.toMatch(/<iframe|<object|<embed|<link|<base|<form|<meta http-equiv="refresh"/i);
      expect(page).not.toMatch(/<[^>]*\son[a-z]+\s*=/i); // no event-handler attribute on any tag
      expect(page).not.toMatch(/(src|href|action|srcset|xlink:href)\s*=\s*["']?\s*(https?:|\/\/|javascript:|data:)/i);
      expect(page).not.toContain('</style><style>');
      expect(page.match(/<style>/g)).toHaveLength(1);
    }
    const alice = readFileSync(alicePath(), 'utf8');
    expect(alice).toContain('&lt;script&gt;document.title=&quot;pwned&quot;;alert(1)&lt;/script&gt;');
    expect(alice).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(alice).toContain('&lt;/style&gt;&lt;style&gt;');
    // Bidi overrides cannot disguise text.
    expect(alice).toContain('Budget [U+202E]gnp.exe[U+202C] review');
    // Join links and download links appear as text, not as links.
    expect(alice).toContain(`<code>${probeOrigin}/j/81000000000?pwd=abc</code>`);
  });

  it('shows the counts, caps long tables and says where the rest is', () => {
    const alice = readFileSync(alicePath(), 'utf8');
    expect(alice).toContain('alice@example.com');
    expect(alice).toContain('2023-01-10 to 2024-12-31');
    expect(alice).toContain('2024-12-31 10:05 UTC by zdsar 0.1.0');
    expect(alice).toContain(`… and ${620 - ROW_CAP} more in meetings.json`);
    expect(alice).toContain('… and 7 more in phone_call_elements.json');
    const legs = alice.slice(alice.indexOf('id="cat-phone_call_elements"'), alice.indexOf('more in phone_call_elements.json'));
    expect(legs).toContain(`<td class="num">${ROW_CAP}</td>`);
    expect(legs).not.toContain(`<td class="num">${ROW_CAP + 1}</td>`);
    expect(alice).toMatch(/Meetings you host<\/a><\/td>\s*<td><span class="status s-done">collected<\/span><\/td>\s*<td class="num">620<\/td>/);
    expect(alice).toMatch(/Call history<\/a><\/td>\s*<td><span class="status s-done">collected<\/span><\/td>\s*<td class="num">7<\/td>/);
    expect(alice).toContain('this user has no Zoom Phone licence');
    expect(alice).toContain('Zoom answered 400 (code 200): &lt;script&gt;');
    // Category explanations in plain words.
    expect(alice).toContain('Meetings scheduled by or for you');
    expect(alice).toContain('<svg');
    expect(alice).toContain('files/recordings/0001-f1.mp4');
    const index = readFileSync(indexPath(), 'utf8');
    expect(index).toContain('req_2024_0001');
    expect(index).toContain('href="subjects/01-alice%40example.com/report.html"');
    expect(index).toContain('href="subjects/02-bob%40example.com/report.html"');
    expect(index).toContain('no Zoom user');
    expect(readFileSync(bobPath(), 'utf8')).toContain('No Zoom user with this email address exists in this account');
  });
});

describe('bodies rendered as each person finished (export.ts)', () => {
  it('give the same pages as rendering at the end; a body changed on disk since is rendered again', async () => {
    const at = { now: new Date('2025-01-02T03:04:05Z') };
    const before = [alicePath(), bobPath()].map((p) => readFileSync(p, 'utf8'));
    const scratch = mkdtempSync(join(tmpdir(), 'zdsar-bodies-'));
    try {
      const [alice, bob] = fixture.manifest.subjects;
      const bodies = new Map([
        [alice!.index, await renderSubjectBody(pkg, alice!, join(scratch, 'alice.html'))],
        [bob!.index, await renderSubjectBody(pkg, bob!, join(scratch, 'bob.html'))],
      ]);
      await writeReports(pkg, fixture.manifest, { ...at, bodies });
      expect([alicePath(), bobPath()].map((p) => readFileSync(p, 'utf8'))).toEqual(before);
      // Someone edits a saved body: its digest no longer matches, so it is not used.
      writeFileSync(join(scratch, 'bob.html'), '<p>planted</p>');
      await writeReports(pkg, fixture.manifest, { ...at, bodies });
      expect(readFileSync(bobPath(), 'utf8')).toBe(before[1]);
      expect(readFileSync(bobPath(), 'utf8')).not.toContain('planted');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
