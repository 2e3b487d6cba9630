/**
 * Masking one record: the parties the table names are each the person or somebody else;
 * somebody else's fields become their pseudonym, text they wrote is withheld (by policy),
 * and their identifiers are then masked wherever else they appear as text in the copy.
 * Pure functions over parsed records: the file handling is in index.ts.
 */
import { STRONG, WORK_IDENTITY, type CategoryRule, type Kind, type PartyRule } from './fields.js';
import { Contacts, escapeRe, Identity, pseudonym, scalarText, type PartyValue } from './people.js';
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

/** Is this party the person? One of their own strong identifiers, or (with none present) their name. */
export function isSelf(values: PartyValue[], self: Identity): boolean {
  const strong = values.filter((v) => STRONG.has(v.kind));
  if (strong.some((v) => self.matches(v.kind, v.text))) return true;
  if (strong.length > 0) return false;
  return values.some((v) => v.kind === 'name' && self.matches('name', v.text));
}

/** Add what the person's own parties say about them (their numbers, ids, names) to their identity. */
export function learn(rule: CategoryRule, rec: Rec, self: Identity): void {
  for (const p of partiesOf(rule, rec)) {
    if (!isSelf(p.values, self)) continue;
    for (const v of p.values) if (v.text) self.add(v.kind, v.text);
  }
}

/** Number everybody else in a record (first sight gives the number) and remember their identifiers. */
export function meet(rule: CategoryRule, rec: Rec, self: Identity, contacts: Contacts, policy: RedactionPolicy): void {
  for (const p of partiesOf(rule, rec)) {
    if (isSelf(p.values, self)) continue;
    const named = p.values.filter((v) => v.text);
    if (named.length === 0) continue;
    const n = contacts.assign(named);
    contacts.remember(named, n, colleague(p.values, policy));
  }
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
    const self = isSelf(p.values, ctx.self);
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
    if (author?.self) continue;
    if (ctx.policy.others_text === 'keep') continue;
    for (const f of t.fields) {
      if (!hasContent(get(inner.obj, f))) continue;
      const as = author?.n !== undefined ? pseudonym('text', author.n) : '[withheld: written by somebody else]';
      set(inner.obj, f, as);
      redactions.push({ record: ctx.record, field: join(inner.prefix, f), rule: ruleName(t.by, 'text'), as });
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

/** Replace every known identifier of somebody else wherever it appears as text (topics, agendas, answers). */
export class Sweeper {
  private readonly re: RegExp | undefined;
  constructor(private readonly needles: Map<string, string>) {
    const keys = [...needles.keys()].filter((k) => k.length > 0).sort((a, b) => b.length - a.length);
    this.re = keys.length ? new RegExp(`(?<![\\p{L}\\p{N}_])(?:${keys.map(escapeRe).join('|')})(?![\\p{L}\\p{N}_])`, 'giu') : undefined;
  }

  sweep<T>(value: T, ctx: { record?: number }, path = ''): { value: T; redactions: Redaction[] } {
    const redactions: Redaction[] = [];
    const re = this.re;
    if (!re) return { value, redactions };
    const walk = (v: unknown, p: string): unknown => {
      if (Array.isArray(v)) return v.map((x, i) => walk(x, `${p}[${i}]`));
      if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v as Rec).map(([k, x]) => [k, walk(x, join(p, k))]));
      if (typeof v !== 'string') {
        if (typeof v === 'number' && this.needles.has(String(v))) {
          const as = this.needles.get(String(v))!;
          redactions.push({ record: ctx.record, field: p, rule: 'known identifier of somebody else', as });
          return as;
        }
        return v;
      }
      re.lastIndex = 0;
      if (!re.test(v)) return v;
      re.lastIndex = 0;
      const s = v.replace(re, (m) => this.needles.get(m.toLowerCase()) ?? this.needles.get(m.toLowerCase().replace(/\s+/g, ' ')) ?? 'withheld');
      redactions.push({ record: ctx.record, field: p, rule: 'known identifier of somebody else', as: s === v ? 'withheld' : 'masked in text' });
      return s;
    };
    return { value: walk(value, path) as T, redactions };
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
