/**
 * The workflows of `zdsar redact` and `zdsar requests approve`: find the export's package through
 * the ledger, build or approve its disclosure copy, and return what happened (commands render it).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadSigningKey, zdsarHome } from '../../config.js';
import { UsageError } from '../../errors.js';
import { Ledger, type LedgerRequest } from '../../ledger/index.js';
import type { Manifest } from '../manifest.js';
import { signerFrom } from '../signing.js';
import { readDisclosure } from './index.js';
import { recordStatementSkip } from './statement-gate.js';
import { approveAndRelease, bindingProblem, finishPackage, intactForRelease, type ReleaseOutcome, type ReleaseSettings } from './release.js';
import { loadOverrides, saveOverrides, type Overrides } from './overrides.js';
import { inherited, releaseSettings, type ReleaseFlags } from './settings.js';

export interface ReleaseResult {
  request_id: string;
  packageDir: string;
  outcome: ReleaseOutcome;
}

async function exportRequest(ledger: Ledger, id: string): Promise<{ request: LedgerRequest; packageDir: string; manifest: Manifest }> {
  const request = await ledger.get(id);
  if (!request) throw new UsageError(`no request ${id} in the ledger`, 'zdsar requests list shows them.');
  if (request.type !== 'export') throw new UsageError(`request ${request.request_id} is a ${request.type} request: only an export has a package to disclose`);
  if (request.purged_at || !request.out_dir) throw new UsageError(`request ${request.request_id} has no package${request.purged_at ? ' (it was purged)' : ''}`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(join(request.out_dir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    throw new UsageError(`request ${request.request_id}: no manifest.json in ${request.out_dir} yet`, `Finish it first: zdsar requests resume ${request.request_id}`);
  }
  return { request, packageDir: request.out_dir, manifest };
}

/** What the export asked for (zip, encryption, policy), unless this command says otherwise. */
function merged(request: LedgerRequest, flags: Awaited<ReturnType<typeof releaseSettings>>): ReleaseSettings {
  const prior = (request.options ?? {}) as { zip?: boolean; release?: Omit<ReleaseSettings, 'zip'> };
  const base = inherited(prior.release);
  return { ...base, ...flags.release, policy: flags.release.policy ?? base?.policy, zip: flags.zip || Boolean(prior.zip) };
}

/**
 * `zdsar redact`: (re)build disclosure/ for an export's package; with approve, release it.
 * `override`: a file of the officer's decisions (overrides.ts), or `given` (the desk's), saved beside
 * the request under the run's lease first, so that every later build (resume, redact, the desk) applies them.
 */
export async function redactRequest(env: NodeJS.ProcessEnv, id: string, flags: ReleaseFlags & { override?: string }, given?: Overrides): Promise<ReleaseResult> {
  const parsed = await releaseSettings(flags);
  const decisions = flags.override !== undefined ? await loadOverrides(flags.override) : given;
  const signer = signerFrom(loadSigningKey(env));
  const ledger = Ledger.open(zdsarHome(env));
  const { request, packageDir, manifest } = await exportRequest(ledger, id);
  if (flags.statementSkip) await recordStatementSkip(ledger, request.request_id, flags.statementSkip.reason, flags.approver);
  const release = await ledger.holdRun(request.request_id);
  try {
    if (decisions) await saveOverrides(ledger.requestDir(request.request_id), decisions);
    const outcome = await finishPackage(ledger, request, packageDir, manifest, { ...merged(request, parsed), redact: true }, signer);
    return { request_id: request.request_id, packageDir, outcome };
  } finally {
    await release();
  }
}

/** `zdsar requests approve`: only an intact copy is approved (what the officer read is what the person gets). */
export async function approveRequest(env: NodeJS.ProcessEnv, id: string, flags: ReleaseFlags): Promise<ReleaseResult> {
  const parsed = await releaseSettings(flags);
  const signer = signerFrom(loadSigningKey(env));
  const ledger = Ledger.open(zdsarHome(env));
  const { request, packageDir } = await exportRequest(ledger, id);
  const copy = await readDisclosure(packageDir);
  if (!copy) throw new UsageError(`request ${request.request_id} has no disclosure copy to approve`, `Make it first: zdsar redact ${request.request_id}`);
  // Whose copy this is comes first: another request's copy, self-consistent as it may be, is refused as such.
  const binding = bindingProblem(copy.manifest, await readFile(join(packageDir, 'manifest.json')), request.request_id);
  if (binding) throw new UsageError(`not approved: ${binding}`, `Rebuild the copy from this package: zdsar redact ${request.request_id}`);
  if (flags.statementSkip) await recordStatementSkip(ledger, request.request_id, flags.statementSkip.reason, flags.approver);
  const release = await ledger.holdRun(request.request_id);
  try {
    await intactForRelease(packageDir, 'not approved');
    const outcome = await approveAndRelease(ledger, request, packageDir, { ...merged(request, parsed), approve: true }, signer);
    return { request_id: request.request_id, packageDir, outcome };
  } finally {
    await release();
  }
}
