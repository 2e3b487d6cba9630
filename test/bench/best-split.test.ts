import { describe, expect, it } from 'vitest';

type Entry = { method: string; path: string; category?: string; status: number };
type Split = { rateTermS: number; bindingCategory: string | null; participantsReads: Record<string, number> };
// bench/lib.js is plain JavaScript (the bench runs without a build step).
const lib = '../../bench/lib.js';
const { bestSplit } = (await import(lib)) as { bestSplit: (entries: Entry[], byTable: Record<string, number>) => Split };

const tables = (counts: Record<string, number>) => ({ Light: 0, Medium: 0, Heavy: 0, 'Resource-intensive': 0, 'Phone Light': 0, 'Phone Medium': 0, 'Phone Heavy': 0, 'Phone Resource-intensive': 0, 'CC Light': 0, 'CC Medium': 0, 'CC Heavy': 0, 'CC Resource-intensive': 0, ...counts });
const reads = (n: number, path: string, category: string): Entry[] => Array.from({ length: n }, (_, i) => ({ method: 'GET', path: path.replace('ID', `m${i}`), category, status: 200 }));

describe('bench: the bound of the best split between equivalent reads (issue 30)', () => {
  it('moves participants reads between the report (Heavy, 40/s) and the past list (Medium, 60/s) until both finish together', () => {
    // 400 report reads on Heavy and nothing else; 100 other Medium requests. Alone: Heavy binds at 10 s.
    const entries = [...reads(400, '/v2/report/meetings/ID/participants', 'Heavy'), ...reads(100, '/v2/users/ID/meetings', 'Medium')];
    const s = bestSplit(entries, tables({ Heavy: 400, Medium: 100 }));
    // (0 + x) / 40 = (100 + 400 − x) / 60 → x = 200: both at 5 s.
    expect(s.participantsReads).toEqual({ Heavy: 200, Medium: 200 });
    expect(s.rateTermS).toBe(5);
  });

  it('counts webinars and the past lists too, and never moves other reads or a 429', () => {
    const entries = [
      ...reads(60, '/v2/past_webinars/ID/participants', 'Medium'),
      ...reads(60, '/v2/past_meetings/ID/participants', 'Medium'),
      { method: 'GET', path: '/v2/report/meetings/x/participants', category: 'Heavy', status: 429 },
      ...reads(800, '/v2/phone/users/ID/call_history', 'Medium'),
    ];
    const s = bestSplit(entries, tables({ Medium: 120, 'Phone Medium': 800 }));
    // Phone Medium binds (800 / 20 = 40 s) whatever the split: the bound is its.
    expect(s.bindingCategory).toBe('Phone Medium');
    expect(s.rateTermS).toBe(40);
    expect(s.participantsReads.Heavy! + s.participantsReads.Medium!).toBe(120);
  });

  it("names Contact Center's own table when it binds (Business+: 20 Medium a second)", () => {
    const s = bestSplit(reads(30, '/v2/users/ID/meetings', 'Medium'), tables({ Medium: 30, 'CC Medium': 500 }));
    expect(s.bindingCategory).toBe('CC Medium');
    expect(s.rateTermS).toBe(25);
  });
});
