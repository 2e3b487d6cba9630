import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/secrets.js';
import { signerFrom } from '../../src/dsar/signing.js';
import { verifyPackage } from '../../src/dsar/verify.js';
import { tempDir } from '../helpers/cli.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function pkg(files: Record<string, string>, extraListed: Array<{ path: string; sha256: string; bytes: number }> = []): string {
  const dir = tempDir('zdsar-verify-unit-');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, ...rel.split('/').slice(0, -1)), { recursive: true });
    writeFileSync(join(dir, ...rel.split('/')), text);
  }
  const listed = Object.entries(files)
    .filter(([rel]) => rel.startsWith('subjects/') && !rel.endsWith('report.html'))
    .map(([rel, text]) => ({ path: rel, sha256: sha(text), bytes: Buffer.byteLength(text) }));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ request_id: 'r', subjects: [{ path: 'subjects/01-a@x.example', files: [...listed, ...extraListed] }] }, null, 2));
  return dir;
}

describe('verifyPackage', () => {
  it('an intact package: renderings, zips/ and .work/ are not data', async () => {
    const dir = pkg({ 'subjects/01-a@x.example/profile.json': '{"a":1}\n', 'subjects/01-a@x.example/report.html': '<html>', 'report.html': '<html>', 'zips/01-a@x.example.zip': 'zip', '.work/part.ndjson': '{}' });
    // The reports are listed in reports.json; the run is unfinished (no status), so .work/ may hold its scratch.
    const listed = ['report.html', 'subjects/01-a@x.example/report.html'].map((path) => ({ path, sha256: sha('<html>'), bytes: 6 }));
    writeFileSync(join(dir, 'reports.json'), JSON.stringify({ files: listed }));
    const r = await verifyPackage(dir);
    expect(r).toMatchObject({ ok: true, missing: [], changed: [], unlisted: [] });
    expect(r.skipped.map((s) => s.split(':')[0])).toEqual(expect.arrayContaining(['zips/', '.work/']));
  });

  it("a finished package: a person's cover note in zips/ is deliver's own; any other name there, and scratch in .work/, are not", async () => {
    const dir = pkg({ 'subjects/01-a@x.example/profile.json': '{"a":1}\n', 'zips/01-a@x.example.zip': 'zip', 'zips/01-a@x.example.cover-note.txt': 'note' });
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { subjects: Array<{ status?: string }> };
    m.subjects[0]!.status = 'completed';
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    const r = await verifyPackage(dir);
    expect(r).toMatchObject({ ok: true, unlisted: [] });
    expect(r.skipped.join('\n')).toContain('cover note');
    mkdirSync(join(dir, '.work', 'zips'), { recursive: true });
    writeFileSync(join(dir, '.work', 'zips', '01-a@x.example.zip.plain.tmp-1-0'), 'PK');
    writeFileSync(join(dir, 'zips', '02-b@x.example.cover-note.txt'), 'note');
    expect((await verifyPackage(dir)).unlisted).toEqual(['.work/zips/01-a@x.example.zip.plain.tmp-1-0', 'zips/02-b@x.example.cover-note.txt']);
  });

  it('a path outside the package in the manifest, and a file replaced by a symbolic link, are changes', async () => {
    const dir = pkg({ 'subjects/01-a@x.example/profile.json': '{"a":1}\n' }, [{ path: '../../etc/hostname', sha256: 'x', bytes: 1 }]);
    const outside = join(tempDir('zdsar-outside-'), 'profile.json');
    writeFileSync(outside, '{"a":1}\n');
    const link = join(dir, 'subjects', '01-a@x.example', 'settings.json');
    symlinkSync(outside, link);
    const m = JSON.parse(JSON.stringify({ request_id: 'r', subjects: [{ files: [{ path: 'subjects/01-a@x.example/settings.json', sha256: sha('{"a":1}\n'), bytes: 8 }, { path: '../../etc/hostname', sha256: 'x', bytes: 1 }] }] }));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    const r = await verifyPackage(dir);
    expect(r.ok).toBe(false);
    expect(r.changed).toEqual([
      { path: 'subjects/01-a@x.example/settings.json', reason: 'is a symbolic link, not the file' },
      { path: '../../etc/hostname', reason: 'the manifest lists a path outside its folder' },
    ]);
    expect(r.unlisted).toEqual(['subjects/01-a@x.example/profile.json']);
  });

  it('a signature: valid with the key beside it and with the expected key; any other key or a changed manifest is refused', async () => {
    const keys = generateKeyPairSync('ed25519');
    const signer = signerFrom(new Secret(keys.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()))!;
    const dir = pkg({ 'subjects/01-a@x.example/profile.json': '{"a":1}\n' });
    writeFileSync(join(dir, 'manifest.sig'), signer.sign(readFileSync(join(dir, 'manifest.json'))));
    expect((await verifyPackage(dir)).manifests[0]!.signature).toEqual({ status: 'valid', fingerprint: signer.fingerprint });
    expect((await verifyPackage(dir, { publicKey: keys.publicKey })).ok).toBe(true);
    const other = generateKeyPairSync('ed25519').publicKey;
    const r = await verifyPackage(dir, { publicKey: other });
    expect(r.ok).toBe(false);
    expect(r.changed[0]!.reason).toMatch(/^signed with another key/);
    writeFileSync(join(dir, 'manifest.json'), readFileSync(join(dir, 'manifest.json'), 'utf8').replace('"r"', '"q"'));
    expect((await verifyPackage(dir)).changed).toEqual([{ path: 'manifest.sig', reason: 'the signature does not match the manifest: it was changed after signing' }]);
  });

  it('a signing key that is not Ed25519, or not a key, is a usage error that does not print it', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(() => signerFrom(new Secret(rsa))).toThrow(/^ZDSAR_SIGNING_KEY: an rsa key; zdsar signs with Ed25519$/);
    expect(() => signerFrom(new Secret('not-a-key-at-all'))).toThrow(/^ZDSAR_SIGNING_KEY: not a private key in PEM \(PKCS#8\) form$/);
  });
});
