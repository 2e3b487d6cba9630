import type { Plan } from '../config.js';
import type { RateCategory } from './categories.generated.js';
import { ZoomRateLimitError } from './errors.js';

export interface CategoryLimit {
  limit: number;
  windowMs: number;
}

/** Zoom's per-account limits by plan (shared/zoom-api/README.md; developers.zoom.us/docs/api/rate-limits). */
export const PLAN_LIMITS: Record<Plan, Record<RateCategory, CategoryLimit>> = {
  free: { light: { limit: 4, windowMs: 1000 }, medium: { limit: 2, windowMs: 1000 }, heavy: { limit: 1, windowMs: 1000 }, resource: { limit: 10, windowMs: 60_000 } },
  pro: { light: { limit: 30, windowMs: 1000 }, medium: { limit: 20, windowMs: 1000 }, heavy: { limit: 10, windowMs: 1000 }, resource: { limit: 10, windowMs: 60_000 } },
  business: { light: { limit: 80, windowMs: 1000 }, medium: { limit: 60, windowMs: 1000 }, heavy: { limit: 40, windowMs: 1000 }, resource: { limit: 20, windowMs: 60_000 } },
};

/**
 * Zoom Phone's own table (the same rate-limits page): Phone calls are counted apart from the main API.
 * Zoom publishes it for Pro and Business+; Phone needs a paid plan, so a "free" account is paced as Pro.
 */
export const PHONE_LIMITS: Record<Plan, Record<RateCategory, CategoryLimit>> = {
  free: { light: { limit: 20, windowMs: 1000 }, medium: { limit: 10, windowMs: 1000 }, heavy: { limit: 5, windowMs: 1000 }, resource: { limit: 5, windowMs: 60_000 } },
  pro: { light: { limit: 20, windowMs: 1000 }, medium: { limit: 10, windowMs: 1000 }, heavy: { limit: 5, windowMs: 1000 }, resource: { limit: 5, windowMs: 60_000 } },
  business: { light: { limit: 40, windowMs: 1000 }, medium: { limit: 20, windowMs: 1000 }, heavy: { limit: 10, windowMs: 1000 }, resource: { limit: 10, windowMs: 60_000 } },
};

/** Which table an operation is counted on: Zoom Phone's (/phone/*) or the main API's. */
export type RateTable = 'main' | 'phone';
export function rateTableOf(template: string): RateTable {
  return template === '/phone' || template.startsWith('/phone/') ? 'phone' : 'main';
}

/** Daily budgets Zoom documents (requests per account per day); undefined = none documented. */
export const PLAN_DAILY: Record<Plan, Partial<Record<RateCategory | 'heavy+resource', number>>> = {
  free: { light: 6000, medium: 2000, heavy: 1000 },
  pro: { 'heavy+resource': 30_000 },
  business: { 'heavy+resource': 60_000 },
};

/** Zoom Phone's daily quota (Heavy and Resource-intensive together). */
export const PHONE_DAILY: Record<Plan, Partial<Record<RateCategory | 'heavy+resource', number>>> = {
  free: { 'heavy+resource': 15_000 },
  pro: { 'heavy+resource': 15_000 },
  business: { 'heavy+resource': 30_000 },
};

export interface LimiterClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: LimiterClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * One Zoom rate-limit category: a sliding window of start times, a FIFO of waiters
 * (retries go first), a pause after a 429, and a block after a daily-limit 429.
 *
 * Requests start as soon as the window allows: the window is stretched only by a small
 * margin for network jitter (arrivals at Zoom bunch up by the spread of latencies), and
 * by a little more after each per-second 429.
 */
export class CategoryGate {
  private starts: number[] = [];
  private queue: Waiter[] = [];
  private timer: unknown;
  private pausedUntil = 0;
  private lastThrottle = 0;
  private blocked: ZoomRateLimitError | undefined;
  stretch: number;
  granted = 0;
  throttled = 0;

  constructor(
    readonly category: RateCategory,
    public limit: CategoryLimit,
    private readonly clock: LimiterClock,
    private readonly initialStretch: number,
  ) {
    this.stretch = initialStretch;
  }

  acquire(signal?: AbortSignal, priority = false): Promise<void> {
    if (this.blocked) return Promise.reject(this.blocked);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { resolve, reject, signal };
      if (signal) {
        w.onAbort = () => {
          this.queue = this.queue.filter((x) => x !== w);
          reject(signal.reason);
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      if (priority) this.queue.unshift(w);
      else this.queue.push(w);
      this.pump();
    });
  }

  /** A per-second 429: nobody in this category starts before `untilMs`, and the pace slows a little. */
  pause(untilMs: number): void {
    this.throttled++;
    const now = this.clock.now();
    // One burst of 429s (many requests in flight hear it at once) slows the pace once, not once per 429.
    if (now >= this.pausedUntil) this.stretch = Math.min(2, this.stretch * 1.05);
    this.lastThrottle = now;
    this.pausedUntil = Math.max(this.pausedUntil, untilMs);
    this.reschedule();
  }

  /** A daily-limit 429: every waiting and future request of this category fails with it. */
  block(err: ZoomRateLimitError): void {
    this.blocked = err;
    const q = this.queue;
    this.queue = [];
    for (const w of q) this.settle(w, err);
  }

  get waiting(): number {
    return this.queue.length;
  }

  private windowMs(): number {
    return this.limit.windowMs * this.stretch;
  }

  private pump(): void {
    const now = this.clock.now();
    // Two quiet windows after a 429: give back a step of the slow-down (never below the jitter margin).
    if (this.stretch > this.initialStretch && now - this.lastThrottle > 2 * this.limit.windowMs * this.stretch) {
      this.stretch = Math.max(this.initialStretch, this.stretch / 1.05);
      this.lastThrottle = now;
    }
    const windowMs = this.windowMs();
    // Once half the window is used, grants are spaced evenly: a clump released at one instant would
    // reach Zoom bunched by network jitter and trip its per-second count.
    const gap = windowMs / this.limit.limit;
    while (this.queue.length > 0) {
      if (now < this.pausedUntil) return this.wake(this.pausedUntil - now);
      while (this.starts.length > 0 && this.starts[0]! <= now - windowMs) this.starts.shift();
      if (this.starts.length >= this.limit.limit) return this.wake(this.starts[0]! + windowMs - now);
      const last = this.starts.at(-1);
      if (last !== undefined && this.starts.length >= this.limit.limit / 2 && now - last < gap) return this.wake(last + gap - now);
      this.starts.push(now);
      this.granted++;
      this.settle(this.queue.shift()!);
    }
  }

  private settle(w: Waiter, err?: unknown): void {
    if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
    if (err) w.reject(err);
    else w.resolve();
  }

  private wake(ms: number): void {
    if (this.timer !== undefined) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, Math.max(1, Math.ceil(ms)));
  }

  private reschedule(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.pump();
  }
}

/**
 * The gates of an account, sized from the plan: four for the main API and four for Zoom Phone, which
 * Zoom counts apart (its own table and quota). A 429 on one table never slows the other. Pace comes
 * from the published tables only; rate-limit headers are never needed.
 */
export class RateLimiter {
  readonly gates: Record<RateCategory, CategoryGate>;
  readonly phoneGates: Record<RateCategory, CategoryGate>;
  constructor(
    readonly plan: Plan,
    opts: { clock?: LimiterClock; jitterMargin?: number; limits?: Partial<Record<RateCategory, CategoryLimit>>; phoneLimits?: Partial<Record<RateCategory, CategoryLimit>> } = {},
  ) {
    const clock = opts.clock ?? realClock;
    const stretch = 1 + (opts.jitterMargin ?? 0.03);
    const make = (limits: Record<RateCategory, CategoryLimit>): Record<RateCategory, CategoryGate> => ({
      light: new CategoryGate('light', limits.light, clock, stretch),
      medium: new CategoryGate('medium', limits.medium, clock, stretch),
      heavy: new CategoryGate('heavy', limits.heavy, clock, stretch),
      resource: new CategoryGate('resource', limits.resource, clock, stretch),
    });
    this.gates = make({ ...PLAN_LIMITS[plan], ...opts.limits });
    this.phoneGates = make({ ...PHONE_LIMITS[plan], ...opts.phoneLimits });
  }

  /** The gate of a category on the main API's table. */
  gate(category: RateCategory, table: RateTable = 'main'): CategoryGate {
    return table === 'phone' ? this.phoneGates[category] : this.gates[category];
  }

  /** The gate a request is counted on: its category, on Phone's table for /phone/* operations. */
  gateFor(r: { category: RateCategory; template: string }): CategoryGate {
    return this.gate(r.category, rateTableOf(r.template));
  }

  /**
   * Zoom may tell us the account's real limit (X-RateLimit-Limit on a successful answer): believe it
   * when it is lower than the table's (the plan given was too generous), but never below 1/s.
   * Nothing depends on the header being there.
   */
  observe(r: { category: RateCategory; template: string }, headers: Record<string, string | string[] | undefined>): void {
    const type = String(headers['x-ratelimit-type'] ?? '').toLowerCase();
    const limit = Number(headers['x-ratelimit-limit']);
    const gate = this.gateFor(r);
    if (type === 'qps' && Number.isFinite(limit) && limit > 0 && limit < gate.limit.limit) {
      gate.limit = { ...gate.limit, limit };
    }
  }
}
