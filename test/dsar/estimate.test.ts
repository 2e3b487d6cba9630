import { describe, expect, it } from 'vitest';
import { attendanceReportShare, estimateExport, formatEstimate } from '../../src/dsar/estimate.js';

describe('export --estimate (the bound model of docs/performance.md)', () => {
  const base = { people: 50, plan: 'business' as const, today: '2026-11-29' };

  it('counts requests per rate category and leaves out what --skip names', () => {
    const all = estimateExport(base);
    const noChat = estimateExport({ ...base, skip: ['chat'] });
    // Without chat, fewer requests (attendance may then move some of its rows to Medium: the total still drops).
    const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
    expect(Math.abs(total(all.requests) - total(noChat.requests) - total(all.optional.chat!.requests))).toBeLessThanOrEqual(2); // rounding
    expect(noChat.optional.chat!.skipped).toBe(true);
    expect(noChat.seconds).toBeLessThan(all.seconds);
    expect(all.optional.sign_ins!.requests.heavy).toBeGreaterThan(0);
    expect(formatEstimate(noChat)).toMatch(/chat\s+\d+ requests .*\(left out\)/);
  });

  it('grows with the history asked for and with the people', () => {
    expect(estimateExport({ ...base, from: '2024-01-01' }).requests.medium).toBeGreaterThan(estimateExport({ ...base, from: '2026-06-01' }).requests.medium);
    expect(estimateExport({ ...base, people: 100 }).seconds).toBeGreaterThan(estimateExport(base).seconds);
  });

  it('splits attendance between the report (Heavy) and past meetings (Medium) so both finish together', () => {
    const share = attendanceReportShare('business', 50, [], base.today);
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThan(1);
    const e = estimateExport(base);
    expect(e.attendance_report_share).toBe(share);
    // At the split, neither category waits for the other by more than rounding.
    const heavyS = e.requests.heavy / 40;
    const mediumS = e.requests.medium / 60;
    expect(Math.abs(heavyS - mediumS)).toBeLessThan(1);
    // Leaving out the Medium-heavy chat moves attendance towards Medium.
    expect(attendanceReportShare('business', 50, ['chat'], base.today)).toBeLessThan(share);
  });
});
