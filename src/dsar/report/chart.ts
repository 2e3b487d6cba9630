import { html, trusted, type Html } from './html.js';

export const SERIES = [
  { key: 'meetings', label: 'Meetings', color: '#2d5fa8' },
  { key: 'calls', label: 'Calls', color: '#d0802a' },
  { key: 'recordings', label: 'Recordings', color: '#3b9a5a' },
] as const;
export type SeriesKey = (typeof SERIES)[number]['key'];

/** Per-month counts, filled while streaming over the category files (a few numbers per month, never the records). */
export class MonthlyCounts {
  readonly months = new Map<string, Record<SeriesKey, number>>();

  add(series: SeriesKey, when: unknown): void {
    const m = monthOf(when);
    if (!m) return;
    let row = this.months.get(m);
    if (!row) this.months.set(m, (row = { meetings: 0, calls: 0, recordings: 0 }));
    row[series]++;
  }

  /** Every month from the first to the last with activity (gaps filled with zeros), at most `max` (the latest). */
  range(max = 60): { months: Array<[string, Record<SeriesKey, number>]>; dropped: number } {
    const keys = [...this.months.keys()].sort();
    if (keys.length === 0) return { months: [], dropped: 0 };
    const all: string[] = [];
    for (let m = keys[0]!; m <= keys[keys.length - 1]!; m = nextMonth(m)) all.push(m);
    const shown = all.slice(-max);
    const droppedMonths = all.slice(0, all.length - shown.length);
    let dropped = 0;
    for (const m of droppedMonths) {
      const r = this.months.get(m);
      if (r) dropped += r.meetings + r.calls + r.recordings;
    }
    return { months: shown.map((m) => [m, this.months.get(m) ?? { meetings: 0, calls: 0, recordings: 0 }]), dropped };
  }
}

function monthOf(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})/.exec(v);
  if (!m) return undefined;
  const month = Number(m[2]);
  return month >= 1 && month <= 12 ? `${m[1]}-${m[2]}` : undefined;
}

function nextMonth(m: string): string {
  const y = Number(m.slice(0, 4));
  const mo = Number(m.slice(5, 7));
  return mo === 12 ? `${String(y + 1).padStart(4, '0')}-01` : `${m.slice(0, 4)}-${String(mo + 1).padStart(2, '0')}`;
}

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Grouped bars per month as inline SVG (numbers and our own labels only), with a legend and a table for print and screen readers. */
export function activityChart(counts: MonthlyCounts): Html {
  const { months, dropped } = counts.range(60);
  if (months.length === 0) return html`<p class="meta">No dated meetings, calls or recordings to chart.</p>`;
  const W = 960;
  const H = 240;
  const left = 44;
  const right = 12;
  const top = 12;
  const bottom = 38;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const max = Math.max(1, ...months.flatMap(([, r]) => [r.meetings, r.calls, r.recordings]));
  const step = niceStep(max);
  const yMax = Math.ceil(max / step) * step;
  const slot = plotW / months.length;
  const barW = Math.max(1, Math.min(14, (slot * 0.8) / SERIES.length));
  const y = (v: number) => top + plotH - (v / yMax) * plotH;
  const parts: string[] = [];
  for (let v = 0; v <= yMax; v += step) {
    const yy = y(v).toFixed(1);
    parts.push(`<line x1="${left}" x2="${W - right}" y1="${yy}" y2="${yy}" stroke="#e3e7ed" stroke-width="1"/>`);
    parts.push(`<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#5b6472">${v}</text>`);
  }
  const labelEvery = months.length <= 12 ? 1 : months.length <= 24 ? 3 : months.length <= 48 ? 6 : 12;
  months.forEach(([m, r], i) => {
    const x0 = left + i * slot + (slot - barW * SERIES.length) / 2;
    SERIES.forEach((s, k) => {
      const v = r[s.key];
      if (v <= 0) return;
      const h = (v / yMax) * plotH;
      parts.push(`<rect x="${(x0 + k * barW).toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${s.color}"><title>${m}: ${v} ${s.label.toLowerCase()}</title></rect>`);
    });
    const mo = Number(m.slice(5, 7));
    if (i % labelEvery === 0 || (labelEvery === 12 && mo === 1)) {
      const cx = (left + i * slot + slot / 2).toFixed(1);
      parts.push(`<text x="${cx}" y="${H - bottom + 15}" text-anchor="middle" font-size="11" fill="#5b6472">${MONTH_NAMES[mo - 1]}</text>`);
      if (i === 0 || mo === 1 || labelEvery >= 12) parts.push(`<text x="${cx}" y="${H - bottom + 29}" text-anchor="middle" font-size="11" fill="#5b6472">${m.slice(0, 4)}</text>`);
    }
  });
  parts.push(`<line x1="${left}" x2="${W - right}" y1="${top + plotH}" y2="${top + plotH}" stroke="#9aa3af" stroke-width="1"/>`);
  const first = months[0]![0];
  const last = months[months.length - 1]![0];
  const svg = trusted(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="Activity per month from ${first} to ${last}">${parts.join('')}</svg>`,
  );
  return html`<div class="chart">
<div class="legend">${SERIES.map((s) => html`<span><i style="background:${trusted(s.color)}"></i>${s.label}</span>`)}</div>
${svg}
${dropped > 0 ? html`<p class="meta">Only the last 60 months are drawn; ${dropped} earlier items are counted in the tables below.</p>` : ''}
<details><summary>Counts per month</summary>
<table><thead><tr><th>Month</th>${SERIES.map((s) => html`<th class="num">${s.label}</th>`)}</tr></thead><tbody>
${months.filter(([, r]) => r.meetings + r.calls + r.recordings > 0).map(([m, r]) => html`<tr><td>${m}</td>${SERIES.map((s) => html`<td class="num">${r[s.key]}</td>`)}</tr>`)}
</tbody></table></details>
</div>`;
}

function niceStep(max: number): number {
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const n = raw / mag;
  const f = n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10;
  return Math.max(1, f * mag);
}
