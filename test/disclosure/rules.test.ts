import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDisclosure } from '../../src/dsar/disclosure/index.js';
import { DEFAULT_POLICY, parsePolicy, type RedactionPolicy } from '../../src/dsar/disclosure/policy.js';
import { tempDir } from '../helpers/cli.js';

/**
 * The categories being added (Team Chat, SMS texts, attendance rows, AI summaries, sign-ins),
 * with records shaped by Zoom's field names in spec/zoom-api, plus a file no rule knows
 * and a media file: the copy masks everybody else and fails safe.
 */
const FOLDER = '01-alice@example.com';
const line = (recs: unknown[]) => (recs.length ? `[\n${recs.map((r) => JSON.stringify(r)).join(',\n')}\n]\n` : '[]\n');

const FILES: Record<string, string> = {
  'profile.json': JSON.stringify({ id: 'U_ALICE_0001', email: 'alice@example.com', display_name: 'Alice Smith', phone_number: '+15550001111', dept: 'Sales' }, null, 2) + '\n',
  'chat_sessions.json': line([
    { name: 'Bob Jones', type: '1:1', peer_contact_email: 'bob@example.org', peer_contact_user_id: 'U_BOB_00001', peer_contact_member_id: 'M_BOB_00001', last_message_sent_time: '2026-11-01T10:00:00Z' },
    { name: 'Project X', type: 'group', channel_id: 'C1', last_message_sent_time: '2026-11-02T10:00:00Z' },
  ]),
  // As zdsar writes them: Zoom's message under `message`, the conversation beside it.
  'chat_messages.json': line([
    { session: { type: '1:1', name: 'Bob Jones', peer_contact_email: 'bob@example.org', peer_contact_user_id: 'U_BOB_00001' }, message: { id: 'm1', message: 'hi Bob Jones, see you', sender: 'alice@example.com', send_member_id: 'M_ALICE_001', sender_display_name: 'Alice Smith', date_time: '2026-11-01T10:00:00Z', timestamp: 1 } },
    {
      session: { type: '1:1', name: 'Bob Jones', peer_contact_email: 'bob@example.org', peer_contact_user_id: 'U_BOB_00001' },
      message: {
        id: 'm2',
        message: 'my private reply',
        sender: 'bob@example.org',
        send_member_id: 'M_BOB_00001',
        sender_display_name: 'Bob Jones',
        files: [{ file_id: 'f1', file_name: 'bob-notes.pdf', file_size: 10 }],
        reactions: [{ emoji: '+1', total_count: 1, senders: [{ user_id: 'U_CAROL_001', member_id: 'M_CAROL_001' }] }],
        at_items: [{ at_contact: 'U_ALICE_0001', at_contact_member_id: 'M_ALICE_001', at_type: 1, start_position: 0, end_position: 5 }],
        date_time: '2026-11-01T10:01:00Z',
        timestamp: 2,
      },
    },
  ]),
  'phone_sms_messages.json': line([
    { session_id: 'S1', message: { message_id: 's1', message: 'call me back', direction: 'in', sender: { display_name: 'Dave Brown', phone_number: '+15559998888' }, to_members: [{ display_name: 'Alice Smith', phone_number: '+15550001111' }], date_time: '2026-11-03T10:00:00Z' } },
    { session_id: 'S1', message: { message_id: 's2', message: 'ok', direction: 'out', sender: { display_name: 'Alice Smith', phone_number: '+1 555 000 1111', owner: { id: 'U_ALICE_0001', type: 'user' } }, to_members: [{ display_name: 'Dave Brown', phone_number: '+15559998888' }], date_time: '2026-11-03T10:05:00Z' } },
  ]),
  'phone_voicemail_details.json': line([
    { id: 'v1', caller_name: 'Dave Brown', caller_number: '+15559998888', callee_name: 'Alice Smith', callee_number: '+15550001111', date_time: '2026-11-03T09:00:00Z', transcription: { content: 'Hi, it is me, please call me back', status: 1, engine: 'zoom' } },
  ]),
  'attendance.json': line([
    { meeting: { uuid: 'mu1', id: 1, topic: 'Plan', start_time: '2026-11-04T10:00:00Z' }, source: 'past_meetings/participants', participant: { id: 'U_ALICE_0001', name: 'Alice Smith', user_email: 'alice@example.com', ip_address: '10.0.0.1', join_time: '2026-11-04T10:00:00Z', leave_time: '2026-11-04T11:00:00Z' } },
    { meeting: { uuid: 'mu1', id: 1, topic: 'Plan', start_time: '2026-11-04T10:00:00Z' }, source: 'past_meetings/participants', participant: { id: 'U_BOB_00001', name: 'Bob Jones', user_email: 'bob@example.org', ip_address: '203.0.113.9', join_time: '2026-11-04T10:00:00Z', leave_time: '2026-11-04T10:30:00Z' } },
  ]),
  'meeting_summaries.json': line([{ meeting_uuid: 'mu1', meeting_host_email: 'bob@example.org', meeting_host_id: 'U_BOB_00001', meeting_topic: 'Plan', summary_overview: 'Bob Jones and Alice Smith agreed on the plan.' }]),
  'sign_ins.json': line([{ email: 'alice@example.com', ip_address: '198.51.100.7', time: '2026-11-05T10:00:00Z', type: 'Sign in', client_type: 'Browser', version: '-' }]),
  'brand_new_category.json': line([{ foo: 'bar', attendee_name: 'Erin Example', note: 'write to erin@other.example', count: 3 }]),
  'files/001-recording.mp4': 'not really a video',
};
const OTHERS = ['please call me back', 'bob@example.org', 'Bob Jones', 'U_BOB_00001', 'M_BOB_00001', 'U_CAROL_001', 'M_CAROL_001', '+15559998888', '5559998888', 'Dave Brown', '203.0.113.9', 'Erin Example', 'erin@other.example', 'my private reply', 'bob-notes.pdf', 'call me back'];

function makePackage(): string {
  const pkg = tempDir('zdsar-rules-');
  const dir = join(pkg, 'subjects', FOLDER);
  mkdirSync(join(dir, 'files'), { recursive: true });
  const files = Object.entries(FILES).map(([rel, text]) => {
    writeFileSync(join(dir, ...rel.split('/')), text);
    return { path: `subjects/${FOLDER}/${rel}`, sha256: createHash('sha256').update(text).digest('hex'), bytes: Buffer.byteLength(text) };
  });
  const categories = Object.fromEntries(['chat_sessions', 'chat_messages', 'phone_sms_messages', 'phone_voicemail_details', 'attendance', 'meeting_summaries', 'sign_ins'].map((c) => [c, { status: 'done', file: `${c}.json` }]));
  const manifest = {
    request_id: 'r-test',
    zdsar_version: 'test',
    type: 'export',
    created_at: '2026-11-06T00:00:00Z',
    completed_at: '2026-11-06T00:00:00Z',
    received_at: '2026-11-06T00:00:00Z',
    due_at: '2026-12-06T00:00:00Z',
    regime: 'gdpr',
    requested_range: { from: null, to: null },
    subjects: [{ index: 1, email: 'alice@example.com', status: 'completed', path: `subjects/${FOLDER}`, zoom_user_id: 'U_ALICE_0001', categories: { profile: { status: 'done', file: 'profile.json' }, ...categories }, files }],
    zoom_requests: { requests: { light: 0, medium: 0, heavy: 0, resource: 0 }, throttled: 0, errors: 0 },
    notes: [],
  };
  writeFileSync(join(pkg, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return pkg;
}

const recs = (pkg: string, file: string) => JSON.parse(readFileSync(join(pkg, 'disclosure', FOLDER, file), 'utf8')) as Array<Record<string, unknown>>;

async function disclose(policy: RedactionPolicy = DEFAULT_POLICY) {
  const pkg = makePackage();
  const out = await buildDisclosure(pkg, policy);
  return { pkg, out, summary: out.manifest.subjects[0]!.redactions };
}

describe('the disclosure rules for Team Chat, SMS texts, attendance, AI summaries and sign-ins', () => {
  it('masks every other person, keeps the person, and leaves no other identifier anywhere', async () => {
    const { pkg } = await disclose();
    const dir = join(pkg, 'disclosure', FOLDER);
    for (const f of readdirSync(dir)) {
      if (f === 'files') continue;
      const text = readFileSync(join(dir, f), 'utf8');
      for (const o of OTHERS) expect(text, `${f}: ${o}`).not.toContain(o);
    }
  });

  it('Team Chat: the 1:1 peer and what they wrote become "Contact N"; a group chat keeps its name; the person\'s own message stays', async () => {
    const { pkg } = await disclose();
    const [peer, group] = recs(pkg, 'chat_sessions.json');
    expect(peer).toMatchObject({ name: 'Contact 1', peer_contact_email: 'contact-1@withheld.invalid', peer_contact_user_id: 'contact-1', peer_contact_member_id: 'contact-1' });
    expect(group!.name).toBe('Project X');
    const [mine, theirs] = recs(pkg, 'chat_messages.json').map((r) => r.message as Record<string, unknown>);
    // The person's message: only the other person's name inside it is masked.
    expect(mine).toMatchObject({ message: 'hi Contact 1, see you', sender: 'alice@example.com', sender_display_name: 'Alice Smith' });
    expect(theirs).toMatchObject({ message: '[withheld: written by Contact 1]', files: '[withheld: written by Contact 1]', sender: 'contact-1@withheld.invalid', sender_display_name: 'Contact 1' });
    expect((theirs!.reactions as Array<{ senders: Array<Record<string, string>> }>)[0]!.senders[0]).toEqual({ user_id: 'contact-2', member_id: 'contact-2' });
    expect(theirs!.at_items).toEqual([{ at_contact: 'U_ALICE_0001', at_contact_member_id: 'M_ALICE_001', at_type: 1, start_position: 0, end_position: 5 }]);
    // The conversation zdsar put beside the message names the peer too.
    expect(recs(pkg, 'chat_messages.json')[0]!.session).toEqual({ type: '1:1', name: 'Contact 1', peer_contact_email: 'contact-1@withheld.invalid', peer_contact_user_id: 'contact-1' });
  });

  it('also applies to a record as Zoom sends it, unwrapped', async () => {
    const { maskRecord } = await import('../../src/dsar/disclosure/redact.js');
    const { ruleFor } = await import('../../src/dsar/disclosure/fields.js');
    const { Contacts, Identity } = await import('../../src/dsar/disclosure/people.js');
    const self = new Identity();
    self.add('email', 'alice@example.com');
    const m = maskRecord(ruleFor('chat_messages.json')!, { id: 'm9', message: 'from bob', sender: 'bob@example.org', sender_display_name: 'Bob Jones' }, { self, contacts: new Contacts(), policy: DEFAULT_POLICY, record: 1 });
    expect(m.rec).toEqual({ id: 'm9', message: '[withheld: written by Contact 1]', sender: 'contact-1@withheld.invalid', sender_display_name: 'Contact 1' });
    expect(m.redactions.map((r) => r.field).sort()).toEqual(['message', 'sender', 'sender_display_name']);
  });

  it('SMS texts: the other party is masked with one pseudonym in both directions; their text is withheld, the person\'s kept', async () => {
    const { pkg } = await disclose();
    const [inbound, outbound] = recs(pkg, 'phone_sms_messages.json').map((r) => r.message as Record<string, unknown>);
    expect(inbound).toMatchObject({ message: expect.stringMatching(/^\[withheld: written by Contact \d+\]$/), sender: { display_name: expect.stringMatching(/^Contact \d+$/) }, to_members: [{ display_name: 'Alice Smith', phone_number: '+15550001111' }] });
    const dave = (inbound!.sender as { display_name: string }).display_name;
    expect(outbound).toMatchObject({ message: 'ok', sender: { display_name: 'Alice Smith', phone_number: '+1 555 000 1111' }, to_members: [{ display_name: dave, phone_number: `withheld (${dave})` }] });
    // A voicemail's transcript is what the caller said.
    const [vm] = recs(pkg, 'phone_voicemail_details.json');
    expect(vm).toMatchObject({ caller_name: dave, callee_name: 'Alice Smith', transcription: { content: `[withheld: written by ${dave}]`, status: 1 } });
  });

  it("attendance: the person's own row keeps its bytes; another participant's row is masked, IP address included", async () => {
    const { pkg } = await disclose();
    const text = readFileSync(join(pkg, 'disclosure', FOLDER, 'attendance.json'), 'utf8').split('\n');
    expect(text[1]).toBe(FILES['attendance.json']!.split('\n')[1]);
    const [, bob] = recs(pkg, 'attendance.json');
    expect(bob!.participant).toMatchObject({ id: 'contact-1', name: 'Contact 1', user_email: 'contact-1@withheld.invalid', ip_address: 'withheld', join_time: '2026-11-04T10:00:00Z' });
    expect(bob!.meeting).toEqual({ uuid: 'mu1', id: 1, topic: 'Plan', start_time: '2026-11-04T10:00:00Z' });
  });

  it('AI summaries and sign-ins: host masked, known names masked in the text, flagged for review; sign-ins unchanged', async () => {
    const { pkg, summary } = await disclose();
    const [s] = recs(pkg, 'meeting_summaries.json');
    expect(s).toMatchObject({ meeting_host_email: 'contact-1@withheld.invalid', summary_overview: 'Contact 1 and Alice Smith agreed on the plan.' });
    expect(summary.review.map((r) => r.file)).toContain('meeting_summaries.json');
    expect(readFileSync(join(pkg, 'disclosure', FOLDER, 'sign_ins.json'), 'utf8')).toBe(FILES['sign_ins.json']);
  });

  it('fails safe: a file no rule knows is masked conservatively and flagged; media is withheld and said so', async () => {
    const { pkg, summary } = await disclose();
    const [r] = recs(pkg, 'brand_new_category.json');
    expect(r).toEqual({ foo: 'bar', attendee_name: 'withheld', note: 'withheld', count: 3 });
    expect(summary.review.find((x) => x.file === 'brand_new_category.json')?.reason).toMatch(/no rule knows/);
    expect(existsSync(join(pkg, 'disclosure', FOLDER, 'files', '001-recording.mp4'))).toBe(false);
    expect(summary.withheld.map((w) => w.file)).toEqual(['files/001-recording.mp4']);
    const log = JSON.parse(readFileSync(join(pkg, 'disclosure', FOLDER, 'redactions.json'), 'utf8')) as { redactions: Array<{ file: string; rule: string }> };
    expect(log.redactions.filter((r) => r.file === 'brand_new_category.json').map((x) => x.rule)).toContain('unknown category: personal-looking field');
  });

  it('policy: keep other people\'s text, keep colleagues, withhold unknown files, include media', async () => {
    const policy = parsePolicy(JSON.stringify({ others_text: 'keep', colleagues: { keep_work_identity: true, domains: ['example.org'] }, unknown_files: 'withhold', media: 'include' }), 'p.json');
    const { pkg, summary } = await disclose(policy);
    const [, theirs] = recs(pkg, 'chat_messages.json');
    expect(theirs!.message).toMatchObject({ message: 'my private reply', sender: 'bob@example.org', sender_display_name: 'Bob Jones' });
    const [, bob] = recs(pkg, 'attendance.json');
    expect(bob!.participant).toMatchObject({ name: 'Bob Jones', user_email: 'bob@example.org', ip_address: 'withheld' });
    // Dave is no colleague: still masked, and his text is kept by policy.
    const [inbound] = recs(pkg, 'phone_sms_messages.json');
    expect(inbound!.message).toMatchObject({ message: 'call me back', sender: { display_name: expect.stringMatching(/^Contact \d+$/) } });
    expect(existsSync(join(pkg, 'disclosure', FOLDER, 'brand_new_category.json'))).toBe(false);
    expect(existsSync(join(pkg, 'disclosure', FOLDER, 'files', '001-recording.mp4'))).toBe(true);
    expect(summary.review.map((r) => r.file)).toContain('files/001-recording.mp4');
  });

  it('refuses a record that changed since the manifest (it would not be what Zoom sent)', async () => {
    const pkg = makePackage();
    writeFileSync(join(pkg, 'subjects', FOLDER, 'attendance.json'), FILES['attendance.json']!.replace('10.0.0.1', '10.0.0.2'));
    await expect(buildDisclosure(pkg, DEFAULT_POLICY)).rejects.toThrow(/attendance.json no longer matches manifest.json/);
    expect(existsSync(join(pkg, 'disclosure'))).toBe(false);
    expect(readdirSync(pkg).filter((f) => f.startsWith('.disclosure'))).toEqual([]);
  });

  it('a bad policy names the file, line and field', () => {
    expect(() => parsePolicy('{\n  "others_text": "maybe"\n}', 'policy.json')).toThrow(/^policy\.json:2: others_text: /);
    expect(() => parsePolicy('{\n  "media": "include",\n  "extra": 1\n}', 'policy.json')).toThrow(/^policy\.json:3: extra: /);
    expect(() => parsePolicy('{ "media": ', 'policy.json')).toThrow(/^policy\.json(:\d+)?: not valid JSON/);
    expect(parsePolicy('{}', 'p')).toEqual(DEFAULT_POLICY);
    // A key given twice is refused, not silently the last one.
    expect(() => parsePolicy('{\n  "others_text": "mask",\n  "others_text": "keep"\n}', 'policy.json')).toThrow(/^policy\.json:3: others_text: this key is given twice/);
    expect(() => parsePolicy('{\n  "colleagues": {\n    "domains": ["a.example"],\n    "domains": []\n  }\n}', 'policy.json')).toThrow(/^policy\.json:4: colleagues\.domains: this key is given twice/);
    expect(parsePolicy('{ "colleagues": { "domains": ["a.example"] }, "media": "withhold" }', 'p').media).toBe('withhold');
  });
});
