/**
 * Issue 23 item 10: a person whose Zoom Phone licence was removed (the usual leaver) on an account that has
 * Phone. Their call recordings, voicemails and SMS conversations are still in the account's lists
 * (phone.openapi.json getPhoneRecordings, accountVoiceMails, accountSmsSession), each row with its `owner`.
 * zdsar finds theirs by their own Zoom user id (owner.id, owner.type user) and keeps only those; a colleague
 * who uses the same company number (in an SMS conversation and on a call recording) must not leak in.
 * Run as the CLI against the sandbox over real sockets.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxUser } from '../../src/sandbox/index.js';
import { runCli, sandboxEnv, tempDir, type CliResult } from '../helpers/cli.js';
import { readJson, type Rec } from './export-helpers.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface Manifest {
  subjects: Array<{ email: string; status: string; path: string; categories: Record<string, { status: string; note?: string; records?: number }> }>;
}

describe("a leaver's call recordings, voicemails and SMS, found in the account's lists by their own Zoom user id (issue 23 item 10)", () => {
  let sb: Sandbox;
  let res: CliResult;
  let pkg: string;
  let s: Manifest['subjects'][number];
  let leaver: SandboxUser;
  let colleague: SandboxUser;
  const sharedSession = 'sharedcompanynumbersession000001';
  let sharedRecordingId: string;
  let unownedVoicemail: string;
  const now = Date.now();

  beforeAll(async () => {
    sb = await startSandbox({ seed: 7, latencyMs: { min: 1, max: 3 }, onWarning: () => {} });
    const recent = (at: string) => Date.parse(at) > now - 150 * DAY;
    leaver = sb.account.users.find((u) => u.phone && [...u.phoneRecordings].some((r) => recent(r.date_time)) && [...u.voicemails].some((v) => recent(v.date_time)) && u.smsSessions.length > 0)!;
    colleague = sb.account.users.find((u) => u.id !== leaver.id && u.phone && [...u.phoneRecordings].some((r) => recent(r.date_time)))!;
    const companyNumber = leaver.phone!.phone_numbers[0]!.number;

    // The colleague texts from the same company number: a session whose participant has that number, owned by the colleague.
    const owner = { display_name: colleague.display_name, phone_number: companyNumber, owner_id: colleague.id, is_session_owner: true };
    const peer = { display_name: 'Sam Customer', phone_number: '+447700900555', is_session_owner: false };
    const at = now - 10 * DAY;
    colleague.smsSessions.push({ session_id: sharedSession, owner_id: colleague.id, last_access_time: iso(at), participants: [owner, peer] });
    colleague.smsSessions.sort((a, b) => a.last_access_time.localeCompare(b.last_access_time));
    sb.account.breadth!.sms[sharedSession] = [
      { message_id: 'shared-sms-1', date_time: iso(at), direction: 'Out', message: 'colleague text', message_type: 1, delivery_status: 'delivered', sender: { display_name: colleague.display_name, phone_number: companyNumber, owner: { id: colleague.id, type: 'user' } }, to_members: [peer] },
    ];
    // …and records a call on it.
    colleague.phoneRecordings = [...colleague.phoneRecordings];
    const rec = [...colleague.phoneRecordings].reverse().find((r) => recent(r.date_time))!;
    rec.caller_number = companyNumber;
    sharedRecordingId = rec.id;

    // One of their voicemails comes with no owner in the account's list: nothing says whose it is.
    leaver.voicemails = [...leaver.voicemails];
    const vm = [...leaver.voicemails].reverse().find((v) => recent(v.date_time))!;
    vm.ownerUnknown = true;
    unownedVoicemail = vm.id;

    delete (leaver as { phone?: unknown }).phone; // the licence is removed; the history stays with the account
    sb.reindex();
    res = await runCli(['export', '--emails', leaver.email, '--skip', 'chat,attendance,summaries,sign_ins', '--out', tempDir('zdsar-leaver-lists-'), '--json'], sandboxEnv(sb));
    pkg = (JSON.parse(res.stdout) as { package: string }).package;
    s = readJson<Manifest>(join(pkg, 'manifest.json')).subjects[0]!;
  }, 240_000);
  afterAll(() => sb.close());

  const records = (file: string) => readJson<Rec[]>(join(pkg, s.path, file));
  const ownerId = (r: Rec) => String((r.owner as Rec | undefined)?.id);

  it('collects their call recordings and voicemails, every one of the last five months, and only theirs', () => {
    expect(res.code, res.stderr).toBe(0);
    expect(s.categories.phone_profile!.status).toBe('no_data');
    for (const [name, file, model] of [
      ['phone_recordings', 'phone_recordings.json', leaver.phoneRecordings],
      ['phone_voicemails', 'phone_voicemails.json', leaver.voicemails],
    ] as const) {
      const cat = s.categories[name]!;
      expect(cat.status, name).toBe('done');
      expect(cat.note, name).toMatch(/found in the account's .* by your Zoom user id .*kept only where you are the owner \(owner\.id\); never by a phone number/);
      const rows = records(file);
      expect(rows.length, name).toBeGreaterThan(0);
      for (const r of rows) expect(ownerId(r), name).toBe(leaver.id);
      const got = new Set(rows.map((r) => String(r.id)));
      const want = [...(model as Iterable<{ id: string; date_time: string }>)].filter((x) => Date.parse(x.date_time) > now - 150 * DAY).map((x) => x.id);
      expect(want.filter((id) => !got.has(id) && id !== unownedVoicemail), name).toEqual([]);
    }
    expect(records('phone_recordings.json').some((r) => r.id === sharedRecordingId)).toBe(false);
    // A row with no owner is not guessed at: left out, and the coverage says so.
    expect(records('phone_voicemails.json').some((r) => r.id === unownedVoicemail)).toBe(false);
    expect(s.categories.phone_voicemails!.note).toMatch(/1 row of the account's voicemails read in this run names no owner, so nothing in Zoom's answer says whose it is: not included/);
    expect(s.categories.phone_recordings!.note).not.toMatch(/no owner/);
    // The voicemails' details are read for them too (by id, an account-level read).
    expect(s.categories.phone_voicemail_details!.status).toBe('done');
  });

  it('collects their SMS conversations and texts, never the colleague’s on the shared company number', () => {
    const sessions = records('phone_sms_sessions.json');
    expect(s.categories.phone_sms!.status).toBe('done');
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.map((x) => x.session_id)).not.toContain(sharedSession);
    for (const x of sessions) expect((x.participants as Rec[]).some((p) => (p.owner as Rec | undefined)?.id === leaver.id)).toBe(true);
    const texts = records('phone_sms_messages.json');
    expect(s.categories.phone_sms_messages!.status).toBe('done');
    expect(texts.length).toBeGreaterThan(0);
    expect(texts.map((t) => t.session_id)).not.toContain(sharedSession);
    expect(JSON.stringify(texts)).not.toContain('colleague text');
    // Asked of the account's lists, never by a phone number.
    for (const path of ['/v2/phone/recordings', '/v2/phone/voice_mails', '/v2/phone/sms/sessions']) expect(sb.log.some((e) => e.path === path), path).toBe(true);
    expect(sb.log.some((e) => 'phone_number' in e.query)).toBe(false);
  });
  it("reads each window of the account's lists once for every leaver of the run, and each keeps only their own rows", async () => {
    delete (colleague as { phone?: unknown }).phone; // a second leaver in the same run
    sb.reindex();
    const before = sb.log.length;
    const two = await runCli(['export', '--emails', `${leaver.email},${colleague.email}`, '--skip', 'chat,attendance,summaries,sign_ins', '--out', tempDir('zdsar-leaver-two-'), '--json'], sandboxEnv(sb));
    expect(two.code, two.stderr).toBe(0);
    const asked = sb.log.slice(before).filter((e) => ['/v2/phone/recordings', '/v2/phone/voice_mails', '/v2/phone/sms/sessions'].includes(e.path) && e.status === 200 && !e.query.next_page_token);
    expect(asked.length).toBeGreaterThan(0);
    const windows = asked.map((e) => `${e.path} ${e.query.from} ${e.query.to}`);
    expect(windows.filter((w, i) => windows.indexOf(w) !== i)).toEqual([]);
    const dir = (JSON.parse(two.stdout) as { package: string }).package;
    const subjects = readJson<Manifest>(join(dir, 'manifest.json')).subjects;
    const pathOf = (u: SandboxUser) => subjects.find((x) => x.email === u.email.toLowerCase())!.path;
    for (const [who, other] of [[leaver, colleague], [colleague, leaver]] as const) {
      const rows = readJson<Rec[]>(join(dir, pathOf(who), 'phone_recordings.json'));
      expect(rows.length, who.email).toBeGreaterThan(0);
      for (const r of rows) expect(ownerId(r), who.email).not.toBe(other.id);
    }
    const colleagueSms = readJson<Rec[]>(join(dir, pathOf(colleague), 'phone_sms_sessions.json'));
    expect(colleagueSms.map((x) => x.session_id)).toContain(sharedSession);
  }, 240_000);
});
