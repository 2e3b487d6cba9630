/**
 * The ledger through the built CLI (bin/zdsar.js → dist/), as a child process, and from several
 * processes at once. dist/ is built once by test/global-setup.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.js';
import { Ledger } from '../../src/ledger/index.js';

const DIST_LEDGER = join(ROOT, 'dist', 'ledger', 'index.js');

function run(args: string[], home: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH, HOME: home, ZDSAR_HOME: home, CI: 'true', NO_COLOR: '1' } },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const tempHome = () => join(mkdtempSync(join(tmpdir(), 'zdsar-cli-')), 'home');

describe('zdsar requests (child process)', () => {
  it('list --json: newest first, with the contract fields; the table marks overdue requests', async () => {
    const home = tempHome();
    const ledger = Ledger.open(home);
    const created = Date.now() - 60_000;
    const old = await ledger.create({ type: 'export', subjects: ['a@example.com'], receivedAt: new Date('2020-01-31T00:00:00Z'), now: new Date(created) });
    const soon = await ledger.create({ type: 'export', subjects: ['b@example.com', 'c@example.com'], receivedAt: new Date(Date.now() - 27 * 86_400_000), now: new Date(created + 1000) });

    const json = await run(['requests', 'list', '--json'], home);
    expect(json.code).toBe(0);
    const list = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    expect(list.map((r) => r.request_id)).toEqual([soon.request_id, old.request_id]);
    for (const r of list) for (const k of ['request_id', 'type', 'status', 'created_at', 'due_at', 'subjects']) expect(r).toHaveProperty(k);
    expect(list[1]).toMatchObject({ status: 'pending', due_at: '2020-02-29T00:00:00.000Z', urgency: 'overdue' });
    expect(list[0]).toMatchObject({ urgency: 'due-soon' });

    const table = await run(['requests', 'list'], home);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`${old.request_id}.*2020-02-29 OVERDUE \\d+d`));
    expect(table.stdout).toMatch(new RegExp(`${soon.request_id}.*due in [0-9]d`));
    expect(table.stdout).not.toContain('\u001b['); // no colour into a pipe
    expect(table.stdout).not.toContain('@'); // the table names no one
  });

  it('show names people by position unless --show-emails; an unknown id is exit 2', async () => {
    const home = tempHome();
    const ledger = Ledger.open(home);
    const r = await ledger.create({ type: 'export', subjects: ['alice@example.com'] });
    await ledger.recordProgress(r.request_id, 1, 'meetings', { status: 'failed', error: 'HTTP 500' });
    await ledger.recordEvidence(r.request_id, { action: 'GET', subject: 1, target: '/users/alice@example.com', outcome: '500' });

    const shown = await run(['requests', 'show', r.request_id], home);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/#1\s+-\s+meetings\s+failed\s+HTTP 500/);
    expect(shown.stdout).not.toContain('alice');
    const withEmails = await run(['requests', 'show', r.request_id, '--show-emails'], home);
    expect(withEmails.stdout).toContain('#1 <alice@example.com>');

    const missing = await run(['requests', 'show', 'r-19990101-000000-dead'], home);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no request r-19990101-000000-dead');
  });

  it('resume refuses a canceled request with exit 2; cancel refuses a completed one', async () => {
    const home = tempHome();
    const ledger = Ledger.open(home);
    const r = await ledger.create({ type: 'export', subjects: ['a@example.com'] });
    await ledger.setStatus(r.request_id, 'processing');

    const canceled = await run(['requests', 'cancel', r.request_id], home);
    expect(canceled.code).toBe(0);
    expect(canceled.stderr).toContain(`Canceled ${r.request_id}`);
    expect((await ledger.get(r.request_id))!.status).toBe('canceled');

    const resumed = await run(['requests', 'resume', r.request_id], home);
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toMatch(/was canceled.*does nothing more/);
    expect((await ledger.get(r.request_id))!.status).toBe('canceled');

    const done = await ledger.create({ type: 'export', subjects: [] });
    await ledger.setStatus(done.request_id, 'completed');
    const again = await run(['requests', 'cancel', done.request_id], home);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/is completed: only a pending or interrupted request can be canceled/);
    const nothing = await run(['requests', 'resume', done.request_id], home);
    expect(nothing.code, nothing.stderr).toBe(0);
    expect(nothing.stderr).toContain(`Nothing to do: request ${done.request_id} is already completed`);
  });

  it('purge says what it deleted; --older-than is validated', async () => {
    const home = tempHome();
    const ledger = Ledger.open(home);
    const r = await ledger.create({ type: 'export', subjects: ['a@example.com'], outDir: join(home, 'exports', 'x') });
    await ledger.setStatus(r.request_id, 'completed');

    expect((await run(['requests', 'purge', '--older-than', 'soon'], home)).code).toBe(2);
    const none = await run(['requests', 'purge'], home);
    expect(none.stderr).toMatch(/Nothing to purge/);
    const dry = await run(['requests', 'purge', '--older-than', '0', '--json'], home);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dry_run: true, results: [{ request_id: r.request_id, removed: [], hashed: 1 }] });
    expect((await ledger.get(r.request_id))!.subjects[0]!.email).toBe('a@example.com'); // a dry run without --yes
    const res = await run(['requests', 'purge', '--older-than', '0', '--json', '--yes'], home);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ dry_run: false, older_than_days: 0, results: [{ request_id: r.request_id, removed: [], hashed: 1 }] });
    expect((await run(['requests', 'list', '--json'], home)).stdout.trim()).toBe('[]'); // purged ones only with --all
    const all = JSON.parse((await run(['requests', 'list', '--json', '--all'], home)).stdout) as Array<{ subjects: Array<{ email?: string }> }>;
    expect(all[0]!.subjects[0]!.email).toBeUndefined();
  });
});

describe('several processes writing one request', () => {
  it('loses no event and corrupts no line', async () => {
    const home = tempHome();
    const r = await Ledger.open(home).create({ type: 'export', subjects: ['a@example.com', 'b@example.com', 'c@example.com'] });
    const script = `
      const { Ledger } = await import(${JSON.stringify(pathToFileURL(DIST_LEDGER).href)});
      const l = Ledger.open(process.env.ZDSAR_HOME);
      const [id, worker] = process.argv.slice(1);
      await Promise.all(Array.from({ length: 40 }, (_, i) =>
        l.recordProgress(id, 1 + (i % 3), 'w' + worker + '-' + i, { status: 'done', records: i })));
    `;
    const workers = ['1', '2', '3', '4'].map(
      (w) =>
        new Promise<void>((resolve, reject) =>
          execFile(process.execPath, ['--input-type=module', '-e', script, r.request_id, w], { env: { ...process.env, ZDSAR_HOME: home } }, (err, _o, stderr) =>
            err ? reject(new Error(stderr || String(err))) : resolve(),
          ),
        ),
    );
    await Promise.all(workers);
    const s = (await Ledger.open(home).get(r.request_id))!;
    const count = Object.values(s.progress).reduce((n, cats) => n + Object.keys(cats).length, 0);
    expect(count).toBe(160);
    const { readFile } = await import('node:fs/promises');
    const lines = (await readFile(join(Ledger.open(home).requestDir(r.request_id), 'journal.jsonl'), 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(161);
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
  });
});
