/**
 * The Zoom Workplace routes (issue 27) against Zoom's own documents, copied byte for byte into
 * spec/zoom-api/ (checked by sha256 against shared/zoom-api/SOURCES.md): each declaration's Rate Limit
 * Label and scopes are its operation's, every answer validates against the operation's 200 schema,
 * and the declared windows, page maxima and "not enabled" answers hold.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccount, startSandbox, type Mailbox, type Sandbox } from '../../src/sandbox/index.js';
import { WORKPLACE_ROUTES } from '../../src/sandbox/workplace-routes.js';
import { api, token } from './helpers.js';

const DIR = join(import.meta.dirname, '..', '..', 'spec', 'zoom-api');
const SHA256: Record<string, string> = {
  'clips.openapi.json': 'be1a2d9028740a943db03c487bb72414162f1577699408ae643584e885f86a4e',
  'calendar.openapi.json': '0e70fd1608b51a4ebaa051dc14ce1b19f98d752ebcac5380c1d0147bfc08f1a1',
  'scheduler.openapi.json': '99da2c3193d32bed13875403ac5b1bccbc3608d4c7e917fecf02ea8931b3f9cd',
  'rooms.openapi.json': 'f8e5b60dd93095cf04c06f38f2c86c90214fd8c9804a1e9231d8e79724fdf0d0',
  'ai-companion.openapi.json': 'e7f84f9450cb0f0ce6724513351ea5f95ce75c51b883ad1d85ef3750c15a2d6b',
  'mail.openapi.json': '2815ccec37099aba18cf08b1b13cabe7f0b7635ebdfc7b1b1e624e4de2e9101b',
  'whiteboard.openapi.json': '659921b84ac44405727850c4511a77b2a7b29147783225ebcce11212f8f3a587',
};

type Schema = { type?: string; properties?: Record<string, Schema>; items?: Schema; enum?: unknown[]; required?: string[]; nullable?: boolean };
type Op = { operationId: string; description?: string; parameters?: Array<{ name: string; schema?: { maximum?: number } }>; responses: Record<string, { content?: Record<string, { schema: Schema }> }> };
const specs = new Map<string, { paths: Record<string, Record<string, Op>> }>();
const spec = (file: string) => {
  if (!specs.has(file)) specs.set(file, JSON.parse(readFileSync(join(DIR, file), 'utf8')));
  return specs.get(file)!;
};
function findOp(ref: string): Op {
  const [file, id] = ref.split(' ') as [string, string];
  for (const ops of Object.values(spec(file).paths)) for (const op of Object.values(ops)) if (op.operationId === id) return op;
  throw new Error(`no operation ${ref}`);
}

/** Where a value breaks the schema: a field the schema lacks, a wrong type, a value outside an enum. */
function violations(v: unknown, s: Schema, path = '$'): string[] {
  if (v === null || v === undefined) return [];
  const out: string[] = [];
  const type = Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;
  if (s.type && !(s.type === type || (s.type === 'number' && type === 'integer'))) return [`${path}: ${type}, the spec says ${s.type}`];
  if (s.enum && !s.enum.includes(v)) out.push(`${path}: ${JSON.stringify(v)} not in ${JSON.stringify(s.enum)}`);
  if (type === 'array' && s.items) (v as unknown[]).forEach((x, i) => out.push(...violations(x, s.items!, `${path}[${i}]`)));
  if (type === 'object' && s.properties) {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const p = s.properties[k];
      if (!p) out.push(`${path}.${k}: not in the spec`);
      else out.push(...violations(x, p, `${path}.${k}`));
    }
  }
  return out;
}

/** A request for each Zoom Mail route of one mailbox (its first message with an attachment, its draft). */
function mailPaths(box: string, m: Mailbox): Record<string, string> {
  const msg = m.messages.find((x) => ((x.payload as { parts?: Array<{ body: { attachmentId?: string } }> }).parts ?? []).some((p) => p.body.attachmentId))!;
  const att = (msg.payload as { parts: Array<{ body: { attachmentId?: string } }> }).parts.find((p) => p.body.attachmentId)!.body.attachmentId!;
  const p = '/v2/emails/mailboxes/:email';
  return {
    [`${p}/profile`]: `${box}/profile`,
    [`${p}/messages`]: `${box}/messages?includeSpamTrash=true&maxResults=500`,
    [`${p}/messages/:messageId`]: `${box}/messages/${msg.id as string}`,
    [`${p}/messages/:messageId/attachments/:attachmentId`]: `${box}/messages/${msg.id as string}/attachments/${att}`,
    [`${p}/threads`]: `${box}/threads?includeSpamTrash=true`,
    [`${p}/drafts`]: `${box}/drafts?includeSpamTrash=true`,
    [`${p}/drafts/:draftId`]: `${box}/drafts/${m.drafts[0]!.id as string}`,
    [`${p}/labels`]: `${box}/labels`,
    [`${p}/settings/filters`]: `${box}/settings/filters`,
    [`${p}/settings/delegates`]: `${box}/settings/delegates`,
    [`${p}/settings/vacation`]: `${box}/settings/vacation`,
  };
}

const LABEL: Record<string, string> = { LIGHT: 'Light', MEDIUM: 'Medium', HEAVY: 'Heavy' };

describe('sandbox: Zoom Workplace routes follow the specs', () => {
  let sb: Sandbox;
  let get: ReturnType<typeof api>;
  beforeAll(async () => {
    sb = await startSandbox({ seed: 3, rateLimits: false });
    get = api(sb, await token(sb));
  });
  afterAll(() => sb.close());

  it('holds the spec files byte for byte', () => {
    for (const [file, sha] of Object.entries(SHA256)) expect(createHash('sha256').update(readFileSync(join(DIR, file))).digest('hex'), file).toBe(sha);
  });

  it("declares each operation's Rate Limit Label and scopes", () => {
    for (const d of WORKPLACE_ROUTES) {
      const op = findOp(d.spec);
      const label = /Rate Limit Label[^`]*`([A-Za-z-]+)`/.exec(op.description ?? '')?.[1];
      expect(d.label, d.spec).toBe(LABEL[label!.toUpperCase()]);
      const granular = [...((op.description ?? '').match(/Granular Scopes[^\n]*?:\*\*([^\n]*)/)?.[1] ?? '').matchAll(/`([^`]+)`/g)].map((x) => x[1]);
      expect(d.granular, d.spec).toEqual(granular);
      if (d.shape.kind === 'list' && (d.shape.paging === 'zoom' || d.shape.paging === 'token')) {
        const max = op.parameters?.find((p) => p.name === 'page_size')?.schema?.maximum;
        if (max !== undefined) expect(d.shape.max, d.spec).toBe(max);
      }
    }
  });

  it("answers every route with a body valid against the operation's 200 schema", async () => {
    const w = sb.account.workplace!;
    const user = sb.account.users.find((u) => w.clips.some((c) => c.owner === u.id))!;
    const clip = String(w.clips.find((c) => c.owner === user.id)!.data.clip_id);
    const cal = user.email;
    const event = String(w.events[cal]![0]!.id);
    const today = new Date().toISOString().slice(0, 10);
    const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const twoWeeksAgo = new Date(Date.now() - 13 * 86_400_000).toISOString().slice(0, 10);
    const paths: Record<string, string> = {
      '/v2/clips': `/clips?user_id=${user.id}&date_filter_type=CREATED_DATE&from=${monthAgo}T00:00:00Z&to=${today}T23:59:59Z&page_size=30`,
      '/v2/clips/:clipId/comments': `/clips/${clip}/comments?page_size=1`,
      '/v2/clips/:clipId/collaborators': `/clips/${clip}/collaborators`,
      '/v2/clips/:clipId/download': `/clips/${clip}/download`,
      '/v2/calendars/users/:userIdentifier/calendarList': `/calendars/users/${user.id}/calendarList?maxResults=1`,
      '/v2/calendars/:calId/events': `/calendars/${encodeURIComponent(cal)}/events?showDeleted=true`,
      '/v2/calendars/:calId/events/:eventId': `/calendars/${encodeURIComponent(cal)}/events/${event}`,
      '/v2/calendars/users/:userIdentifier/settings': `/calendars/users/${user.id}/settings`,
      '/v2/scheduler/events': `/scheduler/events?user_id=${user.id}&show_deleted=true`,
      '/v2/scheduler/schedules': `/scheduler/schedules?user_id=${user.id}`,
      '/v2/scheduler/availability': `/scheduler/availability?user_id=${user.id}`,
      '/v2/workspaces/users/:userId/reservations': `/workspaces/users/${user.id}/reservations?from=${twoWeeksAgo}T00:00:00Z&to=${today}T23:59:59Z`,
      '/v2/aic/users/:userId/conversation_archive': `/aic/users/${user.id}/conversation_archive`,
      '/v2/whiteboards': `/whiteboards?user_id=${user.id}&date_filter_type=created_date&from=${monthAgo}T00:00:00Z&to=${today}T23:59:59Z&page_size=50`,
      '/v2/whiteboards/:whiteboardId/collaborator': `/whiteboards/${String(w.whiteboards.find((b) => b.owner === user.id)!.data.whiteboard_id)}/collaborator`,
      '/v2/whiteboards/sessions': `/whiteboards/sessions?from=${monthAgo}T00:00:00Z&to=${today}T23:59:59Z`,
      ...mailPaths(`/emails/mailboxes/${encodeURIComponent(user.email)}`, w.mailboxes[user.id]!),
    };
    // The sandbox grants admin scopes only: the user-level calendar reads answer 4711 (tested in e2e); here with the user-level scope.
    sb.account.scopes.push('calendar:read:list_calendar_lists', 'calendar:read:list_settings');
    get = api(sb, await token(sb));
    let records = 0;
    for (const d of WORKPLACE_ROUTES) {
      const r = await get(paths[d.path]!);
      if (d.shape.kind === 'file') {
        // The file itself is behind a redirect to a signed URL (application/octet-stream).
        expect(r.status, d.path).toBe(302);
        expect(String(r.headers.location)).toContain('/files/');
        continue;
      }
      expect(r.status, `${d.path}: ${r.text}`).toBe(200);
      const schema = findOp(d.spec).responses['200']!.content!['application/json']!.schema;
      expect(violations(r.json, schema), d.path).toEqual([]);
      const list = d.shape.kind === 'list' ? ((d.shape.paging === 'bare' ? r.json : r.json[d.shape.key]) as unknown[]) : [r.json];
      records += list.length;
    }
    expect(records).toBeGreaterThan(WORKPLACE_ROUTES.length);
    // A paged list pages: one comment a page, then the rest with the token.
    const first = await get(`/clips/${clip}/comments?page_size=1`);
    expect(first.json.next_page_token).toBeTruthy();
    const second = await get(`/clips/${clip}/comments?page_size=1&next_page_token=${first.json.next_page_token}`);
    expect(second.json.data[0].comment_id).not.toBe(first.json.data[0].comment_id);
    // show_deleted / showDeleted: cancelled records only when asked for.
    const withDeleted = (await get(`/scheduler/events?user_id=${user.id}&show_deleted=true`)).json.items as Array<{ status: string }>;
    const without = (await get(`/scheduler/events?user_id=${user.id}`)).json.items as Array<{ status: string }>;
    expect(withDeleted.some((e) => e.status === 'cancelled')).toBe(true);
    expect(without.some((e) => e.status === 'cancelled')).toBe(false);
    // includeSpamTrash: SPAM and TRASH messages (and their threads) only when asked for.
    const box = `/emails/mailboxes/${encodeURIComponent(user.email)}`;
    const all = (await get(`${box}/messages?includeSpamTrash=true`)).json.messages as Array<{ id: string }>;
    const inbox = (await get(`${box}/messages`)).json.messages as Array<{ id: string }>;
    const spamTrash = w.mailboxes[user.id]!.messages.filter((m) => (m.labelIds as string[]).some((l) => l === 'SPAM' || l === 'TRASH'));
    expect(spamTrash.length).toBeGreaterThan(0);
    expect(all.length).toBe(inbox.length + spamTrash.length);
    expect((await get(`${box}/threads?includeSpamTrash=true`)).json.threads.length).toBeGreaterThan((await get(`${box}/threads`)).json.threads.length);
    // Google-style pages: maxResults and pageToken in, nextPageToken out.
    const page = await get(`${box}/messages?includeSpamTrash=true&maxResults=2`);
    expect(page.json.messages.length).toBe(2);
    const rest = await get(`${box}/messages?includeSpamTrash=true&maxResults=2&pageToken=${page.json.nextPageToken}`);
    expect(rest.json.messages[0].id).not.toBe(page.json.messages[0].id);
  });

  it('reads no mailbox whose end-to-end encryption is on, but still answers its profile (which says so)', async () => {
    const user = sb.account.users.find((u) => sb.account.workplace!.mailboxes[u.id])!;
    const box = sb.account.workplace!.mailboxes[user.id]!;
    box.profile.encryptionEnabled = true;
    try {
      const path = `/emails/mailboxes/${encodeURIComponent(user.email)}`;
      expect((await get(`${path}/profile`)).json.encryptionEnabled).toBe(true);
      const r = await get(`${path}/messages`);
      expect([r.status, r.json.code]).toEqual([400, 400]);
    } finally {
      box.profile.encryptionEnabled = false;
    }
  });

  it('refuses windows wider than the spec allows and pages larger than its maximum', async () => {
    const u = sb.account.users[0]!;
    const wide = await get(`/clips?user_id=${u.id}&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z`);
    expect([wide.status, wide.json.code]).toEqual([400, 300]);
    const res = await get(`/workspaces/users/${u.id}/reservations?from=2026-01-01T00:00:00Z&to=2026-01-20T00:00:00Z`);
    expect(res.status).toBe(400);
    const missing = await get(`/workspaces/users/${u.id}/reservations`);
    expect(missing.status).toBe(400);
    const clip = String(sb.account.workplace!.clips[0]!.data.clip_id);
    const big = await get(`/clips/${clip}/comments?page_size=51`);
    expect(big.status).toBe(400);
  });
});

describe('sandbox: a Workplace product the account does not have answers its documented error', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    const account = demoAccount({ seed: 3 });
    const w = account.workplace!;
    for (const k of Object.keys(w.enabled) as Array<keyof typeof w.enabled>) w.enabled[k] = false;
    sb = await startSandbox({ seed: 3, account, rateLimits: false });
  });
  afterAll(() => sb.close());

  it('answers 403 with the code each spec documents', async () => {
    const get = api(sb, await token(sb));
    const u = sb.account.users[0]!;
    expect((await get(`/clips?user_id=${u.id}`)).json.code).toBe(1003);
    expect((await get(`/aic/users/${u.id}/conversation_archive`)).json.code).toBe(20514);
    for (const p of [`/scheduler/events?user_id=${u.id}`, `/calendars/${encodeURIComponent(u.email)}/events`]) expect((await get(p)).status, p).toBe(403);
  });
});
