import type { ZoomClient } from '../client.js';
import { ZoomApiError } from '../errors.js';
import { listItems, type DateWindow } from '../paginate.js';
import { route, SCOPES } from '../route.js';

/**
 * The reads of Zoom Workplace beyond meetings and phone (issue 27), as Zoom's specs define them
 * (clips, calendar, scheduler, rooms and ai-companion). Each returns Zoom's records untouched.
 */
type Rec = Record<string, unknown>;
const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
const dayStart = (d: string) => `${d}T00:00:00Z`;
const dayEnd = (d: string) => `${d}T23:59:59Z`;

// ---------------------------------------------------------------- Clips (clips.openapi.json, all Light)

/**
 * A user's clips created in one window of at most a month ("The maximum range can be a month"), every
 * status (soft-deleted ones included). CREATED_DATE, not the default MODIFIED_DATE: a clip's creation
 * date never moves, so each clip is in exactly one window. Page 30..300.
 */
export function listClips(client: ZoomClient, userId: string, w: DateWindow): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/clips'), { user_id: userId, date_filter_type: 'CREATED_DATE', from: dayStart(w.from), to: dayEnd(w.to) }, { key: 'data', pageSize: 300, idOf: (c) => str(c.clip_id) });
}

/** A clip's comments (page ≤ 50: the answer's `data` has maxItems 50). */
export function listClipComments(client: ZoomClient, clipId: string): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/clips/{clipId}/comments', { clipId }), {}, { key: 'data', pageSize: 50, idOf: (c) => str(c.comment_id) });
}

/** A clip's collaborators (page ≤ 300). */
export function listClipCollaborators(client: ZoomClient, clipId: string): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/clips/{clipId}/collaborators', { clipId }), {}, { key: 'data', pageSize: 300 });
}

// ---------------------------------------------------------------- Calendar (calendar.openapi.json)

/** The spec gives no maximum for maxResults; 250 is the Google Calendar API's, whose shape this API follows. */
const CALENDAR_PAGE = 250;

/** The calendars in a user's calendar list, hidden and deleted ones too (Heavy; user-level scope only). */
export function listCalendars(client: ZoomClient, userId: string): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/calendars/users/{userIdentifier}/calendarList', { userIdentifier: userId }), { showDeleted: true, showHidden: true }, { key: 'items', pageSize: CALENDAR_PAGE, style: 'google', idOf: (c) => str(c.id) });
}

/** A calendar's events meeting [from, to], cancelled ones included (showDeleted) (Medium). */
export function listCalendarEvents(client: ZoomClient, calId: string, w: DateWindow): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/calendars/{calId}/events', { calId }), { showDeleted: true, timeMin: dayStart(w.from), timeMax: `${w.to}T23:59:59Z` }, { key: 'items', pageSize: CALENDAR_PAGE, style: 'google', idOf: (e) => str(e.id) });
}

/** One event (Light). */
export function getCalendarEvent(client: ZoomClient, calId: string, eventId: string): Promise<Rec> {
  return client.get(route('GET', '/calendars/{calId}/events/{eventId}', { calId, eventId }));
}

/** A user's calendar settings (Medium; user-level scope only). */
export function listCalendarSettings(client: ZoomClient, userId: string): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/calendars/users/{userIdentifier}/settings', { userIdentifier: userId }), {}, { key: 'items', pageSize: CALENDAR_PAGE, style: 'google', idOf: (s) => str(s.id) });
}

// ---------------------------------------------------------------- Scheduler (scheduler.openapi.json, all Light)

/** The spec gives no maximum for page_size here; 100 stays well inside Zoom's usual 300. */
const SCHEDULER_PAGE = 100;

/** A user's scheduled events (bookings), cancelled ones included (show_deleted), meeting [from, to]. */
export function listScheduledEvents(client: ZoomClient, userId: string, w: DateWindow): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/scheduler/events'), { user_id: userId, show_deleted: true, from: dayStart(w.from), to: dayEnd(w.to) }, { key: 'items', pageSize: SCHEDULER_PAGE, idOf: (e) => str(e.event_id) });
}

/** A user's schedules (booking pages), deleted ones included. */
export function listSchedules(client: ZoomClient, userId: string): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/scheduler/schedules'), { user_id: userId, show_deleted: true }, { key: 'items', pageSize: SCHEDULER_PAGE, idOf: (s) => str(s.schedule_id) });
}

/** A user's availability schedules. */
export function listAvailability(client: ZoomClient, userId: string): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/scheduler/availability'), { user_id: userId }, { key: 'items', pageSize: SCHEDULER_PAGE, idOf: (a) => str(a.availability_id) });
}

// ---------------------------------------------------------------- Workspace reservations (rooms.openapi.json)

/** A user's desk and room reservations in one window of at most 14 days (Light; no paging, ≤ 1000 per answer). */
export async function* listReservations(client: ZoomClient, userId: string, w: DateWindow): AsyncGenerator<Rec> {
  const page = await client.get(route('GET', '/workspaces/users/{userId}/reservations', { userId }), { from: dayStart(w.from), to: dayEnd(w.to) });
  const list = page.reservations;
  if (Array.isArray(list)) yield* list as Rec[];
}

// ---------------------------------------------------------------- AI Companion (ai-companion.openapi.json)

/** A user's AI Companion conversation archive: a download link and the files (Light). */
export function getAicArchive(client: ZoomClient, userId: string): Promise<Rec> {
  return client.get(route('GET', '/aic/users/{userId}/conversation_archive', { userId }));
}

// ---------------------------------------------------------------- Mail (mail.openapi.json)

/** "The maximum allowed value for this field is 500" (messages, threads, drafts). */
const MAIL_PAGE = 500;
const box = (email: string) => ({ email });

/** A mailbox's profile (Light): its address, status, counts, and whether end-to-end encryption is on (`encryptionEnabled`). 404: no mailbox. */
export function getMailProfile(client: ZoomClient, email: string): Promise<Rec> {
  return client.get(route('GET', '/emails/mailboxes/{email}/profile', box(email)));
}

/** Every message of a mailbox, SPAM and TRASH included (Medium; each is {id, threadId}). */
export function listMailMessages(client: ZoomClient, email: string): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/emails/mailboxes/{email}/messages', box(email)), { includeSpamTrash: true }, { key: 'messages', pageSize: MAIL_PAGE, style: 'google', idOf: (m) => str(m.id) });
}

/** One message in full (Light; format defaults to full: headers, body parts, attachment ids). */
export function getMailMessage(client: ZoomClient, email: string, messageId: string): Promise<Rec> {
  return client.get(route('GET', '/emails/mailboxes/{email}/messages/{messageId}', { email, messageId }));
}

/** One attachment of a message (Medium): {attachmentId, size, data} with the bytes base64url-encoded. */
export function getMailAttachment(client: ZoomClient, email: string, messageId: string, attachmentId: string): Promise<Rec> {
  return client.get(route('GET', '/emails/mailboxes/{email}/messages/{messageId}/attachments/{attachmentId}', { email, messageId, attachmentId }));
}

/** Every thread of a mailbox, SPAM and TRASH included (Medium). */
export function listMailThreads(client: ZoomClient, email: string): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/emails/mailboxes/{email}/threads', box(email)), { includeSpamTrash: true }, { key: 'threads', pageSize: MAIL_PAGE, style: 'google', idOf: (t) => str(t.id) });
}

/** Every draft of a mailbox, SPAM and TRASH included (Medium; each is {id, message: {id, threadId}}). */
export function listMailDrafts(client: ZoomClient, email: string): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/emails/mailboxes/{email}/drafts', box(email)), { includeSpamTrash: true }, { key: 'drafts', pageSize: MAIL_PAGE, style: 'google', idOf: (d) => str(d.id) });
}

/** One draft in full (Light). */
export function getMailDraft(client: ZoomClient, email: string, draftId: string): Promise<Rec> {
  return client.get(route('GET', '/emails/mailboxes/{email}/drafts/{draftId}', { email, draftId }));
}

/** A list the spec answers whole, without paging (labels, filters, delegates: Medium). */
async function* whole(client: ZoomClient, template: string, email: string, key: string): AsyncGenerator<Rec> {
  const page = await client.get(route('GET', template, box(email)));
  const list = page[key];
  if (Array.isArray(list)) yield* list as Rec[];
}

export const listMailLabels = (client: ZoomClient, email: string) => whole(client, '/emails/mailboxes/{email}/labels', email, 'labels');
/** The filters (the answer's key is `filter`). */
export const listMailFilters = (client: ZoomClient, email: string) => whole(client, '/emails/mailboxes/{email}/settings/filters', email, 'filter');
export const listMailDelegates = (client: ZoomClient, email: string) => whole(client, '/emails/mailboxes/{email}/settings/delegates', email, 'delegates');

/** The vacation (auto-reply) settings (Light). */
export function getMailVacation(client: ZoomClient, email: string): Promise<Rec> {
  return client.get(route('GET', '/emails/mailboxes/{email}/settings/vacation', box(email)));
}

/** The parts of a message (or a draft's message) that are attachments: {attachmentId, filename, mimeType, size}, at any depth. */
export function mailAttachments(message: Rec): Array<{ attachmentId: string; filename: string; mimeType: string; size: number }> {
  const out: Array<{ attachmentId: string; filename: string; mimeType: string; size: number }> = [];
  const walk = (part: unknown) => {
    if (!part || typeof part !== 'object') return;
    const p = part as Rec;
    const body = (p.body ?? {}) as Rec;
    if (typeof body.attachmentId === 'string' && body.attachmentId) out.push({ attachmentId: body.attachmentId, filename: str(p.filename) ?? '', mimeType: str(p.mimeType) ?? '', size: Number(body.size ?? 0) });
    if (Array.isArray(p.parts)) p.parts.forEach(walk);
  };
  walk(message.payload);
  return out;
}

// ---------------------------------------------------------------- Whiteboard (whiteboard.openapi.json, all Medium)

/**
 * A user's whiteboards created in one window of at most a month ("The maximum range can be a month"), trashed
 * ones included. created_date, not the default modified_date: a creation date never moves, so each whiteboard
 * is in exactly one window. Page ≤ 50.
 */
export function listWhiteboards(client: ZoomClient, userId: string, w: DateWindow): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/whiteboards'), { user_id: userId, date_filter_type: 'created_date', from: dayStart(w.from), to: dayEnd(w.to) }, { key: 'whiteboards', pageSize: 50, idOf: (b) => str(b.whiteboard_id) });
}

/** A whiteboard's collaborators (the answer is the array itself, ≤ 1000). */
export async function listWhiteboardCollaborators(client: ZoomClient, whiteboardId: string): Promise<Rec[]> {
  const page: unknown = await client.get(route('GET', '/whiteboards/{whiteboardId}/collaborator', { whiteboardId }));
  return Array.isArray(page) ? (page as Rec[]) : [];
}

/** The account's archived whiteboard sessions that started and ended within [from, to] (page ≤ 300). */
export function listWhiteboardSessions(client: ZoomClient, w: DateWindow): AsyncGenerator<Rec> {
  return listItems(client, route('GET', '/whiteboards/sessions'), { from: dayStart(w.from), to: dayEnd(w.to) }, { key: 'sessions', pageSize: 300, idOf: (x) => str(x.id) });
}

// ---------------------------------------------------------------- what stands in the way

/** A mailbox whose end-to-end encryption is on: Zoom's API reads none of its mail ("Mail service End-To-End Encryption is disabled" is every read's prerequisite). */
export const MAIL_ENCRYPTED_NOTE =
  "End-to-end encryption is on for this mailbox: Zoom's Mail API reads no mail, thread, draft, label or setting of an encrypted mailbox (each operation's prerequisite is \"Mail service End-To-End Encryption is disabled\"). To read it: turn off end-to-end encryption for Zoom Mail (Admin > Zoom Workplace > Mail > Security), then resume; or ask the person to export their mail from the Zoom Mail client";
export class MailEncrypted extends Error {
  constructor() {
    super(MAIL_ENCRYPTED_NOTE);
  }
}

/** Reads whose only granular scopes are user-level: an admin app cannot be granted them. */
export const USER_LEVEL_ONLY = ['/calendars/users/{userIdentifier}/calendarList', '/calendars/users/{userIdentifier}/settings'];

/** Each product: its path prefix, its name, and where the account turns it on. */
const PRODUCTS: ReadonlyArray<{ prefix: string; name: string; setting: string }> = [
  { prefix: '/clips', name: 'Zoom Clips', setting: 'turn on Clips in the Zoom web portal (Account Management > Account Settings > Clips) for the account and the person, and give the app owner\'s role View for Clips' },
  { prefix: '/calendars', name: 'Zoom Calendar', setting: 'activate Zoom Calendar for the account (Admin > Zoom Workplace > Calendar) and the person' },
  { prefix: '/scheduler', name: 'Zoom Scheduler', setting: 'assign the person a Zoom Scheduler licence (User Management > Users > Edit > Scheduler)' },
  { prefix: '/workspaces', name: 'Workspace Reservation', setting: 'turn on Workspace Reservation (Room Management > Workspace Reservation) for the account' },
  { prefix: '/emails', name: 'Zoom Mail', setting: 'onboard Zoom Mail for the account and provision the person\'s mailbox (Admin > Zoom Workplace > Mail), with Mail end-to-end encryption turned off' },
  { prefix: '/whiteboards', name: 'Zoom Whiteboard', setting: 'turn on Whiteboard for the account (Account Management > Account Settings > Whiteboard) and give the app owner\'s role View for Whiteboard' },
  { prefix: '/aic', name: 'AI Companion conversation archiving', setting: 'turn on archiving of AI Companion conversations (Account Management > Archiving > AI Companion) and give the app owner\'s role the AI Companion archive permission' },
];

/**
 * Zoom's answers that mean "this product is not on the account, or the app may not read it" (never
 * "no data"), with what to change: 403 on a product's reads (clips 1003, ai-companion 20514; the
 * calendar, scheduler and workspace specs document a bare 403), a missing admin scope (add it), and a
 * user-level-only read (no admin app can: reason 'user_level').
 */
export function workplaceBlock(e: unknown): { reason: 'not_enabled' | 'not_granted' | 'user_level'; note: string } | undefined {
  if (!(e instanceof ZoomApiError)) return undefined;
  const t = e.template ?? '';
  const product = PRODUCTS.find((p) => t.startsWith(p.prefix));
  if (!product) return undefined;
  const said = `Zoom answered ${e.status}${e.code !== undefined ? ` code ${e.code}` : ''}: ${e.zoomMessage}`;
  if (e.isMissingScope) return scopeBlock(t, said);
  // The only Mail read that documents 404: no mailbox to read (Mail not onboarded, or the person's mailbox not provisioned).
  if (t === '/emails/mailboxes/{email}/profile' && e.status === 404) return { reason: 'not_enabled', note: `${said}. Zoom has no mailbox the API can read for this person: Zoom Mail is not onboarded for the account, or the person's mailbox is not provisioned. To read it: ${product.setting}, then resume` };
  if (e.status === 403) return { reason: 'not_enabled', note: `${said}. ${product.name} is not on this account or not open to the app: ${product.setting}, then resume` };
  return undefined;
}

/**
 * A read the app holds no scope for: user-level only (no admin app can be given it), or an admin scope
 * not added to the app (optional products: named, not a failure of the answer). `said`: Zoom's answer, if asked.
 */
export function scopeBlock(template: string, said?: string): { reason: 'not_granted' | 'user_level'; note: string } {
  const s = SCOPES.get(`GET ${template}`);
  const lead = said ? `${said}. ` : '';
  if (USER_LEVEL_ONLY.includes(template)) {
    return { reason: 'user_level', note: `${lead}Zoom grants this read (${s?.granular.join(', ') ?? ''}) to user-level apps only: an admin Server-to-Server app cannot read another person's ${template.endsWith('settings') ? 'calendar settings' : 'calendar list'}. Zoom's own export (--zoom-export) holds them` };
  }
  const scope = s?.granular.find((x) => x.endsWith(':admin')) ?? s?.granular[0] ?? '';
  return { reason: 'not_granted', note: `${lead}The app does not hold the scope ${scope}: add it in the Zoom App Marketplace (Manage > the app > Scopes), then resume` };
}

/** Whether granted scopes let the app send this read (any of its classic or granular scopes). */
export function canRead(granted: ReadonlySet<string>, template: string): boolean {
  const s = SCOPES.get(`GET ${template}`);
  return !!s && [...s.granular, ...s.classic].some((x) => granted.has(x));
}

// ---------------------------------------------------------------- doctor

/** Each product's reads an export sends (admin-readable ones; USER_LEVEL_ONLY apart), for doctor's scope check. */
export const WORKPLACE_OPERATIONS: Record<string, string[]> = {
  clips: ['GET /clips', 'GET /clips/{clipId}/comments', 'GET /clips/{clipId}/collaborators'],
  calendar: ['GET /calendars/{calId}/events', 'GET /calendars/{calId}/events/{eventId}'],
  scheduler: ['GET /scheduler/events', 'GET /scheduler/schedules', 'GET /scheduler/availability'],
  workspaces: ['GET /workspaces/users/{userId}/reservations'],
  ai_companion: ['GET /aic/users/{userId}/conversation_archive'],
  whiteboards: ['GET /whiteboards', 'GET /whiteboards/{whiteboardId}/collaborator', 'GET /whiteboards/sessions'],
  mail: [
    'GET /emails/mailboxes/{email}/profile',
    'GET /emails/mailboxes/{email}/messages',
    'GET /emails/mailboxes/{email}/messages/{messageId}',
    'GET /emails/mailboxes/{email}/threads',
    'GET /emails/mailboxes/{email}/drafts',
    'GET /emails/mailboxes/{email}/drafts/{draftId}',
    'GET /emails/mailboxes/{email}/labels',
    'GET /emails/mailboxes/{email}/settings/filters',
    'GET /emails/mailboxes/{email}/settings/delegates',
    'GET /emails/mailboxes/{email}/settings/vacation',
  ],
};

/**
 * One small read per product, for the app's own user (`me`, whose address is `email`): whether the
 * account has the product and the app may read it. Zoom has no "is this product licensed" read; this is
 * the closest: a product that answers is there.
 */
export function probeWorkplace(client: ZoomClient, email: string, today: string): Record<string, () => Promise<unknown>> {
  return {
    clips: () => client.get(route('GET', '/clips'), { user_id: 'me', page_size: 30 }),
    calendar: () => client.get(route('GET', '/calendars/{calId}/events', { calId: email }), { maxResults: 1, timeMin: dayStart(today) }),
    scheduler: () => client.get(route('GET', '/scheduler/availability'), { user_id: 'me', page_size: 1 }),
    workspaces: () => client.get(route('GET', '/workspaces/users/{userId}/reservations', { userId: 'me' }), { from: dayStart(today), to: dayEnd(today) }),
    ai_companion: () => client.get(route('GET', '/aic/users/{userId}/conversation_archive', { userId: 'me' })),
    whiteboards: () => client.get(route('GET', '/whiteboards'), { user_id: 'me', page_size: 1 }),
    // The app's own mailbox: 404 without Mail; its profile says whether end-to-end encryption is on.
    mail: async () => {
      const p = await getMailProfile(client, email);
      if (p.encryptionEnabled === true) throw new MailEncrypted();
      return p;
    },
  };
}

// ---------------------------------------------------------------- Whiteboard export (all Medium)

/** Start Zoom's export of up to 50 whiteboards (a ZIP of PDFs and the audit log); its task id lives 30 days. */
export async function startWhiteboardExport(client: ZoomClient, whiteboardIds: string[]): Promise<string> {
  const res = await client.send<{ task_id?: unknown }>(route('POST', '/whiteboards/export'), { body: { whiteboard_ids: whiteboardIds } });
  const id = res.body?.task_id;
  if (typeof id !== 'string' || !id) throw new Error('Zoom answered the whiteboard export without a task_id');
  return id;
}

/** The export task's status: processing, successed or failed, with the whiteboard ids of each. */
export function whiteboardExportStatus(client: ZoomClient, taskId: string): Promise<Rec> {
  return client.get(route('GET', '/whiteboards/export/task/{taskId}/status', { taskId }));
}

/** Where the finished export's ZIP is served. */
export const whiteboardExportFile = (taskId: string) => route('GET', '/whiteboards/export/task/{taskId}', { taskId });
