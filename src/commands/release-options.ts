import type { Command } from 'commander';
import { z } from 'zod';
import { UsageError } from '../errors.js';

/** The options of the disclosure copy and of encrypted delivery, parsed once (export, redact, requests approve). */
export const releaseOptions = z.strictObject({
  redact: z.boolean().default(false),
  redactionPolicy: z.string().optional(),
  approve: z.boolean().default(false),
  approver: z.string().optional(),
  ageRecipient: z.array(z.string()).optional(),
  zipPassphrase: z.boolean().default(false),
  statementCheck: z.boolean().default(true),
  statementReason: z.string().optional(),
});

/** --no-statement-check --statement-reason TEXT: approve although the Article 15 statement is incomplete (recorded). */
export function withStatementSkip(cmd: Command): Command {
  return cmd
    .option('--no-statement-check', "approve although the Article 15 statement lacks parts of the controller profile (needs --statement-reason; recorded in the request's evidence)")
    .option('--statement-reason <text>', 'with --no-statement-check: why the copy is approved without a complete statement');
}

/** The skip, checked: a reason is required, and a reason alone is refused. */
export function statementSkipOf(o: { statementCheck: boolean; statementReason?: string | undefined }): { reason: string } | undefined {
  if (o.statementCheck) {
    if (o.statementReason !== undefined) throw new UsageError('--statement-reason is for --no-statement-check');
    return undefined;
  }
  if (!o.statementReason?.trim()) throw new UsageError('--no-statement-check needs --statement-reason TEXT (recorded in the request\'s evidence)');
  return { reason: o.statementReason.trim() };
}
