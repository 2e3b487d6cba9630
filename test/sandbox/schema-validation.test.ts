/**
 * Every answer the sandbox gives is valid Zoom: the test walks every route the sandbox serves over a
 * real socket (lists page by page, the detail of every item the lists name, and errors), maps each
 * answer to its spec operation by method and path template, and validates the body against that
 * operation's response schema with a JSON Schema validator (ajv, OpenAPI 3.0: `nullable`, `$ref`,
 * formats). Zoom's specs document no schema for errors (error codes live in prose), so error bodies are
 * checked against Zoom's common error shape (spec/zoom-api/README.md, "Errors"), their status must be one
 * the operation documents, and their code one its prose names for that status (when it names any).
 * A failure names the route, the JSON pointer and the violated keyword.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_REQUEST_SCOPES, SANDBOX_ROUTES, startSandbox, type RouteDef, type Sandbox } from '../../src/sandbox/index.js';
import { loadSpec } from '../helpers/specs.js';
import { api, call, token, type Res } from './helpers.js';

// ajv-formats is CommonJS: its plugin is the module itself or its `default`, depending on the loader.
const addFormats = ((formats as unknown as { default?: typeof formats.default }).default ?? formats) as typeof formats.default;

const SPEC_FILES = [
  'users.openapi.json',
  'meetings.openapi.json',
  'phone.openapi.json',
  'accounts.openapi.json',
  'team-chat.openapi.json',
  // Zoom Workplace (issue 27): Clips, Calendar, Scheduler, workspace reservations (in rooms), AI Companion, Mail, Whiteboard.
  'clips.openapi.json',
  'calendar.openapi.json',
  'scheduler.openapi.json',
  'rooms.openapi.json',
  'ai-companion.openapi.json',
  'mail.openapi.json',
  'whiteboard.openapi.json',
  // Zoom Contact Center (issue 28).
  'contact-center.openapi.json',
  // Zoom Events (issue 28; visitor invitations are in rooms).
  'events.openapi.json',
  'revenue-accelerator.openapi.json',
  'quality-management.openapi.json',
];
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

interface Operation {
  file: string;
  template: string;
  method: string;
  operationId: string;
  description?: string;
  responses: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

/** The spec operations, keyed "METHOD /template/{param}" with parameters written as {}. */
function operations(): Map<string, Operation> {
  const out = new Map<string, Operation>();
  for (const file of SPEC_FILES) {
    for (const [template, item] of Object.entries(loadSpec(file).paths as Record<string, Record<string, any>>)) {
      for (const method of METHODS) {
        const op = item[method];
        if (!op?.responses) continue;
        const key = `${method.toUpperCase()} ${template.replace(/\{[^}]+\}/g, '{}')}`;
        // Two documents serving one method and template would make the mapping ambiguous.
        if (out.has(key)) throw new Error(`${key} is both ${out.get(key)!.file} ${out.get(key)!.operationId} and ${file} ${op.operationId}`);
        out.set(key, { file, template, method, operationId: op.operationId, description: op.description, responses: op.responses });
      }
    }
  }
  return out;
}

/** The spec operation a sandbox route serves: same method, same path template (parameter names aside). */
export function operationOf(ops: Map<string, Operation>, r: Pick<RouteDef, 'method' | 'path'>): Operation | undefined {
  return ops.get(`${r.method} ${r.path.replace(/^\/v2/, '').replace(/:\w+/g, '{}')}`);
}

/** A JSON Schema validator for OpenAPI 3.0 documents: each spec is added whole, so `$ref`s resolve in it. */
export function validator(): { forOp(op: Operation, status: string): ValidateFunction | undefined; unknownFormats: Set<string> } {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  const unknownFormats = new Set<string>();
  const added = new Set<string>();
  const cache = new Map<string, ValidateFunction | undefined>();
  const addSpec = (file: string) => {
    if (added.has(file)) return;
    const doc = loadSpec(file);
    // Formats outside JSON Schema's and OpenAPI's ("Hex color code", "string", "url"): accepted unchecked, and listed.
    JSON.stringify(doc, (k, v) => {
      if (k === 'format' && typeof v === 'string' && !ajv.formats[v]) {
        unknownFormats.add(v);
        ajv.addFormat(v, true);
      }
      return v;
    });
    ajv.addSchema({ ...mergeVariants(doc), $id: `https://zdsar.test/${file}` });
    added.add(file);
  };
  return {
    unknownFormats,
    forOp(op, status) {
      const key = `${op.file} ${op.method} ${op.template} ${status}`;
      if (!cache.has(key)) {
        const content = op.responses[status]?.content?.['application/json'];
        if (!content?.schema) cache.set(key, undefined);
        else {
          addSpec(op.file);
          const pointer = ['paths', op.template, op.method, 'responses', status, 'content', 'application/json', 'schema'].map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');
          cache.set(key, ajv.compile({ $ref: `https://zdsar.test/${op.file}#/${pointer}` }));
        }
      }
      return cache.get(key);
    },
  };
}

/**
 * Zoom writes a response's alternatives (by `option`, by session type…) as `oneOf` of object variants
 * that overlap: no required field sets them apart and none forbids extra fields, so any object matches
 * several variants and a strict `oneOf` refuses every answer, Zoom's own included; read as `anyOf`, a
 * field outside its variant would slip through. So object variants are merged: the answer is one object
 * whose every field must be valid for a variant that defines it (several: any of them), and the fields
 * every variant requires stay required. Alternatives of other types become `anyOf`.
 */
export function mergeVariants(x: any): any {
  if (Array.isArray(x)) return x.map(mergeVariants);
  if (!x || typeof x !== 'object') return x;
  const out: any = Object.fromEntries(Object.entries(x).map(([k, v]) => [k, mergeVariants(v)]));
  const variants = out.oneOf as any[] | undefined;
  if (!variants) return out;
  delete out.oneOf;
  if (!variants.every((s) => s && (s.type === 'object' || s.properties) && !s.$ref)) return { ...out, anyOf: variants };
  const defs = new Map<string, any[]>();
  for (const s of variants) for (const [k, d] of Object.entries(s.properties ?? {})) defs.set(k, [...(defs.get(k) ?? []), d]);
  const required = variants.map((s) => new Set<string>(s.required ?? [])).reduce((a, b) => new Set([...a].filter((k) => b.has(k))));
  return {
    ...out,
    type: 'object',
    properties: { ...(out.properties ?? {}), ...Object.fromEntries([...defs].map(([k, d]) => [k, d.length === 1 ? d[0] : { anyOf: d }])) },
    ...(required.size || out.required ? { required: [...new Set([...(out.required ?? []), ...required])] } : {}),
  };
}

/** The Zoom error codes an operation's response documents (in its prose: "**Error Code:** `2000`"); none when it names none. */
export function documentedCodes(op: Operation, status: string): number[] {
  return [...new Set([...String(op.responses[status]?.description ?? '').matchAll(/Error Code:\*\*\s*`(\d+)`/g)].map((m) => Number(m[1])))];
}

/**
 * The redirects an operation documents: its 3xx responses, and the status its description says it redirects with
 * ("performs a HTTP 302 redirect"). GET /clips/{clipId}/download says both: its description a 302 to the file, its
 * responses only a 200 binary stream; both readings are accepted (a 200 with bytes, or a 302 to them).
 */
export function documentedRedirects(op: Operation & { description?: string }): number[] {
  const listed = Object.keys(op.responses).filter((s) => /^3\d\d$/.test(s)).map(Number);
  const said = [...String(op.description ?? '').matchAll(/\b(30[1278])\b[^.]{0,40}?redirect/gi)].map((m) => Number(m[1]));
  return [...new Set([...listed, ...said])];
}

/** Zoom's common error body (spec/zoom-api/README.md): `{ code, message }`, sometimes with `errors`. */
const ZOOM_ERROR = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'integer' },
    message: { type: 'string', minLength: 1 },
    errors: { type: 'array', items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } } },
  },
};

/** "instancePath keyword message", with list indices folded so one fault in many items reads once. */
function describeError(e: ErrorObject): string {
  const where = e.instancePath.replace(/\/\d+(?=\/|$)/g, '/*') || '/';
  const detail = e.keyword === 'enum' ? ` (allowed: ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')})` : e.keyword === 'format' ? ` (${(e.params as { format: string }).format})` : '';
  return `${where} violates "${e.keyword}"${detail}: ${e.message}`;
}

const DAY = 86_400_000;
const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** A meeting UUID as a path segment: double-encoded when it holds a "/" (Zoom's rule for UUIDs). */
const uuidSegment = (uuid: string) => (uuid.includes('/') ? encodeURIComponent(encodeURIComponent(uuid)) : encodeURIComponent(uuid));

describe('every sandbox answer validates against its spec operation\'s response schema', () => {
  let sb: Sandbox;
  let get: ReturnType<typeof api>;
  const ops = operations();
  const v = validator();
  const matchable = SANDBOX_ROUTES.filter((r) => r.area === 'api' && r.spec);
  /** route key → answers validated (2xx) / errors checked. */
  const validated = new Map<string, number>();
  const errorsChecked = new Map<string, number>();
  const problems = new Map<string, number>();
  /** route key → the statuses (and Zoom codes) it answered. */
  const seen = new Map<string, Set<string>>();
  const unmatched: string[] = [];
  let answers = 0;

  function routeOf(method: string, path: string): RouteDef | undefined {
    const segs = path.split('?')[0]!.split('/').slice(1);
    return SANDBOX_ROUTES.find((r) => {
      const rs = r.path.split('/').slice(1);
      return r.method === method && rs.length === segs.length && rs.every((s, i) => s.startsWith(':') || s === segs[i]);
    });
  }

  /** One request over the socket; its answer is validated against the schema of the route's operation. */
  async function hit(path: string, init: { method?: string; body?: unknown } = {}): Promise<Res> {
    const method = init.method ?? 'GET';
    const r = await get(path, init);
    answers++;
    const route = routeOf(method, `/v2${path}`);
    const op = route && operationOf(ops, route);
    if (!route || !op) {
      unmatched.push(`${method} ${path} → ${route ? `${route.path}: no spec operation` : 'no sandbox route'}`);
      return r;
    }
    const key = `${route.method} ${route.path} (${op.operationId})`;
    const status = String(r.status);
    seen.set(key, (seen.get(key) ?? new Set()).add(r.status >= 400 ? `${status}/${r.json?.code}` : status));
    if (r.status >= 200 && r.status < 300) {
      const documented = Object.keys(op.responses).filter((s) => /^2/.test(s));
      if (!documented.includes(status)) problems.set(`${key}: answered ${status}, the spec documents ${documented.join(', ')}`, 1);
      const validate = v.forOp(op, status);
      const types = Object.keys(op.responses[status]?.content ?? {});
      if (validate) {
        if (!validate(r.json)) for (const e of validate.errors ?? []) problems.set(`${key}: ${describeError(e)}`, (problems.get(`${key}: ${describeError(e)}`) ?? 0) + 1);
      } else if (types.length) {
        // A file (application/octet-stream): no JSON to validate, but bytes there must be.
        if (r.text === '') problems.set(`${key}: an empty body on ${status}, where the spec documents ${types.join(', ')}`, 1);
        // A 200 documented in prose only as a file ("Returns a file stream, with the file type of ZIP."): bytes, not JSON.
      } else if (r.text !== '' && !/file stream/i.test(op.responses[status]?.description ?? '')) problems.set(`${key}: a body on ${status}, where the spec documents none`, 1);
      validated.set(key, (validated.get(key) ?? 0) + 1);
    } else if (r.status >= 300 && r.status < 400) {
      // A redirect must be one the operation documents (a 3xx response, or its description's "HTTP 302 redirect"),
      // and its location must answer the file: Zoom's download URLs are signed, so it is fetched without the token.
      const redirects = documentedRedirects(op);
      if (!redirects.includes(r.status)) problems.set(`${key}: answered ${status}, the spec documents no such redirect`, 1);
      const location = String(r.headers.location ?? '');
      const f = location ? await call(new URL(location, sb.apiUrl).toString()) : undefined;
      if (!f || f.status !== 200 || f.text === '') problems.set(`${key}: the ${status}'s location ${location ? `answered ${f!.status}${f!.status === 200 ? ' with no bytes' : ''}` : 'is missing'}`, 1);
      validated.set(key, (validated.get(key) ?? 0) + 1);
    } else {
      const validate = v.forOp(op, status);
      const body = r.json;
      const ok = validate ? validate(body) : errorShape(body);
      if (!ok) for (const e of (validate ?? errorShape).errors ?? []) problems.set(`${key}: error ${status} ${describeError(e)}`, 1);
      errorsChecked.set(key, (errorsChecked.get(key) ?? 0) + 1);
      // The status, and the Zoom code where the spec's prose names codes for it, are ones the operation documents.
      const documented = op.responses[status];
      if (!documented) problems.set(`${key}: error ${status}, the spec documents ${Object.keys(op.responses).join(', ')}`, 1);
      else {
        const codes = documentedCodes(op, status);
        if (codes.length && !codes.includes(body?.code)) problems.set(`${key}: error ${status} code ${body?.code}, the spec documents code ${codes.join(', ')} for ${status}`, 1);
      }
    }
    return r;
  }
  let errorShape: ValidateFunction;

  /** Every page of a list (next_page_token), each page validated; the items of `field` across pages. */
  async function list(path: string, field: string, pageSize = field === 'data' ? 100 : 30): Promise<any[]> {
    const items: any[] = [];
    let next = '';
    for (let page = 0; page < 100; page++) {
      const r = await hit(`${path}${path.includes('?') ? '&' : '?'}page_size=${pageSize}${next ? `&next_page_token=${encodeURIComponent(next)}` : ''}`);
      if (r.status !== 200) return items;
      items.push(...((r.json?.[field] as any[]) ?? []));
      next = r.json?.next_page_token ?? '';
      if (!next) break;
    }
    return items;
  }

  /** Every page of a Google-style list (the Calendar's maxResults, pageToken, nextPageToken), each page validated. */
  async function googleList(path: string, field: string): Promise<any[]> {
    const items: any[] = [];
    let next = '';
    for (let page = 0; page < 100; page++) {
      const r = await hit(`${path}${path.includes('?') ? '&' : '?'}maxResults=2${next ? `&pageToken=${encodeURIComponent(next)}` : ''}`);
      if (r.status !== 200) return items;
      items.push(...((r.json?.[field] as any[]) ?? []));
      next = r.json?.nextPageToken ?? '';
      if (!next) break;
    }
    return items;
  }

  beforeAll(async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    errorShape = ajv.compile(ZOOM_ERROR);
    // listLegalHoldFiles documents no error but 429: that is the error it is asked to give (on the unknown matter below).
    sb = await startSandbox({ rateLimits: false, onWarning: () => {}, faults: '429=always@/v2/chat/legalhold/matters/does-not-exist' });
    // The Data Requests API's scopes, and the Calendar's user-level ones (an admin app cannot hold them, but
    // the schema of their answers is what is checked here).
    sb.account.scopes.push(...DATA_REQUEST_SCOPES, 'calendar:read:list_calendar_lists', 'calendar:read:list_settings');
    sb.dataRequests.setDelay(0);
    get = api(sb, await token(sb));
    const now = Date.now();
    // Windows of one month over the past six months (the longest the report and the phone lists allow).
    const windows = Array.from({ length: 6 }, (_, i) => ({ from: ymd(now - (i + 1) * 30 * DAY + DAY), to: ymd(now - i * 30 * DAY) }));
    const a = sb.account;

    await list('/users', 'users');
    await list('/users?status=inactive', 'users');
    // Team Chat legal holds: the matters, then each held person's files by address and by user id.
    const matters = await list('/chat/legalhold/matters', 'legal_hold_matters', 100);
    expect(matters.length).toBeGreaterThan(0);
    for (const m of matters) {
      for (const u of m.matter_users) {
        expect((await list(`/chat/legalhold/matters/${m.matter_id}/files?identifier=${encodeURIComponent(u.email)}`, 'data', 20)).length).toBeGreaterThan(0);
        await list(`/chat/legalhold/matters/${m.matter_id}/files?identifier=${encodeURIComponent(u.user_id)}`, 'data', 1);
      }
    }
    await list('/phone/users', 'users');
    // The account's call history (Zoom Phone): every window, and one narrowed by a keyword (a person's address).
    for (const w of windows) await list(`/phone/call_history?from=${w.from}&to=${w.to}`, 'call_logs');
    await list(`/phone/call_history?from=${windows[0]!.from}&to=${windows[0]!.to}&keyword=${encodeURIComponent(a.users[0]!.email)}`, 'call_logs');
    // The account's call recordings, voicemails and SMS sessions (a leaver's are found there): every window.
    for (const w of windows) {
      await list(`/phone/recordings?from=${w.from}&to=${w.to}`, 'recordings');
      await list(`/phone/voice_mails?from=${w.from}&to=${w.to}`, 'voice_mails');
      await list(`/phone/sms/sessions?from=${w.from}&to=${w.to}&filter_type=sent_received_message_time`, 'sms_sessions');
    }
    for (const u of a.users) {
      await hit(`/users/${u.id}`);
      await hit(`/users/${encodeURIComponent(u.email)}`);
      await hit(`/users/${u.id}/settings`);
      for (const type of ['scheduled', 'live', 'upcoming', 'upcoming_meetings', 'previous_meetings']) await list(`/users/${u.id}/meetings?type=${type}`, 'meetings');
      await list(`/users/${u.id}/webinars`, 'webinars');
      for (const w of windows) {
        await list(`/users/${u.id}/recordings?from=${w.from}&to=${w.to}`, 'meetings');
        await list(`/report/users/${u.id}/meetings?type=pastJoined&from=${w.from}&to=${w.to}`, 'meetings');
      }
      await list(`/users/${u.id}/recordings?trash=true&trash_type=meeting_recordings`, 'meetings');
      // Zoom Phone: the profile, settings and every list, then the detail of each SMS session and voicemail.
      await hit(`/phone/users/${u.id}`);
      await hit(`/phone/users/${u.id}/settings`);
      const sessions: any[] = [];
      const voicemails: any[] = [];
      for (const w of windows) {
        await list(`/phone/users/${u.id}/call_history?from=${w.from}&to=${w.to}`, 'call_logs');
        await list(`/phone/users/${u.id}/call_logs?from=${w.from}&to=${w.to}`, 'call_logs');
        await list(`/phone/users/${u.id}/recordings?from=${w.from}&to=${w.to}`, 'recordings');
        voicemails.push(...(await list(`/phone/users/${u.id}/voice_mails?from=${w.from}&to=${w.to}`, 'voice_mails')));
        sessions.push(...(await list(`/phone/users/${u.id}/sms/sessions?from=${w.from}&to=${w.to}`, 'sms_sessions')));
      }
      for (const s of new Map(sessions.map((x) => [x.session_id, x])).keys()) {
        await list(`/phone/sms/sessions/${encodeURIComponent(s)}`, 'sms_histories');
        await list(`/phone/sms/sessions/${encodeURIComponent(s)}?from=${windows[0]!.from}&to=${windows[0]!.to}`, 'sms_histories');
      }
      for (const vm of voicemails.slice(0, 20)) await hit(`/phone/voice_mails/${encodeURIComponent(vm.id)}`);
      // Team Chat: the sessions, then each conversation's messages.
      const chats = await list(`/chat/users/${u.id}/sessions?from=${windows[5]!.from}&to=${windows[0]!.to}`, 'sessions');
      for (const c of chats) {
        const to = c.channel_id ? `to_channel=${encodeURIComponent(c.channel_id)}` : `to_contact=${encodeURIComponent(c.peer_contact_email ?? c.peer_contact_user_id)}`;
        await list(`/chat/users/${u.id}/messages?${to}&from=${new Date(now - 29 * DAY).toISOString().slice(0, 19)}Z&to=${new Date(now).toISOString().slice(0, 19)}Z&include_deleted_and_edited_message=true`, 'messages');
        await list(`/chat/users/${u.id}/messages?${to}&date=${ymd(now)}`, 'messages');
      }
    }
    // Meetings and webinars: each detail, registrants, panelists, participants, summaries.
    for (const m of a.meetings) {
      await hit(`/meetings/${m.id}?show_previous_occurrences=true`);
      if (m.registrants.length) {
        const regs = await list(`/meetings/${m.id}/registrants`, 'registrants');
        await list(`/meetings/${m.id}/registrants?status=denied`, 'registrants');
        if (regs[0]) await hit(`/meetings/${m.id}/registrants/${encodeURIComponent(regs[0].id)}`);
      }
      for (const inst of m.instances.slice(0, 3)) {
        await list(`/past_meetings/${uuidSegment(inst.uuid)}/participants`, 'participants');
        await list(`/report/meetings/${uuidSegment(inst.uuid)}/participants`, 'participants');
        await list(`/report/meetings/${uuidSegment(inst.uuid)}/participants?include_fields=registrant_id`, 'participants');
        await hit(`/meetings/${uuidSegment(inst.uuid)}/meeting_summary`);
        // Issue 28: what people said (Q&A, polls, surveys) from both tables, a transcript, archived files.
        for (const x of ['past_meetings/{}/qa', 'past_meetings/{}/polls', 'report/meetings/{}/qa', 'report/meetings/{}/polls', 'report/meetings/{}/survey', 'meetings/{}/transcript']) await hit(`/${x.replace('{}', uuidSegment(inst.uuid))}`);
      }
    }
    for (const w of a.webinars) for (const inst of w.instances.slice(0, 3)) for (const x of ['past_webinars/{}/qa', 'past_webinars/{}/polls', 'report/webinars/{}/qa', 'report/webinars/{}/polls', 'report/webinars/{}/survey']) await hit(`/${x.replace('{}', uuidSegment(inst.uuid))}`);
    for (const w of a.webinars) {
      await hit(`/webinars/${w.id}`);
      const regs = await list(`/webinars/${w.id}/registrants`, 'registrants');
      if (regs[0]) await hit(`/webinars/${w.id}/registrants/${encodeURIComponent(regs[0].id)}`);
      await list(`/webinars/${w.id}/panelists`, 'panelists');
    }
    // Issue 28: the account's history list of meetings and webinars (people without a Zoom user), each kind of report.
    for (const w of windows.slice(0, 6)) for (const t of ['qa', 'poll', 'survey', 'all']) await list(`/report/history_meetings?from=${w.from}&to=${w.to}&meeting_type=all&report_type=${t}`, 'history_meetings');
    for (const w of windows.slice(0, 6)) {
      await list(`/meetings/meeting_summaries?from=${w.from}T00:00:00Z&to=${w.to}T00:00:00Z`, 'summaries');
      await list(`/report/activities?from=${w.from}&to=${w.to}`, 'activity_logs');
    }
    // Past webinars: participants of each instance, by UUID, and by webinar id (the last instance).
    for (const w of a.webinars) {
      for (const inst of w.instances.slice(0, 3)) {
        await list(`/past_webinars/${uuidSegment(inst.uuid)}/participants`, 'participants');
        await list(`/report/webinars/${uuidSegment(inst.uuid)}/participants`, 'participants');
        await list(`/report/webinars/${uuidSegment(inst.uuid)}/participants?include_fields=registrant_id`, 'participants');
      }
      if (w.instances.length) await list(`/past_webinars/${w.id}/participants`, 'participants');
    }
    // Zoom Workplace (issue 27). Clips: month windows over fifteen months, per user and account-wide, by
    // either date; each clip's comments and collaborators.
    const months = Array.from({ length: 15 }, (_, i) => ({ from: ymd(now - (i + 1) * 30 * DAY + DAY), to: ymd(now - i * 30 * DAY) }));
    const clips: any[] = [];
    for (const w of months) {
      await list(`/clips?from=${w.from}&to=${w.to}`, 'data');
      await list(`/clips?from=${w.from}&to=${w.to}&date_filter_type=CREATED_DATE`, 'data');
      for (const u of a.users) clips.push(...(await list(`/clips?user_id=${encodeURIComponent(u.email)}&from=${w.from}&to=${w.to}`, 'data', 1)));
    }
    for (const c of new Map(clips.map((x) => [x.clip_id, x])).keys()) {
      await list(`/clips/${encodeURIComponent(c)}/comments`, 'data', 1);
      await list(`/clips/${encodeURIComponent(c)}/collaborators`, 'data', 2);
      // The file: a redirect to it, or (a deleted clip) 400 code 50002 "clip mp4 is not ready".
      await hit(`/clips/${encodeURIComponent(c)}/download`);
    }
    for (const u of a.users) {
      // Calendar: the calendar list and settings, each calendar's events (deleted ones too, all and in a window) and each event.
      const calendars = await googleList(`/calendars/users/${encodeURIComponent(u.email)}/calendarList`, 'items');
      await googleList(`/calendars/users/${u.id}/settings`, 'items');
      for (const cal of calendars) {
        const events = await googleList(`/calendars/${encodeURIComponent(cal.id)}/events?showDeleted=true`, 'items');
        await googleList(`/calendars/${encodeURIComponent(cal.id)}/events?timeMin=${new Date(now - 200 * DAY).toISOString().slice(0, 19)}Z&timeMax=${new Date(now).toISOString().slice(0, 19)}Z`, 'items');
        for (const e of events) await hit(`/calendars/${encodeURIComponent(cal.id)}/events/${encodeURIComponent(e.id)}`);
      }
      // Scheduler: booked events (cancelled ones too), booking pages, availability.
      await list(`/scheduler/events?user_id=${encodeURIComponent(u.email)}&show_deleted=true`, 'items', 2);
      await list(`/scheduler/events?user_id=${u.id}&from=${new Date(now - 100 * DAY).toISOString().slice(0, 19)}Z&to=${new Date(now).toISOString().slice(0, 19)}Z`, 'items');
      await list(`/scheduler/schedules?user_id=${u.id}&show_deleted=true`, 'items');
      await list(`/scheduler/availability?user_id=${u.id}`, 'items');
      // Workspace reservations: windows of fourteen days over seven months (the longest the route allows).
      for (let i = 0; i < 16; i++) await hit(`/workspaces/users/${u.id}/reservations?from=${ymd(now - (i + 1) * 14 * DAY + DAY)}&to=${ymd(now - i * 14 * DAY)}`);
      // AI Companion: the conversation archive.
      await hit(`/aic/users/${encodeURIComponent(u.email)}/conversation_archive`);
      // Zoom Mail: the profile, every list (SPAM and TRASH included), each message with its attachments, each draft, the settings.
      const box = `/emails/mailboxes/${encodeURIComponent(u.email)}`;
      await hit(`${box}/profile`);
      for (const m of await googleList(`${box}/messages?includeSpamTrash=true`, 'messages')) {
        const full = await hit(`${box}/messages/${encodeURIComponent(m.id)}`);
        for (const part of full.json?.payload?.parts ?? []) if (part.body?.attachmentId) await hit(`${box}/messages/${encodeURIComponent(m.id)}/attachments/${encodeURIComponent(part.body.attachmentId)}`);
      }
      await googleList(`${box}/threads?includeSpamTrash=true`, 'threads');
      for (const d of await googleList(`${box}/drafts?includeSpamTrash=true`, 'drafts')) await hit(`${box}/drafts/${encodeURIComponent(d.id)}`);
      for (const x of ['labels', 'settings/filters', 'settings/delegates', 'settings/vacation']) await hit(`${box}/${x}`);
      // Zoom Whiteboard: the user's whiteboards a month at a time by creation date, and each one's collaborators.
      for (const w of months) for (const b of await list(`/whiteboards?user_id=${encodeURIComponent(u.email)}&date_filter_type=created_date&from=${w.from}T00:00:00Z&to=${w.to}T23:59:59Z`, 'whiteboards', 1)) await hit(`/whiteboards/${encodeURIComponent(b.whiteboard_id)}/collaborator`);
    }
    // The whiteboard export: a task, its status (processing, then successed), its ZIP.
    const board = String(a.workplace!.whiteboards[0]!.data.whiteboard_id);
    const wbTask = await hit('/whiteboards/export', { method: 'POST', body: { whiteboard_ids: [board] } });
    await hit(`/whiteboards/export/task/${encodeURIComponent(wbTask.json?.task_id)}/status`);
    await hit(`/whiteboards/export/task/${encodeURIComponent(wbTask.json?.task_id)}/status`);
    await hit(`/whiteboards/export/task/${encodeURIComponent(wbTask.json?.task_id)}`);
    await hit('/whiteboards/export', { method: 'POST', body: { whiteboard_ids: ['does-not-exist'] } });
    // The account's archived whiteboard sessions.
    await list(`/whiteboards/sessions?from=${ymd(now - 450 * DAY)}T00:00:00Z&to=${ymd(now)}T23:59:59Z`, 'sessions', 2);
    // Zoom Contact Center (issue 28): month windows over nine months, by customer number and by agent; the
    // default 24 hours without dates; each engagement's details, notes and recordings.
    const ccMonths = Array.from({ length: 9 }, (_, i) => ({ from: ymd(now - (i + 1) * 30 * DAY + DAY), to: ymd(now - i * 30 * DAY) }));
    const engagements: any[] = [];
    for (const w of ccMonths) {
      engagements.push(...(await list(`/contact_center/engagements?from=${w.from}&to=${w.to}`, 'engagements', 3)));
      await list(`/contact_center/engagements?from=${w.from}&to=${w.to}&consumer_number=${encodeURIComponent('+15125550100')}`, 'engagements', 2);
      await list(`/contact_center/engagements?from=${w.from}&to=${w.to}&user_id=${a.users[0]!.id}`, 'engagements', 2);
      await list(`/contact_center/voice_calls?from=${w.from}&to=${w.to}`, 'voice_calls', 2);
      await list(`/contact_center/voice_calls?from=${w.from}&to=${w.to}&consumer_number=${encodeURIComponent('+14155550123')}`, 'voice_calls', 2);
      await list(`/contact_center/sms?from=${w.from}&to=${w.to}`, 'sms', 2);
      await list(`/contact_center/sms?from=${w.from}&to=${w.to}&user_id=${a.users[1]!.id}`, 'sms', 2);
    }
    expect(engagements.length).toBeGreaterThan(0);
    await list('/contact_center/engagements', 'engagements');
    for (const e of engagements) {
      await hit(`/contact_center/engagements/${e.engagement_id}`);
      await list(`/contact_center/engagements/${e.engagement_id}/notes`, 'notes');
      await list(`/contact_center/engagements/${e.engagement_id}/recordings?from=${e.start_time}&to=${e.end_time}`, 'recordings');
    }
    await hit(`/contact_center/sms?user_id=nobody@nowhere.example`);
    // Zoom Events (issue 28): the list as host in each state (and as attendee), each event's tickets (all, and by an
    // address), registrants and attendance report; the account's visitor invitations, with and without dates.
    const zoomEvents: any[] = [];
    for (const state of ['upcoming', 'past', 'draft', 'cancelled']) zoomEvents.push(...(await list(`/zoom_events/events?role_type=host&event_status_type=${state}`, 'events', 1)));
    await list('/zoom_events/events', 'events');
    expect(zoomEvents.length).toBeGreaterThan(0);
    for (const e of zoomEvents) {
      await list(`/zoom_events/events/${e.event_id}/tickets`, 'tickets', 2);
      await list(`/zoom_events/events/${e.event_id}/tickets?email=${encodeURIComponent('pat.visitor@guest.example')}`, 'tickets', 1);
      await list(`/zoom_events/events/${e.event_id}/registrants`, 'registrants', 2);
      await list(`/zoom_events/events/${e.event_id}/reports/event_attendance`, 'attendees', 2);
      for (const s of (await hit(`/zoom_events/events/${e.event_id}/sessions`)).json?.sessions ?? []) await list(`/zoom_events/events/${e.event_id}/reports/sessions/${s.session_id}/attendance`, 'attendees', 1);
    }
    await list('/visitor/invitation?data_scope=account', 'invitations', 2);
    await list(`/visitor/invitation?data_scope=account&from=${ymd(now - 60 * DAY)}T00:00:00Z&to=${ymd(now)}T23:59:59Z`, 'invitations', 1);
    await list('/visitor/invitation', 'invitations');
    // Revenue Accelerator (the /zra family) and Quality Management: each host's or agent's lists a month at a
    // time (QM pages below 100: the spec's prose says at most 100, its schema below 100), and each item's detail.
    for (const u of a.users.filter((x) => x.status === 'active').slice(0, 3)) {
      for (const w of ccMonths.slice(0, 4)) {
        for (const c of await list(`/zra/conversations?host_id=${u.id}&from=${w.from}T00:00:00Z&to=${w.to}T23:59:59Z`, 'conversations', 1)) {
          await hit(`/zra/conversations/${encodeURIComponent(c.conversation_id)}`);
          await list(`/zra/conversations/${encodeURIComponent(c.conversation_id)}/interactions`, 'participants', 1);
        }
        for (const x of await list(`/qm/interactions?user_ids=${u.id}&from=${w.from}T00:00:00Z&to=${w.to}T23:59:59Z`, 'interactions', 99)) await hit(`/qm/interactions/${encodeURIComponent(x.interaction_info.interaction_id)}`);
      }
    }
    await list('/zra/conversations', 'conversations');
    await list('/qm/interactions', 'interactions');
    // Zoom's Data & Privacy requests: create, history, files, a file's URL.
    const created = await hit('/data_requests/requests', { method: 'POST', body: { request_type: 'EXPORT', emails: [a.users[0]!.email], start_date: new Date(now - 30 * DAY).toISOString(), end_date: new Date(now).toISOString() } });
    await list('/data_requests/requests', 'data');
    const requestId = created.json?.data?.[0]?.request_id as string;
    const files = await hit(`/data_requests/requests/${requestId}`);
    for (const f of (files.json?.file_records ?? []).slice(0, 2)) await hit(`/data_requests/files/${f.file_id}/url`);
    // The writes: a registrant's status and deletion, a panelist's removal, a request's cancellation.
    const m = a.meetings.find((x) => x.registrants.length > 1)!;
    const w = a.webinars.find((x) => x.registrants.length > 1 && x.panelists.length > 0)!;
    await hit(`/meetings/${m.id}/registrants/status`, { method: 'PUT', body: { action: 'deny', registrants: [{ id: m.registrants[0]!.id }] } });
    await hit(`/webinars/${w.id}/registrants/status`, { method: 'PUT', body: { action: 'deny', registrants: [{ id: w.registrants[0]!.id }] } });
    // A registrant can be deleted only before the meeting ends: ask until one answers 204 (the refusals are checked too).
    for (const x of a.meetings.filter((y) => y.registrants.length > 1 && y.id !== m.id)) if ((await hit(`/meetings/${x.id}/registrants/${x.registrants.at(-1)!.id}`, { method: 'DELETE' })).status === 204) break;
    for (const x of a.webinars.filter((y) => y.registrants.length > 1)) if ((await hit(`/webinars/${x.id}/registrants/${x.registrants.at(-1)!.id}`, { method: 'DELETE' })).status === 204) break;
    await hit(`/webinars/${w.id}/panelists/${w.panelists[0]!.id}`, { method: 'DELETE' });
    sb.dataRequests.setDelay(3_600_000);
    const second = await hit('/data_requests/requests', { method: 'POST', body: { request_type: 'DELETE', emails: [a.users[1]!.email], start_date: new Date(now - 30 * DAY).toISOString(), end_date: new Date(now).toISOString() } });
    await hit(`/data_requests/requests/${second.json?.data?.[0]?.request_id}`, { method: 'DELETE' });
    // Errors: every route with an identifier, asked about one that does not exist; a bad window; a bad page token.
    for (const r of matchable) {
      if (!r.path.includes(':')) continue;
      const path = r.path.replace(/^\/v2/, '').replace(/:(\w+)/g, (_, p: string) => (p === 'userId' ? 'nobody@nowhere.example' : p === 'meetingId' || p === 'webinarId' ? '99999999999' : 'does-not-exist'));
      const q = r.path.includes('/chat/users/:userId/messages') ? `?to_contact=${encodeURIComponent(a.users[1]!.email)}` : r.path.includes('/report/users/') ? `?from=${windows[0]!.from}&to=${windows[0]!.to}` : '';
      await hit(path + q, { method: r.method, ...(r.method === 'PUT' ? { body: { action: 'deny', registrants: [{ id: 'x' }] } } : {}) });
    }
    await hit(`/report/users/${a.users[0]!.id}/meetings?from=${ymd(now - 400 * DAY)}&to=${ymd(now)}`);
    // Lists without an identifier in the path: a window longer than a clip list allows (a month), an unknown user's availability.
    await hit(`/clips?from=${ymd(now - 70 * DAY)}&to=${ymd(now)}`);
    await hit(`/clips?user_id=${a.users[0]!.id}&from=${ymd(now - 70 * DAY)}&to=${ymd(now)}`);
    await hit(`/scheduler/availability?user_id=nobody@nowhere.example`);
    await hit(`/report/history_meetings?from=${ymd(now - 70 * DAY)}&to=${ymd(now)}&report_type=qa`);
    await hit(`/phone/call_history?from=${windows[0]!.to}&to=${windows[1]!.from}`);
    await hit(`/users?page_size=30&next_page_token=expired-token`);
  }, 240_000);
  afterAll(() => sb?.close());

  it('every answer maps to a spec operation by method and path template', () => {
    expect(answers).toBeGreaterThan(500);
    expect(unmatched).toEqual([]);
    // The route's own note of its operation agrees with the path template it serves.
    for (const r of matchable) expect(operationOf(ops, r)?.operationId, `${r.method} ${r.path}`).toBe(r.spec!.split(' ')[1]);
  });

  it('every route the sandbox serves answered at least once with a success and once with an error', () => {
    const key = (r: RouteDef) => `${r.method} ${r.path} (${operationOf(ops, r)?.operationId})`;
    const answered = (r: RouteDef) => `${key(r)} answered ${[...(seen.get(key(r)) ?? [])].join(', ') || 'nothing'}`;
    expect(matchable.filter((r) => !validated.has(key(r))).map(answered), 'routes never answered 2xx: add a request above').toEqual([]);
    expect(matchable.filter((r) => r.path.includes(':') && !errorsChecked.has(key(r))).map(answered), 'routes never answered an error').toEqual([]);
  });

  it('every body validates: a failure names the route, the JSON pointer and the keyword', () => {
    expect([...problems.keys()].sort()).toEqual([]);
  });

  it('the validator catches what it should: a wrong format, a value outside an enum, a wrong type, a nullable field, an undocumented error code', () => {
    const op = operationOf(ops, { method: 'GET', path: '/v2/users/:userId' })!;
    const validate = v.forOp(op, '200')!;
    const good = { id: 'u1', email: 'a@b.example', type: 1, manager: 'boss@b.example' };
    expect(validate(good), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...good, manager: 'Dana Okafor' })).toBe(false);
    expect(describeError(validate.errors![0]!)).toBe('/manager violates "format" (email): must match format "email"');
    expect(validate({ ...good, id: 5 })).toBe(false);
    expect(validate.errors![0]!.keyword).toBe('type');
    const { type: _type, ...untyped } = good;
    expect(validate(untyped)).toBe(false);
    expect(validate.errors![0]!.keyword).toBe('required');
    const settings = v.forOp(operationOf(ops, { method: 'GET', path: '/v2/users/:userId/settings' })!, '200')!;
    expect(settings({ recording: { auto_delete_cmr_days: 45 } })).toBe(false);
    expect(describeError(settings.errors!.find((e) => e.keyword === 'enum')!)).toBe('/recording/auto_delete_cmr_days violates "enum" (allowed: 30, 60, 90, 120): must be equal to one of the allowed values');
    expect(settings({ recording: { auto_delete_cmr_days: 30 } })).toBe(true);
    // Error codes are read from the response's prose; a status that names none checks none.
    expect(documentedCodes(operationOf(ops, { method: 'GET', path: '/v2/clips/:clipId/comments' })!, '404')).toEqual([2000]);
    expect(documentedCodes(operationOf(ops, { method: 'GET', path: '/v2/past_webinars/:webinarId/participants' })!, '400')).toEqual([200, 300]);
    expect(documentedCodes(operationOf(ops, { method: 'GET', path: '/v2/calendars/users/:userIdentifier/calendarList' })!, '400')).toEqual([]);
    const download = operationOf(ops, { method: 'GET', path: '/v2/clips/:clipId/download' })!;
    expect(documentedRedirects(download)).toEqual([302]);
    expect(documentedRedirects(operationOf(ops, { method: 'GET', path: '/v2/users/:userId' })!)).toEqual([]);
    // Variants merged: a field of one variant is checked by it, whatever the others allow.
    expect(mergeVariants({ oneOf: [{ type: 'object', properties: { a: { enum: [1] } } }, { type: 'object', properties: { b: { type: 'string' } } }] })).toEqual({ type: 'object', properties: { a: { enum: [1] }, b: { type: 'string' } } });
    expect(mergeVariants({ oneOf: [{ type: 'string' }, { type: 'integer' }] })).toEqual({ anyOf: [{ type: 'string' }, { type: 'integer' }] });
    // OpenAPI 3.0's `nullable` and `$ref`, on a small document of the same shape.
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addSchema({ $id: 'https://zdsar.test/x.json', components: { schemas: { N: { type: 'string', nullable: true } } }, paths: { '/a/{b}': { get: { schema: { type: 'object', properties: { n: { $ref: '#/components/schemas/N' } } } } } } });
    const ref = ajv.compile({ $ref: `https://zdsar.test/x.json#/paths/${encodeURIComponent('~1a~1{b}')}/get/schema` });
    expect(ref({ n: null })).toBe(true);
    expect(ref({ n: 'x' })).toBe(true);
    expect(ref({ n: 3 })).toBe(false);
  });
});
