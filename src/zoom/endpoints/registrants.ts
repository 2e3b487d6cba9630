import type { ZoomClient } from '../client.js';
import { ZOOM_CODE, ZoomApiError, ZoomRateLimitError } from '../errors.js';
import { listItems } from '../paginate.js';
import { route } from '../route.js';

/**
 * Meeting and webinar registrations and webinar panelists, as Zoom's meetings spec defines them
 * (shared/zoom-api/meetings.openapi.json). Records are returned as Zoom sent them.
 *
 * Ids: meeting and webinar ids are 64-bit integers; zdsar carries them as decimal strings
 * (see sessionIdOf) so they are never narrowed.
 */
type Rec = Record<string, unknown>;

export type SessionKind = 'meeting' | 'webinar';
export const REGISTRANT_STATUSES = ['approved', 'pending', 'denied'] as const;
export type RegistrantStatus = (typeof REGISTRANT_STATUSES)[number];
export type StatusAction = 'approve' | 'cancel' | 'deny';

/** Zoom takes at most 30 registrants per status call (meetingRegistrantStatus, webinarRegistrantStatus). */
export const STATUS_BATCH_MAX = 30;

const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

/** A meeting or webinar id as a decimal string; undefined when the number could not be held exactly. */
export function sessionIdOf(v: unknown): string | undefined {
  if (typeof v === 'string' && /^\d+$/.test(v)) return v;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return String(v);
  return undefined;
}

// ---- the account's hosts ----------------------------------------------------------------

/** GET /users for one status (active, inactive or pending); Zoom allows pages of up to 2000 here. */
export function listUsers(client: ZoomClient, status: 'active' | 'inactive' | 'pending'): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/users'), { status }, { key: 'users', pageSize: 2000, idOf: (u) => str(u.id) });
}

/**
 * A host's meetings. `scheduled` holds upcoming, live and unexpired previous meetings;
 * `previous_meetings` those whose scheduled end has passed. The list items carry no settings:
 * whether a meeting takes registration is only in GET /meetings/{meetingId}.
 */
export function listHostMeetings(client: ZoomClient, userId: string, type: 'scheduled' | 'previous_meetings'): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/users/{userId}/meetings', { userId }), { type }, { key: 'meetings', idOf: (m) => str(m.id) });
}

export function listHostWebinars(client: ZoomClient, userId: string): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/users/{userId}/webinars', { userId }), { type: 'scheduled' }, { key: 'webinars', idOf: (w) => str(w.id) });
}

/** GET /meetings/{meetingId} or /webinars/{webinarId} with every occurrence, past ones included. Light. */
export function getSession(client: ZoomClient, kind: SessionKind, id: string): Promise<Rec> {
  const r = kind === 'meeting' ? route('GET', '/meetings/{meetingId}', { meetingId: id }) : route('GET', '/webinars/{webinarId}', { webinarId: id });
  return client.get(r, { show_previous_occurrences: true });
}

// ---- registrants ------------------------------------------------------------------------

/** One status of a meeting's or webinar's registrants (Zoom's default is approved only); per occurrence if given. Medium. */
export function listRegistrants(client: ZoomClient, kind: SessionKind, id: string, status: RegistrantStatus, occurrenceId?: string): AsyncGenerator<Rec> {
  const r = kind === 'meeting' ? route('GET', '/meetings/{meetingId}/registrants', { meetingId: id }) : route('GET', '/webinars/{webinarId}/registrants', { webinarId: id });
  return listItems(client, r, { status, occurrence_id: occurrenceId }, { key: 'registrants', pageSize: 300, idOf: (x) => str(x.id) });
}

/** DELETE a registrant (204); occurrence_id for recurring sessions with registration_type 2 or 3. Light. */
export async function deleteRegistrant(client: ZoomClient, kind: SessionKind, id: string, registrantId: string, occurrenceId?: string): Promise<{ status: number; body: unknown }> {
  const r =
    kind === 'meeting'
      ? route('DELETE', '/meetings/{meetingId}/registrants/{registrantId}', { meetingId: id, registrantId })
      : route('DELETE', '/webinars/{webinarId}/registrants/{registrantId}', { webinarId: id, registrantId });
  return client.send(r, { query: { occurrence_id: occurrenceId } });
}

/**
 * PUT …/registrants/status: approve, cancel (an approved registration) or deny (a pending one).
 * At most 30 registrants per call; Zoom also allows each registrant 10 status changes per meeting per UTC day.
 * Not retried by the client once it may have been applied (PUT).
 */
export async function updateRegistrantStatus(
  client: ZoomClient,
  kind: SessionKind,
  id: string,
  action: StatusAction,
  registrants: Array<{ id: string; email?: string }>,
  occurrenceId?: string,
): Promise<{ status: number; body: unknown; request: { action: StatusAction; registrants: Array<{ id: string; email?: string }> } }> {
  if (registrants.length === 0 || registrants.length > STATUS_BATCH_MAX) throw new Error(`updateRegistrantStatus: 1 to ${STATUS_BATCH_MAX} registrants per call (got ${registrants.length})`);
  const r = kind === 'meeting' ? route('PUT', '/meetings/{meetingId}/registrants/status', { meetingId: id }) : route('PUT', '/webinars/{webinarId}/registrants/status', { webinarId: id });
  const body = { action, registrants: registrants.map((x) => (x.email ? { id: x.id, email: x.email } : { id: x.id })) };
  const res = await client.send(r, { query: { occurrence_id: occurrenceId }, body });
  return { ...res, request: body };
}

// ---- panelists --------------------------------------------------------------------------

/** GET /webinars/{webinarId}/panelists: one page, no pagination in Zoom's spec. Medium. */
export async function listPanelists(client: ZoomClient, webinarId: string): Promise<Rec[]> {
  const page = await client.get(route('GET', '/webinars/{webinarId}/panelists', { webinarId }));
  return Array.isArray(page.panelists) ? (page.panelists as Rec[]) : [];
}

/** DELETE /webinars/{webinarId}/panelists/{panelistId} (204). Light. */
export function deletePanelist(client: ZoomClient, webinarId: string, panelistId: string): Promise<{ status: number; body: unknown }> {
  return client.send(route('DELETE', '/webinars/{webinarId}/panelists/{panelistId}', { webinarId, panelistId }));
}

// ---- what Zoom's errors mean here ---------------------------------------------------------

/** The meeting or webinar no longer exists (404, code 3001). */
export function isSessionGone(e: unknown): boolean {
  return e instanceof ZoomApiError && (e.code === ZOOM_CODE.meetingNotFound || (e.status === 404 && e.code === undefined));
}

/**
 * The registrant is not (or no longer) there: 404; code 3079 "This registrant does not exist";
 * code 3000 "Registrant … was not found"; code 300 "The value that you entered for the Registrant ID field is invalid".
 */
export function isRegistrantGone(e: unknown): boolean {
  if (!(e instanceof ZoomApiError) || e instanceof ZoomRateLimitError) return false;
  if (e.code === ZOOM_CODE.meetingNotFound) return false;
  if (e.status === 404) return true;
  if (e.code === 3079) return true;
  const m = e.zoomMessage;
  if (e.code === 3000 && /registrant .*not (be )?found|registrant.*does not exist/i.test(m)) return true;
  if (e.code === ZOOM_CODE.invalidField && /registrant id/i.test(m)) return true;
  return false;
}

/** Registration is not enabled for the session (code 300 or 3000 with that message): it has no registrants to list. */
export function isRegistrationOff(e: unknown): boolean {
  return e instanceof ZoomApiError && /registration (has not been|is not) enabled|does not have registration/i.test(e.zoomMessage);
}

/** The host has no webinar plan (400, code 200 "Webinar plan is missing"): the host has no webinars. */
export function isWebinarPlanMissing(e: unknown): boolean {
  return e instanceof ZoomApiError && e.code === 200 && /webinar plan|subscription/i.test(e.zoomMessage);
}

/** The host may not host meetings at all (code 3161): no meetings to look in. */
export function isHostingDisabled(e: unknown): boolean {
  return e instanceof ZoomApiError && e.code === 3161;
}

/** The user does not exist any more (404, code 1001): deleted between the user list and the meeting list. */
export function isUserGone(e: unknown): boolean {
  return e instanceof ZoomApiError && (e.code === ZOOM_CODE.userNotFound || (e.status === 404 && e.code === undefined));
}

/**
 * The per-registrant limit of status changes (10 per registrant per meeting per UTC day). Zoom's
 * answer is not documented; a 429 naming a registrant, or a message like "can only be changed 10 times per day".
 */
export function isRegistrantDailyLimit(e: unknown): boolean {
  if (!(e instanceof ZoomApiError)) return false;
  const m = e.zoomMessage;
  if (/(\d+|ten) times (per|a) day|status changes? per|per registrant/i.test(m)) return true;
  return e.status === 429 && /registrant/i.test(m);
}
