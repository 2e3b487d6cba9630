/**
 * Issue 15: safe on a shared machine. Each case reproduces a finding over a real file system
 * (symbolic links, folders owned by another uid: the suite runs as root, so "another user" is
 * uid 65534, nobody) or real sockets (the sandbox), and fails on the code before the fix.
 */
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { Ledger } from '../../src/ledger/index.js';
import { writeGeneration } from '../../src/ledger/journal.js';
import { appendLineDurable, ensurePrivateDir, writeFileAtomic } from '../../src/fs/atomic.js';
import { openNoFollow } from '../../src/fs/safe.js';
import { isLoopbackHost } from '../../src/config.js';
import { clientTuning } from '../../src/config.js';
import { ZoomClient } from '../../src/zoom/client.js';
import { downloadFile } from '../../src/zoom/download.js';
import { startFakeZoomFiles } from '../files/fake-zoom-files.js';
import { IDENTITY_FLAGS, runCli, sandboxEnv, tempDir } from '../helpers/cli.js';
import { ALICE, BRUNO, STACK } from './helpers.js';

const NOBODY = 65534;
const mode = (p: string) => statSync(p).mode & 0o7777;

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ seed: 4, latencyMs: { min: 1, max: 3 } });
});
afterAll(async () => {
  await sb.close();
});

/** An export of Alice into `out`; returns the request id and package folder. */
async function exportAlice(env: Record<string, string>, out: string) {
  const res = await runCli(['export', '--emails', ALICE, '--out', out, '--json'], env);
  expect(res.code, res.stderr).toBe(0);
  const j = JSON.parse(res.stdout) as { request_id: string; package: string };
  return { id: j.request_id, pkg: j.package };
}

describe('finding 1: writes never follow links, and folders another user controls are refused', () => {
  it('refuses an --out root owned by another user (even one the export could write), saying why; nothing is sent', async () => {
    const env = sandboxEnv(sb);
    const out = tempDir('zdsar-theirs-');
    chownSync(out, NOBODY, NOBODY);
    chmodSync(out, 0o777);
    const before = sb.log.length;
    const res = await runCli(['export', '--emails', ALICE, '--out', out], env);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--out .* is owned by uid 65534, not by you \(uid 0\)/);
    expect(res.stderr).not.toMatch(STACK);
    expect(readdirSync(out)).toEqual([]);
    expect(mode(out)).toBe(0o777); // not chmodded either
    expect(sb.log.length).toBe(before);
  });

  it('refuses a ZDSAR_HOME owned by another user, and one writable by others', async () => {
    const home = tempDir('zdsar-home-');
    chownSync(home, NOBODY, NOBODY);
    const res = await runCli(['export', '--emails', ALICE], sandboxEnv(sb, home));
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/ZDSAR_HOME .* is owned by uid 65534/);
    const loose = tempDir('zdsar-home-');
    chmodSync(loose, 0o777);
    const res2 = await runCli(['export', '--emails', ALICE], sandboxEnv(sb, loose));
    expect(res2.code).toBe(2);
    expect(res2.stderr).toMatch(/ZDSAR_HOME .* is writable by group and others \(mode 0777\)/);
    expect(readdirSync(loose)).toEqual([]);
  });

  it('a symbolic link planted in a package is refused on resume; the file it points to is untouched', async () => {
    const env = sandboxEnv(sb);
    const out = tempDir('zdsar-out-');
    const { id, pkg } = await exportAlice(env, out);
    const victim = join(tempDir('zdsar-victim-'), 'precious.txt');
    writeFileSync(victim, 'root-owned, not personal data\n');
    for (const f of ['manifest.json', 'report.html']) {
      const p = join(pkg, f);
      rmSyncSafe(p);
      symlinkSync(victim, p);
    }
    await Ledger.open(env.ZDSAR_HOME!).setStatus(id, 'partial');
    const res = await runCli(['requests', 'resume', id], env);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/is a symbolic link/);
    expect(res.stderr).not.toMatch(STACK);
    expect(readFileSync(victim, 'utf8')).toBe('root-owned, not personal data\n');
  });

  it('a package folder swapped for another user\'s is refused before resume writes anything', async () => {
    const env = sandboxEnv(sb);
    const out = tempDir('zdsar-out-');
    const { id, pkg } = await exportAlice(env, out);
    await Ledger.open(env.ZDSAR_HOME!).setStatus(id, 'partial');
    chownSync(pkg, NOBODY, NOBODY);
    const before = sb.log.length;
    const res = await runCli(['requests', 'resume', id], env);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/the package folder .* is owned by uid 65534/);
    expect(sb.log.length).toBe(before);
  });

  it('files: atomic writes, appends and .partial opens refuse links and files owned by another user', async () => {
    const dir = tempDir('zdsar-fs-');
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'keep');
    symlinkSync(victim, join(dir, 'link.json'));
    await expect(writeFileAtomic(join(dir, 'link.json'), 'data')).rejects.toThrow(/symbolic link/);
    await expect(appendLineDurable(join(dir, 'link.json'), 'data')).rejects.toThrow(/symbolic link/);
    await expect(openNoFollow(join(dir, 'link.json'), 'truncate')).rejects.toThrow(/symbolic link/);
    expect(readFileSync(victim, 'utf8')).toBe('keep');
    // A file pre-created by another user is not written into (it would stay hers, with someone's data).
    const theirs = join(dir, 'theirs.partial');
    writeFileSync(theirs, '');
    chownSync(theirs, NOBODY, NOBODY);
    await expect(openNoFollow(theirs, 'truncate')).rejects.toThrow(/owned by uid 65534/);
    await expect(appendLineDurable(theirs, 'x')).rejects.toThrow(/owned by uid 65534/);
    // An atomic write over a file of hers replaces it with one of ours (0600), never keeps her owner.
    const f = join(dir, 'x.json');
    writeFileSync(f, 'old', { mode: 0o666 });
    chownSync(f, NOBODY, NOBODY);
    await writeFileAtomic(f, 'new');
    expect(statSync(f).uid).toBe(0);
    expect(mode(f)).toBe(0o600);
  });
});

describe('finding 3: only what zdsar created is chmodded', () => {
  it('refuses a loose existing --out (like /tmp) and leaves its mode alone; a private existing one is used as it is', async () => {
    const env = sandboxEnv(sb);
    const sticky = tempDir('zdsar-tmp-');
    chmodSync(sticky, 0o1777);
    const res = await runCli(['export', '--emails', ALICE, '--out', sticky], env);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/writable by group and others \(mode 1777\).*chmod 700/);
    expect(mode(sticky)).toBe(0o1777); // the sticky bit and the mode are still there

    const mine = tempDir('zdsar-out-');
    chmodSync(mine, 0o755);
    const { pkg } = await exportAlice(env, mine);
    expect(mode(mine)).toBe(0o755);
    expect(mode(pkg)).toBe(0o700); // created by zdsar
  });

  it('ensurePrivateDir creates new folders 0700 and refuses, without chmodding, a folder others can write', async () => {
    const root = tempDir('zdsar-dirs-');
    const loose = join(root, 'loose');
    mkdirSync(loose);
    chmodSync(loose, 0o775);
    await expect(ensurePrivateDir(loose)).rejects.toThrow(/writable by group \(mode 0775\)/);
    expect(mode(loose)).toBe(0o775);
    const link = join(root, 'link');
    symlinkSync(loose, link);
    await expect(ensurePrivateDir(link)).rejects.toThrow(/symbolic link/);
    expect(mode(loose)).toBe(0o775);
  });
});

describe('finding 2: purge and delete --purge-packages delete only what zdsar made', () => {
  async function forged(home: string, id: string, outDir: string, outRoot?: string) {
    const ledger = Ledger.open(home);
    const real = await ledger.create({ type: 'export', subjects: ['victim@example.com'], ...(outRoot ? { options: { outRoot } } : {}) });
    const dir = join(home, 'ledger', 'requests', id);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const old = new Date(Date.now() - 400 * 86_400_000).toISOString();
    await writeGeneration(dir, 'created', 'f0f0f0f0', { ...real, request_id: id, status: 'completed', created_at: old, completed_at: old, out_dir: outDir }, old);
  }

  it('a forged ledger entry (request_id "projects", out_dir elsewhere) deletes nothing, nor a sibling .zip', async () => {
    const home = tempDir('zdsar-home-');
    const elsewhere = tempDir('zdsar-elsewhere-');
    const projects = join(elsewhere, 'projects');
    mkdirSync(projects);
    writeFileSync(join(projects, 'plan.txt'), 'keep');
    writeFileSync(join(projects, 'manifest.json'), JSON.stringify({ request_id: 'projects' }));
    writeFileSync(`${projects}.zip`, 'keep');
    await forged(home, 'projects', projects);
    const res = await runCli(['requests', 'purge', '--older-than', '0', '--yes'], { ZDSAR_HOME: home });
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/projects: not purged: not deleting .*"projects" is not a zdsar request id/);
    expect(readFileSync(join(projects, 'plan.txt'), 'utf8')).toBe('keep');
    expect(existsSync(`${projects}.zip`)).toBe(true);
  });

  it('a package outside its recorded export root, or without its manifest, is refused; a real one goes, its sibling .zip stays', async () => {
    const home = tempDir('zdsar-home-');
    const env = { ...sandboxEnv(sb, home) };
    const root = tempDir('zdsar-out-');
    const a = await exportAlice(env, root);
    const b = await exportAlice(env, root);
    writeFileSync(`${a.pkg}.zip`, 'not zdsar\'s');
    // b: its manifest and zdsar's marker are gone (not recognisably the package any more; a killed run's
    // package with only the marker is purged: test/officer/interrupted.test.ts)
    rmSyncSafe(join(b.pkg, 'manifest.json'));
    rmSyncSafe(join(b.pkg, '.zdsar-package'));
    // c: a forged entry with a valid id pointing at a folder in another root that holds a copied manifest
    const other = tempDir('zdsar-other-');
    const cId = 'r-20200101-000000-abcd';
    const cDir = join(other, cId);
    mkdirSync(cDir);
    writeFileSync(join(cDir, 'manifest.json'), JSON.stringify({ request_id: cId }));
    writeFileSync(join(cDir, 'data.txt'), 'keep');
    await forged(home, cId, cDir, root);
    const ledger = Ledger.open(home);
    const res = await runCli(['requests', 'purge', '--older-than', '0', '--yes', '--json'], env);
    expect(res.code, res.stderr).toBe(0);
    const results = (JSON.parse(res.stdout) as { results: Array<{ request_id: string; removed: string[]; skipped?: string }> }).results;
    expect(results.find((r) => r.request_id === a.id)).toMatchObject({ removed: [a.pkg] });
    expect(results.find((r) => r.request_id === b.id)!.skipped).toMatch(/holds no manifest\.json/);
    expect(results.find((r) => r.request_id === cId)!.skipped).toMatch(/not in the request's recorded export folder/);
    expect(existsSync(a.pkg)).toBe(false);
    expect(existsSync(`${a.pkg}.zip`)).toBe(true); // never a sibling file
    expect(existsSync(b.pkg)).toBe(true);
    expect(readFileSync(join(cDir, 'data.txt'), 'utf8')).toBe('keep');
    expect((await ledger.get(b.id))!.purged_at).toBeUndefined();
  });
});

describe('finding 10: requests purge is a dry run unless --yes', () => {
  it('without --yes it says what it would delete and deletes nothing, even non-interactively', async () => {
    const env = sandboxEnv(sb);
    const { id, pkg } = await exportAlice(env, tempDir('zdsar-out-'));
    const dry = await runCli(['requests', 'purge', '--older-than', '0'], env);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain(`${id}: would delete ${pkg}`);
    expect(dry.stderr).toMatch(/Dry run: nothing was deleted\. Run again with --yes/);
    expect(existsSync(join(pkg, 'manifest.json'))).toBe(true);
    expect((await Ledger.open(env.ZDSAR_HOME!).get(id))!.subjects[0]!.email).toBe(ALICE);
    const real = await runCli(['requests', 'purge', '--older-than', '0', '--yes'], env);
    expect(real.code).toBe(0);
    expect(existsSync(pkg)).toBe(false);
  });
});

describe('finding 5: --out inside a known package is refused', () => {
  it('an export whose --out is inside another (unfinished) package is refused, and nothing is sent', async () => {
    const env = sandboxEnv(sb);
    const { id, pkg } = await exportAlice(env, tempDir('zdsar-out-'));
    await Ledger.open(env.ZDSAR_HOME!).setStatus(id, 'partial');
    const before = sb.log.length;
    const res = await runCli(['export', '--emails', BRUNO, '--out', join(pkg, 'subjects')], env);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(new RegExp(`is inside the package of request ${id}`));
    expect(sb.log.length).toBe(before);
  });
});

describe('finding 6: plain http only for a loopback address, parsed as an IP', () => {
  it('refuses http://127.attacker.example (and localhost, a name); accepts 127.0.0.0/8 and [::1]', async () => {
    for (const url of ['http://127.attacker.example/v2', 'http://127.0.0.1.nip.io/v2', 'http://localhost:9/v2', 'http://[::ffff:7f00:1]/v2']) {
      const res = await runCli(['export', '--emails', ALICE, '--out', tempDir('zdsar-out-')], { ...sandboxEnv(sb), ZOOM_API_URL: url });
      expect(res.code, url).toBe(2);
      expect(res.stderr, url).toMatch(/ZOOM_API_URL: ZOOM_API_URL must be https \(plain http is accepted only for a loopback address/);
    }
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('127.9.8.7')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('127.attacker.example')).toBe(false);
    expect(isLoopbackHost('localhost')).toBe(false);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
    // The sandbox itself is on 127.0.0.1: still accepted.
    const ok = await runCli(['export', '--emails', ALICE, '--out', tempDir('zdsar-out-')], sandboxEnv(sb));
    expect(ok.code, ok.stderr).toBe(0);
  });
});

function rmSyncSafe(p: string): void {
  rmSync(p, { force: true });
}

describe('finding 4 and issue 16 item 5: the right email column, and how rows became people', () => {
  const csv = (text: string) => {
    const f = join(tempDir('zdsar-csv-'), 'people.csv');
    writeFileSync(f, text);
    return f;
  };

  it('Name,Manager Email,Email: the exact "email" column wins, and the delete dry run shows the addresses and the column', async () => {
    const f = csv(`Name,Manager Email,Email\nAlice,${BRUNO},${ALICE}\n`);
    const before = sb.log.length;
    const res = await runCli(['delete', '--csv', f], sandboxEnv(sb));
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain(`#1 ${ALICE} (${f}:2, column "Email")`);
    expect(res.stderr).not.toContain(BRUNO);
    expect(res.stderr).toMatch(/not used: column "Manager Email"/);
    const json = await runCli(['delete', '--csv', f, '--json'], sandboxEnv(sb));
    const j = JSON.parse(json.stdout) as { input: { column: string }; would_submit: Array<{ people: Array<{ email: string }> }> };
    expect(j.input.column).toBe('Email');
    expect(j.would_submit[0]!.people.map((p) => p.email)).toEqual([ALICE]);
    expect(sb.log.length).toBe(before);
  });

  it('several candidate columns: exit 2 naming them, for export, registrants and delete; --email-column chooses', async () => {
    const f = csv(`Name,Manager Email,Work Email\nAlice,${BRUNO},${ALICE}\n`);
    const before = sb.log.length;
    for (const cmd of [['export'], ['delete'], ['registrants', 'find'], ['registrants', 'erase']]) {
      const res = await runCli([...cmd, '--csv', f], sandboxEnv(sb));
      expect(res.code, cmd.join(' ')).toBe(2);
      expect(res.stderr).toMatch(/several columns could hold the addresses: "Manager Email", "Work Email"/);
      expect(res.stderr).toMatch(/--email-column NAME/);
    }
    expect(sb.log.length).toBe(before);
    const chosen = await runCli(['delete', '--csv', f, '--email-column', 'work email', '--json'], sandboxEnv(sb));
    expect(chosen.code, chosen.stderr).toBe(0);
    expect((JSON.parse(chosen.stdout) as { would_submit: Array<{ people: Array<{ email: string }> }> }).would_submit[0]!.people[0]!.email).toBe(ALICE);
    const erase = await runCli(['registrants', 'erase', '--csv', f, '--email-column', 'Work Email'], sandboxEnv(sb));
    expect(erase.code, erase.stderr).toBe(0);
    expect(erase.stdout).toContain(`#1 ${ALICE} (${f}:2, column "Work Email")`);
    const none = await runCli(['delete', '--csv', f, '--email-column', 'Mail'], sandboxEnv(sb));
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--email-column "Mail": no such column/);
  });

  it('a header of email,email is refused', async () => {
    const res = await runCli(['delete', '--csv', csv(`email,email\n${ALICE},${BRUNO}\n`)], sandboxEnv(sb));
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/2 columns are named email .*ambiguous/);
  });

  it('6 rows became 4 people: merged duplicates and skipped blank lines are reported with line numbers; #N maps to lines', async () => {
    const f = csv(`email\n${ALICE}\n${BRUNO}\n\nALICE.MARTIN@cedarpine.example\nchen.wei@cedarpine.example\n\ndana@example.com\n${BRUNO}\n`);
    const res = await runCli(['delete', '--csv', f], sandboxEnv(sb));
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain(`${f}: 6 rows → 4 people (addresses from column "email")`);
    expect(res.stderr).toContain('line 5 repeats #1 (line 2): merged');
    expect(res.stderr).toContain('line 9 repeats #2 (line 3): merged');
    expect(res.stderr).toContain('blank lines skipped: 4, 7');
    expect(res.stderr).toContain('#1 = line 2+5, #2 = line 3+9, #3 = line 6, #4 = line 8');
    const json = await runCli(['delete', '--csv', f, '--json'], sandboxEnv(sb));
    expect((JSON.parse(json.stdout) as { input: unknown }).input).toMatchObject({
      rows: 6,
      people: 4,
      blank_lines: [4, 7],
      merged: [{ line: 5, index: 1 }, { line: 9, index: 2 }],
      mapping: [{ index: 1, lines: [2, 5] }, { index: 2, lines: [3, 9] }, { index: 3, lines: [6] }, { index: 4, lines: [8] }],
    });
  });

  it('a second address in one cell is an error naming the line, never silently dropped', async () => {
    const res = await runCli(['delete', '--csv', csv(`email\n"Alice <${ALICE}>, Bruno <${BRUNO}>"\n`)], sandboxEnv(sb));
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/people\.csv:2: email: .* holds more than one address/);
  });
});

describe('finding 8: downloads stop at the declared size; an undeclared size is capped', () => {
  it('a file Zoom listed as 10 bytes whose body runs on is stopped at 10 bytes, not written whole', async () => {
    const zoom = await startFakeZoomFiles();
    const client = new ZoomClient({ credentials: zoom.credentials, plan: 'business' });
    try {
      const run = { sent: 0, closed: false };
      zoom.faults.runaway.set('ten.mp4', run);
      const dest = join(tempDir('zdsar-dl-'), 'ten.mp4');
      await expect(downloadFile(client, zoom.recordingUrl('ten.mp4'), dest, { expectedBytes: 10, maxRetries: 0 })).rejects.toThrow(/more than the 10 bytes declared/);
      expect(existsSync(dest)).toBe(false);
      expect(existsSync(dest + '.partial')).toBe(false);
      await until(() => run.closed);
      expect(run.sent).toBeLessThan(16 * 1024 * 1024); // the rest of the 64 MiB was never asked for
    } finally {
      await client.close();
      await zoom.close();
    }
  });

  it('a file without any declared size is stopped at the cap (ZDSAR_MAX_UNSIZED_DOWNLOAD_MB)', async () => {
    const zoom = await startFakeZoomFiles();
    const client = new ZoomClient({ credentials: zoom.credentials, plan: 'business' });
    try {
      const run = { sent: 0, closed: false };
      zoom.faults.runaway.set('nosize.mp4', run);
      const dest = join(tempDir('zdsar-dl-'), 'nosize.mp4');
      await expect(downloadFile(client, zoom.recordingUrl('nosize.mp4'), dest, { maxUnsizedBytes: 1024 * 1024, maxRetries: 0 })).rejects.toThrow(/declares no size and passed the cap of 1048576 bytes/);
      expect(existsSync(dest)).toBe(false);
      await until(() => run.closed);
      expect(run.sent).toBeLessThan(16 * 1024 * 1024);
    } finally {
      await client.close();
      await zoom.close();
    }
    expect(clientTuning({ ZDSAR_MAX_UNSIZED_DOWNLOAD_MB: '2' }).maxUnsizedDownloadBytes).toBe(2 * 1024 * 1024);
    expect(() => clientTuning({ ZDSAR_MAX_UNSIZED_DOWNLOAD_MB: 'lots' })).toThrow(/ZDSAR_MAX_UNSIZED_DOWNLOAD_MB must be a whole number/);
    expect(clientTuning({ ZDSAR_PARTICIPANTS_FROM: 'past_meetings' }).participantsFrom).toBe('past_meetings');
    expect(clientTuning({}).participantsFrom).toBeUndefined();
    expect(() => clientTuning({ ZDSAR_PARTICIPANTS_FROM: 'both' })).toThrow(/ZDSAR_PARTICIPANTS_FROM must be report or past_meetings/);
  });
});

/** Wait for a condition the server reports asynchronously (a bounded poll, not a timing assertion). */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
}

describe('finding 5: a package holds only its own person\'s data, as zdsar wrote it', () => {
  interface M {
    subjects: Array<{ status: string; error?: string; categories: Record<string, { status: string; error?: string }>; files: Array<{ path: string }>; not_listed?: string[] }>;
    notes: string[];
  }
  async function exported() {
    const env = sandboxEnv(sb);
    const { id, pkg } = await exportAlice(env, tempDir('zdsar-out-'));
    const person = join(pkg, 'subjects', readdirSync(join(pkg, 'subjects'))[0]!);
    await Ledger.open(env.ZDSAR_HOME!).setStatus(id, 'partial');
    return { env, id, pkg, person };
  }
  const manifestOf = (pkg: string) => JSON.parse(readFileSync(join(pkg, 'manifest.json'), 'utf8')) as M;

  it('an edited profile.json (another user id) is not certified, and no other user\'s data is collected', async () => {
    const { env, id, pkg, person } = await exported();
    const profile = JSON.parse(readFileSync(join(person, 'profile.json'), 'utf8')) as { id: string };
    const aliceId = profile.id;
    writeFileSync(join(person, 'profile.json'), JSON.stringify({ ...profile, id: 'SOMEONE-ELSE' }, null, 2) + '\n');
    const before = sb.log.length;
    const res = await runCli(['requests', 'resume', id], env);
    expect(res.code).toBe(1);
    const m = manifestOf(pkg);
    expect(m.subjects[0]!.status).toBe('failed');
    expect(m.subjects[0]!.error).toMatch(/profile\.json changed after it was finished/);
    expect(sb.log.slice(before).some((e) => e.path.includes('SOMEONE-ELSE'))).toBe(false);
    expect(aliceId).not.toBe('SOMEONE-ELSE');
  });

  it('a Zoom user id that differs from the one the request started with is a failure, not a silent switch', async () => {
    const { env, id, pkg, person } = await exported();
    const ledger = Ledger.open(env.ZDSAR_HOME!);
    const p = (await ledger.get(id))!.progress['1']!.profile!;
    // As if the address had found another user when the request began (Zoom now answers with Alice).
    await ledger.recordProgress(id, 1, 'profile', { status: 'done', file: p.file, records: 1, checkpoint: { ...(p.checkpoint as object), user_id: 'EARLIER-USER' } });
    const res = await runCli(['requests', 'resume', id], env);
    expect(res.code).toBe(1);
    expect(manifestOf(pkg).subjects[0]!.error).toMatch(/now finds Zoom user .* not EARLIER-USER/);
    expect(existsSync(join(person, 'profile.json'))).toBe(true);
  });

  it('a record appended to a finished file fails that category instead of being re-hashed and certified', async () => {
    const { env, id, pkg, person } = await exported();
    const f = join(person, 'meetings.json');
    const list = JSON.parse(readFileSync(f, 'utf8')) as unknown[];
    writeFileSync(f, JSON.stringify([...list, { id: 1, topic: 'planted' }], null, 2));
    const res = await runCli(['requests', 'resume', id], env);
    expect(res.code).toBe(1);
    const m = manifestOf(pkg);
    expect(m.subjects[0]!.categories.meetings!.status).toBe('failed');
    expect(m.subjects[0]!.categories.meetings!.error).toMatch(/meetings\.json changed after it was finished/);
    expect(m.subjects[0]!.files.some((x) => x.path.endsWith('/meetings.json'))).toBe(false);
    // Removing the file and resuming fetches it again, and then it is certified.
    rmSync(f);
    const again = await runCli(['requests', 'resume', id], env);
    expect(again.code, again.stderr).toBe(0);
    expect(manifestOf(pkg).subjects[0]!.files.some((x) => x.path.endsWith('/meetings.json'))).toBe(true);
  });

  it('a planted file is neither listed in the manifest nor zipped', async () => {
    const env = sandboxEnv(sb);
    const out = tempDir('zdsar-out-');
    const res0 = await runCli(['export', '--emails', ALICE, '--out', out, '--zip', '--json', ...IDENTITY_FLAGS], env);
    expect(res0.code, res0.stderr).toBe(0);
    const { request_id: id, package: pkg } = JSON.parse(res0.stdout) as { request_id: string; package: string };
    const person = join(pkg, 'subjects', readdirSync(join(pkg, 'subjects'))[0]!);
    writeFileSync(join(person, 'planted.json'), '{"not":"zdsar"}');
    await Ledger.open(env.ZDSAR_HOME!).setStatus(id, 'partial');
    const res = await runCli(['requests', 'resume', id], env);
    expect(res.code, res.stderr).toBe(0);
    const m = manifestOf(pkg);
    expect(m.subjects[0]!.files.some((x) => x.path.endsWith('planted.json'))).toBe(false);
    expect((m.subjects[0] as { not_listed?: string[] }).not_listed).toEqual([expect.stringMatching(/^subjects\/.*\/planted\.json$/)]);
    // The notes go into every person's zip: they name no person's folder.
    expect(m.notes.join('\n')).not.toContain('planted.json');
    expect(m.notes.join('\n')).toMatch(/1 file\(s\) in people's folders were not written by zdsar/);
    const zip = join(pkg, 'internal-record', readdirSync(join(pkg, 'internal-record')).find((n) => n.endsWith('.zip'))!);
    expect(readFileSync(zip).includes(Buffer.from('planted.json'))).toBe(false);
  });
});
