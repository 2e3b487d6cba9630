import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { digestFile, fileDigest, RecordFile } from '../../src/fs/records.js';

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('fileDigest: digests computed while writing', () => {
  it('equals a re-hash of the file a RecordFile wrote (json-array and raw lines)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'zdsar-digest-'));
    const path = join(dir, 'calls.json');
    const f = await RecordFile.create(path, 'json-array');
    await f.write({ id: 'a', n: 1, 'ünï': 'cødé' });
    await f.writeJson('{"id":"b","n":2}');
    const d = await f.commit();
    expect(d.records).toBe(2);
    expect(d.sha256).toBe(sha(path));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual([{ id: 'a', n: 1, 'ünï': 'cødé' }, { id: 'b', n: 2 }]);
    expect(await fileDigest(path)).toEqual({ sha256: sha(path), bytes: readFileSync(path).length });
    expect(await fileDigest(path)).toEqual(await digestFile(path));
  });

  it('hashes the file again when it changed after it was written', async () => {
    dir = mkdtempSync(join(tmpdir(), 'zdsar-digest-'));
    const path = join(dir, 'calls.json');
    const f = await RecordFile.create(path, 'ndjson');
    await f.write({ id: 'a' });
    const d = await f.commit();
    // Same size, different content: the remembered digest must not be trusted.
    writeFileSync(path, '{"id":"b"}\n');
    const now = await fileDigest(path);
    expect(now.sha256).not.toBe(d.sha256);
    expect(now.sha256).toBe(sha(path));
  });

  it('hashes a file this process did not write (an earlier run)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'zdsar-digest-'));
    const path = join(dir, 'old.json');
    writeFileSync(path, '[]\n');
    expect(await fileDigest(path)).toEqual({ sha256: sha(path), bytes: 3 });
  });
});
