/**
 * The request ledger: every request zdsar accepts, its deadlines, progress and evidence.
 *
 * Layout under ZDSAR_HOME (folders 0700, files 0600):
 *   ledger/requests/<id>/journal.jsonl   append-only events (see journal.ts); the truth
 *   ledger/requests/<id>/snapshot.json   the state at a journal offset, replaced atomically
 *   ledger/requests/<id>/lock            present only while a change is being written
 *   ledger/keys/<sha256(key)>            idempotency key → request id
 *   ledger/salt                          key of the salted hashes kept after purge
 */
import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { ensurePrivateDir } from '../fs/atomic.js';
import { acknowledgeBy, daysUntil, dueDate, extensionText, isoDay, REGIMES } from './deadlines.js';
import { clockRuns, stageOf } from './lifecycle.js';
import { appendEvents, apply, loadRequest, writeGeneration, writeSnapshot, type JournalEvent, type Loaded } from './journal.js';
import { acquireLease, leaseHeld, serialize, withFileLock } from './lock.js';
import type { IdentityInput, ReleaseStep } from './identity.js';
import { checkPackage, deletePackage } from './package-guard.js';
import { hashEmail, loadSalt, personReplacements, scrub } from './privacy.js';
import {
  LEASED_TYPES,
  OPEN_STATUSES,
  REQUEST_TYPES,
  RequestCanceledError,
  type ErrorInput,
  type EvidenceInput,
  type LedgerRequest,
  type NewRequest,
  type ProgressInput,
  type PurgeResult,
  type RequestStatus,
} from './types.js';
import { byCodeUnits } from '../order.js';

/** Write a snapshot after this many events since the last one (and at every status change). */
const SNAPSHOT_EVERY = 64;
const ID_RE = /^[a-z0-9-]{1,64}$/i;
/** Option keys that hold credentials (whole words: `deauthorization_time` is not one). */
const SECRET_KEY_RE = /(^|[_-])(secret|token|password|authorization|api[-_]?key)s?($|[_-])|^(clientsecret|accesstoken|apikey)$/i;

type Change = { events: Array<Exclude<JournalEvent, { gen: string }>>; snapshot?: boolean };

function requesterDefault(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER || process.env.LOGNAME || 'unknown';
  }
}

function newId(now: Date): string {
  const t = now.toISOString();
  return `r-${t.slice(0, 10).replace(/-/g, '')}-${t.slice(11, 19).replace(/:/g, '')}-${randomBytes(2).toString('hex')}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Ledger {
  private readonly root: string;
  private readonly requestsDir: string;
  private readonly keysDir: string;
  private readonly cache = new Map<string, Loaded>();
  /** The changes of append() waiting for the journal, by request (as its callers name it). */
  private readonly appends = new Map<string, Array<{ decide: (s: LedgerRequest) => Change; resolve: () => void; reject: (e: unknown) => void }>>();

  private constructor(readonly home: string) {
    this.root = join(home, 'ledger');
    this.requestsDir = join(this.root, 'requests');
    this.keysDir = join(this.root, 'keys');
  }

  /** Nothing is created until the first write. */
  static open(home: string): Ledger {
    return new Ledger(resolve(home));
  }

  /** Where a request's journal and snapshot live (for people and tests inspecting the ledger). */
  requestDir(id: string): string {
    return join(this.requestsDir, id);
  }

  get saltPath(): string {
    return join(this.root, 'salt');
  }

  // ---- reading -------------------------------------------------------------------------

  async get(idOrPrefix: string): Promise<LedgerRequest | undefined> {
    const id = await this.resolveId(idOrPrefix);
    if (!id) return undefined;
    const l = await this.load(id);
    return l && structuredClone(l.state);
  }

  async findByKey(key: string): Promise<LedgerRequest | undefined> {
    const id = await readFile(this.keyPath(key), 'utf8').then((s) => s.trim(), () => undefined);
    return id ? this.get(id) : undefined;
  }

  /** Newest first. Folders without a readable request (a crash before the first line) are left out. */
  async list(): Promise<LedgerRequest[]> {
    const ids = await this.ids();
    const all = await Promise.all(ids.map((id) => this.load(id).catch(() => undefined)));
    return all
      .filter((l): l is Loaded => l !== undefined)
      .map((l) => structuredClone(l.state))
      .sort((a, b) => byCodeUnits(b.created_at, a.created_at) || byCodeUnits(b.request_id, a.request_id));
  }

  /**
   * A run stopped without a word (SIGKILL, a crash, a second Ctrl-C) leaves its request `processing`
   * with nobody holding its run lease: record it as interrupted (in the history too) and return the
   * request as it now stands. Anything else is returned as it is.
   */
  async settle(r: LedgerRequest): Promise<LedgerRequest> {
    if (!(await this.abandoned(r))) return r;
    return this.mutate(r.request_id, (s) => {
      if (s.status !== 'processing') return { events: [] };
      return { events: [{ ev: 'status', at: nowIso(), status: 'interrupted', note: `the run stopped without finishing (its process is gone); continue with: zdsar requests resume ${s.request_id}` }], snapshot: true };
    });
  }

  /** list(), each request settled (see settle()). */
  async listSettled(): Promise<LedgerRequest[]> {
    return Promise.all((await this.list()).map((r) => this.settle(r)));
  }

  private async abandoned(r: LedgerRequest): Promise<boolean> {
    return r.status === 'processing' && LEASED_TYPES.includes(r.type) && !(await leaseHeld(join(this.requestDir(r.request_id), 'run.lease')));
  }

  /** HMAC of an address with this ledger's salt: compare with `subjects[].email_hash` of a purged request. */
  async hashEmail(email: string): Promise<string> {
    return hashEmail(await loadSalt(this.saltPath), email);
  }

  // ---- creating -------------------------------------------------------------------------

  async create(req: NewRequest): Promise<LedgerRequest> {
    if (!REQUEST_TYPES.includes(req.type)) throw new UsageError(`unknown request type "${String(req.type)}"`);
    const regime = req.regime ?? 'gdpr';
    if (!REGIMES.includes(regime)) throw new UsageError(`unknown regime "${String(regime)}": use gdpr or ccpa`);
    const now = req.now ?? new Date();
    const received = req.receivedAt ?? now;
    if (Number.isNaN(received.getTime())) throw new UsageError('the date the request was received is not a valid date');
    const subjects = req.subjects.map((x, i) => {
      const given = typeof x === 'string' ? { email: x } : x;
      const email = String(given.email).trim().toLowerCase();
      if (!email) throw new UsageError(`person #${i + 1} has an empty address`);
      const other = (given.other_emails ?? []).map((e) => e.trim().toLowerCase()).filter((e) => e && e !== email);
      const phones = given.phones ?? [];
      return { index: i + 1, email, ...(other.length ? { other_emails: other } : {}), ...(phones.length ? { phones } : {}) };
    });
    await ensurePrivateDir(this.home, { what: 'ZDSAR_HOME' });
    await ensurePrivateDir(this.requestsDir);

    let id = newId(now);
    if (req.key !== undefined) {
      const owner = await this.claimKey(req.key, id);
      if (owner !== id) {
        const existing = await this.waitFor(owner);
        if (existing) return existing;
        id = owner; // the claim's creator crashed before writing the request: finish its work
      }
    }
    for (;;) {
      try {
        await mkdir(this.requestDir(id), { mode: 0o700 });
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        if (req.key !== undefined) {
          const existing = await this.waitFor(id);
          if (existing) return existing;
          throw new Error(`request ${id} is being created by another process`);
        }
        id = newId(now);
      }
    }

    const ack = acknowledgeBy(received, regime);
    const state: LedgerRequest = {
      request_id: id,
      type: req.type,
      status: 'pending',
      created_at: now.toISOString(),
      received_at: received.toISOString(),
      due_at: (req.dueAt ?? dueDate(received, regime, false)).toISOString(),
      ...(ack && !req.dueAt ? { acknowledge_by: ack.toISOString() } : {}),
      extended: false,
      regime,
      requester: req.requester?.trim() || requesterDefault(),
      ...(req.reference?.trim() ? { reference: req.reference.trim() } : {}),
      subjects,
      ...(req.range && (req.range.from || req.range.to) ? { range: { ...req.range } } : {}),
      ...(req.outDir ? { out_dir: resolve(req.outDir) } : {}),
      ...(req.options ? { options: dropSecrets(req.options) } : {}),
      ...(req.key !== undefined ? { key: req.key } : {}),
      progress: {},
      evidence: [],
      errors: [],
      history: [{ at: now.toISOString(), action: 'created', status: 'pending' }],
    };
    await writeGeneration(this.requestDir(id), 'created', randomBytes(8).toString('hex'), state, now.toISOString());
    return structuredClone(state);
  }

  // ---- changing -------------------------------------------------------------------------

  /** Refuses to move a canceled request anywhere (RequestCanceledError, exit 2). */
  async setStatus(id: string, status: RequestStatus, note?: string): Promise<void> {
    if (status === 'canceled') {
      await this.cancel(id);
      return;
    }
    await this.mutate(id, (s) => {
      if (s.status === 'canceled') throw new RequestCanceledError(s.request_id);
      return { events: [{ ev: 'status', at: nowIso(), status, ...(note ? { note } : {}) }], snapshot: true };
    });
  }

  /** Where the request's package is (known only once the id is): purge deletes it. */
  /**
   * Hold the request while this process works on it: a second `resume` of a request that is still
   * running elsewhere is refused (exit 2) instead of running it twice. Returns the release.
   */
  async holdRun(id: string): Promise<() => Promise<void>> {
    const rid = await this.resolveId(id);
    if (!rid) throw new UsageError(`no request ${id} in the ledger`);
    return acquireLease(
      join(this.requestDir(rid), 'run.lease'),
      (o) => new UsageError(`request ${rid} is being worked on by another zdsar process (pid ${o.pid}${o.at ? `, since ${o.at}` : ''})`, 'Wait for it to finish, or stop it (Ctrl-C) and resume.'),
    );
  }

  async setOutDir(id: string, outDir: string): Promise<void> {
    await this.mutate(id, () => ({ events: [{ ev: 'out_dir', at: nowIso(), out_dir: resolve(outDir) }], snapshot: true }));
  }

  /** The outcome for one person as a whole (e.g. completed, not_found, failed). */
  async setSubjectStatus(id: string, subject: number, status: string): Promise<void> {
    await this.mutate(id, (s) => {
      checkSubject(s, subject);
      return { events: [{ ev: 'subject', at: nowIso(), subject, status }] };
    });
  }

  /** One person's (1-based index; 0 = the request as a whole) progress in one category. Refused once canceled. */
  async recordProgress(id: string, subject: number, category: string, p: ProgressInput): Promise<void> {
    if (!category) throw new Error('recordProgress: category is required');
    await this.append(id, (s) => {
      if (s.status === 'canceled') throw new RequestCanceledError(s.request_id);
      checkSubject(s, subject);
      return { events: [{ ev: 'progress', at: nowIso(), subject, category, p }] };
    });
  }

  /** What was done, as it happened. Accepted even after cancel: evidence of a step already taken must not be lost. */
  async recordEvidence(id: string, e: EvidenceInput): Promise<void> {
    await this.append(id, () => ({ events: [{ ev: 'evidence', at: nowIso(), e }] }));
  }

  /** An identity verification (identity.ts): method, types of evidence, verifier, who asked. Refused once purged. */
  async recordIdentity(id: string, v: IdentityInput): Promise<LedgerRequest> {
    return this.mutate(id, (s) => {
      if (s.purged_at) throw new UsageError(`request ${s.request_id} was purged: nothing more is recorded`);
      return { events: [{ ev: 'identity_verified', at: nowIso(), v }], snapshot: true };
    });
  }

  /** The officer skips the identity check, with a reason (recorded and shown). */
  async skipIdentityCheck(id: string, reason: string, by?: string): Promise<LedgerRequest> {
    const why = reason.trim();
    if (!why) throw new UsageError('--no-identity-check needs --reason TEXT (recorded in the request\'s history)');
    return this.mutate(id, () => ({ events: [{ ev: 'identity_check_skipped', at: nowIso(), reason: why, by: by?.trim() || requesterDefault() }], snapshot: true }));
  }

  /** The gate refused a step (identity.ts requireIdentity): kept in the history. */
  async recordIdentityRefusal(id: string, step: ReleaseStep, missing: string): Promise<void> {
    await this.mutate(id, () => ({ events: [{ ev: 'release_refused', at: nowIso(), step, missing }], snapshot: true }));
  }

  async recordError(id: string, e: ErrorInput): Promise<void> {
    await this.append(id, () => ({ events: [{ ev: 'error', at: nowIso(), e }] }));
  }

  /** Only a pending or processing (interrupted) request; anything else is a UsageError. */
  async cancel(id: string): Promise<LedgerRequest> {
    return this.mutate(id, (s) => {
      if (!OPEN_STATUSES.includes(s.status)) {
        throw new UsageError(
          `request ${s.request_id} is ${s.status}: only a pending or interrupted request can be canceled`,
        );
      }
      return { events: [{ ev: 'status', at: nowIso(), status: 'canceled' }], snapshot: true };
    });
  }

  /**
   * Extend the deadline, once: GDPR by two further months (three from receipt), CCPA by 45 days.
   * Any request whose answer has not gone out (lifecycle.ts: the clock still runs), only before the
   * original deadline has passed (the person must be told within it), and only with a reason (the
   * person must be told it). The original due date is kept beside the new one.
   */
  async extend(id: string, opts: { reason: string; now?: Date }): Promise<LedgerRequest> {
    const now = opts.now ?? new Date();
    const reason = opts.reason?.trim();
    if (!reason) throw new UsageError('--reason is required: the person must be told why the answer takes longer');
    return this.mutate(id, (s) => {
      const rid = s.request_id;
      if (s.purged_at) throw new UsageError(`request ${rid} was purged: there is nothing to extend`);
      if (!clockRuns(s)) throw new UsageError(`request ${rid} is ${stageOf(s)}: there is nothing to extend`);
      if (s.extended) throw new UsageError(`request ${rid} was already extended (due ${isoDay(new Date(s.due_at))}): the law allows one extension`);
      if (daysUntil(new Date(s.due_at), now) < 0) {
        throw new UsageError(
          `request ${rid} was due ${isoDay(new Date(s.due_at))}: an extension must be announced to the person before the original deadline`,
        );
      }
      const due = dueDate(new Date(s.received_at), s.regime, true).toISOString();
      const note = `extended by ${extensionText(s.regime)} (was due ${isoDay(new Date(s.due_at))}): ${reason}`;
      return { events: [{ ev: 'extended', at: now.toISOString(), due_at: due, note }], snapshot: true };
    });
  }

  /**
   * Delete the packages of finished or canceled requests older than `olderThanDays` (counted from
   * when they finished, or were created if they never did), and replace each address in their
   * ledger entry by a salted hash. Open requests are reported, not touched.
   */
  async purge(opts: { olderThanDays: number; now?: Date; dryRun?: boolean }): Promise<PurgeResult[]> {
    const now = opts.now ?? new Date();
    const cutoff = now.getTime() - opts.olderThanDays * 86_400_000;
    const out: PurgeResult[] = [];
    for (const r of await this.listSettled()) {
      if (r.purged_at) continue;
      const since = Date.parse(r.completed_at ?? r.canceled_at ?? (r.status === 'interrupted' ? lastStatusAt(r) : undefined) ?? r.created_at);
      if (since > cutoff) continue;
      const emails = r.subjects.filter((s) => s.email).length;
      if (!r.out_dir && emails === 0) continue;
      // An interrupted run is a finished one for retention, as a partial one is: resume it within the period or lose it.
      if (OPEN_STATUSES.includes(r.status) && r.status !== 'interrupted') {
        out.push({ request_id: r.request_id, removed: [], hashed: 0, skipped: `still ${r.status}: finish or cancel it first` });
        continue;
      }
      const targets = r.out_dir ? await this.packagePaths(r) : { paths: [] };
      if ('refused' in targets) {
        out.push({ request_id: r.request_id, removed: [], hashed: 0, skipped: targets.refused });
        continue;
      }
      if (!opts.dryRun) {
        for (const p of targets.paths) await deletePackage(p);
        await this.forget(r.request_id, targets.paths, now);
      }
      out.push({ request_id: r.request_id, removed: targets.paths, hashed: emails });
    }
    return out;
  }

  // ---- internals ------------------------------------------------------------------------

  /** The package folder, if it exists and passes the one deletion guard (package-guard.ts). */
  private async packagePaths(r: LedgerRequest): Promise<{ paths: string[] } | { refused: string }> {
    const c = await checkPackage(r, this.home);
    if ('refused' in c) return c;
    return { paths: c.exists ? [c.dir] : [] };
  }

  /** Rewrite the request's journal as one line without addresses (they become salted hashes). */
  private async forget(id: string, removed: string[], now: Date): Promise<void> {
    const salt = await loadSalt(this.saltPath);
    await serialize(id, () =>
      withFileLock(join(this.requestDir(id), 'lock'), async () => {
        const l = await this.load(id);
        if (!l || l.state.purged_at) return;
        const s = l.state;
        const replacements = personReplacements(s.subjects);
        const subjects = s.subjects.map((x) => ({
          index: x.index,
          ...(x.email ? { email_hash: hashEmail(salt, x.email) } : x.email_hash ? { email_hash: x.email_hash } : {}),
          ...(x.status ? { status: x.status } : {}),
        }));
        const at = now.toISOString();
        const what = removed.length ? `deleted ${removed.join(', ')}` : 'no package left to delete';
        const next: LedgerRequest = {
          ...scrub({ ...s, subjects: [] }, replacements),
          subjects,
          purged_at: at,
          history: [
            ...scrub(s.history, replacements),
            { at, action: 'purged', note: `${what}; addresses replaced by salted hashes (HMAC-SHA-256)` },
          ],
        };
        this.cache.delete(id);
        await writeGeneration(this.requestDir(id), 'compacted', randomBytes(8).toString('hex'), next, at);
      }),
    );
  }

  /**
   * Read-check-append under the request's lock (in this process and across processes).
   * `decide` sees the current state and returns the events to append, or throws to refuse.
   */
  private async mutate(idOrPrefix: string, decide: (s: LedgerRequest) => Change): Promise<LedgerRequest> {
    return (await this.change(idOrPrefix, decide, true))!;
  }

  /**
   * mutate() without the copy of the whole state, for the frequent writes whose callers do not read it
   * (an export records each category's start and end: thousands, from dozens of people at once). The
   * changes asked for while the journal is busy are written together, in the order asked, with one
   * write and one fsync (group commit); each caller returns once its own event is durable, as before.
   * One change refused (decide throws) is refused alone.
   */
  private append(idOrPrefix: string, decide: (s: LedgerRequest) => Change): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiting = this.appends.get(idOrPrefix);
      if (waiting) return void waiting.push({ decide, resolve, reject });
      this.appends.set(idOrPrefix, [{ decide, resolve, reject }]);
      this.writeAppends(idOrPrefix).catch(() => undefined); // each caller gets its own outcome
    });
  }

  private async writeAppends(idOrPrefix: string): Promise<void> {
    const id = await this.resolveId(idOrPrefix).catch(() => undefined);
    if (!id) {
      const batch = this.appends.get(idOrPrefix) ?? [];
      this.appends.delete(idOrPrefix);
      for (const a of batch) a.reject(new UsageError(`no request ${idOrPrefix} in the ledger`, 'zdsar requests list shows them.'));
      return;
    }
    const dir = this.requestDir(id);
    return serialize(id, async () => {
      // Everything asked for until now (more may come while this batch is written: they make the next one).
      const batch = this.appends.get(idOrPrefix) ?? [];
      this.appends.delete(idOrPrefix);
      try {
        await withFileLock(join(dir, 'lock'), async () => {
          const l = await this.load(id);
          if (!l) throw new UsageError(`no request ${id} in the ledger`);
          let state: LedgerRequest | undefined = l.state;
          const events: JournalEvent[] = [];
          const done: Array<() => void> = [];
          let snapshot = false;
          for (const a of batch) {
            let change: Change;
            try {
              change = a.decide(state!);
            } catch (e) {
              a.reject(e);
              continue;
            }
            for (const e of change.events) state = apply(state, e);
            events.push(...change.events);
            snapshot ||= change.snapshot === true;
            done.push(a.resolve);
          }
          if (events.length === 0) return done.forEach((f) => f());
          try {
            const size = await appendEvents(dir, events);
            const next: Loaded = { ...l, state: state!, offset: size, sinceSnapshot: l.sinceSnapshot + events.length };
            if (snapshot || next.sinceSnapshot >= SNAPSHOT_EVERY) {
              await writeSnapshot(dir, next);
              next.sinceSnapshot = 0;
            }
            this.cache.set(id, next);
          } catch (e) {
            // apply() changed the cached state in place: read it again from disk next time.
            this.cache.delete(id);
            throw e;
          }
          done.forEach((f) => f());
        });
      } catch (e) {
        for (const a of batch) a.reject(e); // a promise settled already ignores this
      }
    });
  }

  /** The copy is made under the lock: apply() updates the cached state in place. */
  private async change(idOrPrefix: string, decide: (s: LedgerRequest) => Change, copy: boolean): Promise<LedgerRequest | undefined> {
    const id = await this.resolveId(idOrPrefix);
    if (!id) throw new UsageError(`no request ${idOrPrefix} in the ledger`, 'zdsar requests list shows them.');
    const dir = this.requestDir(id);
    return serialize(id, () =>
      withFileLock(join(dir, 'lock'), async () => {
        const l = await this.load(id);
        if (!l) throw new UsageError(`no request ${idOrPrefix} in the ledger`);
        const change = decide(l.state);
        let state: LedgerRequest | undefined = l.state;
        const size = change.events.length ? await appendEvents(dir, change.events) : l.offset;
        for (const e of change.events) state = apply(state, e);
        const next: Loaded = { ...l, state: state!, offset: size, sinceSnapshot: l.sinceSnapshot + change.events.length };
        if (change.snapshot || next.sinceSnapshot >= SNAPSHOT_EVERY) {
          await writeSnapshot(dir, next);
          next.sinceSnapshot = 0;
        }
        this.cache.set(id, next);
        return copy ? structuredClone(next.state) : undefined;
      }),
    );
  }

  private async load(id: string): Promise<Loaded | undefined> {
    const l = await loadRequest(this.requestDir(id), this.cache.get(id));
    if (l) this.cache.set(id, l);
    else this.cache.delete(id);
    return l;
  }

  private async ids(): Promise<string[]> {
    try {
      return (await readdir(this.requestsDir, { withFileTypes: true })).filter((d) => d.isDirectory() && ID_RE.test(d.name)).map((d) => d.name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  /** An exact id, or a unique prefix of one; never a path. */
  private async resolveId(idOrPrefix: string): Promise<string | undefined> {
    const want = idOrPrefix.trim();
    if (!ID_RE.test(want)) return undefined;
    if (this.cache.has(want) || (await stat(this.requestDir(want)).then((st) => st.isDirectory(), () => false))) return want;
    const ids = await this.ids();
    const matches = ids.filter((i) => i.startsWith(want));
    if (matches.length > 1) {
      throw new UsageError(`"${want}" matches ${matches.length} requests (${matches.slice(0, 3).join(', ')}${matches.length > 3 ? ', …' : ''}): give more of the id`);
    }
    return matches[0];
  }

  private keyPath(key: string): string {
    return join(this.keysDir, createHash('sha256').update(key).digest('hex'));
  }

  /** Bind `key` to `id` unless it is bound already; returns the id it is bound to. */
  private async claimKey(key: string, id: string): Promise<string> {
    await ensurePrivateDir(this.keysDir);
    const path = this.keyPath(key);
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
    const h = await open(tmp, 'wx', 0o600);
    try {
      await h.writeFile(id + '\n');
      await h.sync();
    } finally {
      await h.close();
    }
    try {
      await link(tmp, path);
      return id;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      return (await readFile(path, 'utf8')).trim();
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }

  /** A request another process is creating right now: give it a moment to appear. */
  private async waitFor(id: string): Promise<LedgerRequest | undefined> {
    for (let i = 0; i < 50; i++) {
      const r = await this.get(id);
      if (r) return r;
      await sleep(20);
    }
    return undefined;
  }
}

function nowIso(): string {
  return new Date().toISOString();
}

/** When the request's status last changed (for an interrupted one: when it was interrupted). */
function lastStatusAt(r: LedgerRequest): string | undefined {
  return [...r.history].reverse().find((h) => h.action === 'status')?.at;
}

function checkSubject(s: LedgerRequest, subject: number): void {
  if (!Number.isInteger(subject) || subject < 0 || subject > s.subjects.length) {
    throw new Error(`request ${s.request_id} has no person #${subject} (it has ${s.subjects.length})`);
  }
}

function dropSecrets(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([k, v]) => !SECRET_KEY_RE.test(k) && v !== undefined));
}
