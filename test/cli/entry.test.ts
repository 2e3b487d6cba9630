/**
 * What a command says when it enters a request: a request already past its due date warns with the
 * days (export, delete, registrants erase alike); delete's dry run names the people who are not Zoom
 * users; commands in errors read `npx zdsar …` when zdsar was started through npx.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { addDays, isoDay, Ledger } from '../../src/ledger/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { IDENTITY_FLAGS, runCli, sandboxEnv, tempDir } from '../helpers/cli.js';
import { dataRequestSandbox } from '../zoom-data-requests/helpers.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const LATE = /it is \d+ days overdue already/;

describe('entering a request', () => {
  it('delete --yes with a --received long past warns with the days overdue', async () => {
    const e = await dataRequestSandbox(2);
    sb = e.sb;
    const env = sandboxEnv(sb);
    const received = isoDay(addDays(new Date(), -60));
    const r = await runCli(['delete', '--emails', e.emails[0]!, '--yes', '--received', received, ...IDENTITY_FLAGS], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(LATE);
    const fresh = await runCli(['delete', '--emails', e.emails[1]!, '--yes', ...IDENTITY_FLAGS], env);
    expect(fresh.stderr).not.toMatch(LATE);
  });

  it('registrants erase --yes with a --received long past warns with the days overdue', async () => {
    sb = await startSandbox({ port: 0, onWarning: () => undefined });
    const env = sandboxEnv(sb);
    const received = isoDay(addDays(new Date(), -60));
    const r = await runCli(['registrants', 'erase', '--emails', 'jordan.lee@gmail.example', '--yes', '--received', received], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(LATE);
  });

  it("delete's dry run says who has no Zoom user (not deleted by it), offline, and points to registrants erase", async () => {
    const e = await dataRequestSandbox(1);
    sb = e.sb;
    const env = sandboxEnv(sb);
    const outsider = 'jordan.lee@gmail.example';
    const ledger = Ledger.open(env.ZDSAR_HOME!);
    const earlier = await ledger.create({ type: 'export', subjects: [e.emails[0]!, outsider] });
    await ledger.setSubjectStatus(earlier.request_id, 1, 'completed');
    await ledger.setSubjectStatus(earlier.request_id, 2, 'not_found');
    const r = await runCli(['delete', '--emails', `${e.emails[0]},${outsider}`], env);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split('\n');
    expect(lines.find((l) => l.includes(outsider))).toContain(`NO ZOOM USER (export ${earlier.request_id})`);
    expect(lines.find((l) => l.includes(e.emails[0]!))).not.toContain('NO ZOOM USER');
    expect(r.stderr).toContain('zdsar registrants erase');
    const j = await runCli(['delete', '--emails', `${e.emails[0]},${outsider}`, '--json'], env);
    expect(JSON.parse(j.stdout)).toMatchObject({ dry_run: true, no_zoom_user: [{ index: 2, email: outsider, found_by: earlier.request_id }] });
    expect(sb.log).toEqual([]);
  });

  it('commands named in errors and hints read `npx zdsar …` when started through npx, `zdsar …` otherwise', async () => {
    const home = tempDir('zdsar-home-');
    const plain = await runCli(['requests', 'show', 'r-nope'], { ZDSAR_HOME: home });
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('  zdsar requests list');
    expect(plain.stderr).not.toContain('npx');
    const viaNpx = await runCli(['requests', 'show', 'r-nope'], { ZDSAR_HOME: home, npm_command: 'exec' });
    expect(viaNpx.stderr).toContain('  npx zdsar requests list');
    const json = await runCli(['requests', 'show', 'r-nope', '--json'], { ZDSAR_HOME: home, npm_command: 'exec' });
    expect(JSON.parse(json.stdout).error.hint).toMatch(/^npx zdsar requests list/);
    // The credentials hint already says npx: never "npx npx".
    const creds = await runCli(['export', '--emails', 'a@example.com'], { ZDSAR_HOME: home, npm_command: 'exec' });
    expect(creds.stderr).toContain(' npx zdsar sandbox');
    expect(creds.stderr).not.toContain('npx npx');
  });
});
