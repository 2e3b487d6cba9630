import type { Command } from 'commander';
import { action, withJson, type CommandContext } from './context.js';

export function register(program: Command, ctx: CommandContext): void {
  withJson(
    program
      .command('verify')
      .argument('<package>', 'a package folder, or the folder of an unzipped per-person zip')
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
      action(ctx, async (dir: string, opts: { json?: boolean; publicKey?: string }) => {
        const { runVerify } = await import('../dsar/disclosure/command.js');
        return runVerify(ctx, dir, opts);
      }),
    );
}
