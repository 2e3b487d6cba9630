/**
 * Windows Zoom refuses as older than it serves (collect.ts collectList, errors.ts isOutsideServedWindow): on a
 * list whose spec states no six-month limit (the account's call recordings), a 400 code 300 on a window that
 * starts before Zoom's past six months is Zoom keeping the limit: refused, quoted, the coverage starting after
 * it. The same answer on a window within the six months is a failure, and so is any other error on an old one.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { describe, expect, it } from 'vitest';
import { collectList, type CollectEnv, type Coverage } from '../../src/dsar/collect.js';
import { ZoomApiError } from '../../src/zoom/errors.js';

type Rec = Record<string, unknown>;

function env(): CollectEnv {
  return { client: undefined as never, limit: pLimit(2), signal: new AbortController().signal, today: '2026-12-06', range: {}, progress: async () => {}, settled: {} };
}
const refusal = () => new ZoomApiError({ status: 400, code: 300, message: 'Validation failed. You provided an incorrect value for the template type.', method: 'GET', path: '/phone/recordings', template: '/phone/recordings' });
const serverError = () => new ZoomApiError({ status: 500, code: 0, message: 'Internal error', method: 'GET', path: '/phone/recordings', template: '/phone/recordings' });

/** A window unit answering `rows` records or throwing `error`. */
function unit(from: string, to: string, answer: number | (() => Error), beyondSixMonths = false) {
  return {
    key: `${from}_${to}`,
    ...(beyondSixMonths ? { beyondSixMonths } : {}),
    items: async function* (): AsyncGenerator<Rec> {
      if (typeof answer !== 'number') throw answer();
      for (let i = 0; i < answer; i++) yield { id: `${from}-${i}` };
    },
  };
}
const whole: Coverage = { from: '2025-10-06', to: '2026-12-06', why: 'the whole history' };
const recent = [unit('2026-11-07', '2026-12-06', 2), unit('2026-10-07', '2026-11-06', 1), unit('2026-06-08', '2026-07-06', 1)];
const collect = (units: ReturnType<typeof unit>[]) => {
  const dir = mkdtempSync(join(tmpdir(), 'zdsar-refused-'));
  return collectList(env(), 'phone_recordings', units, (r) => String(r.id), dir, join(dir, '.work'), whole);
};

describe('windows Zoom refuses as older than it serves', () => {
  it('400 code 300 on windows older than six months: done, covering from the day after the newest refused, the answer quoted', async () => {
    const r = await collect([...recent, unit('2026-05-07', '2026-06-07', refusal, true), unit('2026-04-07', '2026-05-06', refusal, true)]);
    expect(r.status).toBe('done');
    expect(r.records).toBe(4);
    expect(r.coverage).toMatchObject({ from: '2026-06-08', to: '2026-12-06', limit: 'zoom', refused: ['2026-04-07 to 2026-05-06', '2026-05-07 to 2026-06-07'], refused_answer: '400 code 300 "Validation failed. You provided an incorrect value for the template type."' });
    expect(r.note).toMatch(/^Covers 2026-06-08 to 2026-12-06: .*Zoom refused 2026-04-07 to 2026-05-06, 2026-05-07 to 2026-06-07 as outside what it serves \(it answered 400 code 300 "Validation failed/);
  });

  it('the same 400 code 300 on a window within the six months is a failure, not hidden by the refusals of older ones', async () => {
    const r = await collect([unit('2026-11-07', '2026-12-06', refusal), ...recent.slice(1), unit('2026-05-07', '2026-06-07', refusal, true)]);
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/Validation failed/);
  });

  it('any other error on an old window is a failure', async () => {
    const r = await collect([...recent, unit('2026-05-07', '2026-06-07', serverError, true)]);
    expect(r.status).toBe('failed');
  });

  it('every window answered: the whole range, nothing refused', async () => {
    const r = await collect([...recent, unit('2026-05-07', '2026-06-07', 3, true)]);
    expect(r.status).toBe('done');
    expect(r.records).toBe(7);
    expect(r.coverage).toEqual(whole);
  });
});
