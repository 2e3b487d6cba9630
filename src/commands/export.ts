import type { Command } from 'commander';
import { action, withJson, withPeople, withZoom, type CommandContext } from './context.js';

export function register(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('export')
    .description('collect everything Zoom holds about up to 50 people into a verifiable package (GDPR Art. 15/20, CCPA right to know)')
    .option('--out <dir>', 'where packages are written (default: $ZDSAR_HOME/exports)')
    .option('--from <date>', 'start of the date range, YYYY-MM-DD (default: when the Zoom user was created)')
    .option('--to <date>', 'end of the date range, YYYY-MM-DD (default: today)')
    .option('--include-registrations', "also include the person's meeting and webinar registrations found across the account")
    .option('--with-files', 'also download cloud recording, call recording, voicemail and Team Chat files into each folder')
    .option('--zip', "also write one zip per person (checksums verifiable after unzipping)")
    .option('--zoom-export', "also submit Zoom's own Data & Privacy export for the same people and put its zips in their folders (can take days: `requests resume` picks it up)")
    .option('--requester <name>', 'who asked for this export, for the ledger (default: your OS user)')
    .option('--received <date>', 'when the request reached you, YYYY-MM-DD (sets the legal due date; default: today)')
    .option('--regime <regime>', 'gdpr (one month) or ccpa (45 days) for the due date', 'gdpr')
    .option('--skip <categories>', 'leave out optional categories, comma-separated: chat, sms_messages, voicemail_transcripts, attendance, summaries, sign_ins (see --estimate for what each costs)')
    .option('--estimate', 'print the requests per rate category and the expected time on the plan, and what each optional category adds; send nothing');
  withPeople(cmd);
  withJson(cmd);
  withZoom(cmd);
  cmd
    .addHelpText(
      'after',
      `
Examples:
  $ zdsar export --csv people.csv
  $ zdsar export --emails alice@example.com,bob@example.com --from 2025-01-01 --json
  $ zdsar export --csv people.csv --include-registrations --with-files --zip
  $ cat requests.csv | zdsar export --out ./dsar --received 2026-11-02
  $ zdsar export --csv people.csv --estimate
  $ zdsar export --csv people.csv --skip attendance,sign_ins
Exit codes: 0 everyone answered, 1 in part (see manifest.json), 2 bad input, 3 credentials or scopes, 130 interrupted.`,
    )
    .action(
      action(ctx, async (opts: Record<string, unknown>) => {
        const { startExport } = await import('../dsar/start.js');
        return startExport(ctx, opts);
      }),
    );
}
