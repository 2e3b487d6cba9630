import { describe, expect, it } from 'vitest';
import { attendanceVia, estimateExport, formatEstimate } from '../../src/dsar/estimate.js';

describe('export --estimate (the bound model of docs/performance.md)', () => {
  const base = { people: 50, plan: 'business' as const, today: '2026-11-29' };

  it('counts requests per rate category and leaves out what --skip names', () => {
    const all = estimateExport(base);
    const noChat = estimateExport({ ...base, skip: ['chat'] });
    expect(all.requests.medium - noChat.requests.medium).toBe(all.optional.chat!.requests.medium);
    expect(noChat.optional.chat!.skipped).toBe(true);
    expect(noChat.seconds).toBeLessThan(all.seconds);
    expect(all.optional.sign_ins!.requests.heavy).toBeGreaterThan(0);
    expect(formatEstimate(noChat)).toMatch(/chat\s+\d+ requests .*\(left out\)/);
  });

  it('grows with the history asked for and with the people', () => {
    expect(estimateExport({ ...base, from: '2024-01-01' }).requests.medium).toBeGreaterThan(estimateExport({ ...base, from: '2026-06-01' }).requests.medium);
    expect(estimateExport({ ...base, people: 100 }).seconds).toBeGreaterThan(estimateExport(base).seconds);
  });

  it('reads attendance where the plan has room: Heavy (report) on Business, where Medium binds', () => {
    expect(attendanceVia('business', 50, [], base.today)).toBe('report');
    // With almost nothing else Heavy-free, the choice follows the lighter total.
    const free = attendanceVia('free', 50, [], base.today);
    expect(['report', 'past_meetings']).toContain(free);
    expect(estimateExport({ ...base, plan: 'free' }).attendance_via).toBe(free);
  });
});
