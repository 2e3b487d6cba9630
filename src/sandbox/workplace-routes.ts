/**
 * The Zoom Workplace routes (issue 27) as declarations: one entry per spec operation, read by the one
 * generic handler in routes/workplace.ts. A new product adds entries here and fixtures in workplace.ts,
 * never a handler.
 *
 * Each entry names the spec operation it follows, its Rate Limit Label and scopes, how it pages (Zoom's
 * page_size/next_page_token or the Calendar's Google-style maxResults/pageToken), its date window, the
 * user it reads, where its records come from, and the errors it answers.
 */
import type { Category } from './ratelimit.js';
import type { SandboxUser } from './model.js';
import type { SandboxWorkplace, WorkplaceProduct } from './workplace-model.js';
import { emptyAicArchive, isSpamOrTrash, mailThreads } from './workplace.js';

type Rec = Record<string, unknown>;

/** An error answer: [HTTP status, Zoom code, message]. */
export type ErrorAnswer = readonly [number, number, string];

export interface WorkplaceRoute {
  /** Path pattern with :params, under /v2. */
  path: string;
  /** "clips.openapi.json GetUserClips" */
  spec: string;
  label: Category;
  granular: string[];
  classic: string[];
  product: WorkplaceProduct;
  /** The user whose records these are: a path or query parameter holding a user id or address. */
  owner?: { in: 'path' | 'query'; name: string };
  /** Where the records come from; undefined: the parent (a clip, a calendar) does not exist → notFound. */
  records: (w: SandboxWorkplace, a: { user?: SandboxUser; params: Record<string, string>; query: URLSearchParams }) => Rec[] | undefined;
  /** list: a page of records ('bare': the answer is the array itself; `echo`: query parameters the answer repeats) (paging 'zoom': page_size and next_page_token; 'token': next_page_token only, as Scheduler answers); detail: the record whose `idField` is the path parameter `param`; object: the only record. */
  shape:
    | { kind: 'list'; key: string; paging: 'zoom' | 'token' | 'google' | 'none' | 'bare'; max: number; head?: Rec; echo?: string[] }
    | { kind: 'detail'; param: string; idField: string }
    /** `links`: Zoom's download URLs, made at answer time from a file payload (routes/recordings.ts resolveFile). */
    | { kind: 'object'; links?: (r: Rec, link: (payload: string) => string) => Rec }
    /** A file: 302 to its signed URL (routes/recordings.ts serves the bytes); `payload` names it, `ready` says whether Zoom serves it yet. */
    | { kind: 'file'; param: string; idField: string; payload: (r: Rec) => string; ready: (r: Rec) => boolean; notReady: ErrorAnswer };
  /** A date window: records whose [start, end] meets [from, to). `defaultHours`: without `from`, the last so many hours (Contact Center: 24). */
  window?: { from: string; to: string; start: (q: URLSearchParams) => string; end?: string; maxDays?: number; required?: boolean; defaultHours?: number; tooWide: ErrorAnswer };
  /** Query filters: a record is listed only when its field (or any of an array's, "consumers[].consumer_number") equals the query's value, when the query is given. */
  match?: Array<{ query: string; field: string }>;
  /** Records left out unless a query flag is "true" (show_deleted, showDeleted). */
  hidden?: { flag: string; when: (r: Rec) => boolean };
  errors: { notEnabled: ErrorAnswer; notFound: ErrorAnswer };
}

const mine = (xs: Array<{ owner: string; data: Rec }>, user: SandboxUser | undefined) => (user ? xs.filter((x) => x.owner === user.id).map((x) => x.data) : []);
const cancelled = (r: Rec) => r.status === 'cancelled';

// Documented errors (spec prose); where a spec documents none for a case, the closest it documents (docs/sandbox.md).
const CLIPS_OFF: ErrorAnswer = [403, 1003, 'No permission to operate'];
const CLIP_GONE: ErrorAnswer = [404, 2000, 'Clip does not exist.'];
const CAL_OFF: ErrorAnswer = [403, 403, 'Forbidden: Zoom Calendar is not enabled for this account.'];
const CAL_GONE: ErrorAnswer = [404, 404, 'Not Found'];
// The calendar list and settings document no 404: an unknown user gets their one documented error, 400.
const CAL_NO_USER: ErrorAnswer = [400, 400, 'Bad Request'];
const SCHED_OFF: ErrorAnswer = [403, 403, 'Forbidden: Zoom Scheduler is not enabled for this account.'];
const SCHED_GONE: ErrorAnswer = [404, 404, 'notFound'];
const WS_OFF: ErrorAnswer = [403, 403, 'Forbidden: Workspace Reservation is not enabled for this account.'];
const WS_GONE: ErrorAnswer = [404, 1001, 'User does not exist.'];
const AIC_OFF: ErrorAnswer = [403, 20514, 'User does not have permission to access this resource.'];
const AIC_GONE: ErrorAnswer = [404, 20524, 'User does not exist.'];
// Zoom Mail documents bare codes only, and no answer for "Mail not onboarded" or "end-to-end encryption on": the
// sandbox answers the status each operation documents for a bad request (400), or for a missing item (404); the
// delegates list documents neither (only 401, 429, 503), so it answers 401 "Authorization Failure."
const MAIL_BAD: ErrorAnswer = [400, 400, 'Invalid Request.'];
const MAIL_GONE: ErrorAnswer = [404, 404, 'Not Found.'];
const MAIL_NO_AUTH: ErrorAnswer = [401, 401, 'Authorization Failure.'];


/**
 * A mailbox the API may read: provisioned, and without end-to-end encryption ("Mail service End-To-End
 * Encryption is disabled" is each operation's prerequisite). Anything else: undefined, the route's notFound.
 */
const readable = (w: SandboxWorkplace, user: SandboxUser | undefined) => {
  const m = user ? w.mailboxes[user.id] : undefined;
  return m && m.profile.encryptionEnabled !== true ? m : undefined;
};
const mailRoute = (path: string, op: string, label: Category, scope: string, records: WorkplaceRoute['records'], shape: WorkplaceRoute['shape'], notFound: ErrorAnswer): WorkplaceRoute => ({
  path: `/v2/emails/mailboxes/:email${path}`,
  spec: `mail.openapi.json ${op}`,
  label,
  granular: [`email:read:${scope}`, `email:read:${scope}:admin`],
  classic: ['mail:read', 'mail:read:admin'],
  product: 'mail',
  owner: { in: 'path', name: 'email' },
  records,
  shape,
  errors: { notEnabled: notFound, notFound },
});
/** A message's attachment part (body.attachmentId), at any depth. */
function attachment(msg: Rec, id: string): Rec | undefined {
  const walk = (part: Rec): Rec | undefined => ((part.body as Rec | undefined)?.attachmentId === id ? part : ((part.parts as Rec[] | undefined) ?? []).map(walk).find(Boolean));
  return walk(msg.payload as Rec);
}
/** The bytes of an attachment (deterministic, of its announced size), base64url as Zoom sends them. */
const attachmentData = (id: string, size: number) => Buffer.alloc(size, `%PDF-1.4 ${id} `).toString('base64url');

export const MAIL_ROUTES: readonly WorkplaceRoute[] = [
  // The profile: the only mail read that documents 404, and the one that says whether encryption is on; an encrypted mailbox's profile still answers.
  mailRoute('/profile', 'get_mailbox_profile', 'Light', 'profile', (w, { user }) => (user && w.mailboxes[user.id] ? [w.mailboxes[user.id]!.profile] : undefined), { kind: 'object' }, MAIL_GONE),
  mailRoute('/messages', 'list_emails', 'Medium', 'list_msgs', (w, { user, query }) => readable(w, user)?.messages.filter((m) => query.get('includeSpamTrash') === 'true' || !isSpamOrTrash(m)).map((m) => ({ id: m.id, threadId: m.threadId })), { kind: 'list', key: 'messages', paging: 'google', max: 500 }, MAIL_BAD),
  mailRoute('/messages/:messageId', 'get_email', 'Light', 'msg', (w, { user }) => readable(w, user)?.messages, { kind: 'detail', param: 'messageId', idField: 'id' }, MAIL_GONE),
  mailRoute(
    '/messages/:messageId/attachments/:attachmentId',
    'get_email_attachment',
    'Medium',
    'attachment',
    (w, { user, params }) => {
      const msg = readable(w, user)?.messages.find((m) => m.id === params.messageId);
      const part = msg && attachment(msg, params.attachmentId ?? '');
      const size = Number((part?.body as Rec | undefined)?.size ?? 0);
      return part ? [{ attachmentId: params.attachmentId, size, data: attachmentData(String(params.attachmentId), size) }] : undefined;
    },
    { kind: 'object' },
    MAIL_GONE,
  ),
  mailRoute('/threads', 'list_email_threads', 'Medium', 'list_threads', (w, { user, query }) => {
    const m = readable(w, user);
    return m && mailThreads(m, query.get('includeSpamTrash') === 'true');
  }, { kind: 'list', key: 'threads', paging: 'google', max: 500 }, MAIL_BAD),
  mailRoute('/drafts', 'list_draft_emails', 'Medium', 'list_drafts', (w, { user, query }) => readable(w, user)?.drafts.filter((d) => query.get('includeSpamTrash') === 'true' || !isSpamOrTrash(d.message as Rec)).map((d) => ({ id: d.id, message: { id: (d.message as Rec).id, threadId: (d.message as Rec).threadId } })), { kind: 'list', key: 'drafts', paging: 'google', max: 500 }, MAIL_BAD),
  mailRoute('/drafts/:draftId', 'get_draft_email', 'Light', 'draft', (w, { user }) => readable(w, user)?.drafts, { kind: 'detail', param: 'draftId', idField: 'id' }, MAIL_GONE),
  mailRoute('/labels', 'list_labels_in_mailbox', 'Medium', 'list_labels', (w, { user }) => readable(w, user)?.labels, { kind: 'list', key: 'labels', paging: 'none', max: 10_000 }, MAIL_BAD),
  mailRoute('/settings/filters', 'list_email_filters', 'Medium', 'list_setting_filters', (w, { user }) => readable(w, user)?.filters, { kind: 'list', key: 'filter', paging: 'none', max: 10_000 }, MAIL_BAD),
  mailRoute('/settings/delegates', 'list_mailbox_delegates', 'Medium', 'list_setting_delegates', (w, { user }) => readable(w, user)?.delegates, { kind: 'list', key: 'delegates', paging: 'none', max: 10_000 }, MAIL_NO_AUTH),
  mailRoute('/settings/vacation', 'get_mail_vacation_response_setting', 'Light', 'setting_vacation', (w, { user }) => {
    const m = readable(w, user);
    return m && [m.vacation];
  }, { kind: 'object' }, MAIL_BAD),
];

const WB_OFF: ErrorAnswer = [403, 403, 'Forbidden: Zoom Whiteboard is not enabled for this account.'];
/** The whiteboard list documents a bare 400 (no code); the archived sessions 400 code 34002 "Invalid parameter." */
const WB_BAD: ErrorAnswer = [400, 400, 'Bad Request'];

export const WHITEBOARD_ROUTES: readonly WorkplaceRoute[] = [
  {
    path: '/v2/whiteboards',
    spec: 'whiteboard.openapi.json ListWhiteboards',
    label: 'Medium',
    granular: ['whiteboard:read:list_whiteboards:admin', 'whiteboard:read:list_whiteboards'],
    classic: ['whiteboard:read:admin', 'whiteboard:read'],
    product: 'whiteboards',
    owner: { in: 'query', name: 'user_id' },
    records: (w, { user }) => (user ? mine(w.whiteboards, user) : w.whiteboards.map((x) => x.data)),
    shape: { kind: 'list', key: 'whiteboards', paging: 'zoom', max: 50 },
    // "The maximum range can be a month"; date_filter_type picks the date (default modified_date).
    window: { from: 'from', to: 'to', start: (q) => (q.get('date_filter_type') === 'created_date' ? 'created_date' : 'modified_date'), maxDays: 31, tooWide: WB_BAD },
    errors: { notEnabled: WB_OFF, notFound: WB_BAD },
  },
  {
    path: '/v2/whiteboards/:whiteboardId/collaborator',
    spec: 'whiteboard.openapi.json GetAWhiteboardCollaborator',
    label: 'Medium',
    granular: ['whiteboard:read:list_collaborators:admin'],
    classic: ['whiteboard_collaborator:read:admin'],
    product: 'whiteboards',
    records: (w, { params }) => w.whiteboardCollaborators[params.whiteboardId ?? ''],
    // The answer is the array itself (maxItems 1000).
    shape: { kind: 'list', key: '', paging: 'bare', max: 1000 },
    errors: { notEnabled: WB_OFF, notFound: WB_BAD },
  },
  {
    path: '/v2/whiteboards/sessions',
    spec: 'whiteboard.openapi.json Createwhiteboardsarchivefiles',
    label: 'Medium',
    granular: ['whiteboard:read:list_sessions', 'whiteboard:read:list_sessions:admin'],
    classic: ['whiteboard_content:read', 'whiteboard_content:read:admin'],
    product: 'whiteboards',
    records: (w) => w.whiteboardSessions,
    shape: { kind: 'list', key: 'sessions', paging: 'zoom', max: 300, echo: ['from', 'to'] },
    window: { from: 'from', to: 'to', start: () => 'start_time', end: 'end_time', tooWide: [400, 34002, 'Invalid parameter.'] },
    errors: { notEnabled: WB_OFF, notFound: [400, 34002, 'Invalid parameter.'] },
  },
];

/** What all routes of one product share: the path prefix, the spec file, the product, its classic scopes and its "not enabled" answer. */
interface ProductBase {
  prefix: string;
  specFile: string;
  product: WorkplaceProduct;
  classic: string[];
  notEnabled: ErrorAnswer;
}
/** One route of a product: what is its own (a `classic` of its own where its operation lists the scopes otherwise), and its "not found" answer. */
type ProductEntry = Omit<WorkplaceRoute, 'path' | 'spec' | 'product' | 'classic' | 'errors'> & { classic?: string[]; notFound: ErrorAnswer };
/** A product's routes from its shared lines (ProductBase) and each route's own: path under the prefix, spec operation, the rest. */
const productRoute =
  (b: ProductBase) =>
  (path: string, op: string, { classic, notFound, ...own }: ProductEntry): WorkplaceRoute => ({
    path: `${b.prefix}${path}`,
    spec: `${b.specFile} ${op}`,
    product: b.product,
    classic: classic ?? b.classic,
    errors: { notEnabled: b.notEnabled, notFound },
    ...own,
  });
/** A Calendar read: calendar.openapi.json, classic calendar:read (and :admin), Calendar off: 403. */
const calendarRoute = productRoute({ prefix: '/v2/calendars', specFile: 'calendar.openapi.json', product: 'calendar', classic: ['calendar:read', 'calendar:read:admin'], notEnabled: CAL_OFF });

/** A Clips read (Light): scopes `clips:read:{scope}` (and :admin), classic clips:read; Clips off: 403 1003; a clip not there: 404 2000. */
const clipsRoute = (path: string, op: string, scope: string, { notFound = CLIP_GONE, ...d }: Omit<ProductEntry, 'label' | 'granular' | 'notFound'> & { notFound?: ErrorAnswer }): WorkplaceRoute =>
  productRoute({ prefix: '/v2/clips', specFile: 'clips.openapi.json', product: 'clips', classic: ['clips:read', 'clips:read:admin'], notEnabled: CLIPS_OFF })(path, op, { label: 'Light', granular: [`clips:read:${scope}`, `clips:read:${scope}:admin`], notFound, ...d });
/** A Scheduler list (Light) of the user named by `user_id`: scopes `scheduler:read:{scope}` (and :admin), items paged by token. */
const schedulerRoute = (path: string, op: string, scope: string, records: WorkplaceRoute['records'], more: Partial<ProductEntry> = {}): WorkplaceRoute =>
  productRoute({ prefix: '/v2/scheduler', specFile: 'scheduler.openapi.json', product: 'scheduler', classic: ['scheduler:read:admin', 'scheduler:read'], notEnabled: SCHED_OFF })(path, op, {
    label: 'Light',
    granular: [`scheduler:read:${scope}`, `scheduler:read:${scope}:admin`],
    owner: { in: 'query', name: 'user_id' },
    records,
    shape: { kind: 'list', key: 'items', paging: 'token', max: 300 },
    notFound: SCHED_GONE,
    ...more,
  });

export const WORKPLACE_ROUTES: readonly WorkplaceRoute[] = [
  clipsRoute('', 'GetUserClips', 'list_user_clips', {
    owner: { in: 'query', name: 'user_id' },
    records: (w, { user }) => (user ? mine(w.clips, user) : w.clips.map((x) => x.data)),
    shape: { kind: 'list', key: 'data', paging: 'zoom', max: 300 },
    // "The maximum range can be a month"; date_filter_type picks the date (default MODIFIED_DATE).
    window: { from: 'from', to: 'to', start: (q) => (q.get('date_filter_type') === 'CREATED_DATE' ? 'created_date' : 'modified_date'), maxDays: 31, tooWide: [400, 300, 'The date range should be a month.'] },
    notFound: [404, 1001, 'User does not exist.'],
  }),
  clipsRoute('/:clipId/comments', 'Listclipcomments', 'list_comments', { records: (w, { params }) => w.clipComments[params.clipId ?? ''], shape: { kind: 'list', key: 'data', paging: 'zoom', max: 50 } }),
  clipsRoute('/:clipId/collaborators', 'GetClipCollaborators', 'list_collaborator', { records: (w, { params }) => w.clipCollaborators[params.clipId ?? ''], shape: { kind: 'list', key: 'data', paging: 'zoom', max: 300 } }),
  clipsRoute('/:clipId/download', 'downloadClip', 'download_clip', {
    records: (w) => w.clips.map((x) => x.data),
    // "RECORD_SUCCESS - clips can play and download"; anything else: 400 code 50002 "clip mp4 is not ready".
    shape: { kind: 'file', param: 'clipId', idField: 'clip_id', payload: (r) => `k|${String(r.owner_id)}|${String(r.clip_id)}`, ready: (r) => r.status === 'RECORD_SUCCESS', notReady: [400, 50002, 'clip mp4 is not ready'] },
    notFound: [404, 10002, 'clip not found or not ready'],
  }),
  // User-level scope only: an admin app holds none of these granular scopes.
  calendarRoute('/users/:userIdentifier/calendarList', 'ListcalendarList', {
    label: 'Heavy',
    granular: ['calendar:read:list_calendar_lists'],
    owner: { in: 'path', name: 'userIdentifier' },
    records: (w, { user }) => mine(w.calendars, user),
    shape: { kind: 'list', key: 'items', paging: 'google', max: 250, head: { kind: 'calendar#calendarList' } },
    notFound: CAL_NO_USER,
  }),
  calendarRoute('/:calId/events', 'Listevent', {
    label: 'Medium',
    granular: ['calendar:read:list_events', 'calendar:read:list_events:admin'],
    classic: ['calendar:read:admin', 'calendar:read'],
    records: (w, { params }) => w.events[params.calId ?? ''],
    shape: { kind: 'list', key: 'items', paging: 'google', max: 250, head: { kind: 'calendar#events' } },
    // timeMin: lower bound (exclusive) of an event's end; timeMax: upper bound (exclusive) of its start.
    window: { from: 'timeMin', to: 'timeMax', start: () => 'start.dateTime', end: 'end.dateTime', tooWide: [400, 400, 'Bad Request'] },
    hidden: { flag: 'showDeleted', when: cancelled },
    notFound: CAL_GONE,
  }),
  calendarRoute('/:calId/events/:eventId', 'Getevent', {
    label: 'Light',
    granular: ['calendar:read:event', 'calendar:read:event:admin'],
    records: (w, { params }) => w.events[params.calId ?? ''],
    shape: { kind: 'detail', param: 'eventId', idField: 'id' },
    notFound: CAL_GONE,
  }),
  // User-level scope only, like the calendar list.
  calendarRoute('/users/:userIdentifier/settings', 'Listsettings', {
    label: 'Medium',
    granular: ['calendar:read:list_settings'],
    owner: { in: 'path', name: 'userIdentifier' },
    records: (w, { user }) => (user ? (w.calendarSettings[user.id] ?? []) : []),
    shape: { kind: 'list', key: 'items', paging: 'google', max: 250, head: { kind: 'calendar#settings' } },
    notFound: CAL_NO_USER,
  }),
  schedulerRoute('/events', 'list_scheduled_events', 'list_scheduled_events', (w, { user }) => mine(w.scheduledEvents, user), {
    window: { from: 'from', to: 'to', start: () => 'start_date_time', end: 'end_date_time', tooWide: [400, 400, 'InvalidArgument'] },
    hidden: { flag: 'show_deleted', when: cancelled },
  }),
  schedulerRoute('/schedules', 'list_schedules', 'list_schedule', (w, { user }) => mine(w.schedules, user), { hidden: { flag: 'show_deleted', when: cancelled } }),
  schedulerRoute('/availability', 'list_availability', 'list_availability', (w, { user }) => mine(w.availability, user)),
  productRoute({ prefix: '/v2/workspaces', specFile: 'rooms.openapi.json', product: 'workspaces', classic: ['workspace:read:admin'], notEnabled: WS_OFF })('/users/:userId/reservations', 'userListReservations', {
    label: 'Light',
    granular: ['workspace:read:list_reservations:admin'],
    owner: { in: 'path', name: 'userId' },
    records: (w, { user }) => mine(w.reservations, user),
    shape: { kind: 'list', key: 'reservations', paging: 'none', max: 1000 },
    // "Can be up to 14 days."
    window: { from: 'from', to: 'to', start: () => 'start_time', end: 'end_time', maxDays: 14, required: true, tooWide: [400, 300, 'The date range can be up to 14 days.'] },
    notFound: WS_GONE,
  }),
  productRoute({ prefix: '/v2/aic', specFile: 'ai-companion.openapi.json', product: 'ai_companion', classic: ['aic_archive:read:admin'], notEnabled: AIC_OFF })('/users/:userId/conversation_archive', 'GetAICconversationarchives', {
    label: 'Light',
    granular: ['aic:read:conversation_archives:admin'],
    owner: { in: 'path', name: 'userId' },
    records: (w, { user }) => {
      // A user of the account always has an archive record (empty without conversations); 404 code 20524 is for an unknown user.
      const a = user ? (w.aicArchives[user.id] ?? emptyAicArchive(user)) : undefined;
      return a ? [a] : [];
    },
    shape: {
      kind: 'object',
      links: (r, link) => ({
        ...r,
        aic_history_download_url: link(`a|${String(r.user_id)}|-1`),
        physical_files: (r.physical_files as Rec[]).map((f, i) => ({ ...f, download_url: link(`a|${String(r.user_id)}|${i}`) })),
      }),
    },
    notFound: AIC_GONE,
  }),
  ...MAIL_ROUTES,
  ...WHITEBOARD_ROUTES,
];
