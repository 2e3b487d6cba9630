/**
 * HTML building with escaping by default: `html\`…${value}…\`` escapes every interpolated
 * value unless it is already Html (built by this same tag). Text Zoom returned (topics,
 * names, messages) is attacker-controlled, so nothing is ever concatenated raw.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/**
 * Escape for text and for double-quoted attribute values. Also replaces characters HTML
 * cannot carry (NUL, lone surrogates, C0 controls), and shows bidirectional overrides and
 * isolates as visible [U+202E] marks: in a topic or name they could make text read
 * differently from what it is ("gnp.exe" shown as "exe.png"). The JSON files keep them.
 */
export function esc(text: string): string {
  return text
    .replace(/[\u202A-\u202E\u2066-\u2069]/g, (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase()}]`)
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '\uFFFD')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/[&<>"'`]/g, (c) => ENTITIES[c]!);
}

function render(v: unknown): string {
  if (v instanceof Html) return v.value;
  if (v === undefined || v === null || v === false) return '';
  if (Array.isArray(v)) return v.map(render).join('');
  return esc(String(v));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new Html(out);
}

/** Trusted markup built by our own code (SVG numbers, CSS). Never pass Zoom's text here. */
export function trusted(markup: string): Html {
  return new Html(markup);
}

/** A relative link to a file inside the package: each segment percent-encoded; only our own safe paths. */
export function localHref(relPath: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(relPath) || relPath.startsWith('/') || relPath.split('/').some((s) => s === '..')) {
    throw new Error('not a local relative path');
  }
  return relPath.split('/').map(encodeURIComponent).join('/');
}

export const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export const CSS = `
:root { color-scheme: light; --ink:#1d2430; --muted:#5b6472; --line:#d8dde5; --band:#f4f6f9; --accent:#2d5fa8; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 24px 28px 48px; background: #fff; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 6px; padding-top: 8px; border-top: 2px solid var(--line); }
h3 { font-size: 16px; margin: 20px 0 6px; }
p { margin: 6px 0; }
.sub { color: var(--muted); margin: 0 0 18px; font-size: 16px; overflow-wrap: anywhere; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 12px 0 20px; padding: 12px 16px; background: var(--band); border-radius: 6px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 6px; font-size: 13.5px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); overflow-wrap: break-word; unicode-bidi: plaintext; }
th { background: var(--band); font-weight: 600; position: sticky; top: 0; white-space: nowrap; }
td code { word-break: break-all; }
.nowrap { white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.mono, code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; }
tr:nth-child(even) td { background: #fafbfc; }
.explain { color: var(--ink); max-width: 75ch; }
.notice { margin: 0 0 16px; padding: 12px 16px; border-left: 4px solid var(--accent); background: var(--band); border-radius: 6px; }
.meta { color: var(--muted); font-size: 13.5px; }
.more { color: var(--muted); font-style: italic; }
.status { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12.5px; font-weight: 600; white-space: nowrap; }
.s-completed, .s-done { background: #e3f3e6; color: #1f6b2e; }
.s-not_found, .s-no_data { background: #eceff3; color: #4a5361; }
.s-partial { background: #fff3d6; color: #7a5300; }
.s-failed, .s-not_permitted { background: #fde4e2; color: #9b1c13; }
.s-not_enabled, .s-skipped, .s-unavailable { background: #fff3d6; color: #7a5300; }
.chart { margin: 10px 0; }
.chart svg { max-width: 100%; height: auto; }
.legend span { display: inline-block; margin-right: 16px; font-size: 13px; }
.legend i { display: inline-block; width: 11px; height: 11px; margin-right: 5px; vertical-align: -1px; border-radius: 2px; }
details { margin: 6px 0; }
summary { cursor: pointer; color: var(--accent); }
footer { margin-top: 40px; color: var(--muted); font-size: 13px; border-top: 1px solid var(--line); padding-top: 10px; }
a { color: var(--accent); }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; }
  tr, .chart { break-inside: avoid; }
  th { position: static; }
  details > table { display: table; }
  a { color: inherit; text-decoration: none; }
}
`;

export function page(title: string, body: Html): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(CSP)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
${body.value}
</body>
</html>
`;
}
