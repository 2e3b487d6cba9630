/**
 * Zoom's rate limits, per account, per category (not per endpoint), as in the table of
 * /work/shared/zoom-api/README.md (developers.zoom.us/docs/api/rate-limits):
 *
 * | category           | Free              | Pro                        | Business+                  |
 * |--------------------|-------------------|----------------------------|----------------------------|
 * | Light              | 4/s, 6,000/day    | 30/s                       | 80/s                       |
 * | Medium             | 2/s, 2,000/day    | 20/s                       | 60/s                       |
 * | Heavy              | 1/s, 1,000/day    | 10/s, 30,000/day shared    | 40/s, 60,000/day shared    |
 * | Resource-intensive | 10/min            | 10/min (shares Heavy's)    | 20/min (shares Heavy's)    |
 *
 * Each window is an exact sliding log (a ring of the last `limit` admission times): a request is
 * admitted when fewer than `limit` were admitted in the last second (minute for Resource-intensive).
 * Daily budgets reset at 00:00 UTC.
 */

export type Category = 'Light' | 'Medium' | 'Heavy' | 'Resource-intensive';
export type Plan = 'free' | 'pro' | 'business';

export interface CategoryLimit {
  limit: number;
  windowMs: number;
}

export const RATE_LIMITS: Record<Plan, Record<Category, CategoryLimit>> = {
  free: {
    Light: { limit: 4, windowMs: 1000 },
    Medium: { limit: 2, windowMs: 1000 },
    Heavy: { limit: 1, windowMs: 1000 },
    'Resource-intensive': { limit: 10, windowMs: 60_000 },
  },
  pro: {
    Light: { limit: 30, windowMs: 1000 },
    Medium: { limit: 20, windowMs: 1000 },
    Heavy: { limit: 10, windowMs: 1000 },
    'Resource-intensive': { limit: 10, windowMs: 60_000 },
  },
  business: {
    Light: { limit: 80, windowMs: 1000 },
    Medium: { limit: 60, windowMs: 1000 },
    Heavy: { limit: 40, windowMs: 1000 },
    'Resource-intensive': { limit: 20, windowMs: 60_000 },
  },
};

/**
 * Zoom Phone's own table and quota (the same rate-limits page): Phone operations are counted apart
 * from the main API. Zoom publishes Pro and Business+; a free account (no Phone) is served as Pro.
 */
export const PHONE_RATE_LIMITS: Record<Plan, Record<Category, CategoryLimit>> = {
  free: { Light: { limit: 20, windowMs: 1000 }, Medium: { limit: 10, windowMs: 1000 }, Heavy: { limit: 5, windowMs: 1000 }, 'Resource-intensive': { limit: 5, windowMs: 60_000 } },
  pro: { Light: { limit: 20, windowMs: 1000 }, Medium: { limit: 10, windowMs: 1000 }, Heavy: { limit: 5, windowMs: 1000 }, 'Resource-intensive': { limit: 5, windowMs: 60_000 } },
  business: { Light: { limit: 40, windowMs: 1000 }, Medium: { limit: 20, windowMs: 1000 }, Heavy: { limit: 10, windowMs: 1000 }, 'Resource-intensive': { limit: 10, windowMs: 60_000 } },
};

export const PHONE_DAILY_LIMITS: Record<Plan, Partial<Record<Category, { bucket: string; limit: number }>>> = {
  free: { Heavy: { bucket: 'Phone Heavy+Resource-intensive', limit: 15_000 }, 'Resource-intensive': { bucket: 'Phone Heavy+Resource-intensive', limit: 15_000 } },
  pro: { Heavy: { bucket: 'Phone Heavy+Resource-intensive', limit: 15_000 }, 'Resource-intensive': { bucket: 'Phone Heavy+Resource-intensive', limit: 15_000 } },
  business: { Heavy: { bucket: 'Phone Heavy+Resource-intensive', limit: 30_000 }, 'Resource-intensive': { bucket: 'Phone Heavy+Resource-intensive', limit: 30_000 } },
};

/**
 * Zoom Contact Center's own table and quota (spec/zoom-api/README.md): Pro Light 20/s, Medium 10/s,
 * Heavy 5/s, 15,000/day; Business+ 40/20/10 per second, 30,000/day; counted apart from the main API and Phone.
 */
export const CONTACT_CENTER_RATE_LIMITS: Record<Plan, Record<Category, CategoryLimit>> = {
  free: { Light: { limit: 20, windowMs: 1000 }, Medium: { limit: 10, windowMs: 1000 }, Heavy: { limit: 5, windowMs: 1000 }, 'Resource-intensive': { limit: 5, windowMs: 60_000 } },
  pro: { Light: { limit: 20, windowMs: 1000 }, Medium: { limit: 10, windowMs: 1000 }, Heavy: { limit: 5, windowMs: 1000 }, 'Resource-intensive': { limit: 5, windowMs: 60_000 } },
  business: { Light: { limit: 40, windowMs: 1000 }, Medium: { limit: 20, windowMs: 1000 }, Heavy: { limit: 10, windowMs: 1000 }, 'Resource-intensive': { limit: 10, windowMs: 60_000 } },
};

export const CONTACT_CENTER_DAILY_LIMITS: Record<Plan, Partial<Record<Category, { bucket: string; limit: number }>>> = {
  free: { Heavy: { bucket: 'CC Heavy+Resource-intensive', limit: 15_000 }, 'Resource-intensive': { bucket: 'CC Heavy+Resource-intensive', limit: 15_000 } },
  pro: { Heavy: { bucket: 'CC Heavy+Resource-intensive', limit: 15_000 }, 'Resource-intensive': { bucket: 'CC Heavy+Resource-intensive', limit: 15_000 } },
  business: { Heavy: { bucket: 'CC Heavy+Resource-intensive', limit: 30_000 }, 'Resource-intensive': { bucket: 'CC Heavy+Resource-intensive', limit: 30_000 } },
};

export type RateTable = 'main' | 'phone' | 'contact_center';

/** The table a sandbox path (/v2/…) is counted on. */
export function tableOfPath(path: string): RateTable {
  return path.startsWith('/v2/phone/') ? 'phone' : path.startsWith('/v2/contact_center/') ? 'contact_center' : 'main';
}

/** Daily budgets: a name for the bucket (shared buckets share a name) and its size. */
export const DAILY_LIMITS: Record<Plan, Partial<Record<Category, { bucket: string; limit: number }>>> = {
  free: {
    Light: { bucket: 'Light', limit: 6000 },
    Medium: { bucket: 'Medium', limit: 2000 },
    Heavy: { bucket: 'Heavy', limit: 1000 },
  },
  pro: {
    Heavy: { bucket: 'Heavy+Resource-intensive', limit: 30_000 },
    'Resource-intensive': { bucket: 'Heavy+Resource-intensive', limit: 30_000 },
  },
  business: {
    Heavy: { bucket: 'Heavy+Resource-intensive', limit: 60_000 },
    'Resource-intensive': { bucket: 'Heavy+Resource-intensive', limit: 60_000 },
  },
};

export type RateDecision =
  | { ok: true; category: Category; limit: number; remaining: number; dailyLimit?: number; dailyRemaining?: number }
  | { ok: false; type: 'QPS'; category: Category; limit: number }
  | { ok: false; type: 'Daily-limit'; category: Category; limit: number; retryAfter: string };

class SlidingLog {
  private times: number[];
  private head = 0;
  private count = 0;
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {
    this.times = new Array<number>(limit).fill(0);
  }
  /** Admit at `now` if under the limit; returns remaining after admission, or -1 if refused. */
  tryAdmit(now: number): number {
    // drop expired entries from the oldest end
    while (this.count > 0) {
      const oldest = this.times[(this.head - this.count + this.limit) % this.limit]!;
      if (now - oldest >= this.windowMs) this.count--;
      else break;
    }
    if (this.count >= this.limit) return -1;
    this.times[this.head] = now;
    this.head = (this.head + 1) % this.limit;
    this.count++;
    return this.limit - this.count;
  }
}

export function nextUtcMidnight(now: number): Date {
  const d = new Date(now);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1));
}

/** ISO date-time without milliseconds, as Zoom writes it: 2020-05-31T00:00:00Z. */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class RateLimiter {
  private logs = new Map<string, SlidingLog>();
  private daily = new Map<string, { day: string; used: number }>();

  constructor(readonly plan: Plan) {
    for (const [cat, l] of Object.entries(RATE_LIMITS[plan]) as Array<[Category, CategoryLimit]>) this.logs.set(`main|${cat}`, new SlidingLog(l.limit, l.windowMs));
    for (const [cat, l] of Object.entries(PHONE_RATE_LIMITS[plan]) as Array<[Category, CategoryLimit]>) this.logs.set(`phone|${cat}`, new SlidingLog(l.limit, l.windowMs));
    for (const [cat, l] of Object.entries(CONTACT_CENTER_RATE_LIMITS[plan]) as Array<[Category, CategoryLimit]>) this.logs.set(`contact_center|${cat}`, new SlidingLog(l.limit, l.windowMs));
  }

  /** Admit a request of `category` on the main API's table or Zoom Phone's. */
  check(category: Category, now: number, table: RateTable = 'main'): RateDecision {
    const daily = (table === 'phone' ? PHONE_DAILY_LIMITS : table === 'contact_center' ? CONTACT_CENTER_DAILY_LIMITS : DAILY_LIMITS)[this.plan][category];
    const day = new Date(now).toISOString().slice(0, 10);
    let bucket: { day: string; used: number } | undefined;
    if (daily) {
      bucket = this.daily.get(daily.bucket);
      if (!bucket || bucket.day !== day) {
        bucket = { day, used: 0 };
        this.daily.set(daily.bucket, bucket);
      }
      if (bucket.used >= daily.limit) {
        return { ok: false, type: 'Daily-limit', category, limit: daily.limit, retryAfter: isoSeconds(nextUtcMidnight(now)) };
      }
    }
    const log = this.logs.get(`${table}|${category}`)!;
    const remaining = log.tryAdmit(now);
    if (remaining < 0) return { ok: false, type: 'QPS', category, limit: log.limit };
    const d: RateDecision = { ok: true, category, limit: log.limit, remaining };
    if (daily && bucket) {
      bucket.used++;
      d.dailyLimit = daily.limit;
      d.dailyRemaining = daily.limit - bucket.used;
    }
    return d;
  }
}
