/**
 * Zoom Contact Center is paced on its own table (issue 28; spec/zoom-api/README.md: Pro 20/10/5 per second,
 * Business+ 40/20/10, 15,000/30,000 a day), apart from the main API and Phone: in the client's limiter,
 * in the sandbox, and in --estimate, which all read the same tables.
 */
import { describe, expect, it } from 'vitest';
import { route } from '../../src/zoom/route.js';
import { RateLimiter, rateTableOf } from '../../src/zoom/limiter.js';
import { RateLimiter as SandboxLimiter, tableOfPath } from '../../src/sandbox/ratelimit.js';

describe("Contact Center's own rate table", () => {
  it('every /contact_center operation is counted on its own gates, at its own limits', () => {
    expect(rateTableOf('/contact_center/engagements')).toBe('contact_center');
    expect(rateTableOf('/contact_centers')).toBe('main');
    for (const [plan, light, medium, heavy] of [['pro', 20, 10, 5], ['business', 40, 20, 10]] as const) {
      const l = new RateLimiter(plan);
      expect(l.gateFor(route('GET', '/contact_center/engagements/{engagementId}', { engagementId: 'e' })).limit.limit).toBe(light);
      expect(l.gateFor(route('GET', '/contact_center/engagements')).limit.limit).toBe(medium);
      expect(l.gateFor(route('GET', '/contact_center/voice_calls')).limit.limit).toBe(heavy);
      const cc = l.gateFor(route('GET', '/contact_center/engagements'));
      expect(cc).toBe(l.contactCenterGates.medium);
      expect(cc).not.toBe(l.gates.medium);
      expect(cc).not.toBe(l.phoneGates.medium);
    }
  });

  it('the sandbox counts Contact Center apart: its Heavy 5/s on Pro, while the main API and Phone stay untouched', () => {
    const sb = new SandboxLimiter('pro');
    expect(tableOfPath('/v2/contact_center/sms')).toBe('contact_center');
    const now = 1_000_000;
    const cc = Array.from({ length: 6 }, () => sb.check('Heavy', now, 'contact_center'));
    expect(cc.filter((d) => d.ok)).toHaveLength(5);
    expect(cc[5]).toMatchObject({ ok: false, type: 'QPS', limit: 5 });
    expect(sb.check('Heavy', now, 'main')).toMatchObject({ ok: true, limit: 10 });
    expect(sb.check('Heavy', now, 'phone')).toMatchObject({ ok: true, limit: 5 });
    expect(cc[0]).toMatchObject({ ok: true, dailyLimit: 15_000 });
  });
});
