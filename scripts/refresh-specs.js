#!/usr/bin/env node
// Refreshes the copies of Zoom's OpenAPI documents in spec/zoom-api from a folder of specs, and rewrites
// the sha256 column of spec/zoom-api/SOURCES.md to match. test/spec/sources.test.ts checks that column.
// Usage: npm run specs:refresh -- FROM [INTO]    (INTO defaults to spec/zoom-api)
// Every *.openapi.json in FROM is copied (byte for byte). A file new to SOURCES.md gets a row whose source
// columns say "to fill in": say where it came from before committing. Then regenerate what is derived
// from the specs (node scripts/gen-categories.js; node scripts/gen-spec-data.js) and diff.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [from, into = new URL('../spec/zoom-api', import.meta.url).pathname] = process.argv.slice(2);
if (!from) {
  console.error('usage: npm run specs:refresh -- FOLDER_WITH_SPECS [INTO]');
  process.exit(2);
}
if (!existsSync(from)) {
  console.error(`error: ${from}: no such folder`);
  process.exit(2);
}
if (resolve(from) === resolve(into)) {
  console.error('error: FROM and INTO are the same folder');
  process.exit(2);
}
const sourcesPath = join(into, 'SOURCES.md');
const files = readdirSync(from).filter((f) => f.endsWith('.openapi.json')).sort();
if (files.length === 0) {
  console.error(`error: ${from} holds no *.openapi.json`);
  process.exit(2);
}

// A file that is not JSON (an HTML error page saved by curl, say) stops the refresh before anything is written.
for (const f of files) {
  try {
    JSON.parse(readFileSync(join(from, f), 'utf8'));
  } catch (e) {
    console.error(`error: ${join(from, f)} is not JSON (${e.message}); nothing refreshed`);
    process.exit(1);
  }
}

const sha = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');
let lines = readFileSync(sourcesPath, 'utf8').split('\n');
/** The table row of a file: `| \`name\` | … | sha256 |`. */
const rowOf = (name) => lines.findIndex((l) => l.startsWith(`| \`${name}\` |`));

const changed = [];
const added = [];
for (const f of files) {
  const before = existsSync(join(into, f)) ? sha(join(into, f)) : undefined;
  copyFileSync(join(from, f), join(into, f));
  const after = sha(join(into, f));
  const i = rowOf(f);
  if (i < 0) {
    const header = lines.findIndex((l) => l.startsWith('| file (this folder)'));
    let end = header + 2;
    while (end < lines.length && lines[end].startsWith('|')) end++;
    lines.splice(end, 0, `| \`${f}\` | to fill in | to fill in | to fill in | to fill in | to fill in | ${after} |`);
    added.push(f);
  } else {
    const cells = lines[i].split('|');
    cells[cells.length - 2] = ` ${after} `;
    lines[i] = cells.join('|');
    if (before !== after) changed.push(f);
  }
}
writeFileSync(sourcesPath, lines.join('\n'));
const kept = readdirSync(into).filter((f) => f.endsWith('.openapi.json') && !files.includes(f));
console.error(`${files.length} specs copied from ${from}: ${changed.length} changed${changed.length ? ` (${changed.join(', ')})` : ''}, ${added.length} new${added.length ? ` (${added.join(', ')}: fill in their source in SOURCES.md)` : ''}`);
if (kept.length) console.error(`not in ${from}, kept as they were: ${kept.join(', ')}`);
console.error('next: node scripts/gen-categories.js && node scripts/gen-spec-data.js, then git diff');
