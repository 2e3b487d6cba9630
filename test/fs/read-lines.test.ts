/**
 * Reading zdsar's own files back (records.ts): lines cut by hand rather than by node:readline, so
 * every shape a file can take must come back exactly: lines across chunk edges, multi-byte
 * characters cut by a chunk, CRLF, no final newline, a line longer than a chunk, an empty file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isLineArray, readLines, readNdjson, RecordFile } from '../../src/fs/records.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});
const file = (name: string, text: string | Buffer) => {
  dir ??= mkdtempSync(join(tmpdir(), 'zdsar-lines-'));
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const all = async <T>(it: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

describe('readLines', () => {
  it('gives each line exactly, whatever the chunk edges cut: multi-byte characters, CRLF, no final newline, lines longer than a chunk', async () => {
    // 64 KiB chunks: "é" (2 bytes) and "😀" (4 bytes) long enough that chunk edges fall inside them.
    const long = 'x'.repeat(600 * 1024);
    const lines = ['a', '', 'é'.repeat(200_000), long, '😀'.repeat(70_000), 'crlf', 'last'];
    const text = lines.slice(0, 5).join('\n') + '\ncrlf\r\nlast';
    expect(await all(readLines(file('mixed.txt', text)))).toEqual(lines);
  });

  it('reads nothing from an empty file, and one empty line from a lone newline (as readline did)', async () => {
    expect(await all(readLines(file('empty.txt', '')))).toEqual([]);
    expect(await all(readLines(file('nl.txt', '\n')))).toEqual(['']);
  });

  it('stops reading (and closes the file) when the reader stops early', async () => {
    const p = file('many.txt', Array.from({ length: 10_000 }, (_, i) => `line ${i}`).join('\n'));
    for await (const line of readLines(p)) {
      expect(line).toBe('line 0');
      break;
    }
    // A closed handle lets the folder be removed on every platform; the next read starts afresh.
    expect((await all(readLines(p))).length).toBe(10_000);
  });
});

describe('readNdjson with mentions: lines that cannot name the person are not parsed', () => {
  it('keeps every line naming the value in any case, and nothing is lost for values JSON would escape', async () => {
    const rows = [{ email: 'Kim@Example.com', n: 1 }, { email: 'robin@example.com', n: 2 }, { email: 'kim@example.com.evil', n: 3 }, { note: 'broken {' }];
    const p = file('rows.ndjson', rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    // The sieve only skips parsing: the caller's exact test still decides (the lookalike passes the sieve).
    expect(((await all(readNdjson(p, ['kim@example.com']))) as { n: number }[]).map((r) => r.n)).toEqual([1, 3]);
    // Without mentions, or with a value JSON would write otherwise (a quote), every line is parsed.
    expect((await all(readNdjson(p))).length).toBe(4);
    expect((await all(readNdjson(p, ['"kim"@example.com']))).length).toBe(4);
    expect((await all(readNdjson(p, ['kïm@example.com']))).length).toBe(4);
  });
});

describe('isLineArray: the layout RecordFile writes, decided from the first bytes', () => {
  it('is true for what RecordFile writes (with and without records), false for any other layout', async () => {
    dir ??= mkdtempSync(join(tmpdir(), 'zdsar-lines-'));
    const list = join(dir, 'list.json');
    const f = await RecordFile.create(list, 'json-array');
    await f.write({ a: 1 });
    await f.write({ b: 2 });
    await f.commit();
    const none = join(dir, 'none.json');
    await (await RecordFile.create(none, 'json-array')).commit();
    expect(await isLineArray(list)).toBe(true);
    expect(await isLineArray(none)).toBe(true);
    expect(await isLineArray(file('pretty.json', JSON.stringify([{ a: 1 }], null, 2)))).toBe(false);
    expect(await isLineArray(file('one-line.json', JSON.stringify([{ a: 'y'.repeat(1_000_000) }])))).toBe(false);
    expect(await isLineArray(file('object.json', '{"id":"u1"}\n'))).toBe(false);
    expect(await isLineArray(file('empty.json', ''))).toBe(false);
    expect(await isLineArray(file('crlf.json', '[\r\n{"a":1}\r\n]\r\n'))).toBe(true);
  });
});
