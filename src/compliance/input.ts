import { readFile, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { UsageError } from '../errors.js';

export const MAX_EVENT_BYTES = 1024 * 1024;

/** The raw bytes of an event: a file, or standard input for "-". Never re-encoded: the signature covers the bytes. */
export async function readEventBody(source: string | undefined, stdin: Readable & { isTTY?: boolean }): Promise<Buffer> {
  if (source === undefined || source === '') {
    throw new UsageError('--event is required: the raw JSON body of the delivery, as a file or - for standard input');
  }
  if (source === '-') {
    if (stdin.isTTY) throw new UsageError('--event -: standard input is a terminal; pipe the raw body of the delivery into zdsar');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stdin) {
      const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
      size += b.length;
      if (size > MAX_EVENT_BYTES) throw new UsageError(`--event -: more than ${MAX_EVENT_BYTES} bytes; a Zoom event is much smaller`);
      chunks.push(b);
    }
    return Buffer.concat(chunks);
  }
  try {
    const st = await stat(source);
    if (!st.isFile()) throw new UsageError(`--event: ${source} is not a file`);
    if (st.size > MAX_EVENT_BYTES) throw new UsageError(`--event: ${source} is larger than ${MAX_EVENT_BYTES} bytes; a Zoom event is much smaller`);
    return await readFile(source);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--event: cannot read ${source}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function parseTolerance(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,9}$/.test(value.trim())) throw new UsageError(`--tolerance: a number of seconds (0 or more), got "${value}"`);
  return Number(value.trim());
}

export function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  const v = value.trim();
  if (!/^\d{1,5}$/.test(v) || Number(v) > 65535) throw new UsageError(`--port: a port number from 0 to 65535 (0 picks a free one), got "${value}"`);
  return Number(v);
}
