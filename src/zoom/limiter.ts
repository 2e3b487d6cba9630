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

/**
 * Zoom Contact Center's own table (spec/zoom-api/README.md, the same rate-limits page): /contact_center/*
 * is counted apart from the main API and from Phone. Pro and Business+ only; a "free" account is paced as Pro.
 */
export const CONTACT_CENTER_LIMITS: Record<Plan, Record<RateCategory, CategoryLimit>> = PHONE_LIMITS;

/** Which table an operation is counted on: Zoom Phone's (/phone/*), Contact Center's (/contact_center/*) or the main API's. */
export type RateTable = 'main' | 'phone' | 'contact_center';
export function rateTableOf(template: string): RateTable {
  if (template === '/phone' || template.startsWith('/phone/')) return 'phone';
  if (template === '/contact_center' || template.startsWith('/contact_center/')) return 'contact_center';
  return 'main';
}

/** Each table's limits (the limiter, the bound model and --estimate read the same data). */
export const TABLE_LIMITS: Record<RateTable, Record<Plan, Record<RateCategory, CategoryLimit>>> = { main: PLAN_LIMITS, phone: PHONE_LIMITS, contact_center: CONTACT_CENTER_LIMITS };

/** Daily budgets Zoom documents (requests per account per day); undefined = none documented. */
export const PLAN_DAILY: Record<Plan, Partial<Record<RateCategory | 'heavy+resource', number>>> = {
  free: { light: 6000, medium: 2000, heavy: 1000 },
  pro: { 'heavy+resource': 30_000 },
  business: { 'heavy+resource': 60_000 },
};

/** Zoom Contact Center's daily quota (Heavy and Resource-intensive together): 15,000 Pro, 30,000 Business+, as Phone's, counted apart. */
export const CONTACT_CENTER_DAILY: Record<Plan, Partial<Record<RateCategory | 'heavy+resource', number>>> = {
  free: { 'heavy+resource': 15_000 },
  pro: { 'heavy+resource': 15_000 },
  business: { 'heavy+resource': 30_000 },
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

/** Given back once Zoom has answered a granted request (or it failed): see CategoryGate. Calling it twice does nothing. */
export type Release = () => void;

interface Waiter {
  resolve: (release: Release) => void;
  reject: (e: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** A request several gates could serve (RateLimiter.first): waiting at each, taken by the first that grants it. */
interface Spare {
  taken: boolean;
  take(gate: CategoryGate, release: Release): void;
  /** A gate that can no longer serve it (a daily limit): it fails once no gate is left. */
  lost(err: unknown): void;
}

/**
 * The way to Zoom that every gate's requests share (one host, whatever the table): the quickest round
 * trip seen on it, and whether a lead may still be assumed. One path for all gates, not one per gate: a
 * gate that sends few requests (Contact Center's Heavy sends a handful per person) sees few round trips,
 * and on a loaded machine each of them may be slowed at our end; half of its own quickest could then
 * exceed the real way to Zoom, and its requests be counted sooner than assumed (a 429). The quickest of
 * all requests is the closest to the real way, and never longer than any one gate's.
 */
export class NetworkPath {
  private quickest = Infinity;
  private trusted = true;

  /** The part of a round trip assumed to pass before Zoom counts a request (ms): half the quickest, 0 after a per-second 429. */
  get lead(): number {
    return this.trusted && Number.isFinite(this.quickest) ? this.quickest / 2 : 0;
  }

  roundTrip(ms: number): void {
    this.quickest = Math.min(this.quickest, ms);
  }

  /** A per-second 429: what was assumed of the way to Zoom was wrong somewhere; no lead from now on. */
  distrust(): void {
    this.trusted = false;
  }
}

/**
 * One Zoom rate-limit category, paced by what Zoom's answers prove rather than by send times.
 *
 * Zoom counts a request when it arrives (`limit` per window, a sliding or fixed window alike). An
 * arrival falls somewhere between the send and the answer, and network jitter moves it by tens of
 * milliseconds, so a window of send times alone either draws 429s or wastes the limit. Here a request
 * holds a place in the window from its grant until `windowMs` after its answer: every request that
 * could share a window with a new one is either still in flight or answered less than a window ago,
 * and both are counted. That holds whatever the latency and its spread (causality alone: Zoom cannot
 * count a request before it is sent, nor answer before counting it). The pace is `limit` per
 * (window + round trip - lead); `lead` is the part of the round trip before Zoom counts the request,
 * assumed to be half the quickest round trip seen on the path (all gates'), and 0 after a per-second 429.
 *
 * Also: a FIFO of waiters (retries go first), a pause after a 429, and a block after a daily-limit 429.
 */
export class CategoryGate {
  /** Granted, not yet answered. */
  private inFlight = 0;
  /** When each answer of about the last window came (ascending): no earlier than Zoom counted its request. */
  private answered: number[] = [];
  private queue: Waiter[] = [];
  /** Requests another gate could serve as well: granted only when nobody waits in `queue`. */
  private spares: Spare[] = [];
  private timer: unknown;
  private pausedUntil = 0;
  private blocked: ZoomRateLimitError | undefined;
  granted = 0;
  throttled = 0;

  constructor(
    readonly category: RateCategory,
    public limit: CategoryLimit,
    private readonly clock: LimiterClock,
    private readonly path: NetworkPath = new NetworkPath(),
  ) {}

  /** The part of a round trip assumed to pass before Zoom counts a request (ms): the path's. */
  get lead(): number {
    return this.path.lead;
  }

  /** Wait for a place; the caller MUST call the returned release once Zoom answered (or the request failed). */
  acquire(signal?: AbortSignal, priority = false): Promise<Release> {
    if (this.blocked) return Promise.reject(this.blocked);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Release>((resolve, reject) => {
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

  /** A per-second 429: nobody in this category starts before `untilMs`, and no lead is assumed from now on (on any gate). */
  pause(untilMs: number): void {
    this.throttled++;
    this.path.distrust();
    this.pausedUntil = Math.max(this.pausedUntil, untilMs);
    this.reschedule();
  }

  /** The daily-limit 429 that blocked this gate, if one did. */
  get blockedBy(): ZoomRateLimitError | undefined {
    return this.blocked;
  }

  /** Wait here too for a request another gate could serve (RateLimiter.first); false when this gate is blocked. */
  offer(spare: Spare): boolean {
    if (this.blocked) return false;
    this.spares.push(spare);
    this.pump();
    return true;
  }

  /** A daily-limit 429: every waiting and future request of this category fails with it (a spare goes on waiting at its other gates). */
  block(err: ZoomRateLimitError): void {
    this.blocked = err;
    const q = this.queue;
    this.queue = [];
    for (const w of q) this.settle(w, err);
    const spares = this.spares;
    this.spares = [];
    for (const sp of spares) if (!sp.taken) sp.lost(err);
  }

  get waiting(): number {
    return this.queue.length + this.spares.filter((sp) => !sp.taken).length;
  }

  private pump(): void {
    const now = this.clock.now();
    for (;;) {
      while (this.spares.length > 0 && this.spares[0]!.taken) this.spares.shift();
      if (this.queue.length === 0 && this.spares.length === 0) return;
      if (now < this.pausedUntil) return this.wake(this.pausedUntil - now);
      // An answer at or before `horizon` cannot share Zoom's window with a request sent now.
      const horizon = now + this.lead - this.limit.windowMs;
      while (this.answered.length > 0 && this.answered[0]! <= horizon) this.answered.shift();
      if (this.inFlight + this.answered.length >= this.limit.limit) {
        // Full: the oldest answer leaving the window frees a place; else an answer (release) will.
        if (this.answered.length > 0) this.wake(this.answered[0]! - horizon);
        return;
      }
      this.inFlight++;
      this.granted++;
      if (this.queue.length > 0) this.settle(this.queue.shift()!, undefined, this.releaser(now));
      else this.spares.shift()!.take(this, this.releaser(now));
    }
  }

  private releaser(grantedAt: number): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const now = this.clock.now();
      this.inFlight--;
      this.answered.push(now);
      // Nobody waiting: still forget answers that left the window, so the list stays as long as a window's worth.
      while (this.answered.length > this.limit.limit) this.answered.shift();
      this.path.roundTrip(now - grantedAt);
      this.pump();
    };
  }

  private settle(w: Waiter, err?: unknown, release?: Release): void {
    if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
    if (err) w.reject(err);
    else w.resolve(release!);
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
 * Zoom counts apart (its own table and quota). A 429 on one table never pauses another (it ends the lead
 * assumed on the way to Zoom, which all gates share: see NetworkPath). Pace comes
 * from the published tables only; rate-limit headers are never needed.
 */
export class RateLimiter {
  readonly gates: Record<RateCategory, CategoryGate>;
  readonly phoneGates: Record<RateCategory, CategoryGate>;
  readonly contactCenterGates: Record<RateCategory, CategoryGate>;
  constructor(
    readonly plan: Plan,
    opts: { clock?: LimiterClock; limits?: Partial<Record<RateCategory, CategoryLimit>>; phoneLimits?: Partial<Record<RateCategory, CategoryLimit>>; contactCenterLimits?: Partial<Record<RateCategory, CategoryLimit>> } = {},
  ) {
    const clock = opts.clock ?? realClock;
    const path = new NetworkPath();
    const make = (limits: Record<RateCategory, CategoryLimit>): Record<RateCategory, CategoryGate> => ({
      light: new CategoryGate('light', limits.light, clock, path),
      medium: new CategoryGate('medium', limits.medium, clock, path),
      heavy: new CategoryGate('heavy', limits.heavy, clock, path),
      resource: new CategoryGate('resource', limits.resource, clock, path),
    });
    this.gates = make({ ...PLAN_LIMITS[plan], ...opts.limits });
    this.phoneGates = make({ ...PHONE_LIMITS[plan], ...opts.phoneLimits });
    this.contactCenterGates = make({ ...CONTACT_CENTER_LIMITS[plan], ...opts.contactCenterLimits });
  }

  /** The gate of a category on a table (the main API's by default). */
  gate(category: RateCategory, table: RateTable = 'main'): CategoryGate {
    return table === 'phone' ? this.phoneGates[category] : table === 'contact_center' ? this.contactCenterGates[category] : this.gates[category];
  }

  /** The gate a request is counted on: its category, on Phone's table for /phone/*, Contact Center's for /contact_center/*. */
  gateFor(r: { category: RateCategory; template: string }): CategoryGate {
    return this.gate(r.category, rateTableOf(r.template));
  }

  /**
   * A place for one of several reads that serve the same records from different tables or categories (a
   * session's participants: the Heavy report or the Medium past list), at whichever of their gates grants
   * it first; it waits at each, and a gate grants it only when nobody else waits there. The other reads
   * go first, and these fill whichever table has room, as long as any is left: the tables finish together
   * without a split decided in advance (a choice made when the request was queued could not foresee the
   * work queued at its gate afterwards: the heavy person's Heavy table ran alone for its last 8 seconds).
   * The caller MUST call the release (once Zoom answered, or it gave up).
   */
  first<R extends { category: RateCategory; template: string }>(reads: readonly [R, ...R[]], signal?: AbortSignal): Promise<{ read: R; release: Release }> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const gates = reads.map((r) => this.gateFor(r));
      let open = 0;
      let onAbort: (() => void) | undefined;
      const spare: Spare = {
        taken: false,
        take: (gate, release) => {
          spare.taken = true;
          if (onAbort) signal?.removeEventListener('abort', onAbort);
          resolve({ read: reads[gates.indexOf(gate)]!, release });
        },
        lost: (err) => {
          if (--open > 0 || spare.taken) return;
          spare.taken = true;
          if (onAbort) signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      if (signal) {
        onAbort = () => {
          spare.taken = true;
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
      }
      let blocked: unknown;
      for (const g of new Set(gates)) {
        if (spare.taken) break;
        if (g.offer(spare)) open++;
        else blocked ??= g.blockedBy;
      }
      if (open === 0 && !spare.taken) spare.lost(blocked);
    });
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
