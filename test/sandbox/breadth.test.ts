/**
 * The sandbox's issue-17 routes (Team Chat, SMS messages, voicemail details, AI Companion summaries,
 * sign-in report) against Zoom's OpenAPI documents: Rate Limit Labels, scopes, response fields,
 * page maxima and the documented errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccount, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { breadthRoutes } from '../../src/sandbox/routes/breadth.js';
import { chatRoutes } from '../../src/sandbox/routes/chat.js';
import { api, token } from './helpers.js';
import { loadSpec } from '../helpers/specs.js';

type Schema = { type?: string; properties?: Record<string, Schema>; items?: Schema; allOf?: Schema[]; oneOf?: Schema[]; anyOf?: Schema[] };
type Op = { operationId: string; description?: string; responses: Record<string, { content?: Record<string, { schema: Schema }> }>; 'x-extensions'?: Record<string, string[]> };
const spec = (file: string) => loadSpec(file) as { paths: Record<string, Record<string, Op>> };
function findOp(file: string, id: string) {
  for (const [path, ops] of Object.entries(spec(file).paths)) for (const [method, op] of Object.entries(ops)) if (op.operationId === id) return { op, path, method };
  return undefined;
}
function props(s: Schema | undefined): Map<string, Schema> {
  const out = new Map<string, Schema>();
  if (!s) return out;
  // A field of several variants (oneOf) accepts what any variant allows.
  const put = (k: string, v: Schema) => {
    const prev = out.get(k);
    out.set(k, prev ? { anyOf: [prev, v], items: { anyOf: [prev.items ?? {}, v.items ?? {}] } } : v);
  };
  for (const x of [...(s.allOf ?? []), ...(s.oneOf ?? []), ...(s.anyOf ?? [])]) for (const [k, v] of props(x)) put(k, v);
  for (const [k, v] of Object.entries(s.properties ?? {})) put(k, v);
  return out;
}
function extras(body: Record<string, unknown>, schema: Schema): string[] {
  const p = props(schema);
  const out: string[] = [];
  for (const [k, v] of Object.entries(body)) {
    const s = p.get(k);
    if (!s) out.push(k);
    else if (Array.isArray(v) && v[0] && typeof v[0] === 'object') for (const x of extras(v[0] as Record<string, unknown>, s.items ?? {})) out.push(`${k}[].${x}`);
  }
  return out;
}

describe('sandbox issue-17 routes vs the specs', () => {
  it('each route names its spec operation, Rate Limit Label and scopes', () => {
    for (const r of [...chatRoutes, ...breadthRoutes]) {
      if (!r.spec) continue;
      const [file, id] = r.spec.split(' ') as [string, string];
      const found = findOp(file, id);
      expect(found, r.spec).toBeDefined();
      const label = /Rate Limit Label[^`]*`([^`]+)`/.exec(found!.op.description ?? '')?.[1];
      expect(label?.toLowerCase(), r.spec).toBe(r.category?.toLowerCase());
      expect(`${found!.method.toUpperCase()} /v2${found!.path.replace(/\{(\w+)\}/g, ':$1')}`, r.spec).toBe(`${r.method} ${r.path}`);
      for (const s of r.granular ?? []) expect(found!.op['x-extensions']?.['x-granular-scopes'], r.spec).toContain(s);
      for (const s of r.classic ?? []) expect(found!.op['x-extensions']?.['x-macro-scopes'], r.spec).toContain(s);
    }
  });

  describe('answers', () => {
    let sb: Sandbox;
    let get: ReturnType<typeof api>;
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const DAY = 86_400_000;
    beforeAll(async () => {
      const account = demoAccount({ seed: 3, now });
      // A summary whose UUID begins with "/": it must be double-encoded.
      account.breadth!.meetingSummaries[0]!.meeting_uuid = '/ab//cd==';
      sb = await startSandbox({ rateLimits: false, account, clock: () => now });
      get = api(sb, await token(sb));
    });
    afterAll(() => sb.close());
    const alice = () => sb.account.users[0]!;
    const aliceChat = () => sb.account.breadth!.chats.find((c) => c.kind === 'groupchat' && c.member_ids.includes(alice().id))!;

    it('return only fields of the published response schemas', async () => {
      const a = alice();
      const session = a.smsSessions[0]!;
      const vm = a.voicemails.at(a.voicemails.length - 1)!;
      const summary = sb.account.breadth!.meetingSummaries[1]!;
      const cases: Array<[string, string, string]> = [
        ['team-chat.openapi.json', 'getChatSessions', `/chat/users/${a.id}/sessions?from=${iso(now - 300 * DAY)}&to=${iso(now)}`],
        ['team-chat.openapi.json', 'getChatMessages', `/chat/users/${a.id}/messages?to_channel=${aliceChat().channel_id}&from=${iso(now - 150 * DAY)}&to=${iso(now)}&include_deleted_and_edited_message=true&page_size=50`],
        ['phone.openapi.json', 'smsSessionDetails', `/phone/sms/sessions/${session.session_id}`],
        ['phone.openapi.json', 'getVoicemailDetails', `/phone/voice_mails/${vm.id}`],
        ['meetings.openapi.json', 'Listmeetingsummaries', `/meetings/meeting_summaries?from=2023-01-01T00:00:00Z&to=${iso(now)}`],
        ['meetings.openapi.json', 'Getameetingsummary', `/meetings/${encodeURIComponent(summary.meeting_uuid.includes('/') ? encodeURIComponent(summary.meeting_uuid) : summary.meeting_uuid)}/meeting_summary`],
        ['meetings.openapi.json', 'reportSignInSignOutActivities', `/report/activities?from=${ymd(now - 30 * DAY)}&to=${ymd(now)}`],
      ];
      const problems: string[] = [];
      for (const [file, id, path] of cases) {
        const r = await get(path);
        expect(r.status, `${id} ${r.text.slice(0, 200)}`).toBe(200);
        const schema = findOp(file, id)!.op.responses['200']!.content!['application/json']!.schema;
        const extra = extras(r.json, schema);
        if (extra.length) problems.push(`${id}: ${extra.join(', ')}`);
      }
      expect(problems).toEqual([]);
    });

    it('Team Chat: page ≤ 50 (larger refused), contact or channel required, six months only, deleted messages only when asked', async () => {
      const a = alice();
      const ch = aliceChat();
      const big = await get(`/chat/users/${a.id}/sessions?from=${iso(now - 300 * DAY)}&to=${iso(now)}&page_size=51`);
      expect([big.status, big.json.code]).toEqual([400, 300]); // strict: above the spec's maximum of 50
      expect((await get(`/chat/users/${a.id}/sessions?from=${iso(now - 300 * DAY)}&to=${iso(now)}&page_size=50`)).json.page_size).toBe(50);
      const none = await get(`/chat/users/${a.id}/messages`);
      expect([none.status, none.json.code, none.json.message]).toEqual([400, 300, 'Must provide either contact or channel parameter.']);
      const old = await get(`/chat/users/${a.id}/messages?to_channel=${ch.channel_id}&from=${iso(now - 200 * DAY)}&to=${iso(now)}`);
      expect([old.status, old.json.code, old.json.message]).toEqual([400, 300, 'Only provide past chat messages in recent 6 months.']);
      const q = `/chat/users/${a.id}/messages?to_channel=${ch.channel_id}&from=${iso(now - 170 * DAY)}&to=${iso(now)}&page_size=50`;
      const plain = await get(q);
      const all = await get(`${q}&include_deleted_and_edited_message=true`);
      expect(all.json.messages.length).toBe(plain.json.messages.length + 1);
      expect(plain.json.messages.every((m: { status?: string }) => m.status === undefined)).toBe(true);
      expect(all.json.messages.map((m: { status: string }) => m.status)).toContain('Deleted');
      const noChannel = await get(`/chat/users/${a.id}/messages?to_channel=nope&from=${iso(now - 10 * DAY)}`);
      expect([noChannel.status, noChannel.json.code]).toEqual([404, 4130]);
    });

    it('Team Chat without the Chat Messages permission: 403 code 200 (sessions), 400 code 200 (messages)', async () => {
      sb.account.breadth!.chatPermission = false;
      try {
        const s = await get(`/chat/users/${alice().id}/sessions`);
        expect([s.status, s.json.code]).toEqual([403, 200]);
        const m = await get(`/chat/users/${alice().id}/messages?to_channel=${aliceChat().channel_id}`);
        expect([m.status, m.json.code]).toEqual([400, 200]);
      } finally {
        sb.account.breadth!.chatPermission = true;
      }
    });

    it('summaries: UUIDs beginning with "/" double-encoded; disabled 400 code 3000; email only 403 code 2305', async () => {
      const ok = await get(`/meetings/${encodeURIComponent(encodeURIComponent('/ab//cd=='))}/meeting_summary`);
      expect(ok.status).toBe(200);
      expect(ok.json.meeting_uuid).toBe('/ab//cd==');
      const once = await get(`/meetings/${encodeURIComponent('/ab//cd==')}/meeting_summary`);
      expect(once.status).toBe(404);
      sb.account.breadth!.summaries = 'disabled';
      const off = await get('/meetings/meeting_summaries');
      expect([off.status, off.json.code]).toEqual([400, 3000]);
      sb.account.breadth!.summaries = 'email_only';
      const mail = await get('/meetings/meeting_summaries');
      expect([mail.status, mail.json.code]).toEqual([403, 2305]);
      sb.account.breadth!.summaries = 'enabled';
    });

    it('sign-in report: at most a month per call, within the last six months; SMS: from needs to, page ≤ 100', async () => {
      const long = await get(`/report/activities?from=${ymd(now - 60 * DAY)}&to=${ymd(now)}`);
      expect([long.status, long.json.code]).toEqual([400, 300]);
      const old = await get(`/report/activities?from=${ymd(now - 200 * DAY)}&to=${ymd(now - 180 * DAY)}`);
      expect([old.status, old.json.code]).toEqual([400, 300]);
      const s = alice().smsSessions[0]!.session_id;
      const half = await get(`/phone/sms/sessions/${s}?from=${ymd(now - 10 * DAY)}`);
      expect([half.status, half.json.code]).toEqual([400, 300]);
      expect((await get(`/phone/sms/sessions/${s}?page_size=101`)).status).toBe(400);
      expect((await get(`/phone/sms/sessions/${s}?page_size=100`)).json.page_size).toBe(100);
      const unknown = await get('/phone/sms/sessions/nope');
      expect([unknown.status, unknown.json.code]).toEqual([404, 7013]);
    });

    it('a missing scope is 4711, never data', async () => {
      sb.account.scopes = sb.account.scopes.filter((x) => x !== 'team_chat:read:list_user_sessions:admin');
      const r = await api(sb, await token(sb))(`/chat/users/${alice().id}/sessions`);
      expect(r.json.code).toBe(4711);
    });
  });
});
