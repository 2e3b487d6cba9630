/**
 * The person's disclosure report in a real browser (npm run test:browser): an export with --redact,
 * approved through the CLI, rendered by headless Chromium. Chromium is found through ZDSAR_CHROMIUM or
 * the usual install paths (test/helpers/chromium.ts); without it this fails, never skips.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { findChromium, headless } from '../helpers/chromium.js';
import { IDENTITY_FLAGS, runCli, sandboxEnv, tempDir } from '../helpers/cli.js';
import { otherPeoplesIdentifiers } from './helpers.js';

const PEOPLE = ['alice.martin@cedarpine.example', 'bruno.costa@cedarpine.example', 'jordan.lee@gmail.example'];

describe('the disclosure report in headless Chromium', () => {
  let sb: Sandbox;
  let pkg: string;
  let alice: { path: string; email: string };

  beforeAll(async () => {
    sb = await startSandbox({ seed: 7 });
    const env = sandboxEnv(sb);
    const exported = await runCli(['export', '--emails', PEOPLE.join(','), '--include-registrations', '--redact', '--out', tempDir('zdsar-disclosure-browser-'), '--json', ...IDENTITY_FLAGS], env);
    expect(exported.code, exported.stderr).toBe(0);
    const summary = JSON.parse(exported.stdout) as { request_id: string; package: string };
    pkg = summary.package;
    const approved = await runCli(['requests', 'approve', summary.request_id, '--approver', 'Dana DPO', '--json'], env);
    expect(approved.code, approved.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(pkg, 'manifest.json'), 'utf8')) as { subjects: Array<{ path: string; email: string }> };
    alice = manifest.subjects.find((s) => s.email === PEOPLE[0])!;
  }, 180_000);
  afterAll(async () => {
    await sb?.close();
  });

  it('renders the copy, with pseudonyms and nobody else', async () => {
    const chromium = findChromium();
    const report = join(pkg, 'disclosure', alice.path.replace(/^subjects\//, ''), 'report.html');
    const dom = await headless(chromium, ['--virtual-time-budget=3000', '--dump-dom', `file://${report}`]);
    expect(dom).toContain('<title>Zoom data about alice.martin@cedarpine.example</title>');
    expect(dom).toContain('This is your copy.');
    expect(dom).toContain('Approved for release by Dana DPO');
    expect(dom).toMatch(/<td>Contact \d+<\/td>/);
    expect(dom).not.toMatch(/<script/i);
    const leaks = [...otherPeoplesIdentifiers(sb.account, alice.email).keys()].filter((n) => dom.toLowerCase().includes(n));
    expect(leaks).toEqual([]);
    const shot = join(tempDir('zdsar-shot-'), 'shot.png');
    await headless(chromium, [`--screenshot=${shot}`, '--window-size=1280,2000', '--hide-scrollbars', `file://${report}`]);
    expect(statSync(shot).size).toBeGreaterThan(20_000);
    const index = await headless(chromium, ['--dump-dom', `file://${join(pkg, 'report.html')}`]);
    expect(index).toContain('Disclosure copy: review before release');
  });
});
