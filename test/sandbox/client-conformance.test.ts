/**
 * What the client SENDS, checked against Zoom's specs: every request zdsar makes during an export
 * (with --from/--to and without) and a registrant search, against the strict sandbox, is matched to
 * its spec operation and checked for parameter names, enums and documented values, maxima, required
 * parameters, date formats and the date windows the prose imposes. Then the error codes the client
 * relies on are checked against the errors the specs document.
 *
 * The spec data is generated into the repo (scripts/gen-spec-data.js → spec-data.generated.json), so
 * this test never depends on ../shared and never skips.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadSpec, SPEC_DIR } from '../helpers/specs.js';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RequestLogEntry, type Sandbox } from '../../src/sandbox/index.js';
import { ANSWER_MEANINGS, LISTED_FILE_URL, ZOOM_CODE } from '../../src/zoom/errors.js';
import { runCli, sandboxEnv, tempDir } from '../helpers/cli.js';

interface Param {
  name: string;
  in: 'query' | 'path';
  required?: boolean;
  type?: string;
  enum?: string[];
  values?: string[];
  maximum?: number;
  exclusiveMaximum?: boolean;
  minimum?: number;
  format?: string;
  dateTime?: boolean;
}
interface Operation {
  params: Param[];
  errors: Array<[number, number, string]>;
  window?: { month?: boolean; sixMonths?: boolean; trashUndated?: boolean };
}

const DATA = JSON.parse(readFileSync(join(import.meta.dirname, 'spec-data.generated.json'), 'utf8')) as { operations: Record<string, Operation> };
const OPS = Object.entries(DATA.operations).map(([key, op]) => {
  const [method, template] = key.split(' ') as [string, string];
  // Literal segments win over parameters (/users/me vs /users/{userId}): fewer parameters, tried first.
  const re = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}$`);
  return { method, template, re, op, params: (template.match(/\{/g) ?? []).length };
}).sort((a, b) => a.params - b.params);

function operationOf(e: RequestLogEntry): (typeof OPS)[number] | undefined {
  const path = e.path.replace(/^\/v2/, '');
  return OPS.find((o) => o.method === e.method && o.re.test(path));
}

const DAY = 86_400_000;
const parseDay = (s: string) => Date.parse(`${s.slice(0, 10)}T00:00:00Z`);
function addMonths(ms: number, n: number): number {
  const d = new Date(ms);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n + 1, 0)).getUTCDate();
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, Math.min(d.getUTCDate(), last));
}

/** Everything wrong with one request, in words ([] when it conforms). */
export function problemsOf(e: RequestLogEntry, now: number): string[] {
  const o = operationOf(e);
  const where = `${e.method} ${e.path}?${new URLSearchParams(e.query).toString()}`;
  if (!o) return [`${where}: no such operation in Zoom's specs`];
  const out: string[] = [];
  const query = new Map(o.op.params.filter((p) => p.in === 'query').map((p) => [p.name, p]));
  for (const [k, v] of Object.entries(e.query)) {
    const p = query.get(k);
    if (!p) {
      out.push(`${where}: parameter "${k}" is not in the spec`);
      continue;
    }
    const allowed = p.enum ?? p.values;
    if (allowed && !allowed.includes(v)) out.push(`${where}: ${k}=${v} is not one of ${allowed.join(', ')}`);
    if (p.type === 'integer' && !/^-?\d+$/.test(v)) out.push(`${where}: ${k}=${v} is not an integer`);
    if (p.type === 'boolean' && v !== 'true' && v !== 'false') out.push(`${where}: ${k}=${v} is not a boolean`);
    if (p.maximum !== undefined && (Number(v) > p.maximum || (p.exclusiveMaximum && Number(v) >= p.maximum))) out.push(`${where}: ${k}=${v} is over the maximum ${p.maximum}${p.exclusiveMaximum ? ' (exclusive)' : ''}`);
    if (p.minimum !== undefined && Number(v) < p.minimum) out.push(`${where}: ${k}=${v} is under the minimum ${p.minimum}`);
    if (p.format === 'date') {
      const ok = /^\d{4}-\d{2}-\d{2}$/.test(v) || (p.dateTime === true && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(v));
      if (!ok) out.push(`${where}: ${k}=${v} is not ${p.dateTime ? 'yyyy-mm-dd or yyyy-MM-ddTHH:mm:ssZ' : 'yyyy-mm-dd'}`);
    }
  }
  for (const p of query.values()) if (p.required && !(p.name in e.query)) out.push(`${where}: required parameter "${p.name}" is missing`);
  const w = o.op.window ?? {};
  const { from, to } = e.query;
  if (w.trashUndated && e.query.trash === 'true' && (from !== undefined || to !== undefined)) out.push(`${where}: the trash cannot be filtered by date: no from/to`);
  if (from !== undefined && to !== undefined && !(w.trashUndated && e.query.trash === 'true')) {
    if (parseDay(to) < parseDay(from)) out.push(`${where}: to is before from`);
    if (w.month && !(addMonths(parseDay(from), 1) > parseDay(to))) out.push(`${where}: the window is longer than one month`);
    if (w.sixMonths && parseDay(from) < addMonths(parseDay(new Date(now).toISOString()), -6)) out.push(`${where}: from lies outside the past six months`);
  }
  if ((from === undefined) !== (to === undefined) && (w.month || w.sixMonths)) out.push(`${where}: from and to go together`);
  return out;
}

describe('what the client sends conforms to Zoom\'s specs', () => {
  let sb: Sandbox;
  const PEOPLE = ['alice.martin@cedarpine.example', 'bruno.costa@cedarpine.example', 'chen.wei@cedarpine.example', 'dana.okafor@cedarpine.example', 'farah.haddad@cedarpine.example', 'jordan.lee@gmail.example'];
  const codes: Array<number | null> = [];

  beforeAll(async () => {
    sb = await startSandbox({ seed: 3, onWarning: () => {} });
    const env = sandboxEnv(sb);
    const csv = join(tempDir('zdsar-conf-'), 'people.csv');
    writeFileSync(csv, 'email\n' + PEOPLE.join('\n') + '\n');
    codes.push((await runCli(['export', '--csv', csv, '--out', tempDir('zdsar-conf-out-'), '--json'], env)).code);
    const to = new Date().toISOString().slice(0, 10);
    codes.push((await runCli(['export', '--emails', PEOPLE[0]!, '--from', '2024-01-31', '--to', to, '--out', tempDir('zdsar-conf-out-'), '--json'], { ...env, ZDSAR_HOME: tempDir('zdsar-conf-home-') })).code);
    codes.push((await runCli(['registrants', 'find', '--emails', 'jordan.lee@gmail.example', '--json'], { ...env, ZDSAR_HOME: tempDir('zdsar-conf-home-') })).code);
  }, 240_000);
  afterAll(() => sb.close());

  it('every request names a spec operation, with the spec\'s parameters, values, maxima, formats and windows', () => {
    expect(codes).toEqual([0, 0, 0]);
    const api = sb.log.filter((e) => e.path.startsWith('/v2/'));
    expect(api.length).toBeGreaterThan(100);
    const problems = [...new Set(api.flatMap((e) => problemsOf(e, Date.now())))];
    expect(problems).toEqual([]);
    // The strict sandbox refused nothing the client sent: every 400 is a documented "no data" answer
    // (400 code 200 "Webinar plan is missing"), never a refused parameter or window (code 300).
    expect(api.filter((e) => e.status === 400 && e.code !== 200).map((e) => `${e.code} ${e.path}?${new URLSearchParams(e.query)}`)).toEqual([]);
    expect(api.some((e) => e.status === 400 && e.code === 200)).toBe(true);
    // The lists the client walks ask for the spec's maximum page size.
    for (const e of api.filter((x) => x.query.page_size !== undefined)) {
      const p = operationOf(e)!.op.params.find((x) => x.name === 'page_size')!;
      // An exclusive maximum (QM's prose says 100, its schema below 100): the largest size valid under both readings.
      if (p.maximum !== undefined) expect(Number(e.query.page_size), e.path).toBe(p.exclusiveMaximum ? p.maximum - 1 : p.maximum);
    }
  });

  it('catches what it should: a window too long, a wrong value, an unknown parameter, a trash with dates', () => {
    const e = (path: string, query: Record<string, string>): RequestLogEntry => ({ method: 'GET', path: `/v2${path}`, query, status: 200, category: 'Medium', at: '' });
    const now = Date.UTC(2026, 5, 15);
    expect(problemsOf(e('/users/u1/recordings', { from: '2026-01-01', to: '2026-02-01' }), now)).toHaveLength(1);
    expect(problemsOf(e('/users/u1/recordings', { from: '2026-01-01', to: '2026-01-31' }), now)).toEqual([]);
    expect(problemsOf(e('/users/u1/recordings', { trash: 'true', from: '2026-06-01', to: '2026-06-15' }), now)[0]).toMatch(/trash/);
    expect(problemsOf(e('/users/u1/recordings', { trash: 'true', trash_type: 'everything' }), now)[0]).toMatch(/not one of/);
    expect(problemsOf(e('/users/u1/meetings', { type: 'past' }), now)[0]).toMatch(/not one of/);
    expect(problemsOf(e('/users/u1/meetings', { page_size: '500' }), now)[0]).toMatch(/maximum 300/);
    expect(problemsOf(e('/users/u1/meetings', { pagesize: '30' }), now)[0]).toMatch(/not in the spec/);
    expect(problemsOf(e('/report/users/u1/meetings', { from: '2025-11-01', to: '2025-11-30' }), now)[0]).toMatch(/six months/);
    expect(problemsOf(e('/report/users/u1/meetings', { type: 'pastJoined' }), now).join()).toMatch(/required parameter "from"/);
    expect(problemsOf(e('/phone/users/u1/call_history', { from: '2026-06-01T00:00:00Z', to: '2026-06-10T00:00:00Z' }), now)).toEqual([]);
    expect(problemsOf(e('/users/u1/recordings', { from: '2026/06/01', to: '2026-06-10' }), now)[0]).toMatch(/yyyy-mm-dd/);
  });

  it('the error codes the client relies on are the ones the specs document', () => {
    const documented = (status: number, code: number, where?: string, message?: RegExp) =>
      Object.entries(DATA.operations).some(([key, op]) => (!where || key.split(' ')[1]!.startsWith(where)) && op.errors.some(([s, c, m]) => s === status && c === code && (!message || message.test(m))));
    // The one table of answer meanings (src/zoom/errors.ts), scoped per operation: each entry is documented at that very operation.
    const documentedAt = (op: string, status: number, code: number, message?: RegExp) => errorsAt(op).some(([s, c, m]) => s === status && c === code && (!message || message.test(m)));
    for (const [op, meanings] of Object.entries(ANSWER_MEANINGS)) {
      // A listed file's own URL is no operation of the specs: only HTTP's own 404 Not Found is read there, as "gone".
      if (op === `GET ${LISTED_FILE_URL}`) {
        expect(meanings.map((m) => [m.status, m.code, m.outcome])).toEqual([[404, undefined, 'gone']]);
        continue;
      }
      for (const m of meanings) {
        expect(m.code, `${op}: a code is required at an operation of the specs`).toBeDefined();
        // 403 code 2031 is documented on the account-level Phone operations (GET /phone/settings); it concerns the whole account.
        if (m.code === 2031) expect(documentedAt('GET /phone/settings', m.status, m.code), `${op} ${m.reason}`).toBe(true);
        else expect(documentedAt(op, m.status, m.code!, m.message), `${op} ${m.status}/${m.code} ${m.reason}`).toBe(true);
      }
    }
    // A code means only what its operation documents: 3161 on the account's summary list is about the caller, not "no data".
    expect(ANSWER_MEANINGS['GET /meetings/meeting_summaries']!.some((m) => m.code === 3161)).toBe(false);
    expect(documented(401, ZOOM_CODE.invalidToken)).toBe(true);
    expect(documented(404, ZOOM_CODE.userNotFound, '/users/{userId}')).toBe(true);
    expect(documented(404, ZOOM_CODE.meetingNotFound, '/meetings/{meetingId}')).toBe(true);
    expect(documented(400, ZOOM_CODE.invalidField, undefined, /next page token is invalid or expired/i)).toBe(true);
    expect(documented(409, 14114, '/data_requests/requests')).toBe(true);
    // 4711 (missing scope) is documented in Zoom's scope pages, not in these OpenAPI files: the one exception.
    expect(documented(400, ZOOM_CODE.noScope)).toBe(false);
    // What must NOT mean "no Zoom Phone": documented Phone errors outside the table.
    expect(documented(400, 300, '/phone/users/{userId}', /invalid user id/i)).toBe(true);
    expect(documented(404, 404, '/phone/users/{userId}', /site does not exist/i)).toBe(true);
    expect(Object.entries(ANSWER_MEANINGS).some(([op, ms]) => op.startsWith('GET /phone/users/') && ms.some((m) => m.code === 300 || m.code === 404))).toBe(false);
  });
});

/**
 * The documented errors of one operation ("GET /path"): from the generated spec data, else (for the
 * specs it does not cover, e.g. clips) read from the operation's response descriptions in spec/zoom-api.
 */
function errorsAt(op: string): Array<[number, number, string]> {
  const known = (DATA.operations as Record<string, { errors: Array<[number, number, string]> }>)[op];
  if (known) return known.errors;
  const [method, path] = op.split(' ') as [string, string];
  for (const file of readdirSync(SPEC_DIR).filter((f) => f.endsWith('.openapi.json'))) {
    const o = loadSpec(file).paths?.[path]?.[method.toLowerCase()];
    if (!o) continue;
    const out: Array<[number, number, string]> = [];
    for (const [status, r] of Object.entries(o.responses ?? {}) as Array<[string, { description?: string }]>) {
      for (const m of (r.description ?? '').matchAll(/Error Code:\*\* `(\d+)` <br>\s*([^<]*)/g)) out.push([Number(status), Number(m[1]), m[2]!.trim()]);
    }
    return out;
  }
  return [];
}
