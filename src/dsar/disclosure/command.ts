/**
 * Entry points of `zdsar redact`, `zdsar requests approve` and `zdsar verify`: validate, run the
 * workflow, say what happened. (The commands' files stay thin; see src/commands/.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandContext } from '../../commands/context.js';
import { loadSigningKey, zdsarHome } from '../../config.js';
import { EXIT, PartialFailure, UsageError } from '../../errors.js';
import { Ledger, type LedgerRequest } from '../../ledger/index.js';
import { printJson, writeLine } from '../../ui/io.js';
import type { Manifest } from '../manifest.js';
import { signerFrom, parsePublicKey } from '../signing.js';
import { releaseFlags, type ExportFlags } from '../start.js';
import { verifyPackage } from '../verify.js';
import { readDisclosure } from './index.js';
import { approveAndRelease, finishPackage, releaseJson, releaseLines, type ReleaseSettings } from './release.js';

type ReleaseCliFlags = Pick<ExportFlags, 'redactionPolicy' | 'approve' | 'approver' | 'ageRecipient' | 'zipPassphrase' | 'zip'> & { json?: boolean };

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

/** What the export asked for (zip, encryption), unless this command says otherwise. */
function defaults(request: LedgerRequest): { zip?: boolean; release?: Omit<ReleaseSettings, 'zip'> } {
  return (request.options ?? {}) as { zip?: boolean; release?: Omit<ReleaseSettings, 'zip'> };
}

export async function runRedact(ctx: CommandContext, id: string, flags: ReleaseCliFlags): Promise<number> {
  const env = ctx.io.env;
  const { release, zip } = await releaseFlags(flags);
  const signer = signerFrom(loadSigningKey(env));
  const ledger = Ledger.open(zdsarHome(env));
  const { request, packageDir, manifest } = await exportRequest(ledger, id);
  const prior = defaults(request);
  const settings: ReleaseSettings = {
    ...prior.release,
    ...release,
    redact: true,
    policy: release.policy ?? prior.release?.policy,
    zip: zip || Boolean(prior.zip),
  };
  const releaseLease = await ledger.holdRun(request.request_id);
  let out;
  try {
    out = await finishPackage(ledger, request, packageDir, manifest, settings, signer);
  } finally {
    await releaseLease();
  }
  if (flags.json) {
    printJson(ctx.io, { request_id: request.request_id, package: packageDir, ...releaseJson(out, packageDir), zips: out.zips.map((z) => z.path) });
    for (const l of releaseLines(out).filter((x) => x.startsWith('Passphrase'))) writeLine(ctx.io.stderr, l);
  } else {
    for (const l of releaseLines(out)) writeLine(ctx.io.stderr, l);
    for (const z of out.zips) writeLine(ctx.io.stderr, `  zip: ${z.path}`);
    writeLine(ctx.io.stdout, join(packageDir, 'disclosure'));
  }
  return EXIT.ok;
}

export async function runApprove(ctx: CommandContext, id: string, flags: ReleaseCliFlags): Promise<number> {
  const env = ctx.io.env;
  const { release, zip } = await releaseFlags(flags);
  const signer = signerFrom(loadSigningKey(env));
  const ledger = Ledger.open(zdsarHome(env));
  const { request, packageDir } = await exportRequest(ledger, id);
  if (!(await readDisclosure(packageDir))) throw new UsageError(`request ${request.request_id} has no disclosure copy to approve`, `Make it first: zdsar redact ${request.request_id}`);
  // Only an intact copy is approved: what the officer read is what the person gets.
  const check = await verifyPackage(packageDir);
  const problems = [...check.missing.map((p) => `missing: ${p}`), ...check.changed.map((c) => `changed: ${c.path} (${c.reason})`), ...check.unlisted.map((p) => `unlisted: ${p}`)];
  if (problems.length) throw new PartialFailure(`not approved: the package does not match its manifests (${problems.slice(0, 5).join('; ')}${problems.length > 5 ? '; …' : ''})`, `See: zdsar verify ${packageDir}`);
  const prior = defaults(request);
  const settings: ReleaseSettings = { ...prior.release, ...release, approve: true, zip: zip || Boolean(prior.zip) };
  const releaseLease = await ledger.holdRun(request.request_id);
  let out;
  try {
    out = await approveAndRelease(ledger, request, packageDir, settings, signer);
  } finally {
    await releaseLease();
  }
  if (flags.json) {
    printJson(ctx.io, { request_id: request.request_id, package: packageDir, ...releaseJson(out, packageDir), zips: out.zips.map((z) => z.path) });
    for (const l of releaseLines(out).filter((x) => x.startsWith('Passphrase'))) writeLine(ctx.io.stderr, l);
  } else {
    for (const l of releaseLines(out)) writeLine(ctx.io.stderr, l);
    for (const z of out.zips) writeLine(ctx.io.stderr, `  zip: ${z.path}`);
    writeLine(ctx.io.stdout, join(packageDir, 'disclosure'));
  }
  return EXIT.ok;
}

export async function runVerify(ctx: CommandContext, dir: string, flags: { json?: boolean; publicKey?: string }): Promise<number> {
  let publicKey;
  if (flags.publicKey !== undefined) {
    const given = flags.publicKey;
    publicKey = parsePublicKey(!given.includes('-----BEGIN') && existsSync(given) ? readFileSync(given, 'utf8') : given);
  }
  const r = await verifyPackage(dir, { publicKey });
  if (flags.json) printJson(ctx.io, r);
  else {
    const out = ctx.io.stdout;
    for (const p of r.missing) writeLine(out, `missing:  ${p}`);
    for (const c of r.changed) writeLine(out, `changed:  ${c.path}: ${c.reason}`);
    for (const p of r.unlisted) writeLine(out, `unlisted: ${p}`);
    for (const m of r.manifests) {
      const sig = m.signature.status === 'valid' ? `signed, key ${m.signature.fingerprint}` : m.signature.status === 'unsigned' ? 'not signed' : `bad signature: ${m.signature.reason}`;
      writeLine(ctx.io.stderr, `${m.path}: ${m.files} files listed; ${sig}`);
    }
    for (const s of r.skipped) writeLine(ctx.io.stderr, `not checked: ${s}`);
    writeLine(ctx.io.stderr, r.ok ? 'Intact: every file matches its manifest.' : `NOT intact: ${r.missing.length} missing, ${r.changed.length} changed, ${r.unlisted.length} unlisted.`);
  }
  return r.ok ? EXIT.ok : EXIT.partial;
}
