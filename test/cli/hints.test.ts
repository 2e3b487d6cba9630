import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

describe('hints and closing', () => {
  it('missing credentials: the hint names the variables to set, and how to try the sandbox with npx', async () => {
    const r = await runCli(['export', '--emails', 'a@example.com'], { ZDSAR_HOME: tempDir('zdsar-home-') });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('ZOOM_ACCOUNT_ID=… ZOOM_CLIENT_ID=… ZOOM_CLIENT_SECRET=…');
    expect(r.stderr).toContain('npx zdsar sandbox --write-env sandbox.env --detach');
  });

  it('requests close records the reason and stops the clock', async () => {
    const home = tempDir('zdsar-home-');
    const ledger = Ledger.open(home);
    const r = await ledger.create({ type: 'export', subjects: ['a@example.com'], receivedAt: new Date('2020-01-01T00:00:00Z') });
    const listed = await runCli(['requests', 'list', '--overdue', '--json'], { ZDSAR_HOME: home });
    expect((JSON.parse(listed.stdout) as Array<{ request_id: string }>).map((x) => x.request_id)).toEqual([r.request_id]);
    const c = await runCli(['requests', 'close', r.request_id, '--reason', 'withdrawn by the person', '--json'], { ZDSAR_HOME: home });
    expect(c.code, c.stderr).toBe(0);
    expect(JSON.parse(c.stdout)).toMatchObject({ stage: 'closed' });
    const after = await runCli(['requests', 'list', '--overdue', '--json'], { ZDSAR_HOME: home });
    expect(JSON.parse(after.stdout)).toEqual([]);
    const bad = await runCli(['requests', 'list', '--state', 'nonsense'], { ZDSAR_HOME: home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--state: one of');
  });
});
