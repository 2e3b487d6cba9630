/**
 * #16 item 4: `registrants erase` always finds live. It used to act on the index of the last
 * `find` (trusted for 6 hours), silently missing a registration made since, and exit 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runCli, sandboxEnv } from '../helpers/cli.js';

const JORDAN = 'jordan.lee@gmail.example';

describe('registrants erase after a recent find', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ seed: 11 });
  });
  afterAll(async () => {
    await sb.close();
  });

  it('finds a registration made since the find (the index may only speed up find)', async () => {
    const env = sandboxEnv(sb);
    const found = await runCli(['registrants', 'find', '--emails', JORDAN, '--json'], env);
    expect(found.code, found.stderr).toBe(0);
    const before = (JSON.parse(found.stdout) as { people: Array<{ matches: Array<{ meeting_id?: string; webinar_id?: string }> }> }).people[0]!.matches;
    const had = new Set(before.map((m) => String(m.meeting_id ?? m.webinar_id)));
    // Jordan registers for an upcoming meeting they were not registered for at the time of the find.
    const now = Date.now();
    const meeting = sb.account.meetings.find(
      (m) => !m.deleted && m.approval_type !== 2 && !had.has(String(m.id)) && Date.parse(m.start_time ?? '') > now && !m.registration_type,
    );
    expect(meeting, 'an upcoming meeting with registration').toBeDefined();
    const iso = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    meeting!.registrants.push({ id: 'newReg' + String(now).slice(-6), email: JORDAN, first_name: 'Jordan', last_name: 'Lee', status: 'approved', create_time: iso });
    sb.reindex();

    const erase = await runCli(['registrants', 'erase', '--emails', JORDAN, '--json'], env);
    expect(erase.code, erase.stderr).toBe(0);
    const plan = JSON.parse(erase.stdout) as { people: Array<{ actions: Array<{ session_id: string | number }> }>; scan: { mode: string } };
    expect(plan.scan.mode).not.toBe('index');
    expect(plan.people[0]!.actions.map((a) => String(a.session_id))).toContain(String(meeting!.id));
  }, 90_000);

  it('has no --max-age, and its help says it walks every host live', async () => {
    const env = sandboxEnv(sb);
    const r = await runCli(['registrants', 'erase', '--emails', JORDAN, '--max-age', '6'], env);
    expect(r.code).toBe(2);
    const help = await runCli(['registrants', 'erase', '--help'], env);
    expect(help.stdout).not.toContain('--max-age');
    expect(help.stdout).toMatch(/walked live/);
  });
});
