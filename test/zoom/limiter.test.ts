import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CategoryGate, RateLimiter, type LimiterClock } from '../../src/zoom/limiter.js';
import { operation } from '../../src/zoom/route.js';
import { ZoomRateLimitError } from '../../src/zoom/errors.js';

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

/**
 * A Zoom that counts each request when it arrives, in an exact sliding window, and a network
 * whose latencies the test chooses: `toZoom` ms before the request is counted, `back` ms before
 * the answer reaches zdsar. Returns the arrival times, for checking every window.
 */
function simulate(gate: CategoryGate, clock: LimiterClock, n: number, latency: (i: number) => { toZoom: number; back: number }) {
  const arrivals: number[] = [];
  const done = Array.from({ length: n }, (_, i) =>
    gate.acquire().then(
      (release) =>
        new Promise<void>((resolve) => {
          const { toZoom, back } = latency(i);
          clock.setTimeout(() => {
            arrivals.push(clock.now());
            clock.setTimeout(() => {
              release();
              resolve();
            }, back);
          }, toZoom);
        }),
    ),
  );
  return { arrivals, done: Promise.all(done) };
}

/** The most arrivals in any window of `windowMs` (Zoom's count). */
function busiest(arrivals: number[], windowMs: number): number {
  const a = [...arrivals].sort((x, y) => x - y);
  let best = 0;
  for (let i = 0, j = 0; j < a.length; j++) {
    while (a[j]! - a[i]! >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

describe('CategoryGate', () => {
  const draws = fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 40, maxLength: 40 });

  /** Zoom's busiest window when 40 requests go through a gate of `limit` (after a 429 when `noLead`). */
  async function busiestOf(limit: number, latency: (i: number) => { toZoom: number; back: number }, noLead = false): Promise<number> {
    const { clock, advance } = fakeClock();
    const gate = new CategoryGate('medium', { limit, windowMs: 1000 }, clock);
    if (noLead) gate.pause(0);
    const run = simulate(gate, clock, 40, latency);
    await advance(120_000);
    await run.done;
    expect(run.arrivals).toHaveLength(40);
    return busiest(run.arrivals, 1000);
  }

  it('after a 429 (no lead assumed), never lets Zoom count more than the limit in a window, whatever the latency', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 400 }), draws, async (limit, minToZoom, spread, maxBack, d) => {
        expect(await busiestOf(limit, (i) => ({ toZoom: minToZoom + d[i]![0] * spread, back: d[i]![1] * maxBack }), true)).toBeLessThanOrEqual(limit);
      }),
      { numRuns: 150 },
    );
  });

  it('with its lead, never over the limit when every request travels at least half the quickest round trip before Zoom counts it', async () => {
    await fc.assert(
      // toZoom in [m, 1.5 m] and back in [0, m / 2]: the quickest round trip is at most 2 m.
      fc.asyncProperty(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 200 }), draws, async (limit, minToZoom, d) => {
        expect(await busiestOf(limit, (i) => ({ toZoom: minToZoom * (1 + d[i]![0] / 2), back: (d[i]![1] * minToZoom) / 2 }))).toBeLessThanOrEqual(limit);
      }),
      { numRuns: 150 },
    );
  });

  it('uses the limit: the pace is limit per (window + round trip - lead)', async () => {
    const { clock, advance } = fakeClock();
    const gate = new CategoryGate('medium', { limit: 20, windowMs: 1000 }, clock);
    // Zoom's sandbox: 80-150 ms before the request is counted, the answer straight back.
    const run = simulate(gate, clock, 400, (i) => ({ toZoom: 80 + ((i * 37) % 71), back: 0 }));
    await advance(60_000);
    await run.done;
    expect(busiest(run.arrivals, 1000)).toBeLessThanOrEqual(20);
    expect(gate.lead).toBe(40);
    // 400 requests at 20 per (1000 + 115 - 40) ms: about 21.5 s; a window of send times stretched for
    // the whole 70 ms spread would need 21.4 s and still risk a 429, one holding each place for
    // window + round trip 22.3 s.
    const last = Math.max(...run.arrivals);
    expect(last).toBeGreaterThan(19_000);
    expect(last).toBeLessThan(22_000);
  });

  it('a 429 pauses the category, lets retries go first, and stops assuming a lead', async () => {
    const { clock, advance } = fakeClock();
    const gate = new CategoryGate('light', { limit: 100, windowMs: 1000 }, clock);
    (await gate.acquire())();
    await advance(100);
    expect(gate.lead).toBe(0); // the quickest round trip was 0 ms
    gate.pause(500);
    const order: string[] = [];
    const a = gate.acquire().then(() => order.push('new'));
    const b = gate.acquire(undefined, true).then(() => order.push('retry'));
    await advance(399);
    expect(order).toEqual([]);
    await advance(2);
    await Promise.all([a, b]);
    expect(order).toEqual(['retry', 'new']);
    expect(gate.throttled).toBe(1);
  });

  it('after a 429 a place is held for a whole window after its answer', async () => {
    const { clock, advance } = fakeClock();
    const gate = new CategoryGate('heavy', { limit: 1, windowMs: 1000 }, clock);
    const first = await gate.acquire();
    await advance(100);
    first(); // answered after 100 ms: the lead becomes 50 ms
    first(); // a second release changes nothing
    expect(gate.lead).toBe(50);
    let second = 0;
    const p = gate.acquire().then((r) => {
      second = clock.now();
      r();
    });
    await advance(1000);
    await p;
    expect(second).toBe(1050); // 100 + 1000 - 50
    gate.pause(0);
    expect(gate.lead).toBe(0);
    let third = 0;
    const q = gate.acquire().then(() => (third = clock.now()));
    await advance(2000);
    await q;
    expect(third).toBe(2050); // its answer at 1050, plus the whole window
  });

  it("one way to Zoom for every gate: a gate that saw only slow round trips assumes the lead of the quickest of all, and a 429 on any gate ends it for all", async () => {
    const { clock, advance } = fakeClock();
    const limiter = new RateLimiter('business', { clock });
    const main = limiter.gate('medium');
    const cc = limiter.gate('heavy', 'contact_center');
    // Contact Center's few requests were all slowed at our end (180 ms); the main API's answered in 30 ms.
    const slow = await cc.acquire();
    await advance(180);
    slow();
    expect(cc.lead).toBe(90);
    const quick = await main.acquire();
    await advance(30);
    quick();
    // Half of 180 would assume Zoom counts 90 ms after the send, when the way there can be 15 ms.
    expect(cc.lead).toBe(15);
    expect(main.lead).toBe(15);
    limiter.gate('light', 'phone').pause(0);
    expect(cc.lead).toBe(0);
    expect(main.lead).toBe(0);
    expect(main.throttled).toBe(0); // only the gate that drew the 429 is paused
  });

  it('rejects waiting callers when aborted', async () => {
    const { clock } = fakeClock();
    const gate = new CategoryGate('heavy', { limit: 1, windowMs: 1000 }, clock);
    await gate.acquire();
    const ac = new AbortController();
    const p = gate.acquire(ac.signal);
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
    expect(gate.waiting).toBe(0);
  });
});

describe('RateLimiter.first (equivalent reads on different gates)', () => {
  const past = operation('GET', '/past_meetings/{meetingId}/participants'); // Medium: 60/s on Business
  const report = operation('GET', '/report/meetings/{meetingId}/participants'); // Heavy: 40/s
  const daily = () => new ZoomRateLimitError({ status: 429, code: 429, message: 'daily', method: 'GET', path: '/x' }, 'daily', undefined);

  it('takes a place at whichever gate has room, the first read on a tie', async () => {
    const { clock } = fakeClock();
    const limiter = new RateLimiter('business', { clock });
    expect([past.category, report.category]).toEqual(['medium', 'heavy']);
    const a = await limiter.first([past, report]);
    expect(a.read).toBe(past);
    // Medium's window full: the report, at once.
    const medium = Array.from({ length: 59 }, () => limiter.gate('medium').acquire());
    await flush();
    const b = await limiter.first([past, report]);
    expect(b.read).toBe(report);
    expect(limiter.gate('medium').granted + limiter.gate('heavy').granted).toBe(61);
    void medium;
  });

  it("waits while others wait at both gates, and is served after them by the gate that frees first, once", async () => {
    const { clock, advance } = fakeClock();
    const limiter = new RateLimiter('business', { clock, limits: { medium: { limit: 2, windowMs: 1000 }, heavy: { limit: 1, windowMs: 1000 } } });
    const order: string[] = [];
    const own = (cat: 'medium' | 'heavy', name: string) =>
      limiter.gate(cat).acquire().then((r) => {
        order.push(name);
        return r;
      });
    const held = [await own('medium', 'm1'), await own('medium', 'm2'), await own('heavy', 'h1')];
    const queued = [own('medium', 'm3'), own('heavy', 'h2')];
    let got: { read: typeof past; release: () => void } | undefined;
    const spare = limiter.first([past, report]).then((x) => {
      order.push(x.read === past ? 'spare@medium' : 'spare@heavy');
      got = x;
    });
    await flush();
    expect(got).toBeUndefined();
    // Heavy's answer comes first: its own waiter h2 goes before the spare, which then waits for the next place.
    held[2]!();
    await advance(1000);
    expect(order).toEqual(['m1', 'm2', 'h1', 'h2']);
    // Medium answers: m3 first (nobody else waited before it), then the spare at Medium, never at both.
    held[0]!();
    held[1]!();
    await advance(1000);
    await spare;
    await Promise.all(queued);
    expect(order.slice(4)).toEqual(['m3', 'spare@medium']);
    const heavyBefore = limiter.gate('heavy').granted;
    (await queued[1]!)();
    await advance(2000);
    expect(limiter.gate('heavy').granted).toBe(heavyBefore);
    expect(limiter.gate('heavy').waiting).toBe(0);
    got!.release();
  });

  it('goes on at the other gate when one is blocked by a daily limit, and fails with it when both are', async () => {
    const { clock, advance } = fakeClock();
    const limiter = new RateLimiter('business', { clock, limits: { medium: { limit: 1, windowMs: 1000 }, heavy: { limit: 1, windowMs: 1000 } } });
    const m = await limiter.gate('medium').acquire();
    const h = await limiter.gate('heavy').acquire();
    const one = limiter.first([past, report]);
    limiter.gate('heavy').block(daily());
    h();
    m();
    await advance(1000);
    expect((await one).read).toBe(past);
    limiter.gate('medium').block(daily());
    await expect(limiter.first([past, report])).rejects.toThrow('daily');
  });

  it('gives up when the run is stopped, and is then granted nowhere', async () => {
    const { clock, advance } = fakeClock();
    const limiter = new RateLimiter('business', { clock, limits: { medium: { limit: 1, windowMs: 1000 }, heavy: { limit: 1, windowMs: 1000 } } });
    const m = await limiter.gate('medium').acquire();
    const h = await limiter.gate('heavy').acquire();
    const stop = new AbortController();
    const p = limiter.first([past, report], stop.signal);
    stop.abort(new Error('stopped'));
    await expect(p).rejects.toThrow('stopped');
    m();
    h();
    await advance(2000);
    expect(limiter.gate('medium').granted + limiter.gate('heavy').granted).toBe(2);
  });

  it('counts a read of Zoom Phone on Phone\'s own gates', async () => {
    const { clock } = fakeClock();
    const limiter = new RateLimiter('business', { clock });
    const phone = operation('GET', '/phone/users/{userId}/call_history');
    expect(limiter.gateFor(phone)).toBe(limiter.gate(phone.category, 'phone'));
  });
});

