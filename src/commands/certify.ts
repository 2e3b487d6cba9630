/**
 * After `registrants erase` and `delete` (and a resume of a deletion): issue the request's erasure
 * certificate (src/dsar/certificate.ts), signed when ZDSAR_SIGNING_KEY is set, and record it in the
 * request's evidence (its sha256), so the ledger says which certificate was issued when.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeLine } from '../ui/io.js';
import type { IO } from '../run-context.js';

export interface Issued {
  path: string;
  signed: boolean;
  items: number;
  erased: number;
  data_remains: number;
}

export async function certify(env: NodeJS.ProcessEnv, requestId: string): Promise<Issued | undefined> {
  const [{ Ledger }, { zdsarHome, loadSigningKey }, { issueCertificate, CERTIFICATE_FILE }, { signerFrom }] = await Promise.all([
    import('../ledger/index.js'),
    import('../config.js'),
    import('../dsar/certificate.js'),
    import('../dsar/signing.js'),
  ]);
  const home = zdsarHome(env);
  const ledger = Ledger.open(home);
  const r = await ledger.get(requestId);
  if (!r) return undefined;
  const signer = signerFrom(loadSigningKey(env));
  const { dir, certificate } = await issueCertificate(home, r, signer);
  const path = join(dir, CERTIFICATE_FILE);
  const sha256 = createHash('sha256').update(await readFile(path)).digest('hex');
  await ledger.recordEvidence(r.request_id, {
    // No `target`: targets are the erased items (registrants' priorOutcomes reads them).
    action: 'erasure_certificate',
    response: { path, sha256, signed: Boolean(signer), ...certificate.summary },
    outcome: `certificate issued: ${certificate.summary.erased} of ${certificate.summary.items} erased, ${certificate.summary.data_remains} still held at Zoom`,
  });
  return { path, signed: Boolean(signer), ...certificate.summary };
}

/** One line on stderr about the certificate. */
export function certificateLine(io: IO, c: Issued | undefined): void {
  if (!c) return;
  writeLine(
    io.stderr,
    `Erasure certificate${c.signed ? ' (signed)' : ''}: ${c.path}: ${c.erased} of ${c.items} ${c.items === 1 ? 'item' : 'items'} erased${c.data_remains ? `; ${c.data_remains} still held at Zoom (the certificate names the next step)` : ''}.`,
  );
}
