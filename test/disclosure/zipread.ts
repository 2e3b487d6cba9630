import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { configure, Uint8ArrayReader, Uint8ArrayWriter, ZipReader } from '@zip.js/zip.js';

configure({ useWebWorkers: false });

/** Every file entry of a zip (plain or AES-encrypted), by name. */
export async function readZip(buf: Buffer, password?: string): Promise<Map<string, Buffer>> {
  const reader = new ZipReader(new Uint8ArrayReader(new Uint8Array(buf)), password ? { password } : {});
  const out = new Map<string, Buffer>();
  try {
    for (const e of await reader.getEntries()) {
      if (e.directory) continue;
      const data = await e.getData!(new Uint8ArrayWriter());
      out.set(e.filename, Buffer.from(data));
    }
  } finally {
    await reader.close();
  }
  return out;
}

/** Unzip into `dir` (entries' own paths), as a recipient would. */
export async function extractZip(buf: Buffer, dir: string, password?: string): Promise<void> {
  for (const [name, data] of await readZip(buf, password)) {
    const p = join(dir, ...name.split('/'));
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, data);
  }
}
