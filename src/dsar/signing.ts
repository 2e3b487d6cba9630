/**
 * An Ed25519 signature over a manifest, so that a recipient can tell who produced a package
 * (Node's own crypto; no library). The private key comes from ZDSAR_SIGNING_KEY or
 * ZDSAR_SIGNING_KEY_FILE (PEM, PKCS#8: `openssl genpkey -algorithm ed25519`), is a secret and is
 * never printed; the public key is printed and written beside the signature.
 *
 *   manifest.sig   {"algorithm":"Ed25519","signed_file":"manifest.json","public_key":"<PEM>",
 *                   "key_fingerprint":"sha256:<hex>","signature":"<base64>","signed_at":"…"}
 *
 * The signature covers the exact bytes of the manifest, which lists every file's sha256: so it
 * vouches for every file. A recipient checks it with `zdsar verify DIR --public-key KEY` (the key
 * the controller published); without --public-key, verify checks the signature against the key
 * written beside it and prints that key's fingerprint to compare.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { UsageError } from '../errors.js';
import type { Secret } from '../secrets.js';

export const SIGNATURE_FILE = 'manifest.sig';

export interface SignatureDoc {
  algorithm: 'Ed25519';
  signed_file: string;
  public_key: string;
  key_fingerprint: string;
  signature: string;
  signed_at: string;
}

export interface Signer {
  /** manifest.sig's contents for these manifest bytes. */
  sign(bytes: Buffer, signedFile?: string): Buffer;
  publicKeyPem: string;
  fingerprint: string;
}

/** The signer from the key in the environment (or its file), or undefined when none is set. A key that is not Ed25519 is a usage error. */
export function signerFrom(secret: Secret | undefined, now: () => Date = () => new Date()): Signer | undefined {
  if (!secret) return undefined;
  let key: KeyObject;
  try {
    const text = secret.reveal();
    key = text.includes('-----BEGIN') ? createPrivateKey(text) : createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' });
  } catch {
    throw new UsageError('ZDSAR_SIGNING_KEY: not a private key in PEM (PKCS#8) form', 'Make one with: openssl genpkey -algorithm ed25519 -out zdsar-signing.pem');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new UsageError(`ZDSAR_SIGNING_KEY: an ${key.asymmetricKeyType ?? 'unknown'} key; zdsar signs with Ed25519`, 'Make one with: openssl genpkey -algorithm ed25519 -out zdsar-signing.pem');
  const pub = createPublicKey(key);
  const publicKeyPem = pub.export({ format: 'pem', type: 'spki' }).toString();
  const fp = fingerprint(pub);
  return {
    publicKeyPem,
    fingerprint: fp,
    sign(bytes: Buffer, signedFile = 'manifest.json'): Buffer {
      const doc: SignatureDoc = {
        algorithm: 'Ed25519',
        signed_file: signedFile,
        public_key: publicKeyPem,
        key_fingerprint: fp,
        signature: sign(null, bytes, key).toString('base64'),
        signed_at: now().toISOString(),
      };
      return Buffer.from(JSON.stringify(doc, null, 2) + '\n', 'utf8');
    },
  };
}

export function fingerprint(pub: KeyObject): string {
  return `sha256:${createHash('sha256').update(pub.export({ format: 'der', type: 'spki' })).digest('hex')}`;
}

/** A public key given to verify: PEM, base64 DER (SPKI), or a file's contents holding either. */
export function parsePublicKey(text: string): KeyObject {
  const t = text.trim();
  try {
    const k = t.includes('-----BEGIN') ? createPublicKey(t) : createPublicKey({ key: Buffer.from(t, 'base64'), format: 'der', type: 'spki' });
    if (k.asymmetricKeyType !== 'ed25519') throw new Error('not ed25519');
    return k;
  } catch {
    throw new UsageError('--public-key: not an Ed25519 public key (PEM, or base64 of its DER form)');
  }
}

export type SignatureCheck =
  | { status: 'valid'; fingerprint: string }
  | { status: 'invalid'; fingerprint?: string; reason: string };

/** Check manifest.sig against the manifest's bytes (and, when given, against the expected key). */
export function checkSignature(sigText: string, manifestBytes: Buffer, expected?: KeyObject): SignatureCheck {
  let doc: Partial<SignatureDoc>;
  try {
    doc = JSON.parse(sigText) as Partial<SignatureDoc>;
  } catch {
    return { status: 'invalid', reason: 'manifest.sig is not valid JSON' };
  }
  if (doc.algorithm !== 'Ed25519' || typeof doc.signature !== 'string' || typeof doc.public_key !== 'string') return { status: 'invalid', reason: 'manifest.sig is not an Ed25519 signature zdsar wrote' };
  let key: KeyObject;
  try {
    key = expected ?? createPublicKey(doc.public_key);
  } catch {
    return { status: 'invalid', reason: 'the public key in manifest.sig cannot be read' };
  }
  const fp = fingerprint(key);
  if (expected) {
    let embedded: string | undefined;
    try {
      embedded = fingerprint(createPublicKey(doc.public_key));
    } catch {
      embedded = undefined;
    }
    if (embedded !== fp) return { status: 'invalid', fingerprint: embedded, reason: `signed with another key (${embedded ?? 'unreadable'}), not ${fp}` };
  }
  const ok = verify(null, manifestBytes, key, Buffer.from(doc.signature, 'base64'));
  return ok ? { status: 'valid', fingerprint: fp } : { status: 'invalid', fingerprint: fp, reason: 'the signature does not match the manifest: it was changed after signing' };
}
