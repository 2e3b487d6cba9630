import type { Command } from 'commander';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { printJson, writeLine } from '../ui/io.js';
import { action, dateOption, withJson, type CommandContext } from './context.js';

const deliverOptions = z
  .strictObject({
    sent: z.boolean().default(false),
    method: z.string().trim().min(1, '--method: must not be empty').max(200, '--method: at most 200 characters').optional(),
    on: dateOption('--on', { notAfterToday: true }).optional(),
    json: z.boolean().default(false),
  })
  .superRefine((o, c) => {
    if (o.sent && !o.method) c.addIssue({ code: 'custom', message: '--sent needs --method: how it was sent (e.g. "secure email", "post")' });
    if (!o.sent && (o.method || o.on)) c.addIssue({ code: 'custom', message: '--method and --on go with --sent (record that it was sent)' });
  });

/** `zdsar requests deliver <id>`: registered under `requests`. */
export function registerDeliver(requests: Command, ctx: CommandContext): void {
  withJson(
    requests
      .command('deliver')
      .argument('<id>', 'request id (or a unique prefix)')
      .description("write what to send to each person, from the approved copy only: their zip (encrypted as chosen at approval) and a cover note; with --sent, record that it went out")
      .option('--sent', 'record that the deliverables were sent (stops the legal clock)')
      .option('--method <how>', 'with --sent: how they were sent, e.g. "secure email" or "post"')
      .option('--on <date>', 'with --sent: when, YYYY-MM-DD (default: today)'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ zdsar requests deliver r-20260131-091500                                  write the zips and cover notes
  $ zdsar requests deliver r-20260131-091500 --sent --method "secure email"  once sent: record it
Exit codes: 0 written (and recorded), 1 the package does not match its manifests, 2 not approved or bad input.`,
    )
    .action(
      action(ctx, deliverOptions, async (o, id: string) => {
        const { deliverRequest } = await import('../dsar/disclosure/deliver.js');
        if (o.sent && !o.method) throw new UsageError('--sent needs --method');
        const r = await deliverRequest(ctx.io.env, id, o.sent ? { sent: { method: o.method!, on: o.on ?? new Date() } } : {});
        const passphrases = r.deliverables.filter((d) => d.passphrase).map((d) => `Passphrase for ${d.file} (shown once, stored nowhere): ${d.passphrase}`);
        if (o.json) {
          printJson(ctx.io, {
            request_id: r.request_id,
            package: r.packageDir,
            approved_by: r.approval.by,
            encryption: r.approval.encryption.kind,
            deliverables: r.deliverables.map(({ passphrase: _p, ...d }) => d),
            ...(r.sent ? { sent: r.sent } : {}),
            stage: r.sent ? 'sent' : 'approved',
          });
          for (const l of passphrases) writeLine(ctx.io.stderr, l);
          return;
        }
        for (const d of r.deliverables) writeLine(ctx.io.stderr, `#${d.index}: ${d.file}\n    cover note: ${d.cover_note}`);
        for (const l of passphrases) writeLine(ctx.io.stderr, l);
        if (r.sent?.already) writeLine(ctx.io.stderr, `Already recorded as sent by ${r.sent.method} on ${r.sent.on}.`);
        else if (r.sent) writeLine(ctx.io.stderr, `Recorded: sent by ${r.sent.method} on ${r.sent.on}. The legal clock has stopped.`);
        else writeLine(ctx.io.stderr, `Send each file with its cover note${r.approval.encryption.kind === 'aes' ? ' (and the passphrase by another channel)' : ''}; then record it: zdsar requests deliver ${r.request_id} --sent --method "secure email"`);
        writeLine(ctx.io.stdout, `${r.packageDir}/zips`);
      }),
    );
}
