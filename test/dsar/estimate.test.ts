import { describe, expect, it } from 'vitest';
import { attendanceReportShare, estimateExport, formatEstimate, recordingWindows } from '../../src/dsar/estimate.js';
import { WORKPLACE_ASSUMED, workplaceRequests } from '../../src/dsar/workplace-categories.js';

describe('export --estimate (the bound model of docs/performance.md)', () => {
  const base = { people: 50, plan: 'business' as const, today: '2026-11-29' };

  it('counts requests per rate category and leaves out what --skip names', () => {
    const all = estimateExport(base);
    const noChat = estimateExport({ ...base, skip: ['chat'] });
    // Without chat, fewer requests (attendance may then move some of its rows to Medium: the total still drops).
    const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
    expect(Math.abs(total(all.requests) - total(noChat.requests) - total(all.optional.chat!.requests))).toBeLessThanOrEqual(2); // rounding
    expect(noChat.optional.chat!.skipped).toBe(true);
    // Leaving a category out never lengthens the bound; it shortens it when the category has requests on the binding table
    // (with the Workplace products, Light binds at 50 people, so chat, on Medium, does not move it).
    expect(noChat.seconds).toBeLessThanOrEqual(all.seconds);
    const onBinding = Object.entries(all.optional).find(([, o]) => (o.requests[all.binding] ?? 0) > 0)?.[0];
    expect(onBinding).toBeDefined();
    expect(estimateExport({ ...base, skip: [onBinding!] }).seconds).toBeLessThan(all.seconds);
    expect(all.optional.sign_ins!.requests.heavy).toBeGreaterThan(0);
    expect(formatEstimate(noChat)).toMatch(/chat\s+\d+ requests .*\(left out\)/);
  });

  it('grows with the history asked for and with the people', () => {
    expect(estimateExport({ ...base, from: '2024-01-01' }).requests.medium).toBeGreaterThan(estimateExport({ ...base, from: '2026-06-01' }).requests.medium);
    expect(estimateExport({ ...base, people: 100 }).seconds).toBeGreaterThan(estimateExport(base).seconds);
  });

  it('splits attendance between the report (Heavy) and past meetings (Medium) so both finish together', () => {
    for (const input of [base, { ...base, skip: ['chat'] }, { ...base, from: '2026-10-01' }, { ...base, people: 5 }]) {
      const e = estimateExport(input);
      const f = e.attendance_report_share;
      expect(f).toBe(attendanceReportShare(input));
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThanOrEqual(1);
      // Inside (0, 1) the two main-table categories finish together; at 1, Heavy finishes first.
      if (f > 0 && f < 1) expect(Math.abs(e.requests.heavy / 40 - e.requests.medium / 60)).toBeLessThan(1);
      if (f === 1) expect(e.requests.heavy / 40).toBeLessThanOrEqual(e.requests.medium / 60);
    }
    // Where Heavy binds the main table (the Medium lists of Mail, Whiteboard, Revenue Accelerator and Quality Management left out: with them, Medium carries more and the report takes all).
    expect(estimateExport({ ...base, skip: ['mail', 'whiteboards', 'revenue_accelerator', 'quality_management'] }).attendance_report_share).toBeLessThan(1);
  });
  it("counts the account's call recordings (a leaver's) over the whole history asked for, not six months: its spec states no such limit", () => {
    // Twelve months back: about six windows within Zoom's six months and six or seven before them.
    expect(recordingWindows({ today: '2026-11-29', from: '2025-11-29' }, 12)).toBeGreaterThanOrEqual(12);
    expect(recordingWindows({ today: '2026-11-29', from: '2026-07-01' }, 5)).toBe(5);
    // The same history with and without --from two years back: the Phone table's Medium count grows by more than the SMS windows alone.
    const short = estimateExport({ ...base, from: '2026-06-01' });
    const long = estimateExport({ ...base, from: '2024-06-01' });
    expect(long.requests.phone_medium - short.requests.phone_medium).toBeGreaterThan(0);
  });

  it("counts Zoom Phone's requests on Phone's own table", () => {
    const e = estimateExport(base);
    expect(e.requests.phone_medium).toBeGreaterThan(0);
    expect(e.optional.voicemail_transcripts!.requests.phone_light).toBeGreaterThan(0);
    expect(e.optional.voicemail_transcripts!.requests.light).toBe(0);
  });

  it("counts Contact Center's requests on its own table, never on the main API's or Phone's; --skip contact_center leaves them out", () => {
    const e = estimateExport({ ...base, phones: 10 });
    const cc = e.optional.contact_center!.requests;
    // A customer is searched only by the numbers given (voice calls are Heavy): none given, no customer read.
    expect(estimateExport(base).optional.contact_center!.requests.contact_center_heavy).toBe(0);
    expect(cc.contact_center_medium).toBeGreaterThan(estimateExport(base).optional.contact_center!.requests.contact_center_medium);
    expect(cc.contact_center_medium).toBeGreaterThan(0);
    expect(cc.contact_center_heavy).toBeGreaterThan(0);
    expect(cc.contact_center_light).toBeGreaterThan(0);
    for (const g of ['light', 'medium', 'heavy', 'phone_light', 'phone_medium', 'phone_heavy'] as const) expect(cc[g], g).toBe(0);
    expect(formatEstimate(e)).toMatch(/Contact Center's own table: Light \d+, Medium \d+, Heavy \d+/);
    const skipped = estimateExport({ ...base, skip: ['contact_center'] });
    expect(skipped.optional.contact_center!.skipped).toBe(true);
    expect(skipped.requests.contact_center_heavy).toBe(0);
  });

  it("counts the account's lists read once for everyone (Phone lists of people without Phone, whiteboard sessions) once, whatever the number of people", () => {
    const fifty = estimateExport(base);
    const hundred = estimateExport({ ...base, people: 100 });
    // The account's voicemail list (Heavy on Phone's table) is walked once per month window for everyone:
    // twice the people is less than twice the Heavy requests, by those windows (six months: 6 or 7, by the day).
    expect(2 * fifty.requests.phone_heavy - hundred.requests.phone_heavy).toBeGreaterThanOrEqual(6);
    expect(2 * fifty.requests.phone_heavy - hundred.requests.phone_heavy).toBeLessThanOrEqual(7);
    const sessions = (people: number) => workplaceRequests(people, 12, 13).whiteboards!.find(([op]) => op === 'GET /whiteboards/sessions')![1];
    expect(sessions(50)).toBeGreaterThan(0);
    expect(sessions(100)).toBe(sessions(50));
  });

  it("counts Zoom Events' and visitor invitations' requests on the main table by their labels (tickets Light, attendance Heavy, invitations Medium); --skip leaves them out", () => {
    const e = estimateExport(base);
    const ev = e.optional.zoom_events!.requests;
    expect(ev.light).toBeGreaterThan(0);
    expect(ev.heavy).toBeGreaterThan(0);
    expect(ev.medium).toBe(0);
    expect(e.optional.visitors!.requests.medium).toBeGreaterThan(0);
    expect(e.optional.visitors!.requests.light).toBe(0);
    for (const g of ['phone_light', 'contact_center_light'] as const) expect(ev[g], g).toBe(0);
    const skipped = estimateExport({ ...base, skip: ['zoom_events', 'visitors'] });
    expect(skipped.optional.zoom_events!.skipped).toBe(true);
    expect(skipped.optional.visitors!.skipped).toBe(true);
    expect(skipped.requests.light).toBeLessThan(e.requests.light);
  });

  it('lists each Workplace product with its requests on its own rate category, and leaves out what --skip names', () => {
    const e = estimateExport(base);
    expect(e.optional.clips!.requests.light).toBeGreaterThan(0);
    // An admin app reads only the primary calendar (the list and the settings are user-level only, never
    // sent); its events are Medium, each event's details Light (calendar.openapi.json).
    expect(e.optional.calendar!.requests.heavy).toBe(0);
    expect(e.optional.calendar!.requests.medium).toBe(50);
    expect(e.optional.calendar!.requests.light).toBe(50 * WORKPLACE_ASSUMED.eventsPerCalendar);
    // Mail: the profile, the vacation settings and each message and draft in full are Light, the lists Medium; Whiteboard is all Medium.
    expect(e.optional.mail!.requests.light).toBe(50 * (2 + WORKPLACE_ASSUMED.mailMessages + WORKPLACE_ASSUMED.mailDrafts));
    expect(e.optional.mail!.requests.medium).toBeGreaterThanOrEqual(50 * 6);
    expect(e.optional.whiteboards!.requests.medium).toBeGreaterThan(50);
    expect(e.optional.whiteboards!.requests.light).toBe(0);
    expect(estimateExport({ ...base, skip: ['mail'] }).requests.light).toBeLessThan(e.requests.light);
    // A real mailbox holds thousands of messages: the estimate says what each thousand adds on the plan (Light: 80/s on Business).
    expect(e.mail_per_thousand_messages_seconds).toBe(12.5);
    expect(formatEstimate(e)).toMatch(/every 1,000 messages in a person's mailbox add about 12\.5 s/);
    expect(formatEstimate(estimateExport({ ...base, skip: ['mail'] }))).not.toMatch(/every 1,000 messages/);
    expect(e.optional.scheduler!.requests.light).toBe(150);
    expect(e.optional.ai_companion!.requests.light).toBe(50);
    // Reservations: 14-day windows over the history.
    const year = estimateExport({ ...base, from: '2025-11-29' });
    expect(year.optional.workspaces!.requests.light).toBe(50 * Math.ceil((12 * 30.44) / 14));
    const skipped = estimateExport({ ...base, skip: ['clips', 'calendar'] });
    expect(skipped.optional.clips!.skipped).toBe(true);
    const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
    expect(total(e.requests) - total(skipped.requests)).toBeGreaterThanOrEqual(total(e.optional.clips!.requests) + total(e.optional.calendar!.requests) - 2);
    expect(formatEstimate(e)).toMatch(/ai_companion\s+50 requests/);
  });
});
