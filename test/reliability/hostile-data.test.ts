/**
 * Hostile data from Zoom (issue 8): nothing Zoom returns (topics, recording file types,
 * extensions, ids) may choose a path, and one person's data never lands in another's folder,
 * even when people's addresses look alike once made into folder names.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planSubjectFiles } from '../../src/dsar/files.js';
import { startSandbox, type Sandbox, type SandboxUser } from '../../src/sandbox/index.js';
import { expectedIds, idsInFile, readJson, type Rec } from '../e2e/export-helpers.js';
import { sandboxEnv, tempDir } from '../helpers/cli.js';
import { ALICE, BRUNO, CHEN, STACK, expectEveryRecordExactlyOnce, manifestOf, runBounded } from './helpers.js';

/** Two real users whose addresses become the same text once unsafe characters are replaced. */
const LOOKALIKE_A = "o'neil@cedarpine.example";
const LOOKALIKE_B = 'o_neil@cedarpine.example';
const TRAVERSAL = '../../../../../tmp/zdsar-escaped';

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    expect(lstatSync(p).isSymbolicLink(), `symlink ${p}`).toBe(false);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

describe('hostile data from Zoom', () => {
  let sb: Sandbox;
  let env: Record<string, string>;
  let out: string;
  let pkg: string;
  let people: string[];

  beforeAll(async () => {
    sb = await startSandbox({ seed: 9, latencyMs: { min: 2, max: 8 } });
    const alice = sb.account.users.find((u) => u.email === ALICE)!;
    // Recording files whose id, type and extension are path traversals; topics too.
    const recs = [...alice.recordings];
    recs[0]!.topic = TRAVERSAL;
    recs[0]!.recording_files[0]!.id = TRAVERSAL;
    recs[0]!.recording_files[0]!.file_extension = '../../etc/passwd';
    recs[0]!.recording_files[0]!.file_type = '../../../x';
    if (recs[1]) {
      recs[1].topic = '..\\..\\windows\\system32';
      recs[1].recording_files[0]!.id = '..';
      recs[1].recording_files[0]!.file_extension = 'mp4/../../../../etc/cron.d/x';
    }
    // Two more users whose folder names would collide without zdsar's position prefix.
    const bruno = sb.account.users.find((u) => u.email === BRUNO)!;
    const clone = (email: string, id: string): SandboxUser => ({
      ...bruno,
      id,
      email,
      first_name: email.split('@')[0]!,
      phone: null,
      recordings: [],
      calls: [],
      phoneRecordings: [],
      voicemails: [],
      smsSessions: [],
    });
    sb.account.users.push(clone(LOOKALIKE_A, 'hostileLookalikeA1'), clone(LOOKALIKE_B, 'hostileLookalikeB2'));
    sb.reindex();

    env = sandboxEnv(sb);
    out = tempDir('zdsar-hostile-out-');
    people = [ALICE, BRUNO, CHEN, LOOKALIKE_A, LOOKALIKE_B, 'jordan.lee@gmail.example'];
    const res = await runBounded(['export', '--emails', people.join(','), '--out', out, '--json'], env, 90_000);
    expect(res.hung).toBe(false);
    expect(res.stderr).not.toMatch(STACK);
    expect(res.code, res.stderr).toBe(0);
    pkg = (JSON.parse(res.stdout) as { package: string }).package;
  }, 120_000);

  afterAll(async () => {
    await sb.close();
  });

  it('writes nothing outside the package, and only regular files', () => {
    expect(readdirSync(out)).toEqual([relative(out, pkg)]);
    const root = realpathSync(pkg) + sep;
    for (const f of walk(pkg)) {
      expect(realpathSync(f).startsWith(root), f).toBe(true);
      expect(f, 'a name taken from Zoom').not.toMatch(/passwd|system32|cron\.d|zdsar-escaped/);
    }
  });

  it('one folder per person, named by position; every folder holds only its own person', () => {
    const m = manifestOf(pkg);
    expect(m.subjects.map((s) => s.email)).toEqual(people);
    const folders = readdirSync(join(pkg, 'subjects')).sort();
    expect(folders).toEqual(m.subjects.map((s) => s.path.split('/')[1]).sort());
    expect(new Set(folders).size).toBe(people.length);
    // The look-alike addresses got distinct folders, each with its own profile.
    for (const s of m.subjects) {
      const dir = join(pkg, s.path);
      if (s.status === 'not_found') {
        // Nothing of anyone's: at most the person's own (empty) report page, the empty lists of what was
        // searched by their address (Zoom Events, visitor invitations: issue 28), and their own entries in the
        // account's meetings (Q&A, polls, surveys: each made with their own address).
        const answers = ['meeting_qa.json', 'meeting_polls.json', 'meeting_surveys.json'];
        expect(readdirSync(dir).filter((f) => f !== 'report.html' && !answers.includes(f) && readFileSync(join(dir, f), 'utf8').trim() !== '[]')).toEqual([]);
        for (const f of answers.filter((x) => existsSync(join(dir, x)))) {
          for (const r of readJson<Rec[]>(join(dir, f))) {
            expect(r.found_by, `${s.path}/${f}`).toBe(s.email);
            expect(String(((r.entry ?? r.answer) as Rec).email).toLowerCase(), `${s.path}/${f}`).toBe(s.email);
          }
        }
        continue;
      }
      const user = sb.account.users.find((u) => u.email.toLowerCase() === s.email)!;
      const profile = readJson<Rec>(join(dir, 'profile.json'));
      expect(profile.id, `${s.path}/profile.json`).toBe(user.id);
      expect(String(profile.email).toLowerCase()).toBe(s.email);
      // Every manifest file of this person is inside this person's folder.
      for (const f of s.files) expect(resolve(pkg, f.path).startsWith(resolve(dir) + sep), f.path).toBe(true);
      // Records hosted or owned by someone: only this person's.
      for (const [file, key] of [['meetings.json', 'host_id'], ['cloud_recordings.json', 'host_id'], ['webinars.json', 'host_id']] as const) {
        if (!existsSync(join(dir, file))) continue;
        for (const r of readJson<Rec[]>(join(dir, file))) expect(r[key], `${s.path}/${file}`).toBe(user.id);
      }
    }
  });

  it("each person's lists are exactly their records: none of another person's ids", () => {
    expectEveryRecordExactlyOnce(sb, pkg);
    const m = manifestOf(pkg);
    const found = m.subjects.filter((s) => s.status === 'completed');
    for (const s of found) {
      const dir = join(pkg, s.path);
      for (const other of found.filter((o) => o.email !== s.email)) {
        const theirs = expectedIds(sb.account, other.email);
        const mine = expectedIds(sb.account, s.email);
        for (const [file, key] of [['meetings.json', 'id'], ['phone_call_history.json', 'id'], ['phone_voicemails.json', 'id']] as const) {
          let have: Set<string>;
          try {
            have = idsInFile(dir, file, key);
          } catch {
            continue;
          }
          for (const id of have) if (!mine[file]!.has(id)) expect(theirs[file]!.has(id), `${other.email}'s ${file} record ${id} in ${s.path}`).toBe(false);
        }
      }
    }
  });

  it('the hostile values are kept as data (escaped JSON), not used as names', () => {
    const alice = manifestOf(pkg).subjects[0]!;
    const recs = readJson<Array<{ topic: string; recording_files: Array<{ id: string; file_extension: string }> }>>(join(pkg, alice.path, 'cloud_recordings.json'));
    expect(recs.some((r) => r.topic === TRAVERSAL)).toBe(true);
    expect(recs.some((r) => r.recording_files.some((f) => f.file_extension === '../../etc/passwd'))).toBe(true);
  });

  it('the download plan (--with-files) names every file from safe parts, inside the person\'s folder', async () => {
    const m = manifestOf(pkg);
    let planned = 0;
    for (const s of m.subjects) {
      const dir = resolve(pkg, s.path);
      const names = new Set<string>();
      for await (const f of planSubjectFiles(dir)) {
        planned++;
        expect(f.rel, f.rel).toMatch(/^files\/(recordings|phone_recordings|voicemails|chat|sms)\/[A-Za-z0-9_-]+(\.[a-z0-9]{2,4})$/);
        expect(resolve(dir, f.rel).startsWith(dir + sep)).toBe(true);
        expect(names.has(f.rel), `two files named ${f.rel}`).toBe(false);
        names.add(f.rel);
      }
    }
    expect(planned).toBeGreaterThan(10);
  });

  it('with --with-files: every downloaded file is inside its person\'s folder', async () => {
    const o = tempDir('zdsar-hostile-files-');
    const res = await runBounded(['export', '--emails', `${ALICE},${BRUNO}`, '--out', o, '--json', '--with-files'], env, 90_000);
    expect(res.hung).toBe(false);
    expect(res.stderr).not.toMatch(STACK);
    const p = (JSON.parse(res.stdout) as { package: string }).package;
    expect(readdirSync(o)).toEqual([relative(o, p)]);
    const root = realpathSync(p) + sep;
    const files = walk(p);
    expect(files.some((f) => f.includes(`${sep}files${sep}`))).toBe(true);
    for (const f of files) {
      expect(realpathSync(f).startsWith(root), f).toBe(true);
      expect(f).not.toMatch(/passwd|system32|cron\.d|zdsar-escaped/);
      const rel = relative(p, f).split(sep);
      if (rel[0] === 'subjects') expect(rel.length, f).toBeGreaterThan(2);
    }
  });
});
