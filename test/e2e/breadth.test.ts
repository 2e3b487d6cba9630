import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breadthFor, demoAccount, recordsFor, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runCli, sandboxEnv, tempDir } from '../helpers/cli.js';
import { sixMonthsFrom } from '../../src/dates.js';
import { readJson, type Rec } from './export-helpers.js';

const PEOPLE = ['alice.martin@cedarpine.example', 'bruno.costa@cedarpine.example', 'chen.wei@cedarpine.example', 'dana.okafor@cedarpine.example'];

interface Manifest {
  subjects: Array<{ email: string; status: string; path: string; zoom_user_id?: string; categories: Record<string, { status: string; note?: string; reason?: string; records?: number }> }>;
  notes: string[];
}

const set = (xs: Iterable<unknown>) => new Set([...xs].map(String));
const records = (dir: string, file: string): Rec[] => (existsSync(join(dir, file)) ? readJson<Rec[]>(join(dir, file)) : []);

describe('export: Team Chat, SMS texts, attendance, summaries, sign-ins, voicemail transcripts (issue 17)', () => {
  let sb: Sandbox;
  let manifest: Manifest;
  let pkg: string;
  let code: number | null;
  let now: number;

  beforeAll(async () => {
    now = Date.now();
    sb = await startSandbox({ seed: 7, latencyMs: { min: 1, max: 6 }, faults: '429=0.02:1,500=0.02,pagetokenexpire=0.03' });
    const res = await runCli(['export', '--emails', PEOPLE.join(','), '--out', tempDir('zdsar-out-'), '--json'], sandboxEnv(sb));
    code = res.code;
    expect(res.stderr).not.toMatch(/unexpected error|TypeError/);
    pkg = (JSON.parse(res.stdout) as { package: string }).package;
    manifest = readJson<Manifest>(join(pkg, 'manifest.json'));
  });
  afterAll(() => sb.close());

  it("puts every record of these kinds the sandbox holds for each person in that person's folder, and nothing of anyone else's", () => {
    expect(code).toBe(0);
    let withChat = 0;
    let withPhone = 0;
    const all = PEOPLE.map((e) => ({ email: e, want: breadthFor(sb.account, e, now), user: recordsFor(sb.account, e).user! }));
    for (const { email, want, user } of all) {
      const s = manifest.subjects.find((x) => x.email === email)!;
      expect(s.status, email).toBe('completed');
      const dir = join(pkg, s.path);

      // Team Chat: the person's conversations, and every message Zoom serves of them (edited, deleted, thread replies).
      const sessions = records(dir, 'chat_sessions.json');
      expect(set(sessions.map((x) => x.channel_id ?? x.peer_contact_email)), `${email} chat sessions`).toEqual(
        set(want.chats.map((c) => c.channel_id ?? (c.a!.id === user.id ? c.b! : c.a!).email)),
      );
      const messages = records(dir, 'chat_messages.json');
      expect(set(messages.map((m) => (m.message as Rec).id)), `${email} chat messages`).toEqual(set(want.chatMessages.map((m) => m.id)));
      expect(messages.length).toBe(want.chatMessages.length);
      if (want.chatMessages.length > 0) {
        withChat++;
        const statuses = set(messages.map((m) => (m.message as Rec).status));
        expect(statuses).toEqual(new Set(['Normal', 'Edited', 'Deleted']));
        expect(messages.some((m) => (m.message as Rec).reply_main_message_id)).toBe(true);
        expect(messages.some((m) => Array.isArray((m.message as Rec).files))).toBe(true);
        // Older messages exist but Zoom refuses them: the category says so instead of hiding it.
        expect(want.olderMessages.length).toBeGreaterThan(0);
      }
      expect(s.categories.chat_messages!.note).toMatch(/last six months/);

      // Attendance: only the person's own rows, one per meeting joined.
      const attendance = records(dir, 'attendance.json');
      const joined = records(dir, 'meetings_attended.json');
      expect(attendance.length).toBe(joined.length);
      for (const a of attendance) {
        const p = a.participant as Rec;
        expect((p.participant_user_id ?? p.id) === user.id || String(p.user_email).toLowerCase() === email, `${email} attendance row of someone else`).toBe(true);
      }
      // Meetings and webinars (the report lists both; issue 23).
      const ownParticipations = recordsFor(sb.account, email).participations.map((x) => x.instanceUuid);
      for (const a of attendance) expect(ownParticipations).toContain((a.meeting as Rec).uuid);

      // AI Companion summaries of meetings the person hosted, and only those.
      const summaries = records(dir, 'meeting_summaries.json');
      expect(set(summaries.map((x) => x.meeting_uuid)), `${email} summaries`).toEqual(set(want.summaries.map((x) => x.meeting_uuid)));
      for (const x of summaries) expect(x.meeting_host_id).toBe(user.id);

      // Sign-ins: the account-wide report, the person's own rows only.
      const signIns = records(dir, 'sign_ins.json');
      // zdsar asks from a margin inside Zoom's six months (dates.ts sixMonthsFrom; the coverage says from when).
      const served = want.activities.filter((x) => x.time.slice(0, 10) >= sixMonthsFrom(now));
      expect(signIns.length, `${email} sign-ins`).toBe(served.length);
      expect(set(signIns.map((x) => `${String(x.time)}|${String(x.type)}`))).toEqual(set(served.map((x) => `${x.time}|${x.type}`)));
      for (const x of signIns) expect(String(x.email).toLowerCase()).toBe(email);

      // SMS texts and voicemail transcripts (Phone users only).
      if (user.phone) {
        withPhone++;
        const sms = records(dir, 'phone_sms_messages.json');
        expect(set(sms.map((x) => (x.message as Rec).message_id))).toEqual(set(want.smsMessages.map((m) => m.message_id)));
        const vm = records(dir, 'phone_voicemail_details.json');
        expect(set(vm.map((x) => x.id))).toEqual(set(records(dir, 'phone_voicemails.json').map((x) => x.id)));
        expect(vm.every((x) => typeof (x.transcription as Rec)?.content === 'string')).toBe(true);
      } else {
        expect(s.categories.phone_sms_messages!.status).toBe('no_data');
        expect(s.categories.phone_voicemail_details!.status).toBe('no_data');
      }
    }
    expect(withChat).toBeGreaterThanOrEqual(2);
    expect(withPhone).toBeGreaterThanOrEqual(2);
  });

  it('reads the account-wide lists once for everyone', () => {
    const activities = sb.log.filter((e) => e.path.endsWith('/report/activities') && e.status === 200);
    const windows = new Set(activities.map((e) => `${e.query.from}|${e.query.to}|${e.query.next_page_token ?? ''}`));
    expect(windows.size).toBe(activities.length);
    expect(sb.log.filter((e) => e.path.endsWith('/meetings/meeting_summaries') && e.status === 200 && !e.query.next_page_token).length).toBe(1);
  });

  it('sends no Team Chat page larger than 50 and asks for edited and deleted messages', () => {
    const chat = sb.log.filter((e) => e.path.includes('/chat/users/'));
    expect(chat.length).toBeGreaterThan(0);
    for (const e of chat) expect(Number(e.query.page_size)).toBeLessThanOrEqual(50);
    for (const e of chat.filter((x) => x.path.endsWith('/messages'))) expect(e.query.include_deleted_and_edited_message).toBe('true');
  });

  it('explains the new categories and what is not covered in report.html and the manifest', () => {
    expect(manifest.notes.join(' ')).toMatch(/Docs and Tasks.*Whiteboards comes only with --with-files.*Contact Center is read.*--zoom-export/);
    const alice = manifest.subjects[0]!;
    const html = readFileSync(join(pkg, alice.path, 'report.html'), 'utf8');
    for (const title of ['Team Chat conversations', 'Team Chat messages', 'Your attendance records', 'AI Companion meeting summaries', 'Sign-ins and sign-outs', 'SMS text messages', 'Voicemail transcripts']) expect(html).toContain(title);
    expect(html).toContain('Zoom serves Team Chat messages of the last six months only');
  });
});

describe('export: account features that stand in the way are "not permitted" / "not enabled", never "no data"', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    const account = demoAccount({ seed: 7 });
    account.breadth!.chatPermission = false;
    account.breadth!.summaries = 'disabled';
    sb = await startSandbox({ seed: 7, account });
  });
  afterAll(() => sb.close());

  it('reports the missing Chat Messages permission and the disabled AI Companion with what to change', async () => {
    const res = await runCli(['export', '--emails', 'alice.martin@cedarpine.example', '--out', tempDir('zdsar-out-'), '--json'], sandboxEnv(sb));
    expect(res.code).toBe(1); // not permitted: the answer is not complete until the role is fixed
    const pkg = (JSON.parse(res.stdout) as { package: string }).package;
    const m = readJson<Manifest>(join(pkg, 'manifest.json'));
    const c = m.subjects[0]!.categories;
    expect(m.subjects[0]!.status).toBe('partial');
    expect(c.chat_sessions).toMatchObject({ status: 'unavailable', reason: 'not_permitted' });
    expect(c.chat_sessions!.note).toMatch(/Chat Messages/);
    expect(c.chat_messages).toMatchObject({ status: 'unavailable', reason: 'not_permitted' });
    expect(c.meeting_summaries).toMatchObject({ status: 'unavailable', reason: 'not_enabled' });
    expect(c.meeting_summaries!.note).toMatch(/Meeting Summary with AI Companion/);
    const report = readFileSync(join(pkg, m.subjects[0]!.path, 'report.html'), 'utf8');
    expect(report).toContain('not permitted');
    expect(report).toContain('not enabled');

    const doctor = await runCli(['doctor', '--json'], sandboxEnv(sb));
    const d = JSON.parse(doctor.stdout) as { features: { team_chat: { state: string; detail?: string }; ai_summaries: { state: string; detail?: string } } };
    expect(d.features.team_chat.state).toBe('not_permitted');
    expect(d.features.team_chat.detail).toMatch(/Chat Messages/);
    expect(d.features.ai_summaries.state).toBe('not_enabled');
  });

  it('says "not permitted" when summaries are shared by email only (403 code 2305)', async () => {
    sb.account.breadth!.summaries = 'email_only';
    sb.account.breadth!.chatPermission = true;
    const res = await runCli(['export', '--emails', 'chen.wei@cedarpine.example', '--out', tempDir('zdsar-out-'), '--json'], sandboxEnv(sb));
    const pkg = (JSON.parse(res.stdout) as { package: string }).package;
    const c = readJson<Manifest>(join(pkg, 'manifest.json')).subjects[0]!.categories;
    expect(c.meeting_summaries).toMatchObject({ status: 'unavailable', reason: 'not_permitted' });
    expect(c.meeting_summaries!.note).toMatch(/Only share meeting summaries by email/);
    expect(c.chat_messages!.status).toBe('done');
  });
});

describe('export --estimate and --skip', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ seed: 7 });
  });
  afterAll(() => sb.close());

  it('--estimate prints requests per category, the time and what each optional category adds, and sends nothing', async () => {
    const res = await runCli(['export', '--emails', PEOPLE.join(','), '--estimate', '--json'], sandboxEnv(sb));
    expect(res.code).toBe(0);
    const e = JSON.parse(res.stdout) as { requests: Record<string, number>; seconds: number; optional: Record<string, { requests: Record<string, number>; seconds: number }> };
    expect(e.requests.medium).toBeGreaterThan(0);
    expect(e.seconds).toBeGreaterThan(0);
    expect(Object.keys(e.optional).sort()).toEqual(['ai_companion', 'attendance', 'calendar', 'chat', 'clips', 'contact_center', 'mail', 'meeting_answers', 'meeting_transcripts', 'quality_management', 'revenue_accelerator', 'scheduler', 'sign_ins', 'sms_messages', 'summaries', 'visitors', 'voicemail_transcripts', 'whiteboards', 'workspaces', 'zoom_events']);
    expect(sb.log).toHaveLength(0);
    const text = await runCli(['export', '--emails', PEOPLE.join(','), '--estimate', '--skip', 'chat'], sandboxEnv(sb));
    expect(text.stdout).toMatch(/chat .*\(left out\)/);
    expect(sb.log).toHaveLength(0);
  });

  it('--skip leaves categories out (said so in the manifest), and an unknown name is bad input with nothing sent', async () => {
    const bad = await runCli(['export', '--emails', PEOPLE[0]!, '--skip', 'chat,nope'], sandboxEnv(sb));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--skip: unknown category "nope"/);
    expect(sb.log).toHaveLength(0);
    const res = await runCli(['export', '--emails', PEOPLE[0]!, '--skip', 'chat,sign_ins', '--out', tempDir('zdsar-out-'), '--json'], sandboxEnv(sb));
    expect(res.code).toBe(0);
    const pkg = (JSON.parse(res.stdout) as { package: string }).package;
    const c = readJson<Manifest>(join(pkg, 'manifest.json')).subjects[0]!.categories;
    expect(c.chat_messages).toMatchObject({ status: 'unavailable', reason: 'skipped' });
    expect(c.sign_ins).toMatchObject({ status: 'unavailable', reason: 'skipped' });
    expect(sb.log.some((e) => e.path.includes('/chat/') || e.path.endsWith('/report/activities'))).toBe(false);
    expect(c.attendance!.status).toBe('done');
  });

  it('--with-files downloads the files attached to Team Chat messages beside the others', async () => {
    const res = await runCli(['export', '--emails', PEOPLE[0]!, '--skip', 'attendance,summaries,sign_ins,voicemail_transcripts', '--with-files', '--out', tempDir('zdsar-out-'), '--json'], sandboxEnv(sb));
    expect(res.code).toBe(0);
    const pkg = (JSON.parse(res.stdout) as { package: string }).package;
    const s = readJson<Manifest>(join(pkg, 'manifest.json')).subjects[0]!;
    // Zoom gives files[] only when a message has several; one file is at the message's top level.
    const attached = records(join(pkg, s.path), 'chat_messages.json').flatMap((m) => {
      const msg = m.message as Rec;
      return (msg.files as Rec[] | undefined) ?? (msg.download_url ? [{ file_id: msg.file_id, file_size: msg.file_size }] : []);
    });
    expect(attached.length).toBeGreaterThan(0);
    const chatDir = join(pkg, s.path, 'files', 'chat');
    const files = readdirSync(chatDir);
    expect(files).toHaveLength(attached.length);
    for (const f of attached) {
      const onDisk = files.find((x) => x.includes(String(f.file_id)))!;
      expect(onDisk, String(f.file_id)).toBeDefined();
      expect(statSync(join(chatDir, onDisk)).size).toBe(f.file_size);
    }
  });
});
