/**
 * The local index of the registrants scan: what was scanned, when, and keyed hashes of the
 * addresses found, so that a later `find` need not walk the whole account again.
 *
 * Layout under ZDSAR_HOME (folder 0700, files 0600, replaced atomically):
 *   registrants/salt                  32 random bytes (hex): the HMAC key of every hash below
 *   registrants/index-<account>.json  one file per Zoom account and API (account = sha256(apiUrl + accountId), 16 hex)
 *
 * Data minimisation: the index holds no address, name or topic. For each meeting and webinar it keeps
 * the id, host id, type, start time, whether registration is on, when it ends, when it was scanned, and
 * HMAC-SHA-256(salt, lower-cased address) truncated to 16 hex characters (64 bits) for each registrant
 * and panelist. Without the salt the hashes name nobody; with it, they only answer "is a@x on this
 * session?", and every answer is checked against Zoom live before it is reported or acted on.
 *
 * Staleness (see isFresh, isClosed):
 *   - The index is "fresh" for --max-age hours (default 6) after its last complete scan started.
 *     While fresh, `find` reads it to pick the sessions whose hashes match the people, and lists
 *     those sessions live; nothing else is requested. Registrations made after the scan began are
 *     not seen in that mode: the output says the index's time.
 *   - Once stale (or incomplete, or for another account, or when the salt changed), the next run
 *     walks every host's lists again (new meetings appear there), but reuses the entry of each
 *     session that had already ended when it was scanned and whose start time is unchanged: Zoom
 *     accepts no new registration once a meeting is over (code 3038), so its hashes can only have
 *     become a superset. Every other session is fetched and listed again.
 *   - --refresh ignores the index and rebuilds it from a full scan.
 */
import { createHash, createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from '../fs/atomic.js';
import { loadSalt } from '../ledger/privacy.js';
import type { SessionKind } from '../zoom/endpoints/registrants.js';

export const INDEX_VERSION = 1;
export const DEFAULT_MAX_AGE_HOURS = 6;
/** A session counts as over this long after its scheduled end (late starts, overruns). */
export const CLOSE_MARGIN_MS = 6 * 3600_000;

export interface IndexEntry {
  /** meeting or webinar */
  kind: SessionKind;
  /** decimal id */
  id: string;
  /** host's Zoom user id */
  host: string;
  /** Zoom's meeting/webinar type (1, 2, 3, 8 / 5, 6, 9) */
  type?: number;
  /** start_time as the host's list gave it: a change means the host edited the meeting */
  start?: string;
  /** registration enabled (approval_type 0 or 1) */
  reg: boolean;
  /** settings.registration_type for recurring sessions */
  rt?: number;
  /** ISO end of the session (or of its last occurrence); absent for recurring without fixed time */
  ends?: string;
  /** ISO time this entry's lists were walked */
  at: string;
  /** hashes of registrants' addresses (every status, every occurrence) */
  h?: string[];
  /** hashes of panelists' addresses (webinars) */
  p?: string[];
}

export interface IndexFile {
  version: number;
  account: string;
  /** When the last complete account scan started (the index answers for registrations made before it). */
  scanned_at?: string;
  /** Every host was walked without error in that scan. */
  complete: boolean;
  updated_at: string;
  hosts: number;
  sessions: IndexEntry[];
}

export class IndexStore {
  readonly dir: string;
  readonly path: string;
  private salt?: string;

  constructor(
    home: string,
    readonly account: string,
  ) {
    this.dir = join(home, 'registrants');
    this.path = join(this.dir, `index-${account}.json`);
  }

  static forAccount(home: string, apiUrl: string, accountId: string): IndexStore {
    const account = createHash('sha256').update(`${apiUrl}\n${accountId}`).digest('hex').slice(0, 16);
    return new IndexStore(home, account);
  }

  async key(): Promise<string> {
    if (!this.salt) {
      await ensurePrivateDir(this.dir);
      this.salt = await loadSalt(join(this.dir, 'salt'));
    }
    return this.salt;
  }

  /** A hasher bound to the salt: HMAC-SHA-256 of the lower-cased, trimmed address, 16 hex characters. */
  async hasher(): Promise<(email: string) => string> {
    const salt = await this.key();
    return (email: string) => hashAddress(salt, email);
  }

  /** The index, or undefined if absent, unreadable, of another version or account. */
  async load(): Promise<IndexFile | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const f = JSON.parse(text) as IndexFile;
      if (f.version !== INDEX_VERSION || f.account !== this.account || !Array.isArray(f.sessions)) return undefined;
      return f;
    } catch {
      return undefined;
    }
  }

  async save(f: IndexFile): Promise<void> {
    await ensurePrivateDir(this.dir);
    await writeFileAtomic(this.path, JSON.stringify(f) + '\n');
  }
}

export function hashAddress(salt: string, email: string): string {
  return createHmac('sha256', salt).update(email.trim().toLowerCase()).digest('hex').slice(0, 16);
}

export function sessionKey(kind: SessionKind, id: string): string {
  return `${kind}:${id}`;
}

/** The index may answer on its own (with live checks of the matching sessions): complete and younger than maxAge. */
export function isFresh(f: IndexFile | undefined, maxAgeMs: number, now = Date.now()): f is IndexFile & { scanned_at: string } {
  if (!f || !f.complete || !f.scanned_at) return false;
  const t = Date.parse(f.scanned_at);
  return Number.isFinite(t) && now - t <= maxAgeMs && t <= now + 60_000;
}

/** The session had ended when its entry was written: no registration can have been added since (Zoom code 3038). */
export function isClosed(e: IndexEntry): boolean {
  if (!e.ends) return false;
  const ends = Date.parse(e.ends);
  const at = Date.parse(e.at);
  return Number.isFinite(ends) && Number.isFinite(at) && ends + CLOSE_MARGIN_MS < at;
}
