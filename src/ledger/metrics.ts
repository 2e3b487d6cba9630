/**
 * The yearly figures of CCPA regulations §7102(a): per type of request, how many were received,
 * complied with in whole or in part, and denied, and the median and mean number of days to respond.
 *
 * From the ledger alone (purged requests keep their status and dates, so they still count):
 *   - a request counts in the year it was received (received_at, UTC);
 *   - types: `know` (export), `delete` (zoom-delete, registrants-erase); compliance-notify is Zoom's
 *     deauthorization notice, not a person's request, and is left out; zdsar takes no opt-out requests;
 *   - complied in whole: completed (or, with the request lifecycle, sent or closed); in part: partial;
 *     denied: canceled (the request was not carried out); open: still being worked on; failed: stopped
 *     on an error and not finished;
 *   - days to respond: from received_at to when the request finished (completed_at, or canceled_at
 *     for a denial), in days with one decimal, over the requests that were answered (whole, part, denied).
 */
import type { LedgerRequest, RequestType } from './types.js';

export type MetricsType = 'know' | 'delete';
export const METRICS_TYPES: Readonly<Record<MetricsType, readonly RequestType[]>> = {
  know: ['export'],
  delete: ['zoom-delete', 'registrants-erase'],
};

export interface TypeMetrics {
  type: MetricsType;
  /** The ledger's request types counted here. */
  ledger_types: readonly RequestType[];
  received: number;
  complied_in_whole: number;
  complied_in_part: number;
  denied: number;
  open: number;
  failed: number;
  /** Over the answered requests (whole, part, denied); null when there is none. */
  median_days: number | null;
  mean_days: number | null;
}

export interface YearMetrics {
  year: number;
  types: TypeMetrics[];
}

const DAY_MS = 86_400_000;
const WHOLE = new Set(['completed', 'sent', 'closed']);

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

export function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function yearMetrics(requests: LedgerRequest[], year: number): YearMetrics {
  const types = (Object.keys(METRICS_TYPES) as MetricsType[]).map((type): TypeMetrics => {
    const mine = requests.filter((r) => METRICS_TYPES[type].includes(r.type) && new Date(r.received_at).getUTCFullYear() === year);
    const count = (pred: (r: LedgerRequest) => boolean) => mine.filter(pred).length;
    const status = (r: LedgerRequest) => r.status as string;
    const days: number[] = [];
    for (const r of mine) {
      const answered = WHOLE.has(status(r)) || status(r) === 'partial' ? r.completed_at : status(r) === 'canceled' ? r.canceled_at : undefined;
      if (answered) days.push(Math.max(0, (Date.parse(answered) - Date.parse(r.received_at)) / DAY_MS));
    }
    const med = median(days);
    return {
      type,
      ledger_types: METRICS_TYPES[type],
      received: mine.length,
      complied_in_whole: count((r) => WHOLE.has(status(r))),
      complied_in_part: count((r) => status(r) === 'partial'),
      denied: count((r) => status(r) === 'canceled'),
      open: count((r) => ['pending', 'processing', 'interrupted', 'collecting', 'awaiting_review', 'approved'].includes(status(r))),
      failed: count((r) => status(r) === 'failed'),
      median_days: med === null ? null : round1(med),
      mean_days: days.length ? round1(days.reduce((a, b) => a + b, 0) / days.length) : null,
    };
  });
  return { year, types };
}
