import { describe, expect, it } from 'vitest';
import { CategoryGate, type LimiterClock } from '../../src/zoom/limiter.js';

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

/** A clock the test advances by hand: no test waits on the wall clock. */
function fakeClock() {
  let now = 0;
  const timers: Array<{ at: number; fn: () => void; id: number }> = [];
  let ids = 0;
  const clock: LimiterClock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const t = { at: now + ms, fn, id: ++ids };
      timers.push(t);
      return t.id;
    },
    clearTimeout: (id) => {
      const i = timers.findIndex((t) => t.id === id);
      if (i >= 0) timers.splice(i, 1);
    },
  };
  const advance = async (ms: number) => {
    const end = now + ms;
    await flush();
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      const t = timers[0];
      if (!t || t.at > end) break;
      timers.shift();
      now = t.at;
      t.fn();
      await flush();
    }
    now = end;
    await flush();
  };
  return { clock, advance };
}

describe('CategoryGate', () => {
  it('never starts more than the limit within any window', async () => {
    const { clock, advance } = fakeClock();
    const gate = new CategoryGate('medium', { limit: 5, windowMs: 1000 }, clock, 1);
    const starts: number[] = [];
    const all = Array.from({ length: 17 }, () => gate.acquire().then(() => starts.push(clock.now())));
    await advance(5000);
    await Promise.all(all);
    expect(starts).toHaveLength(17);
    for (let i = 5; i < starts.length; i++) expect(starts[i]! - starts[i - 5]!).toBeGreaterThanOrEqual(1000);
    // It uses the limit: 5 per second sustained (the 17th start at 3.2 s: after a burst of half the
    // window, grants are spaced 200 ms apart so they do not reach Zoom in one clump).
    expect(starts[16]).toBe(3200);
    expect(starts.slice(0, 5)).toEqual([0, 0, 0, 200, 400]);
  });

  it('pauses after a 429 and lets retries go first', async () => {
    const { clock, advance } = fakeClock();
    const gate = new CategoryGate('light', { limit: 100, windowMs: 1000 }, clock, 1);
    gate.pause(500);
    const order: string[] = [];
    const a = gate.acquire().then(() => order.push('new'));
    const b = gate.acquire(undefined, true).then(() => order.push('retry'));
    await advance(499);
    expect(order).toEqual([]);
    await advance(2);
    await Promise.all([a, b]);
    expect(order).toEqual(['retry', 'new']);
    expect(gate.stretch).toBeGreaterThan(1);
  });

  it('a burst of 429s slows the pace once, and quiet windows give it back', async () => {
    const { clock, advance } = fakeClock();
    const gate = new CategoryGate('medium', { limit: 10, windowMs: 1000 }, clock, 1);
    for (let i = 0; i < 12; i++) gate.pause(300); // twelve requests in flight hear the same 429
    expect(gate.stretch).toBeCloseTo(1.05);
    await advance(5000);
    await gate.acquire();
    expect(gate.stretch).toBe(1);
  });

  it('rejects waiting callers when aborted', async () => {
    const { clock } = fakeClock();
    const gate = new CategoryGate('heavy', { limit: 1, windowMs: 1000 }, clock, 1);
    await gate.acquire();
    const ac = new AbortController();
    const p = gate.acquire(ac.signal);
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
    expect(gate.waiting).toBe(0);
  });
});
