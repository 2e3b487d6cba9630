import { mkdtempSync, statSync } from 'node:fs';
import { appendFile, mkdir, readFile, readdir, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { appendLineDurable, ensurePrivateDir, writeFileAtomic } from '../../src/fs/atomic.js';
import { Ledger, RequestCanceledError, subjectLabel, type LedgerRequest } from '../../src/ledger/index.js';

let home: string;
let ledger: Ledger;

const mode = (p: string) => statSync(p).mode & 0o777;
const journalOf = (id: string) => join(ledger.requestDir(id), 'journal.jsonl');
const snapshotOf = (id: string) => join(ledger.requestDir(id), 'snapshot.json');

beforeEach(() => {
  home = join(mkdtempSync(join(tmpdir(), 'zdsar-ledger-')), 'home');
  ledger = Ledger.open(home);
});

afterEach(() => {
  // temp folders are left to the OS: they hold only test data
});

function newExport(extra: Partial<Parameters<Ledger['create']>[0]> = {}) {
  return ledger.create({ type: 'export', subjects: ['Alice@Example.com', ' bob@example.org '], requester: 'dpo', ...extra });
}

describe('create, get, list', () => {
  it('records a request with deadlines, normalised people and a sortable id; creates nothing before the first write', async () => {
    await expect(ledger.list()).resolves.toEqual([]);
    await expect(stat(home)).rejects.toMatchObject({ code: 'ENOENT' });

    const r = await newExport({ receivedAt: new Date('2026-01-31T00:00:00Z'), range: { from: '2025-01-01' }, options: { plan: 'pro', clientSecret: 'x', token: 'y' } });
    expect(r.request_id).toMatch(/^r-\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect(r).toMatchObject({
      type: 'export',
      status: 'pending',
      regime: 'gdpr',
      requester: 'dpo',
      received_at: '2026-01-31T00:00:00.000Z',
      due_at: '2026-02-28T00:00:00.000Z',
      extended: false,
      subjects: [
        { index: 1, email: 'alice@example.com' },
        { index: 2, email: 'bob@example.org' },
      ],
      range: { from: '2025-01-01' },
      options: { plan: 'pro' },
    });
    expect(r.acknowledge_by).toBeUndefined();
    expect(await ledger.get(r.request_id)).toEqual(r);
    expect(await ledger.get(r.request_id.slice(0, 15))).toEqual(r); // a unique prefix
    expect(await ledger.get('r-nothing')).toBeUndefined();
    expect(await ledger.get('../../etc/passwd')).toBeUndefined();
  });

  it('CCPA requests carry an acknowledgement date; the requester defaults to the OS user', async () => {
    const r = await ledger.create({ type: 'export', subjects: [], regime: 'ccpa', receivedAt: new Date('2026-01-05T10:00:00Z') });
    expect(r.acknowledge_by).toBe('2026-01-19T10:00:00.000Z');
    expect(r.due_at).toBe('2026-02-19T10:00:00.000Z');
    expect(r.requester.length).toBeGreaterThan(0);
  });

  it('lists newest first', async () => {
    const a = await newExport({ now: new Date('2026-01-05T10:00:00Z') });
    const b = await newExport({ now: new Date('2026-01-05T10:00:01Z') });
    expect((await ledger.list()).map((r) => r.request_id)).toEqual([b.request_id, a.request_id]);
  });

  it('files are 0600 and folders 0700, whatever the umask', async () => {
    const old = process.umask(0o000);
    try {
      const r = await newExport({ key: 'k1' });
      await ledger.recordProgress(r.request_id, 1, 'meetings', { status: 'done' });
      await ledger.cancel(r.request_id);
      await ledger.purge({ olderThanDays: 0 });
      for (const dir of [home, join(home, 'ledger'), join(home, 'ledger', 'requests'), join(home, 'ledger', 'keys'), ledger.requestDir(r.request_id)]) {
        expect(mode(dir), dir).toBe(0o700);
      }
      const files = [journalOf(r.request_id), snapshotOf(r.request_id), ledger.saltPath, ...(await readdir(join(home, 'ledger', 'keys'))).map((f) => join(home, 'ledger', 'keys', f))];
      for (const f of files) expect(mode(f), f).toBe(0o600);
      expect(await readdir(ledger.requestDir(r.request_id))).toEqual(['journal.jsonl', 'snapshot.json']); // no lock or temp files left
    } finally {
      process.umask(old);
    }
  });

  it('an idempotency key returns the existing request, even when created concurrently', async () => {
    const made = await Promise.all(Array.from({ length: 8 }, () => ledger.create({ type: 'compliance-notify', subjects: [], key: 'zoom-deauth:abc' })));
    const other = Ledger.open(home);
    const again = await other.create({ type: 'compliance-notify', subjects: [], key: 'zoom-deauth:abc' });
    expect(new Set([...made, again].map((r) => r.request_id)).size).toBe(1);
    expect((await ledger.findByKey('zoom-deauth:abc'))?.request_id).toBe(again.request_id);
    expect(await ledger.findByKey('zoom-deauth:other')).toBeUndefined();
    expect(await ledger.list()).toHaveLength(1);
  });

  it('refuses bad input as usage errors', async () => {
    await expect(ledger.create({ type: 'nope' as never, subjects: [] })).rejects.toBeInstanceOf(UsageError);
    await expect(ledger.create({ type: 'export', subjects: ['  '] })).rejects.toThrow(/#1/);
    await expect(ledger.cancel('r-missing')).rejects.toThrow(/no request r-missing/);
  });
});

describe('progress, evidence, errors', () => {
  it('changes asked for at once are written together, in order, each durable when its call returns; one refused is refused alone', async () => {
    const id = (await newExport()).request_id;
    const before = (await readFile(journalOf(id), 'utf8')).split('\n').filter(Boolean).length;
    const calls = Array.from({ length: 200 }, (_, i) => ledger.recordProgress(id, (i % 2) + 1, `c${i}`, { status: 'done', records: i }));
    const refused = ledger.recordProgress(id, 3, 'nobody', { status: 'done' });
    const outcomes = await Promise.allSettled([...calls, refused]);
    expect(outcomes.slice(0, 200).every((o) => o.status === 'fulfilled')).toBe(true);
    expect(outcomes[200]).toMatchObject({ status: 'rejected', reason: expect.objectContaining({ message: expect.stringMatching(/no person #3/) }) });
    // Every event is on disk, once, in the order asked (another instance: no cache).
    const lines = (await readFile(journalOf(id), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { ev: string; category?: string });
    expect(lines.slice(before).map((l) => l.category)).toEqual(Array.from({ length: 200 }, (_, i) => `c${i}`));
    const fresh = await Ledger.open(home).get(id);
    expect(fresh!.progress['1']!.c198).toMatchObject({ status: 'done', records: 198 });
    expect(fresh!.progress['2']!.c199).toMatchObject({ status: 'done', records: 199 });
    expect(fresh!.progress['3']).toBeUndefined();
  });

  it('replays every change, per person and category', async () => {
    const r = await newExport();
    const id = r.request_id;
    await ledger.setStatus(id, 'processing');
    await ledger.setOutDir(id, join(home, 'exports', id));
    await ledger.recordProgress(id, 1, 'meetings', { status: 'in_progress', checkpoint: { next_page_token: 'abc' } });
    await ledger.recordProgress(id, 1, 'meetings', { status: 'done', records: 12, file: 'subjects/1/meetings.json' });
    await ledger.recordProgress(id, 2, 'webinars', { status: 'failed', error: 'HTTP 500' });
    await ledger.recordError(id, { subject: 2, category: 'webinars', message: 'HTTP 500' });
    await ledger.recordEvidence(id, { action: 'GET', subject: 1, target: '/users/alice%40example.com', outcome: '200' });
    await ledger.setSubjectStatus(id, 1, 'completed');
    await ledger.setStatus(id, 'partial', 'one category failed');
    await expect(ledger.recordProgress(id, 3, 'meetings', { status: 'done' })).rejects.toThrow(/no person #3/);

    const fresh = await Ledger.open(home).get(id); // another instance: no cache
    expect(fresh).toMatchObject({
      status: 'partial',
      out_dir: join(home, 'exports', id),
      progress: {
        '1': { meetings: { status: 'done', records: 12, file: 'subjects/1/meetings.json' } },
        '2': { webinars: { status: 'failed', error: 'HTTP 500' } },
      },
      errors: [{ subject: 2, category: 'webinars', message: 'HTTP 500' }],
      evidence: [{ action: 'GET', subject: 1, outcome: '200' }],
      subjects: [{ index: 1, status: 'completed' }, { index: 2 }],
    });
    expect(fresh!.completed_at).toBeDefined();
    expect(fresh!.history.map((h) => h.status ?? h.action)).toEqual(['pending', 'processing', 'partial']);
    expect(fresh!.history.at(-1)!.note).toBe('one category failed');
  });

  it('the journal is plain JSON lines, one event each', async () => {
    const r = await newExport();
    await ledger.recordProgress(r.request_id, 1, 'meetings', { status: 'done', records: 3 });
    const lines = (await readFile(journalOf(r.request_id), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as { ev: string });
    expect(lines.map((l) => l.ev)).toEqual(['created', 'progress']);
  });

  it('labels people by position unless addresses are asked for', async () => {
    const r = await newExport();
    expect(subjectLabel(r, 2, false)).toBe('#2');
    expect(subjectLabel(r, 2, true)).toBe('#2 <bob@example.org>');
  });
});

describe('crash safety', () => {
  async function withHistory(): Promise<LedgerRequest> {
    const r = await newExport();
    for (let i = 0; i < 5; i++) await ledger.recordProgress(r.request_id, 1, `cat${i}`, { status: 'done', records: i });
    return r;
  }

  it('ignores a torn last line (crash mid-append) and the next append starts on a fresh line', async () => {
    const r = await withHistory();
    const path = journalOf(r.request_id);
    const { size } = await stat(path);
    await truncate(path, size - 10); // the last event is cut mid-line

    const reopened = Ledger.open(home);
    const s = await reopened.get(r.request_id);
    expect(Object.keys(s!.progress['1']!)).toEqual(['cat0', 'cat1', 'cat2', 'cat3']);

    await reopened.recordProgress(r.request_id, 2, 'meetings', { status: 'done' });
    const after = await Ledger.open(home).get(r.request_id);
    expect(Object.keys(after!.progress['1']!)).toEqual(['cat0', 'cat1', 'cat2', 'cat3']);
    expect(after!.progress['2']!.meetings!.status).toBe('done');
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines.filter((l) => l && !isJson(l))).toHaveLength(1); // the fragment, alone on its line
  });

  it('survives truncation at every byte offset: the state is always a valid prefix of the history', async () => {
    const r = await withHistory();
    const path = journalOf(r.request_id);
    const full = await readFile(path);
    const firstLineEnd = full.indexOf(0x0a) + 1;
    for (let cut = full.length; cut >= 0; cut -= 7) {
      await writeFile(path, full.subarray(0, cut));
      const s = await Ledger.open(home).get(r.request_id);
      if (cut < firstLineEnd) {
        expect(s).toBeUndefined(); // not even the creation survived: the folder is skipped
        expect(await Ledger.open(home).list()).toEqual([]);
        continue;
      }
      const cats = Object.keys(s!.progress['1'] ?? {});
      const complete = full.subarray(0, cut).toString().split('\n').length - 2; // complete progress lines
      expect(cats).toEqual(['cat0', 'cat1', 'cat2', 'cat3', 'cat4'].slice(0, complete));
    }
  });

  it('a snapshot that does not match the journal (truncated, then grown again) is not trusted', async () => {
    const r = await withHistory();
    await ledger.setStatus(r.request_id, 'processing'); // writes a snapshot covering all of the above
    const path = journalOf(r.request_id);
    const full = await readFile(path);
    await writeFile(path, full.subarray(0, full.indexOf(0x0a) + 1)); // only the creation survives
    const other = Ledger.open(home);
    await other.recordProgress(r.request_id, 2, 'a', { status: 'done' });
    await other.recordProgress(r.request_id, 2, 'b', { status: 'done' });
    await appendFile(path, '{"ev":"progress","at":"x","subject":2,"category":"c","p":{"status":"done"}}\n');
    const s = await Ledger.open(home).get(r.request_id);
    expect(s!.status).toBe('pending');
    expect(s!.progress['1']).toBeUndefined();
    expect(Object.keys(s!.progress['2']!)).toEqual(['a', 'b', 'c']);
  });

  it('a corrupt or missing snapshot only costs a replay', async () => {
    const r = await withHistory();
    await ledger.setStatus(r.request_id, 'processing');
    const expected = await ledger.get(r.request_id);
    await writeFile(snapshotOf(r.request_id), '{"v":1,"gen":');
    expect(await Ledger.open(home).get(r.request_id)).toEqual(expected);
    await writeFile(snapshotOf(r.request_id), JSON.stringify({ v: 1, gen: 'f00', offset: 3, tail: 'x', state: { request_id: 'forged' } }));
    expect(await Ledger.open(home).get(r.request_id)).toEqual(expected);
  });

  it('snapshots keep replay short: the snapshot is refreshed every 64 events', async () => {
    const r = await newExport();
    for (let i = 0; i < 70; i++) await ledger.recordProgress(r.request_id, 1, `c${i}`, { status: 'done' });
    const snap = JSON.parse(await readFile(snapshotOf(r.request_id), 'utf8')) as { offset: number; state: LedgerRequest };
    expect(Object.keys(snap.state.progress['1']!).length).toBeGreaterThanOrEqual(64);
    expect(snap.offset).toBeLessThan((await stat(journalOf(r.request_id))).size);
  });
});

describe('concurrency', () => {
  it('many concurrent writes from two ledger instances (two "processes" sharing the files) lose nothing', async () => {
    const r = await ledger.create({ type: 'export', subjects: Array.from({ length: 10 }, (_, i) => `p${i}@example.com`) });
    const a = Ledger.open(home);
    const b = Ledger.open(home);
    const writes: Promise<void>[] = [];
    for (let s = 1; s <= 10; s++) {
      for (let c = 0; c < 10; c++) {
        const l = (s + c) % 2 ? a : b;
        writes.push(l.recordProgress(r.request_id, s, `cat${c}`, { status: 'done', records: s * c }));
        if (c === 0) writes.push(l.recordEvidence(r.request_id, { action: 'GET', subject: s, outcome: '200' }));
      }
    }
    writes.push(a.setStatus(r.request_id, 'processing'));
    // readers while writing see a valid state
    const reads = Array.from({ length: 20 }, () => Ledger.open(home).get(r.request_id));
    await Promise.all(writes);
    for (const s of await Promise.all(reads)) expect(s?.request_id).toBe(r.request_id);

    const final = await Ledger.open(home).get(r.request_id);
    for (let s = 1; s <= 10; s++) expect(Object.keys(final!.progress[String(s)]!)).toHaveLength(10);
    expect(final!.evidence).toHaveLength(10);
    expect(final!.status).toBe('processing');
    const lines = (await readFile(journalOf(r.request_id), 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(1 + 100 + 10 + 1);
    expect(lines.every(isJson)).toBe(true);
  });

  it('a stale lock left by a crashed process is taken over', async () => {
    const r = await newExport();
    await writeFile(join(ledger.requestDir(r.request_id), 'lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname() }));
    await ledger.recordProgress(r.request_id, 1, 'meetings', { status: 'done' });
    expect((await ledger.get(r.request_id))!.progress['1']!.meetings!.status).toBe('done');
  });
});

describe('cancel', () => {
  it('cancels a pending or interrupted request, which then does nothing more', async () => {
    const pending = await newExport();
    const c = await ledger.cancel(pending.request_id);
    expect(c.status).toBe('canceled');
    expect(c.canceled_at).toBeDefined();

    const interrupted = await newExport();
    await ledger.setStatus(interrupted.request_id, 'processing');
    await Ledger.open(home).cancel(interrupted.request_id); // from another "process"
    await expect(ledger.recordProgress(interrupted.request_id, 1, 'meetings', { status: 'done' })).rejects.toBeInstanceOf(RequestCanceledError);
    await expect(ledger.setStatus(interrupted.request_id, 'completed')).rejects.toBeInstanceOf(UsageError);
    await expect(ledger.setStatus(interrupted.request_id, 'processing')).rejects.toThrow(/canceled/);
    // evidence of a step already under way is still kept
    await ledger.recordEvidence(interrupted.request_id, { action: 'DELETE', outcome: 'done after cancel' });
    const s = await ledger.get(interrupted.request_id);
    expect(s!.status).toBe('canceled');
    expect(s!.progress).toEqual({});
    expect(s!.evidence).toHaveLength(1);
  });

  it.each(['completed', 'partial', 'failed'] as const)('refuses a %s request', async (status) => {
    const r = await newExport();
    await ledger.setStatus(r.request_id, status);
    await expect(ledger.cancel(r.request_id)).rejects.toThrow(new RegExp(`is ${status}: only a pending or interrupted request can be canceled`));
  });

  it('refuses a canceled one, and replay ignores any status written after a cancel', async () => {
    const r = await newExport();
    await ledger.cancel(r.request_id);
    await expect(ledger.cancel(r.request_id)).rejects.toBeInstanceOf(UsageError);
    // a writer that raced the cancel (or a hand edit) cannot revive it
    await appendFile(journalOf(r.request_id), JSON.stringify({ ev: 'status', at: new Date().toISOString(), status: 'processing' }) + '\n');
    expect((await Ledger.open(home).get(r.request_id))!.status).toBe('canceled');
  });
});

describe('extend', () => {
  it('extends a GDPR request once, to three months from receipt', async () => {
    const r = await newExport({ receivedAt: new Date('2026-01-31T00:00:00Z') });
    const e = await ledger.extend(r.request_id, { now: new Date('2026-02-10T00:00:00Z'), reason: 'complex' });
    expect(e.due_at).toBe('2026-04-30T00:00:00.000Z');
    expect(e.extended).toBe(true);
    expect(e.original_due_at).toBe('2026-02-28T00:00:00.000Z');
    expect(e.history.at(-1)).toMatchObject({ action: 'extended', note: 'extended by two further months (was due 2026-02-28): complex' });
    await expect(ledger.extend(r.request_id, { now: new Date('2026-02-11T00:00:00Z'), reason: 'again' })).rejects.toThrow(/already extended/);
  });

  it('extends a CCPA request by 45 days', async () => {
    const r = await newExport({ regime: 'ccpa', receivedAt: new Date('2026-01-05T00:00:00Z') });
    const e = await ledger.extend(r.request_id, { now: new Date('2026-02-19T12:00:00Z'), reason: 'volume' }); // on the due day: still in time
    expect(e.due_at).toBe('2026-04-05T00:00:00.000Z');
  });

  it('refuses without a reason, after the original deadline, and for canceled or sent requests; a collected but unsent one is extended', async () => {
    const r = await newExport();
    await expect(ledger.extend(r.request_id, { reason: '  ' })).rejects.toThrow(/--reason is required/);
    const late = await newExport({ receivedAt: new Date('2026-01-31T00:00:00Z') });
    await expect(ledger.extend(late.request_id, { now: new Date('2026-03-01T00:00:00Z'), reason: 'x' })).rejects.toThrow(/before the original deadline/);
    const canceled = await newExport();
    await ledger.cancel(canceled.request_id);
    await expect(ledger.extend(canceled.request_id, { reason: 'x' })).rejects.toThrow(/canceled/);
    const sent = await newExport();
    await ledger.setStatus(sent.request_id, 'completed');
    await ledger.recordEvidence(sent.request_id, { action: 'sent', request: { method: 'email', on: '2026-01-01' }, outcome: 'sent' });
    await expect(ledger.extend(sent.request_id, { reason: 'x' })).rejects.toThrow(/is sent: there is nothing to extend/);
    const collected = await newExport();
    await ledger.setStatus(collected.request_id, 'completed');
    expect((await ledger.extend(collected.request_id, { reason: 'many recordings to review' })).extended).toBe(true);
  });
});

describe('purge', () => {
  const DAY = 86_400_000;

  async function finishedWithPackage(name?: string) {
    const r = await newExport();
    const dir = join(home, 'exports', name ?? r.request_id);
    await ensurePrivateDir(join(dir, 'subjects', '1'));
    await writeFileAtomic(join(dir, 'subjects', '1', 'meetings.json'), '[{"host_email":"alice@example.com"}]');
    await writeFileAtomic(join(dir, 'manifest.json'), JSON.stringify({ request_id: r.request_id }));
    await ledger.setOutDir(r.request_id, dir);
    await ledger.recordEvidence(r.request_id, { action: 'GET', subject: 1, target: '/users/ALICE%40example.com', request: { email: 'Alice@Example.com' }, outcome: '200' });
    await ledger.recordError(r.request_id, { subject: 2, message: 'no Zoom user bob@example.org' });
    await ledger.setStatus(r.request_id, 'completed');
    return { r, dir };
  }

  it("a person's further addresses and phone numbers are kept until the purge, then gone from every file of the request", async () => {
    const r = await ledger.create({ type: 'export', subjects: [{ email: 'Pat@Example.com', other_emails: ['pat@old.example', 'pat@example.com'], phones: ['+442079460018'] }] });
    expect(r.subjects[0]).toEqual({ index: 1, email: 'pat@example.com', other_emails: ['pat@old.example'], phones: ['+442079460018'] });
    await ledger.recordError(r.request_id, { subject: 1, message: 'a registration of pat@old.example for +442079460018' });
    await ledger.setStatus(r.request_id, 'completed');
    await ledger.purge({ olderThanDays: 90, now: new Date(Date.now() + 91 * DAY) });
    const s = (await Ledger.open(home).get(r.request_id))!;
    expect(s.purged_at).toBeDefined();
    expect(s.subjects[0]).toEqual({ index: 1, email_hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    for (const f of await readdir(ledger.requestDir(r.request_id))) {
      const text = await readFile(join(ledger.requestDir(r.request_id), f), 'utf8');
      expect(text, f).not.toContain('pat@');
      expect(text, f).not.toContain('+442079460018');
    }
  });

  it('deletes packages older than the retention period and keeps salted hashes instead of addresses', async () => {
    const { r, dir } = await finishedWithPackage();
    const recent = await finishedWithPackage();
    const later = new Date(Date.now() + 91 * DAY);

    // the recent one is not old enough at 90 days from "now"; both are at 91 days from now
    expect(await ledger.purge({ olderThanDays: 90 })).toEqual([]);
    const dry = await ledger.purge({ olderThanDays: 90, now: later, dryRun: true });
    expect(dry.map((x) => x.request_id).sort()).toEqual([r.request_id, recent.r.request_id].sort());
    expect(statSync(dir).isDirectory()).toBe(true); // dry run deleted nothing

    const results = await ledger.purge({ olderThanDays: 90, now: later });
    expect(results).toContainEqual({ request_id: r.request_id, removed: [dir], hashed: 2 });
    await expect(stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });

    const s = (await Ledger.open(home).get(r.request_id))!;
    expect(s.purged_at).toBe(later.toISOString());
    expect(s.subjects.every((x) => x.email === undefined && /^[0-9a-f]{64}$/.test(x.email_hash!))).toBe(true);
    expect(s.subjects[0]!.email_hash).toBe(await ledger.hashEmail('ALICE@example.com'));
    expect(s.history.at(-1)).toMatchObject({ action: 'purged' });
    expect(s.history.at(-1)!.note).toMatch(/salted hashes/);
    expect(subjectLabel(s, 1, true)).toMatch(/^#1 \(hash [0-9a-f]{8}\)$/);

    // no address is left anywhere in the request's files
    for (const f of await readdir(ledger.requestDir(r.request_id))) {
      const text = (await readFile(join(ledger.requestDir(r.request_id), f), 'utf8')).toLowerCase();
      expect(text, f).not.toContain('alice');
      expect(text, f).not.toContain('bob@');
    }
    expect(s.evidence[0]!.target).toBe('/users/[person #1]');
    expect(s.errors[0]!.message).toBe('no Zoom user [person #2]');

    // the salt is stable and purging again does nothing
    expect(await ledger.purge({ olderThanDays: 90, now: later })).toEqual([]);
    expect((await ledger.list()).find((x) => x.request_id === r.request_id)!.subjects[0]!.email_hash).toBe(s.subjects[0]!.email_hash);
  });

  it('leaves open requests alone and says so', async () => {
    const r = await newExport();
    const release = await ledger.holdRun(r.request_id); // a run is working on it
    await ledger.setStatus(r.request_id, 'processing');
    const res = await ledger.purge({ olderThanDays: 0, now: new Date(Date.now() + DAY) });
    expect(res).toEqual([{ request_id: r.request_id, removed: [], hashed: 0, skipped: 'still processing: finish or cancel it first' }]);
    expect((await ledger.get(r.request_id))!.subjects[0]!.email).toBe('alice@example.com');
    await release();
  });

  it('refuses to delete a folder that is not recognisably the package', async () => {
    const r = await newExport();
    const dir = join(home, 'not-a-package');
    await mkdir(dir);
    await writeFile(join(dir, 'precious.txt'), 'x');
    await ledger.setOutDir(r.request_id, dir);
    await ledger.setStatus(r.request_id, 'failed');
    const [res] = await ledger.purge({ olderThanDays: 0, now: new Date(Date.now() + DAY) });
    expect(res!.skipped).toMatch(/not deleting/);
    expect(await readFile(join(dir, 'precious.txt'), 'utf8')).toBe('x');
  });

  it('purges a canceled request whose package is already gone (addresses still hashed)', async () => {
    const r = await newExport({ outDir: join(home, 'exports', 'gone') });
    await ledger.cancel(r.request_id);
    const [res] = await ledger.purge({ olderThanDays: 0, now: new Date(Date.now() + DAY) });
    expect(res).toEqual({ request_id: r.request_id, removed: [], hashed: 2 });
    expect((await ledger.get(r.request_id))!.subjects.map((s) => s.email)).toEqual([undefined, undefined]);
  });
});

describe('src/fs/atomic', () => {
  it('writeFileAtomic replaces a file in one step with mode 0600; ensurePrivateDir creates 0700 and never chmods an existing folder', async () => {
    const made = join(home, 'new', 'leaf');
    await ensurePrivateDir(made);
    expect(mode(made)).toBe(0o700);
    expect(mode(join(home, 'new'))).toBe(0o700);
    const dir = join(home, 'a', 'b');
    await mkdir(dir, { recursive: true, mode: 0o755 });
    await ensurePrivateDir(dir);
    expect(mode(dir)).toBe(0o755); // not zdsar's to change (issue 15); a folder others can write is refused instead
    const f = join(dir, 'x.json');
    await writeFile(f, 'old', { mode: 0o644 });
    await writeFileAtomic(f, 'new');
    expect(await readFile(f, 'utf8')).toBe('new');
    expect(mode(f)).toBe(0o600);
    expect(await readdir(dir)).toEqual(['x.json']);
  });

  it('appendLineDurable appends whole lines, repairs a torn end, and returns the size', async () => {
    await ensurePrivateDir(home);
    const f = join(home, 'j.jsonl');
    expect(await appendLineDurable(f, '{"a":1}')).toBe(8);
    await appendFile(f, '{"b":');
    await appendLineDurable(f, '{"c":3}');
    expect(await readFile(f, 'utf8')).toBe('{"a":1}\n{"b":\n{"c":3}\n');
    expect(mode(f)).toBe(0o600);
    await expect(appendLineDurable(f, 'two\nlines')).rejects.toThrow(/newline/);
  });
});

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}
