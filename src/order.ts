/**
 * Text order that is the same on every machine: by UTF-16 code units, as `Array.prototype.sort` does.
 * `localeCompare` orders by the machine's locale (a manifest sorted under one `LANG` would differ from
 * the same package's under another) and loads ICU's collation tables, about 3 MB of resident memory.
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A count as people read it: 1234567 → "1,234,567". Fractions are shown as given (no rounding), and
 * without `toLocaleString`, which loads ICU's number formats (about 5 MB of resident memory).
 */
export function groupedNumber(n: number): string {
  const s = String(n);
  return /^-?\d+/.test(s) && !/e/i.test(s) ? s.replace(/^(-?)(\d+)/, (_, sign: string, int: string) => sign + int.replace(/\B(?=(\d{3})+$)/g, ',')) : s;
}
