/**
 * Issue 26: identity verification before release. The person's zip, approval and `delete --yes`
 * refuse (exit 2, saying what is missing) until a verification is recorded, each refusal is in the
 * request's history, and the recorded skip (--no-identity-check --reason) is shown.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerRequest } from '../../src/ledger/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runCli, sandboxEnv, tempDir } from '../helpers/cli.js';
import { dataRequestSandbox, posts } from '../zoom-data-requests/helpers.js';

const ALICE = 'alice.martin@cedarpine.example';

async function show(id: string, env: Record<string, string>): Promise<LedgerRequest> {
  const r = await runCli(['requests', 'show', id, '--json'], env);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as LedgerRequest;
}

describe('identity gate: export --zip and approval', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ seed: 4 });
  });
  afterAll(async () => {
    await sb.close();
  });

  it('export --approve --zip without a verification is refused before anything is sent; verify-identity, resume, then approval passes', async () => {
    const env = sandboxEnv(sb);
    const out = tempDir('zdsar-id-');
    const before = sb.log.length;
    const r = await runCli(['export', '--emails', ALICE, '--out', out, '--redact', '--approve', '--zip', '--json'], env);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('no identity verification is recorded');
    expect(r.stderr).toContain('zdsar requests verify-identity');
    const doc = JSON.parse(r.stdout) as { request_id: string; status: string };
    expect(doc.status).toBe('failed');
    const id = doc.request_id;
    expect(id).toMatch(/^r-/);
    expect(sb.log.length).toBe(before); // nothing sent to Zoom
    let req = await show(id, env);
    expect(req.history.filter((h) => h.action === 'release_refused')).toHaveLength(1);
    expect(req.identity?.refusals?.[0]).toMatchObject({ step: 'approval' });

    // Copies are refused: a type name, not a document number or a file.
    const bad = await runCli(['requests', 'verify-identity', id, '--method', 'document-check', '--evidence', 'passport 12345678', '--verifier', 'Dana DPO'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('never the document');
    const agentWithout = await runCli(['requests', 'verify-identity', id, '--method', 'document-check', '--evidence', 'passport', '--verifier', 'Dana DPO', '--requester-kind', 'agent'], env);
    expect(agentWithout.code).toBe(2);
    expect(agentWithout.stderr).toContain('--agent-authorisation');

    const v = await runCli(['requests', 'verify-identity', id, '--method', 'document-check', '--evidence', 'passport,zoom-account-email', '--verifier', 'Dana DPO', '--requester-kind', 'agent', '--agent-authorisation', 'power-of-attorney'], env);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stderr).toContain('verified');
    req = await show(id, env);
    expect(req.identity?.verified).toMatchObject({ method: 'document-check', evidence: ['passport', 'zoom-account-email'], verifier: 'Dana DPO', requester: 'agent', agent_authorisation: 'power-of-attorney' });

    const resumed = await runCli(['requests', 'resume', id, '--json'], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    // Since issue 25 the person's zip is made from the approved copy only: none before the approval.
    expect(readdirSync(join(out, id)).includes('zips')).toBe(false);
    // The resumed run builds the copy; the approval (bound to the copy's digest) is the officer's own step, gated and passing now.
    const approved = await runCli(['requests', 'approve', id, '--approver', 'Dana DPO', '--json'], env);
    expect(approved.code, approved.stderr).toBe(0);
    expect((JSON.parse(approved.stdout) as { disclosure?: { status?: string } }).disclosure?.status).toBe('approved');
    expect(readdirSync(join(out, id, 'zips')).filter((f) => f.endsWith('.zip'))).toHaveLength(1);

    // requests show and report.html show the verification, and the refusal before it.
    const text = await runCli(['requests', 'show', id], env);
    expect(text.stdout).toMatch(/identity:\s+verified \d{4}-\d{2}-\d{2} by Dana DPO: document-check; evidence seen: passport, zoom-account-email; request from an authorised agent \(power-of-attorney\)/);
    expect(text.stdout).toMatch(/refused:\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC approval: no identity verification/);
    const report = readFileSync(join(out, id, 'report.html'), 'utf8');
    expect(report).toContain('Identity verification');
    expect(report).toContain('power-of-attorney');
    expect(report).toContain('Release refused 1 time');
  }, 120_000);

  it('approval is refused without a verification (recorded), and the skip with a reason is recorded and shown', async () => {
    const env = sandboxEnv(sb);
    const out = tempDir('zdsar-id-');
    const r = await runCli(['export', '--emails', ALICE, '--out', out, '--redact', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const id = (JSON.parse(r.stdout) as { request_id: string }).request_id;

    const refused = await runCli(['requests', 'approve', id, '--zip', '--json'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('approval refused: no identity verification is recorded');
    expect(JSON.parse(refused.stdout)).toMatchObject({ request_id: id, status: 'failed' });
    expect(readdirSync(join(out, id)).includes('zips')).toBe(false);
    let req = await show(id, env);
    expect(req.evidence.some((e) => e.action === 'disclosure_approved')).toBe(false);
    expect(req.history.find((h) => h.action === 'release_refused')?.note).toContain('approval refused');

    const noReason = await runCli(['requests', 'approve', id, '--no-identity-check'], env);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('--reason');

    const skipped = await runCli(['requests', 'approve', id, '--zip', '--no-identity-check', '--reason', 'known employee, asked in person at the office', '--approver', 'Dana DPO', '--json'], env);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect((JSON.parse(skipped.stdout) as { zips: string[] }).zips).toHaveLength(1);
    req = await show(id, env);
    expect(req.identity?.skipped).toMatchObject({ reason: 'known employee, asked in person at the office', by: 'Dana DPO' });
    expect(req.history.some((h) => h.action === 'identity_check_skipped')).toBe(true);
    const text = await runCli(['requests', 'show', id], env);
    expect(text.stdout).toContain('NOT verified: check skipped by Dana DPO');
    expect(readFileSync(join(out, id, 'report.html'), 'utf8')).toContain('known employee, asked in person at the office');
  }, 120_000);
});

describe('identity gate: delete --yes', () => {
  it('refuses (exit 2, nothing sent, recorded); resume after verify-identity submits; a skip given up front passes the gate', async () => {
    const e = await dataRequestSandbox(3);
    try {
      const env = sandboxEnv(e.sb);
      const r = await runCli(['delete', '--emails', e.emails[0]!, '--yes', '--json'], env);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('deletion refused: no identity verification is recorded');
      const id = (JSON.parse(r.stdout) as { request_id: string }).request_id;
      expect(posts(e.sb)).toEqual([]);
      expect((await show(id, env)).history.filter((h) => h.action === 'release_refused').map((h) => h.note)).toEqual(['deletion refused: no identity verification is recorded (method, types of evidence, verifier)']);

      const resumedEarly = await runCli(['requests', 'resume', id], env);
      expect(resumedEarly.code).toBe(2);
      expect(posts(e.sb)).toEqual([]);
      expect((await show(id, env)).identity?.refusals).toHaveLength(2);

      const v = await runCli(['requests', 'verify-identity', id, '--method', 'account-email-match', '--evidence', 'zoom-account-email', '--verifier', 'Dana DPO'], env);
      expect(v.code, v.stderr).toBe(0);
      const resumed = await runCli(['requests', 'resume', id], env);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(posts(e.sb)).toEqual([201]);

      const upFront = await runCli(['delete', '--emails', e.emails[1]!, '--yes', '--json', '--no-identity-check', '--reason', 'the account owner asked for a leaver'], env);
      // Accepted by the gate: queued behind the first deletion (Zoom takes one data request at a time).
      expect(upFront.stderr).not.toContain('refused');
      const doc2 = JSON.parse(upFront.stdout) as { request_id: string; queued: Array<{ index: number }> };
      expect(doc2.queued).toEqual([{ index: 1, email: e.emails[1] }]);
      const id2 = doc2.request_id;
      expect((await show(id2, env)).identity?.skipped?.reason).toBe('the account owner asked for a leaver');
    } finally {
      await e.sb.close();
    }
  }, 120_000);

  it('bad identity flags are refused before anything is recorded', async () => {
    const home = tempDir('zdsar-home-');
    const both = await runCli(['delete', '--emails', 'a@example.com', '--yes', '--no-identity-check', '--reason', 'x', '--identity-method', 'call'], { ZDSAR_HOME: home });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('exclude each other');
    const partial = await runCli(['delete', '--emails', 'a@example.com', '--yes', '--identity-method', 'call'], { ZDSAR_HOME: home });
    expect(partial.code).toBe(2);
    expect(partial.stderr).toContain('--identity-evidence, --identity-verifier');
    expect(existsSync(join(home, 'ledger'))).toBe(false);
  });
});
