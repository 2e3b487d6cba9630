/**
 * The one handler of every Zoom Workplace route (issue 27): it reads a declaration of
 * workplace-routes.ts (product gate, user, records, window, hidden records, paging, shape) and
 * answers as the spec says. No route of these products has a handler of its own.
 */
import { DAY } from '../build.js';
import { json, lookupUser, paginate, validationError, ZoomError, type RouteCtx, type RouteDef } from '../core.js';
import { WORKPLACE_ROUTES, type ErrorAnswer, type WorkplaceRoute } from '../workplace-routes.js';
import { CONTACT_CENTER_ROUTES } from '../contact-center-routes.js';
import { EVENTS_VISITORS_ROUTES, REVENUE_QUALITY_ROUTES } from '../events-visitors-routes.js';
import { downloadHandler, downloadToken, redirectToFile } from './recordings.js';

type Rec = Record<string, unknown>;

const fail = ([status, code, message]: ErrorAnswer) => new ZoomError(status, code, message);

/** A field by dotted path ("start.dateTime"). */
function at(r: Rec, path: string): unknown {
  let v: unknown = r;
  for (const k of path.split('.')) v = v && typeof v === 'object' ? (v as Rec)[k] : undefined;
  return v;
}

/** A date-time the specs accept: yyyy-MM-ddTHH:mm:ssZ, RFC 3339 with an offset, or yyyy-mm-dd. */
function parseInstant(s: string, field: string): number {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(s)) throw validationError(field);
  const t = Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
  if (Number.isNaN(t)) throw validationError(field);
  return t;
}

function handle(d: WorkplaceRoute) {
  return (c: RouteCtx) => {
    const w = c.state.account.workplace;
    if (!w || !w.enabled[d.product]) throw fail(d.errors.notEnabled);
    let user;
    if (d.owner) {
      const id = d.owner.in === 'path' ? (c.params[d.owner.name] ?? '') : (c.query.get(d.owner.name) ?? '');
      if (id || d.owner.in === 'path') {
        user = lookupUser(c.state, id);
        if (!user) throw fail(d.errors.notFound);
      }
    }
    let rows = d.records(w, { user, params: c.params, query: c.query });
    if (!rows) throw fail(d.errors.notFound);

    if (d.shape.kind === 'object') {
      if (!rows[0]) throw fail(d.errors.notFound);
      const links = d.shape.links;
      return json(links ? links(rows[0], (payload) => `${c.state.origin}/aic/archive/download/${downloadToken(c.state, payload)}`) : rows[0]);
    }
    if (d.shape.kind === 'file') {
      const { param, idField, payload, ready, notReady } = d.shape;
      const row = rows.find((r) => String(r[idField]) === c.params[param]);
      if (!row) throw fail(d.errors.notFound);
      if (!ready(row)) throw fail(notReady);
      return redirectToFile(c, payload(row));
    }
    if (d.shape.kind === 'detail') {
      const { param, idField } = d.shape;
      const row = rows.find((r) => String(r[idField]) === c.params[param]);
      if (!row) throw fail(d.errors.notFound);
      return json(row);
    }

    if (d.hidden && c.query.get(d.hidden.flag) !== 'true') rows = rows.filter((r) => !d.hidden!.when(r));
    let matchKey = '';
    for (const m of d.match ?? []) {
      const want = c.query.get(m.query);
      if (want === null || want === '') continue;
      const [list, field] = m.field.includes('[].') ? m.field.split('[].') : [undefined, m.field];
      rows = rows.filter((r) => (list ? ((r[list] as Rec[] | undefined) ?? []).some((x) => String(x[field!]) === want) : String(at(r, field!)) === want));
      matchKey += `|${m.query}=${want}`;
    }
    let windowKey = '';
    if (d.window) {
      const v = d.window;
      const fromS = c.query.get(v.from);
      const toS = c.query.get(v.to);
      if (v.required && !fromS) throw validationError(v.from, `${v.from} is required.`);
      if (v.required && !toS) throw validationError(v.to, `${v.to} is required.`);
      const from = fromS ? parseInstant(fromS, v.from) : v.defaultHours !== undefined ? c.now - v.defaultHours * 3600_000 : -Infinity;
      // A date alone means the whole day.
      const to = toS ? parseInstant(toS, v.to) + (toS.length === 10 ? DAY : 0) : Infinity;
      if (from > to) throw fail(v.tooWide);
      if (v.maxDays !== undefined && to - from > v.maxDays * DAY + (toS?.length === 10 ? 0 : 1000)) throw fail(v.tooWide);
      const startField = v.start(c.query);
      rows = rows.filter((r) => {
        const s = Date.parse(String(at(r, startField)));
        const e = v.end ? Date.parse(String(at(r, v.end))) : s;
        return v.end ? s < to && e > from : s >= from && s < to;
      });
      windowKey = `${fromS ?? ''}|${toS ?? ''}|${startField}`;
    }

    const { key, paging, max, head, echo } = d.shape;
    if (paging === 'bare') return json(rows.slice(0, max));
    if (paging === 'none') return json({ [key]: rows.slice(0, max) });
    const listKey = `${d.path}|${JSON.stringify(c.params)}|${c.query.get(d.owner?.name ?? '') ?? ''}|${windowKey}|${d.hidden ? c.query.get(d.hidden.flag) : ''}${matchKey}`;
    if (paging === 'zoom' || paging === 'token') {
      const p = paginate(c, { key: listKey, total: rows.length, maxPageSize: max });
      const echoed = Object.fromEntries((echo ?? []).map((k) => [k, c.query.get(k) || `${new Date(c.now).toISOString().slice(0, 19)}Z`]));
      return json({ ...echoed, [key]: rows.slice(p.offset, p.end), next_page_token: p.next_page_token, ...(paging === 'zoom' ? { page_size: p.page_size } : {}) });
    }
    // Google-style: maxResults and pageToken in, nextPageToken out (absent on the last page).
    const q = new URLSearchParams(c.query);
    q.delete('page_size');
    q.delete('next_page_token');
    if (c.query.get('maxResults')) q.set('page_size', c.query.get('maxResults')!);
    if (c.query.get('pageToken')) q.set('next_page_token', c.query.get('pageToken')!);
    const p = paginate({ ...c, query: q }, { key: listKey, total: rows.length, maxPageSize: max, tokenErrorCode: 400 });
    return json({ ...head, [key]: rows.slice(p.offset, p.end), ...(p.next_page_token ? { nextPageToken: p.next_page_token } : {}) });
  };
}

/** The declarations as the server's routes, and where the AI Companion archive's download URLs lead (Bearer, then 302 to the file). */
export const workplaceRoutes: RouteDef[] = [{ method: 'GET', path: '/aic/archive/download/:token', category: null, area: 'downloads', auth: 'bearer', handler: downloadHandler }, ...[...WORKPLACE_ROUTES, ...CONTACT_CENTER_ROUTES, ...EVENTS_VISITORS_ROUTES, ...REVENUE_QUALITY_ROUTES].map((d): RouteDef => ({
  method: 'GET',
  path: d.path,
  category: d.label,
  granular: d.granular,
  classic: d.classic,
  area: 'api',
  auth: 'bearer',
  spec: d.spec,
  handler: handle(d),
}))];
