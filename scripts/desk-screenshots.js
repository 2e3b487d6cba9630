#!/usr/bin/env node
// node scripts/desk-screenshots.js (after npm run build): screenshots of each page of `zdsar desk`
// at 1280 px wide, on real sandbox data, into docs/desk-*.png. It starts the sandbox (a local Zoom),
// exports two requests with the real CLI into a throwaway home, opens the desk and drives the
// installed Chromium (ZDSAR_CHROMIUM or /usr/bin/chromium; nothing is downloaded) through
// playwright-core: the requests, one request, a record under review (a colleague's address
// revealed), the rebuilt copy, and the approval. Nothing leaves this machine.
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { startSandbox } = await import(join(root, 'dist/sandbox/index.js'));
const { startDesk } = await import(join(root, 'dist/commands/desk/server.js'));
const { getPath } = await import(join(root, 'dist/dsar/disclosure/overrides.js'));

const browserPath = [process.env.ZDSAR_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => {
  if (!p) return false;
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
});
if (!browserPath) throw new Error('Chromium is not installed (set ZDSAR_CHROMIUM to a Chromium or Chrome binary)');

const scratch = mkdtempSync(join(tmpdir(), 'zdsar-desk-shots-'));
const sandbox = await startSandbox({ seed: 7 });
const env = {
  PATH: process.env.PATH ?? '',
  CI: 'true',
  NO_COLOR: '1',
  ZOOM_API_URL: sandbox.apiUrl,
  ZOOM_OAUTH_URL: sandbox.oauthUrl,
  ZOOM_ACCOUNT_ID: sandbox.credentials.accountId,
  ZOOM_CLIENT_ID: sandbox.credentials.clientId,
  ZOOM_CLIENT_SECRET: sandbox.credentials.clientSecret,
  ZDSAR_HOME: join(scratch, 'home'),
  ZDSAR_PLAN: 'business',
};
const identity = ['--identity-method', 'account-email-match', '--identity-evidence', 'zoom-account-email', '--identity-verifier', 'Dana DPO'];
const zdsar = async (args) => JSON.parse((await run(process.execPath, [join(root, 'bin/zdsar.js'), ...args], { env, maxBuffer: 1 << 28 })).stdout);

let browser;
let desk;
try {
  process.stderr.write('Exporting two requests from the sandbox…\n');
  await zdsar(['export', '--emails', 'jordan.lee@gmail.example', '--received', '2026-11-01', '--out', join(scratch, 'out'), '--json', ...identity]);
  const { request_id: id, package: pkg } = await zdsar(['export', '--emails', 'alice.martin@cedarpine.example,bruno.costa@cedarpine.example', '--redact', '--zip', '--out', join(scratch, 'out'), '--json', ...identity]);
  const folder = JSON.parse(readFileSync(join(pkg, 'manifest.json'), 'utf8')).subjects[0].path.replace(/^subjects\//, '');
  const log = JSON.parse(readFileSync(join(pkg, 'disclosure', folder, 'redactions.json'), 'utf8')).redactions;
  const lines = (file) => readFileSync(join(pkg, 'subjects', folder, file), 'utf8').split('\n').filter((l) => l !== '[' && l !== ']' && l !== '').map((l) => JSON.parse(l.endsWith(',') ? l.slice(0, -1) : l));
  const places = [];
  for (const r of log) if (!places.includes(`${r.file}#${r.record}`)) places.push(`${r.file}#${r.record}`);
  const target = log.find((r) => r.record !== undefined && r.file === 'meetings.json' && /email/.test(r.rule) && /@cedarpine\.example$/.test(String(getPath(lines(r.file)[r.record - 1], r.field))))
    ?? log.find((r) => r.record !== undefined && r.file.endsWith('.json') && /email/.test(r.rule) && /@cedarpine\.example$/.test(String(getPath(lines(r.file)[r.record - 1], r.field))));

  desk = await startDesk({ env, idleMs: 10 * 60_000 });
  browser = await chromium.launch({ executablePath: browserPath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const shot = async (name) => {
    await page.screenshot({ path: join(root, 'docs', `desk-${name}.png`), fullPage: true });
    process.stderr.write(`docs/desk-${name}.png\n`);
  };
  await page.goto(desk.url);
  await shot('requests');
  await page.getByRole('link', { name: id }).click();
  await shot('request');
  await page.goto(`${desk.url}r/${id}/review?person=1&at=${places.indexOf(`${target.file}#${target.record}`) + 1}`);
  await shot('review');
  await page.getByRole('group', { name: target.field, exact: true }).getByLabel('Reveal').check();
  await page.getByRole('button', { name: 'Save and rebuild the copy' }).click();
  await shot('rebuilt');
  await page.getByRole('link', { name: 'Approve the new copy' }).click();
  await page.getByLabel("Approver's name").fill('Dana DPO');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/approve$/);
  await shot('approved');
} finally {
  await browser?.close();
  await desk?.close();
  await sandbox.close();
  rmSync(scratch, { recursive: true, force: true });
}
