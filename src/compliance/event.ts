import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * Zoom's `app_deauthorized` event and the `endpoint.url_validation` challenge.
 *
 * Shapes seen in the wild (shared/zoom-api/README.md, seed 000):
 * - older deliveries: `user_data_retention: "false"` / `"true"` (a string);
 * - a 2025 delivery: `user_data_retention: null`;
 * - the current schema (marketplace-webhooks.openapi.json): no `user_data_retention` at all.
 * Booleans are accepted too. Unknown fields are kept (looseObject) so the payload can be
 * echoed back to Zoom exactly as received.
 */

export const DEAUTHORIZED = 'app_deauthorized';
export const URL_VALIDATION = 'endpoint.url_validation';

/** Any Zoom event: a JSON object with an `event` name and a `payload` object. */
export const ZoomEventSchema = z.looseObject({
  event: z.string().min(1),
  event_ts: z.union([z.number(), z.string()]).optional(),
  payload: z.looseObject({}),
});
export type ZoomEvent = z.infer<typeof ZoomEventSchema>;

const retentionSchema = z
  .union([z.boolean(), z.string(), z.null()])
  .optional()
  .refine((v) => v === undefined || v === null || typeof v === 'boolean' || /^\s*(true|false)\s*$/i.test(v), {
    message: 'must be true or false (a boolean or the string "true"/"false"), null, or absent',
  });

// No transforms: the payload is echoed back to Zoom exactly as received.
const nonEmpty = z.string().refine((v) => v.trim().length > 0, 'must not be empty');

export const DeauthPayloadSchema = z.looseObject({
  account_id: nonEmpty,
  user_id: nonEmpty,
  client_id: nonEmpty,
  deauthorization_time: z
    .string()
    .refine((v) => !Number.isNaN(Date.parse(v)), 'must be a date-time (e.g. 2019-06-17T13:52:28.632Z)'),
  signature: z.string().optional(),
  user_data_retention: retentionSchema,
});
export type DeauthPayload = z.infer<typeof DeauthPayloadSchema>;

export const DeauthEventSchema = z.looseObject({
  event: z.literal(DEAUTHORIZED),
  event_ts: z.union([z.number(), z.string()]).optional(),
  payload: DeauthPayloadSchema,
});
export type DeauthEvent = z.infer<typeof DeauthEventSchema>;

export const UrlValidationSchema = z.looseObject({
  event: z.literal(URL_VALIDATION),
  payload: z.looseObject({
    // Zoom's tokens are short base64url-like strings. Refusing ':' (and anything exotic)
    // keeps the challenge from being used as an oracle that signs "v0:{ts}:{body}" messages.
    plainToken: z.string().regex(/^[A-Za-z0-9_\-+/=.]{1,256}$/, 'must be a short token of letters, digits and -_+/=.'),
  }),
});

/**
 * What the user asked for their data:
 * - `retain`: user_data_retention true: they allowed the app to keep it; no notice is owed.
 * - `delete`: user_data_retention false: delete within ten days and notify Zoom.
 * - `unspecified`: null or absent (Zoom removed the field): the obligation is still to delete
 *   and keep evidence; the notice is sent where Zoom's endpoint still answers.
 */
export type Retention = 'retain' | 'delete' | 'unspecified';

export function retentionOf(value: unknown): Retention {
  if (value === true) return 'retain';
  if (value === false) return 'delete';
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (v === 'true') return 'retain';
    if (v === 'false') return 'delete';
  }
  return 'unspecified';
}

/** How the field looked, for evidence: "string \"false\"", "boolean true", "null", "absent". */
export function retentionRaw(payload: Record<string, unknown>): string {
  if (!Object.hasOwn(payload, 'user_data_retention')) return 'absent';
  const v = payload.user_data_retention;
  if (v === null) return 'null';
  if (typeof v === 'string') return `string ${JSON.stringify(v)}`;
  return `${typeof v} ${String(v)}`;
}

/** Zoom's compliance deadline: ten days after the user deauthorized the app. */
export const DEADLINE_MS = 10 * 24 * 60 * 60 * 1000;

export function dueAt(payload: DeauthPayload): Date {
  return new Date(Date.parse(payload.deauthorization_time) + DEADLINE_MS);
}

/**
 * One key per deauthorization, whatever the delivery: Zoom retries a delivery with a new
 * timestamp (and may re-serialise the body), so the key is built from the fields that name
 * the deauthorization itself, not from the raw bytes.
 */
export function eventKey(payload: DeauthPayload): string {
  const h = createHash('sha256');
  h.update(
    JSON.stringify([DEAUTHORIZED, payload.client_id, payload.account_id, payload.user_id, payload.deauthorization_time]),
  );
  return `zoom-deauth:${h.digest('hex')}`;
}

/**
 * The summary kept in the ledger (no secrets: these are ids Zoom sent in the clear).
 * `deauthorized_at` rather than Zoom's `deauthorization_time`: the ledger drops option keys
 * that look like secrets, and "authorization" is one of the words it looks for.
 */
export function summarize(payload: DeauthPayload) {
  return {
    account_id: payload.account_id,
    user_id: payload.user_id,
    client_id: payload.client_id,
    deauthorized_at: payload.deauthorization_time,
    retention: retentionOf(payload.user_data_retention),
    user_data_retention: retentionRaw(payload),
    compliance_due_at: dueAt(payload).toISOString(),
  };
}

/** The body Zoom documents for POST /oauth/data/compliance (marketplace.zoom.us/docs/guides/publishing/data-compliance). */
export interface ComplianceBody {
  client_id: string;
  user_id: string;
  account_id: string;
  deauthorization_event_received: Record<string, unknown>;
  compliance_completed: true;
}

/**
 * `received` is the payload object exactly as JSON.parse gave it (every field, Zoom's order,
 * user_data_retention as sent: "false", null, or left out when Zoom left it out).
 */
export function complianceBody(payload: DeauthPayload, received: Record<string, unknown>): ComplianceBody {
  return {
    client_id: payload.client_id,
    user_id: payload.user_id,
    account_id: payload.account_id,
    deauthorization_event_received: received,
    compliance_completed: true,
  };
}

/** A zod issue as "payload.user_id: must not be empty". */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(event)'}: ${i.message}`)
    .join('; ');
}
