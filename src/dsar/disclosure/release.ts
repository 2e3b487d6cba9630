/**
 * From a written package to what leaves the organisation: the disclosure copy (when asked for),
 * the officer's approval (recorded in the ledger: who, when, and for which copy), the person's
 * report.html and zip made from the approved copy only, signatures and encryption.
 *
 * An approval is for one copy: the sha256 of disclosure/manifest.json. Rebuilding the copy
 * (another policy, a resumed run) needs a new approval.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { PartialFailure, UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../fs/atomic.js';
import { ACTIONS, currentApproval, currentCopy, releaseGate, requireIdentity, type Approval, type Encryption, type Ledger, type LedgerRequest } from '../../ledger/index.js';
import type { Manifest } from '../manifest.js';
import { html, localHref, type Html } from '../report/html.js';
import { personNotes, withheldByKind, writeReports, writeSubjectReport, type PersonView, type RenderedBodies } from '../report/index.js';
import { SIGNATURE_FILE, type Signer } from '../signing.js';
import { heldInLedger, loadProfile, profilePath, readStatement } from '../article15.js';
import { requireStatement, statementMissing } from './statement-gate.js';
import { verifyPackage } from '../verify.js';
import { removeDeliverables, sweepZipScratch, zipPeople, type ZipResult } from '../zip.js';
import { buildDisclosure, DISCLOSURE_DIR, folderOf, readDisclosure, type DisclosureManifest, type DisclosureOutcome, type DisclosureSubject } from './index.js';
import { isEmpty, savedOverrides } from './overrides.js';
import { DEFAULT_POLICY, type RedactionPolicy } from './policy.js';

export const APPROVAL_ACTION = ACTIONS.approved;

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
  /** Replace the encryption chosen at approval (requests approve --change-encryption). */
  changeEncryption?: boolean;
  /** requests approve --sha256: the digest of the copy the officer reviewed. */
  sha256?: string;
}

export type { Approval } from '../../ledger/index.js';

export interface ReleaseOutcome {
  disclosure?: { sha256: string; subjects: Array<{ index: number; masked: number; contacts: number; withheld: number; review: number }> };
  approval?: Approval;
  zips: ZipResult[];
  /** Why the zips or the person's reports were not made (waiting for approval). */
  waiting?: string;
  signed?: { fingerprint: string; public_key: string };
  /** Zips of an earlier copy or encryption, removed because they no longer match what was approved. */
  invalidated?: string[];
  /** Without --redact: the officer's archives (internal record, not for release). */
  internal?: string[];
  /** The copy's Article 15 statement: the controller profile's fields it lacks (article15.ts). */
  statement?: { missing: string[]; profile: string };
}

/** The encryption asked for by these settings, if any was. */
export function encryptionOf(settings: ReleaseSettings): Encryption | undefined {
  if (settings.ageRecipients?.length) return { kind: 'age', recipients: settings.ageRecipients };
  if (settings.zipPassphrase) return { kind: 'aes' };
  return undefined;
}

export function encryptionText(e: Encryption): string {
  return e.kind === 'age' ? `age (to ${e.recipients.length} recipient${e.recipients.length === 1 ? '' : 's'})` : e.kind === 'aes' ? 'AES-256 zip with a passphrase' : 'no encryption';
}

/** The approval in force for exactly this copy, if any. */
export function approvalFor(request: LedgerRequest, sha256: string): Approval | undefined {
  const a = currentApproval(request);
  return a && a.sha256 === sha256 ? a : undefined;
}

export async function recordApproval(ledger: Ledger, request: LedgerRequest, sha256: string, approver: string | undefined, encryption: Encryption): Promise<Approval> {
  const by = approver?.trim() || osUser();
  await ledger.recordEvidence(request.request_id, {
    action: APPROVAL_ACTION,
    target: `${DISCLOSURE_DIR}/manifest.json`,
    request: { approver: by, encryption },
    response: { sha256 },
    outcome: `approved for release by ${by} (${encryptionText(encryption)})`,
  });
  const fresh = await ledger.get(request.request_id);
  return (fresh && approvalFor(fresh, sha256)) ?? { by, at: new Date().toISOString(), sha256, encryption };
}

/**
 * After manifest.json is written: sign it, build the copy (if asked), approve it (if asked),
 * then the reports and zips: the person's from the approved copy only. Without --redact, --zip makes
 * the officer's archive of the record (internal-record/, "not for release"), never a deliverable.
 */
export async function finishPackage(ledger: Ledger, request: LedgerRequest, packageDir: string, manifest: Manifest, settings: ReleaseSettings, signer?: Signer, bodies?: RenderedBodies): Promise<ReleaseOutcome> {
  const out: ReleaseOutcome = { zips: [] };
  if (signer) {
    await signFile(packageDir, 'manifest.json', signer);
    out.signed = { fingerprint: signer.fingerprint, public_key: signer.publicKeyPem };
  }
  if (!settings.redact) {
    await writeReports(packageDir, manifest, { identity: identitySection((await ledger.get(request.request_id)) ?? request), bodies });
    // The officer's archive is not person-facing: no identity gate, never a deliverable.
    if (settings.zip) out.internal = (await zipPeople(packageDir, 'subjects', manifest, { ...(signer ? { sign: (b: Buffer) => signer.sign(b) } : {}), into: INTERNAL_ARCHIVE })).map((z) => z.path);
    return out;
  }
  // The zips of an earlier copy are invalid the moment a new one is built: removed before, not after.
  const invalidated = await removeDeliverables(packageDir, manifest.subjects.map((s) => folderOf(s.path)));
  // The officer's decisions saved beside the request (the desk, redact --override) are part of every build.
  const overrides = await savedOverrides(ledger.requestDir(request.request_id));
  const d = await buildDisclosure(packageDir, settings.policy ?? DEFAULT_POLICY, { profile: await loadProfile(ledger.home), holds: heldInLedger(await ledger.list()), overrides });
  await ledger.recordEvidence(request.request_id, {
    action: ACTIONS.built,
    target: `${DISCLOSURE_DIR}/manifest.json`,
    ...(isEmpty(overrides) ? {} : { request: { overrides: { reveal: overrides.reveal.length, withhold: overrides.withhold.length } } }),
    response: { sha256: d.sha256, masked: d.manifest.subjects.reduce((n, s) => n + s.redactions.masked, 0) },
    outcome: `disclosure copy written; waiting for approval${invalidated.length ? ` (${invalidated.length} zips of the earlier copy removed)` : ''}`,
  });
  if (invalidated.length) out.invalidated = invalidated;
  return release(ledger, request, packageDir, manifest, d, settings, signer, out, bodies);
}

/** `zdsar requests approve`: approve the copy on disk, if it is the one reviewed, and make what the person receives. */
export async function approveAndRelease(ledger: Ledger, request: LedgerRequest, packageDir: string, settings: ReleaseSettings, signer?: Signer): Promise<ReleaseOutcome> {
  const d = await readDisclosure(packageDir);
  if (!d) throw new UsageError(`request ${request.request_id} has no disclosure copy to approve`, `Make it first: zdsar redact ${request.request_id}`);
  const manifestText = await readFile(join(packageDir, 'manifest.json'));
  const manifest = JSON.parse(manifestText.toString('utf8')) as Manifest;
  const binding = bindingProblem(d.manifest, manifestText, request.request_id);
  if (binding) throw new UsageError(`not approved: ${binding}`, `Rebuild the copy from this package: zdsar redact ${request.request_id}`);
  const built = currentCopy(request);
  const seen = settings.sha256 ?? built?.sha256;
  if (!seen) throw new UsageError(`not approved: the ledger has no record of the copy being built, so what was reviewed is unknown`, `Give the digest shown in report.html: zdsar requests approve ${request.request_id} --sha256 <digest>`);
  if (seen !== d.sha256) {
    throw new UsageError(
      `not approved: the copy on disk (sha256 ${d.sha256}) is not the one ${settings.sha256 ? 'given with --sha256' : 'zdsar built last and showed in report.html'} (${seen})`,
      `Rebuild and review it again: zdsar redact ${request.request_id}`,
    );
  }
  if (built && built.sha256 !== d.sha256) throw new UsageError(`not approved: the copy on disk is not the one zdsar built last (${built.sha256})`, `Rebuild and review it again: zdsar redact ${request.request_id}`);
  return release(ledger, request, packageDir, manifest, d, { ...settings, approve: true }, signer, { zips: [] });
}

/** Why a copy does not belong to this package, if it does not: another request's copy, or one made from another manifest. */
/**
 * Before a copy is approved or delivered: sweep what a killed zip run left in the scratch folder
 * (issue 24.7; call it holding the run lease, so no other run is zipping), then the package must
 * match its manifests. verify accepts .work/ only while a run is unfinished, so a leftover is
 * never mistaken for a planted file once it has been swept.
 */
export async function intactForRelease(packageDir: string, refused: string): Promise<void> {
  await sweepZipScratch(packageDir);
  const check = await verifyPackage(packageDir);
  const problems = [...check.missing.map((p) => `missing: ${p}`), ...check.changed.map((c) => `changed: ${c.path} (${c.reason})`), ...check.unlisted.map((p) => `unlisted: ${p}`)];
  if (problems.length) throw new PartialFailure(`${refused}: the package does not match its manifests (${problems.slice(0, 5).join('; ')}${problems.length > 5 ? '; …' : ''})`, `See: zdsar verify ${packageDir}`);
}

export function bindingProblem(copy: DisclosureManifest, manifestText: Buffer, requestId: string): string | undefined {
  if (copy.request_id !== requestId) return `the disclosure copy is request ${JSON.stringify(copy.request_id)}'s, not ${requestId}'s`;
  const sha = createHash('sha256').update(manifestText).digest('hex');
  if (copy.source_manifest?.sha256 !== sha) return "the disclosure copy was not made from this package's manifest.json (source_manifest differs)";
  return undefined;
}

async function release(ledger: Ledger, request: LedgerRequest, packageDir: string, manifest: Manifest, d: DisclosureOutcome, settings: ReleaseSettings, signer: Signer | undefined, out: ReleaseOutcome, bodies?: RenderedBodies): Promise<ReleaseOutcome> {
  if (signer) {
    await signFile(d.dir, 'manifest.json', signer);
    out.signed = { fingerprint: signer.fingerprint, public_key: signer.publicKeyPem };
  }
  out.statement = { missing: statementMissing(d.manifest), profile: profilePath(ledger.home) };
  out.disclosure = {
    sha256: d.sha256,
    subjects: d.manifest.subjects.map((s) => ({ index: s.index, masked: s.redactions.masked, contacts: s.redactions.contacts, withheld: s.redactions.withheld.length, review: s.redactions.review.length })),
  };
  let fresh = (await ledger.get(request.request_id)) ?? request;
  let gate = releaseGate(fresh, d.sha256);
  const asked = encryptionOf(settings);
  if (!gate.ok && settings.approve) {
    await requireIdentity(ledger, request.request_id, 'approval');
    await requireStatement(ledger, request.request_id, statementMissing(d.manifest));
    await recordApproval(ledger, fresh, d.sha256, settings.approver, asked ?? { kind: 'none' });
    fresh = (await ledger.get(request.request_id)) ?? fresh;
    gate = releaseGate(fresh, d.sha256);
  } else if (gate.ok && asked && !sameEncryption(asked, gate.approval.encryption)) {
    // The encryption chosen at approval is kept: changing it is its own step, and says what it invalidates.
    if (!settings.changeEncryption) {
      throw new UsageError(
        `this copy was approved with ${encryptionText(gate.approval.encryption)}; ${encryptionText(asked)} was asked for`,
        `To change it: zdsar requests approve ${request.request_id} ${settings.ageRecipients?.length ? '--age-recipient …' : '--zip-passphrase'} --change-encryption (the zips made with the old encryption are removed; anything already sent stays as it was)`,
      );
    }
    const removed = await removeDeliverables(packageDir, d.manifest.subjects.map((s) => s.path));
    await ledger.recordEvidence(request.request_id, {
      action: ACTIONS.encryption,
      target: `${DISCLOSURE_DIR}/manifest.json`,
      request: { encryption: asked, by: settings.approver?.trim() || osUser() },
      response: { sha256: d.sha256, removed: removed.length },
      outcome: `encryption changed from ${encryptionText(gate.approval.encryption)} to ${encryptionText(asked)}; ${removed.length} zips made before removed`,
    });
    out.invalidated = [...(out.invalidated ?? []), ...removed];
    fresh = (await ledger.get(request.request_id)) ?? fresh;
    gate = releaseGate(fresh, d.sha256);
  }
  const approval = gate.ok ? gate.approval : undefined;
  out.approval = approval;
  // The person's report is written with the copy: a draft until approval, so the officer reads what the person will.
  for (const s of d.manifest.subjects) {
    const dir = join(d.dir, s.path);
    await writeSubjectReport(dir, d.manifest as unknown as Manifest, s, { person: { ...personView(d, s, approval), statement: await readStatement(dir) } });
  }
  await writeReports(packageDir, manifest, { review: reviewSection(d, approval, request.request_id), identity: identitySection(fresh), bodies });
  if (!gate.ok) {
    out.waiting = gate.reason;
    return out;
  }
  if (settings.zip) out.zips = await makeDeliverables(ledger, request.request_id, packageDir, d, gate.approval, signer);
  return out;
}

/** The zips for an approved copy, encrypted as chosen at approval (deliver makes them when approve did not). */
export async function makeDeliverables(ledger: Ledger, requestId: string, packageDir: string, d: DisclosureOutcome, approval: Approval, signer?: Signer): Promise<ZipResult[]> {
  // Nothing reaches the person before their identity is verified (or the check skipped, with a reason).
  await requireIdentity(ledger, requestId, 'zip');
  return zipPeople(packageDir, 'disclosure', personManifest(d.manifest), zipOptionsFor(approval.encryption, signer));
}

/** The copy's manifest as the person receives it in their zip: no officer notes, no review list. */
function personManifest(m: DisclosureManifest): Manifest {
  return {
    ...m,
    notes: personNotes(m.notes),
    subjects: m.subjects.map((s) => ({ ...s, redactions: { ...s.redactions, review: [], withheld: s.redactions.withheld.map((w) => ({ file: w.file, reason: 'withheld to protect other people' })) } })),
  } as unknown as Manifest;
}

function sameEncryption(a: Encryption, b: Encryption): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind !== 'age' || JSON.stringify([...a.recipients].sort()) === JSON.stringify([...(b as { recipients: string[] }).recipients].sort());
}

/** The officer's archives of the record: never in zips/, never named like what the person receives. */
export const INTERNAL_ARCHIVE = { dir: 'internal-record', suffix: '.internal-record-not-for-release.zip' };

/** What the person's report says about their copy: draft or approved, what was left out and why, the policy where it keeps others' data. */
function personView(d: DisclosureOutcome, s: DisclosureSubject, approval: Approval | undefined): PersonView {
  const policy = d.manifest.policy;
  const kept: string[] = [];
  if (policy?.colleagues?.keep_work_identity) kept.push(`the work names, addresses and numbers of colleagues (${policy.colleagues.domains.join(', ') || 'same organisation'}) are shown`);
  if (policy?.others_text === 'keep') kept.push('what other people wrote to you is shown');
  if (policy?.media === 'include') kept.push('recordings and voicemails are included, and may contain other people');
  return {
    ...(approval ? { approved: { by: approval.by, on: approval.at.slice(0, 10) } } : {}),
    withheld: withheldByKind(s.redactions.withheld.map((w) => w.file)),
    kept,
  };
}
function zipOptionsFor(e: Encryption, signer?: Signer) {
  return {
    ...(signer ? { sign: (b: Buffer) => signer.sign(b) } : {}),
    ...(e.kind === 'age' ? { ageRecipients: e.recipients } : {}),
    ...(e.kind === 'aes' ? { passphrase: true } : {}),
  };
}

async function signFile(dir: string, file: string, signer: Signer): Promise<void> {
  await writeFileAtomic(join(dir, SIGNATURE_FILE), signer.sign(await readFile(join(dir, file)), file));
}

/** The officer's summary in the package's report.html: per person, what was masked, withheld (grouped by reason) and flagged; the policy; the digest to approve. */
function reviewSection(d: DisclosureOutcome, approval: Approval | undefined, requestId: string): Html {
  const grouped = (list: Array<{ file: string; reason: string }>) => {
    const by = new Map<string, string[]>();
    for (const w of list) by.set(w.reason, [...(by.get(w.reason) ?? []), w.file]);
    return [...by].map(([reason, files]) => html`<div><strong>${files.length} ${files.length === 1 ? 'file' : 'files'}</strong>: <span class="meta">${reason}</span><details><summary>list</summary>${files.map((f) => html`<div><code>${f}</code></div>`)}</details></div>`);
  };
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
<td>${r.withheld.length ? grouped(r.withheld) : '–'}</td>
<td>${r.review.length ? grouped(r.review) : '–'}</td>
<td><a href="${localHref(`${DISCLOSURE_DIR}/${s.path}/report.html`)}">${approval ? 'their report' : 'draft of their report'}</a></td>
</tr>`;
  });
  const p = d.manifest.policy;
  return html`<h2 id="disclosure">Disclosure copy: review before release</h2>
<p class="explain">What each person receives is <code>disclosure/</code>: their records with other people masked (GDPR Art. 15(4)). <code>subjects/</code> stays the record, unchanged, and is never sent. Each person's <code>disclosure/…/redactions.json</code> lists every masked value by file, record, field and rule; the draft of their report shows exactly what they will read.</p>
<p>${approval ? html`<span class="status s-completed">approved</span> by ${approval.by} at ${approval.at} (${encryptionText(approval.encryption)}). Deliver with <code>zdsar requests deliver ${requestId}</code>.` : html`<span class="status s-partial">waiting for approval</span> Approve exactly this copy with <code>zdsar requests approve ${requestId} --sha256 ${d.sha256}</code>; the person's zip is made then.`}</p>
<p>Policy in force: other people ${p?.colleagues?.keep_work_identity ? html`masked, except the work identity of colleagues at ${p.colleagues.domains.join(', ') || '(no domain)'}` : 'fully masked'}; what others wrote ${p?.others_text === 'keep' ? html`<strong>kept</strong>` : 'masked'}; recordings and voicemails ${p?.media === 'include' ? html`<strong>included</strong>` : 'withheld'}; files no rule knows ${p?.unknown_files === 'withhold' ? 'withheld' : 'masked'}.</p>
<table>
<thead><tr><th class="num">#</th><th>Person</th><th class="num">Values masked</th><th class="num">Other people</th><th>Most used rules</th><th>Withheld files</th><th>To review</th><th>Person's report</th></tr></thead>
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
