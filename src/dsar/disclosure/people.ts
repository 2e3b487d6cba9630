/**
 * Who the person is (their own identifiers, from their records) and who everybody else is
 * (stable pseudonyms within one person's copy: "Contact 1", "Contact 2"…).
 */
import { STRONG, type Kind } from './fields.js';

/** Names Zoom uses for "no name": never matched, never treated as somebody. */
const PLACEHOLDER_NAMES = new Set(['', 'unknown', 'anonymous', 'private', 'restricted', 'n/a']);

export function normName(v: string): string {
  return v.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

export function phoneDigits(v: string): string {
  return v.replace(/\D/g, '');
}

/**
 * A number as its digits, after separators and an international prefix (`+` or `00`):
 * `+1 (415) 555-0101`, `0014155550101` and `14155550101` are one number. Numbers are compared
 * this way only, never by a shared tail.
 */
export function phoneKey(v: string): string {
  const d = phoneDigits(v.normalize('NFKC'));
  return d.startsWith('00') ? d.slice(2) : d;
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

/** Kinds that name one person's account alone (with the email: what decides who a party is). */
export const ID_KINDS: ReadonlySet<Kind> = new Set(['user_id', 'member_id', 'ext_id', 'employee_id', 'ext_number']);

/**
 * The person's own identifiers: what makes a party "them". Grows as their own records name them,
 * but only from parties that carry the person's email or one of their ids (see redact.ts learn):
 * a number is never enough to take in a party's other values.
 */
export class Identity {
  readonly emails = new Set<string>();
  readonly ids = new Set<string>();
  /** Numbers seen as the person's (their profiles, their own parties), by phoneKey. */
  readonly phones = new Set<string>();
  readonly names = new Set<string>();
  /**
   * Numbers seen with the person and with somebody else too (a company's main number used as
   * caller ID, a call queue, a shared line): they say nothing about who a party is.
   */
  readonly shared = new Set<string>();
  /** Numbers seen with somebody else's email or id. */
  private readonly othersPhones = new Set<string>();

  add(kind: Kind, value: string): void {
    switch (kind) {
      case 'email':
        this.emails.add(value.normalize('NFKC').trim().toLowerCase());
        break;
      case 'phone': {
        const d = phoneKey(value);
        if (d.length >= 5) this.phones.add(d);
        break;
      }
      case 'user_id':
      case 'member_id':
      case 'ext_id':
      case 'employee_id':
      case 'ext_number':
        this.ids.add(idKey(kind, value));
        break;
      case 'name':
        if (!isPlaceholderName(value)) this.names.add(normName(value));
        break;
      default:
        break;
    }
  }

  /** A number seen with somebody else's email or id. */
  seenWithOther(value: string): void {
    const d = phoneKey(value);
    if (d.length >= 5) this.othersPhones.add(d);
  }

  /** Everything learned: numbers seen with the person and with somebody else are shared, nobody's own. */
  settle(): void {
    for (const d of this.othersPhones) if (this.phones.has(d)) this.shared.add(d);
  }

  matches(kind: Kind, value: string): boolean {
    switch (kind) {
      case 'email':
        return this.emails.has(value.normalize('NFKC').trim().toLowerCase());
      case 'phone':
        return this.ownsPhone(value);
      case 'user_id':
      case 'member_id':
      case 'ext_id':
      case 'employee_id':
      case 'ext_number':
        return this.ids.has(idKey(kind, value));
      case 'name':
      case 'first_name':
      case 'last_name':
        return this.names.has(normName(value));
      default:
        return false;
    }
  }

  /** The person's own number: the same digits (after separators and `+`/`00`), and not a shared one. */
  ownsPhone(value: string): boolean {
    const d = phoneKey(value);
    return d.length >= 5 && this.phones.has(d) && !this.shared.has(d);
  }

  isShared(value: string): boolean {
    return this.shared.has(phoneKey(value));
  }

  /** Not the person's number, but ending in the same 7 digits as one of theirs: worth a look, never a match. */
  sharesTail(value: string): boolean {
    const d = phoneKey(value);
    if (d.length < 7 || this.ownsPhone(value)) return false;
    for (const p of this.phones) if (!this.shared.has(p) && p.length >= 7 && p.slice(-7) === d.slice(-7)) return true;
    return false;
  }

  /** True when `text` is one of the person's own values of any kind (for files without a rule). */
  owns(text: string): boolean {
    const t = text.trim();
    if (this.emails.has(t.normalize('NFKC').toLowerCase()) || this.names.has(normName(t))) return true;
    for (const k of ID_KINDS) if (this.ids.has(idKey(k, t))) return true;
    return /^[+\d\s().-]{7,}$/.test(t) && this.ownsPhone(t);
  }

  /** True when a name is part of one of the person's own names ("Martin" in "Alice Martin"). */
  withinOwnName(name: string): boolean {
    const n = normName(name);
    for (const own of this.names) if (new RegExp(`(^|\\s)${escapeRe(n)}(\\s|$)`).test(own)) return true;
    return false;
  }
}

/** Ids of one kind family: an extension number is compared with extension numbers only. */
function idKey(kind: Kind, value: string): string {
  return `${kind === 'ext_number' ? 'ext' : 'id'}:${value.trim()}`;
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
  /** Text to find in free text (NFKC, lowercased, one space between words) → what replaces it. */
  readonly needles = new Map<string, string>();
  /** Numbers of somebody else (by phoneKey) → what replaces them, wherever they are written. */
  readonly phones = new Map<string, string>();
  /** Contacts whose work identity the policy keeps (colleagues). */
  readonly colleagues = new Set<number>();
  /** Each distinct value of somebody else once (a call history names the same few people thousands of times). */
  private readonly seen = new Map<string, { value: PartyValue; n: number }>();

  /** `shared`: numbers that belong to nobody alone (a main number): they never tie two parties together. */
  constructor(private readonly shared: ReadonlySet<string> = new Set()) {}

  get size(): number {
    return this.count;
  }

  /** The contact number for a party (assigned on first sight; every identifier of it points there afterwards). */
  assign(values: PartyValue[]): number {
    let n = this.lookup(values);
    if (n === undefined) n = ++this.count;
    // Names are remembered too, so that a name given alone elsewhere ("host_name") finds the same contact.
    for (const k of [...contactKeys(values, this.shared), ...nameKeys(values)]) if (!this.byKey.has(k)) this.byKey.set(k, n);
    return n;
  }

  /** The contact a party already has, or undefined. */
  lookup(values: PartyValue[]): number | undefined {
    for (const k of contactKeys(values, this.shared)) {
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
      if (v.kind === 'email' && t.includes('@') && !self.matches('email', t)) this.needles.set(t.normalize('NFKC').toLowerCase(), pseudonym('email', n));
      else if (v.kind === 'phone') {
        // A shared number (a main number) is nobody's: masking it would put a pseudonym on the person's own calls.
        const d = phoneKey(t);
        if (d.length >= 7 && !self.ownsPhone(t) && !self.isShared(t) && !this.phones.has(d)) this.phones.set(d, pseudonym('phone', n));
      } else if ((v.kind === 'user_id' || v.kind === 'member_id' || v.kind === 'ext_id' || v.kind === 'employee_id') && t.length >= 8 && !self.matches(v.kind, t)) {
        this.needles.set(t.normalize('NFKC').toLowerCase(), pseudonym(v.kind, n));
      } else if (v.kind === 'name' && t.length >= 4 && !isPlaceholderName(t) && !self.matches('name', t) && !self.withinOwnName(t)) {
        this.needles.set(normName(t), pseudonym('name', n));
      } else if (v.kind === 'ip' && t.length >= 7) this.needles.set(t.toLowerCase(), 'withheld');
    }
  }
}

/** The keys a party is looked up by: its strong identifiers (not shared numbers), or its name when it has none ("Unknown" never counts). */
function contactKeys(values: PartyValue[], shared: ReadonlySet<string>): string[] {
  const keys: string[] = [];
  for (const v of values) {
    if (!STRONG.has(v.kind)) continue;
    if (v.kind === 'email') keys.push(`email:${v.text.normalize('NFKC').trim().toLowerCase()}`);
    else if (v.kind === 'phone') {
      const d = phoneKey(v.text);
      if (!shared.has(d)) keys.push(`phone:${d}`);
    } else keys.push(`id:${v.text.trim()}`);
  }
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
