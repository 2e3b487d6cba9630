import type { Command } from 'commander';
import { action, withJson, withPeople, withZoom, type CommandContext } from './context.js';

function withScan(cmd: Command, opts: { maxAge: boolean }): Command {
  cmd.option('--refresh', 'ignore the local index and scan the whole account again (rebuilds the index)');
  // Only find may be answered from the index: erase always walks every host live.
  if (opts.maxAge) cmd.option('--max-age <hours>', 'how long a complete scan answers without walking every host again (default 6; 0: always walk)');
  return cmd.option('--concurrency <n>', 'hosts scanned at once (default 8; Zoom\'s rate limits pace the requests)');
}

export function register(program: Command, ctx: CommandContext): void {
  const registrants = program
    .command('registrants')
    .description("a person's meeting and webinar registrations (and webinar panelist seats) across the whole account: find, erase")
    .addHelpText(
      'after',
      `
Zoom has no search by registrant email, so zdsar walks every host's meetings and webinars that take
registration and lists their registrants (approved, pending and denied). A local index of keyed
hashes (ZDSAR_HOME/registrants) makes the next find cheaper (see --max-age and --refresh); erase never
trusts it: it walks every host live, so a registration made since the last scan is not missed.

Examples:
  $ zdsar registrants find --emails jordan@example.com
  $ zdsar registrants find --csv people.csv --json
  $ zdsar registrants erase --emails jordan@example.com          dry run: shows what would be done
  $ zdsar registrants erase --emails jordan@example.com --yes    deletes, journaled in the ledger`,
    );

  const find = registrants.command('find').description('find every registration and panelist seat of up to 50 people (same input as export)');
  withPeople(find);
  withJson(find);
  withScan(find, { maxAge: true });
  withZoom(find);
  find
    .addHelpText(
      'after',
      `
Exit codes: 0 every list was read, 1 some lists could not be read (the answer may be incomplete), 2 bad input, 3 credentials or scopes.`,
    )
    .action(
      action(ctx, async (opts: Record<string, unknown>) => {
        const { runFind } = await import('../registrants/run.js');
        return runFind(ctx, opts);
      }),
    );

  const erase = registrants
    .command('erase')
    .description('delete those registrations and panelist seats (dry run unless --yes); where Zoom refuses, cancel or deny and say so');
  withPeople(erase);
  withJson(erase);
  erase
    .option('--yes', 'act: without it erase only prints what it would do (or asks on a terminal)')
    .option('--requester <name>', 'who asked for this erasure, for the ledger (default: your OS user)')
    .option('--received <date>', 'when the request reached you, YYYY-MM-DD (sets the legal due date; default: today)')
    .option('--regime <regime>', 'gdpr (one month) or ccpa (45 days) for the due date');
  withScan(erase, { maxAge: false });
  withZoom(erase);
  erase
    .addHelpText(
      'after',
      `
Every host is walked live before anything is done (the index of find is not trusted here; it only
lets unchanged past sessions without this person be skipped). Each step is written to the ledger
before it is sent, with Zoom's answer after. Running it again does nothing new.
Exit codes: 0 done (deleted, or cancelled/denied where Zoom allows no more), 1 some steps failed or lists
could not be read, 2 bad input, 3 credentials or scopes.`,
    )
    .action(
      action(ctx, async (opts: Record<string, unknown>) => {
        const { runErase } = await import('../registrants/run.js');
        return runErase(ctx, opts);
      }),
    );
}
