/**
 * --redact and what goes with it (--redaction-policy, --approve, --approver, --age-recipient,
 * --zip-passphrase), checked before anything is sent: a bad policy file or recipient is exit 2.
 */
import { UsageError } from '../../errors.js';
import { loadPolicy } from './policy.js';
import type { ReleaseSettings } from './release.js';

export interface ReleaseFlags {
  redact?: boolean;
  redactionPolicy?: string;
  approve?: boolean;
  approver?: string;
  ageRecipient?: string[];
  zipPassphrase?: boolean;
  zip?: boolean;
}

export async function releaseSettings(flags: ReleaseFlags): Promise<{ release: Omit<ReleaseSettings, 'zip'>; zip: boolean }> {
  const recipients = flags.ageRecipient ?? [];
  if (recipients.length && flags.zipPassphrase) throw new UsageError('--age-recipient and --zip-passphrase: choose one way to encrypt the zips');
  if (recipients.length) {
    const { Encrypter } = await import('age-encryption');
    for (const r of recipients) {
      try {
        new Encrypter().addRecipient(r);
      } catch {
        throw new UsageError(`--age-recipient ${JSON.stringify(r)}: not an age recipient (age1…)`);
      }
    }
  }
  if (flags.approver !== undefined && !flags.approver.trim()) throw new UsageError('--approver: must not be empty');
  const policy = flags.redactionPolicy !== undefined ? await loadPolicy(flags.redactionPolicy) : undefined;
  const redact = Boolean(flags.redact || flags.redactionPolicy !== undefined || flags.approve);
  return {
    release: {
      ...(redact ? { redact, ...(policy ? { policy } : {}) } : {}),
      ...(flags.approve ? { approve: true } : {}),
      ...(flags.approver ? { approver: flags.approver.trim() } : {}),
      ...(recipients.length ? { ageRecipients: recipients } : {}),
      ...(flags.zipPassphrase ? { zipPassphrase: true } : {}),
    },
    // Encrypted delivery is of the zips.
    zip: Boolean(flags.zip || recipients.length || flags.zipPassphrase),
  };
}
