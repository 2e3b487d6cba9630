/**
 * Who the person is (their own identifiers, from their records) and who everybody else is
 * (stable pseudonyms within one person's copy: "Contact 1", "Contact 2"…).
 */
import { STRONG, type Kind } from './fields.js';

/** Names Zoom uses for "no name": never matched, never treated as somebody. */
const PLACEHOLDER_NAMES = new Set(['', 'unknown', 'anonymous', 'private', 'restricted', 'n/a']);

export function normName(v: string): string {
  return v.trim().replace(/\s+/g, ' ').toLowerCase();
}

export function phoneDigits(v: string): string {
  return v.replace(/\D/g, '');
}

export function isPlaceholderName(v: string): boolean {
  return PLACEHOLDER_NAMES.has(normName(v));
}

/** A scalar value as text, or undefined when it holds nothing. */
export function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return undefined;
}

/** The person's own identifiers: what makes a party "them". Grows as their own records name them. */
export class Identity {
  readonly emails = new Set<string>();
  readonly ids = new Set<string>();
  readonly phones = new Set<string>();
  readonly names = new Set<string>();

  add(kind: Kind, value: string): void {
    switch (kind) {
      case 'email':
        this.emails.add(value.trim().toLowerCase());
        break;
      case 'phone': {
        const d = phoneDigits(value);
        if (d.length >= 5) this.phones.add(d);
        break;
      }
      case 'user_id':
      case 'member_id':
      case 'ext_id':
      case 'employee_id':
        this.ids.add(value.trim());
        break;
      case 'name':
        if (!isPlaceholderName(value)) this.names.add(normName(value));
        break;
      default:
        break;
    }
  }

  matches(kind: Kind, value: string): boolean {
    switch (kind) {
      case 'email':
        return this.emails.has(value.trim().toLowerCase());
      case 'phone':
        return this.matchesPhone(value);
      case 'user_id':
      case 'member_id':
      case 'ext_id':
      case 'employee_id':
        return this.ids.has(value.trim());
      case 'name':
      case 'first_name':
      case 'last_name':
        return this.names.has(normName(value));
      default:
        return false;
    }
  }

  /** Equal digits, or the same number written with and without its country code (7+ digits in common). */
  matchesPhone(value: string): boolean {
    const d = phoneDigits(value);
    if (d.length < 5) return false;
    if (this.phones.has(d)) return true;
    for (const p of this.phones) {
      const [short, long] = p.length < d.length ? [p, d] : [d, p];
      if (short.length >= 7 && long.endsWith(short)) return true;
    }
    return false;
  }

  /** True when `text` is one of the person's own values of any kind (for files without a rule). */
  owns(text: string): boolean {
    return this.emails.has(text.trim().toLowerCase()) || this.ids.has(text.trim()) || this.names.has(normName(text)) || (/^[+\d\s().-]{7,}$/.test(text) && this.matchesPhone(text));
  }

  /** True when a name is part of one of the person's own names ("Martin" in "Alice Martin"). */
  withinOwnName(name: string): boolean {
    const n = normName(name);
    for (const own of this.names) if (new RegExp(`(^|\\s)${escapeRe(n)}(\\s|$)`).test(own)) return true;
    return false;
  }
}

/** One value of a party, with what it holds. */
export interface PartyValue {
  field: string;
  kind: Kind;
  text: string;
}

/** Everybody else in one person's copy, numbered in order of first appearance. */
export class Contacts {
  private readonly byKey = new Map<string, number>();
  private count = 0;
  /** Text to find in free text (lowercased) → what replaces it. */
  readonly needles = new Map<string, string>();
  /** Contacts whose work identity the policy keeps (colleagues). */
  readonly colleagues = new Set<number>();
  /** Each distinct value of somebody else once (a call history names the same few people thousands of times). */
  private readonly seen = new Map<string, { value: PartyValue; n: number }>();

  get size(): number {
    return this.count;
  }

  /** The contact number for a party (assigned on first sight; every identifier of it points there afterwards). */
  assign(values: PartyValue[]): number {
    let n = this.lookup(values);
    if (n === undefined) n = ++this.count;
    // Names are remembered too, so that a name given alone elsewhere ("host_name") finds the same contact.
    for (const k of [...contactKeys(values), ...nameKeys(values)]) if (!this.byKey.has(k)) this.byKey.set(k, n);
    return n;
  }

  /** The contact a party already has, or undefined. */
  lookup(values: PartyValue[]): number | undefined {
    for (const k of contactKeys(values)) {
      const n = this.byKey.get(k);
      if (n !== undefined) return n;
    }
    return undefined;
  }

  /** Remember a party's values; once everybody is met, finish() turns them into needles. */
  remember(values: PartyValue[], n: number, colleague: boolean): void {
    if (colleague) this.colleagues.add(n);
    for (const v of values) {
      const key = `${n}\u0000${v.kind}\u0000${v.text}`;
      if (!this.seen.has(key)) this.seen.set(key, { value: { field: '', kind: v.kind, text: v.text }, n });
    }
  }

  /** Everybody met: the identifiers of those whose identity is masked become needles (colleagues kept stay out). */
  finish(self: Identity): void {
    for (const { value, n } of this.seen.values()) {
      if (this.colleagues.has(n) && value.kind !== 'ip') continue;
      this.addNeedles([value], n, self);
    }
    this.seen.clear();
  }

  /** Remember a party's identifiers to mask them wherever else they appear as text. */
  addNeedles(values: PartyValue[], n: number, self: Identity): void {
    for (const v of values) {
      const t = v.text.trim();
      if (v.kind === 'email' && t.includes('@') && !self.matches('email', t)) this.needles.set(t.toLowerCase(), pseudonym('email', n));
      else if (v.kind === 'phone') {
        const d = phoneDigits(t);
        if (d.length >= 7 && !self.matchesPhone(t)) {
          this.needles.set(t.toLowerCase(), pseudonym('phone', n));
          this.needles.set(d, pseudonym('phone', n));
          if (t.startsWith('+')) this.needles.set(`+${d}`, pseudonym('phone', n));
        }
      } else if ((v.kind === 'user_id' || v.kind === 'member_id' || v.kind === 'ext_id' || v.kind === 'employee_id') && t.length >= 8 && !self.ids.has(t)) {
        this.needles.set(t.toLowerCase(), pseudonym(v.kind, n));
      } else if (v.kind === 'name' && t.length >= 4 && !isPlaceholderName(t) && !self.matches('name', t) && !self.withinOwnName(t)) {
        this.needles.set(normName(t), pseudonym('name', n));
      } else if (v.kind === 'ip' && t.length >= 7) this.needles.set(t.toLowerCase(), 'withheld');
    }
  }
}

/** The keys a party is looked up by: its strong identifiers, or its name when it has none ("Unknown" never counts). */
function contactKeys(values: PartyValue[]): string[] {
  const strong = values.filter((v) => STRONG.has(v.kind));
  const keys = strong.map((v) => (v.kind === 'email' ? `email:${v.text.trim().toLowerCase()}` : v.kind === 'phone' ? `phone:${phoneDigits(v.text)}` : `id:${v.text.trim()}`));
  return keys.length > 0 ? keys : nameKeys(values);
}

function nameKeys(values: PartyValue[]): string[] {
  return values.filter((v) => v.kind === 'name' && !isPlaceholderName(v.text)).map((v) => `name:${normName(v.text)}`);
}

/** What a masked value becomes, for contact n. */
export function pseudonym(kind: Kind | 'text', n: number): string {
  switch (kind) {
    case 'name':
      return `Contact ${n}`;
    case 'first_name':
      return 'Contact';
    case 'last_name':
      return String(n);
    case 'email':
      return `contact-${n}@withheld.invalid`;
    case 'phone':
      return `withheld (Contact ${n})`;
    case 'user_id':
    case 'member_id':
    case 'ext_id':
    case 'employee_id':
      return `contact-${n}`;
    case 'text':
      return `[withheld: written by Contact ${n}]`;
    default:
      return 'withheld';
  }
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
