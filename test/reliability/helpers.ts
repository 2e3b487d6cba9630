import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { generateAccount, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { expectedIds, idsInFile, readJson, type Rec } from '../e2e/export-helpers.js';
import { sandboxEnv, startCli, tempDir, type CliResult } from '../helpers/cli.js';

export const ALICE = 'alice.martin@cedarpine.example';
export const BRUNO = 'bruno.costa@cedarpine.example';
export const CHEN = 'chen.wei@cedarpine.example';

/** A stack frame in CLI output: never shown to users. */
export const STACK = /\n\s+at .+:\d+:\d+/;

export interface BoundedResult extends CliResult {
  /** The CLI did not finish within the bound and was killed: a hang. */
  hung: boolean;
}

/**
 * runCli with a bound: a run that has not finished after `ms` is killed and reported as hung, so a
 * hang fails the assertion that says so instead of the whole test timing out without a reason.
 */
export function runBounded(args: string[], env: Record<string, string>, ms: number, input?: string | Buffer): Promise<BoundedResult> {
  return new Promise((resolve, reject) => {
    const child = startCli(args, env);
    let stdout = '';
    let stderr = '';
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, ms);
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, hung });
    });
    child.stdin!.on('error', () => {}); // the CLI may stop reading early (input over its limit): expected
    child.stdin!.end(input ?? '');
  });
}

export interface ManifestSubject {
  email: string;
  status: string;
  path: string;
  categories: Record<string, { status: string; error?: string; note?: string; records?: number }>;
  files: Array<{ path: string; sha256: string; bytes: number }>;
}

export function manifestOf(pkg: string): { request_id: string; subjects: ManifestSubject[] } {
  return readJson(join(pkg, 'manifest.json'));
}

/** The id key of each list file in a person's folder. */
const LIST_KEYS: Record<string, string> = {
  'meetings.json': 'uuid',
  'webinars.json': 'uuid',
  'cloud_recordings.json': 'uuid',
  'cloud_recordings_trash.json': 'uuid',
  'meetings_attended.json': 'uuid',
  'phone_call_history.json': 'id',
  'phone_recordings.json': 'id',
  'phone_voicemails.json': 'id',
  'phone_sms_sessions.json': 'session_id',
  'registrations.json': 'context.registration_key',
};

/**
 * Every record the sandbox holds for each completed person is in their folder, exactly once:
 * the ids equal `expectedIds`, and no list holds one record twice (retries, restarted
 * pagination and resumed runs must not duplicate anything).
 */
export function expectEveryRecordExactlyOnce(sb: Sandbox, pkg: string): void {
  const manifest = manifestOf(pkg);
  for (const s of manifest.subjects) {
    expect(s.status, `${s.email}: ${JSON.stringify(s.categories)}`).toMatch(/^(completed|not_found)$/);
    if (s.status === 'not_found') continue;
    const dir = join(pkg, s.path);
    const want = expectedIds(sb.account, s.email);
    expect(idsInFile(dir, 'meetings.json'), `${s.email} meetings`).toEqual(want['meetings.json']);
    if (s.categories.webinars?.status === 'done') expect(idsInFile(dir, 'webinars.json'), `${s.email} webinars`).toEqual(want['webinars.json']);
    else expect(want['webinars.json']!.size).toBe(0);
    const recs = new Set([...idsInFile(dir, 'cloud_recordings.json', 'uuid'), ...idsInFile(dir, 'cloud_recordings_trash.json', 'uuid')]);
    expect(recs, `${s.email} recordings`).toEqual(want.recordings);
    for (const f of ['phone_call_history.json', 'phone_recordings.json', 'phone_voicemails.json']) {
      if (existsSync(join(dir, f))) expect(idsInFile(dir, f), `${s.email} ${f}`).toEqual(want[f]);
      else expect(s.categories.phone_profile?.status, `${s.email} ${f} missing`).toBe('no_data');
    }
    for (const [f, key] of Object.entries(LIST_KEYS)) {
      if (!existsSync(join(dir, f))) continue;
      const list = readJson<Rec[]>(join(dir, f));
      const ids = list.map((r) => String(key.split('.').reduce<unknown>((v, k) => (v as Rec | undefined)?.[k], r) ?? r.id));
      expect(new Set(ids).size, `${s.email} ${f}: a record appears twice`).toBe(ids.length);
    }
    const profile = readJson<Rec>(join(dir, 'profile.json'));
    expect(String(profile.email).toLowerCase(), `${dir}/profile.json is someone else's`).toBe(s.email);
  }
  // Nothing left to resume once everyone is answered.
  expect(existsSync(join(pkg, '.work')), 'scratch parts left in a completed package').toBe(false);
}

/** Folder names under a package's subjects/. */
export function subjectFolders(pkg: string): string[] {
  return readdirSync(join(pkg, 'subjects')).sort();
}

/** Export the suite's people against `sb` with `faults` set: the CLI's result, its log slice, its --json summary. */
export const PEOPLE = `${ALICE},${BRUNO}`;
/**
 * Past it, a run is taken to hang. Two people take a few seconds, but the heavy user (700 meetings) is
 * paced by Business's limits: 25-30 s alone, 38 s measured in CI beside another test file, so the bound
 * leaves room for a loaded 2-core machine (each test file gives its tests time for two bounded runs).
 */
export const BOUND_MS = 90_000;
/** A test's own limit: an export, a resume and the checks, each bounded. */
export const TEST_MS = 3 * BOUND_MS;

export interface Summary {
  request_id: string;
  status: string;
  package: string;
  subjects: Array<{ email: string; status: string; errors: Array<{ category: string; message: string }> }>;
}

export async function exportWith(sb: Sandbox, faults: string | undefined, extraEnv: Record<string, string> = {}, people = PEOPLE) {
  sb.setFaults(faults);
  const env = { ...sandboxEnv(sb), ...extraEnv };
  const before = sb.log.length;
  const res = await runBounded(['export', '--emails', people, '--out', tempDir('zdsar-fault-out-'), '--json'], env, BOUND_MS);
  const log = sb.log.slice(before);
  return { res, env, log, summary: res.stdout ? (JSON.parse(res.stdout) as Summary) : undefined };
}

export function expectClean(res: { stderr: string; hung: boolean }) {
  expect(res.hung, 'the export hung').toBe(false);
  expect(res.stderr).not.toMatch(STACK);
  expect(res.stderr).not.toMatch(/unexpected error|TypeError|ReferenceError/);
}

/** The generated heavy user: the demo people's lists fit in one page of 300, this one's do not. */
export const HEAVY = 'heavy.user@bigcorp.example';

/** A sandbox whose heavy user has several pages per list (700 meetings, about 500 calls a month), so next_page_token is really used. */
export function startHeavySandbox(): Promise<Sandbox> {
  const account = generateAccount({ seed: 5, users: 3, heavy: { meetings: 700, recordingYears: 0.5, calls: 3000, recordingEveryDays: 7 } });
  return startSandbox({ seed: 5, latencyMs: { min: 2, max: 8 }, account });
}
