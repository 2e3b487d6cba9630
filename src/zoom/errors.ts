/**
 * Zoom's errors, in one place: the typed errors the Zoom layer throws, what is fatal for a run,
 * and the one line that describes any of them to a person.
 */
import { AuthError, ConnectionError } from '../errors.js';
import { redact } from '../secrets.js';
import type { RateCategory } from './categories.generated.js';
import { parseRetryAfter } from './retry.js';
import { SCOPES } from './route.js';

/** Zoom's documented error codes that change what zdsar does. */
export const ZOOM_CODE = {
  invalidToken: 124,
  invalidField: 300,
  userNotFound: 1001,
  meetingNotFound: 3001,
  noScope: 4711,
  noPermission: 4700,
} as const;

export interface ZoomErrorInit {
  status: number;
  code?: number;
  message: string;
  method: string;
  path: string;
  /** The spec's path template, e.g. /users/{userId}/meetings: how scopes are looked up. */
  template?: string;
  category?: RateCategory;
  body?: unknown;
  /** Zoom's x-zm-trackingid: what Zoom support asks for. */
  trackingId?: string;
}

type Headers = Record<string, string | string[] | undefined>;

/** Zoom's `x-zm-trackingid` answer header, when it sent one. */
export function trackingIdOf(headers: Headers | undefined): string | undefined {
  const v = headers?.['x-zm-trackingid'];
  const s = Array.isArray(v) ? v[0] : v;
  return s && s.trim() !== '' ? s.trim().slice(0, 200) : undefined;
}

/** An HTTP answer from Zoom that was not a success: status, Zoom's code and message, the request (no secrets), Zoom's tracking id. */
export class ZoomApiError extends Error {
  readonly status: number;
  readonly code: number | undefined;
  readonly zoomMessage: string;
  readonly method: string;
  readonly path: string;
  readonly template: string | undefined;
  readonly category: RateCategory | undefined;
  readonly body: unknown;
  readonly trackingId: string | undefined;
  constructor(init: ZoomErrorInit) {
    const codePart = init.code !== undefined ? ` (code ${init.code})` : '';
    const tracking = init.trackingId ? ` (Zoom tracking id ${init.trackingId})` : '';
    super(redact(`Zoom answered ${init.status}${codePart} to ${init.method} ${init.path}: ${init.message}${tracking}`));
    this.name = new.target.name;
    this.status = init.status;
    this.code = init.code;
    this.zoomMessage = redact(init.message);
    this.method = init.method;
    this.path = redact(init.path);
    this.template = init.template;
    this.category = init.category;
    this.body = init.body;
    this.trackingId = init.trackingId ? redact(init.trackingId) : undefined;
  }

  /** Zoom says the token lacks a scope this endpoint needs: a failure, never "no data". */
  get isMissingScope(): boolean {
    return this.code === ZOOM_CODE.noScope || this.code === ZOOM_CODE.noPermission || /scope/i.test(this.zoomMessage);
  }
}

/**
 * 429. kind 'daily' means: stop this category until retryAt; do not retry soon. 'user_daily' is a
 * per-user or per-registrant daily limit ("…for this particular user"): only this user's requests of
 * this kind wait for tomorrow; the account's category goes on for everyone else.
 */
export class ZoomRateLimitError extends ZoomApiError {
  constructor(
    init: ZoomErrorInit,
    readonly kind: 'qps' | 'daily' | 'user_daily',
    readonly retryAt: Date | undefined,
  ) {
    super(init);
  }
}

/** The OAuth server refused the app's credentials (exit 3). */
export class ZoomCredentialsError extends AuthError {}

const NET_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ETIMEDOUT: 'connection timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'host unreachable',
  UND_ERR_SOCKET: 'connection closed',
  UND_ERR_CLOSED: 'connection closed',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no answer in time',
  UND_ERR_BODY_TIMEOUT: 'the answer stalled',
};

/**
 * Zoom's API or OAuth server could not be reached, or its answer was cut off, after the retries the
 * policy allows. A connection problem (exit 1 with the cause), never "bad credentials".
 */
export class ZoomConnectionError extends ConnectionError {
  readonly server: 'api' | 'oauth';
  readonly host: string;
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly causeCode: string | undefined;
  constructor(o: { server: 'api' | 'oauth'; url: URL | string; method?: string; path?: string; code?: string; detail?: string; cut?: boolean }) {
    const host = hostOf(o.url);
    const what = o.server === 'oauth' ? `Zoom's OAuth server at ${host}` : `Zoom's API server at ${host}`;
    const cause = [o.code ? (NET_WORDS[o.code] ?? 'network error') + ` (${o.code})` : undefined, o.detail && !o.code ? o.detail : undefined].filter(Boolean).join(': ') || 'network error';
    const req = o.method && o.path ? ` (${o.method} ${o.path})` : '';
    super(
      redact(o.cut ? `the answer from ${what} was cut off${req}: ${cause}` : `could not connect to ${what}${req}: ${cause}`),
      `Check the network and ${o.server === 'oauth' ? 'ZOOM_OAUTH_URL' : 'ZOOM_API_URL'}, then run the same command again; what was saved is kept.`,
    );
    this.name = 'ZoomConnectionError';
    this.server = o.server;
    this.host = host;
    this.method = o.method;
    this.path = o.path === undefined ? undefined : redact(o.path);
    this.causeCode = o.code;
  }
}

function hostOf(u: URL | string): string {
  try {
    return (typeof u === 'string' ? new URL(u) : u).host;
  } catch {
    return String(u);
  }
}

/** Zoom's wording of a per-user or per-registrant daily limit (not the account's). */
const PER_USER_LIMIT = /for this particular (user|registrant)|per (user|registrant) per day/i;

export function zoomError(init: Omit<ZoomErrorInit, 'trackingId'>, headers: Headers, now = Date.now()): ZoomApiError {
  const full: ZoomErrorInit = { ...init, trackingId: trackingIdOf(headers) };
  if (init.status === 429) {
    const type = String(headers['x-ratelimit-type'] ?? '').toLowerCase();
    const daily = type.includes('daily') || /daily/i.test(init.message);
    const kind = PER_USER_LIMIT.test(init.message) ? 'user_daily' : daily ? 'daily' : 'qps';
    // Without a Retry-After header, Zoom's daily messages still say "You may resume these requests at GMT 00:00:00".
    const retryAt = parseRetryAfter(headers['retry-after'], now) ?? (/GMT 00:00:00/.test(init.message) ? nextUtcMidnight(now) : undefined);
    return new ZoomRateLimitError(full, kind, retryAt);
  }
  return new ZoomApiError(full);
}

function nextUtcMidnight(now: number): Date {
  const d = new Date(now);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1));
}

/**
 * The one meaning of "fatal": no further request of this run can succeed, so the run stops and
 * stays resumable. The app's credentials or scopes were refused (exit 3), or Zoom's rate limit
 * holds for longer than zdsar waits (an account's daily limit, or a Retry-After beyond the client's
 * wait). A per-user daily limit is not: only that user's requests wait. An abort is not in here:
 * callers check their own signal.
 */
export function isFatal(e: unknown): boolean {
  if (e instanceof ZoomCredentialsError) return true;
  if (e instanceof ZoomRateLimitError) return e.kind !== 'user_daily' && (e.kind === 'daily' || e.retryAt !== undefined);
  return e instanceof ZoomApiError && (e.status === 401 || e.isMissingScope);
}

/**
 * One line for a person: Zoom's status, code, message and tracking id; the scope to add when one is
 * missing; when a rate limit lifts. `resumeWith`: the command that continues the work (e.g.
 * "zdsar requests resume"), named in a rate limit's line.
 */
export function describeError(e: unknown, resumeWith?: string): string {
  if (e instanceof ZoomRateLimitError) {
    const when = e.retryAt?.toISOString();
    if (e.kind === 'user_daily') {
      const next = resumeWith ? (when ? `; run \`${resumeWith}\` after ${when}` : `; run \`${resumeWith}\` tomorrow (UTC)`) : when ? `; Zoom accepts them again after ${when}` : '; Zoom accepts them again tomorrow (UTC)';
      return `Zoom's daily limit for this one user was reached (other people are not affected)${next}: ${e.zoomMessage}`;
    }
    const next = resumeWith ? (when ? `; run \`${resumeWith}\` after ${when}` : `; run \`${resumeWith}\` later`) : when ? `; Zoom accepts them again after ${when}` : '; resume later';
    return `Zoom's ${e.kind === 'daily' ? 'daily ' : ''}rate limit for ${e.category ?? 'these'} requests was reached${next}`;
  }
  if (e instanceof ZoomApiError && e.isMissingScope) {
    const scopes = e.template ? SCOPES.get(`${e.method} ${e.template}`) : undefined;
    const need = scopes ? ` (add the scope ${scopes.granular.find((s) => s.endsWith(':admin')) ?? scopes.granular[0] ?? scopes.classic[0]} to the app)` : '';
    return `missing scope: ${e.zoomMessage}${need}${e.trackingId ? ` (Zoom tracking id ${e.trackingId})` : ''}`;
  }
  return redact((e as Error)?.message ?? String(e));
}

/**
 * The one table of Zoom's answers that are not a failure, scoped per operation ("GET /path/{template}"):
 * a code means only what the spec documents it to mean at that operation. Two outcomes:
 * - no_data: Zoom serves nothing here, for a documented reason (a free host, no Phone licence);
 * - gone: the item existed when a list named it and Zoom documents it as deleted, expired or trashed since.
 * Any other error is a failure naming its cause (a Phone 400/300 "Invalid user id" or 404 code 404
 * "Site does not exist" is not "no Zoom Phone"; 400/3161 on the summary list is about the caller).
 */
export type AnswerOutcome = 'no_data' | 'gone';

export interface AnswerMeaning {
  status: number;
  /** Zoom's code; absent: any (only for LISTED_FILE_URL, whose meaning is HTTP's). */
  code?: number;
  message?: RegExp;
  outcome: AnswerOutcome;
  reason: string;
}

const PAID_ONLY = /only available for paid/i;
const NO_PHONE_ACCOUNT: AnswerMeaning = { status: 403, code: 2031, outcome: 'no_data', reason: 'the account has no Zoom Phone (403 code 2031)' };
// The person is a user of the account (GET /users found them): Phone not knowing them means no Phone licence.
const NO_PHONE_USER: AnswerMeaning = { status: 404, code: 1001, outcome: 'no_data', reason: 'this user has no Zoom Phone licence (Phone answered 404 code 1001)' };
const PHONE_USER = [NO_PHONE_ACCOUNT, NO_PHONE_USER];
const MEETING_GONE: AnswerMeaning = { status: 404, code: 3001, outcome: 'gone', reason: 'Zoom no longer has this meeting: deleted or expired (404 code 3001)' };
const WEBINAR_GONE: AnswerMeaning = { status: 404, code: 3001, outcome: 'gone', reason: 'Zoom no longer has this webinar: deleted or expired (404 code 3001)' };
const YEAR_AGO: AnswerMeaning = { status: 400, code: 12702, outcome: 'gone', reason: 'older than Zoom keeps participants (400 code 12702 "Can not access a meeting a year ago")' };
const AGED: AnswerMeaning = { status: 400, code: 12702, outcome: 'gone', reason: 'older than Zoom keeps its results (400 code 12702 "Can not access a meeting a year ago")' };
const OTHER_ACCOUNT: AnswerMeaning = { status: 400, code: 1010, outcome: 'no_data', reason: "hosted outside this account: Zoom reports on it only to the host's account (400 code 1010)" };
const HOST_NOT_PAID: AnswerMeaning = { status: 400, code: 200, message: PAID_ONLY, outcome: 'no_data', reason: 'its host is on a free plan: Zoom keeps this for paid accounts only (400 code 200)' };

/** clips.openapi.json, comments and collaborators: 404 code 2000 "Clip does not exist: {clipId}". */
const CLIP_GONE: AnswerMeaning = { status: 404, code: 2000, outcome: 'gone', reason: 'deleted since the clip list named it (404 code 2000 "Clip does not exist")' };

/** A download operation's "File does not exist" (phone.openapi.json: 400, code 404). */
const fileGone = (what: string): AnswerMeaning => ({ status: 400, code: 404, message: /file does not exist/i, outcome: 'gone', reason: `deleted since the ${what} list named it (400 code 404 "File does not exist")` });

/**
 * A file's own URL as a list gave it (a recording file's, a chat file's or an MMS attachment's
 * download_url, the storage a download is redirected to): not an operation of the specs, so its
 * answer means what HTTP says. 404 Not Found: the file is no longer there, deleted since it was listed.
 */
export const LISTED_FILE_URL = '{download_url}';

/** Zoom's error answer to one request: what answerMeaning reads (a ZoomApiError is one; so is a failed download's). */
export interface ZoomAnswer {
  method: string;
  template?: string;
  status: number;
  code?: number;
  zoomMessage: string;
}

const EVENT_GONE: AnswerMeaning = { status: 404, code: 2002, outcome: 'gone', reason: "the event was deleted since the account's event list named it (404 code 2002 \"Event not found.\")" };

export const ANSWER_MEANINGS: Readonly<Record<string, readonly AnswerMeaning[]>> = {
  'GET /users/{userId}/recordings': [{ status: 404, code: 3301, outcome: 'no_data', reason: 'Zoom has no cloud recording for this person (404 code 3301)' }],
  // The person may not host: no meeting of theirs to list.
  'GET /users/{userId}/meetings': [{ status: 400, code: 3161, outcome: 'no_data', reason: 'this user may not host or schedule meetings (400 code 3161)' }],
  'GET /report/users/{userId}/meetings': [{ status: 400, code: 200, message: PAID_ONLY, outcome: 'no_data', reason: 'Zoom keeps this report for paid accounts only (400 code 200)' }],
  'GET /users/{userId}/webinars': [{ status: 400, code: 200, message: /webinar plan is missing/i, outcome: 'no_data', reason: 'this user has no webinar licence (code 200 "Webinar plan is missing")' }],
  'GET /past_meetings/{meetingId}/participants': [HOST_NOT_PAID, MEETING_GONE, YEAR_AGO],
  'GET /report/meetings/{meetingId}/participants': [OTHER_ACCOUNT, MEETING_GONE, YEAR_AGO],
  'GET /past_webinars/{webinarId}/participants': [HOST_NOT_PAID, WEBINAR_GONE],
  'GET /report/webinars/{webinarId}/participants': [OTHER_ACCOUNT, WEBINAR_GONE, { ...YEAR_AGO, reason: 'older than Zoom keeps participants (400 code 12702 "Can not access a webinar a year ago")' }],
  'GET /meetings/meeting_summaries': [{ status: 400, code: 200, message: PAID_ONLY, outcome: 'no_data', reason: 'Zoom serves AI Companion summaries for paid accounts only (400 code 200)' }],
  'GET /meetings/{meetingId}/meeting_summary': [
    { status: 404, code: 3001, outcome: 'gone', reason: "deleted since the account's summary list named it (404 code 3001)" },
    { status: 403, code: 2305, message: /moved to trash/i, outcome: 'gone', reason: 'in the trash: Zoom does not serve a trashed summary (403 code 2305)' },
    HOST_NOT_PAID,
  ],
  'GET /chat/users/{userId}/messages': [
    { status: 404, code: 1001, outcome: 'gone', reason: 'the contact no longer exists (404 code 1001)' },
    { status: 404, code: 4130, outcome: 'gone', reason: 'the channel no longer exists (404 code 4130)' },
  ],
  // Zoom Events (issue 28): an event deleted since the account's event list named it.
  'GET /zoom_events/events/{eventId}/tickets': [EVENT_GONE],
  'GET /zoom_events/events/{eventId}/registrants': [EVENT_GONE],
  // Revenue Accelerator: a host it does not know (not a Revenue Accelerator user) has no conversation.
  'GET /zra/conversations': [{ status: 404, code: 1005, outcome: 'no_data', reason: 'Revenue Accelerator knows no conversation host by this user (404 code 1005 "Host or participant does not exist")' }],
  'GET /zra/conversations/{conversationId}': [{ status: 404, code: 1005, outcome: 'gone', reason: 'deleted since the conversation list named it (404 code 1005)' }],
  'GET /zra/conversations/{conversationId}/interactions': [{ status: 404, code: 1005, outcome: 'gone', reason: 'deleted since the conversation list named it (404 code 1005)' }],
  'GET /phone/voice_mails/{voicemailId}': [{ status: 400, code: 300, message: /voice ?mail does not exist/i, outcome: 'gone', reason: 'deleted since the voicemail list named it (400 code 300 "Voice mail does not exist")' }],
  'GET /phone/users/{userId}': PHONE_USER,
  'GET /phone/users/{userId}/settings': PHONE_USER,
  // call_history documents no 404 code 1001 (phone_profile, asked first, settles "no Phone licence").
  'GET /phone/users/{userId}/call_history': [NO_PHONE_ACCOUNT],
  'GET /phone/users/{userId}/recordings': PHONE_USER,
  'GET /phone/users/{userId}/voice_mails': PHONE_USER,
  'GET /phone/users/{userId}/sms/sessions': PHONE_USER,
  'GET /clips/{clipId}/comments': [CLIP_GONE],
  'GET /clips/{clipId}/collaborators': [CLIP_GONE],
  // --with-files: each file a category lists is an item too.
  'GET /phone/recording/download/{fileId}': [fileGone('call recording')],
  'GET /phone/voice_mails/download/{fileId}': [fileGone('voicemail')],
  'GET /phone/recording_transcript/download/{recordingId}': [
    fileGone('call recording'),
    { status: 400, code: 12000, outcome: 'no_data', reason: 'Zoom could not transcribe this recording (400 code 12000)' },
    { status: 400, code: 12001, outcome: 'no_data', reason: 'the admin has turned transcription off (400 code 12001)' },
  ],
  'GET /clips/{clipId}/download': [{ status: 404, code: 10002, outcome: 'gone', reason: 'deleted since the clip list named it (404 code 10002 "clip not found or not ready")' }],
  [`GET ${LISTED_FILE_URL}`]: [{ status: 404, outcome: 'gone', reason: 'deleted since it was listed (the file answered 404 Not Found)' }],
  // Issue 28: what people said in meetings and webinars (meetings.openapi.json, each operation's documented answers).
  'GET /past_meetings/{meetingId}/qa': [{ ...OTHER_ACCOUNT, status: 401 }, MEETING_GONE],
  'GET /past_meetings/{meetingId}/polls': [AGED],
  'GET /past_webinars/{webinarId}/qa': [WEBINAR_GONE],
  'GET /past_webinars/{webinarId}/polls': [WEBINAR_GONE],
  'GET /report/meetings/{meetingId}/qa': [MEETING_GONE],
  'GET /report/meetings/{meetingId}/polls': [MEETING_GONE, AGED],
  'GET /report/meetings/{meetingId}/survey': [OTHER_ACCOUNT, MEETING_GONE, AGED],
  'GET /report/webinars/{webinarId}/qa': [WEBINAR_GONE],
  'GET /report/webinars/{webinarId}/polls': [OTHER_ACCOUNT, WEBINAR_GONE, AGED],
  'GET /report/webinars/{webinarId}/survey': [OTHER_ACCOUNT, WEBINAR_GONE, AGED],
  'GET /meetings/{meetingId}/transcript': [{ status: 404, code: 3322, outcome: 'no_data', reason: 'this meeting has no transcript (404 code 3322 "This meeting transcript does not exist")' }],
  // The meeting was listed as held (the report of meetings joined): "Meeting does not exist" here means no archive of it.
  'GET /past_meetings/{meetingUUID}/archive_files': [{ status: 404, code: 3001, outcome: 'no_data', reason: 'Zoom holds no archive of this meeting (404 code 3001): archiving was off for it' }],
  // Zoom Mail documents a bare 404 "Not Found" for one message or draft: deleted since the list named it.
  'GET /emails/mailboxes/{email}/messages/{messageId}': [{ status: 404, code: 404, outcome: 'gone', reason: 'deleted since the message list named it (404)' }],
  'GET /emails/mailboxes/{email}/drafts/{draftId}': [{ status: 404, code: 404, outcome: 'gone', reason: 'deleted or sent since the draft list named it (404)' }],
};

/** What a Zoom error means at the operation it answered (ANSWER_MEANINGS), or undefined: a failure. */
export function answerMeaning(e: unknown): { outcome: AnswerOutcome; reason: string } | undefined {
  const a: ZoomAnswer | undefined = e instanceof ZoomApiError ? (e.isMissingScope ? undefined : e) : (e as { answer?: ZoomAnswer } | undefined)?.answer;
  if (!a?.template) return undefined;
  for (const m of ANSWER_MEANINGS[`${a.method} ${a.template}`] ?? []) {
    if (m.status !== a.status || (m.code !== undefined && m.code !== a.code)) continue;
    if (m.message && !m.message.test(a.zoomMessage)) continue;
    return { outcome: m.outcome, reason: m.reason };
  }
  return undefined;
}

/** Why an error means "no data" at its operation, or undefined (a failure, or an item gone: see answerMeaning). */
export function noDataMeaning(e: unknown): string | undefined {
  const m = answerMeaning(e);
  return m?.outcome === 'no_data' ? m.reason : undefined;
}

/**
 * Zoom refused a window because it lies outside what it serves: not a failure, a limit. Either Zoom says so
 * ("within the last six months"), or `beyondSixMonths`: the window starts before Zoom's past six months, on a
 * list whose spec states no such limit (the account's call recordings) but whose one documented 400 is code
 * 300 "Validation failed": that answer there is read as Zoom keeping the six months its user list states.
 * The same 400 on a window within the six months is a failure (the caller does not set `beyondSixMonths`).
 */
export function isOutsideServedWindow(e: unknown, beyondSixMonths = false): boolean {
  if (!(e instanceof ZoomApiError) || e.status !== 400) return false;
  return /six months|6 months/i.test(e.zoomMessage) || (beyondSixMonths && e.code === ZOOM_CODE.invalidField);
}
