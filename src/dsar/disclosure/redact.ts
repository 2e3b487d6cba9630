/**
 * Masking one record: the parties the table names are each the person or somebody else;
 * somebody else's fields become their pseudonym, text they wrote is withheld (by policy),
 * and their identifiers are then masked wherever else they appear as text in the copy.
 * Pure functions over parsed records: the file handling is in index.ts.
 */
import { WORK_IDENTITY, type CategoryRule, type Kind, type PartyRule } from './fields.js';
import { Contacts, escapeRe, ID_KINDS, Identity, phoneKey, pseudonym, scalarText, type PartyValue } from './people.js';
import type { RedactionPolicy } from './policy.js';

type Rec = Record<string, unknown>;

/** One masked value: where, by which rule, and what it became (never what it was). */
export interface Redaction {
  /** 1-based record number in a list file; absent for a single-object file. */
  record?: number;
  /** JSON path inside the record, e.g. `participants[1].phone_number`. */
  field: string;
  rule: string;
  as: string;
}

interface PartyInstance {
  rule: PartyRule;
  obj: Rec;
  /** JSON path of the party's object inside the record ('' for the record itself). */
  path: string;
  values: PartyValue[];
}

/** Each object a party rule points at in a record, with its values. */
export function partiesOf(rule: CategoryRule, rec: Rec): PartyInstance[] {
  const out: PartyInstance[] = [];
  const inner = zoomRecord(rule, rec);
  const placed = [
    ...rule.parties.map((p) => ({ p, found: resolve(inner.obj, p.at).map((x) => ({ obj: x.obj, path: join(inner.prefix, x.path) })) })),
    ...(inner.prefix ? (rule.context ?? []).map((p) => ({ p, found: resolve(rec, p.at) })) : []),
  ];
  for (const { p, found } of placed) {
    for (const { obj, path } of found) {
      if (p.when && !p.when(obj)) continue;
      const values: PartyValue[] = [];
      for (const [field, kind] of Object.entries(p.fields)) {
        const t = scalarText(get(obj, field));
        if (t !== undefined) values.push({ field, kind, text: t });
        else if (kind === 'detail' && hasContent(get(obj, field))) values.push({ field, kind, text: '' });
      }
      // First and last name together are a name.
      const first = values.find((v) => v.kind === 'first_name');
      const last = values.find((v) => v.kind === 'last_name');
      if (first || last) values.push({ field: '', kind: 'name', text: [first?.text, last?.text].filter(Boolean).join(' ') });
      if (values.length > 0) out.push({ rule: p, obj, path, values });
    }
  }
  return out;
}

/** The role of a profile's own party: the record is the person's own profile, so it is them. */
export const THE_PERSON = 'the person';

/**
 * Is this party the person? Only a value that belongs to the person alone decides:
 * - an email: the person's (every one the party carries), or somebody else;
 * - else an id (user, member, extension id, extension number, employee id): one of the person's, or somebody else;
 * - else a number: one of the person's own (same digits; a shared number such as a main number says nothing);
 * - else (no email, id or own/other number) their name.
 * A number that only ends like the person's is somebody else's (sharesTail flags it for review).
 */
export function isSelf(values: PartyValue[], self: Identity): boolean {
  const anchored = anchor(values, self);
  if (anchored !== undefined) return anchored;
  const phones = values.filter((v) => v.kind === 'phone' && phoneKey(v.text).length >= 5 && !self.isShared(v.text));
  if (phones.length > 0) return phones.some((v) => self.ownsPhone(v.text));
  return values.some((v) => v.kind === 'name' && self.matches('name', v.text));
}

/** What the party's emails, else its ids, say: the person (true), somebody else (false), or nothing (undefined). */
function anchor(values: PartyValue[], self: Identity): boolean | undefined {
  const emails = values.filter((v) => v.kind === 'email' && v.text.includes('@'));
  if (emails.length > 0) return emails.every((v) => self.matches('email', v.text));
  const ids = values.filter((v) => ID_KINDS.has(v.kind));
  if (ids.length > 0) return ids.some((v) => self.matches(v.kind, v.text));
  return undefined;
}

/**
 * Add what the person's own parties say about them (their numbers, ids, names) to their identity:
 * only from their profiles and from parties that carry their email or id, never through a number.
 * Numbers of parties that carry somebody else's email or id are noted, to tell shared numbers.
 */
export function learn(rule: CategoryRule, rec: Rec, self: Identity): void {
  for (const p of partiesOf(rule, rec)) {
    const mine = p.rule.role === THE_PERSON || anchor(p.values, self);
    if (mine === true) for (const v of p.values) if (v.text) self.add(v.kind, v.text);
  }
}

/** After learning: note the numbers of parties that are somebody else by their email or id (call self.settle() after). */
export function noteOthers(rule: CategoryRule, rec: Rec, self: Identity): void {
  for (const p of partiesOf(rule, rec)) {
    if (p.rule.role === THE_PERSON || anchor(p.values, self) !== false) continue;
    for (const v of p.values) if (v.kind === 'phone') self.seenWithOther(v.text);
  }
}

/** Number everybody else in a record (first sight gives the number) and remember their identifiers. Returns how many of their numbers end like the person's. */
export function meet(rule: CategoryRule, rec: Rec, self: Identity, contacts: Contacts, policy: RedactionPolicy): number {
  let tails = 0;
  for (const p of partiesOf(rule, rec)) {
    if (p.rule.role === THE_PERSON || isSelf(p.values, self)) continue;
    const named = p.values.filter((v) => v.text);
    if (named.length === 0) continue;
    tails += named.filter((v) => v.kind === 'phone' && self.sharesTail(v.text)).length;
    const n = contacts.assign(named);
    contacts.remember(named, n, colleague(p.values, policy));
  }
  return tails;
}

function colleague(values: PartyValue[], policy: RedactionPolicy): boolean {
  if (!policy.colleagues.keep_work_identity || policy.colleagues.domains.length === 0) return false;
  return values.some((v) => v.kind === 'email' && policy.colleagues.domains.includes(v.text.trim().toLowerCase().split('@')[1] ?? ''));
}

/** A masked copy of a record (the original is not changed) and what was masked. */
export function maskRecord(rule: CategoryRule, rec: Rec, ctx: { self: Identity; contacts: Contacts; policy: RedactionPolicy; record?: number }): { rec: Rec; redactions: Redaction[] } {
  const out = structuredClone(rec);
  const redactions: Redaction[] = [];
  const authors = new Map<string, { self: boolean; n?: number; keep: boolean }>();
  const ruleName = (role: string, what: string) => `${rule.category}: ${role} ${what}`;
  for (const p of partiesOf(rule, out)) {
    const self = p.rule.role === THE_PERSON || isSelf(p.values, ctx.self);
    const named = p.values.filter((v) => v.text);
    const n = self || named.length === 0 ? undefined : (ctx.contacts.lookup(named) ?? ctx.contacts.assign(named));
    const keepWork = !self && (colleague(p.values, ctx.policy) || (n !== undefined && ctx.contacts.colleagues.has(n)));
    if (!authors.has(p.rule.role)) authors.set(p.rule.role, { self, n, keep: keepWork });
    if (self) continue;
    for (const v of p.values) {
      if (!v.field) continue;
      if (keepWork && WORK_IDENTITY.has(v.kind)) continue;
      const as = n === undefined ? 'withheld' : pseudonym(v.kind, n);
      set(p.obj, v.field, as);
      redactions.push({ record: ctx.record, field: join(p.path, v.field), rule: ruleName(p.rule.role, kindLabel(v.kind)), as });
    }
  }
  const inner = zoomRecord(rule, out);
  for (const t of rule.texts ?? []) {
    const author = authors.get(t.by);
    // Text whose writer cannot be told is treated as somebody else's.
    if (author?.self || t.own?.(out)) continue;
    if (ctx.policy.others_text === 'keep') continue;
    for (const f of t.fields) {
      // A field under arrays ('payload.parts[].body.data'): each element's.
      const cut = f.lastIndexOf('[].');
      const places = cut < 0 ? [{ obj: inner.obj, path: inner.prefix, field: f }] : resolve(inner.obj, f.slice(0, cut + 2)).map((x) => ({ obj: x.obj, path: join(inner.prefix, x.path), field: f.slice(cut + 3) }));
      for (const at of places) {
        if (!hasContent(get(at.obj, at.field))) continue;
        const as = author?.n !== undefined ? pseudonym('text', author.n) : '[withheld: written by somebody else]';
        set(at.obj, at.field, as);
        redactions.push({ record: ctx.record, field: join(at.path, at.field), rule: ruleName(t.by, 'text'), as });
      }
    }
  }
  return { rec: out, redactions };
}

/** Keys whose values, in a file no rule knows, may describe a person. */
const PERSONAL_KEY = /(name|e_?mail|phone|number|caller|callee|sender|owner|contact|member|participant|attendee|user|ip_address|^ip$|_ip$|address|message|text|comment|body|content|summary|note)/i;
const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const IPV4_RE = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;

/** A file no rule knows: every value under a personal-looking key that is not the person's own is masked. */
export function maskUnknown(value: unknown, ctx: { self: Identity; record?: number }, path = '', key = ''): { value: unknown; redactions: Redaction[] } {
  const redactions: Redaction[] = [];
  const walk = (v: unknown, p: string, k: string): unknown => {
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${p}[${i}]`, k));
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v as Rec).map(([kk, x]) => [kk, walk(x, join(p, kk), kk)]));
    const t = scalarText(v);
    if (t === undefined) return v;
    if (PERSONAL_KEY.test(k) && !ctx.self.owns(t)) {
      redactions.push({ record: ctx.record, field: p, rule: 'unknown category: personal-looking field', as: 'withheld' });
      return 'withheld';
    }
    if (typeof v === 'string') {
      let changed = false;
      const s = v.replace(EMAIL_RE, (m) => (ctx.self.owns(m) ? m : ((changed = true), 'withheld@withheld.invalid'))).replace(IPV4_RE, () => ((changed = true), 'withheld'));
      if (changed) {
        redactions.push({ record: ctx.record, field: p, rule: 'unknown category: address in text', as: 'withheld' });
        return s;
      }
    }
    return v;
  };
  return { value: walk(value, path, key), redactions };
}

/**
 * Fields that hold free text (topics, agendas, summaries, messages, transcripts): there every
 * address- or number-shaped token that is not the person's own is masked, known or not, and the
 * field is flagged for the officer's review (names of people who are not parties cannot be told).
 */
export const FREE_TEXT_KEYS: ReadonlySet<string> = new Set(['topic', 'agenda', 'meeting_topic', 'summary_title', 'summary_overview', 'summary', 'next_steps', 'message', 'content', 'description', 'comments', 'rich_text', 'title', 'question', 'survey_name']);

/** An address, plain or percent-encoded (`bob%40example.com` in a URL). Run on folded (lowercased) text. */
const ADDRESS_TOKEN = /[a-z0-9._%+-]+(?:@|%40)[a-z0-9.-]+\.[a-z]{2,}/g;
/** Something written like a number: digits with separators, an optional `+` or `(` before. */
const NUMBER_TOKEN = /(?<![\p{L}\p{N}_])(?:\+|\()?\d[\d\s().-]*\d(?![\p{L}\p{N}_])/gu;
const DATE_LIKE = /\d{4}-\d{2}-\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}/;

/** Text folded for matching (NFKC, lowercase, each character on its own), with where each folded character came from. */
function fold(s: string): { text: string; at: number[] } {
  let text = '';
  const at: number[] = [];
  let i = 0;
  for (const ch of s) {
    const f = ch.normalize('NFKC').toLowerCase();
    for (let k = 0; k < f.length; k++) at.push(i);
    text += f;
    i += ch.length;
  }
  at.push(s.length);
  return { text, at };
}

function percentDecode(s: string): string {
  return s.replace(/(?:%[0-9a-f]{2})+/gi, (m) => {
    try {
      return decodeURIComponent(m);
    } catch {
      return m;
    }
  });
}

/** Replace every known identifier of somebody else wherever it appears as text; in free text, every address and number not the person's own. */
export class Sweeper {
  private readonly re: RegExp | undefined;
  /** Free-text fields seen with content since the last take(). */
  private readonly freeSeen = new Set<string>();

  constructor(
    private readonly needles: Map<string, string>,
    private readonly phones: ReadonlyMap<string, string> = new Map(),
    private readonly self: Identity = new Identity(),
  ) {
    const keys = [...needles.keys()].filter((k) => k.length > 0).sort((a, b) => b.length - a.length);
    // Words of a name may be apart by any run of spaces.
    this.re = keys.length ? new RegExp(`(?<![\\p{L}\\p{N}_])(?:${keys.map((k) => escapeRe(k).replace(/ +/g, '\\s+')).join('|')})(?![\\p{L}\\p{N}_])`, 'gu') : undefined;
  }

  /** The free-text fields met since the last call (for the officer's review list). */
  takeFreeText(): string[] {
    const out = [...this.freeSeen].sort();
    this.freeSeen.clear();
    return out;
  }

  sweep<T>(value: T, ctx: { record?: number }, path = ''): { value: T; redactions: Redaction[] } {
    const redactions: Redaction[] = [];
    const walk = (v: unknown, p: string, key: string): unknown => {
      if (Array.isArray(v)) return v.map((x, i) => walk(x, `${p}[${i}]`, key));
      if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v as Rec).map(([k, x]) => [k, walk(x, join(p, k), k)]));
      if (typeof v === 'number') {
        const as = this.needles.get(String(v)) ?? this.phones.get(phoneKey(String(v)));
        if (as === undefined) return v;
        redactions.push({ record: ctx.record, field: p, rule: 'known identifier of somebody else', as });
        return as;
      }
      if (typeof v !== 'string') return v;
      const free = FREE_TEXT_KEYS.has(key);
      if (free && v.trim()) this.freeSeen.add(key);
      const out = this.maskText(v, free);
      if (out.text === v) return v;
      redactions.push({ record: ctx.record, field: p, rule: out.known ? 'known identifier of somebody else' : 'free text: address or number not the person\'s own', as: 'masked in text' });
      return out.text;
    };
    return { value: walk(value, path, '') as T, redactions };
  }

  private maskText(s: string, free: boolean): { text: string; known: boolean } {
    const f = fold(s);
    const spans: Array<{ from: number; to: number; as: string; known: boolean }> = [];
    if (this.re) {
      this.re.lastIndex = 0;
      for (const m of f.text.matchAll(this.re)) {
        const as = this.needles.get(m[0].replace(/\s+/g, ' ')) ?? 'withheld';
        spans.push({ from: m.index, to: m.index + m[0].length, as, known: true });
      }
    }
    for (const m of f.text.matchAll(ADDRESS_TOKEN)) {
      const address = percentDecode(m[0]).toLowerCase();
      const known = this.needles.get(address);
      if (known !== undefined) spans.push({ from: m.index, to: m.index + m[0].length, as: known, known: true });
      else if (free && !this.self.matches('email', address)) spans.push({ from: m.index, to: m.index + m[0].length, as: 'withheld', known: false });
    }
    for (const m of f.text.matchAll(NUMBER_TOKEN)) {
      const token = m[0].trimEnd();
      const d = phoneKey(token);
      if (d.length < 7) continue;
      const known = this.phones.get(d);
      if (known !== undefined) spans.push({ from: m.index, to: m.index + token.length, as: known, known: true });
      else if (free && !DATE_LIKE.test(token) && !this.self.ownsPhone(token)) spans.push({ from: m.index, to: m.index + token.length, as: 'withheld', known: false });
    }
    if (spans.length === 0) return { text: s, known: false };
    spans.sort((a, b) => a.from - b.from || b.to - a.to);
    let text = '';
    let last = 0;
    let known = false;
    for (const sp of spans) {
      const from = f.at[sp.from]!;
      const to = f.at[sp.to]!;
      if (from < last) continue;
      text += s.slice(last, from) + sp.as;
      last = to;
      known ||= sp.known;
    }
    return { text: text + s.slice(last), known };
  }
}

/** Zoom's record inside a record zdsar wrapped with context (`{session, message}`), or the record itself. */
function zoomRecord(rule: CategoryRule, rec: Rec): { obj: Rec; prefix: string } {
  const v = rule.unwrap ? rec[rule.unwrap] : undefined;
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? { obj: v as Rec, prefix: rule.unwrap! } : { obj: rec, prefix: '' };
}

function kindLabel(k: Kind): string {
  return k.replace('_', ' ');
}

function hasContent(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

function join(base: string, key: string): string {
  return base && key ? `${base}.${key}` : base || key;
}

function get(obj: Rec, dotted: string): unknown {
  let v: unknown = obj;
  for (const k of dotted.split('.')) v = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec)[k] : undefined;
  return v;
}

function set(obj: Rec, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let o: Rec = obj;
  for (const k of keys.slice(0, -1)) {
    const next = o[k];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) return;
    o = next as Rec;
  }
  o[keys.at(-1)!] = value;
}

/** The objects at a path such as 'participants[]' or 'reactions[].senders[]', with their JSON paths. */
function resolve(rec: Rec, at: string): Array<{ obj: Rec; path: string }> {
  let cur: Array<{ obj: unknown; path: string }> = [{ obj: rec, path: '' }];
  if (at === '') return [{ obj: rec, path: '' }];
  for (const seg of at.split('.')) {
    const many = seg.endsWith('[]');
    const key = many ? seg.slice(0, -2) : seg;
    const next: Array<{ obj: unknown; path: string }> = [];
    for (const c of cur) {
      const v = c.obj !== null && typeof c.obj === 'object' && !Array.isArray(c.obj) ? (c.obj as Rec)[key] : undefined;
      const p = join(c.path, key);
      if (many) {
        if (Array.isArray(v)) v.forEach((x, i) => next.push({ obj: x, path: `${p}[${i}]` }));
      } else if (v !== undefined) next.push({ obj: v, path: p });
    }
    cur = next;
  }
  return cur.filter((c): c is { obj: Rec; path: string } => c.obj !== null && typeof c.obj === 'object' && !Array.isArray(c.obj));
}
