/**
 * `zdsar requests metrics --year` (CCPA regulations §7102): the figures match a hand count over a
 * ledger of mixed requests (types, outcomes, years, purged ones).
 */
import { describe, expect, it } from 'vitest';
import { Ledger, yearMetrics, type LedgerRequest } from '../../src/ledger/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

function req(type: LedgerRequest['type'], status: LedgerRequest['status'], received: string, finished?: string, extra: Partial<LedgerRequest> = {}): LedgerRequest {
  return {
    request_id: `r-${Math.random().toString(16).slice(2)}`,
    type,
    status,
    created_at: received,
    received_at: received,
    due_at: received,
    extended: false,
    regime: 'ccpa',
    requester: 'dpo',
    subjects: [],
    progress: {},
    evidence: [],
    errors: [],
    history: [],
    ...(finished && status === 'canceled' ? { canceled_at: finished } : finished ? { completed_at: finished } : {}),
    ...extra,
  };
}

describe('yearMetrics', () => {
  it('matches a hand count', () => {
    const ledger = [
      // know (export), received in 2025
      req('export', 'completed', '2025-01-01T00:00:00Z', '2025-01-11T00:00:00Z'), // 10 days
      req('export', 'completed', '2025-03-01T00:00:00Z', '2025-03-05T12:00:00Z'), // 4.5 days
      req('export', 'partial', '2025-06-01T00:00:00Z', '2025-06-21T00:00:00Z'), // 20 days
      req('export', 'canceled', '2025-07-01T00:00:00Z', '2025-07-03T00:00:00Z'), // denied, 2 days
      req('export', 'processing', '2025-12-30T00:00:00Z'), // open
      req('export', 'failed', '2025-05-05T00:00:00Z', '2025-05-06T00:00:00Z'), // failed: not answered
      req('export', 'completed', '2025-02-01T00:00:00Z', '2025-02-04T00:00:00Z', { purged_at: '2025-06-01T00:00:00Z' }), // purged, 3 days
      // received in another year: not counted
      req('export', 'completed', '2024-12-31T23:00:00Z', '2025-01-02T00:00:00Z'),
      req('export', 'completed', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'),
      // delete (zoom-delete and registrants-erase)
      req('zoom-delete', 'completed', '2025-04-01T00:00:00Z', '2025-04-02T00:00:00Z'), // 1 day
      req('registrants-erase', 'partial', '2025-04-10T00:00:00Z', '2025-04-13T00:00:00Z'), // 3 days
      req('zoom-delete', 'pending', '2025-11-01T00:00:00Z'), // open
      // not a person's request
      req('compliance-notify', 'completed', '2025-04-01T00:00:00Z', '2025-04-02T00:00:00Z'),
    ];
    const m = yearMetrics(ledger, 2025);
    expect(m.year).toBe(2025);
    const know = m.types.find((t) => t.type === 'know')!;
    // received: 7; whole: 3 (incl. purged); part: 1; denied: 1; open: 1; failed: 1
    // days answered: 10, 4.5, 20, 2, 3 → sorted 2, 3, 4.5, 10, 20 → median 4.5, mean 39.5/5 = 7.9
    expect(know).toMatchObject({ received: 7, complied_in_whole: 3, complied_in_part: 1, denied: 1, open: 1, failed: 1, median_days: 4.5, mean_days: 7.9 });
    const del = m.types.find((t) => t.type === 'delete')!;
    // received: 3; whole 1, part 1, open 1; days 1 and 3 → median 2, mean 2
    expect(del).toMatchObject({ received: 3, complied_in_whole: 1, complied_in_part: 1, denied: 0, open: 1, failed: 0, median_days: 2, mean_days: 2 });
    expect(yearMetrics(ledger, 2023).types.map((t) => [t.received, t.median_days, t.mean_days])).toEqual([
      [0, null, null],
      [0, null, null],
    ]);
  });
});

describe('zdsar requests metrics', () => {
  it('counts a real ledger per type and outcome; --json gives the same figures as the table', async () => {
    const home = tempDir('zdsar-metrics-');
    const ledger = Ledger.open(home);
    const mk = (type: LedgerRequest['type'], received: string) => ledger.create({ type, subjects: ['a@example.com'], receivedAt: new Date(received), regime: 'ccpa' });
    const a = await mk('export', '2025-02-01T00:00:00Z');
    await ledger.setStatus(a.request_id, 'completed');
    const b = await mk('export', '2025-03-01T00:00:00Z');
    await ledger.setStatus(b.request_id, 'partial');
    const c = await mk('export', '2025-04-01T00:00:00Z');
    await ledger.cancel(c.request_id);
    await mk('export', '2025-05-01T00:00:00Z'); // pending
    await mk('export', '2024-05-01T00:00:00Z'); // another year
    const d = await mk('zoom-delete', '2025-06-01T00:00:00Z');
    await ledger.setStatus(d.request_id, 'completed');
    await ledger.purge({ olderThanDays: 0 }); // purged requests still count

    const res = await runCli(['requests', 'metrics', '--year', '2025', '--json'], { ZDSAR_HOME: home });
    expect(res.code, res.stderr).toBe(0);
    const m = JSON.parse(res.stdout) as { year: number; types: Array<{ type: string; received: number; complied_in_whole: number; complied_in_part: number; denied: number; open: number; median_days: number; mean_days: number }> };
    expect(m.types.map((t) => [t.type, t.received, t.complied_in_whole, t.complied_in_part, t.denied, t.open])).toEqual([
      ['know', 4, 1, 1, 1, 1],
      ['delete', 1, 1, 0, 0, 0],
    ]);
    // Days from the recorded dates, by hand.
    const all = await ledger.list();
    const daysOf = (id: string) => {
      const r = all.find((x) => x.request_id === id)!;
      return (Date.parse(r.completed_at ?? r.canceled_at!) - Date.parse(r.received_at)) / 86_400_000;
    };
    const know = [a, b, c].map((r) => daysOf(r.request_id)).sort((x, y) => x - y);
    expect(m.types[0]!.median_days).toBe(Math.round(know[1]! * 10) / 10);
    expect(m.types[0]!.mean_days).toBe(Math.round(((know[0]! + know[1]! + know[2]!) / 3) * 10) / 10);

    const text = await runCli(['requests', 'metrics', '--year', '2025'], { ZDSAR_HOME: home });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^know\s+4\s+1\s+1\s+1\s+1\s+0\s+/m);
    expect(text.stdout).toContain(m.types[0]!.median_days.toFixed(1));

    const bad = await runCli(['requests', 'metrics', '--year', '25'], { ZDSAR_HOME: home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--year');
  });
});
