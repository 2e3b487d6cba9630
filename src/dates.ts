/**
 * Date arithmetic, in one place. Days are calendar days in UTC; a "day" string is YYYY-MM-DD.
 * Used by the ledger's legal deadlines and by the Zoom layer's date windows alike.
 */

export const DAY_MS = 86_400_000;

/** "YYYY-MM-DD" of a date, in UTC. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * "YYYY-MM-DD" → that day at 00:00 UTC. A RangeError names the value when it is not in that form,
 * or is not a day on the calendar (2026-02-30).
 */
export function parseIsoDay(s: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) throw new RangeError(`"${s}" is not a date in the form YYYY-MM-DD`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) throw new RangeError(`"${s}" is not a date on the calendar`);
  return date;
}

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/** The same day `n` months later (or earlier), clamped to the last day of the target month (31 Jan + 1 = 28/29 Feb); time of day kept. */
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

/**
 * The first day (YYYY-MM-DD) safely within "the past `months` months" of the day of `nowMs`, as Zoom
 * may count them (its specs say "six months" and no more). Counting back from a month end has two
 * readings: the same day clamped to the shorter month (31 Aug − 6 → 28 Feb, as addCalendarMonths) or
 * rolled over into the next one (31 Aug − 6 → "31 Feb" = 3 Mar, as a Date's month arithmetic does).
 * The later of the two is taken, then `marginDays` more for Zoom's clock, so either reading accepts it.
 */
export function earliestWithinMonths(nowMs: number, months: number, marginDays: number): string {
  const today = parseIsoDay(isoDay(new Date(nowMs)));
  const clamped = addCalendarMonths(today, -months);
  const rolled = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - months, today.getUTCDate()));
  const later = clamped > rolled ? clamped : rolled;
  return isoDay(addDays(later, marginDays));
}

/** Days kept inside Zoom's "past six months" for Zoom's clock (earliestWithinMonths). */
export const SIX_MONTH_MARGIN_DAYS = 2;

/** The first day safely within Zoom's past six months, counted from the run's clock (not the day a request was received). */
export function sixMonthsFrom(nowMs: number): string {
  return earliestWithinMonths(nowMs, 6, SIX_MONTH_MARGIN_DAYS);
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

/** Whole calendar days (UTC) from `now` to `due`: 0 on the due day, negative once it has passed. */
export function daysUntil(due: Date, now: Date): number {
  const a = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const b = Date.UTC(due.getUTCFullYear(), due.getUTCMonth(), due.getUTCDate());
  return Math.round((b - a) / DAY_MS);
}
