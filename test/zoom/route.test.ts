import { describe, expect, it } from 'vitest';
import { addCalendarMonths, parseIsoDay } from '../../src/dates.js';
import { monthWindows } from '../../src/zoom/paginate.js';
import { meetingUuidParam, meetingUuidParams, route } from '../../src/zoom/route.js';

describe('route', () => {
  it('takes the category from the spec and encodes parameters', () => {
    const r = route('GET', '/users/{userId}/meetings', { userId: 'a/b@x.com' });
    expect(r.path).toBe('/users/a%2Fb%40x.com/meetings');
    expect(r.category).toBe('medium');
    expect(route('GET', '/report/users/{userId}/meetings', { userId: 'u' }).category).toBe('heavy');
    expect(route('GET', '/users/{userId}', { userId: 'u' }).category).toBe('light');
  });
  it('refuses templates that are not in Zoom\'s specs and unsafe segments', () => {
    expect(() => route('GET', '/users/{userId}/secrets', { userId: 'u' })).toThrow(/not in Zoom/);
    expect(() => route('GET', '/users/{userId}', { userId: '..' })).toThrow(/unsafe/);
  });
  it('double-encodes meeting UUIDs that Zoom asks to', () => {
    expect(route('GET', '/past_meetings/{meetingId}/participants', { meetingId: meetingUuidParam('/abc==') }).path).toBe('/past_meetings/%252Fabc%253D%253D/participants');
    expect(meetingUuidParam('abc==')).toBe('abc==');
    // The specs' literal rule: only a UUID that starts with "/" or contains "//" is encoded twice.
    expect(meetingUuidParam('a//bc==')).toBe('a%2F%2Fbc%3D%3D');
    expect(meetingUuidParam('a/bc==')).toBe('a/bc==');
    // A single "/" inside: the rule first, then the double encoding for a gateway that decodes %2F before routing.
    expect(meetingUuidParams('a/bc==')).toEqual(['a/bc==', 'a%2Fbc%3D%3D']);
    expect(meetingUuidParams('/abc')).toEqual(['%2Fabc']);
    expect(meetingUuidParams('abc')).toEqual(['abc']);
  });
});

describe('monthWindows', () => {
  it('covers the range with windows of at most one month, without gaps or overlaps', () => {
    const w = monthWindows('2025-01-31', '2025-06-15');
    const sorted = [...w].reverse();
    expect(sorted[0]!.from).toBe('2025-01-31');
    expect(sorted.at(-1)!.to).toBe('2025-06-15');
    for (let i = 1; i < sorted.length; i++) {
      const prevEnd = parseIsoDay(sorted[i - 1]!.to).getTime();
      expect(parseIsoDay(sorted[i]!.from).getTime()).toBe(prevEnd + 86_400_000);
    }
    for (const x of sorted) expect(parseIsoDay(x.to) < addCalendarMonths(parseIsoDay(x.from), 1)).toBe(true);
  });
  it('handles a single day', () => {
    expect(monthWindows('2026-02-03', '2026-02-03')).toEqual([{ from: '2026-02-03', to: '2026-02-03' }]);
  });
});
