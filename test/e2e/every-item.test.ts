/**
 * Issue 23 ("Every item accounted for"): items lost inside a category while it still says done.
 * One export of one Phone user, run as users do (the CLI, a child process) against the sandbox, with
 * the account shaped so that each of these items is there to be missed:
 * - SMS texts older than 30 days (GET /phone/sms/sessions/{sessionId} without dates answers only those);
 * - an SMS conversation and a Team Chat conversation whose last message falls after the range's end;
 * - Phone call legs (`call_elements` of the call-history answer);
 * - the settings groups that come only with `option=…`;
 * - a chat message with one file, and SMS/MMS attachments (--with-files).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxUser } from '../../src/sandbox/index.js';
import type { SandboxChat, SandboxSmsMessage } from '../../src/sandbox/breadth.js';
import { runCli, sandboxEnv, tempDir, type CliResult } from '../helpers/cli.js';
import { readJson, type Rec } from './export-helpers.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface Manifest {
  subjects: Array<{ email: string; status: string; path: string; categories: Record<string, { status: string; note?: string; records?: number }> }>;
}

describe('every item accounted for (issue 23: SMS texts, items 5, 7, 9)', () => {
  let sb: Sandbox;
  let res: CliResult;
  let dir: string;
  let subject: Manifest['subjects'][number];
  let user: SandboxUser;
  const now = Date.now();
  /** The range asked for ends 20 days ago; the person's history starts well before. */
  const to = ymd(now - 20 * DAY);
  let lateSms: { id: string; inRange: string[]; after: string[] };
  let lateChat: { channel: string; inRange: string[]; after: string[] };

  beforeAll(async () => {
    sb = await startSandbox({ seed: 7, latencyMs: { min: 1, max: 3 }, onWarning: () => {} });
    const b = sb.account.breadth!;
    user = sb.account.users.find((u) => u.phone && u.smsSessions.length > 0 && b.chats.some((c) => c.member_ids.includes(u.id)))!;
    const other = sb.account.users.find((u) => u.id !== user.id)!;
    const own = user.phone!.phone_numbers[0]!.number;

    // An SMS conversation that went on after the range: three texts in it, the last one after its end.
    const session = user.smsSessions[0]!;
    const owner = session.participants.find((x) => x.is_session_owner)!;
    const peer = { display_name: 'Pat Outsider', phone_number: '+447700900123' };
    const text = (k: number, at: number, out: boolean): SandboxSmsMessage => ({
      message_id: `late-sms-${k}`,
      date_time: iso(at),
      direction: out ? 'Out' : 'In',
      message: `text ${k}`,
      message_type: 1,
      delivery_status: out ? 'delivered' : 'received',
      sender: out ? { display_name: owner.display_name, phone_number: owner.phone_number, owner: { id: user.id, type: 'user' } } : peer,
      to_members: [out ? peer : { display_name: owner.display_name, phone_number: owner.phone_number, owner: { id: user.id, type: 'user' } }],
    });
    const lateTexts = [text(1, now - 95 * DAY, true), text(2, now - 60 * DAY, false), text(3, now - 40 * DAY, true), text(4, now - 5 * DAY, false)];
    const lateId = 'latesmssession0000000000000000001';
    user.smsSessions.push({ ...session, session_id: lateId, last_access_time: lateTexts.at(-1)!.date_time, participants: [owner, { ...peer, is_session_owner: false }] });
    user.smsSessions.sort((a, x) => a.last_access_time.localeCompare(x.last_access_time));
    b.sms[lateId] = lateTexts;
    lateSms = { id: lateId, inRange: lateTexts.slice(0, 3).map((m) => m.message_id), after: ['late-sms-4'] };

    // A Team Chat conversation that went on after the range: two messages in it (within six months), one after.
    const party = (u: SandboxUser) => ({ id: u.id, email: u.email, member_id: `m${u.id}`, name: u.display_name });
    const msg = (k: number, at: number, u: SandboxUser) => ({ id: `LATE-CHAT-${k}`, sender_id: u.id, sender: u.email, sender_display_name: u.display_name, send_member_id: party(u).member_id, message: `chat ${k}`, date_time: iso(at), timestamp: at, status: 'Normal' as const });
    const chat: SandboxChat = { kind: 'groupchat', channel_id: 'latechannel0000000000000000000001', name: 'Late channel', member_ids: [user.id, other.id], messages: [msg(1, now - 50 * DAY, user), msg(2, now - 30 * DAY, other), msg(3, now - 3 * DAY, user)] };
    b.chats.push(chat);
    lateChat = { channel: chat.channel_id!, inRange: ['LATE-CHAT-1', 'LATE-CHAT-2'], after: ['LATE-CHAT-3'] };
    void own;
    sb.reindex();

    res = await runCli(['export', '--emails', user.email, '--to', to, '--with-files', '--out', tempDir('zdsar-items-out-'), '--json'], sandboxEnv(sb));
    const pkg = (JSON.parse(res.stdout) as { package: string }).package;
    const manifest = readJson<Manifest>(join(pkg, 'manifest.json'));
    subject = manifest.subjects[0]!;
    dir = join(pkg, subject.path);
  }, 240_000);
  afterAll(() => sb.close());

  const records = (file: string): Rec[] => (existsSync(join(dir, file)) ? readJson<Rec[]>(join(dir, file)) : []);

  it('collects every SMS text of the range, not only the past 30 days, with from/to on every call (SMS headline)', () => {
    expect(res.code, res.stderr).toBe(0);
    expect(subject.categories.phone_sms_messages!.status).toBe('done');
    const got = new Set(records('phone_sms_messages.json').map((x) => String((x.message as Rec).message_id)));
    const want = new Set<string>();
    for (const s of user.smsSessions) for (const m of sb.account.breadth!.sms[s.session_id] ?? []) if (m.date_time.slice(0, 10) <= to) want.add(m.message_id);
    // Most of the sandbox's texts are older than 30 days: those are what a call without dates loses.
    expect([...want].filter((id) => !got.has(id))).toEqual([]);
    expect(want.size).toBeGreaterThan(3);
    const details = sb.log.filter((e) => /^\/v2\/phone\/sms\/sessions\/[^/]+$/.test(e.path));
    expect(details.length).toBeGreaterThan(0);
    for (const e of details) {
      expect(e.query.from, e.path).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(e.query.to, e.path).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Date.parse(String(e.query.to)) - Date.parse(String(e.query.from))).toBeLessThan(31 * DAY);
    }
  });

  it('finds an SMS conversation by any message in the range, not by its last one, and keeps to the range (item 5)', () => {
    expect(records('phone_sms_sessions.json').map((s) => s.session_id)).toContain(lateSms.id);
    const texts = records('phone_sms_messages.json').filter((x) => x.session_id === lateSms.id).map((x) => String((x.message as Rec).message_id));
    expect(texts.sort()).toEqual([...lateSms.inRange].sort());
    for (const e of sb.log.filter((x) => x.path.endsWith('/sms/sessions'))) expect(e.query.filter_type).toBe('sent_received_message_time');
  });

  it('finds a Team Chat conversation whose last message is after the range, with its messages in the range (item 5)', () => {
    expect(subject.categories.chat_messages!.status).toBe('done');
    expect(records('chat_sessions.json').map((s) => s.channel_id)).toContain(lateChat.channel);
    const got = records('chat_messages.json').map((x) => String((x.message as Rec).id)).filter((id) => id.startsWith('LATE-CHAT-'));
    expect(got.sort()).toEqual([...lateChat.inRange].sort());
  });

  it("keeps the call legs of the call-history answer (call_elements) as Zoom sent them, device addresses included (item 7)", () => {
    expect(subject.categories.phone_call_elements!.status).toBe('done');
    const legs = records('phone_call_elements.json');
    const calls = records('phone_call_history.json');
    expect(calls.length).toBeGreaterThan(0);
    // The sandbox gives one leg per call: every call's leg is there, once.
    expect(new Set(legs.map((l) => l.call_history_uuid))).toEqual(new Set(calls.map((c) => c.id)));
    expect(new Set(legs.map((l) => l.call_element_id)).size).toBe(legs.length);
    for (const l of legs) expect(String(l.caller_device_public_ip ?? l.callee_device_public_ip)).toMatch(/^198\.51\.100\.\d+$/);
  });

  it('reads the settings groups that come only with option=meeting_authentication|recording_authentication|meeting_security (item 7)', async () => {
    const settings = readJson<Rec>(join(dir, 'settings.json'));
    expect(Object.keys(settings).sort()).toEqual(['meeting_authentication', 'meeting_security', 'recording_authentication', 'settings']);
    expect(settings.settings).toHaveProperty('schedule_meeting');
    expect(settings.meeting_security).toHaveProperty('meeting_security');
    expect(settings.meeting_authentication).toHaveProperty('authentication_options');
    const options = sb.log.filter((e) => e.path === `/v2/users/${user.id}/settings` || e.path === `/v2/users/${encodeURIComponent(user.email)}/settings`).map((e) => e.query.option ?? '');
    expect(new Set(options)).toEqual(new Set(['', 'meeting_authentication', 'recording_authentication', 'meeting_security']));
  });

  it('--with-files downloads the one file of a chat message (top-level download_url, no files[]) and every SMS/MMS attachment (item 9)', () => {
    const messages = records('chat_messages.json').map((m) => m.message as Rec);
    const single = messages.filter((m) => m.download_url && !Array.isArray(m.files));
    const several = messages.filter((m) => Array.isArray(m.files));
    expect(single.length).toBeGreaterThan(0);
    const chatFiles = existsSync(join(dir, 'files', 'chat')) ? readdirSync(join(dir, 'files', 'chat')) : [];
    for (const m of single) expect(chatFiles.some((f) => f.includes(String(m.file_id))), String(m.file_id)).toBe(true);
    expect(chatFiles.length).toBe(single.length + several.reduce((n, m) => n + (m.files as unknown[]).length, 0));

    const attachments = records('phone_sms_messages.json').flatMap((x) => ((x.message as Rec).attachments as Rec[] | undefined) ?? []);
    expect(attachments.length).toBeGreaterThan(0);
    const smsFiles = existsSync(join(dir, 'files', 'sms')) ? readdirSync(join(dir, 'files', 'sms')) : [];
    expect(smsFiles.length).toBe(attachments.length);
    for (const a of attachments) {
      const onDisk = smsFiles.find((f) => f.includes(String(a.id)));
      expect(onDisk, String(a.id)).toBeDefined();
      expect(statSync(join(dir, 'files', 'sms', onDisk!)).size).toBe(a.size);
      expect(onDisk).toMatch(/\.jpg$/);
    }
  });
});

describe('a person whose Zoom Phone licence was removed (issue 23 item 10)', () => {
  it("finds their calls in the account's call history by their own email address, only where they are a party, and says so", async () => {
    const sb = await startSandbox({ seed: 7, latencyMs: { min: 1, max: 3 }, onWarning: () => {} });
    try {
      const leaver = sb.account.users.find((u) => u.phone && u.calls.length > 5)!;
      const email = leaver.email.toLowerCase();
      delete (leaver as { phone?: unknown }).phone; // the licence is removed; the history stays with the account
      sb.reindex();
      const res = await runCli(['export', '--emails', leaver.email, '--skip', 'chat,attendance,summaries,sign_ins', '--out', tempDir('zdsar-leaver-out-'), '--json'], sandboxEnv(sb));
      expect(res.code, res.stderr).toBe(0);
      const pkg = (JSON.parse(res.stdout) as { package: string }).package;
      const s = readJson<Manifest>(join(pkg, 'manifest.json')).subjects[0]!;
      expect(s.categories.phone_profile!.status).toBe('no_data');
      const cat = s.categories.phone_call_history!;
      expect(cat.status).toBe('done');
      expect(cat.note).toMatch(/account's call history \(searched by your email address/);
      const calls = readJson<Rec[]>(join(pkg, s.path, 'phone_call_history.json'));
      for (const c of calls) expect([c.caller_email, c.callee_email].map((v) => String(v).toLowerCase())).toContain(email);
      // Every call of their own of the last five months is there (Zoom serves six).
      const recent = [...leaver.calls].filter((c) => Date.parse(c.start_time) > Date.now() - 150 * DAY);
      expect(recent.length).toBeGreaterThan(0);
      const got = new Set(calls.map((c) => String(c.id)));
      expect(recent.filter((c) => !got.has(c.id)).map((c) => c.id)).toEqual([]);
      // Searched with the person's own address, on the account-wide list.
      const searches = sb.log.filter((e) => e.path === '/v2/phone/call_history');
      expect(searches.length).toBeGreaterThan(0);
      for (const e of searches) expect(String(e.query.keyword).toLowerCase()).toBe(email);
    } finally {
      await sb.close();
    }
  }, 240_000);
});
