/** The small zip reader used to check and split Zoom's export zips. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yazl from 'yazl';
import { describe, expect, it } from 'vitest';
import { sizeCheck, zoomWindow } from '../../src/zoom-data-requests/export.js';
import { listZip, verifyZip, ZipReadError } from '../../src/zoom-data-requests/zip-read.js';
import { tempDir } from '../helpers/cli.js';

async function makeZip(path: string, files: Record<string, string>, compress = true): Promise<void> {
  const z = new yazl.ZipFile();
  for (const [name, text] of Object.entries(files)) z.addBuffer(Buffer.from(text), name, { compress });
  z.end();
  const chunks: Buffer[] = [];
  for await (const c of z.outputStream) chunks.push(c as Buffer);
  writeFileSync(path, Buffer.concat(chunks));
}

describe('zip-read', () => {
  it('lists and verifies stored and deflated entries; a flipped byte fails the CRC', async () => {
    const dir = tempDir('zdsar-zip-');
    for (const compress of [true, false]) {
      const p = join(dir, `a-${compress}.zip`);
      await makeZip(p, { 'a@x.example/team_chat.json': JSON.stringify({ hello: 'world'.repeat(100) }), 'b@x.example/meetings.json': '[]' }, compress);
      expect((await verifyZip(p)).map((e) => e.name)).toEqual(['a@x.example/team_chat.json', 'b@x.example/meetings.json']);
      const bytes = readFileSync(p);
      const data = 30 + bytes.readUInt16LE(26) + bytes.readUInt16LE(28) + 3; // inside the first entry's data
      bytes[data] = bytes[data]! ^ 0xff;
      writeFileSync(p, bytes);
      await expect(verifyZip(p)).rejects.toThrow();
    }
    writeFileSync(join(dir, 'not.zip'), 'hello, this is not a zip file at all');
    await expect(listZip(join(dir, 'not.zip'))).rejects.toBeInstanceOf(ZipReadError);
  });

  it('reads Zoom\'s size as bytes or bits; sends the window as date-times, start before end', () => {
    expect(sizeCheck('1000', 1000)).toBeUndefined();
    expect(sizeCheck('8000', 1000)).toBeUndefined();
    expect(sizeCheck('15667', 1000)).toMatch(/15667/);
    expect(zoomWindow({ from: '2025-01-01', to: '2025-01-31' }, Date.parse('2026-01-01'))).toEqual({ start_date: '2025-01-01T00:00:00Z', end_date: '2025-02-01T00:00:00Z' });
    expect(zoomWindow({ from: '2025-01-01', to: '2025-01-01' }, Date.parse('2025-01-01T10:00:00.500Z'))).toEqual({ start_date: '2025-01-01T00:00:00Z', end_date: '2025-01-01T10:00:00Z' });
  });
});
