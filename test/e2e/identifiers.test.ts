/**
 * One person, several identifiers (issue 28), over real sockets, run as the CLI: a person given by two
 * addresses and a phone number gets the union of what each address finds, without duplicates, each
 * record naming the address that found it, and the manifest says which identifier searched what. Another
 * person of the same request gets none of it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runCli, sandboxEnv, tempDir } from '../helpers/cli.js';
import { readJson, type Rec } from './export-helpers.js';

interface Subject {
  index: number;
  email: string;
  status: string;
  path: string;
  identifiers?: Array<{ kind: string; value: string; primary?: boolean; searched: string[]; note?: string }>;
}

describe('a person with two addresses and a phone number', () => {
  let sb: Sandbox;
  let out: string;
  let subjects: Subject[];
  let res: Awaited<ReturnType<typeof runCli>>;
  let first: string;
  let second: string;
  let other: string;

  beforeAll(async () => {
    sb = await startSandbox({ seed: 7 });
    // Outsiders (no Zoom user) registered for sessions: the three with the most registrations.
    const users = new Set(sb.account.users.map((u) => u.email.toLowerCase()));
    const count = new Map<string, number>();
    for (const s of [...sb.account.meetings, ...sb.account.webinars]) for (const r of s.registrants) if (!users.has(r.email.toLowerCase())) count.set(r.email.toLowerCase(), (count.get(r.email.toLowerCase()) ?? 0) + 1);
    [first, second, other] = [...count.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([e]) => e) as [string, string, string];
    expect(other).toBeDefined();
    const dir = tempDir('zdsar-ids-');
    const csv = join(dir, 'people.csv');
    // The same person on two rows (the second repeats the first address): merged, identifiers unioned.
    writeFileSync(csv, `Name,Email,Phone,Other Emails\nPat,${first},+44 20 7946 0018,${second}\nPat again,${first.toUpperCase()},+442079460018,${second}\nOther,${other},,\n`);
    out = join(dir, 'out');
    res = await runCli(['export', '--csv', csv, '--include-registrations', '--out', out, '--json'], sandboxEnv(sb));
    subjects = readJson<{ subjects: Subject[] }>((JSON.parse(res.stdout) as { manifest: string }).manifest).subjects;
  }, 300_000);
  afterAll(async () => {
    await sb?.close();
  });

  const registrations = (s: Subject) => readJson<Array<{ context: Rec; record: Rec }>>(join((JSON.parse(res.stdout) as { package: string }).package, s.path, 'registrations.json'));

  it('gets the registrations found by each address, each once, naming the address that found it', () => {
    expect(res.code, res.stderr).toBe(0);
    expect(subjects).toHaveLength(2);
    const regs = registrations(subjects[0]!);
    const keys = regs.map((r) => String(r.context.registration_key));
    expect(new Set(keys).size).toBe(keys.length);
    const by = (e: string) => regs.filter((r) => r.context.found_by === e);
    expect(by(first).length).toBeGreaterThan(0);
    expect(by(second).length).toBeGreaterThan(0);
    expect(by(first).length + by(second).length).toBe(regs.length);
    // Each record is the registration of the address that found it, exactly as Zoom sent it.
    for (const r of regs) expect(String(r.record.email).toLowerCase()).toBe(r.context.found_by);
  });

  it("and nothing of the other person's; the other person gets nothing of theirs", () => {
    const mine = registrations(subjects[0]!).map((r) => String(r.record.email).toLowerCase());
    expect(mine).not.toContain(other);
    const theirs = registrations(subjects[1]!);
    expect(theirs.length).toBeGreaterThan(0);
    for (const r of theirs) expect(String(r.record.email).toLowerCase()).toBe(other);
    expect(theirs.every((r) => r.context.found_by === undefined)).toBe(true);
  });

  it('the manifest says which identifier searched what; the Zoom user is looked up by the first address alone', () => {
    const ids = subjects[0]!.identifiers!;
    expect(ids.map((i) => [i.kind, i.value, i.primary ?? false])).toEqual([
      ['email', first, true],
      ['email', second, false],
      ['phone', '+442079460018', false],
    ]);
    // By address: registrations, Zoom Events and visitor invitations (issue 28, i28c), and the entries in the account's meetings (Q&A, polls, surveys: i28d).
    const byAddress = ['registrations', 'events_tickets', 'events_registrations', 'events_attendance', 'events_session_attendance', 'visitor_invitations', 'meeting_qa', 'meeting_polls', 'meeting_surveys'];
    expect(ids[0]!.searched).toEqual(['profile', ...byAddress]);
    expect(ids[1]!.searched).toEqual(byAddress);
    expect(ids[2]!.searched).toEqual(['cc_customer_engagements', 'cc_voice_calls', 'cc_sms']);
    expect(subjects[1]!.identifiers).toBeUndefined();
    // report.html says it in words, per identifier.
    const pkg = (JSON.parse(res.stdout) as { package: string }).package;
    const page = readFileSync(join(pkg, subjects[0]!.path, 'report.html'), 'utf8');
    expect(page).toContain('Identifiers searched');
    expect(page).toMatch(new RegExp(`${second.replace(/[.+]/g, '\\$&')}</td><td>Meeting and webinar registrations`));
    expect(page).toMatch(/phone \+442079460018<\/td><td>Contact Center: your contacts as a customer, Contact Center: your voice calls, Contact Center: your text messages<\/td>/);
    expect(readFileSync(join(pkg, subjects[1]!.path, 'report.html'), 'utf8')).not.toContain('Identifiers searched');
    // Zoom was asked for the user by the first address only, never by the further one.
    const asked = sb.log.map((l) => decodeURIComponent(l.path));
    expect(asked.some((p) => p.includes(`/users/${first}`))).toBe(true);
    expect(asked.some((p) => p.includes(`/users/${second}`))).toBe(false);
  });
});
