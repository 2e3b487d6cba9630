import type { Command } from 'commander';
import { z } from 'zod';
import { action, withJson, type CommandContext } from './context.js';
import { renderRelease } from './redact.js';
import { identitySkipOptions, recordIdentityFlags, withIdentitySkip } from './identity-options.js';
import { releaseOptions, statementSkipOf, withStatementSkip } from './release-options.js';

const approveOptions = releaseOptions.pick({ approver: true, ageRecipient: true, zipPassphrase: true, statementCheck: true, statementReason: true }).extend({
  zip: z.boolean().default(false),
  json: z.boolean().default(false),
  sha256: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[0-9a-f]{64}$/, '--sha256: must be the 64 hex digits shown in report.html')
    .optional(),
  changeEncryption: z.boolean().default(false),
  ...identitySkipOptions.shape,
});

/** `zdsar requests approve <id>`: registered under `requests`. */
export function registerApprove(requests: Command, ctx: CommandContext): void {
  withJson(
    withStatementSkip(withIdentitySkip(requests
      .command('approve')))
      .argument('<id>', 'request id (or a unique prefix)')
      .description("approve a request's disclosure copy for release (recorded: who and when); makes the person's report and zip from it")
      .option('--approver <name>', 'who approves (default: your OS user)')
      .option('--zip', 'one zip per person from the approved copy (default: as the export asked)')
      .option('--age-recipient <recipient>', 'encrypt each zip to this age recipient (age1…; repeatable; implies --zip)', (v: string, acc: string[] = []) => [...acc, v])
      .option('--zip-passphrase', 'AES-256 zips, each with a passphrase shown once (implies --zip)')
      .option('--sha256 <digest>', 'approve only the copy with this digest (shown in report.html); default: the copy zdsar built last')
      .option('--change-encryption', 'replace the encryption chosen when the copy was approved (the zips made with it are removed)'),
  ).action(
    action(ctx, approveOptions, async (opts, id: string) => {
      const { statementCheck, statementReason, ...rest } = opts;
      const statementSkip = statementSkipOf({ statementCheck, statementReason });
      await recordIdentityFlags(ctx.io.env, id, rest, opts.approver);
      const { approveRequest } = await import('../dsar/disclosure/run.js');
      renderRelease(ctx, await approveRequest(ctx.io.env, id, { ...rest, ...(statementSkip ? { statementSkip } : {}) }), opts.json);
    }),
  );
}
