import { z } from 'zod';

/** The options of the disclosure copy and of encrypted delivery, parsed once (export, redact, requests approve). */
export const releaseOptions = z.strictObject({
  redact: z.boolean().default(false),
  redactionPolicy: z.string().optional(),
  approve: z.boolean().default(false),
  approver: z.string().optional(),
  ageRecipient: z.array(z.string()).optional(),
  zipPassphrase: z.boolean().default(false),
});
