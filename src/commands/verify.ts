import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT } from '../errors.js';
import { printJson, writeLine } from '../ui/io.js';
import { z } from 'zod';
import { action, withJson, type CommandContext } from './context.js';

/** Said whenever a signature is checked with the key that came with it. */
const SIGNER_UNKNOWN = "The signature was checked with the public key inside manifest.sig: it shows the files are unchanged since signing, but proves nothing about who made them (anyone can sign with a key of their own). Give the producer's key with --public-key to check that.";

const verifyOptions = z.strictObject({ json: z.boolean().default(false), publicKey: z.string().optional() });

export function register(program: Command, ctx: CommandContext): void {
  withJson(
    program
      .command('verify')
      .argument('<package>', 'a package folder, the folder of an unzipped per-person zip, or an erasure certificate folder (ZDSAR_HOME/certificates/<id>)')
      .description('check every file against the manifest (sha256 and size), name missing, changed and unlisted files, and check the signature')
      .option('--public-key <key>', "the producer's Ed25519 public key (PEM, base64, or a file holding it): the signature must be by this key"),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ zdsar verify ~/.zdsar/exports/r-20260131-091500
  $ unzip 01-alice@example.com.zip && zdsar verify 01-alice@example.com --public-key producer.pem
Exit codes: 0 intact (and validly signed, if signed), 1 something missing, changed, added or a bad signature, 2 not a package.`,
    )
    .action(
      action(ctx, verifyOptions, async (opts, dir: string) => {
        const [{ verifyPackage }, { parsePublicKey }] = await Promise.all([import('../dsar/verify.js'), import('../dsar/signing.js')]);
        const given = opts.publicKey;
        const publicKey = given === undefined ? undefined : parsePublicKey(!given.includes('-----BEGIN') && existsSync(given) ? readFileSync(given, 'utf8') : given);
        // An erasure certificate's folder (ZDSAR_HOME/certificates/<id>): its signature and shape.
        if (existsSync(join(dir, 'certificate.json')) && !existsSync(join(dir, 'manifest.json'))) return verifyCertificateDir(ctx, dir, publicKey, opts.json);
        const r = await verifyPackage(dir, { publicKey });
        if (opts.json) printJson(ctx.io, { ...r, ...(!publicKey && r.manifests.some((m) => m.signature.status === 'valid') ? { signer: SIGNER_UNKNOWN } : {}) });
        else {
          for (const p of r.missing) writeLine(ctx.io.stdout, `missing:  ${p}`);
          for (const c of r.changed) writeLine(ctx.io.stdout, `changed:  ${c.path}: ${c.reason}`);
          for (const p of r.unlisted) writeLine(ctx.io.stdout, `unlisted: ${p}`);
          for (const m of r.manifests) {
            const sig = m.signature.status === 'valid' ? `signed, key ${m.signature.fingerprint}` : m.signature.status === 'unsigned' ? 'not signed' : `bad signature: ${m.signature.reason}`;
            writeLine(ctx.io.stderr, `${m.path}: ${m.files} files listed; ${sig}`);
          }
          for (const s of r.skipped) writeLine(ctx.io.stderr, `not checked: ${s}`);
          if (!publicKey && r.manifests.some((m) => m.signature.status === 'valid')) writeLine(ctx.io.stderr, SIGNER_UNKNOWN);
          writeLine(ctx.io.stderr, r.ok ? 'Intact: every file matches its manifest.' : `NOT intact: ${r.missing.length} missing, ${r.changed.length} changed, ${r.unlisted.length} unlisted.`);
        }
        return r.ok ? EXIT.ok : EXIT.partial;
      }),
    );
}

async function verifyCertificateDir(ctx: CommandContext, dir: string, publicKey: Parameters<typeof import('../dsar/certificate.js').verifyCertificate>[1], json: boolean): Promise<number> {
  const { verifyCertificate } = await import('../dsar/certificate.js');
  const c = await verifyCertificate(dir, publicKey);
  if (json) printJson(ctx.io, { certificate: join(dir, 'certificate.json'), ...c });
  else {
    for (const p of c.problems) writeLine(ctx.io.stdout, `problem:  ${p}`);
    const sig = c.signature.status === 'valid' ? `signed, key ${c.signature.fingerprint}` : c.signature.status === 'unsigned' ? 'not signed (nothing to check it against)' : `bad signature: ${c.signature.reason}`;
    writeLine(ctx.io.stderr, `certificate.json: ${sig}`);
    writeLine(ctx.io.stderr, c.ok ? 'Intact: the erasure certificate is as issued.' : 'NOT intact: the erasure certificate was changed or is not one zdsar issued.');
  }
  return c.ok ? EXIT.ok : EXIT.partial;
}
