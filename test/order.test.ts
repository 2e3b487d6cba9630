import { describe, expect, it } from 'vitest';
import { fmtNum } from '../src/dsar/report/index.js';
import { byCodeUnits } from '../src/order.js';

describe('text order and counts that do not depend on the machine (src/order.ts, the report\'s fmtNum)', () => {
  it('orders by code units, whatever the locale: upper case before lower, "-" before "." before "_"', () => {
    const paths = ['subjects/b.json', 'subjects/B.json', 'subjects/a_b.json', 'subjects/a-b.json', 'subjects/a.b.json', 'subjects/10.json', 'subjects/9.json'];
    expect([...paths].sort(byCodeUnits)).toEqual(['subjects/10.json', 'subjects/9.json', 'subjects/B.json', 'subjects/a-b.json', 'subjects/a.b.json', 'subjects/a_b.json', 'subjects/b.json']);
    expect([...paths].sort(byCodeUnits)).toEqual([...paths].sort());
    expect(byCodeUnits('x', 'x')).toBe(0);
  });

  it('groups a count by thousands and shows a fraction as given, without rounding it', () => {
    expect(fmtNum(0)).toBe('0');
    expect(fmtNum(999)).toBe('999');
    expect(fmtNum(1000)).toBe('1,000');
    expect(fmtNum(1234567)).toBe('1,234,567');
    expect(fmtNum(-1234)).toBe('-1,234');
    expect(fmtNum(1234.5678)).toBe('1,234.5678');
    expect(fmtNum(0.0001)).toBe('0.0001');
    expect(fmtNum(1e21)).toBe('1e+21');
    expect(fmtNum(Number.NaN)).toBe('NaN');
  });
});
