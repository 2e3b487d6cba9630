/**
 * A hostile but realistic account (issue 24): a company main number used as outbound caller ID and
 * by a colleague, the colleague's later calls and texts from his own mobile, outsiders whose
 * numbers end in the same 7 digits as the person's, and topics and agendas that name outsiders in
 * every spelling (numbers with separators or a 00 prefix, addresses percent-encoded or in capitals,
 * names with doubled spaces or in fullwidth letters). The leak scan finds no identifier of anybody
 * else in any person's disclosure copy, report.html or zip, and the person keeps all of their records.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxCall, type SandboxPhoneRecording, type SandboxUser, type SandboxVoicemail } from '../../src/sandbox/index.js';
import { IDENTITY_FLAGS, runCli, sandboxEnv, tempDir } from '../helpers/cli.js';
import { filesUnder, otherPeoplesIdentifiers, recordsOf } from './helpers.js';
import { extractZip, readZip } from './zipread.js';

const ALICE = 'alice.martin@cedarpine.example';
const BRUNO = 'bruno.costa@cedarpine.example';
const PEOPLE = [ALICE, BRUNO];

/** The company's main number: outbound caller ID for everyone; nobody's own. */
const MAIN = '+44 20 7946 0000';
const BRUNO_MOBILE = '+447700900123';
const OLGA = { name: 'Olga Petrova', number: '+14155550199', email: '' };
/** People named only in free text: no rule knows them, their address and number are masked all the same. */
const STRANGER_NUMBER = '+1 212 555 0142';
const STRANGER_EMAIL = 'stranger@elsewhere.example';

type Rec = Record<string, unknown>;
interface Subject {
  index: number;
  email: string;
  path: string;
  categories: Record<string, { sha256?: string; file?: string }>;
  files: Array<{ path: string; sha256: string; bytes: number; records?: number }>;
}

/** Text as a reader would match it: NFKC, lowercase, percent-decoded, one space between words. */
function normText(t: string): string {
  let s = t.normalize('NFKC').toLowerCase();
  s = s.replace(/(?:%[0-9a-f]{2})+/gi, (m) => {
    try {
      return decodeURIComponent(m);
    } catch {
      return m;
    }
  });
  return s.replace(/\s+/g, ' ');
}
const digitsKey = (t: string) => {
  const d = t.normalize('NFKC').replace(/\D/g, '');
  return d.startsWith('00') ? d.slice(2) : d;
};
/** Every number written in a text, by its digits (after separators and a 00 or + prefix). */
function numbersIn(t: string): Set<string> {
  const out = new Set<string>();
  for (const m of t.normalize('NFKC').matchAll(/\+?\(?\d[\d\s().-]*\d/g)) {
    const d = digitsKey(m[0]);
    if (d.length >= 7) out.add(d);
  }
  return out;
}
const isNumber = (v: string) => /^[+\d\s().-]{7,}$/.test(v);

/** Other people's identifiers found in a text, in any spelling. */
function leaksIn(text: string, others: Map<string, string>): string[] {
  const norm = normText(text);
  const numbers = numbersIn(text);
  const out: string[] = [];
  for (const [needle, from] of others) {
    if (isNumber(needle) ? numbers.has(digitsKey(needle)) : norm.includes(normText(needle))) out.push(`"${needle}" (${from})`);
  }
  return out;
}

describe('a hostile account: shared numbers, look-alike numbers, outsiders in free text', () => {
  let sb: Sandbox;
  let env: Record<string, string>;
  let pkg: string;
  let id: string;
  let subjects: Subject[];
  let alice: SandboxUser;
  let bruno: SandboxUser;
  let tailNumbers: string[];

  beforeAll(async () => {
    sb = await startSandbox({ seed: 7 });
    alice = sb.account.users.find((u) => u.email === ALICE)!;
    bruno = sb.account.users.find((u) => u.email === BRUNO)!;
    const own = alice.phone!.phone_numbers[0]!.number;
    // Numbers ending in the same 7 digits as the person's: an outsider in another country, a mobile.
    const tail = own.replace(/\D/g, '').slice(-7);
    tailNumbers = [`+1415${tail}`, `+3361${tail}`];
    const aliceParty = { name: alice.display_name, number: own, email: ALICE, ext: String(alice.phone!.extension_number) };
    const brunoExt = String(bruno.phone?.extension_number ?? '2002');
    const day = (i: number) => new Date(Date.now() - (20 - i) * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const call = (i: number, direction: 'inbound' | 'outbound', caller: typeof aliceParty, callee: typeof aliceParty, extra: Partial<SandboxCall> = {}): SandboxCall => ({
      id: `0000000${i}-hostile-4000-8000-00000000000${i}`,
      call_id: String(7_100_000_000_000_000_000n + BigInt(i)),
      owner_id: alice.id,
      direction,
      connect_type: caller.ext && callee.ext ? 'internal' : 'external',
      caller_name: caller.name,
      caller_number: caller.number,
      caller_email: caller.email,
      caller_ext_number: caller.ext,
      callee_name: callee.name,
      callee_number: callee.number,
      callee_email: callee.email,
      callee_ext_number: callee.ext,
      start_time: day(i),
      answer_time: day(i),
      end_time: day(i),
      duration: 60,
      result: 'answered',
      recording_id: '',
      voicemail_id: '',
      ...extra,
    });
    const olga = { ...OLGA, ext: '' };
    const calls: SandboxCall[] = [
      // Alice calls out with the main number as caller ID.
      call(1, 'outbound', { ...aliceParty, number: MAIN }, olga, { recording_id: 'hostilerec0000000000000000000001' }),
      // Bruno calls Alice from the main number, then from his own mobile (no address, no extension).
      call(2, 'inbound', { name: bruno.display_name, number: MAIN, email: BRUNO, ext: brunoExt }, aliceParty),
      call(3, 'inbound', { name: bruno.display_name, number: BRUNO_MOBILE, email: '', ext: '' }, aliceParty, { result: 'voicemail', voicemail_id: 'hostilevm00000000000000000000003' }),
      // Outsiders whose numbers end like Alice's.
      call(4, 'inbound', { name: 'Marek Novak', number: tailNumbers[0]!, email: '', ext: '' }, aliceParty),
      call(5, 'outbound', aliceParty, { name: 'Jeanne Roux', number: tailNumbers[1]!, email: '', ext: '' }),
      // Bruno again from the main number, leaving a voicemail (a voicemail names only name and number).
      call(6, 'inbound', { name: bruno.display_name, number: MAIN, email: BRUNO, ext: brunoExt }, aliceParty, { result: 'voicemail', voicemail_id: 'hostilevm00000000000000000000006' }),
    ];
    const rec = (c: SandboxCall): SandboxPhoneRecording => ({ id: c.recording_id, owner_id: alice.id, call_id: c.call_id, call_log_id: c.id, caller_name: c.caller_name, caller_number: c.caller_number, callee_name: c.callee_name, callee_number: c.callee_number, direction: c.direction, date_time: c.start_time, duration: c.duration, recording_type: 'OnDemand', file_size: 4000 });
    const vm = (c: SandboxCall): SandboxVoicemail => ({ id: c.voicemail_id, owner_id: alice.id, call_id: c.call_id, call_log_id: c.id, caller_name: c.caller_name, caller_number: c.caller_number, callee_name: c.callee_name, callee_number: c.callee_number, date_time: c.start_time, duration: 30, status: 'read', file_size: 2000 });
    alice.calls = calls;
    alice.phoneRecordings = calls.filter((c) => c.recording_id).map(rec);
    alice.voicemails = calls.filter((c) => c.voicemail_id).map(vm);
    alice.smsSessions = [
      { session_id: 'hostilesms000000000000000000001a', owner_id: alice.id, last_access_time: day(7), participants: [{ display_name: alice.display_name, phone_number: own, owner_id: alice.id, is_session_owner: true }, { display_name: bruno.display_name, phone_number: BRUNO_MOBILE, is_session_owner: false }] },
      { session_id: 'hostilesms000000000000000000002b', owner_id: alice.id, last_access_time: day(8), participants: [{ display_name: alice.display_name, phone_number: own, owner_id: alice.id, is_session_owner: true }, { display_name: 'Marek Novak', phone_number: tailNumbers[0]!, is_session_owner: false }] },
    ];
    // Their texts, both ways.
    for (const [k, ss] of alice.smsSessions.entries()) {
      const me = { display_name: alice.display_name, phone_number: own, owner: { id: alice.id, type: 'user' as const } };
      const them = { display_name: ss.participants[1]!.display_name, phone_number: ss.participants[1]!.phone_number };
      sb.account.breadth!.sms[ss.session_id] = [
        { message_id: `hostile-in-${k}`, date_time: day(7 + k), direction: 'In', message: 'see you at the office', message_type: 1, delivery_status: 'received', sender: them, to_members: [me] },
        { message_id: `hostile-out-${k}`, date_time: day(7 + k), direction: 'Out', message: 'ok, thanks', message_type: 1, delivery_status: 'delivered', sender: me, to_members: [them] },
      ];
    }
    // Topics and agendas of Alice's meetings name outsiders in every spelling.
    const spellings = [
      `Call Olga at +1 (415) 555-0199 or 0014155550199`,
      `Olga  Petrova and ＯＬＧＡ ＰＥＴＲＯＶＡ join`,
      `Invite: https://cal.example/add?who=${encodeURIComponent(BRUNO)} and ${BRUNO.toUpperCase()}`,
      `Bruno  Costa / Ｂｒｕｎｏ Ｃｏｓｔａ, mobile ${BRUNO_MOBILE.replace(/^\+44/, '+44 ').replace(/(\d{4})(\d{6})$/, '$1 $2')}`,
      `Ask ${STRANGER_EMAIL.toUpperCase()} or ${STRANGER_NUMBER}; https://x.example/?m=${encodeURIComponent(STRANGER_EMAIL)}`,
    ];
    const mine = [...sb.account.meetings, ...sb.account.webinars].filter((m) => m.host_id === alice.id);
    mine.forEach((m, i) => {
      m.topic = spellings[i % spellings.length]!;
      m.agenda = spellings[(i + 1) % spellings.length]!;
    });
    sb.reindex();

    env = { ...sandboxEnv(sb), ZDSAR_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
    const out = tempDir('zdsar-hostile-profile-');
    const res = await runCli(['export', '--emails', PEOPLE.join(','), '--redact', '--zip', '--out', out, '--json', ...IDENTITY_FLAGS], env);
    expect(res.code, res.stderr).toBe(0);
    ({ request_id: id, package: pkg } = JSON.parse(res.stdout) as { request_id: string; package: string });
    subjects = (JSON.parse(readFileSync(join(pkg, 'manifest.json'), 'utf8')) as { subjects: Subject[] }).subjects;
    const approve = await runCli(['requests', 'approve', id, '--approver', 'Dana DPO', '--json'], env);
    expect(approve.code, approve.stderr).toBe(0);
  }, 240_000);
  afterAll(async () => {
    await sb.close();
  });

  const folder = (s: Subject) => s.path.replace(/^subjects\//, '');
  const src = (s: Subject, f = '') => join(pkg, 'subjects', folder(s), f);
  const dst = (s: Subject, f = '') => join(pkg, 'disclosure', folder(s), f);

  /** Everybody else's identifiers for one person: the account's, the hostile parties', the strangers in free text. */
  function othersOf(email: string): Map<string, string> {
    const others = otherPeoplesIdentifiers(sb.account, email);
    // The main number belongs to nobody: it is not somebody else's identifier.
    others.delete(MAIN.toLowerCase());
    others.set(STRANGER_EMAIL, 'named in a topic');
    others.set(STRANGER_NUMBER, 'named in a topic');
    if (email === ALICE) {
      for (const n of [...tailNumbers, BRUNO_MOBILE, OLGA.number]) others.set(n, 'a hostile party');
      for (const n of ['Olga Petrova', 'Marek Novak', 'Jeanne Roux', BRUNO]) others.set(n.toLowerCase(), 'a hostile party');
    }
    return others;
  }

  it("finds no identifier of anybody else, in any spelling, in any person's copy, report.html or zip", async () => {
    let scanned = 0;
    for (const s of subjects) {
      const others = othersOf(s.email);
      const leaks: string[] = [];
      for (const f of filesUnder(dst(s))) {
        scanned++;
        for (const l of leaksIn(readFileSync(f, 'utf8'), others)) leaks.push(`${relative(pkg, f)}: ${l}`);
      }
      const zip = join(pkg, 'zips', `${folder(s)}.zip`);
      for (const [name, data] of await readZip(readFileSync(zip))) {
        scanned++;
        for (const l of leaksIn(data.toString('utf8'), others)) leaks.push(`${relative(pkg, zip)}!${name}: ${l}`);
      }
      expect(leaks, s.email).toEqual([]);
    }
    expect(scanned).toBeGreaterThan(20);
    // The scan can see them: the record itself holds them, in the spellings above.
    const record = filesUnder(src(subjects[0]!)).map((f) => readFileSync(f, 'utf8')).join('\n');
    const inRecord = leaksIn(record, othersOf(ALICE));
    for (const n of ['olga petrova', '+14155550199', BRUNO, STRANGER_EMAIL, STRANGER_NUMBER, BRUNO_MOBILE, ...tailNumbers]) expect(inRecord.some((l) => l.startsWith(`"${n}"`)), n).toBe(true);
  });

  it('a shared number makes nobody the person: the colleague on the main number, and his mobile later, are masked; Alice on the main number is Alice', () => {
    const a = subjects[0]!;
    const calls = recordsOf(dst(a, 'phone_call_history.json'));
    const byId = new Map(calls.map((c) => [String(c.id), c]));
    const c1 = byId.get('00000001-hostile-4000-8000-000000000001')!;
    expect(c1).toMatchObject({ caller_name: alice.display_name, caller_email: ALICE, caller_did_number: MAIN });
    const c2 = byId.get('00000002-hostile-4000-8000-000000000002')!;
    expect(c2.caller_name).toMatch(/^Contact \d+$/);
    expect(c2.caller_email).toMatch(/^contact-\d+@withheld\.invalid$/);
    const c3 = byId.get('00000003-hostile-4000-8000-000000000003')!;
    expect(c3.caller_name).toMatch(/^Contact \d+$/);
    expect(c3.caller_did_number).toMatch(/^withheld \(Contact \d+\)$/);
    // The recording of Alice's call out on the main number is hers; the voicemail Bruno left from it is his.
    const [rec] = recordsOf(dst(a, 'phone_recordings.json'));
    expect(rec).toMatchObject({ caller_name: alice.display_name, caller_number: MAIN });
    const vm6 = recordsOf(dst(a, 'phone_voicemails.json')).find((v) => String(v.call_log_id).endsWith('006'))!;
    expect(vm6.caller_name).toMatch(/^Contact \d+$/);
    // Bruno's texts from his mobile are his.
    const sms = readFileSync(dst(a, 'phone_sms_sessions.json'), 'utf8');
    expect(sms).not.toContain(bruno.display_name);
    expect(sms).not.toContain(BRUNO_MOBILE);
  });

  it('a number that only ends like the person\'s is somebody else\'s, and is flagged for review', () => {
    const a = subjects[0]!;
    const text = readFileSync(dst(a, 'phone_call_history.json'), 'utf8');
    for (const n of tailNumbers) expect(text).not.toContain(n);
    expect(text).not.toContain('Marek Novak');
    const log = JSON.parse(readFileSync(dst(a, 'redactions.json'), 'utf8')) as { summary: { review: Array<{ file: string; reason: string }> } };
    expect(log.summary.review).toContainEqual({ file: 'phone_call_history.json', reason: expect.stringMatching(/end in the same 7 digits/) });
  });

  it('free text: topics and agendas are masked in every spelling and flagged for review', () => {
    const a = subjects[0]!;
    const meetings = recordsOf(dst(a, 'meetings.json'));
    expect(meetings.length).toBeGreaterThan(0);
    const topics = meetings.map((m) => `${String(m.topic)} | ${String(m.agenda)}`).join('\n');
    expect(topics).toMatch(/Call Olga at withheld \(Contact \d+\) or withheld \(Contact \d+\)/);
    expect(topics).toMatch(/Contact \d+ and Contact \d+ join/);
    expect(topics).toMatch(/Ask withheld or withheld; https:\/\/x\.example\/\?m=withheld/);
    const log = JSON.parse(readFileSync(dst(a, 'redactions.json'), 'utf8')) as { summary: { review: Array<{ file: string; reason: string }> } };
    expect(log.summary.review).toContainEqual({ file: 'meetings.json', reason: expect.stringMatching(/^free text \(.*topic.*\)/) });
  });

  it("keeps 100 % of the person's own records and their own values", () => {
    let checked = 0;
    for (const s of subjects) {
      const user = sb.account.users.find((u) => u.email === s.email)!;
      const own = new Set([s.email, user.display_name, user.id, user.phone?.phone_numbers[0]?.number].filter((x): x is string => Boolean(x)).map((x) => x.toLowerCase()));
      for (const f of s.files) {
        const rel = f.path.slice(s.path.length + 1);
        const a = recordsOf(src(s, rel));
        const b = recordsOf(dst(s, rel));
        expect(b.length, `${s.email} ${rel}`).toBe(a.length);
        a.forEach((ra, i) => {
          for (const k of ['id', 'uuid', 'call_id', 'session_id', 'start_time', 'date_time']) if (k in ra) expect(b[i]![k], `${rel} #${i + 1} ${k}`).toEqual(ra[k]);
          for (const [k, v] of Object.entries(ra)) {
            if (typeof v === 'string' && own.has(v.toLowerCase())) {
              expect(b[i]![k], `${s.email} ${rel} #${i + 1} ${k}`).toBe(v);
              checked++;
            }
          }
        });
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it("the copy and the person's zip carry no digest of an unmasked file", async () => {
    const digests = new Set<string>();
    for (const s of subjects) {
      for (const f of s.files) digests.add(f.sha256);
      for (const c of Object.values(s.categories)) if (c.sha256) digests.add(c.sha256);
    }
    // Files the copy keeps byte for byte (a profile) have the record's digest and are no secret.
    const same = new Set(filesUnder(join(pkg, 'disclosure')).map((f) => createHash('sha256').update(readFileSync(f)).digest('hex')));
    const secret = [...digests].filter((d) => !same.has(d));
    expect(secret.length).toBeGreaterThan(3);
    const copy = readFileSync(join(pkg, 'disclosure', 'manifest.json'), 'utf8');
    expect(secret.filter((d) => copy.includes(d))).toEqual([]);
    for (const z of readdirSync(join(pkg, 'zips'))) {
      for (const [name, data] of await readZip(readFileSync(join(pkg, 'zips', z)))) expect(secret.filter((d) => data.toString('latin1').includes(d)), `${z}!${name}`).toEqual([]);
    }
  });

  /** `zdsar verify --json` on a copy of `dir` after `tamper` changed it. */
  async function verifyAfter(dir: string, tamper: (copy: string) => void): Promise<{ code: number; ok: boolean; changed: Array<{ path: string }>; unlisted: string[] }> {
    const copy = join(tempDir('zdsar-hostile-verify-'), 'p');
    cpSync(dir, copy, { recursive: true });
    tamper(copy);
    const r = await runCli(['verify', copy, '--json'], env);
    return { code: r.code ?? -1, ...(JSON.parse(r.stdout) as { ok: boolean; changed: Array<{ path: string }>; unlisted: string[] }) };
  }

  it('verify: the package is intact; an edited report.html and files planted under zdsar\'s names, in zips/ or .work/ are not', async () => {
    const ok = await runCli(['verify', pkg], env);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stderr).toContain('Intact');
    expect(ok.stderr).toMatch(/proves nothing about who made them/);
    const a = folder(subjects[0]!);
    const edit = (rel: string) => (copy: string) => writeFileSync(join(copy, rel), readFileSync(join(copy, rel), 'utf8').replace('</body>', '<p>edited</p></body>'));
    for (const rel of ['report.html', `subjects/${a}/report.html`, `disclosure/${a}/report.html`]) {
      const r = await verifyAfter(pkg, edit(rel));
      expect(r.code, rel).toBe(1);
      expect(r.changed.map((c) => c.path), rel).toEqual([rel]);
    }
    const planted = [`subjects/${a}/manifest.json`, `disclosure/${a}/SHA256SUMS`, `subjects/.zdsar-package`, `disclosure/${a}/manifest.sig`, `subjects/${a}/files/report.html`, 'zips/notes.txt', `zips/${a}.zip.bak`, '.work/left.json', 'SHA256SUMS'];
    for (const rel of planted) {
      const r = await verifyAfter(pkg, (copy) => {
        mkdirSync(join(copy, rel, '..'), { recursive: true });
        writeFileSync(join(copy, rel), '{}');
      });
      expect(r.code, rel).toBe(1);
      expect([...r.unlisted, ...r.changed.map((c) => c.path)], rel).toContain(rel);
    }
  });

  it('verify: an unzipped per-person zip lists its report.html; an edit, a planted file or a changed SHA256SUMS is caught', async () => {
    const a = folder(subjects[0]!);
    const unzipped = tempDir('zdsar-hostile-unzipped-');
    await extractZip(readFileSync(join(pkg, 'zips', `${a}.zip`)), unzipped);
    const root = join(unzipped, a);
    const m = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as { subjects: Subject[] };
    expect(m.subjects[0]!.files.map((f) => f.path)).toContain(`disclosure/${a}/report.html`);
    const ok = await runCli(['verify', root], env);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    const report = `disclosure/${a}/report.html`;
    const edited = await verifyAfter(root, (copy) => writeFileSync(join(copy, report), readFileSync(join(copy, report), 'utf8').replace('</body>', 'x</body>')));
    expect(edited.changed.map((c) => c.path)).toEqual([report]);
    for (const rel of [`disclosure/${a}/manifest.json`, `disclosure/${a}/notes.txt`, `disclosure/SHA256SUMS`, '.zdsar-package', 'reports.json']) {
      const r = await verifyAfter(root, (copy) => writeFileSync(join(copy, rel), '{}'));
      expect(r.code, rel).toBe(1);
      expect(r.unlisted, rel).toContain(rel);
    }
    const sums = await verifyAfter(root, (copy) => writeFileSync(join(copy, 'SHA256SUMS'), ''));
    expect(sums.changed).toEqual([{ path: 'SHA256SUMS', reason: 'does not match manifest.json' }]);
  });
});
