/**
 * Checks the sandbox against Zoom's own OpenAPI documents (spec/zoom-api, in the repository):
 * each route's rate-limit category equals the operation's "Rate Limit Label", its scopes are the
 * operation's, and every field the sandbox answers exists in the operation's response schema (top level
 * and list items), except a short, named list of realistic extras.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { userRoutes } from '../../src/sandbox/routes/users.js';
import { meetingRoutes } from '../../src/sandbox/routes/meetings.js';
import { registrantRoutes } from '../../src/sandbox/routes/registrants.js';
import { recordingRoutes } from '../../src/sandbox/routes/recordings.js';
import { phoneRoutes } from '../../src/sandbox/routes/phone.js';
import { reportRoutes } from '../../src/sandbox/routes/reports.js';
import { dataRequestRoutes, DATA_REQUEST_SCOPES } from '../../src/sandbox/routes/data-requests.js';
import { api, token } from './helpers.js';
import { loadSpec, SPEC_DIR as DIR } from '../helpers/specs.js';

const present = existsSync(join(DIR, 'meetings.openapi.json'));

type Schema = { type?: string; properties?: Record<string, Schema>; items?: Schema; allOf?: Schema[]; oneOf?: Schema[]; anyOf?: Schema[] };
type Op = { operationId: string; description?: string; responses: Record<string, { content?: Record<string, { schema: Schema }> }>; 'x-extensions'?: Record<string, string[]> };

const spec = (file: string) => loadSpec(file) as { paths: Record<string, Record<string, Op>> };
function findOp(file: string, id: string): { op: Op; path: string; method: string } | undefined {
  for (const [path, ops] of Object.entries(spec(file).paths)) for (const [method, op] of Object.entries(ops)) if (op.operationId === id) return { op, path, method };
  return undefined;
}
function props(s: Schema | undefined): Map<string, Schema> {
  const out = new Map<string, Schema>();
  if (!s) return out;
  for (const x of [...(s.allOf ?? []), ...(s.oneOf ?? []), ...(s.anyOf ?? [])]) for (const [k, v] of props(x)) out.set(k, v);
  for (const [k, v] of Object.entries(s.properties ?? {})) out.set(k, v);
  return out;
}
function okSchema(op: Op): Schema | undefined {
  for (const code of ['200', '201']) {
    const c = op.responses[code]?.content?.['application/json'];
    if (c) return c.schema;
  }
  return undefined;
}
/** Field names the sandbox sends that the schema lacks (top level and the first item of each list). */
function extras(body: Record<string, unknown>, schema: Schema): string[] {
  const p = props(schema);
  const out: string[] = [];
  for (const [k, v] of Object.entries(body)) {
    const s = p.get(k);
    if (!s) {
      out.push(k);
      continue;
    }
    if (Array.isArray(v) && v[0] && typeof v[0] === 'object') {
      for (const x of extras(v[0] as Record<string, unknown>, s.items ?? {})) out.push(`${k}[].${x}`);
    }
  }
  return out;
}

const ALL = [...userRoutes, ...meetingRoutes, ...registrantRoutes, ...recordingRoutes, ...phoneRoutes, ...reportRoutes, ...dataRequestRoutes];

/** Fields Zoom returns that its schemas omit, or that we add on purpose (docs/sandbox.md). */
const KNOWN_EXTRAS: Record<string, string[]> = {
  recordingsList: ['meetings[].timezone', 'meetings[].share_url'],
  phoneUser: ['name'],
  phoneUserRecordings: ['page_count', 'recordings[].recording_type', 'recordings[].owner', 'recordings[].site'],
  phoneUserVoiceMails: ['page_count'],
  phoneUserCallLogs: ['call_logs[].callee_country_code', 'call_logs[].callee_country_iso_code', 'call_logs[].caller_country_code', 'call_logs[].caller_country_iso_code'],
  reportMeetingParticipants: ['participants[].participant_user_id', 'participants[].attentiveness_score', 'participants[].customer_key'],
};

describe('sandbox vs Zoom OpenAPI documents', () => {
  it('finds the specs in spec/zoom-api: a missing prerequisite fails, never skips', () => {
    expect(present, `Zoom's OpenAPI documents not found in ${DIR}`).toBe(true);
  });

  it('the spec data generated into the repo matches these specs (run node scripts/gen-spec-data.js)', () => {
    const data = JSON.parse(readFileSync(join(import.meta.dirname, 'spec-data.generated.json'), 'utf8')) as { sources: Record<string, string> };
    for (const [file, sha] of Object.entries(data.sources)) expect(createHash('sha256').update(readFileSync(join(DIR, file))).digest('hex'), file).toBe(sha);
  });

  it('every route names a spec operation whose Rate Limit Label and scopes it uses', () => {
    for (const r of ALL) {
      if (!r.spec) continue;
      const [file, id] = r.spec.split(' ') as [string, string];
      const found = findOp(file, id);
      expect(found, r.spec).toBeDefined();
      const label = /Rate Limit Label[^`]*`([^`]+)`/.exec(found!.op.description ?? '')?.[1];
      expect(label?.toLowerCase().replace('_', '-'), r.spec).toBe(r.category?.toLowerCase());
      expect(`${found!.method.toUpperCase()} /v2${found!.path.replace(/\{(\w+)\}/g, ':$1')}`, r.spec).toBe(`${r.method} ${r.path}`);
      const granular = found!.op['x-extensions']?.['x-granular-scopes'] ?? [];
      for (const s of r.granular ?? []) expect(granular, r.spec).toContain(s);
      const classic = found!.op['x-extensions']?.['x-macro-scopes'] ?? [];
      for (const s of r.classic ?? []) expect(classic, r.spec).toContain(s);
    }
  });

  describe('response fields exist in the published schemas', () => {
    let sb: Sandbox;
    let get: ReturnType<typeof api>;
    const now = Date.now();
    const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    beforeAll(async () => {
      sb = await startSandbox({ rateLimits: false });
      get = api(sb, await token(sb));
    });
    afterAll(() => sb.close());

    it('matches', async () => {
      const a = sb.account.users[0]!;
      const m = sb.account.meetings.find((x) => x.type === 8 && x.registrants.length > 0)!;
      const w = sb.account.webinars.find((x) => x.panelists.length > 0)!;
      const past = sb.account.meetings.find((x) => x.host_id === a.id && x.instances.length > 0 && Date.parse(x.start_time) > now - 20 * 86_400_000)!;
      const cases: Array<[string, string, string]> = [
        ['users.openapi.json', 'users', '/users'],
        ['users.openapi.json', 'user', `/users/${a.id}`],
        ['meetings.openapi.json', 'meetings', `/users/${a.id}/meetings?type=previous_meetings`],
        ['meetings.openapi.json', 'meeting', `/meetings/${m.id}?show_previous_occurrences=true`],
        ['meetings.openapi.json', 'webinars', `/users/${a.id}/webinars`],
        ['meetings.openapi.json', 'webinar', `/webinars/${w.id}`],
        ['meetings.openapi.json', 'recordingsList', `/users/${a.id}/recordings?from=${ymd(now - 30 * 86_400_000)}&to=${ymd(now)}`],
        ['meetings.openapi.json', 'meetingRegistrants', `/meetings/${m.id}/registrants`],
        ['meetings.openapi.json', 'webinarRegistrants', `/webinars/${w.id}/registrants`],
        ['meetings.openapi.json', 'webinarPanelists', `/webinars/${w.id}/panelists`],
        ['meetings.openapi.json', 'pastMeetingParticipants', `/past_meetings/${past.id}/participants`],
        ['meetings.openapi.json', 'reportMeetingParticipants', `/report/meetings/${past.id}/participants`],
        ['meetings.openapi.json', 'reportMeetings', `/report/users/${a.id}/meetings?type=pastJoined&from=${ymd(now - 30 * 86_400_000)}&to=${ymd(now)}`],
        ['phone.openapi.json', 'phoneUser', `/phone/users/${a.id}`],
        ['phone.openapi.json', 'phoneUserSettings', `/phone/users/${a.id}/settings`],
        ['phone.openapi.json', 'phoneUserCallHistory', `/phone/users/${a.id}/call_history?from=${ymd(now - 30 * 86_400_000)}&to=${ymd(now)}`],
        ['phone.openapi.json', 'phoneUserCallLogs', `/phone/users/${a.id}/call_logs?from=${ymd(now - 30 * 86_400_000)}&to=${ymd(now)}`],
        ['phone.openapi.json', 'phoneUserRecordings', `/phone/users/${a.id}/recordings?from=${ymd(now - 30 * 86_400_000)}&to=${ymd(now)}`],
        ['phone.openapi.json', 'phoneUserVoiceMails', `/phone/users/${a.id}/voice_mails?from=${ymd(now - 30 * 86_400_000)}&to=${ymd(now)}`],
        ['phone.openapi.json', 'userSmsSession', `/phone/users/${a.id}/sms/sessions?from=${ymd(now - 30 * 86_400_000)}&to=${ymd(now)}`],
      ];
      const problems: string[] = [];
      for (const [file, id, path] of cases) {
        const r = await get(path);
        expect(r.status, `${id} ${path} ${r.text.slice(0, 200)}`).toBe(200);
        const schema = okSchema(findOp(file, id)!.op)!;
        const extra = extras(r.json, schema).filter((x) => !(KNOWN_EXTRAS[id] ?? []).includes(x));
        if (extra.length) problems.push(`${id}: ${extra.join(', ')}`);
      }
      expect(problems).toEqual([]);
    });

    it('matches for the data requests (accounts.openapi.json)', async () => {
      sb.account.scopes.push(...DATA_REQUEST_SCOPES);
      sb.dataRequests.setDelay(0);
      const dr = api(sb, await token(sb));
      const email = sb.account.users[0]!.email;
      const created = await dr('/data_requests/requests', { method: 'POST', body: { request_type: 'EXPORT', emails: [email], start_date: new Date(now - 30 * 86_400_000).toISOString(), end_date: new Date(now).toISOString() } });
      expect(created.status, created.text).toBe(201);
      const requestId = created.json.data[0].request_id as string;
      const cases: Array<[string, string, () => Promise<Record<string, unknown>>]> = [
        ['CreateDataAccessRequest', 'POST', async () => created.json],
        ['GetDataRequestsHistory', 'GET', async () => (await dr('/data_requests/requests')).json],
        ['GetDownloadableFilesforDataRequest', 'GET', async () => (await dr(`/data_requests/requests/${requestId}`)).json],
      ];
      const problems: string[] = [];
      let fileId = '';
      for (const [id, , get] of cases) {
        const body = await get();
        if (id === 'GetDownloadableFilesforDataRequest') fileId = (body.file_records as Array<{ file_id: string }>)[0]!.file_id;
        const extra = extras(body, okSchema(findOp('accounts.openapi.json', id)!.op)!);
        if (extra.length) problems.push(`${id}: ${extra.join(', ')}`);
      }
      const url = await dr(`/data_requests/files/${fileId}/url`);
      const extra = extras(url.json, okSchema(findOp('accounts.openapi.json', 'DownloadfilesfromDataRequest')!.op)!);
      if (extra.length) problems.push(`DownloadfilesfromDataRequest: ${extra.join(', ')}`);
      expect(problems).toEqual([]);
    });
  });
});
