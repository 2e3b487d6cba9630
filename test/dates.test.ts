import { describe, expect, it } from 'vitest';
import { addCalendarMonths, isoDay, parseIsoDay } from '../src/dates.js';
import { parseDateArg } from '../src/ledger/deadlines.js';
import { monthWindows } from '../src/zoom/paginate.js';

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
});
