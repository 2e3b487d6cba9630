import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { allDirs, allFiles, runCli, sandboxEnv, tempDir } from '../helpers/cli.js';
import { expectedIds, idsInFile, readJson, sha256, type Rec } from './export-helpers.js';

const PEOPLE = ['alice.martin@cedarpine.example', 'bruno.costa@cedarpine.example', 'chen.wei@cedarpine.example', 'jordan.lee@gmail.example', 'dana.okafor@cedarpine.example'];

interface Summary {
  request_id: string;
  status: string;
  package: string;
  subjects: Array<{ index: number; email: string; status: string; path: string; records: Record<string, number | string> }>;
}

describe('zdsar export against the sandbox, with latency and faults', () => {
  let sb: Sandbox;
  let env: Record<string, string>;
  let out: string;
  let res: Awaited<ReturnType<typeof runCli>>;
  let summary: Summary;

  beforeAll(async () => {
    sb = await startSandbox({ seed: 7, latencyMs: { min: 2, max: 15 }, faults: '429=0.03:2,500=0.02,reset=0.02,pagetokenexpire=0.02' });
    env = sandboxEnv(sb);
    out = tempDir('zdsar-out-');
    const csv = join(tempDir('zdsar-in-'), 'people.csv');
    writeFileSync(csv, 'Name;E-mail;Note\r\n' + PEOPLE.map((e, i) => `P${i};  ${i === 2 ? e.toUpperCase() : e} ;x`).join('\r\n') + '\r\n');
    res = await runCli(['export', '--csv', csv, '--out', out, '--json'], env);
    summary = JSON.parse(res.stdout) as Summary;
  });
  afterAll(async () => {
    await sb.close();
  });

  it('answers everyone, with the contract\'s statuses and exit code', () => {
    expect(res.stderr).not.toMatch(/unexpected error|TypeError|at .*\.js:\d+/);
    expect(res.code).toBe(0);
    expect(summary.subjects.map((s) => [s.email, s.status])).toEqual([
      ['alice.martin@cedarpine.example', 'completed'],
      ['bruno.costa@cedarpine.example', 'completed'],
      ['chen.wei@cedarpine.example', 'completed'],
      ['jordan.lee@gmail.example', 'not_found'],
      ['dana.okafor@cedarpine.example', 'completed'],
    ]);
    expect(sb.log.some((e) => e.fault)).toBe(true); // the faults really happened
  });

  it('puts every record the sandbox holds for each person in that person\'s folder, and nothing else', () => {
    const manifest = readJson<{ subjects: Array<{ email: string; path: string; categories: Record<string, { status: string; note?: string; coverage?: { not_reached?: string[] } }> }> }>(join(summary.package, 'manifest.json'));
    for (const s of manifest.subjects.filter((x) => x.email !== 'jordan.lee@gmail.example')) {
      const dir = join(summary.package, s.path);
      const want = expectedIds(sb.account, s.email);
      expect(idsInFile(dir, 'meetings.json'), `${s.email} meetings`).toEqual(want['meetings.json']);
      // Meetings no list returns but recordings show are named, not silently missing.
      const unlistedRecorded = [...idsInFile(dir, 'cloud_recordings.json')].filter((id) => want['meetings.unlisted']!.has(id));
      for (const id of unlistedRecorded) expect(s.categories.meetings!.coverage?.not_reached, `${s.email} meeting ${id}`).toContain(id);
      if (s.categories.webinars!.status === 'done') expect(idsInFile(dir, 'webinars.json')).toEqual(want['webinars.json']);
      else expect(want['webinars.json']!.size).toBe(0);
      const recs = new Set([...idsInFile(dir, 'cloud_recordings.json', 'uuid'), ...idsInFile(dir, 'cloud_recordings_trash.json', 'uuid')]);
      expect(recs, `${s.email} recordings`).toEqual(want.recordings);
      if (want.recordings!.size === 0) expect(s.categories.recordings!.status).toBe('no_data'); // Zoom's 404 code 3301
      for (const f of ['phone_call_history.json', 'phone_recordings.json', 'phone_voicemails.json']) {
        if (existsSync(join(dir, f))) expect(idsInFile(dir, f), `${s.email} ${f}`).toEqual(want[f]);
        else expect(s.categories.phone_profile!.status).toBe('no_data');
      }
      // No record appears twice in a list, even with expired page tokens and retries.
      for (const f of ['meetings.json', 'cloud_recordings.json', 'phone_call_history.json']) {
        if (!existsSync(join(dir, f))) continue;
        const list = readJson<Rec[]>(join(dir, f));
        const key = f === 'cloud_recordings.json' ? 'uuid' : 'id';
        expect(new Set(list.map((r) => String(r[key]))).size).toBe(list.length);
      }
      const profile = readJson<Rec>(join(dir, 'profile.json'));
      expect(String(profile.email).toLowerCase()).toBe(s.email);
    }
    const bruno = manifest.subjects.find((s) => s.email.startsWith('bruno'))!;
    expect(bruno.categories.phone_profile).toMatchObject({ status: 'no_data' });
    expect(bruno.categories.webinars).toMatchObject({ status: 'no_data' });
    // one folder per person, named by position: the unknown person has one too, empty
    expect(readdirSync(join(summary.package, 'subjects')).sort()).toEqual(manifest.subjects.map((s) => s.path.split('/')[1]).sort());
  });

  it('keeps fields zdsar does not know (records as Zoom returned them)', () => {
    const alice = summary.subjects[0]!;
    const rec = readJson<Rec[]>(join(alice.path, 'cloud_recordings.json'))[0]!;
    expect(rec).toHaveProperty('share_url');
    expect(rec).toHaveProperty('recording_play_passcode');
  });

  it('writes a manifest whose checksums match the files', () => {
    const manifest = readJson<{ subjects: Array<{ files: Array<{ path: string; sha256: string; bytes: number }> }> }>(join(summary.package, 'manifest.json'));
    const files = manifest.subjects.flatMap((s) => s.files);
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      expect(sha256(join(summary.package, f.path)), f.path).toBe(f.sha256);
      expect(allFiles(summary.package).find((x) => x.path === join(summary.package, f.path))!.text.length).toBe(f.bytes);
    }
  });

  it('keeps personal data private: files 0600, folders 0700, no secret or token anywhere', () => {
    for (const f of [...allFiles(out), ...allFiles(env.ZDSAR_HOME!)]) {
      expect(f.mode, f.path).toBe(0o600);
      expect(f.text).not.toContain(sb.credentials.clientSecret);
      expect(f.text).not.toMatch(/Bearer [A-Za-z0-9]/);
    }
    for (const d of allDirs(summary.package)) expect(d.mode, d.path).toBe(0o700);
    expect(res.stdout + res.stderr).not.toContain(sb.credentials.clientSecret);
  });
});
