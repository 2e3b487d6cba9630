import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Zoom's OpenAPI documents, copied into the repository (spec/zoom-api/SOURCES.md says from where). */
export const SPEC_DIR = join(import.meta.dirname, '..', '..', 'spec', 'zoom-api');

const cache = new Map<string, any>();
/** One spec document, parsed once per test file. */
export function loadSpec(file: string): any {
  if (!cache.has(file)) cache.set(file, JSON.parse(readFileSync(join(SPEC_DIR, file), 'utf8')));
  return cache.get(file);
}
