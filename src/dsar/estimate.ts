/**
 * `zdsar export --estimate`: the requests an export will send, per Zoom rate category, and the time
 * they take on the plan, before anything is sent. The time is the bound of docs/performance.md:
 * the binding category at its limit (R = max over c of n_c / L_c) plus the chain of requests that
 * must wait for each other (C = k × 115 ms), times the overhead zdsar measured on the benchmark.
 *
 * Zoom tells nobody how much data a person has before it is asked, so the counts assume an ordinary
 * person (the benchmark's: ASSUMED below); the estimate says so, and says what each optional
 * category adds, so the expensive ones can be left out with --skip.
 */
import type { Plan } from '../config.js';
import { OPERATIONS, type RateCategory } from '../zoom/categories.generated.js';
import { TABLE_LIMITS, rateTableOf, type RateTable } from '../zoom/limiter.js';
import { addCalendarMonths, isoDay, parseIsoDay, sixMonthsFrom } from '../dates.js';
import { monthWindows, monthWindowsCutAt } from '../zoom/paginate.js';
import { OPTIONAL_CATEGORIES } from './breadth.js';
import { workplaceRequests } from './workplace-categories.js';
import { contactCenterRequests } from './contact-center-categories.js';
import { eventsVisitorsRequests, revenueQualityRequests } from './events-categories.js';
import { meetingAnswersRequests, outsiderScanRequests } from './meeting-answers-categories.js';
import { HISTORY_SCAN_MONTHS } from './account-wide.js';

/** An ordinary person and account, as in the 50-person benchmark (docs/performance.md, bench/run.js). */
export const ASSUMED = {
  /** Months of history when --from is not given (users created 1-24 months ago: 12.5 on average). */
  historyMonths: 12.5,
  /** Share of people with Zoom Phone (30 of the benchmark's 50 people; half of its account of 200). */
  phoneShare: 0.6,
  /** Per Phone user: SMS conversations and voicemails in the last six months. */
  smsSessions: 1,
  voicemails: 21,
  /** Team Chat conversations with messages in the last six months. */
  chatSessions: 3.2,
  /** Meetings in the meetings-joined report of the last six months (the benchmark's: 1,121 for 50 people). */
  meetingsJoined: 22.4,
  /** AI Companion summaries of meetings hosted. */
  summaries: 11.3,
  /** Users of the account (the sign-in report is account-wide, about 7.5 rows per user per month). */
  accountUsers: 200,
};

/**
 * Mean latency of a request (the benchmark's 80-150 ms), and zdsar's wall time over the bound as measured
 * on a quiet machine with pacing by answers (limiter.ts): 1.04 for the base export, 1.08 with every
 * optional category (half the requests), whose reads wait for the lists they read. Between the two, by the
 * optional categories' share of requests.
 */
const LATENCY_S = 0.115;
const OVERHEAD_BASE = 1.04;
const OVERHEAD_PER_OPTIONAL_SHARE = 0.08;
const STARTUP_S = 1.0;

const CATEGORY_OF = new Map<string, RateCategory>(OPERATIONS.map(([op, cat]) => [op, cat ?? 'medium']));

/** A rate gate: a category of the main API's table, of Zoom Phone's own table (phone_…), or of Contact Center's (contact_center_…). */
type Gate = RateCategory | `phone_${RateCategory}` | `contact_center_${RateCategory}`;
const CATS: readonly RateCategory[] = ['light', 'medium', 'heavy', 'resource'];
const GATES: readonly Gate[] = [...CATS, ...CATS.map((c) => `phone_${c}` as const), ...CATS.map((c) => `contact_center_${c}` as const)];
const gateOf = (table: RateTable, cat: RateCategory): Gate => (table === 'main' ? cat : `${table}_${cat}`);
const tableOfGate = (g: Gate): [RateTable, RateCategory] => (g.startsWith('phone_') ? ['phone', g.slice(6) as RateCategory] : g.startsWith('contact_center_') ? ['contact_center', g.slice(15) as RateCategory] : ['main', g as RateCategory]);
type Counts = Record<Gate, number>;
const zero = (): Counts => Object.fromEntries(GATES.map((g) => [g, 0])) as Counts;

export interface EstimateInput {
  people: number;
  plan: Plan;
  from?: string;
  to?: string;
  today: string;
  skip?: string[];
  /** Phone numbers given with the people, in all (each is searched in Contact Center as a customer). */
  phones?: number;
}

export interface Estimate {
  people: number;
  plan: Plan;
  requests: Counts;
  seconds: number;
  binding: Gate;
  /** What each optional category adds (requests per category, seconds), whether or not it is left out. */
  optional: Record<string, { requests: Counts; seconds: number; skipped: boolean }>;
  /** Share of attendance rows read from the participants report (Heavy); the rest from past meetings (Medium). */
  attendance_report_share: number;
  /** If anyone has no Zoom user: the one scan of the account's sessions for their Q&A, polls and surveys (not in `requests` or `seconds`). */
  outsider_scan: { requests: Counts; seconds: number };
  /** Seconds each 1,000 messages in one person's mailbox add (each message is one Light request); the counts assume a small mailbox. */
  mail_per_thousand_messages_seconds: number;
  assumptions: typeof ASSUMED & { historyMonths: number };
}

function add(c: Counts, op: string, n: number): void {
  const cat = CATEGORY_OF.get(op);
  if (!cat) throw new Error(`not in Zoom's API specs: ${op}`);
  const gate = gateOf(rateTableOf(op.slice(op.indexOf(' ') + 1)), cat);
  c[gate] += n;
}

/** Month windows of a range of `months` ending today (as collect.ts cuts them). */
function windows(today: string, months: number, from?: string): number {
  return monthWindows(startOf(today, months, from), today).length;
}

/** Where a history of `months` ending `to` starts, unless the request gave its own start. */
function startOf(to: string, months: number, from?: string): string {
  return from ?? isoDay(new Date(parseIsoDay(to).getTime() - months * 30.44 * 86_400_000));
}

/** The account's call recordings over `months` (collect.ts): month windows cut where Zoom's six months begin. */
export function recordingWindows(i: Pick<EstimateInput, 'today' | 'to' | 'from'>, months: number): number {
  const to = i.to ?? i.today;
  return monthWindowsCutAt(startOf(to, months, i.from), to, sixMonthsFrom(parseIsoDay(i.today).getTime())).length;
}

/** The base export (what every run collects) for one person. */
function basePerPerson(i: EstimateInput, historyMonths: number): Counts {
  const c = zero();
  const sixMonthsAgo = isoDay(addCalendarMonths(parseIsoDay(i.today), -6));
  const from = i.from;
  const recWindows = windows(i.to ?? i.today, historyMonths, from);
  const sixFrom = from && from > sixMonthsAgo ? from : historyMonths < 6 ? undefined : sixMonthsAgo;
  const six = windows(i.to ?? i.today, Math.min(historyMonths, 6), sixFrom);
  add(c, 'GET /users/{userId}', 1);
  add(c, 'GET /users/{userId}/settings', 1);
  add(c, 'GET /users/{userId}/meetings', 5);
  add(c, 'GET /users/{userId}/webinars', 1);
  add(c, 'GET /users/{userId}/recordings', recWindows + 2); // + the two kinds of trash
  add(c, 'GET /report/users/{userId}/meetings', six);
  add(c, 'GET /phone/users/{userId}', 1);
  const p = ASSUMED.phoneShare;
  add(c, 'GET /phone/users/{userId}/settings', p);
  for (const op of ['call_history', 'recordings', 'voice_mails']) add(c, `GET /phone/users/{userId}/${op}`, p * six);
  // The call legs (call_elements) are walked again over the same windows of the call history.
  add(c, 'GET /phone/users/{userId}/call_history', p * six);
  // Each setting group asked for by name (option=…).
  add(c, 'GET /users/{userId}/settings', 3);
  // SMS sessions: one-month windows but no six-month limit, so the whole history.
  add(c, 'GET /phone/users/{userId}/sms/sessions', p * recWindows);
  // A person without a Phone profile (a possible leaver): the account's call history searched by their email,
  // and the oldest, partial window of the account's SMS and recordings lists (the rest are shared: accountOnce).
  add(c, 'GET /phone/call_history', (1 - p) * six);
  add(c, 'GET /phone/sms/sessions', 1 - p);
  add(c, 'GET /phone/recordings', 1 - p);
  return c;
}

/**
 * What a run reads once for everyone, whatever the number of people: the account's Phone lists searched for
 * people without a Phone profile (each month window walked once, AccountWide.shared; one page each), and the
 * account's whiteboard sessions (counted with the Workplace products).
 */
function accountOnce(i: EstimateInput, historyMonths: number): Counts {
  const c = zero();
  if (i.people * (1 - ASSUMED.phoneShare) <= 0) return c;
  const six = windows(i.to ?? i.today, Math.min(historyMonths, 6), i.from);
  add(c, 'GET /phone/voice_mails', six);
  // SMS and call recordings (neither spec states a six-month limit): over the longest history of the people (the
  // ordinary account's users were created up to 24 months ago); the recordings' windows cut where Zoom's six months begin.
  const longest = i.from ? historyMonths : 2 * ASSUMED.historyMonths;
  add(c, 'GET /phone/recordings', recordingWindows(i, longest));
  add(c, 'GET /phone/sms/sessions', windows(i.to ?? i.today, longest, i.from));
  return c;
}

/** The base export of the run: each person's reads, and the account's lists read once. */
function baseRun(i: EstimateInput, historyMonths: number): Counts {
  return sum(times(basePerPerson(i, historyMonths), i.people), accountOnce(i, historyMonths));
}

/** What each optional category costs for `people` people (account-wide lists counted once). */
function optionalCosts(i: EstimateInput, reportShare: number): Record<string, Counts> {
  const n = i.people;
  const p = ASSUMED.phoneShare;
  const out: Record<string, Counts> = {};
  for (const k of Object.keys(OPTIONAL_CATEGORIES)) out[k] = zero();
  add(out.chat!, 'GET /chat/users/{userId}/sessions', n);
  add(out.chat!, 'GET /chat/users/{userId}/messages', n * ASSUMED.chatSessions);
  // Per month of the range: the sessions with a text in it, then each one's texts of that month.
  add(out.sms_messages!, 'GET /phone/users/{userId}/sms/sessions', n * p * windows(i.to ?? i.today, historyOf(i), i.from));
  add(out.sms_messages!, 'GET /phone/sms/sessions/{sessionId}', n * p * ASSUMED.smsSessions);
  add(out.voicemail_transcripts!, 'GET /phone/voice_mails/{voicemailId}', n * p * ASSUMED.voicemails);
  add(out.attendance!, 'GET /report/meetings/{meetingId}/participants', n * ASSUMED.meetingsJoined * reportShare);
  add(out.attendance!, 'GET /past_meetings/{meetingId}/participants', n * ASSUMED.meetingsJoined * (1 - reportShare));
  add(out.summaries!, 'GET /meetings/meeting_summaries', Math.max(1, Math.ceil((ASSUMED.accountUsers * ASSUMED.summaries) / 300)));
  add(out.summaries!, 'GET /meetings/{meetingId}/meeting_summary', n * ASSUMED.summaries);
  add(out.sign_ins!, 'GET /report/activities', 7 * Math.max(1, Math.ceil((ASSUMED.accountUsers * 7.5) / 300)));
  const months = historyOf(i);
  for (const [k, ops] of Object.entries(workplaceRequests(n, months, windows(i.to ?? i.today, months, i.from)))) for (const [op, count] of ops) add(out[k]!, op, count);
  for (const [k, ops] of Object.entries(contactCenterRequests(n, windows(i.to ?? i.today, months, i.from), i.phones ?? 0))) for (const [op, count] of ops) add(out[k]!, op, count);
  for (const [k, ops] of Object.entries({ ...eventsVisitorsRequests(n), ...revenueQualityRequests(n, windows(i.to ?? i.today, months, i.from)) })) for (const [op, count] of ops) add(out[k]!, op, count);
  for (const [k, ops] of Object.entries(meetingAnswersRequests(n, ASSUMED.meetingsJoined, reportShare))) for (const [op, count] of ops) add(out[k]!, op, count);
  return out;
}

/**
 * People without a Zoom user: one scan of the account's sessions per run (AccountWide.historyWindow: --from,
 * else a year, to --to), whatever their number. Whether anyone lacks a Zoom user is known only once Zoom is
 * asked, which --estimate never does: so it is said beside the total (outsider_scan), not counted in it.
 */
function outsiderScan(i: EstimateInput, reportShare: number): Counts {
  const c = zero();
  if (i.people > 0 && !(i.skip ?? []).includes('meeting_answers')) for (const [op, count] of outsiderScanRequests(windows(i.to ?? i.today, HISTORY_SCAN_MONTHS, i.from), reportShare)) add(c, op, count);
  return c;
}

/** Requests per second a gate allows on the plan. */
function perSecond(g: Gate, plan: Plan): number {
  const [table, cat] = tableOfGate(g);
  const l = TABLE_LIMITS[table][plan][cat];
  return l.limit / (l.windowMs / 1000);
}

function rateSeconds(c: Counts, plan: Plan): { seconds: number; binding: Gate } {
  let best: Gate = 'medium';
  let s = 0;
  for (const g of GATES) {
    const t = c[g] / perSecond(g, plan);
    if (t > s) {
      s = t;
      best = g;
    }
  }
  return { seconds: s, binding: best };
}

const total = (c: Counts) => GATES.reduce((n, g) => n + c[g], 0);

/** Wall time of a run of these counts (`optional` of them from optional categories): the bound (rate term + chain of ~6 requests) times zdsar's measured overhead. */
function wallSeconds(c: Counts, plan: Plan, optional: number): number {
  const overhead = OVERHEAD_BASE + OVERHEAD_PER_OPTIONAL_SHARE * (total(c) > 0 ? optional / total(c) : 0);
  return overhead * (rateSeconds(c, plan).seconds + 6 * LATENCY_S) + STARTUP_S;
}

const sum = (a: Counts, b: Counts): Counts => Object.fromEntries(GATES.map((g) => [g, a[g] + b[g]])) as Counts;
const times = (a: Counts, k: number): Counts => Object.fromEntries(GATES.map((g) => [g, a[g] * k])) as Counts;
const round = (a: Counts): Counts => Object.fromEntries(GATES.map((g) => [g, Math.round(a[g])])) as Counts;

/**
 * Attendance rows come from the participants report (Heavy) or the past-meeting list (Medium). During a
 * run each session takes whichever gate has room first, after the reads only one gate serves (RateLimiter.first),
 * which makes both tables finish together; the estimate assumes that split: the share read from
 * the report, given what else the run sends on the plan (0: all from past meetings, 1: all from the report).
 */
export function attendanceReportShare(input: EstimateInput): number {
  const { people, plan } = input;
  const skip = input.skip ?? [];
  let rest = baseRun(input, historyOf(input));
  for (const [k, c] of Object.entries(optionalCosts(input, 0))) if (k !== 'attendance' && k !== 'meeting_answers' && !skip.includes(k)) rest = sum(rest, c);
  // Each session's Q&A and poll results come from either table too (meeting-answers.ts, the same choice); its survey from the report only.
  const answers = skip.includes('meeting_answers') ? 0 : 2;
  if (answers) rest = { ...rest, heavy: rest.heavy + people * ASSUMED.meetingsJoined };
  const lh = perSecond('heavy', plan);
  const lm = perSecond('medium', plan);
  const a = people * ASSUMED.meetingsJoined * (1 + answers);
  if (a === 0) return 1;
  // (H + f·a) / lh = (M + (1 − f)·a) / lm
  const f = (lh * (rest.medium + a) - lm * rest.heavy) / (a * (lh + lm));
  return Math.round(Math.min(1, Math.max(0, f)) * 100) / 100;
}

/** Months of history: --from to --to, else the ordinary person's. */
function historyOf(i: EstimateInput): number {
  return i.from ? Math.max(0.1, (parseIsoDay(i.to ?? i.today).getTime() - parseIsoDay(i.from).getTime()) / (30.44 * 86_400_000)) : ASSUMED.historyMonths;
}

export function estimateExport(i: EstimateInput): Estimate {
  const skip = i.skip ?? [];
  const historyMonths = historyOf(i);
  const via = attendanceReportShare(i);
  let run = baseRun(i, historyMonths);
  let runOptional = 0;
  const costs = optionalCosts(i, via);
  const optional: Estimate['optional'] = {};
  for (const [k, c] of Object.entries(costs)) {
    const skipped = skip.includes(k);
    if (!skipped) {
      run = sum(run, c);
      runOptional += total(c);
    }
    optional[k] = { requests: round(c), seconds: 0, skipped };
  }
  // What each optional category adds: the run with everything asked for, less the run without it.
  const all = Object.values(costs).reduce(sum, baseRun(i, historyMonths));
  const allOptional = Object.values(costs).reduce((n, c) => n + total(c), 0);
  const allSeconds = wallSeconds(all, i.plan, allOptional);
  for (const [k, c] of Object.entries(costs)) {
    const without = sum(all, times(c, -1));
    optional[k]!.seconds = Math.round((allSeconds - wallSeconds(without, i.plan, allOptional - total(c))) * 10) / 10;
  }
  const r = rateSeconds(run, i.plan);
  const scan = outsiderScan(i, via);
  return {
    people: i.people,
    plan: i.plan,
    requests: round(run),
    seconds: Math.round(wallSeconds(run, i.plan, runOptional) * 10) / 10,
    binding: r.binding,
    optional,
    attendance_report_share: via,
    outsider_scan: { requests: round(scan), seconds: Math.round((wallSeconds(sum(run, scan), i.plan, runOptional + total(scan)) - wallSeconds(run, i.plan, runOptional)) * 10) / 10 },
    mail_per_thousand_messages_seconds: Math.round((1000 / perSecond('light', i.plan)) * 10) / 10,
    assumptions: { ...ASSUMED, historyMonths: Math.round(historyMonths * 10) / 10 },
  };
}

/** The estimate in plain lines (for a terminal). */
export function formatEstimate(e: Estimate): string {
  const c = (x: Counts) =>
    `Light ${x.light}, Medium ${x.medium}, Heavy ${x.heavy}, Resource-intensive ${x.resource}; Zoom Phone's own table: Light ${x.phone_light}, Medium ${x.phone_medium}, Heavy ${x.phone_heavy}, Resource-intensive ${x.phone_resource}${x.contact_center_light + x.contact_center_medium + x.contact_center_heavy + x.contact_center_resource > 0 ? `; Contact Center's own table: Light ${x.contact_center_light}, Medium ${x.contact_center_medium}, Heavy ${x.contact_center_heavy}, Resource-intensive ${x.contact_center_resource}` : ''}`;
  const lines = [
    `Estimate for ${e.people} ${e.people === 1 ? 'person' : 'people'} on the ${e.plan} plan (nothing was sent to Zoom):`,
    `  requests: ${c(e.requests)}`,
    `  expected time: about ${fmtTime(e.seconds)} (bound by the ${e.binding.replace('phone_', "Zoom Phone's ").replace('contact_center_', "Contact Center's ")} rate limit)`,
    `  attendance rows: ${Math.round(e.attendance_report_share * 100)} % from the participants report (Heavy), the rest from past meetings (Medium), so that both finish together on this plan`,
    'What each optional category adds (leave one out with --skip NAME,…):',
    ...Object.entries(e.optional).map(([k, o]) => `  ${k.padEnd(22)} ${String(total(o.requests)).padStart(6)} requests  +${fmtTime(o.seconds)}${o.skipped ? '  (left out)' : ''}`),
    ...(total(e.outsider_scan.requests) > 0 ? [`If anyone has no Zoom user in this account, their Q&A, poll and survey answers are found by one scan of the account's sessions: about ${total(e.outsider_scan.requests)} more requests, +${fmtTime(e.outsider_scan.seconds)} (not in the time above; --skip meeting_answers leaves it out).`] : []),
    ...(e.optional.mail && !e.optional.mail.skipped ? [`Zoom Mail reads each message on its own (Light): every 1,000 messages in a person's mailbox add about ${fmtTime(e.mail_per_thousand_messages_seconds)} (the counts above assume a small mailbox; --skip mail leaves Mail out).`] : []),
    `Assumes an ordinary person: ${e.assumptions.historyMonths} months of history, ${e.assumptions.meetingsJoined} meetings joined and ${e.assumptions.chatSessions} chat conversations in six months, Zoom Phone for ${Math.round(e.assumptions.phoneShare * 100)} %, an account of ${e.assumptions.accountUsers} users. People with more data take longer.`,
  ];
  return lines.join('\n') + '\n';
}

function fmtTime(s: number): string {
  if (s < 90) return `${Math.round(s * 10) / 10} s`;
  if (s < 5400) return `${Math.round(s / 6) / 10} min`;
  return `${Math.round(s / 360) / 10} h`;
}
