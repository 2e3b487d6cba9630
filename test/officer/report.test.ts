/**
 * #16 item 9 (report.html tells the truth) and item 13 (registrations.json keeps Zoom's records
 * exactly as sent, with zdsar's context beside each record, not inside).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runCli, sandboxEnv } from '../helpers/cli.js';

const CHEN = 'chen.wei@cedarpine.example';
const JORDAN = 'jordan.lee@gmail.example';
const NOBODY = 'nobody.here@elsewhere.example';

describe('a complete export with a person who has registrations but no Zoom user', () => {
  let sb: Sandbox;
  let pkg: string;
  let out: { status: string; subjects: Array<{ email: string; status: string; path: string }> };
  beforeAll(async () => {
    sb = await startSandbox({ seed: 6 });
    const r = await runCli(['export', '--emails', `${CHEN},${JORDAN},${NOBODY}`, '--include-registrations', '--json'], sandboxEnv(sb));
    out = JSON.parse(r.stdout) as typeof out;
    pkg = (out as unknown as { package: string }).package;
  }, 120_000);
  afterAll(async () => {
    await sb.close();
  });

  const subject = (email: string) => out.subjects.find((s) => s.email === email)!;
  const index = () => readFileSync(join(pkg, 'report.html'), 'utf8');

  it('is complete, and the index counts the registrations of the person without a user', () => {
    expect(out.status).toBe('completed');
    expect(subject(JORDAN).status).toBe('not_found');
    const regs = (JSON.parse(readFileSync(join(subject(JORDAN).path, 'registrations.json'), 'utf8')) as unknown[]).length;
    expect(regs).toBeGreaterThan(0);
    // Beside the registrations, Jordan's own entries in the account's meetings (Q&A, polls, surveys: issue 28).
    const own = ['meeting_qa.json', 'meeting_polls.json', 'meeting_surveys.json'].map((f) => join(subject(JORDAN).path, f)).filter((f) => existsSync(f));
    const answers = own.reduce((n, f) => n + (JSON.parse(readFileSync(f, 'utf8')) as unknown[]).length, 0);
    const row = index().split('<tr>').find((r) => r.includes(`<td>${JORDAN}</td>`))!;
    expect(row).toMatch(new RegExp(`<td class="num">${regs + answers}</td>`));
  });

  it('does not call the expected "no such user" answers errors', () => {
    expect(index()).not.toMatch(/\d+ errors?\b/);
    expect(index()).toContain('Every category was answered.');
  });

  it("shows the registrations' meeting, start time and status, and says where they come from", () => {
    const page = readFileSync(join(subject(JORDAN).path, 'report.html'), 'utf8');
    const section = page.slice(page.indexOf('id="cat-registrations"'));
    const head = section.slice(section.indexOf('<thead>'), section.indexOf('</thead>'));
    expect(head).toContain('Meeting or webinar');
    expect(head).toContain('Start');
    expect(head).toContain('Status');
    expect(head).not.toMatch(/address|city|zip/i);
    const entries = JSON.parse(readFileSync(join(subject(JORDAN).path, 'registrations.json'), 'utf8')) as Array<{ context: { topic: string; status?: string } }>;
    expect(section).toContain(entries[0]!.context.topic.replace(/&/g, '&amp;'));
    expect(page).toMatch(/the registrations below were made with this address/);
  });

  it('registrations.json: each entry is {context, record}, the record exactly as Zoom listed it', async () => {
    const entries = JSON.parse(readFileSync(join(subject(JORDAN).path, 'registrations.json'), 'utf8')) as Array<{ context: Record<string, unknown>; record: Record<string, unknown> }>;
    for (const e of entries) {
      expect(Object.keys(e).sort()).toEqual(['context', 'record']);
      expect(e.context.registration_key).toBeTypeOf('string');
      for (const added of ['registration_key', 'kind', 'topic', 'host_id', 'session_type', 'meeting_id', 'webinar_id']) expect(e.record).not.toHaveProperty(added);
    }
    // The record equals what Zoom's list answers for that registrant.
    const reg = entries.find((e) => e.context.kind === 'meeting_registrant' && e.context.meeting_id !== undefined)!;
    expect(reg).toBeDefined();
    const meeting = sb.account.meetings.find((m) => String(m.id) === String(reg.context.meeting_id))!;
    const listed = meeting.registrants.find((x) => x.id === reg.record.id)!;
    expect(String(reg.record.email).toLowerCase()).toBe(listed.email.toLowerCase());
    expect(reg.record.first_name).toBe(listed.first_name);
  });
});
