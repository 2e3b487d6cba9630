/**
 * What an access answer must say beside the data (GDPR Art. 15(1)(a)–(h) and 15(2); CCPA
 * §1798.110 "right to know"): purposes, categories, recipients, retention, rights, the supervisory
 * authority, sources, automated decision-making and transfer safeguards.
 *
 * The controller's parts come from the controller profile, a YAML file the officer writes once
 * (ZDSAR_HOME/controller-profile.yaml; `zdsar init-profile` writes a commented starter). The
 * categories come from the package itself (what was collected for the person). One statement
 * serves both laws: each part names its GDPR and CCPA references.
 *
 * A part the profile does not fill is marked missing (the statement still says what zdsar
 * knows); approval of the copy is refused while any is missing, unless the officer records why
 * (release.ts). A profile that is not valid (bad YAML, a wrong type, an unknown field) is exit 2
 * naming the file, the line and the field.
 */
import { createHash } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LineCounter, parseDocument, isMap, isScalar, type Document } from 'yaml';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { ensurePrivateDir, writeFileAtomic } from '../fs/atomic.js';
import { openReadNoFollow } from '../fs/safe.js';
import { CATEGORIES } from './categories.js';
import type { ManifestSubject } from './manifest.js';
import type { LedgerRequest } from '../ledger/index.js';

export const PROFILE_FILE = 'controller-profile.yaml';
export const STATEMENT_FILE = 'article15.json';

export function profilePath(home: string): string {
  return join(home, PROFILE_FILE);
}

const CATEGORY_NAMES = new Set(CATEGORIES.map((c) => c.name));
const text = z.string().trim().nullish();
const list = z.array(z.string().trim().min(1, 'must not be empty')).nullish();

/** The profile as written: every part optional here (a missing part is reported, not an error). */
export const profileSchema = z
  .strictObject({
    controller: z.strictObject({ name: text, contact: text }).nullish(),
    dpo: z.strictObject({ contact: text }).nullish(),
    purposes: list,
    recipients: list,
    retention: z
      .strictObject({
        default: text,
        per_category: z
          .record(z.string(), z.string().trim().min(1, 'must not be empty'))
          .nullish()
          .superRefine((m, ctx) => {
            for (const k of Object.keys(m ?? {})) if (!CATEGORY_NAMES.has(k)) ctx.addIssue({ code: 'custom', path: [k], message: `not a category zdsar collects (one of: ${[...CATEGORY_NAMES].join(', ')})` });
          }),
      })
      .nullish(),
    supervisory_authority: z.strictObject({ name: text, contact: text }).nullish(),
    sources: list,
    automated_decision_making: text,
    transfers: z.array(z.strictObject({ destination: z.string().trim().min(1, 'must not be empty'), safeguard: z.string().trim().min(1, 'must not be empty') })).nullish(),
    sold_or_shared: z.boolean().nullish(),
  })
  .nullish();

export type ControllerProfile = NonNullable<z.output<typeof profileSchema>>;

/** The fields a complete profile fills (transfers: an empty list says there are none). */
export const REQUIRED_FIELDS = [
  'controller.name',
  'controller.contact',
  'dpo.contact',
  'purposes',
  'recipients',
  'retention.default',
  'supervisory_authority.name',
  'supervisory_authority.contact',
  'sources',
  'automated_decision_making',
  'transfers',
] as const;

export interface LoadedProfile {
  /** Where it was looked for. */
  path: string;
  /** undefined when there is no file. */
  profile?: ControllerProfile;
  sha256?: string;
  /** Required fields not filled (all of them when there is no file). */
  missing: string[];
}

function get(p: ControllerProfile | undefined, dotted: string): unknown {
  let v: unknown = p;
  for (const k of dotted.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

export function missingFields(p: ControllerProfile | undefined): string[] {
  return REQUIRED_FIELDS.filter((f) => {
    const v = get(p, f);
    if (v === undefined || v === null) return true;
    if (typeof v === 'string') return v.trim() === '';
    if (Array.isArray(v)) return f !== 'transfers' && v.length === 0;
    return false;
  });
}

/** The line of a field in the YAML (the closest enclosing field that has one). */
function lineOf(doc: Document, lines: LineCounter, path: Array<string | number>): number | undefined {
  for (let n = path.length; n > 0; n--) {
    const parent = n > 1 ? doc.getIn(path.slice(0, n - 1), true) : doc.contents;
    if (isMap(parent)) {
      const pair = parent.items.find((it) => isScalar(it.key) && String(it.key.value) === String(path[n - 1]));
      const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
      if (range) return lines.linePos(range[0]).line;
    }
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

/** Parse and check a profile's text; errors name the file, the line and the field (exit 2). */
export function parseProfile(source: string, file: string): ControllerProfile {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new UsageError(`${file}:${e.linePos?.[0]?.line ?? 1}: not valid YAML: ${e.message.split('\n')[0]}`, `Rewrite it, or start again from the template: zdsar init-profile --force`);
  }
  const parsed = profileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
    const field = path.map(String).join('.') || '(top level)';
    const line = lineOf(doc, lines, path as Array<string | number>) ?? 1;
    const message = issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message;
    throw new UsageError(`${file}:${line}: ${field}: ${message}`, `The fields are explained in the template: zdsar init-profile --force writes it anew (your file is replaced).`);
  }
  return parsed.data ?? {};
}

/** Read ZDSAR_HOME/controller-profile.yaml: absent is not an error (every part is then missing). */
export async function loadProfile(home: string): Promise<LoadedProfile> {
  const path = profilePath(home);
  const st = await lstat(path).catch(() => undefined);
  if (!st) return { path, missing: [...REQUIRED_FIELDS] };
  if (!st.isFile()) throw new UsageError(`${path}: not a regular file (a link or folder is not read)`);
  const h = await openReadNoFollow(path);
  let buf: Buffer;
  try {
    buf = await h.readFile();
  } finally {
    await h.close();
  }
  const profile = parseProfile(buf.toString('utf8'), path);
  return { path, profile, sha256: createHash('sha256').update(buf).digest('hex'), missing: missingFields(profile) };
}

// ---------------------------------------------------------------------------------------------
// The statement

export interface StatementPart {
  key: string;
  title: string;
  gdpr: string;
  ccpa?: string;
  /** What the person is told: lines of text. Empty when the controller's part is missing. */
  text: string[];
  /** The profile fields this part needed and lacks. */
  missing?: string[];
}

export interface Article15Statement {
  note: string;
  request_id: string;
  person: string;
  regime: string;
  controller: { name: string | null; contact: string | null; dpo_contact: string | null };
  parts: StatementPart[];
  /** Profile fields missing: the statement is incomplete while this is not empty. */
  missing: string[];
  profile: { file: string; sha256: string } | null;
}

const RIGHTS_TEXT = [
  'You may ask us to correct data about you that is inaccurate or incomplete (GDPR Art. 16; CCPA §1798.106).',
  'You may ask us to erase data about you (GDPR Art. 17; CCPA §1798.105).',
  'You may ask us to restrict how we use data about you (GDPR Art. 18).',
  'You may object to our use of data about you (GDPR Art. 21), and opt out of its sale or sharing (CCPA §1798.120).',
  'Exercising these rights will not lead to your being treated differently (CCPA §1798.125).',
];

/** The statement for one person, from the profile and what was collected for them. */
/** What the person's own Zoom settings (settings.json, as read) say about how long cloud recordings are kept. */
export function recordingRetention(settingsFile: unknown): string | undefined {
  const rec = (settingsFile as { settings?: { recording?: { auto_delete_cmr?: unknown; auto_delete_cmr_days?: unknown } } } | undefined)?.settings?.recording;
  if (!rec || typeof rec.auto_delete_cmr !== 'boolean') return undefined;
  return rec.auto_delete_cmr && typeof rec.auto_delete_cmr_days === 'number'
    ? `Cloud recordings: deleted automatically ${rec.auto_delete_cmr_days} days after they are made (your Zoom recording setting, as Zoom reported it).`
    : 'Cloud recordings: not deleted automatically (automatic deletion is off in your Zoom recording setting, as Zoom reported it); they are kept until deleted.';
}

/** A legal hold that kept a person's data from an erasure (a zoom-delete request's "held" person, from the ledger). */
export interface KeptUnderHold {
  request_id: string;
  matters: Array<{ matter_id: string; matter_name: string }>;
}

/** Per address (lower case), the erasures zdsar did not submit because of a legal hold: read from the ledger only. */
export function heldInLedger(requests: readonly LedgerRequest[]): Map<string, KeptUnderHold[]> {
  const out = new Map<string, KeptUnderHold[]>();
  for (const r of requests) {
    if (r.type !== 'zoom-delete') continue;
    for (const s of r.subjects) {
      const cp = r.progress[String(s.index)]?.zoom_delete?.checkpoint as { state?: string; holds?: KeptUnderHold['matters'] } | undefined;
      if (!s.email || cp?.state !== 'held') continue;
      const key = s.email.toLowerCase();
      out.set(key, [...(out.get(key) ?? []), { request_id: r.request_id, matters: (cp.holds ?? []).map((m) => ({ matter_id: m.matter_id, matter_name: m.matter_name })) }]);
    }
  }
  return out;
}

export function buildStatement(loaded: LoadedProfile, m: { request_id: string; regime?: string }, s: ManifestSubject, fromZoom: { recordingRetention?: string; heldFor?: KeptUnderHold[] } = {}): Article15Statement {
  const p = loaded.profile;
  const miss = new Set(loaded.missing);
  const lacking = (...fields: string[]) => {
    const l = fields.filter((f) => miss.has(f));
    return l.length ? { missing: l } : {};
  };
  const collected = CATEGORIES.filter((c) => {
    const r = s.categories[c.name];
    return r && r.status === 'done' && (r.records ?? 1) > 0;
  });
  const perCategory = p?.retention?.per_category ?? {};
  const retention = [
    ...(p?.retention?.default ? [p.retention.default] : []),
    ...collected.filter((c) => perCategory[c.name]).map((c) => `${c.title}: ${perCategory[c.name]}`),
    ...(fromZoom.recordingRetention && !perCategory.recordings ? [fromZoom.recordingRetention] : []),
  ];
  const sa = p?.supervisory_authority;
  const parts: StatementPart[] = [
    { key: 'purposes', title: 'Why we process your data', gdpr: 'Art. 15(1)(a)', ccpa: '§1798.110(a)(3) business or commercial purposes', text: p?.purposes ?? [], ...lacking('purposes') },
    {
      key: 'categories',
      title: 'The categories of your data',
      gdpr: 'Art. 15(1)(b)',
      ccpa: '§1798.110(a)(1) categories of personal information',
      text: collected.length ? collected.map((c) => `${c.title}${s.categories[c.name]?.records !== undefined ? ` (${s.categories[c.name]!.records} ${s.categories[c.name]!.records === 1 ? 'record' : 'records'})` : ''}`) : ['No data about you was found in this Zoom account.'],
    },
    { key: 'recipients', title: 'Who receives your data', gdpr: 'Art. 15(1)(c)', ccpa: '§1798.110(a)(4) categories of third parties', text: p?.recipients ?? [], ...lacking('recipients') },
    { key: 'retention', title: 'How long it is kept', gdpr: 'Art. 15(1)(d)', ccpa: '§1798.100(a)(3)', text: retention, ...lacking('retention.default') },
    { key: 'rights', title: 'Your rights', gdpr: 'Art. 15(1)(e)', ccpa: '§1798.130', text: RIGHTS_TEXT },
    {
      key: 'complaint',
      title: 'Your right to complain',
      gdpr: 'Art. 15(1)(f)',
      text: sa?.name || sa?.contact ? [`You may complain to a supervisory authority: ${[sa?.name, sa?.contact].filter(Boolean).join(', ')}.`] : [],
      ...lacking('supervisory_authority.name', 'supervisory_authority.contact'),
    },
    { key: 'sources', title: 'Where data not collected from you comes from', gdpr: 'Art. 15(1)(g)', ccpa: '§1798.110(a)(2) categories of sources', text: p?.sources ?? [], ...lacking('sources') },
    { key: 'automated_decisions', title: 'Automated decision-making', gdpr: 'Art. 15(1)(h)', text: p?.automated_decision_making ? [p.automated_decision_making] : [], ...lacking('automated_decision_making') },
    {
      key: 'transfers',
      title: 'Transfers outside the EEA and their safeguards',
      gdpr: 'Art. 15(2)',
      text: p?.transfers ? (p.transfers.length ? p.transfers.map((t) => `${t.destination}: ${t.safeguard}`) : ['Your data is not transferred to a third country or an international organisation.']) : [],
      ...lacking('transfers'),
    },
  ];
  if (fromZoom.heldFor?.length) {
    parts.push({
      key: 'legal_hold',
      title: 'Data kept under a legal hold',
      gdpr: 'Art. 17(3)(e)',
      ccpa: '§1798.105(d)',
      text: fromZoom.heldFor.map((h) => `Your Team Chat data is kept under legal hold ${h.matters.map((x) => `"${x.matter_name}"`).join(', ')}, as the law allows for legal claims: your erasure (request ${h.request_id}) was not carried out for it.`),
    });
  }
  if (p?.sold_or_shared !== undefined && p.sold_or_shared !== null) {
    parts.push({ key: 'sold_or_shared', title: 'Sale or sharing', gdpr: '–', ccpa: '§1798.115', text: [p.sold_or_shared ? 'We sell or share personal information as described above.' : 'We do not sell or share your personal information.'] });
  }
  return {
    note: 'What the law requires us to tell you beside your data (GDPR Art. 15(1)(a)–(h) and 15(2); CCPA §1798.110). Parts listed in "missing" were not filled by the controller when this copy was made.',
    request_id: m.request_id,
    person: s.email,
    regime: m.regime ?? '',
    controller: { name: p?.controller?.name || null, contact: p?.controller?.contact || null, dpo_contact: p?.dpo?.contact || null },
    parts,
    missing: loaded.missing,
    profile: loaded.sha256 ? { file: PROFILE_FILE, sha256: loaded.sha256 } : null,
  };
}

/** A person's statement from their disclosure folder, if the copy carries one. */
export async function readStatement(dir: string): Promise<Article15Statement | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, STATEMENT_FILE), 'utf8')) as Article15Statement;
  } catch {
    return undefined;
  }
}

/** The commented starter written by `zdsar init-profile`. */
export const PROFILE_TEMPLATE = `# zdsar controller profile: what every access answer must tell the person beside their data
# (GDPR Art. 15(1)(a)-(h) and 15(2); CCPA §1798.110 "right to know").
# Written once by the privacy officer; read by zdsar redact / export --redact / requests approve.
# Fill every field. An approval is refused while a field is empty, unless the officer records why:
#   zdsar requests approve ID --no-statement-check --statement-reason TEXT
# The categories of data are not written here: zdsar lists what it collected for each person.

controller:
  name:          # the organisation responsible (GDPR Art. 4(7)), e.g. Example GmbH
  contact:       # postal address or email for privacy matters

dpo:
  contact:       # the data protection officer's contact (or "no DPO designated")

purposes:        # why Zoom data is processed (GDPR Art. 15(1)(a); CCPA business purposes), one per line:
  # - Providing video meetings, chat and telephony to staff

recipients:      # who receives the data (Art. 15(1)(c); CCPA categories of third parties), one per line:
  # - Zoom Video Communications, Inc. (processor)

retention:
  default:       # how long data is kept, or the criteria (Art. 15(1)(d))
  per_category:  # optional, by category name, e.g.
    # recordings: deleted automatically after 30 days

supervisory_authority:  # where the person may complain (Art. 15(1)(f))
  name:
  contact:

sources:         # where data not collected from the person comes from (Art. 15(1)(g); CCPA categories of sources):
  # - Other participants of meetings and chats
  # - The organisation's directory

automated_decision_making:   # Art. 15(1)(h), e.g. "No decisions are made about you by automated means."

transfers:       # transfers outside the EEA and their safeguards (Art. 15(2)); write "transfers: []" when there are none
  # - destination: United States (Zoom Video Communications, Inc.)
  #   safeguard: EU-US Data Privacy Framework; standard contractual clauses (Art. 46(2)(c))

# sold_or_shared: false   # CCPA: whether personal information is sold or shared
`;

/** `zdsar init-profile`: the commented template at ZDSAR_HOME/controller-profile.yaml (0600), never over a file unless forced. */
export async function writeProfileTemplate(home: string, force: boolean): Promise<{ path: string; replaced: boolean }> {
  const path = profilePath(home);
  await ensurePrivateDir(home, { what: 'ZDSAR_HOME' });
  const st = await lstat(path).catch(() => undefined);
  if (st && !force) throw new UsageError(`${path} already exists: not overwritten`, 'Edit it, or replace it with the template: zdsar init-profile --force');
  if (st && !st.isFile()) throw new UsageError(`${path}: not a regular file (a link or folder is never replaced)`);
  await writeFileAtomic(path, PROFILE_TEMPLATE);
  return { path, replaced: Boolean(st) };
}

/** The sandbox's sample controller (the demo company): written into the sandbox's own ZDSAR_HOME, never a real one. */
export const SANDBOX_PROFILE = `# zdsar controller profile of the sandbox's sample company (zdsar sandbox --write-env wrote it into the sandbox's own ZDSAR_HOME).
# Your own: zdsar init-profile (in your real ZDSAR_HOME).
controller:
  name: Cedar & Pine Ltd (sample)
  contact: privacy@cedarpine.example
dpo:
  contact: dpo@cedarpine.example
purposes:
  - Providing video meetings, chat and telephony to staff
recipients:
  - Zoom Video Communications, Inc. (processor)
retention:
  default: Deleted 12 months after the end of employment
supervisory_authority:
  name: Data Protection Commission (Ireland)
  contact: https://www.dataprotection.ie
sources:
  - Other participants of meetings, calls and chats
automated_decision_making: No decisions are made about you by automated means.
transfers:
  - destination: United States (Zoom Video Communications, Inc.)
    safeguard: Standard contractual clauses (GDPR Art. 46(2)(c))
`;

/** Write SANDBOX_PROFILE into the sandbox's home unless a profile is there already; returns whether it wrote. */
export async function writeSandboxProfile(home: string): Promise<boolean> {
  const path = profilePath(home);
  if (await lstat(path).catch(() => undefined)) return false;
  await ensurePrivateDir(home, { what: 'the sandbox\'s ZDSAR_HOME' });
  await writeFileAtomic(path, SANDBOX_PROFILE);
  return true;
}
