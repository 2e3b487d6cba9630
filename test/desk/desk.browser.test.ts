/**
 * The officer's desk in a real headless Chromium (npm run test:browser), driven by playwright-core
 * with the installed browser (findChromium; nothing is downloaded): on a sandbox export the officer
 * reveals a colleague's work address, withholds one record and approves, by the page's own forms.
 * Then: the ledger records the approval with the copy's digest, the person's zip holds the change,
 * and a request without the token is refused.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDesk, type Desk } from '../../src/commands/desk/server.js';
import { getPath } from '../../src/dsar/disclosure/overrides.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { findChromium } from '../helpers/chromium.js';
import { IDENTITY_FLAGS, runCli, sandboxEnv, tempDir } from '../helpers/cli.js';
import { readZip } from '../disclosure/zipread.js';
import type { Logged } from '../../src/dsar/disclosure/review.js';

const ALICE = 'alice.martin@cedarpine.example';


const listOf = (text: string) =>
  text
    .split('\n')
    .filter((l) => l !== '[' && l !== ']' && l !== '')
    .map((l) => JSON.parse(l.endsWith(',') ? l.slice(0, -1) : l) as unknown);

describe('the desk in headless Chromium', () => {
  let sb: Sandbox;
  let env: Record<string, string>;
  let id: string;
  let pkg: string;
  let folder: string;
  let desk: Desk;
  let browser: Browser;

  beforeAll(async () => {
    sb = await startSandbox({ seed: 7 });
    env = sandboxEnv(sb);
    const out = await runCli(['export', '--emails', ALICE, '--redact', '--zip', '--out', tempDir('zdsar-desk-browser-'), '--json', ...IDENTITY_FLAGS], env);
    expect(out.code, out.stderr).toBe(0);
    ({ request_id: id, package: pkg } = JSON.parse(out.stdout) as { request_id: string; package: string });
    const m = JSON.parse(readFileSync(join(pkg, 'manifest.json'), 'utf8')) as { subjects: Array<{ path: string }> };
    folder = m.subjects[0]!.path.replace(/^subjects\//, '');
    desk = await startDesk({ env, idleMs: 30 * 60_000 });
    browser = await chromium.launch({ executablePath: findChromium(), args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await desk?.close();
    await sb?.close();
  });

  it('reveals a colleague’s work address, withholds a record, approves; the ledger and the zip show it', async () => {
    // Where the copy masks a colleague's work address, and another record to withhold (in the order the desk pages through them).
    const log = (JSON.parse(readFileSync(join(pkg, 'disclosure', folder, 'redactions.json'), 'utf8')) as { redactions: Logged[] }).redactions;
    const places: string[] = [];
    for (const r of log) if (!places.includes(`${r.file}#${r.record}`)) places.push(`${r.file}#${r.record}`);
    const source = (file: string) => listOf(readFileSync(join(pkg, 'subjects', folder, file), 'utf8'));
    const target = log.find((r) => r.record !== undefined && r.file.endsWith('.json') && /email/.test(r.rule) && /@cedarpine\.example$/.test(String(getPath(source(r.file)[r.record - 1], r.field))))!;
    expect(target, "a colleague's masked work address").toBeDefined();
    const address = String(getPath(source(target.file)[target.record! - 1], target.field));
    const other = log.find((r) => r.record !== undefined && r.file.endsWith('.json') && r.file !== target.file && source(r.file).length >= 2)!;
    const before = source(other.file).length;

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const status = (await page.goto(desk.url))!.status();
    expect(status).toBe(200);
    await page.getByRole('link', { name: id }).click();
    expect(await page.locator('h1').textContent()).toBe(`Request ${id}`);
    await page.getByRole('link', { name: `Review ${ALICE}'s copy` }).click();
    expect(await page.locator('h1').textContent()).toBe(`Review the copy of ${ALICE}`);

    // Reveal the colleague's work address: the record's page, the field's own "Reveal" choice.
    await page.goto(page.url().replace(/at=\d+/, `at=${places.indexOf(`${target.file}#${target.record}`) + 1}`));
    expect(await page.locator('h2').first().textContent()).toContain(`${target.file}, record ${target.record}`);
    expect(await page.locator('tbody').first().textContent()).toContain(address);
    await page.getByRole('group', { name: target.field, exact: true }).getByLabel('Reveal').check();
    await page.getByRole('button', { name: 'Save and rebuild the copy' }).click();
    expect(await page.locator('h1').textContent()).toBe('Copy rebuilt');
    expect(await page.locator('main').textContent()).toContain(target.field);

    // Withhold another record, with the keyboard: the checkbox by its label, Space, then Enter on the button.
    await page.goto(page.url().replace(/\/review$/, `/review?person=1&at=${places.indexOf(`${other.file}#${other.record}`) + 1}`));
    expect(await page.locator('h2').first().textContent()).toContain(`${other.file}, record ${other.record}`);
    await page.getByLabel('Withhold the whole record from the copy').focus();
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Save and rebuild the copy' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/review$/);
    expect(await page.locator('h1').textContent()).toBe('Copy rebuilt');
    expect(await page.locator('main').textContent()).toContain('withheld from the copy');

    // Approve: the digest on the page is the one approved; the name typed, Enter submits.
    await page.getByRole('link', { name: 'Approve the new copy' }).click();
    const shown = (await page.locator('dd.digest').first().textContent())!.trim();
    expect(shown).toMatch(/^[0-9a-f]{64}$/);
    await page.getByLabel("Approver's name").fill('Dana DPO');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/approve$/);
    expect(await page.locator('h1').textContent()).toBe('Approved');
    expect(await page.locator('main').textContent()).toContain(shown);

    // 1. The ledger records the approval, by Dana DPO, for exactly that digest.
    const show = await runCli(['requests', 'show', id, '--json'], env);
    expect(show.code, show.stderr).toBe(0);
    const evidence = (JSON.parse(show.stdout) as { evidence: Array<{ action: string; request?: { approver?: string }; response?: { sha256?: string } }> }).evidence;
    const approvals = evidence.filter((e) => e.action === 'disclosure_approved');
    expect(approvals.at(-1)?.response?.sha256).toBe(shown);
    expect(approvals.at(-1)?.request?.approver).toBe('Dana DPO');
    const onDisk = await runCli(['verify', pkg, '--json'], env);
    expect(onDisk.code, onDisk.stdout).toBe(0);

    // 2. The person's zip holds the change: the address revealed, the record left out.
    const zip = await readZip(readFileSync(join(pkg, 'zips', `${folder}.zip`)));
    const entry = (file: string) => [...zip.entries()].find(([name]) => name.endsWith(`/${file}`) || name === file)?.[1];
    const revealedIn = listOf(entry(target.file)!.toString('utf8'));
    const skip = other.file === target.file && other.record! < target.record! ? 1 : 0;
    expect(getPath(revealedIn[target.record! - 1 - skip], target.field)).toBe(address);
    expect(listOf(entry(other.file)!.toString('utf8'))).toHaveLength(before - 1);

    // At 200 % zoom (640 CSS px of a 1280 px window) the pages reflow: nothing scrolls sideways but a wide table in its own box.
    await page.setViewportSize({ width: 640, height: 900 });
    for (const path of ['', `r/${id}`, `r/${id}/review?person=1&at=1`]) {
      await page.goto(desk.url + path);
      expect(await page.evaluate('document.documentElement.scrollWidth'), path).toBeLessThanOrEqual(640);
    }

    // 3. Without the token, the desk refuses (in the browser too).
    const origin = new URL(desk.url).origin;
    expect((await page.goto(`${origin}/`))!.status()).toBe(403);
    expect((await page.goto(`${origin}/r/${id}`))!.status()).toBe(403);
    await page.close();
  });
});
