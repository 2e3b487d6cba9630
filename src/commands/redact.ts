import type { Command } from 'commander';
import { join } from 'node:path';
import type { ReleaseResult } from '../dsar/disclosure/run.js';
import { printJson, writeLine } from '../ui/io.js';
import { z } from 'zod';
import { action, withJson, type CommandContext } from './context.js';
import { identitySkipOptions, recordIdentityFlags, withIdentitySkip } from './identity-options.js';
import { releaseOptions, statementSkipOf, withStatementSkip } from './release-options.js';
import { releaseJson, releaseLines } from './release-view.js';

const redactOptions = releaseOptions.omit({ redact: true }).extend({ zip: z.boolean().default(false), json: z.boolean().default(false), override: z.string().optional(), ...identitySkipOptions.shape });

export function register(program: Command, ctx: CommandContext): void {
  withJson(
    withStatementSkip(withIdentitySkip(program
      .command('redact')))
      .argument('<request-id>', 'an export request (id or a unique prefix)')
      .description("write disclosure/ for an existing package: each person's copy with other people masked (GDPR Art. 15(4)); subjects/ is not changed")
      .option('--redaction-policy <file>', 'a JSON file changing what is masked (default: every other person fully masked)')
      .option('--override <file>', "the officer's decisions on single values and records (reveal a value, withhold a record; the file zdsar desk saves): kept beside the request and applied by every later build")
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
  $ zdsar redact r-20260131-091500 --override decisions.json   reveal or withhold what the desk shows
Exit codes: 0 written, 1 failed, 2 bad input (unknown request, bad policy).`,
    )
    .action(
      action(ctx, redactOptions, async (opts, id: string) => {
        const { statementCheck, statementReason, ...rest } = opts;
        const statementSkip = statementSkipOf({ statementCheck, statementReason });
        await recordIdentityFlags(ctx.io.env, id, rest, opts.approver);
        const { redactRequest } = await import('../dsar/disclosure/run.js');
        renderRelease(ctx, await redactRequest(ctx.io.env, id, { ...rest, ...(statementSkip ? { statementSkip } : {}) }), opts.json);
      }),
    );
}

/** The outcome of redact or approve: --json on stdout (passphrases on stderr only), else lines on stderr and the copy's folder on stdout. */
export function renderRelease(ctx: CommandContext, r: ReleaseResult, json: boolean): void {
  const lines = releaseLines(r.outcome);
  if (json) {
    printJson(ctx.io, { request_id: r.request_id, package: r.packageDir, ...releaseJson(r.outcome, r.packageDir), zips: r.outcome.zips.map((z) => z.path) });
    for (const l of lines.filter((x) => x.startsWith('Passphrase') || x.startsWith('Article 15'))) writeLine(ctx.io.stderr, l);
    return;
  }
  for (const l of lines) writeLine(ctx.io.stderr, l);
  for (const z of r.outcome.zips) writeLine(ctx.io.stderr, `  zip: ${z.path}`);
  writeLine(ctx.io.stdout, join(r.packageDir, 'disclosure'));
}
