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
  /** requests approve: replace the encryption chosen at approval (the zips made with it are removed). */
  changeEncryption?: boolean;
  /** requests approve: the sha256 of the copy the officer reviewed. */
  sha256?: string;
  /** --no-statement-check --statement-reason: recorded in the ledger when given, never kept as a setting. */
  statementSkip?: { reason: string };
}

/**
 * What a later run (resume, redact) takes over from the export's settings: never the approval.
 * An approval covers exactly the copy it was given for; a rebuilt copy waits for a new one.
 */
export function inherited(release: Omit<ReleaseSettings, 'zip'> | undefined): Omit<ReleaseSettings, 'zip'> | undefined {
  if (!release) return undefined;
  const { approve: _approve, approver: _approver, changeEncryption: _change, sha256: _sha, ...rest } = release;
  return rest;
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
  // Only an approved disclosure copy reaches the person: encryption is for that, not for the internal record.
  if (flags.redact === false && !redact && (recipients.length || flags.zipPassphrase)) {
    throw new UsageError(
      `${recipients.length ? '--age-recipient' : '--zip-passphrase'} without --redact: encrypted zips are what the person receives, and only an approved disclosure copy reaches them`,
      'Add --redact (the zips are made once the copy is approved), or use --zip alone for the internal record (not for release).',
    );
  }
  return {
    release: {
      ...(redact ? { redact, ...(policy ? { policy } : {}) } : {}),
      ...(flags.approve ? { approve: true } : {}),
      ...(flags.approver ? { approver: flags.approver.trim() } : {}),
      ...(recipients.length ? { ageRecipients: recipients } : {}),
      ...(flags.zipPassphrase ? { zipPassphrase: true } : {}),
      ...(flags.changeEncryption ? { changeEncryption: true } : {}),
      ...(flags.sha256 ? { sha256: flags.sha256 } : {}),
    },
    // Encrypted delivery is of the zips.
    zip: Boolean(flags.zip || recipients.length || flags.zipPassphrase),
  };
}
