/**
 * Legal deadlines of a data subject request. Pure functions; all dates are taken in UTC.
 *
 * GDPR (Art. 12(3)): answer "within one month of receipt", extendable "by two further months".
 *   One month is the same day of the next month, clamped to the month's end
 *   (31 January → 28 February, or 29 February in a leap year); the extended deadline is
 *   three calendar months from receipt (31 January → 30 April).
 * CCPA (Cal. Code Regs. tit. 11 §7021): confirm receipt within 10 business days and
 *   answer within 45 calendar days, extendable once by another 45 (90 in all).
 *   Business days are Monday to Friday: public holidays are NOT counted out, so the
 *   acknowledgement date is, if anything, a day or two early (the safe side).
 * Neither regime's deadline is moved off a weekend here, for the same reason.
 */
import { UsageError } from '../errors.js';

export type Regime = 'gdpr' | 'ccpa';
export const REGIMES: readonly Regime[] = ['gdpr', 'ccpa'];

const DAY_MS = 86_400_000;

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/** The same day `n` months later (or earlier), clamped to the last day of the target month; time of day kept. */
export function addCalendarMonths(date: Date, n: number): Date {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + n;
  const targetYear = y + Math.floor(m / 12);
  const targetMonth = ((m % 12) + 12) % 12;
  const day = Math.min(date.getUTCDate(), daysInMonth(targetYear, targetMonth));
  const out = new Date(date.getTime());
  out.setUTCFullYear(targetYear, targetMonth, day);
  return out;
}

export function addDays(date: Date, n: number): Date {
  return new Date(date.getTime() + n * DAY_MS);
}

/** `n` business days (Monday–Friday) after `date`; public holidays are not known and count as business days. */
export function addBusinessDays(date: Date, n: number): Date {
  let d = new Date(date.getTime());
  let left = n;
  while (left > 0) {
    d = addDays(d, 1);
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) left--;
  }
  return d;
}

/** The legal deadline for the answer. */
export function dueDate(received: Date, regime: Regime, extended: boolean): Date {
  if (regime === 'gdpr') return addCalendarMonths(received, extended ? 3 : 1);
  return addDays(received, extended ? 90 : 45);
}

/** The date by which receipt must be confirmed (CCPA only; GDPR has no separate acknowledgement). */
export function acknowledgeBy(received: Date, regime: Regime): Date | undefined {
  return regime === 'ccpa' ? addBusinessDays(received, 10) : undefined;
}

/** What an extension adds, for messages. */
export function extensionText(regime: Regime): string {
  return regime === 'gdpr' ? 'two further months' : '45 more days';
}

/** Whole calendar days (UTC) from `now` to `due`: 0 on the due day, negative once it has passed. */
export function daysUntil(due: Date, now: Date): number {
  const a = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const b = Date.UTC(due.getUTCFullYear(), due.getUTCMonth(), due.getUTCDate());
  return Math.round((b - a) / DAY_MS);
}

export const DUE_SOON_DAYS = 7;

export type Urgency = 'overdue' | 'due-soon' | 'ok';

/** How pressing an open request is: overdue after its due day, due soon within DUE_SOON_DAYS. */
export function urgency(due: Date, now: Date): { days: number; urgency: Urgency } {
  const days = daysUntil(due, now);
  return { days, urgency: days < 0 ? 'overdue' : days <= DUE_SOON_DAYS ? 'due-soon' : 'ok' };
}

/** "YYYY-MM-DD" (UTC). */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Parse a `YYYY-MM-DD` flag value as a UTC date; an impossible date (2026-02-30) is a usage error naming the flag. */
export function parseDateArg(flag: string, value: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const date = new Date(Date.UTC(y, mo - 1, d));
    if (date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d) return date;
    throw new UsageError(`${flag}: "${value}" is not a date on the calendar`, 'Use YYYY-MM-DD, e.g. 2026-01-31.');
  }
  throw new UsageError(`${flag}: "${value}" is not a date in the form YYYY-MM-DD`, 'Use YYYY-MM-DD, e.g. 2026-01-31.');
}

export function parseRegime(flag: string, value: string): Regime {
  const v = value.trim().toLowerCase();
  if ((REGIMES as readonly string[]).includes(v)) return v as Regime;
  throw new UsageError(`${flag}: must be ${REGIMES.join(' or ')} (got "${value}")`);
}
