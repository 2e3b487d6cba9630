import { DAY_MS, addCalendarMonths, isoDay, parseIsoDay } from '../dates.js';
import type { Query, ZoomClient } from './client.js';
import { ZoomApiError } from './errors.js';
import type { Release } from './limiter.js';
import type { Route } from './route.js';

export interface ListOptions<T> {
  /** The array's key in each page (e.g. "meetings", "call_logs"). */
  key: string;
  /** Zoom's maximum for this endpoint (300 for most lists). */
  pageSize?: number;
  /** A stable identity, used to skip what was already yielded if a page token expires and the walk restarts. */
  idOf?: (item: T) => string | undefined;
  /** Start from this next_page_token (resume). */
  startToken?: string;
  /** Called after each page with the token of the next page ("" at the end): a resumable checkpoint. */
  onPage?: (info: { nextPageToken: string; items: number; page: Record<string, unknown> }) => void | Promise<void>;
  /** 'google': the Calendar and Mail APIs' maxResults/pageToken in and nextPageToken out (default: Zoom's page_size/next_page_token). */
  style?: 'zoom' | 'google';
  /** A place at the route's gate already granted (ZoomClient.first): the first page uses it. */
  held?: Release;
}

/**
 * Every item of a next_page_token list, in order. If Zoom says the page token expired
 * (tokens live 15 minutes), the walk starts again from the first page and skips what it
 * already yielded, so nothing is missed and nothing is yielded twice.
 *
 * Memory stays flat whatever the list's length: no set of every id. With `idOf`, a restarted walk
 * skips up to and including the last item it yielded (found by id, wherever it now is: items may
 * have come or gone before it); if that item is gone from the list, the walk fails with the expired
 * token's error rather than guess (the caller's unit is then fetched again from scratch). Without
 * `idOf`, it skips as many items as it yielded.
 */
export async function* listItems<T = Record<string, unknown>>(client: ZoomClient, r: Route, query: Query, opts: ListOptions<T>): AsyncGenerator<T> {
  let yielded = 0;
  let lastId: string | undefined;
  /** Items yielded after the one whose id is lastId (items without an id). */
  let sinceId = 0;
  let token = opts.startToken;
  let restarts = 0;
  let skip = 0;
  /** After a restart with ids: the id to find before yielding again, and the error to give if it is gone. */
  let seekId: string | undefined;
  let seekError: unknown;
  let held = opts.held;
  for (;;) {
    let page: Record<string, unknown>;
    try {
      const size = opts.pageSize ?? 300;
      const place = held;
      held = undefined;
      page = await client.get(r, opts.style === 'google' ? { ...query, maxResults: size, pageToken: token } : { ...query, page_size: size, next_page_token: token }, place);
    } catch (e) {
      if (token && isExpiredPageToken(e) && restarts < 3) {
        restarts++;
        token = undefined;
        if (opts.idOf && lastId !== undefined) {
          seekId = lastId;
          seekError = e;
          skip = 0;
        } else skip = yielded;
        continue;
      }
      throw e;
    }
    const items = page[opts.key];
    const list = Array.isArray(items) ? (items as T[]) : [];
    for (const item of list) {
      if (skip > 0) {
        skip--;
        continue;
      }
      if (seekId !== undefined) {
        if (opts.idOf!(item) === seekId) {
          seekId = undefined;
          skip = sinceId;
        }
        continue;
      }
      const id = opts.idOf?.(item);
      if (id !== undefined) {
        lastId = id;
        sinceId = 0;
      } else sinceId++;
      yielded++;
      yield item;
    }
    const nextToken = opts.style === 'google' ? page.nextPageToken : page.next_page_token;
    const next = typeof nextToken === 'string' ? nextToken : '';
    await opts.onPage?.({ nextPageToken: next, items: list.length, page });
    if (!next) {
      if (seekId !== undefined) throw seekError;
      return;
    }
    token = next;
  }
}

/** Zoom answers 400 (code 300 or 400 by endpoint) for an expired or invalid next_page_token. */
export function isExpiredPageToken(e: unknown): boolean {
  return e instanceof ZoomApiError && e.status === 400 && /page.?token|next_page/i.test(e.zoomMessage);
}

export interface DateWindow {
  from: string;
  to: string;
}

/**
 * [from, to] (yyyy-mm-dd, inclusive) cut into windows of less than one calendar month (each window's
 * `to` comes before its `from` plus a month, whatever the month's length), the widest Zoom accepts for
 * recordings and Phone lists. Windows are counted back from `to`, so a later `from` (a six-month limit
 * recomputed on a resumed run) changes only the oldest window. Newest first, so the most recent data
 * (the likeliest to be asked about) is saved first.
 */
export function monthWindows(from: string, to: string): DateWindow[] {
  const out: DateWindow[] = [];
  const start = parseIsoDay(from);
  let end = parseIsoDay(to);
  while (start <= end) {
    let first = new Date(addCalendarMonths(end, -1).getTime() + DAY_MS);
    while (addCalendarMonths(first, 1) <= end) first = new Date(first.getTime() + DAY_MS);
    if (first < start) first = start;
    out.push({ from: isoDay(first), to: isoDay(end) });
    end = new Date(first.getTime() - DAY_MS);
  }
  return out;
}

/**
 * [from, to] in month windows cut at `cut` (the first day of Zoom's past six months): the windows of
 * [cut, to] as monthWindows gives them (the same as a list limited to six months asks for), then those of
 * [from, cut - 1 day], each marked `beyond` (it starts before the cut). Newest first. Without `cut` (nothing
 * of the range is that recent) every window is beyond.
 */
export function monthWindowsCutAt(from: string, to: string, cut: string | undefined): Array<DateWindow & { beyond: boolean }> {
  if (cut !== undefined && cut <= from) return monthWindows(from, to).map((w) => ({ ...w, beyond: false }));
  const recent = cut !== undefined && cut <= to ? monthWindows(cut, to).map((w) => ({ ...w, beyond: false })) : [];
  const olderTo = cut !== undefined && cut <= to ? isoDay(new Date(parseIsoDay(cut).getTime() - DAY_MS)) : to;
  return [...recent, ...monthWindows(from, olderTo).map((w) => ({ ...w, beyond: true }))];
}

/** [from, to] (yyyy-mm-dd, inclusive) cut into windows of at most `days` days (Workspace reservations: 14), newest first. */
export function dayWindows(from: string, to: string, days: number): DateWindow[] {
  const out: DateWindow[] = [];
  const start = parseIsoDay(from);
  let end = parseIsoDay(to);
  while (start <= end) {
    let first = new Date(end.getTime() - (days - 1) * DAY_MS);
    if (first < start) first = start;
    out.push({ from: isoDay(first), to: isoDay(end) });
    end = new Date(first.getTime() - DAY_MS);
  }
  return out;
}
