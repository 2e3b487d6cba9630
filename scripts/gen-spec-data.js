#!/usr/bin/env node
// Regenerates test/sandbox/spec-data.generated.json from Zoom's OpenAPI documents (spec/zoom-api):
// for every GET/POST/PUT/PATCH/DELETE operation, its query and path parameters (name, required, enum,
// maximum, minimum, format), the error codes its non-2xx responses document, and what its prose says
// about date windows ("one month", "within the last six months"). The conformance tests read this file,
// so most tests need no JSON parsing of 17 MB of specs.
// Usage: node scripts/gen-spec-data.js [spec/zoom-api]
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? new URL('../spec/zoom-api', import.meta.url).pathname;
const files = ['users', 'meetings', 'phone', 'accounts', 'team-chat', 'clips', 'calendar', 'scheduler', 'rooms', 'ai-companion', 'mail', 'whiteboard', 'contact-center', 'events', 'revenue-accelerator', 'quality-management'];
const ops = {};
const sources = {};
for (const f of files) {
  const text = readFileSync(join(dir, `${f}.openapi.json`), 'utf8');
  sources[`${f}.openapi.json`] = createHash('sha256').update(text).digest('hex');
  const spec = JSON.parse(text);
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      if (typeof op !== 'object' || !op || !('responses' in op)) continue;
      const params = [];
      for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
        if (p.in !== 'query' && p.in !== 'path') continue;
        const s = p.schema ?? {};
        const x = { name: p.name, in: p.in };
        if (p.required) x.required = true;
        if (s.type) x.type = s.type;
        if (s.enum) x.enum = s.enum.map(String);
        if (s.maximum !== undefined) x.maximum = s.maximum;
        // OpenAPI 3.0's boolean form: the value must stay below `maximum` (QM's page_size: "Maximum: 100" in prose, exclusive in the schema).
        if (s.exclusiveMaximum === true) x.exclusiveMaximum = true;
        if (s.minimum !== undefined) x.minimum = s.minimum;
        if (s.format) x.format = s.format;
        const d = String(p.description ?? '');
        if (/yyyy-MM-dd'T'HH:mm:ss'Z'/.test(d)) x.dateTime = true;
        // Values a string parameter's prose lists ("* `meeting_recordings`: …") when its schema has no enum.
        if (!s.enum && s.type === 'string') {
          const listed = [...d.matchAll(/(?:^|\n)\s*\*\s*`([A-Za-z0-9_]+)`/g)].map((m) => m[1]);
          if (listed.length > 1) x.values = [...new Set(listed)];
        }
        params.push(x);
      }
      const errors = [];
      for (const [status, r] of Object.entries(op.responses)) {
        if (/^2/.test(status)) continue;
        const d = String(r.description ?? '');
        const parts = d.split(/\*\*Error Code:\*\*/).slice(1);
        for (const part of parts) {
          const m = /^\s*`(\d+)`\s*(?:<br>)?\s*([\s\S]*?)(?:<br>|$)/.exec(part);
          if (m) errors.push([Number(status), Number(m[1]), m[2].replace(/\s+/g, ' ').trim().slice(0, 100)]);
        }
      }
      const prose = [String(op.description ?? ''), ...[...(item.parameters ?? []), ...(op.parameters ?? [])].map((p) => String(p.description ?? ''))].join('\n');
      const window = {};
      if (/\bone month\b|should be a month|maximum range can be a month|limited to a month/i.test(prose)) window.month = true;
      if (/(within|fall within) the (last|past) six months|recent 6 months/i.test(prose)) window.sixMonths = true;
      if (/trash[\s\S]{0,40}cannot be filtered by date range/i.test(prose)) window.trashUndated = true;
      ops[`${method.toUpperCase()} ${path}`] = { params, errors, ...(Object.keys(window).length ? { window } : {}) };
    }
  }
}
const keys = Object.keys(ops).sort();
const sorted = Object.fromEntries(keys.map((k) => [k, ops[k]]));
writeFileSync(new URL('../test/sandbox/spec-data.generated.json', import.meta.url), JSON.stringify({ generated_by: 'scripts/gen-spec-data.js', sources, operations: sorted }) + '\n');
console.error(`${keys.length} operations`);
