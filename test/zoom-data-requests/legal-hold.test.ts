/**
 * Issue 26: legal holds before an erasure (GDPR Art. 17(3)(e)). Zoom keeps a held person's Team Chat
 * data; Zoom's deletion takes all of it, so `delete --yes` does not submit a held person unless the
 * officer overrides with a reason. The dry run reads holds only with --check-holds, and says so
 * otherwise. The certificate names the matter. Run as the CLI against the sandbox over sockets.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/index.js';
import type { Sandbox, SandboxLegalHold } from '../../src/sandbox/index.js';
import { IDENTITY_FLAGS, runCli, sandboxEnv } from '../helpers/cli.js';
import { dataRequestSandbox } from './helpers.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const MATTER = '0b9d2f57-7a0c-4c8e-9d62-3f1f1b0c7a11';

/** A sandbox of `users` account users, the second under a legal hold matter with two held zips. */
async function heldSandbox(users: number): Promise<{ sb: Sandbox; emails: string[] }> {
  const e = await dataRequestSandbox(users, { dataRequestDelayMs: 10 * 60_000 });
  const held = e.sb.account.users[1]!;
  const hold: SandboxLegalHold = {
    matter_id: MATTER,
    matter_name: 'Supplier dispute',
    matter_start_date: '2026-01-01',
    matter_creation_date: '2026-01-02',
    users: [{ user_id: held.id, email: held.email }],
    files: {
      [held.email.toLowerCase()]: [
        { file_key: 'a2V5LTE', file_count: 30, file_start_date: '2026-01-01', file_end_date: '2026-06-30', ready_for_download: true, total_file_size: 1000 },
        { file_key: 'a2V5LTI', file_count: 12, file_start_date: '2026-07-01', file_end_date: '2026-11-30', ready_for_download: false, total_file_size: 500 },
      ],
    },
  };
  e.sb.account.legalHolds = [hold];
  return { sb: e.sb, emails: e.emails };
}

const legalHoldCalls = (s: Sandbox) => s.log.filter((x) => x.path.startsWith('/v2/chat/legalhold/'));
const posts = (s: Sandbox) => s.log.filter((x) => x.method === 'POST' && x.path === '/v2/data_requests/requests');

interface CertItem {
  email?: string;
  method: string;
  data_remains_at_zoom: boolean;
  remains?: string;
  legal_hold?: { matters: Array<{ matter_id: string; matter_name: string; files: { zips: number; files: number } }>; law: string; overridden?: { reason: string } };
}

describe('legal holds before zdsar delete', () => {
  it('the dry run sends nothing and says holds were not checked; --check-holds reads them and names the matter', async () => {
    const e = await heldSandbox(3);
    sb = e.sb;
    const env = sandboxEnv(sb);
    const plain = await runCli(['delete', '--emails', e.emails.join(',')], env);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toContain('Legal holds were NOT checked');
    expect(sb.log).toHaveLength(0);
    const plainJson = JSON.parse((await runCli(['delete', '--emails', e.emails.join(','), '--json'], env)).stdout) as { legal_holds: { checked: boolean } };
    expect(plainJson.legal_holds.checked).toBe(false);
    expect(sb.log).toHaveLength(0);

    const checked = await runCli(['delete', '--emails', e.emails.join(','), '--check-holds', '--json'], env);
    expect(checked.code, checked.stderr).toBe(0);
    const j = JSON.parse(checked.stdout) as { legal_holds: { checked: boolean; held: Array<{ email: string; matters: Array<{ matter_name: string; files: { zips: number; files: number } }> }> }; would_submit: Array<{ people: Array<{ email: string }> }> };
    expect(j.legal_holds.checked).toBe(true);
    expect(j.legal_holds.held.map((h) => h.email)).toEqual([e.emails[1]]);
    expect(j.legal_holds.held[0]!.matters[0]).toMatchObject({ matter_name: 'Supplier dispute', files: { zips: 2, files: 42 } });
    expect(j.would_submit.flatMap((b) => b.people.map((p) => p.email))).toEqual([e.emails[0], e.emails[2]]);
    // Only the holds were read: the matter list once, then the held person's files; nothing submitted.
    expect(legalHoldCalls(sb).map((x) => x.path)).toEqual(['/v2/chat/legalhold/matters', `/v2/chat/legalhold/matters/${MATTER}/files`]);
    expect(posts(sb)).toHaveLength(0);

    const text = await runCli(['delete', '--emails', e.emails.join(','), '--check-holds'], env);
    expect(text.stderr).toContain('UNDER LEGAL HOLD: legal hold "Supplier dispute"');
    expect(text.stderr).toContain('only the legal holds were read from Zoom');
  });

  it('--yes does not submit a held person: recorded, exit 1, and the certificate says which matter holds what', async () => {
    const e = await heldSandbox(3);
    sb = e.sb;
    const env = sandboxEnv(sb);
    const r = await runCli(['delete', '--emails', e.emails.join(','), '--yes', '--json', ...IDENTITY_FLAGS], env);
    expect(r.code, r.stderr).toBe(1);
    const j = JSON.parse(r.stdout) as { request_id: string; submitted: Array<{ email: string }>; skipped: Array<{ email: string; note: string; legal_hold?: unknown[] }>; certificate: { path: string } };
    expect(j.submitted.map((p) => p.email).sort()).toEqual([e.emails[0], e.emails[2]].sort());
    expect(j.skipped).toHaveLength(1);
    expect(j.skipped[0]!.email).toBe(e.emails[1]);
    expect(j.skipped[0]!.note).toContain('GDPR Art. 17(3)(e)');
    expect(j.skipped[0]!.legal_hold).toHaveLength(1);
    // Zoom was never asked to delete the held person.
    expect(sb.dataRequests.requests.map((x) => x.email.toLowerCase())).not.toContain(e.emails[1]);
    expect(posts(sb).length).toBeGreaterThan(0);

    const cert = JSON.parse(readFileSync(j.certificate.path, 'utf8')) as { items: CertItem[] };
    const item = cert.items.find((i) => i.email === e.emails[1])!;
    expect(item.method).toBe('legal_hold');
    expect(item.data_remains_at_zoom).toBe(true);
    expect(item.remains).toContain('"Supplier dispute"');
    expect(item.remains).toContain('GDPR Art. 17(3)(e)');
    expect(item.legal_hold!.matters[0]).toMatchObject({ matter_id: MATTER, files: { zips: 2, files: 42 } });

    const rec = (await Ledger.open(env.ZDSAR_HOME!).get(j.request_id))!;
    expect(rec.evidence.find((x) => x.action === 'legal_hold')?.outcome).toContain('Supplier dispute');

    // A resume does not submit the held person either.
    const resumed = await runCli(['requests', 'resume', j.request_id, '--json'], { ...env, ZDSAR_ZOOM_POLL_MS: '20,100' });
    expect((JSON.parse(resumed.stdout) as { skipped: Array<{ email: string }> }).skipped.map((x) => x.email)).toEqual([e.emails[1]]);
    expect(sb.dataRequests.requests.map((x) => x.email.toLowerCase())).not.toContain(e.emails[1]);

    // Her access answer names the hold as a reason her data is kept (from the ledger; nothing more is asked of Zoom).
    const exp = await runCli(['export', '--emails', e.emails[1]!, '--redact', '--json', ...IDENTITY_FLAGS], env);
    const pkg = (JSON.parse(exp.stdout) as { package: string }).package;
    const m = JSON.parse(readFileSync(join(pkg, 'manifest.json'), 'utf8')) as { subjects: Array<{ path: string }> };
    const folder = join(pkg, 'disclosure', m.subjects[0]!.path.replace(/^subjects\//, ''));
    const st = JSON.parse(readFileSync(join(folder, 'article15.json'), 'utf8')) as { parts: Array<{ key: string; text: string[] }> };
    const kept = st.parts.find((p) => p.key === 'legal_hold')!;
    expect(kept.text[0]).toContain('"Supplier dispute"');
    expect(kept.text[0]).toContain(j.request_id);
    expect(readFileSync(join(folder, 'report.html'), 'utf8')).toContain('Data kept under a legal hold');
  }, 120_000);

  it('--override-hold needs --reason; with it the held person is submitted, and the override is recorded in the certificate', async () => {
    const e = await heldSandbox(2);
    sb = e.sb;
    const env = sandboxEnv(sb);
    const bare = await runCli(['delete', '--emails', e.emails[1]!, '--yes', '--override-hold', ...IDENTITY_FLAGS], env);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('--override-hold needs --reason');
    expect(sb.log).toHaveLength(0);

    const r = await runCli(['delete', '--emails', e.emails[1]!, '--yes', '--json', '--override-hold', '--reason', 'hold released by counsel on 2026-12-01', ...IDENTITY_FLAGS], env);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { submitted: Array<{ email: string }>; certificate: { path: string } };
    expect(j.submitted.map((p) => p.email)).toEqual([e.emails[1]]);
    const cert = JSON.parse(readFileSync(j.certificate.path, 'utf8')) as { items: CertItem[] };
    expect(cert.items[0]!.method).toBe('zoom_deletion_request');
    expect(cert.items[0]!.legal_hold).toMatchObject({ law: 'GDPR Art. 17(3)(e)', overridden: { reason: 'hold released by counsel on 2026-12-01' } });
    expect(cert.items[0]!.legal_hold!.matters[0]!.matter_name).toBe('Supplier dispute');
  });
});
