import type { Command } from 'commander';
import { action, withJson, type CommandContext } from './context.js';

export interface RedactOptions {
  redactionPolicy?: string;
  approve?: boolean;
  approver?: string;
  zip?: boolean;
  ageRecipient?: string[];
  zipPassphrase?: boolean;
  json?: boolean;
}

export function register(program: Command, ctx: CommandContext): void {
  withJson(
    program
      .command('redact')
      .argument('<request-id>', 'an export request (id or a unique prefix)')
      .description("write disclosure/ for an existing package: each person's copy with other people masked (GDPR Art. 15(4)); subjects/ is not changed")
      .option('--redaction-policy <file>', 'a JSON file changing what is masked (default: every other person fully masked)')
      .option('--approve', 'approve the copy now, as the officer (recorded in the ledger); makes the reports and zips')
      .option('--approver <name>', 'who approves, for the ledger (default: your OS user)')
      .option('--zip', 'once approved, one zip per person made from the copy')
      .option('--age-recipient <recipient>', 'encrypt each zip to this age recipient (age1…; repeatable; implies --zip)', (v: string, acc: string[] = []) => [...acc, v])
      .option('--zip-passphrase', 'AES-256 zips, each with a passphrase shown once (implies --zip)'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ zdsar redact r-20260131-091500                         build the copy; review report.html
  $ zdsar requests approve r-20260131-091500 --zip          release it
  $ zdsar redact r-20260131-091500 --redaction-policy policy.json --approve --zip-passphrase
Exit codes: 0 written, 1 failed, 2 bad input (unknown request, bad policy).`,
    )
    .action(
      action(ctx, async (id: string, opts: RedactOptions) => {
        const { runRedact } = await import('../dsar/disclosure/command.js');
        return runRedact(ctx, id, opts);
      }),
    );
}
