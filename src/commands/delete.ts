import type { Command } from 'commander';
import { action, withJson, withPeople, withZoom, type CommandContext } from './context.js';

export function register(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('delete')
    .description("erase people's data through Zoom's own Data & Privacy deletion (dry run unless --yes; revocable for 30 minutes)");
  withPeople(cmd);
  withJson(cmd);
  cmd
    .option('--yes', 'submit: without it delete only prints what it would submit, and sends nothing to Zoom')
    .option('--wait', 'stay until Zoom has finished (more than 10 people: submit each group of 10 as Zoom frees its one slot)')
    .option('--max-wait <minutes>', 'with --wait: the longest wait (default 180)')
    .option('--purge-packages', 'also delete earlier zdsar export packages of these people once Zoom accepted the erasure')
    .option('--requester <name>', 'who asked for this erasure, for the ledger (default: your OS user)')
    .option('--received <date>', 'when the request reached you, YYYY-MM-DD (sets the legal due date; default: today)')
    .option('--regime <regime>', 'gdpr (one month) or ccpa (45 days) for the due date');
  withZoom(cmd);
  cmd
    .addHelpText(
      'after',
      `
Zoom's Data & Privacy deletion removes ALL of a user's meeting, webinar, Team Chat and whiteboard data
(accounts.openapi.json POST /data_requests/requests, request_type DELETE). It covers users of the account;
Zoom refuses other addresses. Zoom takes at most 10 addresses per request and one request at a time.

A deletion can be revoked for 30 minutes after Zoom accepted it:
  $ zdsar requests cancel <id>
After that Zoom answers that it is processing (422, code 14106) and the data cannot be recovered.

Examples:
  $ zdsar delete --emails jordan@example.com                 dry run: nothing is sent to Zoom
  $ zdsar delete --emails jordan@example.com --yes           submit; prints the 30-minute window
  $ zdsar delete --csv people.csv --yes --purge-packages     also delete earlier zdsar packages of them
  $ zdsar requests resume <id>                               submit the next group / record Zoom's states

Exit codes: 0 submitted (or dry run), 1 some were refused or could not be submitted, 2 bad input, 3 credentials or scopes.`,
    )
    .action(
      action(ctx, async (opts: Record<string, unknown>) => {
        const { runDelete } = await import('../zoom-data-requests/submit.js');
        return runDelete(ctx, opts);
      }),
    );
}
