/**
 * How the disclosure copy, its approval, signatures and encrypted zips are shown: --json fields
 * and lines for people (each passphrase once, on stderr; never in --json).
 */
import { join } from 'node:path';
import type { ReleaseOutcome } from '../dsar/disclosure/release.js';

/** The outcome as JSON for --json (no passphrase: those are shown once, on stderr). */
export function releaseJson(r: ReleaseOutcome, packageDir: string): Record<string, unknown> {
  return {
    ...(r.disclosure
      ? {
          disclosure: {
            path: join(packageDir, 'disclosure'),
            manifest_sha256: r.disclosure.sha256,
            status: r.approval ? 'approved' : 'waiting_for_approval',
            ...(r.approval ? { approved_by: r.approval.by, approved_at: r.approval.at, encryption: r.approval.encryption.kind } : {}),
            subjects: r.disclosure.subjects,
            ...(r.statement ? { article15: { complete: r.statement.missing.length === 0, missing: r.statement.missing, profile: r.statement.profile } } : {}),
          },
        }
      : {}),
    ...(r.invalidated?.length ? { invalidated: r.invalidated } : {}),
    ...(r.signed ? { signature: { fingerprint: r.signed.fingerprint, public_key: r.signed.public_key } } : {}),
  };
}

/** The outcome for people (stderr): what was masked, what waits, the public key, each passphrase once. */
export function releaseLines(r: ReleaseOutcome): string[] {
  const lines: string[] = [];
  if (r.disclosure) {
    const masked = r.disclosure.subjects.reduce((n, s) => n + s.masked, 0);
    const review = r.disclosure.subjects.reduce((n, s) => n + s.review + s.withheld, 0);
    lines.push(`Disclosure copy: ${masked} values of other people masked${review ? `; ${review} files withheld or flagged for review` : ''} (report.html, "Disclosure copy").`);
    lines.push(r.approval ? `Approved for release by ${r.approval.by} at ${r.approval.at}.` : `Not released yet: ${r.waiting ?? 'waiting for approval'}.`);
    if (r.statement?.missing.length) lines.push(`Article 15 statement incomplete: the controller profile (${r.statement.profile}) lacks ${r.statement.missing.join(', ')}; approval is refused until it is filled and the copy rebuilt (zdsar init-profile writes a template).`);
    if (!r.approval) lines.push(`Copy sha256 ${r.disclosure.sha256}: approve exactly this one with --sha256 ${r.disclosure.sha256}.`);
  }
  if (r.invalidated?.length) lines.push(`${r.invalidated.length} zips made before were removed: they no longer match the copy or its encryption.`);
  if (r.signed) lines.push(`Signed (Ed25519), public key ${r.signed.fingerprint}:`, ...r.signed.public_key.trimEnd().split('\n').map((l) => `  ${l}`));
  for (const z of r.zips) if (z.passphrase) lines.push(`Passphrase for ${z.path} (shown once, stored nowhere): ${z.passphrase}`);
  return lines;
}
