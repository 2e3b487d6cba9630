import { createHmac, timingSafeEqual } from 'node:crypto';
import { Secret } from '../secrets.js';
import {
  DEAUTHORIZED,
  DeauthEventSchema,
  describeIssues,
  ZoomEventSchema,
  type DeauthPayload,
  type ZoomEvent,
} from './event.js';

/**
 * Zoom's webhook signature (developers.zoom.us/docs/api/webhooks, "Verify webhook events";
 * zoom/webhook-sample index.js): `x-zm-signature: v0=HEX(HMAC-SHA256(secret token,
 * "v0:{x-zm-request-timestamp}:{raw body}"))`, the timestamp in Unix seconds.
 * Pure: no I/O, the clock is a parameter.
 */

export const DEFAULT_TOLERANCE_SECONDS = 300;

/** ok: authentic and fresh and well-formed. forged / stale: exit 1. malformed: exit 2. */
export type Verdict = 'ok' | 'forged' | 'stale' | 'malformed';

export interface VerifyInput {
  /** The raw body, byte for byte as Zoom sent it. */
  body: Buffer | string;
  /** x-zm-signature */
  signature: string | undefined;
  /** x-zm-request-timestamp */
  timestamp: string | undefined;
  secret: Secret;
  now: Date;
  toleranceSeconds?: number;
}

export interface VerifyResult {
  verdict: Verdict;
  authentic: boolean;
  fresh: boolean;
  /** Why it is not ok (null when ok). */
  reason: string | null;
  /** Something to try, for people. */
  hint?: string;
  /** The parsed event, only once it is authentic. */
  event: ZoomEvent | null;
  /** For app_deauthorized: the validated payload and the payload object exactly as received. */
  deauth: { payload: DeauthPayload; received: Record<string, unknown> } | null;
  /** The bytes the signature covers (a trailing newline added by an editor is dropped if that is what matched). */
  body: Buffer;
  /** The request timestamp in Unix seconds, and how old it was (negative: from the future). */
  timestampSeconds: number | null;
  ageSeconds: number | null;
  note?: string;
}

/** `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}`: what Zoom puts in x-zm-signature. */
export function signZoomEvent(secret: string | Secret, timestamp: string | number, body: Buffer | string): string {
  return `v0=${mac(secret, timestamp, toBuffer(body)).toString('hex')}`;
}

/** The answer to `endpoint.url_validation`: `{ plainToken, encryptedToken: HEX(HMAC-SHA256(secret, plainToken)) }`. */
export function urlValidationAnswer(secret: string | Secret, plainToken: string): { plainToken: string; encryptedToken: string } {
  const key = typeof secret === 'string' ? secret : secret.reveal();
  return { plainToken, encryptedToken: createHmac('sha256', key).update(plainToken, 'utf8').digest('hex') };
}

function toBuffer(body: Buffer | string): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

function mac(secret: string | Secret, timestamp: string | number, body: Buffer): Buffer {
  const key = typeof secret === 'string' ? secret : secret.reveal();
  return createHmac('sha256', key).update(`v0:${timestamp}:`, 'utf8').update(body).digest();
}

const SIGNATURE = /^v0=([0-9a-fA-F]{64})$/;

/** Constant-time: both sides are 32-byte digests. */
function matches(secret: Secret, timestamp: string, body: Buffer, given: Buffer): boolean {
  const expected = mac(secret, timestamp, body);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function withoutTrailingNewline(body: Buffer): Buffer | null {
  let end = body.length;
  if (end > 0 && body[end - 1] === 0x0a) end--;
  if (end > 0 && body[end - 1] === 0x0d) end--;
  return end === body.length ? null : body.subarray(0, end);
}

export function verifyZoomEvent(input: VerifyInput): VerifyResult {
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const original = toBuffer(input.body);
  const base: VerifyResult = {
    verdict: 'malformed',
    authentic: false,
    fresh: false,
    reason: null,
    event: null,
    deauth: null,
    body: original,
    timestampSeconds: null,
    ageSeconds: null,
  };
  const signature = input.signature?.trim() ?? '';
  const timestamp = input.timestamp?.trim() ?? '';

  const missing = [
    signature === '' ? 'x-zm-signature (--signature)' : null,
    timestamp === '' ? 'x-zm-request-timestamp (--timestamp)' : null,
  ].filter(Boolean);
  if (missing.length > 0) {
    return {
      ...base,
      reason: `missing ${missing.join(' and ')}: an event cannot be verified without the headers Zoom sent with it`,
      hint: 'Pass the values of the x-zm-signature and x-zm-request-timestamp headers of the delivery.',
    };
  }
  if (!/^\d{1,16}$/.test(timestamp)) {
    return { ...base, reason: 'x-zm-request-timestamp is not a Unix time (digits only, in seconds)' };
  }

  // Zoom sends seconds; a 13-digit value is milliseconds.
  const n = Number(timestamp);
  const seconds = timestamp.length >= 13 ? Math.floor(n / 1000) : n;
  const ageSeconds = Math.round(input.now.getTime() / 1000 - seconds);
  const fresh = Math.abs(ageSeconds) <= tolerance;
  const timed = { ...base, timestampSeconds: seconds, ageSeconds, fresh };

  const m = SIGNATURE.exec(signature);
  let body: Buffer | null = null;
  let note: string | undefined;
  if (m) {
    const given = Buffer.from(m[1]!, 'hex');
    if (matches(input.secret, timestamp, original, given)) body = original;
    else {
      const trimmed = withoutTrailingNewline(original);
      if (trimmed && matches(input.secret, timestamp, trimmed, given)) {
        body = trimmed;
        note = 'the signature matches the body without its trailing newline (added when the file was saved)';
      }
    }
  }
  if (!body) {
    return {
      ...timed,
      verdict: 'forged',
      reason: m
        ? 'the signature does not match: the body was changed, or it was signed with another secret token'
        : 'x-zm-signature is not of the form v0=<64 hex digits>',
      hint:
        "Check that ZOOM_WEBHOOK_SECRET_TOKEN is the app's Secret Token (Features > Access > Secret Token, not the old Verification Token), " +
        'that the body is byte for byte what Zoom sent (not re-formatted), and that the timestamp is the one sent with it.',
    };
  }
  const authentic: VerifyResult = { ...timed, authentic: true, body, ...(note ? { note } : {}) };

  // Parse even when stale: `notify` may accept an event the ledger recorded when it was fresh.
  const shape = parseEvent(body);
  if (!fresh) {
    const when = ageSeconds >= 0 ? `${ageSeconds} s old` : `${-ageSeconds} s in the future`;
    return {
      ...authentic,
      event: shape.event,
      deauth: shape.deauth,
      verdict: 'stale',
      reason: `the request timestamp is ${when}, beyond the tolerance of ${tolerance} s: a replayed or saved delivery`,
      hint: "If this is a delivery you saved yourself, widen the window with --tolerance <seconds>; check this machine's clock too.",
    };
  }
  if (shape.problem) return { ...authentic, event: shape.event, reason: shape.problem };
  return { ...authentic, verdict: 'ok', reason: null, event: shape.event, deauth: shape.deauth };
}

function parseEvent(body: Buffer): { event: ZoomEvent | null; deauth: VerifyResult['deauth']; problem?: string } {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (e) {
    return { event: null, deauth: null, problem: `the body is not JSON: ${jsonProblem(body.toString('utf8'), (e as Error).message)}` };
  }
  const parsed = ZoomEventSchema.safeParse(json);
  if (!parsed.success) {
    return { event: null, deauth: null, problem: `the body is not a Zoom event: ${describeIssues(parsed.error)}` };
  }
  if (parsed.data.event !== DEAUTHORIZED) return { event: parsed.data, deauth: null };
  const d = DeauthEventSchema.safeParse(json);
  if (!d.success) {
    return { event: parsed.data, deauth: null, problem: `not a valid app_deauthorized event: ${describeIssues(d.error)}` };
  }
  return {
    event: parsed.data,
    deauth: { payload: d.data.payload, received: (json as { payload: Record<string, unknown> }).payload },
  };
}

/** The exit code of the contract for a verdict. */
export function exitCodeOf(verdict: Verdict): number {
  return verdict === 'ok' ? 0 : verdict === 'malformed' ? 2 : 1;
}

/** JSON.parse's complaint with its character position turned into line:column. */
function jsonProblem(text: string, message: string): string {
  const m = /at position (\d+)/.exec(message);
  const pos = m ? Number(m[1]) : /Unexpected end of JSON input/.test(message) ? text.length : undefined;
  if (pos === undefined) return message;
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `line ${line}, column ${column}: ${message.replace(/ in JSON at position \d+.*$/, '').replace(/^Unexpected end of JSON input$/, 'it ends too early')}`;
}
