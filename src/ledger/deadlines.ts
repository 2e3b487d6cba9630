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
import { addBusinessDays, addCalendarMonths, addDays, daysUntil, parseIsoDay } from '../dates.js';
import { UsageError } from '../errors.js';

// The date arithmetic lives in src/dates.ts; re-exported for the ledger's callers.
export { addBusinessDays, addCalendarMonths, addDays, daysUntil, isoDay } from '../dates.js';

export type Regime = 'gdpr' | 'ccpa';
export const REGIMES: readonly Regime[] = ['gdpr', 'ccpa'];

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

export const DUE_SOON_DAYS = 7;

export type Urgency = 'overdue' | 'due-soon' | 'ok';

/** How pressing an open request is: overdue after its due day, due soon within DUE_SOON_DAYS. */
export function urgency(due: Date, now: Date): { days: number; urgency: Urgency } {
  const days = daysUntil(due, now);
  return { days, urgency: days < 0 ? 'overdue' : days <= DUE_SOON_DAYS ? 'due-soon' : 'ok' };
}

/** Parse a `YYYY-MM-DD` flag value as a UTC date; an impossible date (2026-02-30) is a usage error naming the flag. */
export function parseDateArg(flag: string, value: string): Date {
  try {
    return parseIsoDay(value.trim());
  } catch (e) {
    throw new UsageError(`${flag}: ${(e as Error).message}`, 'Use YYYY-MM-DD, e.g. 2026-01-31.');
  }
}

export function parseRegime(flag: string, value: string): Regime {
  const v = value.trim().toLowerCase();
  if ((REGIMES as readonly string[]).includes(v)) return v as Regime;
  throw new UsageError(`${flag}: must be ${REGIMES.join(' or ')} (got "${value}")`);
}
