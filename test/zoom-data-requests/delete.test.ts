/**
 * `zdsar delete` (Zoom's Data & Privacy deletion) against the sandbox: a dry run sends nothing, --yes
 * submits and shows the 30-minute window, a deletion can be revoked inside the window and not after,
 * more than ten people are queued and submitted on resume, earlier packages can be purged.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { subjectFolder } from '../../src/people/folders.js';
import { Ledger } from '../../src/ledger/index.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { IDENTITY_FLAGS, runCli, sandboxEnv, tempDir } from '../helpers/cli.js';
import { dataRequestSandbox, posts } from './helpers.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

/** The CLI with a short poll (ZDSAR_ZOOM_POLL_MS) against the sandbox, whose clock the test advances. */
const quick = (env: Record<string, string>) => ({ ...env, ZDSAR_ZOOM_POLL_MS: '20,100' });

describe('zdsar delete', () => {
  it('a dry run sends nothing to Zoom, not even a token request', async () => {
    const e = await dataRequestSandbox(3);
    sb = e.sb;
    const env = sandboxEnv(sb);
    const r = await runCli(['delete', '--emails', e.emails.slice(0, 2).join(',')], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Dry run: nothing was sent to Zoom');
    expect(r.stderr).toContain('30 minutes');
    const j = await runCli(['delete', '--emails', e.emails.slice(0, 2).join(','), '--json'], env);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout)).toMatchObject({ dry_run: true, would_submit: [{ batch: 1, request_type: 'DELETE', people: [{ index: 1 }, { index: 2 }] }] });
    expect(sb.log).toEqual([]);
    expect(await Ledger.open(env.ZDSAR_HOME!).list()).toEqual([]);
  });

  it('--yes submits, records Zoom\'s answer, shows the window; requests cancel revokes inside it and is refused after', async () => {
    const e = await dataRequestSandbox(4, { dataRequestDelayMs: 10 * 60_000 });
    sb = e.sb;
    const env = sandboxEnv(sb);
    const r = await runCli(['delete', '--emails', e.emails.slice(0, 2).join(','), '--yes', ...IDENTITY_FLAGS], env);
    expect(r.code, r.stderr).toBe(0);
    const id = r.stdout.trim();
    expect(id).toMatch(/^r-/);
    expect(r.stderr).toMatch(/revoked until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect(r.stderr).toContain(`zdsar requests cancel ${id}`);
    const zoom = sb.dataRequests.requests.filter((x) => x.request_type === 'DELETE');
    expect(zoom).toHaveLength(2);
    expect(zoom.map((x) => sb!.dataRequests.stateOf(x.request_id))).toEqual(['Pending', 'Pending']);
    const ledger = Ledger.open(env.ZDSAR_HOME!);
    const rec = (await ledger.get(id))!;
    expect(rec.type).toBe('zoom-delete');
    expect(rec.status).toBe('processing');
    const ev = rec.evidence.find((x) => x.action === 'zoom.data_request.delete')!;
    expect(ev.response).toMatchObject({ status: 201, body: { data: zoom.map((x) => ({ email: x.email, request_id: x.request_id })) } });

    // Inside the window: revoked.
    const c = await runCli(['requests', 'cancel', rec.request_id], quick(env));
    expect(c.code, c.stderr).toBe(0);
    expect(c.stderr).toContain('Revoked');
    expect(zoom.map((x) => sb!.dataRequests.stateOf(x.request_id))).toEqual(['Canceled', 'Canceled']);
    expect((await ledger.get(id))!.status).toBe('canceled');
    expect(sb.log.filter((x) => x.method === 'DELETE').map((x) => x.status)).toEqual([204, 204]);

    // A second deletion; 31 minutes later Zoom is processing it: 422 code 14106, exit 1, nothing canceled.
    const r2 = await runCli(['delete', '--emails', e.emails[2]!, '--yes', ...IDENTITY_FLAGS, '--json'], env);
    expect(r2.code, r2.stderr).toBe(0);
    const out2 = JSON.parse(r2.stdout);
    expect(out2.cancel_command).toBe(`zdsar requests cancel ${out2.request_id}`);
    e.advance(31 * 60_000);
    const late = await runCli(['requests', 'cancel', out2.request_id], quick(env));
    expect(late.code).toBe(1);
    expect(late.stderr).toContain('can no longer be canceled');
    expect(late.stderr).toContain('14106');
    expect(sb.dataRequests.stateOf(out2.submitted[0].zoom_request_id)).toBe('Processing');
    const after = (await ledger.get(out2.request_id))!;
    expect(after.status).toBe('processing');
    expect(after.evidence.some((x) => x.action === 'zoom.data_request.cancel' && /too late/.test(x.outcome))).toBe(true);
  });

  it('more than ten people: the first ten now, the rest on resume once Zoom is free; never twice', async () => {
    const e = await dataRequestSandbox(13, { dataRequestDelayMs: 50 });
    sb = e.sb;
    const env = sandboxEnv(sb);
    const r = await runCli(['delete', '--emails', e.emails.slice(0, 12).join(','), '--yes', ...IDENTITY_FLAGS, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.submitted).toHaveLength(10);
    expect(out.queued).toHaveLength(2);
    expect(out.resume_command).toBe(`zdsar requests resume ${out.request_id}`);
    const ledger = Ledger.open(env.ZDSAR_HOME!);

    // Still in the window: our own deletion holds Zoom's one slot, so resume records the states and submits nothing.
    const first = await runCli(['requests', 'resume', out.request_id, '--json'], quick(env));
    expect(first.code, first.stderr).toBe(0);
    expect(posts(sb)).toEqual([201]);
    expect(JSON.parse(first.stdout).queued).toHaveLength(2);

    e.advance(31 * 60_000); // past the cancel window and the processing delay, on the sandbox's clock
    const again = await runCli(['requests', 'resume', out.request_id, '--json'], quick(env));
    expect(again.code, again.stderr).toBe(0);
    expect(posts(sb)).toEqual([201, 201]);
    const second = JSON.parse(again.stdout);
    expect(second.submitted.filter((s: { state: string }) => s.state === 'Pending')).toHaveLength(2);
    expect(sb.dataRequests.requests.filter((x) => x.request_type === 'DELETE')).toHaveLength(12);
  });

  it('--purge-packages deletes earlier zdsar packages of the same people', async () => {
    const e = await dataRequestSandbox(3);
    sb = e.sb;
    const env = sandboxEnv(sb);
    const ledger = Ledger.open(env.ZDSAR_HOME!);
    const outRoot = tempDir('zdsar-pkg-');
    const exp = await ledger.create({ type: 'export', subjects: [e.emails[0]!, 'someone@else.example'], options: { outRoot } });
    const dir = join(outRoot, exp.request_id);
    await ledger.setOutDir(exp.request_id, dir);
    const mine = join(dir, 'subjects', subjectFolder(1, e.emails[0]!));
    const other = join(dir, 'subjects', subjectFolder(2, 'someone@else.example'));
    mkdirSync(mine, { recursive: true });
    mkdirSync(other, { recursive: true });
    writeFileSync(join(mine, 'profile.json'), '{}');
    writeFileSync(join(other, 'profile.json'), '{}');
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ request_id: exp.request_id }));
    await ledger.setStatus(exp.request_id, 'completed');

    const dry = await runCli(['delete', '--emails', e.emails[0]!], env);
    expect(dry.stderr).toContain(exp.request_id);
    expect(dry.stderr).toContain('--purge-packages');
    expect(existsSync(mine)).toBe(true);

    const r = await runCli(['delete', '--emails', e.emails[0]!, '--yes', ...IDENTITY_FLAGS, '--purge-packages'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(mine)).toBe(false);
    expect(existsSync(other)).toBe(true); // the other person's data stays
    const rec = (await ledger.get(r.stdout.trim()))!;
    expect(rec.evidence.some((x) => x.action === 'zdsar.package.purge' && x.target === exp.request_id)).toBe(true);
  });
});
