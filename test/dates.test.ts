import { describe, expect, it } from 'vitest';
import { addCalendarMonths, earliestWithinMonths, humanTime, isoDay, parseIsoDay, sixMonthsFrom } from '../src/dates.js';
import { parseDateArg } from '../src/ledger/deadlines.js';
import { dayWindows, monthWindows, monthWindowsCutAt } from '../src/zoom/paginate.js';

describe('one home for dates (src/dates.ts)', () => {
  it('parses YYYY-MM-DD as UTC midnight and refuses other forms and impossible days, naming the value', () => {
    expect(parseIsoDay('2024-02-29').toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(() => parseIsoDay('2026-02-29')).toThrow('"2026-02-29" is not a date on the calendar');
    expect(() => parseIsoDay('29/02/2024')).toThrow('"29/02/2024" is not a date in the form YYYY-MM-DD');
    expect(isoDay(new Date('2026-12-31T23:59:59Z'))).toBe('2026-12-31');
  });

  it('the ledger (flags) and the Zoom layer (windows) use the same rules', () => {
    expect(() => parseDateArg('--from', '2026-02-30')).toThrow('--from: "2026-02-30" is not a date on the calendar');
    expect(parseDateArg('--to', ' 2026-01-31 ').toISOString()).toBe('2026-01-31T00:00:00.000Z');
    expect(() => monthWindows('2026-02-30', '2026-03-01')).toThrow('not a date on the calendar');
    // Newest first, each at most one calendar month (addCalendarMonths' clamping), cut back from `to`.
    expect(monthWindows('2026-01-31', '2026-03-30')).toEqual([
      { from: '2026-03-01', to: '2026-03-30' },
      { from: '2026-02-01', to: '2026-02-28' },
      { from: '2026-01-31', to: '2026-01-31' },
    ]);
    expect(isoDay(addCalendarMonths(parseIsoDay('2026-01-31'), 1))).toBe('2026-02-28');
  });

  it("month windows cut where Zoom's six months begin: the recent ones as a six-month list asks for them, the older ones marked (the account's call recordings)", () => {
    const recent = monthWindows('2026-06-08', '2026-12-06');
    const cut = monthWindowsCutAt('2025-10-06', '2026-12-06', '2026-06-08');
    expect(cut.filter((w) => !w.beyond).map(({ from, to }) => ({ from, to }))).toEqual(recent);
    expect(cut.filter((w) => w.beyond).map(({ from, to }) => ({ from, to }))).toEqual(monthWindows('2025-10-06', '2026-06-07'));
    // Every day of the range in exactly one window, newest first.
    expect(cut.at(-1)!.from).toBe('2025-10-06');
    for (let k = 1; k < cut.length; k++) expect(isoDay(new Date(parseIsoDay(cut[k]!.to).getTime() + 86_400_000))).toBe(cut[k - 1]!.from);
    // A range inside the six months: nothing beyond; a range wholly before them: everything beyond.
    expect(monthWindowsCutAt('2026-07-01', '2026-12-06', '2026-06-08').every((w) => !w.beyond)).toBe(true);
    expect(monthWindowsCutAt('2025-01-01', '2025-03-31', undefined).every((w) => w.beyond)).toBe(true);
  });

  it('six months back from a month end: the later of the clamped and the rolled-over reading, plus the margin (issue 23 item 11)', () => {
    const at = (d: string) => Date.parse(`${d}T12:00:00Z`);
    // 31 Aug: 28 Feb clamped, 3 Mar rolled over (2027 is not a leap year) → 3 Mar + 2 days.
    expect(earliestWithinMonths(at('2027-08-31'), 6, 0)).toBe('2027-03-03');
    expect(sixMonthsFrom(at('2027-08-31'))).toBe('2027-03-05');
    // Leap year: 29 Feb clamped, 2 Mar rolled over.
    expect(earliestWithinMonths(at('2028-08-31'), 6, 0)).toBe('2028-03-02');
    // 29 and 30 Aug roll over too; 28 Aug does not.
    expect(earliestWithinMonths(at('2026-08-29'), 6, 0)).toBe('2026-03-01');
    expect(earliestWithinMonths(at('2026-08-30'), 6, 0)).toBe('2026-03-02');
    expect(earliestWithinMonths(at('2026-08-28'), 6, 0)).toBe('2026-02-28');
    // The leap day and other month ends.
    expect(earliestWithinMonths(at('2028-02-29'), 6, 0)).toBe('2027-08-29');
    expect(earliestWithinMonths(at('2026-12-31'), 6, 0)).toBe('2026-07-01');
    expect(earliestWithinMonths(at('2026-03-31'), 6, 0)).toBe('2025-10-01');
    // Whatever the day, never earlier than either reading.
    for (let t = Date.UTC(2027, 0, 1); t < Date.UTC(2029, 0, 1); t += 86_400_000) {
      const e = earliestWithinMonths(t, 6, 0);
      const d = new Date(t);
      expect(e >= isoDay(addCalendarMonths(d, -6))).toBe(true);
      expect(e >= isoDay(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 6, d.getUTCDate())))).toBe(true);
    }
  });
});

describe('dayWindows (Workspace reservations: at most 14 days per request)', () => {
  it('covers the range without gaps or overlaps, newest first, each at most 14 days', () => {
    const w = dayWindows('2026-01-01', '2026-02-15', 14);
    expect(w[0]).toEqual({ from: '2026-02-02', to: '2026-02-15' });
    expect(w.at(-1)!.from).toBe('2026-01-01');
    for (let i = 0; i < w.length; i++) {
      const days = (parseIsoDay(w[i]!.to).getTime() - parseIsoDay(w[i]!.from).getTime()) / 86_400_000 + 1;
      expect(days).toBeLessThanOrEqual(14);
      if (i > 0) expect((parseIsoDay(w[i - 1]!.from).getTime() - parseIsoDay(w[i]!.to).getTime()) / 86_400_000).toBe(1);
    }
    expect(dayWindows('2026-01-05', '2026-01-05', 14)).toEqual([{ from: '2026-01-05', to: '2026-01-05' }]);
    expect(dayWindows('2026-01-06', '2026-01-05', 14)).toEqual([]);
  });
});

describe('humanTime: the one human format for a moment', () => {
  it('shows ISO 8601 moments as "YYYY-MM-DD HH:MM UTC", converting offsets; anything else as given', () => {
    expect(humanTime('2026-03-01T09:05:59.123Z')).toBe('2026-03-01 09:05 UTC');
    expect(humanTime('2026-03-01T01:30:00+02:00')).toBe('2026-02-28 23:30 UTC');
    expect(humanTime(new Date(Date.UTC(2026, 0, 2, 3, 4)))).toBe('2026-01-02 03:04 UTC');
    expect(humanTime('2026-03-01')).toBe('2026-03-01');
    expect(humanTime(undefined)).toBe('–');
  });
});
