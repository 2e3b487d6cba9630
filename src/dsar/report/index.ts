/**
 * report.html: the human-readable side of an access package.
 *
 *   <package>/report.html                   the request: who was asked about, statuses, links
 *   <package>/subjects/<folder>/report.html the person: counts, activity chart, readable tables
 *
 * Each page is one self-contained file: inline CSS, inline SVG, no JavaScript, no external
 * resource of any kind, and a CSP meta tag that forbids loading anything (so even a bug in
 * escaping could not fetch or run something). URLs Zoom returned (join links, download
 * links) are shown as text, never as links. Every value from Zoom is escaped (html.ts).
 *
 * Manifest and report: the reports are a rendering of the listed data, written AFTER
 * manifest.json, and are NOT listed in the manifest's files (their own checksum would
 * have to be in the manifest they render). So the manifest, when derived from disk
 * (writeManifest, also on resume), must skip `report.html` (and download `.partial`
 * files): see the one-line change asked of the lead. The zip (zip.ts) still includes
 * each person's report.html.
 *
 * Memory: category files are streamed; a table shows the first ROW_CAP records and says
 * how many more are in the file; per-month counts for the chart are computed while
 * streaming over every record.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import pLimit from 'p-limit';
import { writeFileAtomic } from '../../fs/atomic.js';
import { digestFile } from '../../fs/records.js';
import { humanTime } from '../../dates.js';
import { CATEGORIES, type CategoryInfo } from '../categories.js';
import { BREADTH_COLUMNS, UNAVAILABLE_LABEL } from './breadth-columns.js';
import type { Manifest, ManifestFile, ManifestSubject } from '../manifest.js';
import { activityChart, MonthlyCounts, type SeriesKey } from './chart.js';
import type { Article15Statement } from '../article15.js';
import { html, localHref, page, trusted, type Html } from './html.js';
import { asRecord, isRecord, readObject, recordTexts, type Rec } from './read.js';
import { byCodeUnits } from '../../order.js';

export const ROW_CAP = 500;
export const REPORT_FILE = 'report.html';
/**
 * The package's list of its report.html files with their sha256 and size (the manifests are written
 * before the reports, and the disclosure copy's is what an approval is bound to, so the renderings
 * are listed here): `zdsar verify` checks every report.html against it.
 */
export const REPORTS_LIST = 'reports.json';

/** Record one report.html (path relative to the package) in the package's reports.json. */
async function listReport(packageDir: string, ...rels: string[]): Promise<void> {
  const path = join(packageDir, REPORTS_LIST);
  let files: ManifestFile[] = [];
  try {
    const doc = JSON.parse(await readFile(path, 'utf8')) as { files?: ManifestFile[] };
    if (Array.isArray(doc.files)) files = doc.files.filter((f) => !rels.includes(f.path));
  } catch {
    files = [];
  }
  for (const rel of rels) {
    const d = await digestFile(join(packageDir, ...rel.split('/')));
    files.push({ path: rel, sha256: d.sha256, bytes: d.bytes });
  }
  files.sort((a, b) => byCodeUnits(a.path, b.path));
  const doc = { note: 'Every report.html of this package, with its sha256 and size; `zdsar verify` checks them.', files };
  await writeFileAtomic(path, JSON.stringify(doc, null, 2) + '\n');
}

type Fmt = 'text' | 'date' | 'bytes' | 'url' | 'files' | 'names' | 'num';
interface Column {
  key: string;
  label: string;
  fmt?: Fmt;
}

const RECORDING_COLUMNS: Column[] = [
  { key: 'topic', label: 'Topic' },
  { key: 'start_time', label: 'Start', fmt: 'date' },
  { key: 'duration', label: 'Minutes', fmt: 'num' },
  { key: 'recording_files', label: 'Files', fmt: 'files' },
  { key: 'total_size', label: 'Size', fmt: 'bytes' },
];

/** What each list category's table shows (the full records are in the JSON file). */
const COLUMNS: Record<string, Column[]> = {
  meetings: [
    { key: 'topic', label: 'Topic' },
    { key: 'start_time', label: 'Start', fmt: 'date' },
    { key: 'duration', label: 'Minutes', fmt: 'num' },
    { key: 'id', label: 'Meeting ID' },
    { key: 'type', label: 'Type' },
    { key: 'join_url', label: 'Join link (text)', fmt: 'url' },
  ],
  webinars: [
    { key: 'topic', label: 'Topic' },
    { key: 'start_time', label: 'Start', fmt: 'date' },
    { key: 'duration', label: 'Minutes', fmt: 'num' },
    { key: 'id', label: 'Webinar ID' },
    { key: 'join_url', label: 'Join link (text)', fmt: 'url' },
  ],
  meetings_attended: [
    { key: 'topic', label: 'Topic' },
    { key: 'start_time', label: 'Start', fmt: 'date' },
    { key: 'end_time', label: 'End', fmt: 'date' },
    { key: 'duration', label: 'Minutes', fmt: 'num' },
    { key: 'participants_count', label: 'Participants', fmt: 'num' },
    { key: 'id', label: 'Meeting ID' },
  ],
  recordings: RECORDING_COLUMNS,
  recordings_trash: RECORDING_COLUMNS,
  // Each entry is {context, record}: Zoom's record as sent, and where zdsar found it.
  registrations: [
    { key: 'context.topic', label: 'Meeting or webinar' },
    { key: 'context.start_time', label: 'Start', fmt: 'date' },
    { key: 'context.kind', label: 'As' },
    { key: 'context.status', label: 'Status' },
    { key: 'record.create_time', label: 'Registered', fmt: 'date' },
  ],
  phone_call_history: [
    { key: 'start_time', label: 'Start', fmt: 'date' },
    { key: 'direction', label: 'Direction' },
    { key: 'caller_name', label: 'Caller' },
    { key: 'caller_number', label: 'Caller number' },
    { key: 'callee_name', label: 'Callee' },
    { key: 'callee_number', label: 'Callee number' },
    { key: 'duration', label: 'Seconds', fmt: 'num' },
    { key: 'result', label: 'Result' },
  ],
  phone_call_elements: [
    { key: 'start_time', label: 'Start', fmt: 'date' },
    { key: 'event', label: 'Leg' },
    { key: 'caller_name', label: 'Caller' },
    { key: 'caller_device_type', label: 'Caller device' },
    { key: 'caller_device_public_ip', label: 'Caller IP' },
    { key: 'callee_name', label: 'Callee' },
    { key: 'callee_device_type', label: 'Callee device' },
    { key: 'callee_device_public_ip', label: 'Callee IP' },
    { key: 'result', label: 'Result' },
  ],
  phone_recordings: [
    { key: 'date_time', label: 'When', fmt: 'date' },
    { key: 'direction', label: 'Direction' },
    { key: 'caller_name', label: 'Caller' },
    { key: 'caller_number', label: 'Caller number' },
    { key: 'callee_name', label: 'Callee' },
    { key: 'callee_number', label: 'Callee number' },
    { key: 'duration', label: 'Seconds', fmt: 'num' },
  ],
  phone_voicemails: [
    { key: 'date_time', label: 'When', fmt: 'date' },
    { key: 'caller_name', label: 'Caller' },
    { key: 'caller_number', label: 'Caller number' },
    { key: 'duration', label: 'Seconds', fmt: 'num' },
    { key: 'status', label: 'Status' },
  ],
  phone_sms: [
    { key: 'last_access_time', label: 'Last message', fmt: 'date' },
    { key: 'session_type', label: 'Type' },
    { key: 'participants', label: 'Participants', fmt: 'names' },
    { key: 'session_id', label: 'Session ID' },
  ],
  ...BREADTH_COLUMNS,
};

/** Which dated records feed the activity chart. */
const CHART_FEEDS: Record<string, { series: SeriesKey; dateKeys: string[] }> = {
  meetings: { series: 'meetings', dateKeys: ['start_time'] },
  webinars: { series: 'meetings', dateKeys: ['start_time'] },
  meetings_attended: { series: 'meetings', dateKeys: ['start_time'] },
  phone_call_history: { series: 'calls', dateKeys: ['start_time', 'date_time'] },
  recordings: { series: 'recordings', dateKeys: ['start_time'] },
  phone_recordings: { series: 'recordings', dateKeys: ['date_time', 'start_time'] },
};

const SINGLE = new Set(['profile', 'settings', 'phone_profile', 'phone_settings']);

/** Write every person's report.html and the package's index report.html (files 0600, atomic). */
export async function writeReports(packageDir: string, manifest: Manifest, opts: { now?: Date; review?: Html; identity?: Html; bodies?: RenderedBodies } = {}): Promise<void> {
  const generated = (opts.now ?? new Date()).toISOString();
  // A few people at once: each report waits on reading its records back, so their reads overlap.
  const limit = pLimit(4);
  const rels = await Promise.all(
    manifest.subjects.map((s) =>
      limit(async () => {
        const rel = safeSubjectPath(s.path);
        const dir = join(packageDir, ...rel.split('/'));
        const body = await subjectReport(dir, manifest, s, generated, false, await savedBody(opts.bodies?.get(s.index)));
        await writeFileAtomic(join(dir, REPORT_FILE), page(`${INTERNAL_TITLE}: Zoom data about ${s.email}`, html`${INTERNAL_BANNER}${body}`));
        return `${rel}/${REPORT_FILE}`;
      }),
    ),
  );
  await writeFileAtomic(join(packageDir, REPORT_FILE), page(`${INTERNAL_TITLE}: access request ${manifest.request_id}`, html`${INTERNAL_BANNER}${indexReport(manifest, generated, opts.review, opts.identity)}`));
  await listReport(packageDir, ...rels, REPORT_FILE);
}

/** A person's report body saved by renderSubjectBody, with the digest of what was saved. */
export interface RenderedBody {
  path: string;
  sha256: string;
}
/** People's report bodies rendered by this run as each finished: by person index. */
export type RenderedBodies = ReadonlyMap<number, RenderedBody>;

/** subjects/ and the package's own report: the officer's record, never sent as it is. */
export const INTERNAL_TITLE = 'Internal record: not for release';
const INTERNAL_BANNER = html`<p class="notice internal"><strong>Internal record: not for release.</strong> This holds other people's data as Zoom returned it. What the person receives is their disclosure copy, once an officer approves it.</p>`;

/** What the person's own report says about their copy (the disclosure copy). */
export interface PersonView {
  /** Set once an officer approved the copy; until then the report is a draft. */
  approved?: { by: string; on: string };
  /** What was not included, one line per kind. */
  withheld: Array<{ kind: string; count: number; why: string }>;
  /** Where the policy keeps other people's data, in plain words. */
  kept: string[];
  /** What Art. 15 requires beside the data (article15.json in the copy), when the copy carries it. */
  statement?: Article15Statement;
}

/** Files left out of the copy, one line per kind with counts, in plain words for the person. */
export function withheldByKind(files: string[]): PersonView['withheld'] {
  const kinds = new Map<string, { count: number; why: string }>();
  const add = (kind: string, why: string) => {
    const k = kinds.get(kind) ?? { count: 0, why };
    k.count++;
    kinds.set(kind, k);
  };
  const voices = "they hold other people's voices or faces, which cannot be masked";
  for (const f of files) {
    const ext = f.slice(f.lastIndexOf('.') + 1).toLowerCase();
    if (/^(mp4|webm|mov)$/.test(ext)) add('Video recordings', voices);
    else if (/^(m4a|mp3|wav|ogg)$/.test(ext)) add('Audio recordings, call recordings and voicemails', voices);
    else if (ext === 'zip') add("Zoom's own export files", "they mix your data with other people's in a form that cannot be masked");
    else if (ext === 'json') add('Data files', 'their contents could not be checked for other people');
    else add('Other files (chat attachments and documents)', "they may hold other people's data, which cannot be masked in files of this kind");
  }
  return [...kinds].map(([kind, v]) => ({ kind, ...v }));
}

/** One person's report.html in `dir` (the disclosure copy's folder): a draft until approved. */
export async function writeSubjectReport(dir: string, manifest: Manifest, s: ManifestSubject, opts: { now?: Date; person: PersonView }): Promise<void> {
  const body = await subjectReport(dir, manifest, s, (opts.now ?? new Date()).toISOString(), true);
  const v = opts.person;
  const draft = !v.approved;
  const notice = html`${draft ? html`<p class="notice draft"><strong>DRAFT: not approved for release.</strong> This is what the person will read once an officer approves the copy. Do not send it.</p>` : ''}
<p class="notice"><strong>This is your copy.</strong> Other people's names, addresses, numbers and ids in your records are replaced by pseudonyms such as "Contact 3" (the same person has the same pseudonym throughout), and what they wrote is withheld, to protect them (GDPR Art. 15(4)). <code>redactions.json</code> in this folder lists every place and the rule.${v.approved ? html` Approved for release by ${v.approved.by} on ${v.approved.on}.` : ''}</p>
${v.kept.length ? html`<p class="notice">In this copy, by our policy: ${v.kept.join('; ')}.</p>` : ''}
<h2 id="not-included">What is not included, and why</h2>
${v.withheld.length ? html`<ul>${v.withheld.map((w) => html`<li><strong>${w.kind}</strong> (${w.count} ${w.count === 1 ? 'file' : 'files'}): not included because ${w.why}. Their details (dates, sizes) are listed in your records; links and passcodes to them are masked. You may ask us about them.</li>`)}</ul>` : html`<p>Every file of yours is included.</p>`}`;
  const statement = v.statement ? statementSection(v.statement, draft) : '';
  await writeFileAtomic(join(dir, REPORT_FILE), page(`${draft ? 'DRAFT: ' : ''}Zoom data about ${s.email}`, html`${notice}${statement}${body}`));
  // `dir` is <package>/disclosure/<folder>.
  await listReport(dirname(dirname(dir)), `${basename(dirname(dir))}/${basename(dir)}/${REPORT_FILE}`);
}

/** The Article 15 statement as the person reads it; in a draft, the parts the profile lacks are named for the officer. */
function statementSection(st: Article15Statement, draft: boolean): Html {
  const c = st.controller;
  return html`<h2 id="article15">What we must tell you beside your data</h2>
<p class="explain">GDPR Art. 15(1)(a)–(h) and 15(2); CCPA §1798.110 (right to know). The same statement is in <code>article15.json</code> in this folder.</p>
${draft && st.missing.length ? html`<p class="notice draft"><strong>Incomplete:</strong> the controller profile lacks ${st.missing.join(', ')}. Approval is refused until it is filled and the copy rebuilt, or the officer records why it is approved without.</p>` : ''}
<dl class="facts">
<dt>Controller</dt><dd>${[c.name, c.contact].filter(Boolean).join(', ') || '(not stated)'}</dd>
<dt>Data protection officer</dt><dd>${c.dpo_contact ?? '(not stated)'}</dd>
</dl>
${st.parts.map((p) => html`<h3>${p.title} <span class="meta">(GDPR ${p.gdpr}${p.ccpa ? `; CCPA ${p.ccpa}` : ''})</span></h3>
${p.text.length ? html`<ul>${p.text.map((t) => html`<li>${t}</li>`)}</ul>` : html`<p class="meta">Not stated${draft && p.missing ? ` (missing from the controller profile: ${p.missing.join(', ')})` : ''}.</p>`}`)}`;
}

/** subjects/<folder> as written by zdsar; anything else (a tampered manifest) is refused. */
/**
 * What was not answered, from the manifest. (Not the client's error count: "no such user" answers
 * for people without a Zoom user are expected and part of a complete answer.)
 */
function unanswered(m: Manifest): string {
  const failed = m.subjects.reduce((n, s) => n + Object.values(s.categories).filter((c) => c.status === 'failed').length + (s.status === 'failed' ? 1 : 0), 0);
  return failed === 0 ? 'Every category was answered.' : `${failed} ${failed === 1 ? 'part' : 'parts'} could not be collected (see above).`;
}

function safeSubjectPath(p: string): string {
  if (!/^subjects\/[A-Za-z0-9@._+-]+$/.test(p) || p.endsWith('/..') || p.endsWith('/.')) throw new Error(`unexpected subject path in the manifest: ${JSON.stringify(p)}`);
  return p;
}

// ---------------------------------------------------------------------------------------------
// The index

function indexReport(m: Manifest, generated: string, review?: Html, identity?: Html): Html {
  const totals = m.subjects.map((s) => Object.values(s.categories).reduce((n, c) => n + (c.status === 'done' ? (c.records ?? 0) : 0), 0));
  return html`<header>
<h1>Data subject access request</h1>
<p class="sub">Request ${m.request_id}: ${m.subjects.length} ${m.subjects.length === 1 ? 'person' : 'people'}</p>
</header>
<dl class="facts">
<dt>Request</dt><dd><code>${m.request_id}</code> (${m.type}${m.regime ? `, ${m.regime.toUpperCase()}` : ''})</dd>
<dt>Received</dt><dd>${humanTime(m.received_at)}</dd>
<dt>Due</dt><dd>${humanTime(m.due_at)}</dd>
<dt>Date range asked for</dt><dd>${rangeText(m.requested_range.from, m.requested_range.to)}</dd>
<dt>Package produced</dt><dd>${humanTime(m.completed_at)} by zdsar ${m.zdsar_version}</dd>
<dt>This report generated</dt><dd>${humanTime(generated)}</dd>
</dl>
<h2>People</h2>
<table>
<thead><tr><th class="num">#</th><th>Email</th><th>Status</th><th>Date range</th><th class="num">Records</th><th>Categories not answered</th><th>Report</th></tr></thead>
<tbody>
${m.subjects.map((s, i) => {
  const failed = Object.entries(s.categories).filter(([, c]) => c.status === 'failed');
  return html`<tr>
<td class="num">${s.index}</td>
<td>${s.email}</td>
<td>${statusBadge(s.status)}${s.error ? html`<div class="meta">${s.error}</div>` : ''}</td>
<td>${s.range ? rangeText(s.range.from, s.range.to) : s.status === 'not_found' ? 'no Zoom user' : rangeText(m.requested_range.from, m.requested_range.to)}</td>
<td class="num">${s.status === 'not_found' && !(totals[i] ?? 0) ? '–' : fmtNum(totals[i] ?? 0)}</td>
<td>${failed.length === 0 ? '–' : failed.map(([name, c]) => html`<div>${CATEGORY_TITLE.get(name) ?? name}: <span class="meta">${c.error ?? 'failed'}</span></div>`)}</td>
<td><a href="${localHref(`${safeSubjectPath(s.path)}/${REPORT_FILE}`)}">open</a></td>
</tr>`;
})}
</tbody>
</table>
<p class="meta">Each person's folder holds their data as JSON files exactly as Zoom returned them, and their own report. A person with no Zoom user in this account is a complete answer: Zoom holds no account data about them here (registrations made with their address, if asked for, are listed).</p>
${identity ?? ''}
${review ?? ''}
<h2>Zoom requests made</h2>
<p>${fmtNum(Object.values(m.zoom_requests.requests).reduce((a, b) => a + b, 0))} API requests (light ${m.zoom_requests.requests.light}, medium ${m.zoom_requests.requests.medium}, heavy ${m.zoom_requests.requests.heavy}, resource ${m.zoom_requests.requests.resource}); ${m.zoom_requests.throttled} rate-limited and retried. ${unanswered(m)}</p>
${notes(m)}
<footer>Produced by zdsar ${m.zdsar_version}. manifest.json lists every file with its SHA-256; this page is a rendering of it and is not listed there.</footer>`;
}

// ---------------------------------------------------------------------------------------------
// One person

async function subjectReport(dir: string, m: Manifest, subject: ManifestSubject, generated: string, disclosure = false, body?: Html): Promise<Html> {
  // What the person reads carries no officer hints (options, commands) in its notes.
  const s: ManifestSubject = disclosure
    ? {
        ...subject,
        ...(subject.error ? { error: personText(subject.error) } : {}),
        categories: Object.fromEntries(Object.entries(subject.categories).map(([k, c]) => [k, { ...c, ...(c.note ? { note: personText(c.note) } : {}), ...(c.error ? { error: personText(c.error) } : {}) }])),
      }
    : subject;
  const range = s.range ? rangeText(s.range.from, s.range.to) : rangeText(m.requested_range.from, m.requested_range.to);

  return html`<header>
<h1>${disclosure ? 'Data Zoom holds about you' : 'Internal record: data Zoom holds about this person'}</h1>
<p class="sub">${s.email}</p>
</header>
<dl class="facts">
<dt>Person</dt><dd>${s.email}${s.zoom_user_id ? html` <span class="meta">(Zoom user id <code>${s.zoom_user_id}</code>)</span>` : ''}</dd>
<dt>Answer</dt><dd>${statusBadge(s.status)}${s.error ? html` <span class="meta">${s.error}</span>` : ''}</dd>
<dt>Date range</dt><dd>${range}</dd>
<dt>Request</dt><dd><code>${m.request_id}</code>, received ${humanTime(m.received_at)}</dd>
<dt>Produced</dt><dd>${humanTime(m.completed_at)} by zdsar ${m.zdsar_version}</dd>
<dt>This report generated</dt><dd>${humanTime(generated)}</dd>
</dl>
${body ?? (await subjectBody(dir, s, disclosure))}
${notes(m, disclosure)}
<footer>Produced by zdsar ${m.zdsar_version} for request ${m.request_id}. ${disclosure ? 'The JSON files in this folder hold every record Zoom returned, with other people masked (redactions.json says where)' : 'The JSON files in this folder hold every record exactly as Zoom returned it'}; this page shows the main fields.</footer>`;
}

/** The part of a person's report read from their records (everything but the request's facts and notes): the costly part. */
async function subjectBody(dir: string, s: ManifestSubject, disclosure: boolean): Promise<Html> {
  const counts = new MonthlyCounts();
  const sections: Html[] = [];
  const seenMeetings = new Set<string>();
  for (const cat of CATEGORIES) {
    const result = s.categories[cat.name];
    if (!result) continue;
    // A category's explanation may name an option for the officer (--zoom-export): the person reads it without.
    sections.push(await categorySection(dir, disclosure ? { ...cat, explain: personText(cat.explain) } : cat, result, counts, seenMeetings));
  }
  const ownFiles = s.files.map((f) => ({ ...f, inSubject: f.path.startsWith(s.path + '/') ? f.path.slice(s.path.length + 1) : f.path }));
  const media = ownFiles.filter((f) => f.inSubject.startsWith('files/'));
  return html`${s.status === 'not_found' ? html`<p><strong>No Zoom user with this email address exists in this account.</strong> Zoom holds no account, meeting, recording or phone data for it here${(s.categories.registrations?.records ?? 0) > 0 ? html`; the registrations below were made with this address for meetings and webinars on this account` : ''}.</p>` : ''}
${s.identifiers ? identifiersSection(s.identifiers) : ''}
${Object.keys(s.categories).length > 0 ? summaryTable(s, ownFiles) : ''}
${Object.keys(s.categories).length > 0 ? html`<h2>Activity over time</h2><p class="explain">Meetings (hosted and joined), Zoom Phone calls and recordings (cloud and call) per month, by start date.</p>${activityChart(counts)}` : ''}
${sections}
${media.length > 0 ? filesSection(media) : ''}
${ownFiles.length > 0 ? checksumSection(ownFiles) : ''}`;
}

/**
 * The costly part of one person's internal report, rendered as soon as their folder is final (export.ts,
 * while the others are still collected) and saved at `to`; writeReports puts it in the page at the end.
 */
export async function renderSubjectBody(packageDir: string, s: ManifestSubject, to: string): Promise<RenderedBody> {
  const dir = join(packageDir, ...safeSubjectPath(s.path).split('/'));
  const value = (await subjectBody(dir, s, false)).value;
  await writeFileAtomic(to, value);
  return { path: to, sha256: createHash('sha256').update(value).digest('hex') };
}

/** A body this run saved, if it is still what was saved (else undefined: rendered again). */
async function savedBody(b: RenderedBody | undefined): Promise<Html | undefined> {
  if (!b) return undefined;
  const text = await readFile(b.path, 'utf8').catch(() => undefined);
  return text !== undefined && createHash('sha256').update(text).digest('hex') === b.sha256 ? trusted(text) : undefined;
}

/** Which identifier searched what (issue 28): each address and number given, in words. */
function identifiersSection(ids: NonNullable<ManifestSubject['identifiers']>): Html {
  const title = (name: string) => CATEGORIES.find((c) => c.name === name)?.title ?? name;
  return html`<h2>Identifiers searched</h2>
<p class="explain">The request gave this person by more than one identifier. Each is used only where Zoom can search by it; the Zoom user is looked up by the first address alone, and a record found by a further identifier names it (<code>found_by</code>).</p>
<table>
<thead><tr><th>Identifier</th><th>Searched</th><th>Note</th></tr></thead>
<tbody>
${ids.map((i) => html`<tr><td>${i.kind === 'phone' ? 'phone ' : ''}${i.value}${i.primary ? html` <span class="meta">(first address)</span>` : ''}</td><td>${i.searched.length ? i.searched.map(title).join(', ') : 'nothing'}</td><td>${i.note ?? ''}</td></tr>`)}
</tbody>
</table>`;
}

function summaryTable(s: ManifestSubject, files: Array<ManifestFile & { inSubject: string }>): Html {
  const bytes = new Map(files.map((f) => [f.inSubject, f.bytes]));
  return html`<h2>Summary</h2>
<table>
<thead><tr><th>Category</th><th>Status</th><th class="num">Records</th><th>File</th><th>Note</th></tr></thead>
<tbody>
${CATEGORIES.filter((c) => s.categories[c.name]).map((c) => {
  const r = s.categories[c.name]!;
  const file = r.file ?? (r.status === 'done' ? c.file : undefined);
  return html`<tr>
<td><a href="#cat-${c.name}">${c.title}</a></td>
<td>${statusBadge(r.status === 'unavailable' ? (r.reason ?? 'unavailable') : r.status)}</td>
<td class="num">${r.status === 'done' ? fmtNum(r.records ?? 0) : '–'}</td>
<td>${file ? html`<code>${file}</code>${bytes.has(file) ? html` <span class="meta nowrap">${fmtBytes(bytes.get(file)!)}</span>` : ''}` : '–'}</td>
<td>${r.status === 'failed' ? html`<span class="meta">${r.error ?? 'failed'}</span>` : html`<span class="meta">${r.note ?? ''}</span>`}</td>
</tr>`;
})}
</tbody>
</table>`;
}

async function categorySection(
  dir: string,
  cat: CategoryInfo,
  result: ManifestSubject['categories'][string],
  counts: MonthlyCounts,
  seenMeetings: Set<string>,
): Promise<Html> {
  const head = html`<h2 id="cat-${cat.name}">${cat.title}</h2>
<p class="explain">${cat.explain}</p>`;
  if (result.status === 'failed') {
    return html`${head}<p>${statusBadge('failed')} This category could not be collected: <span class="meta">${result.error ?? 'failed'}</span>. Resuming the request tries again.</p>`;
  }
  if (result.status === 'unavailable') {
    return html`${head}<p>${statusBadge(result.reason ?? 'unavailable')} ${result.reason === 'skipped' ? 'Not collected in this export' : 'Zoom did not serve this (it was not asked whether you have such data)'}: <span class="meta">${result.note ?? ''}</span></p>`;
  }
  if (result.status === 'no_data') {
    return html`${head}<p>${statusBadge('no_data')} ${result.note ?? 'Zoom holds no data of this kind for this person.'}</p>`;
  }
  const file = result.file ?? cat.file;
  const path = join(dir, file);
  const meta = html`<p class="meta">${fmtNum(result.records ?? 0)} ${result.records === 1 ? 'record' : 'records'} in <code>${file}</code>${result.note ? html`. ${result.note}` : ''}</p>`;

  if (SINGLE.has(cat.name)) {
    const obj = await readObject(path);
    if (!obj) return html`${head}${meta}<p class="meta">The file could not be read for this page; it is in the folder.</p>`;
    const rows = flatten(obj).slice(0, ROW_CAP);
    const total = countLeaves(obj);
    return html`${head}${meta}
<table><thead><tr><th>Field</th><th>Value</th></tr></thead><tbody>
${rows.map(([k, v]) => html`<tr><td><code>${k}</code></td><td>${cell(v, guessFmt(k, v))}</td></tr>`)}
</tbody></table>
${total > rows.length ? html`<p class="more">… and ${fmtNum(total - rows.length)} more fields in ${file}</p>` : ''}`;
  }

  const feed = CHART_FEEDS[cat.name];
  let columns = COLUMNS[cat.name];
  const rows: Html[] = [];
  let n = 0;
  let unreadable: string | undefined;
  try {
    // Past the rows shown, a record is parsed only for the activity chart; the rest are counted.
    for await (const text of recordTexts(path)) {
      n++;
      if (!feed && n > ROW_CAP) continue;
      const rec = asRecord(JSON.parse(text));
      if (feed) {
        const meetingKey = feed.series === 'meetings' ? String(rec.uuid ?? '') : '';
        if (!(meetingKey && seenMeetings.has(meetingKey))) {
          if (meetingKey) seenMeetings.add(meetingKey);
          counts.add(feed.series, feed.dateKeys.map((k) => rec[k]).find((v) => typeof v === 'string'));
        }
      }
      if (n > ROW_CAP) continue;
      columns ??= genericColumns(rec);
      rows.push(html`<tr><td class="num">${n}</td>${columns.map((c) => html`<td${tdClass(c.fmt)}>${cell(pick(rec, c.key), c.fmt)}</td>`)}</tr>`);
    }
  } catch (e) {
    unreadable = (e as Error).message;
  }
  if (n === 0 && !unreadable) return html`${head}${meta}<p>None.</p>`;
  const cols = columns ?? [];
  return html`${head}${meta}
<table><thead><tr><th class="num">#</th>${cols.map((c) => html`<th${c.fmt === 'num' || c.fmt === 'bytes' ? html` class="num"` : ''}>${c.label}</th>`)}</tr></thead><tbody>
${rows}
</tbody></table>
${n > ROW_CAP ? html`<p class="more">… and ${fmtNum(n - ROW_CAP)} more in ${file}</p>` : ''}
${unreadable ? html`<p class="meta">Part of ${file} could not be read for this page; the file itself is complete in the folder.</p>` : ''}`;
}

function filesSection(media: Array<ManifestFile & { inSubject: string }>): Html {
  return html`<h2 id="files">Recordings, call recordings and voicemails</h2>
<p class="explain">The media files themselves, downloaded from Zoom. The number at the start of each name is the row (#) of the recording, call recording or voicemail in the tables above.</p>
<table><thead><tr><th>File</th><th class="num">Size</th></tr></thead><tbody>
${media.map((f) => html`<tr><td><a href="${localHref(f.inSubject)}">${f.inSubject}</a></td><td class="num">${fmtBytes(f.bytes)}</td></tr>`)}
</tbody></table>`;
}

function checksumSection(files: Array<ManifestFile & { inSubject: string }>): Html {
  return html`<h2 id="checksums">Files and checksums</h2>
<p class="explain">Every file in this folder with its size and SHA-256 checksum (as in manifest.json), so you can check nothing was changed: <code>sha256sum FILE</code> must print the same value.</p>
<details><summary>Show ${files.length} ${files.length === 1 ? 'file' : 'files'}</summary>
<table><thead><tr><th>File</th><th class="num">Bytes</th><th class="num">Records</th><th>SHA-256</th></tr></thead><tbody>
${files.map((f) => html`<tr><td>${f.inSubject}</td><td class="num">${fmtNum(f.bytes)}</td><td class="num">${f.records ?? ''}</td><td class="mono">${f.sha256}</td></tr>`)}
</tbody></table></details>`;
}

/** An officer's note: a command line, an option, or an instruction about release. Never shown to the person. */
const OFFICER_NOTE = /--[a-z]|\bzdsar\b|before release|\bofficer\b|\bresume\b|`/i;

/** A note for the person: parentheses naming an option go, and so does any sentence with a command or an instruction to the officer. */
export function personText(text: string): string {
  const cleaned = text.replace(/\s*\([^()]*--[a-z][^()]*\)/g, '');
  return cleaned
    .split(/(?<=[.;:])\s+/)
    .filter((part) => !OFFICER_NOTE.test(part))
    .join(' ')
    .trim();
}

/** The manifest notes a person may read: none with a command line, an option or an instruction to the officer. */
export function personNotes(notes: string[]): string[] {
  return notes.filter((n) => !OFFICER_NOTE.test(n));
}

function notes(m: Manifest, person = false): Html {
  const list = person ? personNotes(m.notes) : m.notes;
  if (list.length === 0) return html``;
  return html`<h2>Good to know</h2><ul>${list.map((n) => html`<li>${n.replace(/`/g, '')}</li>`)}</ul>`;
}

// ---------------------------------------------------------------------------------------------
// Cells

const CATEGORY_TITLE = new Map(CATEGORIES.map((c) => [c.name, c.title]));
const CELL_MAX = 300;

function cell(v: unknown, fmt: Fmt = 'text'): Html {
  if (v === undefined || v === null || v === '') return html``;
  switch (fmt) {
    case 'date':
      return typeof v === 'string' ? html`${humanTime(v)}` : cell(v);
    case 'bytes':
      return typeof v === 'number' ? html`${fmtBytes(v)}` : cell(v);
    case 'num':
      return typeof v === 'number' ? html`${fmtNum(v)}` : cell(v);
    case 'url':
      // As text only: never a link, never loaded.
      return html`<code>${clip(String(v))}</code>`;
    case 'files': {
      if (!Array.isArray(v)) return cell(v);
      const types = new Map<string, number>();
      for (const f of v) {
        const t = isRecord(f) && typeof f.file_type === 'string' ? f.file_type : 'file';
        types.set(t, (types.get(t) ?? 0) + 1);
      }
      return html`${v.length}: ${[...types].map(([t, k]) => `${k > 1 ? `${k}× ` : ''}${t}`).join(', ')}`;
    }
    case 'names': {
      if (!Array.isArray(v)) return cell(v);
      const names = v.map((p) => (isRecord(p) ? (p.display_name ?? p.name ?? p.phone_number ?? '') : p)).map(String).filter(Boolean);
      return html`${clip(names.join(', '))}`;
    }
    default:
      if (typeof v === 'string') return html`${clip(v)}`;
      if (typeof v === 'number' || typeof v === 'boolean') return html`${String(v)}`;
      if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null)) return html`${clip(v.join(', '))}`;
      return html`<code>${clip(JSON.stringify(v))}</code>`;
  }
}

function tdClass(fmt: Fmt | undefined): Html {
  if (fmt === 'num' || fmt === 'bytes') return html` class="num"`;
  if (fmt === 'date') return html` class="nowrap"`;
  return html``;
}

function clip(s: string): string {
  return s.length > CELL_MAX ? s.slice(0, CELL_MAX) + '…' : s;
}

function pick(rec: Rec, key: string): unknown {
  let v: unknown = rec;
  for (const k of key.split('.')) v = isRecord(v) ? v[k] : undefined;
  return v;
}

/** For a category without a column plan: the first few scalar fields of its first record. */
function genericColumns(rec: Rec): Column[] {
  return Object.entries(rec)
    .filter(([, v]) => v === null || typeof v !== 'object')
    .slice(0, 7)
    .map(([k, v]) => ({ key: k, label: k.replace(/_/g, ' '), fmt: guessFmt(k, v) }));
}

function guessFmt(key: string, v: unknown): Fmt {
  if (typeof v === 'string' && /_(time|at)$|^date/.test(key) && /^\d{4}-\d{2}-\d{2}T/.test(v)) return 'date';
  if (typeof v === 'string' && /url$/.test(key)) return 'url';
  return 'text';
}

/** A nested object as [dotted key, scalar value] rows (arrays of scalars kept whole). */
function flatten(obj: Rec, prefix = '', out: Array<[string, unknown]> = []): Array<[string, unknown]> {
  for (const [k, v] of Object.entries(obj)) {
    if (out.length >= ROW_CAP) break;
    const key = prefix ? `${prefix}.${k}` : k;
    if (isRecord(v) && Object.keys(v).length > 0) flatten(v, key, out);
    else out.push([key, v]);
  }
  return out;
}

function countLeaves(obj: Rec): number {
  let n = 0;
  for (const v of Object.values(obj)) n += isRecord(v) && Object.keys(v).length > 0 ? countLeaves(v) : 1;
  return n;
}

function statusBadge(status: string): Html {
  const label: Record<string, string> = { ...UNAVAILABLE_LABEL, completed: 'complete', done: 'collected', not_found: 'no Zoom user', no_data: 'no data', partial: 'partly answered', failed: 'failed' };
  const cls = /^[a-z_]+$/.test(status) ? status : 'failed';
  return html`<span class="status s-${cls}">${label[status] ?? status}</span>`;
}

function rangeText(from: string | null | undefined, to: string | null | undefined): string {
  if (!from && !to) return 'whole history (from the Zoom account’s creation to the request date)';
  return `${from ?? 'the beginning'} to ${to ?? 'the request date'}`;
}

/**
 * A count as people read it: 1234567 → "1,234,567". Fractions are shown as given (no rounding), and
 * without `toLocaleString`, which loads ICU's number formats (about 5 MB of resident memory). (Exported for the tests.)
 */
export function fmtNum(n: number): string {
  const s = String(n);
  return /^-?\d+/.test(s) && !/e/i.test(s) ? s.replace(/^(-?)(\d+)/, (_, sign: string, int: string) => sign + int.replace(/\B(?=(\d{3})+$)/g, ',')) : s;
}

function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}
