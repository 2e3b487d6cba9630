/**
 * `zdsar requests deliver <id>`: what to send, for each person, from the approved copy only:
 *
 *   <package>/zips/<folder>.zip | <folder>.zip.age    the person's copy, encrypted as chosen at approval
 *   <package>/zips/<folder>.cover-note.txt            what is included, what was withheld and why,
 *                                                     how to check it, how to open it
 *
 * and, once the officer confirms it went out (--sent --method …), `sent` in the ledger with the
 * method and date: the legal clock stops there.
 */
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadSigningKey, zdsarHome } from '../../config.js';
import { UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../fs/atomic.js';
import { ACTIONS, Ledger, releaseGate, requireIdentity, sentRecord, type Approval, type LedgerRequest } from '../../ledger/index.js';
import { withheldByKind } from '../report/index.js';
import { signerFrom } from '../signing.js';
import type { ZipResult } from '../zip.js';
import { readDisclosure, type DisclosureOutcome, type DisclosureSubject } from './index.js';
import { bindingProblem, intactForRelease, makeDeliverables } from './release.js';

export interface DeliverSettings {
  /** The officer confirms the deliverables were sent. */
  sent?: { method: string; on: Date };
}

export interface Deliverable {
  index: number;
  email: string;
  file: string;
  cover_note: string;
  /** Only when the zip was made now, as an AES zip: shown once, kept nowhere. */
  passphrase?: string;
}

export interface DeliverResult {
  request_id: string;
  packageDir: string;
  approval: Approval;
  deliverables: Deliverable[];
  /** Set when this run recorded `sent`, or it had been recorded before. */
  sent?: { method: string; on: string; already: boolean };
}

export async function deliverRequest(env: NodeJS.ProcessEnv, id: string, settings: DeliverSettings): Promise<DeliverResult> {
  const ledger = Ledger.open(zdsarHome(env));
  const request = await ledger.get(id);
  if (!request) throw new UsageError(`no request ${id} in the ledger`, 'zdsar requests list shows them.');
  if (request.type !== 'export') throw new UsageError(`request ${request.request_id} is a ${request.type} request: there is nothing to deliver`);
  if (request.purged_at || !request.out_dir) throw new UsageError(`request ${request.request_id} has no package${request.purged_at ? ' (it was purged)' : ''}`);
  const packageDir = request.out_dir;
  const d = await readDisclosure(packageDir);
  if (!d) throw new UsageError(`request ${request.request_id} has no disclosure copy: only an approved copy reaches the person`, `Make it, review it and approve it: zdsar redact ${request.request_id}`);
  const binding = bindingProblem(d.manifest, await readFile(join(packageDir, 'manifest.json')), request.request_id);
  if (binding) throw new UsageError(`not delivered: ${binding}`, `Rebuild the copy from this package: zdsar redact ${request.request_id}`);
  const gate = releaseGate(request, d.sha256);
  if (!gate.ok) throw new UsageError(`not delivered: ${gate.reason}`);
  await requireIdentity(ledger, request.request_id, 'zip');

  const release = await ledger.holdRun(request.request_id);
  try {
    await intactForRelease(packageDir, 'not delivered');
    const made = new Map<number, ZipResult>();
    const missing = [];
    for (const s of d.manifest.subjects) if (!(await zipOf(packageDir, s.path, gate.approval))) missing.push(s);
    if (missing.length) {
      const signer = signerFrom(loadSigningKey(env));
      for (const z of await makeDeliverables(ledger, request.request_id, packageDir, d, gate.approval, signer)) made.set(z.index, z);
    }
    const deliverables: Deliverable[] = [];
    for (const s of d.manifest.subjects) {
      const file = made.get(s.index)?.path ?? (await zipOf(packageDir, s.path, gate.approval))!;
      const cover = join(packageDir, 'zips', `${s.path}.cover-note.txt`);
      await writeFileAtomic(cover, coverNote(request, d, s, gate.approval, file));
      const pass = made.get(s.index)?.passphrase;
      deliverables.push({ index: s.index, email: s.email, file, cover_note: cover, ...(pass ? { passphrase: pass } : {}) });
    }
    const out: DeliverResult = { request_id: request.request_id, packageDir, approval: gate.approval, deliverables };
    const before = sentRecord(request);
    if (settings.sent) {
      if (before) out.sent = { method: before.method, on: before.on, already: true };
      else {
        const on = settings.sent.on.toISOString().slice(0, 10);
        await ledger.recordEvidence(request.request_id, {
          action: ACTIONS.sent,
          target: `${d.manifest.subjects.length} deliverables in zips/`,
          request: { method: settings.sent.method, on, sha256: d.sha256 },
          outcome: `sent to ${d.manifest.subjects.length === 1 ? 'the person' : `${d.manifest.subjects.length} people`} by ${settings.sent.method} on ${on}`,
        });
        out.sent = { method: settings.sent.method, on, already: false };
      }
    } else if (before) out.sent = { method: before.method, on: before.on, already: true };
    return out;
  } finally {
    await release();
  }
}

/** The person's zip as approved (plain, AES or age), if it is there. */
async function zipOf(packageDir: string, folder: string, approval: Approval): Promise<string | undefined> {
  const p = join(packageDir, 'zips', `${folder}${approval.encryption.kind === 'age' ? '.zip.age' : '.zip'}`);
  return (await lstat(p).then((st) => st.isFile(), () => false)) ? p : undefined;
}

/** The cover note: plain words for the person; no officer notes, no command lines but the one that checks the copy. */
export function coverNote(request: LedgerRequest, d: DisclosureOutcome, s: DisclosureSubject, approval: Approval, file: string): string {
  const name = file.slice(file.lastIndexOf('/') + 1);
  const included = Object.entries(s.categories).filter(([, c]) => c.status === 'done');
  const records = included.reduce((n, [, c]) => n + (c.records ?? 0), 0);
  const withheld = withheldByKind(s.redactions.withheld.map((w) => w.file));
  const lines = [
    `Your data from our Zoom account`,
    `Request ${request.request_id}${request.reference ? ` (your reference: ${request.reference})` : ''}, received ${request.received_at.slice(0, 10)}.`,
    '',
    `The attached file ${name} holds your copy of the data Zoom holds about you in our account.`,
    '',
    'What is included',
    `- ${records} records in ${included.length} categories, as JSON files, and report.html, a readable summary (open it in a web browser).`,
    `- Other people's names, addresses, numbers and ids in your records are replaced by pseudonyms such as "Contact 3", to protect them (GDPR Art. 15(4)); redactions.json lists every place.`,
    '',
    'What is not included, and why',
    ...(withheld.length ? withheld.map((w) => `- ${w.kind} (${w.count} ${w.count === 1 ? 'file' : 'files'}): not included because ${w.why}. You may ask us about them.`) : ['- Nothing: every file of yours is included.']),
    '',
    'How to open it',
    ...(approval.encryption.kind === 'aes'
      ? [
          '- The zip is encrypted (AES-256). We send you its passphrase separately.',
          '- Open it with 7-Zip (Windows, Linux), Archive Utility on macOS 13 or later, or WinZip; the built-in Windows Explorer cannot open AES-encrypted zips.',
        ]
      : approval.encryption.kind === 'age'
        ? ['- The file is encrypted with age (https://age-encryption.org) to your key: age -d -i your-key.txt -o copy.zip ' + name, '- Then unzip copy.zip.']
        : ['- Unzip it with any zip tool.']),
    '',
    'How to check that nothing was changed',
    '- After unzipping, in the folder it made: sha256sum -c SHA256SUMS (every line must say OK),',
    '- or, with Node.js installed: npx zdsar verify <the unzipped folder>',
    '',
  ];
  return lines.join('\n');
}
