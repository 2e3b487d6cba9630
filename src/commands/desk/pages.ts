/**
 * The desk's pages: plain server-rendered HTML (no script), each one a view of what a workflow
 * returns. Every action is a form that calls the same workflow as the CLI command named beside it.
 */
import { zdsarHome } from '../../config.js';
import { humanTime } from '../../dates.js';
import { tallySentence } from '../../dsar/items.js';
import { html, trusted, type Html } from '../../dsar/report/html.js';
import { UsageError } from '../../errors.js';
import { describeIdentity, Ledger, REQUEST_ID_RE, urgency } from '../../ledger/index.js';
import { clockRuns, STAGES } from '../../ledger/lifecycle.js';
import { filterList, listOptions, summary } from '../requests-view.js';

export interface DeskContext {
  env: NodeJS.ProcessEnv;
  /** Path prefix of every URL: /<token>. */
  base: string;
  token: string;
  now: () => Date;
}

export type Reply = { status: number; html: string } | { status: number; css: string } | { status: number; text: string } | { redirect: string };

const load = {
  review: () => import('../../dsar/disclosure/review.js'),
  run: () => import('../../dsar/disclosure/run.js'),
};

function layout(ctx: DeskContext, title: string, body: Html, status = 200): Reply {
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · zdsar desk</title>
<link rel="stylesheet" href="${ctx.base}/desk.css">
</head>
<body>
<header><nav aria-label="Desk"><span class="brand">zdsar desk</span><a href="${ctx.base}/">Requests</a></nav></header>
<main id="main">
${body}
</main>
</body>
</html>
`;
  return { status, html: page.value };
}

function problem(ctx: DeskContext, e: unknown): Reply {
  const usage = e instanceof UsageError;
  const hint = (e as { hint?: string }).hint;
  return layout(
    ctx,
    usage ? 'Not done' : 'Error',
    html`<h1>${usage ? 'Not done' : 'Something went wrong'}</h1><div class="panel error" role="alert"><p>${(e as Error).message ?? String(e)}</p>${hint ? html`<p>${hint}</p>` : ''}</div><p><a href="${ctx.base}/">Back to the requests</a></p>`,
    usage ? 400 : 500,
  );
}

const tokenField = (ctx: DeskContext) => html`<input type="hidden" name="token" value="${ctx.token}">`;

function dueText(r: { due_at: string; extended: boolean }, running: boolean, now: Date): Html {
  const date = r.due_at.slice(0, 10) + (r.extended ? ' (extended)' : '');
  if (!running) return html`${date}`;
  const u = urgency(new Date(r.due_at), now);
  if (u.urgency === 'overdue') return html`${date} <span class="overdue">OVERDUE by ${-u.days} day${-u.days === 1 ? '' : 's'}</span>`;
  if (u.urgency === 'due-soon') return html`${date} <span class="soon">${u.days === 0 ? 'due today' : `due in ${u.days} day${u.days === 1 ? '' : 's'}`}</span>`;
  return html`${date}`;
}

// ---- open requests ------------------------------------------------------------------------

async function listPage(ctx: DeskContext, q: URLSearchParams): Promise<Reply> {
  const raw = {
    all: q.get('all') === '1',
    overdue: q.get('overdue') === '1',
    ...(q.get('due') ? { due: `${q.get('due')}d` } : {}),
    ...(q.get('state') ? { state: q.get('state') } : {}),
  };
  const parsed = listOptions.safeParse(raw);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join('; '));
  const o = parsed.data;
  const now = ctx.now();
  const all = await Ledger.open(zdsarHome(ctx.env)).listSettled();
  const shown = filterList(o.all ? all : all.filter((r) => !r.purged_at), o, now);
  const rows = shown.map((r) => {
    const s = summary(r, now, urgency);
    const running = clockRuns(r);
    return html`<tr>
<td><a href="${ctx.base}/r/${r.request_id}">${r.request_id}</a></td>
<td>${r.type}</td>
<td>${s.stage.replace('_', ' ')}</td>
<td>${dueText(r, running, now)}</td>
<td>${running ? String(s.days_left) : html`<span class="muted">clock stopped</span>`}</td>
<td>${String(r.subjects.length)}</td>
<td>${r.requester ?? ''}</td>
</tr>`;
  });
  const stageOptions = STAGES.map((st) => html`<option value="${st}"${trustedAttr(o.state === st, ' selected')}>${st.replace('_', ' ')}</option>`);
  return layout(
    ctx,
    'Requests',
    html`<h1>Requests</h1>
<form class="filters" method="get" action="${ctx.base}/">
<label>Stage <select name="state"><option value="">any</option>${stageOptions}</select></label>
<label>Due within (days) <input type="text" inputmode="numeric" name="due" size="4" value="${o.due === undefined ? '' : String(o.due)}"></label>
<label class="inline"><input type="checkbox" name="overdue" value="1"${trustedAttr(o.overdue, ' checked')}> Overdue only</label>
<label class="inline"><input type="checkbox" name="all" value="1"${trustedAttr(o.all, ' checked')}> Include purged</label>
<button type="submit">Filter</button>
</form>
<p class="muted">The same filters as <code>zdsar requests list --state … --due 7d --overdue --all</code>. ${String(shown.length)} of ${String(all.length)} request${all.length === 1 ? '' : 's'} shown.</p>
<div class="table-wrap"><table>
<caption class="muted">Newest first. Days left count to the legal due date.</caption>
<thead><tr><th scope="col">Request</th><th scope="col">Type</th><th scope="col">Stage</th><th scope="col">Due</th><th scope="col">Days left</th><th scope="col">People</th><th scope="col">Requester</th></tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="7">No requests match.</td></tr>`}</tbody>
</table></div>`,
  );
}

/** A fixed attribute (selected, checked) when a condition holds: our own markup, never data. */
function trustedAttr(on: boolean, attr: ' selected' | ' checked'): Html | '' {
  return on ? trusted(attr) : '';
}

/** Long text behind a disclosure triangle (a real <details>: keyboard and screen readers open it). */
function more(label: string, text: string | undefined): Html | '' {
  if (!text) return '';
  return text.length <= 80 ? html` <span class="muted">${text}</span>` : html`<details><summary>${label}</summary><span class="muted">${text}</span></details>`;
}

// ---- one request --------------------------------------------------------------------------

function requestId(raw: string): string {
  if (!REQUEST_ID_RE.test(raw)) throw new UsageError(`"${raw}" is not a request id`);
  return raw;
}

async function requestPage(ctx: DeskContext, id: string): Promise<Reply> {
  const { reviewState } = await load.review();
  const st = await reviewState(ctx.env, id);
  const r = st.request;
  const now = ctx.now();
  const running = clockRuns(r);
  const s = summary(r, now, urgency);
  const facts = html`<dl class="facts">
<dt>Type</dt><dd>${r.type}</dd>
<dt>Stage</dt><dd>${s.stage.replace('_', ' ')} <span class="muted">(${r.status})</span></dd>
<dt>Regime</dt><dd>${r.regime.toUpperCase()}</dd>
<dt>Received</dt><dd>${r.received_at.slice(0, 10)}</dd>
<dt>Due</dt><dd>${dueText(r, running, now)}${running ? html` <span class="muted">(${String(s.days_left)} days left)</span>` : ''}</dd>
${r.requester ? html`<dt>Requester</dt><dd>${r.requester}</dd>` : ''}
${r.out_dir ? html`<dt>Package</dt><dd><code>${r.out_dir}</code></dd>` : ''}
<dt>Identity</dt><dd>${describeIdentity(r.identity)}</dd>
${(r.identity?.refusals ?? []).map((x) => html`<dt>Refused</dt><dd>${humanTime(x.at)} ${x.step}: ${x.missing}</dd>`)}
</dl>`;

  const copy = st.copy
    ? html`<h2 id="copy">Disclosure copy</h2>
<dl class="facts">
<dt>Digest (sha256)</dt><dd class="digest">${st.copy.sha256}</dd>
<dt>Masked values</dt><dd>${String(st.copy.manifest.subjects.reduce((n, x) => n + x.redactions.masked, 0))}</dd>
<dt>Officer's decisions</dt><dd>${String(st.overrides.reveal.length)} value(s) revealed, ${String(st.overrides.withhold.length)} record(s) withheld <span class="muted">(also applied by <code>zdsar redact ${r.request_id}</code>)</span></dd>
<dt>Release</dt><dd>${st.approval ? html`<span class="ok">Approved</span> by ${st.approval.by} at ${humanTime(st.approval.at)}` : html`<span class="soon">Not approved</span> <span class="muted">${st.waiting ?? ''}</span>`}</dd>
</dl>
${st.copy.manifest.subjects.map(
  (p) => html`<p><a href="${ctx.base}/r/${r.request_id}/review?person=${String(p.index)}&amp;at=1">Review ${p.email}'s copy</a> <span class="muted">(${String(p.redactions.masked)} masked, ${String(p.redactions.contacts)} other people, ${String(p.redactions.withheld.length)} file(s) withheld, ${String(p.redactions.review.length)} flagged for review)</span></p>`,
)}
${st.approval ? '' : approveForm(ctx, r.request_id, st.copy.sha256)}`
    : r.type === 'export'
      ? html`<h2 id="copy">Disclosure copy</h2><p>No disclosure copy yet. Make one with <code>zdsar redact ${r.request_id}</code>.</p>`
      : '';

  const people = (st.manifest?.subjects ?? []).map((p) => {
    const cats = Object.entries(p.categories).map(([name, c]) => {
      const cov = c.coverage;
      return html`<tr><th scope="row">${name}</th><td>${c.status}</td><td>${c.records === undefined ? '' : String(c.records)}</td>
<td>${cov ? html`${cov.from ?? ''}${cov.from || cov.to ? ' to ' : ''}${cov.to ?? ''}${more('why', cov.why)}${cov.refused?.length ? html`<br>Refused windows: ${cov.refused.join(', ')}` : ''}` : ''}</td>
<td>${cov?.items ? tallySentence(cov.items, cov.items.of ?? 'items') : ''}</td>
<td>${c.error ? html`<span class="overdue">${c.error}</span>` : more('note', c.note)}</td></tr>`;
    });
    return html`<h3>${p.email} <span class="badge">${p.status}</span></h3>
<div class="table-wrap"><table>
<thead><tr><th scope="col">Category</th><th scope="col">Status</th><th scope="col">Records</th><th scope="col">Coverage</th><th scope="col">Item outcomes</th><th scope="col">Note</th></tr></thead>
<tbody>${cats}</tbody></table></div>`;
  });
  const fromLedger = st.manifest
    ? ''
    : r.subjects.map((p) => html`<li>Person ${String(p.index)}: ${p.status ?? 'pending'}</li>`);

  return layout(
    ctx,
    r.request_id,
    html`<h1>Request ${r.request_id}</h1>${facts}${copy}<h2>People</h2>${people}${fromLedger ? html`<ul>${fromLedger}</ul>` : ''}`,
  );
}

function approveForm(ctx: DeskContext, id: string, sha256: string): Html {
  return html`<form class="panel" method="post" action="${ctx.base}/r/${id}/approve">
<h3>Approve this copy for release</h3>
<p>The approval is for exactly the copy with digest <span class="digest">${sha256}</span>, as <code>zdsar requests approve ${id} --sha256 ${sha256}</code> records it. Rebuilding the copy needs a new approval.</p>
${tokenField(ctx)}<input type="hidden" name="sha256" value="${sha256}">
<div class="actions"><label for="approver">Approver's name <input type="text" id="approver" name="approver" required autocomplete="name"></label>
<button type="submit">Approve</button></div>
</form>`;
}

// ---- review ---------------------------------------------------------------------------------

function intParam(v: string | null, name: string, min = 0): number {
  const n = Number(v);
  if (v === null || !/^\d{1,9}$/.test(v) || n < min) throw new UsageError(`${name}: must be a whole number`);
  return n;
}

const show = (v: unknown) => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

async function reviewPage(ctx: DeskContext, id: string, q: URLSearchParams): Promise<Reply> {
  const { reviewState, reviewRecord } = await load.review();
  const st = await reviewState(ctx.env, id);
  const person = intParam(q.get('person'), 'person');
  const at = intParam(q.get('at'), 'at', 1);
  const rec = await reviewRecord(st, person, at);
  const href = (n: number) => `${ctx.base}/r/${id}/review?person=${person}&at=${n}`;
  const where = `${rec.place.file}${rec.place.record !== undefined ? `, record ${rec.place.record}` : ''}`;
  const rows = rec.entries.map((e, i) => {
    const name = `v${i}`;
    const decision = rec.decidable
      ? html`<fieldset class="choices"><legend>${e.field}</legend>
<input type="hidden" name="field${String(i)}" value="${e.field}">
<label><input type="radio" name="${name}" value="mask"${trustedAttr(e.decision === 'masked', ' checked')}> Keep masked</label>
<label><input type="radio" name="${name}" value="reveal"${trustedAttr(e.decision === 'revealed', ' checked')}> Reveal</label></fieldset>`
      : html`<span class="muted">masked by rule</span>`;
    return html`<tr><td><code>${e.field}</code></td><td>${show(e.original)}</td><td>${e.decision === 'revealed' ? html`<span class="ok">revealed</span> <span class="muted">(was ${e.as})</span>` : e.as}</td><td>${e.rule}</td><td>${decision}</td></tr>`;
  });
  const form = rec.decidable
    ? html`<form method="post" action="${ctx.base}/r/${id}/review">
${tokenField(ctx)}<input type="hidden" name="person" value="${String(person)}"><input type="hidden" name="at" value="${String(at)}">
<input type="hidden" name="file" value="${rec.place.file}">${rec.place.record !== undefined ? html`<input type="hidden" name="record" value="${String(rec.place.record)}">` : ''}
<input type="hidden" name="fields" value="${String(rec.entries.length)}">
<div class="table-wrap"><table>
<caption class="muted">Each masked value of this record: where it is, what it is, what the person sees, and the rule that masked it.</caption>
<thead><tr><th scope="col">Field</th><th scope="col">Value in the record</th><th scope="col">The person sees</th><th scope="col">Rule</th><th scope="col">Decision</th></tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="5">${rec.withheld ? 'The whole record is withheld.' : 'Nothing masked here.'}</td></tr>`}</tbody></table></div>
${rec.place.record !== undefined ? html`<p><label><input type="checkbox" name="withhold" value="1"${trustedAttr(rec.withheld, ' checked')}> Withhold the whole record from the copy</label></p>` : ''}
<p><button type="submit">Save and rebuild the copy</button> <span class="muted">Saved beside the request; the copy is rebuilt as <code>zdsar redact ${id}</code> does, and needs a new approval.</span></p>
</form>`
    : html`<div class="table-wrap"><table><thead><tr><th scope="col">Field</th><th scope="col">Value</th><th scope="col">The person sees</th><th scope="col">Rule</th><th scope="col">Decision</th></tr></thead><tbody>${rows}</tbody></table></div>
<p class="muted">A transcript or chat line is masked by its own rules; it takes no decisions here.</p>`;
  const pager = html`<nav class="pager" aria-label="Records">
${at > 1 ? html`<a href="${href(at - 1)}" rel="prev">Previous record</a>` : html`<span class="muted">Previous record</span>`}
<span>Record ${String(at)} of ${String(rec.total)}</span>
${at < rec.total ? html`<a href="${href(at + 1)}" rel="next">Next record</a>` : html`<span class="muted">Next record</span>`}
<a href="${ctx.base}/r/${id}">Back to the request</a></nav>`;
  return layout(
    ctx,
    `Review ${rec.subject.email}`,
    html`<h1>Review the copy of ${rec.subject.email}</h1>
<p>Request <a href="${ctx.base}/r/${id}">${id}</a>, copy digest <span class="digest">${st.copy?.sha256 ?? ''}</span></p>
${pager}
<details><summary>Go to a file (${String(rec.files.length)})</summary><ul>${rec.files.map((f) => html`<li><a href="${href(f.first)}">${f.file}</a> <span class="muted">(${String(f.count)} record${f.count === 1 ? '' : 's'})</span></li>`)}</ul></details>
<h2>${where}${rec.withheld ? html` <span class="badge overdue">withheld</span>` : ''}</h2>
${form}
<div class="columns">
<section><h3>As Zoom sent it</h3><pre>${rec.source === undefined ? '' : JSON.stringify(rec.source, null, 2)}</pre></section>
<section><h3>As the person receives it</h3><pre>${rec.withheld ? '(withheld: not in the copy)' : rec.shown === undefined ? '' : JSON.stringify(rec.shown, null, 2)}</pre></section>
</div>
${pager}`,
  );
}

async function decide(ctx: DeskContext, id: string, form: URLSearchParams): Promise<Reply> {
  const { decideRecord } = await load.review();
  const person = intParam(form.get('person'), 'person');
  const at = intParam(form.get('at'), 'at', 1);
  const file = form.get('file') ?? '';
  const record = form.get('record') === null ? undefined : intParam(form.get('record'), 'record', 1);
  const n = intParam(form.get('fields'), 'fields');
  const reveal: string[] = [];
  for (let i = 0; i < n; i++) if (form.get(`v${i}`) === 'reveal') reveal.push(form.get(`field${i}`) ?? '');
  const r = await decideRecord(ctx.env, id, { person, file, ...(record !== undefined ? { record } : {}), reveal, withhold: form.get('withhold') === '1' });
  return layout(
    ctx,
    'Copy rebuilt',
    html`<h1>Copy rebuilt</h1>
<div class="panel notice" role="status">
<p>Your decision on ${file}${record !== undefined ? `, record ${record}` : ''} is saved beside the request (<code>${r.overridesPath}</code>) and the copy was rebuilt.</p>
<dl class="facts">
<dt>Revealed here</dt><dd>${r.revealed.length ? r.revealed.join(', ') : 'nothing'}</dd>
<dt>Record</dt><dd>${r.withheld ? 'withheld from the copy' : 'in the copy'}</dd>
<dt>Masked values</dt><dd>${String(r.before.masked)} → ${String(r.after.masked)}</dd>
<dt>Digest before</dt><dd class="digest">${r.before.sha256 ?? ''}</dd>
<dt>Digest now</dt><dd class="digest">${r.after.sha256}</dd>
</dl>
${r.approvalVoided ? html`<p><strong>The approval by ${r.approvalVoided.by} was for the earlier copy and no longer applies.</strong> The zips made from it were removed.</p>` : ''}
</div>
<p><a href="${ctx.base}/r/${id}/review?person=${String(person)}&amp;at=${String(at)}">Back to this record</a> · <a href="${ctx.base}/r/${id}#copy">Approve the new copy</a></p>`,
  );
}

async function approve(ctx: DeskContext, id: string, form: URLSearchParams): Promise<Reply> {
  const approver = (form.get('approver') ?? '').trim();
  if (!approver) throw new UsageError("the approver's name is needed");
  const sha256 = (form.get('sha256') ?? '').trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new UsageError('the copy digest is missing');
  const { approveRequest } = await load.run();
  // The same workflow (and identity gate) as `zdsar requests approve <id> --approver … --sha256 …`.
  const r = await approveRequest(ctx.env, id, { approver, sha256 });
  const a = r.outcome.approval;
  return layout(
    ctx,
    'Approved',
    html`<h1>${a ? 'Approved' : 'Not approved'}</h1>
<div class="panel notice" role="status">
${a ? html`<p>Approved for release by ${a.by} at ${humanTime(a.at)}, for the copy with digest <span class="digest">${a.sha256}</span>.</p>` : html`<p>${r.outcome.waiting ?? ''}</p>`}
${r.outcome.zips.length ? html`<p>Zips made from the approved copy:</p><ul>${r.outcome.zips.map((z) => html`<li><code>${z.path}</code></li>`)}</ul>` : ''}
${r.outcome.zips.some((z) => z.passphrase) ? html`<p>Passphrases are shown only by the CLI: run <code>zdsar requests approve ${id} --zip-passphrase</code> in a terminal.</p>` : ''}
</div>
<p><a href="${ctx.base}/r/${id}">Back to the request</a></p>`,
  );
}

// ---- routing --------------------------------------------------------------------------------

async function guarded(ctx: DeskContext, fn: () => Promise<Reply>): Promise<Reply> {
  try {
    return await fn();
  } catch (e) {
    return problem(ctx, e);
  }
}

const notFound = (ctx: DeskContext): Reply => layout(ctx, 'Not found', html`<h1>Not found</h1><p><a href="${ctx.base}/">Back to the requests</a></p>`, 404);

export const routes = {
  get(ctx: DeskContext, path: string, q: URLSearchParams): Promise<Reply> {
    return guarded(ctx, async () => {
      if (path === '/') return listPage(ctx, q);
      const m = /^\/r\/([^/]+)(\/review)?$/.exec(path);
      if (!m) return notFound(ctx);
      const id = requestId(decodeURIComponent(m[1]!));
      return m[2] ? reviewPage(ctx, id, q) : requestPage(ctx, id);
    });
  },
  post(ctx: DeskContext, path: string, form: URLSearchParams): Promise<Reply> {
    return guarded(ctx, async () => {
      const m = /^\/r\/([^/]+)\/(review|approve)$/.exec(path);
      if (!m) return notFound(ctx);
      const id = requestId(decodeURIComponent(m[1]!));
      return m[2] === 'review' ? decide(ctx, id, form) : approve(ctx, id, form);
    });
  },
};

