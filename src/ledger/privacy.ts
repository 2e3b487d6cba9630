/**
 * Data minimisation: how people are named in lines, and what is left of their addresses after purge.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { link, open, readFile, unlink } from 'node:fs/promises';
import { ensurePrivateDir } from '../fs/atomic.js';
import { dirname } from 'node:path';
import type { Subject } from './types.js';

/**
 * How log and progress lines name a person: "#3" (position in the request, 1-based),
 * or "#3 <a@x>" when the user asked for addresses (--show-emails). After purge the
 * address is gone and "#3 (hash 1a2b3c4d)" is the most that can be shown.
 */
export function subjectLabel(req: { subjects: Subject[] }, index: number, showEmails: boolean): string {
  const s = req.subjects.find((x) => x.index === index);
  if (!showEmails || !s) return `#${index}`;
  if (s.email) return `#${index} <${s.email}>`;
  if (s.email_hash) return `#${index} (hash ${s.email_hash.slice(0, 8)})`;
  return `#${index}`;
}

/** A short, unsalted fingerprint of an address for lines where no position exists. */
export function shortHash(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 8);
}

/** The ledger's salt (32 random bytes, hex, file 0600), created once; concurrent first uses agree on one. */
export async function loadSalt(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await ensurePrivateDir(dirname(path));
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const h = await open(tmp, 'wx', 0o600);
  try {
    await h.writeFile(randomBytes(32).toString('hex') + '\n');
    await h.sync();
  } finally {
    await h.close();
  }
  // link() fails if the salt exists: whoever links first wins, and nobody sees a half-written salt.
  await link(tmp, path).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e;
  });
  await unlink(tmp).catch(() => undefined);
  return (await readFile(path, 'utf8')).trim();
}

/** HMAC-SHA-256 of the normalised address, keyed with the salt: lets one check "was a@x in this request?" without keeping a@x. */
export function hashEmail(salt: string, email: string): string {
  return createHmac('sha256', salt).update(email.trim().toLowerCase()).digest('hex');
}

/** What scrub() replaces for these people: each address, as written and URL-encoded, by "[person #i]". */
export function personReplacements(subjects: Subject[]): Array<{ email: string; label: string }> {
  return subjects.flatMap((x) => {
    if (!x.email) return [];
    const label = `[person #${x.index}]`;
    // Every identifier the person was given by (issue 28): further addresses and phone numbers too.
    return [x.email, ...(x.other_emails ?? []), ...(x.phones ?? [])].flatMap((email) => {
      const encoded = encodeURIComponent(email);
      return encoded === email ? [{ email, label }] : [{ email, label }, { email: encoded, label }];
    });
  });
}

/** A deep copy of `value` in which every occurrence of a given address (any case) is replaced by its label. */
export function scrub<T>(value: T, replacements: Array<{ email: string; label: string }>): T {
  const res = replacements
    .filter((r) => r.email)
    .map((r) => ({ re: new RegExp(r.email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), label: r.label }));
  const fix = (s: string) => res.reduce((acc, r) => acc.replace(r.re, r.label), s);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return fix(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [fix(k), walk(x)]));
    return v;
  };
  return walk(value) as T;
}
