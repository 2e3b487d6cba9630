import type { LimiterClock } from '../../src/zoom/limiter.js';
import type { Clock } from '../../src/zoom/retry.js';

/**
 * A virtual clock for the retry policy and the rate limiter: whenever code waits, time jumps
 * forward by the wait at once. Tests never wait on the wall clock, and can still check how long
 * zdsar *would* have waited (`slept`, `elapsed`).
 */
export function virtualClock(start = Date.now()) {
  let now = start;
  const slept: number[] = [];
  const clock: Clock & LimiterClock = {
    now: () => now,
    random: () => 0.5,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      slept.push(ms);
      now += Math.max(0, ms);
      await new Promise((r) => setImmediate(r));
      signal?.throwIfAborted();
    },
    setTimeout: (fn, ms) => {
      const at = now + ms;
      return setImmediate(() => {
        now = Math.max(now, at);
        fn();
      });
    },
    clearTimeout: (h) => clearImmediate(h as NodeJS.Immediate),
  };
  return { clock, slept, elapsed: () => now - start };
}

/** A port on 127.0.0.1 that nothing listens on (taken, then released). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
