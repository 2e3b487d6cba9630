/**
 * The disclosure copy (GDPR Art. 15(4)): what the person receives, with other people masked.
 *
 *   <package>/disclosure/manifest.json          like manifest.json, for the copy (paths relative to disclosure/)
 *   <package>/disclosure/redactions.json        the officer's summary: per person, what was masked and flagged
 *   <package>/disclosure/<folder>/…             the person's files, same layout as subjects/<folder>/
 *   <package>/disclosure/<folder>/redactions.json  every masked value: file, record, field, rule, pseudonym
 *
 * subjects/ is the record and is only read (each file checked against manifest.json first).
 * The copy is built in a scratch folder and swapped in whole, so a half-built copy is never seen.
 * Untouched records keep their bytes; redactions.json never holds a masked value.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from '../../fs/atomic.js';
import { digestFile, isLineArray, readLines, RecordFile } from '../../fs/records.js';
import { VERSION } from '../../version.js';
import type { Manifest, ManifestFile, ManifestSubject } from '../manifest.js';
import { buildStatement, recordingRetention, PROFILE_FILE, STATEMENT_FILE, type KeptUnderHold, type LoadedProfile } from '../article15.js';
import { ruleFor, type CategoryRule } from './fields.js';
import { Contacts, Identity } from './people.js';
import { FileOverrides, getPath, isEmpty, NO_OVERRIDES, setPath, WITHHELD_BY_OFFICER, type Overrides } from './overrides.js';
import type { RedactionPolicy } from './policy.js';
import { learn, maskRecord, maskUnknown, meet, noteOthers, Sweeper, type Redaction } from './redact.js';
import { byCodeUnits } from '../../order.js';

export const DISCLOSURE_DIR = 'disclosure';
export const REDACTIONS_FILE = 'redactions.json';

type Rec = Record<string, unknown>;

export interface SubjectSummary {
  /** Values masked, in all. */
  masked: number;
  /** Other people found (each has one pseudonym). */
  contacts: number;
  by_rule: Record<string, number>;
  /** Files left out of the copy, and why. */
  withheld: Array<{ file: string; reason: string }>;
  /** What the officer should look at before approving. */
  review: Array<{ file: string; reason: string }>;
  /** The officer's decisions applied (disclosure-overrides.json): values revealed, records withheld. */
  officer?: { revealed: number; withheld_records: number };
}

export interface DisclosureSubject extends ManifestSubject {
  redactions: SubjectSummary;
}

export interface DisclosureManifest extends Omit<Manifest, 'subjects'> {
  kind: 'disclosure';
  /** manifest.json of the package this copy was made from (in the folder above). */
  source_manifest: { path: string; sha256: string };
  policy: RedactionPolicy;
  /** The officer's decisions over the policy, when there are any. */
  overrides?: Overrides;
  subjects: DisclosureSubject[];
  /** Files of the copy outside the people's folders (paths relative to disclosure/). */
  files: ManifestFile[];
  /** The Article 15 statement in each person's folder (article15.ts): the profile fields it lacked when built. */
  article15?: { missing: string[]; profile: { file: string; sha256: string } | null };
}

export interface DisclosureOutcome {
  manifest: DisclosureManifest;
  /** sha256 of disclosure/manifest.json: what an approval is given for. */
  sha256: string;
  dir: string;
}

/** Build (or rebuild) disclosure/ for every person in the package. */
export async function buildDisclosure(packageDir: string, policy: RedactionPolicy, opts: { now?: Date; profile?: LoadedProfile; holds?: Map<string, KeptUnderHold[]>; overrides?: Overrides } = {}): Promise<DisclosureOutcome> {
  const overrides = opts.overrides ?? NO_OVERRIDES;
  const manifestText = await readFile(join(packageDir, 'manifest.json'));
  const manifest = JSON.parse(manifestText.toString('utf8')) as Manifest;
  const now = (opts.now ?? new Date()).toISOString();
  // A copy left half-built by a killed run is swept; it was never published.
  for (const e of await readdir(packageDir)) if (e.startsWith('.disclosure-')) await rm(join(packageDir, e), { recursive: true, force: true });
  const scratch = join(packageDir, `.disclosure-${process.pid}-${randomBytes(4).toString('hex')}`);
  const final = join(packageDir, DISCLOSURE_DIR);
  await ensurePrivateDir(scratch);
  try {
    const subjects: DisclosureSubject[] = [];
    for (const s of manifest.subjects) subjects.push(await discloseSubject(packageDir, scratch, manifest, s, policy, now, overrides, opts.profile, opts.holds));
    const officer = {
      request_id: manifest.request_id,
      generated_at: now,
      policy,
      note: 'Values are listed by where they were and the rule that masked them, never by what they were. Each person\'s folder has the full list in its redactions.json.',
      subjects: subjects.map((s) => ({ index: s.index, path: s.path, ...s.redactions })),
    };
    await writeFileAtomic(join(scratch, REDACTIONS_FILE), JSON.stringify(officer, null, 2) + '\n');
    const top = await digestFile(join(scratch, REDACTIONS_FILE));
    const out: DisclosureManifest = {
      ...manifest,
      kind: 'disclosure',
      completed_at: now,
      source_manifest: { path: '../manifest.json', sha256: createHash('sha256').update(manifestText).digest('hex') },
      policy,
      ...(isEmpty(overrides) ? {} : { overrides }),
      subjects,
      files: [{ path: REDACTIONS_FILE, sha256: top.sha256, bytes: top.bytes }],
      ...(opts.profile ? { article15: { missing: opts.profile.missing, profile: opts.profile.sha256 ? { file: PROFILE_FILE, sha256: opts.profile.sha256 } : null } } : {}),
      notes: [
        'This is the disclosure copy: other people\'s names, addresses, numbers, ids and (by policy) what they wrote are replaced by pseudonyms such as "Contact 3", the same throughout one person\'s copy (GDPR Art. 15(4)).',
        'redactions.json in each folder says what was masked, where, and by which rule.',
        ...manifest.notes,
      ],
    };
    const text = JSON.stringify(out, null, 2) + '\n';
    await writeFileAtomic(join(scratch, 'manifest.json'), text);
    await rm(final, { recursive: true, force: true });
    await rename(scratch, final);
    return { manifest: out, sha256: createHash('sha256').update(text).digest('hex'), dir: final };
  } catch (e) {
    await rm(scratch, { recursive: true, force: true });
    throw e;
  }
}

/** Read disclosure/manifest.json and its sha256, or undefined when there is no copy. */
export async function readDisclosure(packageDir: string): Promise<DisclosureOutcome | undefined> {
  const dir = join(packageDir, DISCLOSURE_DIR);
  let text: Buffer;
  try {
    text = await readFile(join(dir, 'manifest.json'));
  } catch {
    return undefined;
  }
  return { manifest: JSON.parse(text.toString('utf8')) as DisclosureManifest, sha256: createHash('sha256').update(text).digest('hex'), dir };
}

const MEDIA_REASON = "a recording, voicemail or Zoom export file cannot be masked (other people's voices and faces): withheld; the policy's \"media\": \"include\" releases it after review";

async function discloseSubject(packageDir: string, scratch: string, manifest: Manifest, s: ManifestSubject, policy: RedactionPolicy, now: string, overrides: Overrides, profile?: LoadedProfile, holds?: Map<string, KeptUnderHold[]>): Promise<DisclosureSubject> {
  const folder = folderOf(s.path);
  const srcDir = join(packageDir, 'subjects', folder);
  const dstDir = join(scratch, folder);
  await ensurePrivateDir(dstDir);
  const categoryOf = new Map(Object.entries(s.categories).filter(([, c]) => c.file).map(([name, c]) => [c.file!, name]));

  // The record is checked before it is copied: a changed file is not disclosed as if it were Zoom's.
  for (const f of s.files) {
    const d = await digestFile(join(packageDir, ...f.path.split('/')));
    if (d.sha256 !== f.sha256 || d.bytes !== f.bytes) throw new Error(`${f.path} no longer matches manifest.json: run \`zdsar verify ${packageDir}\``);
  }
  const files = s.files.map((f) => {
    const rel = f.path.slice(s.path.length + 1);
    const rule = rel.endsWith('.json') ? ruleFor(rel, categoryOf.get(rel)) : undefined;
    return { f, rel, abs: join(srcDir, ...rel.split('/')), rule, json: rel.endsWith('.json') && !rel.includes('/') };
  });
  // Their own identifiers first (profile, Phone profile), then what their own parties add.
  const self = new Identity();
  self.add('email', s.email);
  // The further identifiers the request gave (issue 28); a number others' parties carry too still identifies nobody (settle).
  for (const id of s.identifiers ?? []) if (!id.primary) self.add(id.kind, id.value);
  if (s.zoom_user_id) self.add('user_id', s.zoom_user_id);
  const ordered = [...files].sort((a, b) => rank(a.rel) - rank(b.rel));
  for (const x of ordered) if (x.rule) for await (const r of records(x.abs)) if (isRec(r.value)) learn(x.rule, r.value, self);
  // Numbers that somebody else's parties carry too (a main number, a call queue) are nobody's own.
  for (const x of ordered) if (x.rule) for await (const r of records(x.abs)) if (isRec(r.value)) noteOthers(x.rule, r.value, self);
  self.settle();
  const contacts = new Contacts(self.shared);
  const tails = new Map<string, number>();
  for (const x of ordered) if (x.rule) for await (const r of records(x.abs)) if (isRec(r.value)) tails.set(x.rel, (tails.get(x.rel) ?? 0) + meet(x.rule, r.value, self, contacts, policy));
  contacts.finish(self);
  const sweeper = new Sweeper(contacts.needles, contacts.phones, self);

  const summary: SubjectSummary = { masked: 0, contacts: contacts.size, by_rule: {}, withheld: [], review: [] };
  // Every masked value, streamed to the person's redactions.json (memory stays flat whatever the count).
  const head = { request_id: manifest.request_id, subject: { index: s.index, path: folder }, generated_at: now, policy, note: 'Each entry: the file, the record (1-based), the field, the rule that masked it, and what it became. The masked value itself is not kept.' };
  const log = await RecordFile.create(join(dstDir, REDACTIONS_FILE), 'json-array', { open: `${JSON.stringify(head).slice(0, -1)},"redactions":[` });
  const outFiles: ManifestFile[] = [];
  try {
    for (const x of files) {
      const dst = join(dstDir, ...x.rel.split('/'));
      if (!x.json && isMaskableText(x.rel) && policy.media === 'withhold') {
        // Transcripts and meeting-chat text are masked like the JSON: names swept, what others said withheld.
        const m = maskText(await readFile(x.abs, 'utf8'), { self, sweeper, policy });
        await ensurePrivateDir(dirname(dst));
        await writeFileAtomic(dst, m.text);
        for (const r of m.redactions) {
          summary.by_rule[r.rule] = (summary.by_rule[r.rule] ?? 0) + 1;
          await log.write({ file: x.rel, ...r });
        }
        summary.masked += m.redactions.length;
        summary.review.push({ file: x.rel, reason: "transcript or meeting-chat text: other people's names and words masked by line; check it" });
      } else if (!x.json) {
        if (policy.media === 'withhold') {
          summary.withheld.push({ file: x.rel, reason: MEDIA_REASON });
          continue;
        }
        await ensurePrivateDir(dirname(dst));
        await writeFileAtomic(dst, await readFile(x.abs));
        summary.review.push({ file: x.rel, reason: 'included by policy without masking: check it for other people before release' });
      } else {
        if (!x.rule) {
          if (policy.unknown_files === 'withhold') {
            summary.withheld.push({ file: x.rel, reason: 'no rule knows this file\'s fields: withheld by policy' });
            continue;
          }
          summary.review.push({ file: x.rel, reason: 'no rule knows this file\'s fields: every personal-looking value not the person\'s own was masked; check it' });
        } else if (x.rule.review) summary.review.push({ file: x.rel, reason: x.rule.review });
        const decided = new FileOverrides(overrides, s.index, x.rel);
        const officer = await copyMasked(x.abs, dst, x.rule, { self, contacts, policy, sweeper, decided }, async (reds) => {
          for (const r of reds) {
            summary.by_rule[r.rule] = (summary.by_rule[r.rule] ?? 0) + 1;
            await log.write({ file: x.rel, ...r });
          }
          summary.masked += reds.length;
        });
        if (officer.revealed || officer.withheld) {
          summary.officer = { revealed: (summary.officer?.revealed ?? 0) + officer.revealed, withheld_records: (summary.officer?.withheld_records ?? 0) + officer.withheld };
          if (x.f.records !== undefined) x.f = { ...x.f, records: x.f.records - officer.withheld };
        }
        const free = sweeper.takeFreeText();
        if (free.length && !x.rule?.review) summary.review.push({ file: x.rel, reason: `free text (${free.join(', ')}): other people's known names, and every address and number not the person's own, are masked; names of people who are not parties cannot be told by a machine: read it before release` });
        const tail = tails.get(x.rel) ?? 0;
        if (tail) summary.review.push({ file: x.rel, reason: `${tail} number(s) end in the same 7 digits as one of the person's: treated as somebody else's and masked; check whether any is theirs` });
      }
      const d = await digestFile(dst);
      outFiles.push({ path: `${folder}/${x.rel}`, sha256: d.sha256, bytes: d.bytes, ...(x.f.records !== undefined ? { records: x.f.records } : {}) });
    }
    const d = await log.commit({ close: `],\n"summary":${JSON.stringify(summary)}}\n` });
    outFiles.push({ path: `${folder}/${REDACTIONS_FILE}`, sha256: d.sha256, bytes: d.bytes });
    if (profile) {
      // What Art. 15 requires beside the data, in the person's folder (so in their zip too).
      // What Zoom's own settings tell (the record's settings.json, as read): how long cloud recordings are kept.
      const settings = files.find((x) => x.rel === 'settings.json');
      const fromZoom = {
        ...(settings ? { recordingRetention: recordingRetention(JSON.parse(await readFile(settings.abs, 'utf8'))) } : {}),
        heldFor: holds?.get(s.email.toLowerCase()) ?? [],
      };
      await writeFileAtomic(join(dstDir, STATEMENT_FILE), JSON.stringify(buildStatement(profile, manifest, s, fromZoom), null, 2) + '\n');
      const st = await digestFile(join(dstDir, STATEMENT_FILE));
      outFiles.push({ path: `${folder}/${STATEMENT_FILE}`, sha256: st.sha256, bytes: st.bytes });
    }
  } catch (e) {
    await log.abort();
    throw e;
  }
  outFiles.sort((a, b) => byCodeUnits(a.path, b.path));
  // The record's digests stay with the record: a digest of an unmasked file lets anyone holding the copy test guesses at what was masked.
  const categories = Object.fromEntries(Object.entries(s.categories).map(([name, c]) => [name, withoutDigest(c)]));
  return { ...s, path: folder, categories, files: outFiles, redactions: summary };
}

function withoutDigest<T extends { sha256?: string }>(c: T): Omit<T, 'sha256'> {
  const { sha256: _sha256, ...rest } = c;
  return rest;
}

/** Mask one JSON file into the copy; records nothing needed changing in keep their bytes. Each record's redactions go to `logged`. */
async function copyMasked(
  src: string,
  dst: string,
  rule: CategoryRule | undefined,
  ctx: { self: Identity; contacts: Contacts; policy: RedactionPolicy; sweeper: Sweeper; decided: FileOverrides },
  logged: (reds: Redaction[]) => Promise<void>,
): Promise<{ revealed: number; withheld: number }> {
  const officer = { revealed: 0, withheld: 0 };
  const maskOne = async (value: unknown, record: number | undefined): Promise<{ value: unknown; changed: boolean; withheld?: boolean }> => {
    // The officer withheld the whole record: it is left out of the copy, and redactions.json says so.
    if (ctx.decided.withholds(record)) {
      officer.withheld++;
      await logged([{ record, field: '', rule: WITHHELD_BY_OFFICER, as: 'withheld' }]);
      return { value: undefined, changed: true, withheld: true };
    }
    let v = value;
    const reds: Redaction[] = [];
    if (rule && isRec(v)) {
      const m = maskRecord(rule, v, { ...ctx, record });
      v = m.rec;
      reds.push(...m.redactions);
    } else if (!rule) {
      const m = maskUnknown(v, { self: ctx.self, record });
      v = m.value;
      reds.push(...m.redactions);
    }
    const swept = ctx.sweeper.sweep(v, { record });
    reds.push(...swept.redactions);
    // Recordings are withheld: their share and play links and passcodes would open them anyway.
    const links = ctx.policy.media === 'withhold' ? maskAccessLinks(swept.value, record) : { value: swept.value, redactions: [] };
    reds.push(...links.redactions);
    // The officer revealed these values: each is put back exactly as Zoom sent it, and no longer listed as masked.
    const reveal = ctx.decided.revealed(record);
    let shown = 0;
    if (reveal.size) {
      const kept: Redaction[] = [];
      for (const r of reds) {
        if (reveal.has(r.field) && setPath(links.value, r.field, getPath(value, r.field))) shown++;
        else kept.push(r);
      }
      reds.splice(0, reds.length, ...kept);
      officer.revealed += shown;
    }
    if (reds.length) await logged(reds);
    return { value: links.value, changed: reds.length > 0 || shown > 0 };
  };
  if (await isLineArray(src)) {
    const out = await RecordFile.create(dst, 'json-array');
    try {
      let n = 0;
      for await (const r of records(src)) {
        const m = await maskOne(r.value, ++n);
        if (m.withheld) continue;
        await out.writeJson(m.changed ? JSON.stringify(m.value) : r.raw!);
      }
      await out.commit();
    } catch (e) {
      await out.abort();
      throw e;
    }
    return officer;
  }
  const text = await readFile(src, 'utf8');
  const parsed = JSON.parse(text) as unknown;
  let changed = false;
  let value: unknown;
  if (Array.isArray(parsed)) {
    const list: unknown[] = [];
    for (let i = 0; i < parsed.length; i++) {
      const m = await maskOne(parsed[i], i + 1);
      changed ||= m.changed;
      if (!m.withheld) list.push(m.value);
    }
    value = list;
  } else {
    const m = await maskOne(parsed, undefined);
    changed = m.changed;
    value = m.value;
  }
  await writeFileAtomic(dst, changed ? JSON.stringify(value, null, 2) + '\n' : text);
  return officer;
}

/** Fields that open a recording or file at Zoom without the package: masked when media is withheld. */
const ACCESS_FIELDS = new Set(['share_url', 'play_url', 'download_url', 'recording_play_passcode', 'password', 'encrypted_password', 'pstn_password', 'h323_password', 'passcode', 'file_url', 'file_download_url']);
const ACCESS_MASK = '[withheld: the recording or file is not included]';

function maskAccessLinks(value: unknown, record: number | undefined): { value: unknown; redactions: Redaction[] } {
  const redactions: Redaction[] = [];
  const walk = (v: unknown, p: string): unknown => {
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${p}[${i}]`));
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(
      Object.entries(v as Rec).map(([k, x]) => {
        const path = p ? `${p}.${k}` : k;
        // A value already masked (by a field rule or the sweeper) keeps that mask and its one entry in redactions.json.
        if (ACCESS_FIELDS.has(k) && typeof x === 'string' && x !== '' && !x.startsWith('[withheld')) {
          redactions.push({ record, field: path, rule: 'link or passcode of a withheld recording', as: ACCESS_MASK });
          return [k, ACCESS_MASK];
        }
        return [k, walk(x, path)];
      }),
    );
  };
  const out = walk(value, '');
  return { value: redactions.length ? out : value, redactions };
}

/** A cloud recording's transcript (.vtt) or meeting-chat file (.txt): text that can be masked line by line. Team Chat attachments are not (files/chat/). */
function isMaskableText(rel: string): boolean {
  return /^files\/recordings\/.+\.(vtt|txt)$/i.test(rel);
}

/**
 * Mask a transcript or meeting-chat text: each line's speaker or sender who is not the person is
 * named by pseudonym (or "another participant"), and what they said is withheld unless the policy
 * keeps others' text; known identifiers of other people are swept everywhere.
 */
export function maskText(text: string, ctx: { self: Identity; sweeper: Sweeper; policy: RedactionPolicy }): { text: string; redactions: Redaction[] } {
  const redactions: Redaction[] = [];
  const who = (name: string, line: number): string => {
    const swept = ctx.sweeper.sweep(name, { record: line });
    if (swept.redactions.length) return swept.value;
    return 'another participant';
  };
  const said = (speaker: string, words: string, line: number): string => {
    if (ctx.policy.others_text === 'keep') return ctx.sweeper.sweep(words, { record: line }).value;
    redactions.push({ record: line, field: 'text', rule: 'what somebody else said', as: `[withheld: said by ${speaker}]` });
    return `[withheld: said by ${speaker}]`;
  };
  const lines = text.split('\n').map((l, i) => {
    const n = i + 1;
    const chat = /^(\S+\t\s*From\s+)(.+?)(\s+to\s+)(.+?)(:\t?\s*)(.*)$/.exec(l);
    if (chat) {
      const [, head, from, to, rcpt, sep, words] = chat as unknown as string[];
      const fromSelf = ctx.self.matches('name', from!.trim());
      const sender = fromSelf ? from! : who(from!.trim(), n);
      if (!fromSelf) redactions.push({ record: n, field: 'sender', rule: 'somebody else in a meeting chat', as: sender });
      const rcptSelf = /^everyone$/i.test(rcpt!.trim()) || ctx.self.matches('name', rcpt!.trim());
      const recipient = rcptSelf ? rcpt! : who(rcpt!.trim(), n);
      return `${head}${sender}${to}${recipient}${sep}${fromSelf ? ctx.sweeper.sweep(words!, { record: n }).value : said(sender, words!, n)}`;
    }
    const cue = /^([^:\t]{1,80}):\s(.*)$/.exec(l);
    if (cue && !/-->/.test(l) && !/^\d\d:\d\d/.test(l)) {
      const [, speaker, words] = cue as unknown as string[];
      if (ctx.self.matches('name', speaker!.trim())) return `${speaker}: ${ctx.sweeper.sweep(words!, { record: n }).value}`;
      const as = who(speaker!.trim(), n);
      redactions.push({ record: n, field: 'speaker', rule: 'somebody else in a transcript', as });
      return `${as}: ${said(as, words!, n)}`;
    }
    const swept = ctx.sweeper.sweep(l, { record: n });
    redactions.push(...swept.redactions);
    return swept.value;
  });
  return { text: lines.join('\n'), redactions };
}

/** Each record of a JSON file: one per line in zdsar's layout (with its exact text), else parsed whole. */
export async function* records(path: string): AsyncGenerator<{ value: unknown; raw?: string }> {
  if (await isLineArray(path)) {
    for await (const line of readLines(path)) {
      if (line === '[' || line === ']' || line === '[]' || line === '') continue;
      const raw = line.endsWith(',') ? line.slice(0, -1) : line;
      yield { value: JSON.parse(raw) as unknown, raw };
    }
    return;
  }
  const v = JSON.parse(await readFile(path, 'utf8')) as unknown;
  if (Array.isArray(v)) for (const x of v) yield { value: x };
  else yield { value: v };
}

/** Profiles first: they say most firmly who the person is. */
function rank(rel: string): number {
  return rel === 'profile.json' ? 0 : rel === 'phone_profile.json' ? 1 : 2;
}

function isRec(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** subjects/<folder> as zdsar writes it; anything else (a tampered manifest) is refused. */
export function folderOf(path: string): string {
  const m = /^subjects\/([A-Za-z0-9@._+-]+)$/.exec(path);
  if (!m || m[1] === '.' || m[1] === '..') throw new Error(`unexpected subject path in the manifest: ${JSON.stringify(path)}`);
  return m[1]!;
}
