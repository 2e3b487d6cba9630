/**
 * Registrants and panelists (meetings.openapi.json): list, get, delete and status update for meeting
 * and webinar registrants; webinar panelists list and delete.
 *
 * Choices where Zoom is unverified (docs/sandbox.md):
 * - a registrant cancelled with action=cancel is then listed under status=denied (status "denied");
 * - DELETE of a registrant of an ended meeting or of a past occurrence is refused with 400 code 3000
 *   ("…has ended…"); PUT …/status (cancel/deny) still works there, which is the fallback;
 * - recurring sessions with registration_type 2 or 3 need occurrence_id on DELETE (400 code 300 without);
 * - PUT …/status ignores registrants it cannot find (204), as Zoom answers for unknown entries.
 */
import { MINUTE, meetingEnd } from '../build.js';
import { json, numberedPage, noContent, paginate, requireMeeting, requireWebinar, validationError, ZoomError, type RouteCtx, type RouteDef } from '../core.js';
import type { SandboxMeeting, SandboxRegistrant, SandboxWebinar } from '../model.js';

type Kind = 'meeting' | 'webinar';
type Session = SandboxMeeting | SandboxWebinar;

function session(c: RouteCtx, kind: Kind): Session {
  return kind === 'meeting' ? requireMeeting(c) : requireWebinar(c);
}

function listedStatus(r: SandboxRegistrant): SandboxRegistrant['status'] {
  return r.cancelled ? 'denied' : r.status;
}

function render(r: SandboxRegistrant, s: Session, kind: Kind): Record<string, unknown> {
  const o: Record<string, unknown> = {
    id: r.id,
    email: r.email,
    first_name: r.first_name,
    last_name: r.last_name,
    address: r.address ?? '',
    city: r.city ?? '',
    country: r.country ?? '',
    zip: r.zip ?? '',
    state: r.state ?? '',
    phone: r.phone ?? '',
    industry: r.industry ?? '',
    org: r.org ?? '',
    job_title: r.job_title ?? '',
    purchasing_time_frame: '',
    role_in_purchase_process: '',
    no_of_employees: '',
    comments: r.comments ?? '',
    custom_questions: r.custom_questions ?? [],
    status: listedStatus(r),
    create_time: r.create_time,
    join_url: `https://us05web.zoom.us/${kind === 'meeting' ? 'j' : 'w'}/${s.id}?tk=sbx-${r.id}`,
  };
  if (kind === 'meeting') o.participant_pin_code = 100000 + (parseInt(r.id.replace(/[^0-9]/g, '').slice(0, 6) || '0', 10) % 900000);
  return o;
}

function occurrenceEnded(s: Session, occurrenceId: string, now: number): boolean {
  const o = (s.occurrences ?? []).find((x) => x.occurrence_id === occurrenceId);
  return o ? Date.parse(o.start_time) + o.duration * MINUTE < now : false;
}

function notEnabled(s: Session, kind: Kind): ZoomError {
  return kind === 'meeting'
    ? new ZoomError(400, 300, `Registration has not been enabled for this meeting: ${s.id}.`)
    : new ZoomError(400, 3000, `Registration has not been enabled for this webinar: ${s.id}.`);
}

function registrantNotFound(kind: Kind, id: string): ZoomError {
  return kind === 'meeting'
    ? new ZoomError(400, 300, 'The value that you entered for the Registrant ID field is invalid. Enter a valid value and try again.')
    : new ZoomError(400, 3000, `Registrant ${id} was not found.`);
}

function listHandler(kind: Kind) {
  return (c: RouteCtx) => {
    const s = session(c, kind);
    const status = c.query.get('status') ?? 'approved';
    if (!['approved', 'pending', 'denied'].includes(status)) throw validationError('status');
    const occ = c.query.get('occurrence_id');
    if (occ && !(s.occurrences ?? []).some((o) => o.occurrence_id === occ)) throw new ZoomError(400, 3000, `Invalid occurrence_id: ${occ}.`);
    const list = s.registrants.filter((r) => listedStatus(r) === status && (!occ || !r.occurrence_ids || r.occurrence_ids.includes(occ)));
    const p = paginate(c, { key: `${kind}-registrants|${s.id}|${status}|${occ ?? ''}`, total: list.length, pageNumber: true });
    return numberedPage(p, 'registrants', list.slice(p.offset, p.end).map((r) => render(r, s, kind)));
  };
}

function getHandler(kind: Kind) {
  return (c: RouteCtx) => {
    const s = session(c, kind);
    const id = c.params.registrantId ?? '';
    const r = s.registrants.find((x) => x.id === id);
    if (!r) throw registrantNotFound(kind, id);
    return json(render(r, s, kind));
  };
}

function deleteHandler(kind: Kind) {
  return (c: RouteCtx) => {
    const s = session(c, kind);
    if (s.approval_type === 2) throw notEnabled(s, kind);
    const id = c.params.registrantId ?? '';
    const idx = s.registrants.findIndex((x) => x.id === id);
    const r = s.registrants[idx];
    if (!r) throw registrantNotFound(kind, id);
    const occ = c.query.get('occurrence_id');
    const what = kind === 'meeting' ? 'meeting' : 'webinar';
    if (s.occurrences && s.occurrences.length > 0) {
      const perOccurrence = s.registration_type === 2 || s.registration_type === 3;
      if (occ) {
        if (!s.occurrences.some((o) => o.occurrence_id === occ)) throw new ZoomError(400, 3000, `Invalid occurrence_id: ${occ}.`);
        if (r.occurrence_ids && !r.occurrence_ids.includes(occ)) throw registrantNotFound(kind, id);
        if (occurrenceEnded(s, occ, c.now)) throw new ZoomError(400, 3000, `This ${what} occurrence has ended; its registrants cannot be deleted: ${occ}.`);
        if (perOccurrence) {
          const remaining = (r.occurrence_ids ?? s.occurrences.map((o) => o.occurrence_id)).filter((o) => o !== occ);
          if (remaining.length > 0) {
            r.occurrence_ids = remaining;
            return noContent();
          }
        }
      } else {
        if (perOccurrence) throw validationError('occurrence_id', `occurrence_id is required for this ${what}: registration is per occurrence.`);
        if (meetingEnd(s) < c.now) throw new ZoomError(400, 3000, `This ${what} has ended; its registrants cannot be deleted: ${s.id}.`);
      }
    } else if (meetingEnd(s) < c.now) {
      throw new ZoomError(400, 3000, `This ${what} has ended; its registrants cannot be deleted: ${s.id}.`);
    }
    s.registrants.splice(idx, 1);
    return noContent();
  };
}

function statusHandler(kind: Kind) {
  return (c: RouteCtx) => {
    const s = session(c, kind);
    const body = c.body as { action?: unknown; registrants?: unknown } | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ZoomError(400, 300, 'Request Body should be a valid JSON object.');
    const action = body.action;
    if (action !== 'approve' && action !== 'deny' && action !== 'cancel') throw validationError('action', 'Invalid field: action must be one of approve, deny, cancel.');
    const regs = body.registrants;
    if (regs !== undefined && !Array.isArray(regs)) throw validationError('registrants');
    const list = (regs ?? []) as Array<{ id?: unknown; email?: unknown }>;
    if (list.length > 30) throw validationError('registrants', 'The number of items for registrants must not exceed 30.');
    if (s.approval_type === 2) throw notEnabled(s, kind);
    const day = new Date(c.now).toISOString().slice(0, 10);
    for (const item of list) {
      if (!item || typeof item !== 'object') throw validationError('registrants');
      const id = typeof item.id === 'string' ? item.id : undefined;
      const email = typeof item.email === 'string' ? item.email.toLowerCase() : undefined;
      const matches = s.registrants.filter((r) => (id !== undefined ? r.id === id : email !== undefined && r.email.toLowerCase() === email));
      for (const r of matches) {
        const counter = r.status_changes_day === day ? (r.status_changes ?? 0) : 0;
        if (counter >= 10) throw new ZoomError(400, 3000, `The registrant's status can only be changed 10 times per day: ${r.id}.`);
        r.status_changes_day = day;
        r.status_changes = counter + 1;
        if (action === 'approve') {
          r.status = 'approved';
          r.cancelled = false;
        } else if (action === 'deny') {
          r.status = 'denied';
        } else if (r.status === 'approved' && !r.cancelled) {
          r.cancelled = true;
          r.status = 'denied';
        }
      }
    }
    return noContent();
  };
}

const M_READ = ['meeting:read:admin', 'meeting:read'];
const M_WRITE = ['meeting:write:admin', 'meeting:write'];
const W_READ = ['webinar:read:admin', 'webinar:read'];
const W_WRITE = ['webinar:write:admin', 'webinar:write'];

export const registrantRoutes: RouteDef[] = [
  { method: 'GET', path: '/v2/meetings/:meetingId/registrants', category: 'Medium', granular: ['meeting:read:list_registrants:admin'], classic: M_READ, area: 'api', auth: 'bearer', spec: 'meetings.openapi.json meetingRegistrants', handler: listHandler('meeting') },
  { method: 'PUT', path: '/v2/meetings/:meetingId/registrants/status', category: 'Medium', granular: ['meeting:update:registrant_status:admin'], classic: M_WRITE, area: 'api', auth: 'bearer', spec: 'meetings.openapi.json meetingRegistrantStatus', handler: statusHandler('meeting') },
  { method: 'GET', path: '/v2/meetings/:meetingId/registrants/:registrantId', category: 'Light', granular: ['meeting:read:registrant:admin'], classic: M_READ, area: 'api', auth: 'bearer', spec: 'meetings.openapi.json meetingRegistrantGet', handler: getHandler('meeting') },
  { method: 'DELETE', path: '/v2/meetings/:meetingId/registrants/:registrantId', category: 'Light', granular: ['meeting:delete:registrant:admin'], classic: M_WRITE, area: 'api', auth: 'bearer', spec: 'meetings.openapi.json meetingregistrantdelete', handler: deleteHandler('meeting') },
  { method: 'GET', path: '/v2/webinars/:webinarId/registrants', category: 'Medium', granular: ['webinar:read:list_registrants:admin'], classic: W_READ, area: 'api', auth: 'bearer', spec: 'meetings.openapi.json webinarRegistrants', handler: listHandler('webinar') },
  { method: 'PUT', path: '/v2/webinars/:webinarId/registrants/status', category: 'Medium', granular: ['webinar:update:registrant_status:admin'], classic: W_WRITE, area: 'api', auth: 'bearer', spec: 'meetings.openapi.json webinarRegistrantStatus', handler: statusHandler('webinar') },
  { method: 'GET', path: '/v2/webinars/:webinarId/registrants/:registrantId', category: 'Light', granular: ['webinar:read:registrant:admin'], classic: W_READ, area: 'api', auth: 'bearer', spec: 'meetings.openapi.json webinarRegistrantGet', handler: getHandler('webinar') },
  { method: 'DELETE', path: '/v2/webinars/:webinarId/registrants/:registrantId', category: 'Light', granular: ['webinar:delete:registrant:admin'], classic: W_WRITE, area: 'api', auth: 'bearer', spec: 'meetings.openapi.json deleteWebinarRegistrant', handler: deleteHandler('webinar') },
  {
    method: 'GET',
    path: '/v2/webinars/:webinarId/panelists',
    category: 'Medium',
    granular: ['webinar:read:list_panelists:admin'],
    classic: W_READ,
    area: 'api',
    auth: 'bearer',
    spec: 'meetings.openapi.json webinarPanelists',
    handler: (c) => {
      const w = requireWebinar(c);
      return json({
        total_records: w.panelists.length,
        panelists: w.panelists.map((p) => ({
          id: p.id,
          email: p.email,
          name: p.name,
          join_url: `https://us05web.zoom.us/w/${w.id}?tk=sbx-${p.id}`,
          virtual_background_id: '',
          name_tag_id: '',
          name_tag_name: '',
          name_tag_pronouns: '',
          name_tag_description: '',
        })),
      });
    },
  },
  {
    method: 'DELETE',
    path: '/v2/webinars/:webinarId/panelists/:panelistId',
    category: 'Light',
    granular: ['webinar:delete:panelist:admin'],
    classic: W_WRITE,
    area: 'api',
    auth: 'bearer',
    spec: 'meetings.openapi.json webinarPanelistDelete',
    handler: (c) => {
      const w = requireWebinar(c);
      const pid = c.params.panelistId ?? '';
      const idx = w.panelists.findIndex((p) => p.id === pid || p.email.toLowerCase() === pid.toLowerCase());
      if (idx < 0) throw new ZoomError(404, 3001, `Panelist does not exist: ${pid}.`);
      w.panelists.splice(idx, 1);
      return noContent();
    },
  },
];
