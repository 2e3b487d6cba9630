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
    // Everything asked for: Medium binds, so all attendance goes to the report and Heavy still finishes first.
    const all = estimateExport(base);
    expect(all.attendance_report_share).toBe(1);
    expect(all.requests.heavy / 40).toBeLessThanOrEqual(all.requests.medium / 60);
    // Without the Medium-heavy chat and recordings history, part of attendance moves to Medium, and both finish together.
    const light = estimateExport({ ...base, skip: ['chat'], from: '2026-10-01' });
    expect(light.attendance_report_share).toBeGreaterThan(0);
    expect(light.attendance_report_share).toBeLessThan(1);
    expect(attendanceReportShare({ ...base, skip: ['chat'], from: '2026-10-01' })).toBe(light.attendance_report_share);
    expect(Math.abs(light.requests.heavy / 40 - light.requests.medium / 60)).toBeLessThan(1);
    // A person who joined far more meetings than the ordinary one moves part of them to Medium.
    expect(attendanceReportShare({ ...base, people: 1 }, 1200)).toBeGreaterThan(0.2);
    expect(attendanceReportShare({ ...base, people: 1 }, 1200)).toBeLessThan(0.8);
  });
});
