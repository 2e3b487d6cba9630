/**
 * Issue 26: erasure certificates. A registration Zoom would only let zdsar cancel gets a certificate
 * that says the data remains at Zoom and proposes Zoom's Data & Privacy deletion; each item records
 * method, verification (the re-read), time and operator; what zdsar cannot see is stated in Zoom's
 * words; a signed certificate is checked by `zdsar verify` and tampering is caught.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErasureCertificate } from '../../src/dsar/certificate.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { IDENTITY_FLAGS, runCli, sandboxEnv } from '../helpers/cli.js';
import { dataRequestSandbox } from '../zoom-data-requests/helpers.js';

const JORDAN = 'jordan.lee@gmail.example';
const keys = generateKeyPairSync('ed25519');
const privatePem = keys.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const publicPem = keys.publicKey.export({ format: 'pem', type: 'spki' }).toString();

describe('erasure certificate: registrants erase', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ port: 0, onWarning: () => undefined });
  });
  afterAll(async () => {
    await sb.close();
  });

  it('a cancelled registration is certified as still held at Zoom, with the next step; signed, verified, tampering caught', async () => {
    const env = { ...sandboxEnv(sb), ZDSAR_SIGNING_KEY: privatePem };
    const r = await runCli(['registrants', 'erase', '--emails', JORDAN, '--yes', '--json'], env);
    expect([0, 1]).toContain(r.code);
    const out = JSON.parse(r.stdout) as { request_id: string; certificate: { path: string; signed: boolean; items: number; data_remains: number } };
    expect(out.certificate.signed).toBe(true);
    const path = out.certificate.path;
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);
    const c = JSON.parse(readFileSync(path, 'utf8')) as ErasureCertificate;
    expect(c.request_id).toBe(out.request_id);
    expect(c.operator).toBeTruthy();
    expect(c.items.length).toBe(out.certificate.items);
    expect(c.items.length).toBeGreaterThan(0);
    for (const i of c.items) {
      expect(i.where).toMatch(/^Zoom \/(meetings|webinars)\//);
      expect(i.at).toMatch(/^\d{4}-/);
      expect(i.verification.how).toContain('re-read');
      expect(i.verification.showed).toMatch(/listed by Zoom|not verified/);
    }
    const cancelled = c.items.filter((i) => i.method === 'cancelled');
    expect(cancelled.length).toBeGreaterThan(0);
    for (const i of cancelled) {
      expect(i.data_remains_at_zoom).toBe(true);
      expect(i.remains).toContain("NOT erased");
      expect(i.remains).toContain("still holds the person's name, email address and answers at Zoom");
      expect(i.next_step).toContain(`zdsar delete --emails ${JORDAN} --yes`);
      expect(i.verification.showed).not.toBe('no longer listed by Zoom');
    }
    for (const i of c.items.filter((x) => x.method === 'deleted')) expect(i.data_remains_at_zoom).toBe(false);
    expect(c.summary.data_remains).toBe(c.items.filter((i) => i.data_remains_at_zoom).length);
    expect(c.not_visible_to_zdsar.statement).toContain('backups');
    expect(c.not_visible_to_zdsar.zoom_says.quotes).toContain('Note: Be aware that the request to delete data can only be canceled within a 30-minute timeframe. Once the data is deleted, it cannot be recovered.');
    expect(r.stdout).not.toContain(privatePem.split('\n')[1]!);

    // The ledger records which certificate was issued.
    const show = JSON.parse((await runCli(['requests', 'show', out.request_id, '--json'], env)).stdout) as { evidence: Array<{ action: string; target?: string; response?: { path?: string; sha256?: string } }> };
    const issued = show.evidence.find((e) => e.action === 'erasure_certificate');
    expect(issued?.target).toBeUndefined();
    expect(issued?.response).toMatchObject({ path, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') });

    const dir = dirname(path);
    const ok = await runCli(['verify', dir, '--public-key', publicPem], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain('Intact');

    // Tampering: a cancelled item rewritten as deleted.
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.replace('"method": "cancelled"', '"method": "deleted"'));
    const bad = await runCli(['verify', dir, '--json'], env);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, signature: { status: 'invalid' } });
    expect((JSON.parse(bad.stdout) as { problems: string[] }).problems[0]).toContain('changed after signing');
  }, 120_000);
});

describe('erasure certificate: delete', () => {
  it("Zoom's deletion request is certified by Zoom's reported state; not erased while Pending", async () => {
    const e = await dataRequestSandbox(2);
    try {
      const env = sandboxEnv(e.sb);
      const r = await runCli(['delete', '--emails', e.emails[0]!, '--yes', '--json', ...IDENTITY_FLAGS], env);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { certificate: { path: string; signed: boolean } };
      expect(out.certificate.signed).toBe(false);
      const c = JSON.parse(readFileSync(out.certificate.path, 'utf8')) as ErasureCertificate;
      expect(c.items).toHaveLength(1);
      expect(c.items[0]).toMatchObject({ subject: 1, method: 'zoom_deletion_request', data_remains_at_zoom: true });
      expect(c.items[0]!.verification.showed).toBe('Zoom reports: Pending');
      expect(c.items[0]!.remains).toContain('Not yet erased');
      const v = await runCli(['verify', dirname(out.certificate.path)], env);
      expect(v.code).toBe(0);
      expect(v.stderr).toContain('not signed');
    } finally {
      await e.sb.close();
    }
  }, 60_000);
});
