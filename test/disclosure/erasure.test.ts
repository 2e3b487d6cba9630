/**
 * Erasure leaves nothing of the person behind (issue 24, items 6 and 9): `delete --purge-packages`
 * removes every part of an erased person that zdsar wrote in an earlier package (subjects/,
 * disclosure/, plain and encrypted zips and their temporaries, scratch), nothing of anyone else,
 * and never follows a link out of the package.
 */
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/index.js';
import { subjectFolder } from '../../src/people/folders.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { IDENTITY_FLAGS, runCli, sandboxEnv, tempDir } from '../helpers/cli.js';
import { dataRequestSandbox } from '../zoom-data-requests/helpers.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

/** An earlier, completed export package of `emails` with every part zdsar writes for each person. */
async function earlierPackage(env: Record<string, string>, emails: string[]) {
  const ledger = Ledger.open(env.ZDSAR_HOME!);
  const outRoot = tempDir('zdsar-erase-pkg-');
  const exp = await ledger.create({ type: 'export', subjects: emails, options: { outRoot } });
  const dir = join(outRoot, exp.request_id);
  await ledger.setOutDir(exp.request_id, dir);
  const folders = emails.map((e, i) => subjectFolder(i + 1, e));
  for (const f of folders) {
    for (const d of ['subjects', 'disclosure', '.work', '.disclosure-123-abcd']) {
      mkdirSync(join(dir, d, f), { recursive: true });
      writeFileSync(join(dir, d, f, 'profile.json'), '{}');
    }
    mkdirSync(join(dir, 'zips'), { recursive: true });
    for (const z of ['.zip', '.zip.age', '.zip.tmp-1-a', '.zip.age.plain.tmp-1-b', '.cover-note.txt']) writeFileSync(join(dir, 'zips', `${f}${z}`), 'zip');
    // The zip scratch of a killed run (issue 24.7) and the officer's archive of the record (issue 25).
    mkdirSync(join(dir, '.work', 'zips'), { recursive: true });
    for (const z of ['.zip.tmp-1-a', '.zip.age.plain.tmp-1-b']) writeFileSync(join(dir, '.work', 'zips', `${f}${z}`), 'zip');
    mkdirSync(join(dir, 'internal-record'), { recursive: true });
    writeFileSync(join(dir, 'internal-record', `${f}.internal-record-not-for-release.zip`), 'zip');
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ request_id: exp.request_id }));
  await ledger.setStatus(exp.request_id, 'completed');
  return { ledger, dir, folders, id: exp.request_id };
}

describe('delete --purge-packages: every part of the person, nothing else', () => {
  it('removes the person\'s subjects/, disclosure/, zips (.zip, .zip.age, temporaries) and scratch; the other person keeps all of theirs', async () => {
    const e = await dataRequestSandbox(2);
    sb = e.sb;
    const env = sandboxEnv(sb);
    const p = await earlierPackage(env, [e.emails[0]!, 'someone@else.example']);
    const [mine, theirs] = p.folders as [string, string];
    const r = await runCli(['delete', '--emails', e.emails[0]!, '--yes', '--purge-packages', ...IDENTITY_FLAGS], env);
    expect(r.code, r.stderr).toBe(0);
    for (const d of ['subjects', 'disclosure', '.work', '.disclosure-123-abcd']) {
      expect(existsSync(join(p.dir, d, mine)), `${d}/${mine}`).toBe(false);
      expect(existsSync(join(p.dir, d, theirs, 'profile.json')), `${d}/${theirs}`).toBe(true);
    }
    expect(readdirSync(join(p.dir, 'zips')).sort()).toEqual([`${theirs}.cover-note.txt`, `${theirs}.zip`, `${theirs}.zip.age`, `${theirs}.zip.age.plain.tmp-1-b`, `${theirs}.zip.tmp-1-a`]);
    expect(readdirSync(join(p.dir, '.work', 'zips')).sort()).toEqual([`${theirs}.zip.age.plain.tmp-1-b`, `${theirs}.zip.tmp-1-a`]);
    expect(readdirSync(join(p.dir, 'internal-record'))).toEqual([`${theirs}.internal-record-not-for-release.zip`]);
  });

  it('a partial purge never follows a linked subjects/ folder out of the package', async () => {
    const e = await dataRequestSandbox(2);
    sb = e.sb;
    const env = sandboxEnv(sb);
    const p = await earlierPackage(env, [e.emails[0]!, 'someone@else.example']);
    const [mine] = p.folders as [string, string];
    // subjects/ replaced by a link to a folder outside that holds a folder of the same name.
    const outside = tempDir('zdsar-erase-outside-');
    mkdirSync(join(outside, mine));
    writeFileSync(join(outside, mine, 'keep.txt'), 'not zdsar\'s');
    const { rmSync } = await import('node:fs');
    rmSync(join(p.dir, 'subjects'), { recursive: true });
    symlinkSync(outside, join(p.dir, 'subjects'));
    const r = await runCli(['delete', '--emails', e.emails[0]!, '--yes', '--purge-packages', ...IDENTITY_FLAGS], env);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(outside, mine, 'keep.txt'))).toBe(true);
    expect(r.stderr).toMatch(/refusing to delete .*a link is never followed/);
  });
});
