import { readFile, stat } from 'node:fs/promises';
import { isLineArray, readLines } from '../../fs/records.js';

export type Rec = Record<string, unknown>;

/** Files larger than this are never parsed whole (a category file not in zdsar's one-record-per-line form). */
const WHOLE_PARSE_CAP = 32 * 1024 * 1024;

/**
 * The records of a category file, streaming. zdsar writes list categories as a JSON array
 * with one record per line (RecordFile 'json-array'), so each line is parsed on its own
 * and memory stays flat whatever the file's size. A file in another layout (a single
 * object such as profile.json, or pretty-printed JSON) is parsed whole, up to 32 MiB.
 * A missing file yields nothing.
 */
export async function* readRecords(path: string): AsyncGenerator<Rec> {
  for await (const json of recordTexts(path)) yield asRecord(JSON.parse(json));
}

/** A parsed record as readRecords gives it: an object as it is, anything else as { value }. */
export function asRecord(v: unknown): Rec {
  return isRecord(v) ? v : { value: v };
}

/**
 * The records of a category file as JSON text, one each, unparsed: a page that shows the first rows of a
 * file and counts the rest reads the rest without parsing it. (A file in another layout, parsed whole, is
 * given back record by record as text: small and rare.)
 */
export async function* recordTexts(path: string): AsyncGenerator<string> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    return;
  }
  if (await isLineArray(path)) {
    for await (const raw of readLines(path)) {
      const line = raw.trim();
      if (line === '' || line === '[' || line === ']' || line === '[]') continue;
      yield line.endsWith(',') ? line.slice(0, -1) : line;
    }
    return;
  }
  if (size > WHOLE_PARSE_CAP) throw new Error(`${path}: too large to read in this layout`);
  const v = JSON.parse(await readFile(path, 'utf8')) as unknown;
  if (Array.isArray(v)) {
    for (const r of v) yield JSON.stringify(r);
  } else if (isRecord(v)) yield JSON.stringify(v);
}

/** Read a single-object file (profile.json, settings.json), capped. */
export async function readObject(path: string): Promise<Rec | undefined> {
  try {
    const st = await stat(path);
    if (st.size > WHOLE_PARSE_CAP) return undefined;
    const v = JSON.parse(await readFile(path, 'utf8')) as unknown;
    return isRecord(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export function isRecord(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
