import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import {
  acknowledgeBy,
  addBusinessDays,
  addCalendarMonths,
  daysUntil,
  dueDate,
  parseDateArg,
  urgency,
} from '../../src/ledger/deadlines.js';

const d = (s: string) => new Date(`${s}T00:00:00Z`);
const day = (x: Date | undefined) => x?.toISOString().slice(0, 10);

describe('GDPR: one calendar month from receipt, +2 months once extended', () => {
  it.each([
    ['2026-01-15', '2026-02-15', '2026-04-15'],
    ['2026-01-31', '2026-02-28', '2026-04-30'], // the example; April has 30 days
    ['2028-01-31', '2028-02-29', '2028-04-30'], // leap year
    ['2024-01-30', '2024-02-29', '2024-04-30'],
    ['2100-01-29', '2100-02-28', '2100-04-29'], // 2100 is not a leap year
    ['2000-01-31', '2000-02-29', '2000-04-30'], // 2000 is
    ['2026-03-31', '2026-04-30', '2026-06-30'],
    ['2026-08-31', '2026-09-30', '2026-11-30'],
    ['2026-10-31', '2026-11-30', '2027-01-31'],
    ['2026-11-30', '2026-12-30', '2027-02-28'],
    ['2026-12-31', '2027-01-31', '2027-03-31'], // across the year
    ['2027-11-30', '2027-12-30', '2028-02-29'], // extension lands on a leap day
    ['2026-02-28', '2026-03-28', '2026-05-28'],
  ])('received %s → due %s, extended %s', (received, due, extended) => {
    expect(day(dueDate(d(received), 'gdpr', false))).toBe(due);
    expect(day(dueDate(d(received), 'gdpr', true))).toBe(extended);
    expect(acknowledgeBy(d(received), 'gdpr')).toBeUndefined();
  });

  it('keeps the time of day of receipt', () => {
    expect(dueDate(new Date('2026-01-31T17:45:00Z'), 'gdpr', false).toISOString()).toBe('2026-02-28T17:45:00.000Z');
  });
});

describe('CCPA: 45 days (+45), acknowledgement within 10 business days', () => {
  it.each([
    // received,    due,          extended,     acknowledge by (Mon–Fri; holidays not counted out)
    ['2026-01-05', '2026-02-19', '2026-04-05', '2026-01-19'], // a Monday → two weeks later, Monday
    ['2026-01-09', '2026-02-23', '2026-04-09', '2026-01-23'], // a Friday
    ['2026-01-10', '2026-02-24', '2026-04-10', '2026-01-23'], // a Saturday: counting starts Monday
    ['2026-01-11', '2026-02-25', '2026-04-11', '2026-01-23'], // a Sunday
    ['2026-12-24', '2027-02-07', '2027-03-24', '2027-01-07'], // across the year; Christmas counts (no holidays)
    ['2028-02-01', '2028-03-17', '2028-05-01', '2028-02-15'], // leap February
  ])('received %s → due %s, extended %s, acknowledge by %s', (received, due, extended, ack) => {
    expect(day(dueDate(d(received), 'ccpa', false))).toBe(due);
    expect(day(dueDate(d(received), 'ccpa', true))).toBe(extended);
    expect(day(acknowledgeBy(d(received), 'ccpa'))).toBe(ack);
  });
});

describe('calendar helpers', () => {
  it('addCalendarMonths clamps to the month end and goes backwards too', () => {
    expect(day(addCalendarMonths(d('2026-03-31'), -1))).toBe('2026-02-28');
    expect(day(addCalendarMonths(d('2026-01-31'), 13))).toBe('2027-02-28');
    expect(day(addCalendarMonths(d('2026-05-15'), 0))).toBe('2026-05-15');
  });

  it('addCalendarMonths: never overflows into the next month, and keeps the day when it can', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01'), max: new Date('2400-01-01'), noInvalidDate: true }), fc.integer({ min: -36, max: 36 }), (date, n) => {
        const out = addCalendarMonths(date, n);
        const months = (out.getUTCFullYear() - date.getUTCFullYear()) * 12 + out.getUTCMonth() - date.getUTCMonth();
        expect(months).toBe(n);
        expect(out.getUTCDate()).toBeLessThanOrEqual(date.getUTCDate());
        if (out.getUTCDate() < date.getUTCDate()) {
          // clamped: it is the last day of its month
          expect(new Date(out.getTime() + 86_400_000).getUTCDate()).toBe(1);
        }
        expect(out.getUTCHours()).toBe(date.getUTCHours());
      }),
    );
  });

  it('addBusinessDays: lands on a weekday, 5 business days are a week from a weekday', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), fc.integer({ min: 1, max: 30 }), (date, n) => {
        const out = addBusinessDays(date, n);
        expect([0, 6]).not.toContain(out.getUTCDay());
        if (date.getUTCDay() !== 0 && date.getUTCDay() !== 6) {
          expect(daysUntil(addBusinessDays(date, 5), date)).toBe(7);
        }
      }),
    );
    expect(day(addBusinessDays(d('2026-01-02'), 0))).toBe('2026-01-02');
  });

  it('urgency: overdue after the due day, due soon within a week', () => {
    const due = new Date('2026-02-28T09:00:00Z');
    expect(urgency(due, new Date('2026-02-28T23:00:00Z'))).toEqual({ days: 0, urgency: 'due-soon' });
    expect(urgency(due, new Date('2026-03-01T00:00:01Z'))).toEqual({ days: -1, urgency: 'overdue' });
    expect(urgency(due, new Date('2026-02-21T00:00:00Z'))).toEqual({ days: 7, urgency: 'due-soon' });
    expect(urgency(due, new Date('2026-02-20T00:00:00Z'))).toEqual({ days: 8, urgency: 'ok' });
  });
});

describe('parseDateArg', () => {
  it('accepts real dates as UTC midnight', () => {
    expect(parseDateArg('--received', '2028-02-29').toISOString()).toBe('2028-02-29T00:00:00.000Z');
    expect(parseDateArg('--received', ' 2026-01-31 ').toISOString()).toBe('2026-01-31T00:00:00.000Z');
  });

  it.each(['2026-02-30', '2027-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '26-01-01', '2026/01/01', 'yesterday', ''])(
    'refuses %j with a usage error naming the flag',
    (value) => {
      expect(() => parseDateArg('--received', value)).toThrow(UsageError);
      expect(() => parseDateArg('--received', value)).toThrow(/^--received: /);
    },
  );
});
