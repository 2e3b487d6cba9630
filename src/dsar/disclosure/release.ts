/**
 * From a written package to what leaves the organisation: the disclosure copy (when asked for),
 * the officer's approval (recorded in the ledger: who, when, and for which copy), the person's
 * report.html and zip made from the approved copy only, signatures and encryption.
 *
 * An approval is for one copy: the sha256 of disclosure/manifest.json. Rebuilding the copy
 * (another policy, a resumed run) needs a new approval.
 */
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../fs/atomic.js';
import { requireIdentity, type Ledger, type LedgerRequest } from '../../ledger/index.js';
import type { Manifest } from '../manifest.js';
import { html, type Html } from '../report/html.js';
import { writeReports, writeSubjectReport } from '../report/index.js';
import { SIGNATURE_FILE, type Signer } from '../signing.js';
import { zipPeople, type ZipResult } from '../zip.js';
import { buildDisclosure, DISCLOSURE_DIR, readDisclosure, type DisclosureOutcome } from './index.js';
import { DEFAULT_POLICY, type RedactionPolicy } from './policy.js';

export const APPROVAL_ACTION = 'disclosure_approved';

export interface ReleaseSettings {
  /** Build disclosure/ (export --redact, zdsar redact). */
  redact?: boolean;
  policy?: RedactionPolicy;
  /** The officer approves the copy now (--approve). */
  approve?: boolean;
  approver?: string;
  zip?: boolean;
  ageRecipients?: string[];
  zipPassphrase?: boolean;
}

export interface Approval {
  by: string;
  at: string;
  sha256: string;
}

export interface ReleaseOutcome {
  disclosure?: { sha256: string; subjects: Array<{ index: number; masked: number; contacts: number; withheld: number; review: number }> };
  approval?: Approval;
  zips: ZipResult[];
  /** Why the zips or the person's reports were not made (waiting for approval). */
  waiting?: string;
  signed?: { fingerprint: string; public_key: string };
}

/** The latest approval in the ledger for exactly this copy, if any. */
export function approvalFor(request: LedgerRequest, sha256: string): Approval | undefined {
  const e = [...request.evidence].reverse().find((x) => x.action === APPROVAL_ACTION && (x.response as { sha256?: string } | undefined)?.sha256 === sha256);
  return e ? { by: String((e.request as { approver?: string } | undefined)?.approver ?? 'unknown'), at: e.at, sha256 } : undefined;
}

export async function recordApproval(ledger: Ledger, request: LedgerRequest, sha256: string, approver?: string): Promise<Approval> {
  const by = approver?.trim() || osUser();
  await ledger.recordEvidence(request.request_id, {
    action: APPROVAL_ACTION,
    target: `${DISCLOSURE_DIR}/manifest.json`,
    request: { approver: by },
    response: { sha256 },
    outcome: `approved for release by ${by}`,
  });
  const fresh = await ledger.get(request.request_id);
  return (fresh && approvalFor(fresh, sha256)) ?? { by, at: new Date().toISOString(), sha256 };
}

/**
 * After manifest.json is written: sign it, build the copy (if asked), approve it (if asked),
 * then the reports and zips: from the approved copy, or (without --redact) from subjects/ as before.
 */
export async function finishPackage(ledger: Ledger, request: LedgerRequest, packageDir: string, manifest: Manifest, settings: ReleaseSettings, signer?: Signer): Promise<ReleaseOutcome> {
  const out: ReleaseOutcome = { zips: [] };
  if (signer) {
    await signFile(packageDir, 'manifest.json', signer);
    out.signed = { fingerprint: signer.fingerprint, public_key: signer.publicKeyPem };
  }
  if (!settings.redact) {
    await writeReports(packageDir, manifest, { identity: identitySection((await ledger.get(request.request_id)) ?? request) });
    if (settings.zip) await requireIdentity(ledger, request.request_id, 'zip');
    if (settings.zip) out.zips = await zipPeople(packageDir, 'subjects', manifest, zipOptions(settings, signer));
    return out;
  }
  const d = await buildDisclosure(packageDir, settings.policy ?? DEFAULT_POLICY);
  await ledger.recordEvidence(request.request_id, {
    action: 'disclosure_built',
    target: `${DISCLOSURE_DIR}/manifest.json`,
    response: { sha256: d.sha256, masked: d.manifest.subjects.reduce((n, s) => n + s.redactions.masked, 0) },
    outcome: 'disclosure copy written; waiting for approval',
  });
  return release(ledger, request, packageDir, manifest, d, settings, signer, out);
}

/** `zdsar requests approve`: approve the copy on disk and make what the person receives. */
export async function approveAndRelease(ledger: Ledger, request: LedgerRequest, packageDir: string, settings: ReleaseSettings, signer?: Signer): Promise<ReleaseOutcome> {
  const d = await readDisclosure(packageDir);
  if (!d) throw new Error('no disclosure copy');
  const manifest = JSON.parse(await readFile(join(packageDir, 'manifest.json'), 'utf8')) as Manifest;
  return release(ledger, request, packageDir, manifest, d, { ...settings, approve: true }, signer, { zips: [] });
}

async function release(ledger: Ledger, request: LedgerRequest, packageDir: string, manifest: Manifest, d: DisclosureOutcome, settings: ReleaseSettings, signer: Signer | undefined, out: ReleaseOutcome): Promise<ReleaseOutcome> {
  if (signer) {
    await signFile(d.dir, 'manifest.json', signer);
    out.signed = { fingerprint: signer.fingerprint, public_key: signer.publicKeyPem };
  }
  out.disclosure = {
    sha256: d.sha256,
    subjects: d.manifest.subjects.map((s) => ({ index: s.index, masked: s.redactions.masked, contacts: s.redactions.contacts, withheld: s.redactions.withheld.length, review: s.redactions.review.length })),
  };
  const fresh = (await ledger.get(request.request_id)) ?? request;
  let approval = approvalFor(fresh, d.sha256);
  if (settings.approve || (approval && settings.zip)) await requireIdentity(ledger, request.request_id, approval ? 'zip' : 'approval');
  if (!approval && settings.approve) approval = await recordApproval(ledger, fresh, d.sha256, settings.approver);
  out.approval = approval;
  await writeReports(packageDir, manifest, { review: reviewSection(d, approval, request.request_id), identity: identitySection((await ledger.get(request.request_id)) ?? fresh) });
  if (!approval) {
    out.waiting = `the disclosure copy waits for an officer's approval: read report.html, then \`zdsar requests approve ${request.request_id}\``;
    return out;
  }
  const notice = html`<p class="notice"><strong>This is your copy.</strong> Other people's names, addresses, numbers and ids in your records are replaced by pseudonyms such as "Contact 3" (the same person has the same pseudonym throughout), and what they wrote is withheld, to protect them (GDPR Art. 15(4)). <code>redactions.json</code> in this folder lists every place and the rule. Approved for release by ${approval.by} on ${approval.at.slice(0, 10)}.</p>`;
  for (const s of d.manifest.subjects) await writeSubjectReport(join(d.dir, s.path), d.manifest as unknown as Manifest, s, { notice });
  if (settings.zip) out.zips = await zipPeople(packageDir, 'disclosure', d.manifest as unknown as Manifest, zipOptions(settings, signer));
  return out;
}

function zipOptions(settings: ReleaseSettings, signer?: Signer) {
  return {
    ...(signer ? { sign: (b: Buffer) => signer.sign(b) } : {}),
    ...(settings.ageRecipients?.length ? { ageRecipients: settings.ageRecipients } : {}),
    ...(settings.zipPassphrase ? { passphrase: true } : {}),
  };
}

async function signFile(dir: string, file: string, signer: Signer): Promise<void> {
  await writeFileAtomic(join(dir, SIGNATURE_FILE), signer.sign(await readFile(join(dir, file)), file));
}

/** The officer's summary in the package's report.html. */
function reviewSection(d: DisclosureOutcome, approval: Approval | undefined, requestId: string): Html {
  const rows = d.manifest.subjects.map((s) => {
    const r = s.redactions;
    const top = Object.entries(r.by_rule)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6);
    return html`<tr>
<td class="num">${s.index}</td>
<td>${s.email}</td>
<td class="num">${r.masked}</td>
<td class="num">${r.contacts}</td>
<td>${top.length ? top.map(([rule, n]) => html`<div>${rule}: ${n}</div>`) : '–'}</td>
<td>${r.withheld.length ? r.withheld.map((w) => html`<div><code>${w.file}</code> <span class="meta">${w.reason}</span></div>`) : '–'}</td>
<td>${r.review.length ? r.review.map((w) => html`<div><code>${w.file}</code> <span class="meta">${w.reason}</span></div>`) : '–'}</td>
</tr>`;
  });
  return html`<h2 id="disclosure">Disclosure copy: review before release</h2>
<p class="explain">What each person receives is <code>disclosure/</code>: their records with other people masked (GDPR Art. 15(4)). <code>subjects/</code> stays the record, unchanged. Each person's <code>disclosure/…/redactions.json</code> lists every masked value by file, record, field and rule.</p>
<p>${approval ? html`<span class="status s-completed">approved</span> by ${approval.by} at ${approval.at}` : html`<span class="status s-partial">waiting for approval</span> Approve with <code>zdsar requests approve ${requestId}</code>; the person's report and zip are made then.`}</p>
<table>
<thead><tr><th class="num">#</th><th>Person</th><th class="num">Values masked</th><th class="num">Other people</th><th>Most used rules</th><th>Withheld files</th><th>To review</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p class="meta">Copy <code>disclosure/manifest.json</code> sha256 <code>${d.sha256}</code>.</p>`;
}

/** The officer's report: how the requester's identity was verified before release (or that the check was skipped, and why). */
function identitySection(r: LedgerRequest): Html {
  const id = r.identity;
  const v = id?.verified;
  const body = v
    ? html`<table>
<tbody>
<tr><th>Verified</th><td>${v.at}</td></tr>
<tr><th>Method</th><td>${v.method}</td></tr>
<tr><th>Types of evidence seen</th><td>${v.evidence.join(', ')}</td></tr>
<tr><th>Verifier</th><td>${v.verifier}</td></tr>
<tr><th>Request made by</th><td>${v.requester === 'agent' ? html`an authorised agent (authorisation: ${v.agent_authorisation ?? ''})` : 'the person'}</td></tr>
</tbody>
</table>`
    : id?.skipped
      ? html`<p><span class="status s-partial">not verified</span> The check was skipped by ${id.skipped.by} on ${id.skipped.at}: ${id.skipped.reason}</p>`
      : html`<p><span class="status s-partial">not verified</span> Nothing reaches the person until it is: <code>zdsar requests verify-identity ${r.request_id} --method … --evidence … --verifier …</code></p>`;
  const refusals = id?.refusals ?? [];
  return html`<h2 id="identity">Identity verification</h2>
<p class="explain">Recorded before release (CCPA regulations §7060; the types of evidence, never copies).</p>
${body}
${refusals.length ? html`<p class="meta">Release refused ${refusals.length} time${refusals.length === 1 ? '' : 's'} for want of it (last: ${refusals[refusals.length - 1]!.step}, ${refusals[refusals.length - 1]!.at}).</p>` : ''}`;
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER || 'unknown';
  }
}
