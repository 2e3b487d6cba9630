import { parse } from 'csv-parse/sync';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { readFile, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { UsageError, inputProblem } from '../errors.js';

export const MAX_PEOPLE = 50;
const MAX_INPUT_BYTES = 5 * 1024 * 1024;

/** Header names that mean "email", compared without case, spaces or punctuation. */
const EMAIL_HEADERS = new Set(['email', 'emailaddress', 'mail', 'emails', 'useremail', 'workemail', 'primaryemail', 'emailid', 'zoomemail', 'subjectemail', 'requesteremail', 'correo', 'courriel', 'emailadresse', 'mailadresse']);

const emailSchema = z.email();

export interface Subject {
  /** 1-based position in the request; how logs name a person. */
  index: number;
  /** The person's first address: their Zoom user is looked up by it, their folder is named after it. */
  email: string;
  /** Further addresses of the same person (an "other emails" column, or `|` in --emails), normalised; never the first. */
  otherEmails: string[];
  /** The person's phone numbers in E.164 (a "phone" column, or `|` in --emails). Used only where Zoom searches by a number. */
  phones: string[];
  /** Where the person was first given: "people.csv:4" or "--emails". */
  source: string;
}

export interface PeopleInput {
  csv?: string;
  emails?: string;
  /** --email-column NAME: the CSV column holding the addresses, when the header has several candidates. */
  emailColumn?: string;
  /** --phone-column NAME: the CSV column holding phone numbers, when the header has several candidates. */
  phoneColumn?: string;
  /** Read further identifiers (phone numbers, further addresses): export only. Other commands act on one address per person and leave those columns unused. */
  further?: boolean;
  stdin: Readable & { isTTY?: boolean };
}

/**
 * How the rows of the input became people (issue 16 item 5): which column, which rows merged into
 * which person, which blank lines were skipped, and each person's #N with the lines it came from.
 * Line numbers are the spreadsheet's physical lines (for --emails: item positions). No addresses.
 */
export interface PeopleReport {
  source: string;
  /** The header of the column the addresses were read from (CSV only). */
  column?: string;
  /** Other columns whose header looks like an address column; not used. */
  other_columns: string[];
  /** The column the phone numbers were read from, if any (CSV only). */
  phone_column?: string;
  /** The column further addresses were read from, if any (CSV only). */
  other_emails_column?: string;
  /** Rows (items) that held an address. */
  rows: number;
  people: number;
  /** #N → the lines it came from (first line first). */
  mapping: Array<{ index: number; lines: number[] }>;
  /** A row that repeated an earlier person: its line, and the #N it was merged into. */
  merged: Array<{ line: number; index: number }>;
  blank_lines: number[];
  /** From a "received" column (CSV only): the earliest date a row says the request reached you, YYYY-MM-DD. */
  received?: string;
}

/** Normalise an address as given in a spreadsheet: trim, strip mailto: and <…>, lower-case. */
export function normalizeEmail(raw: string): string {
  let s = raw.trim().replace(/^mailto:/i, '');
  const angle = /<([^<>]+)>\s*$/.exec(s);
  if (angle) s = angle[1]!;
  return s.trim().toLowerCase();
}

/** RFC 5321 limits (254 in all, 64 before the @) and zod's address rules. */
export function isValidEmail(email: string): boolean {
  const local = email.slice(0, email.lastIndexOf('@'));
  return email.length <= 254 && local.length <= 64 && emailSchema.safeParse(email).success;
}

/**
 * Read the people of a request from --csv FILE, --csv - (stdin), piped stdin, or --emails.
 * Everything is validated before anything is sent to Zoom; problems name file, line and field.
 */
export async function readPeople(input: PeopleInput): Promise<Subject[]> {
  return (await readPeopleReport(input)).people;
}

/** readPeople, and how the rows became people (see PeopleReport). */
export async function readPeopleReport(input: PeopleInput): Promise<{ people: Subject[]; report: PeopleReport }> {
  if (input.csv !== undefined && input.emails !== undefined) throw new UsageError('give people either with --csv or with --emails, not both');
  if (input.emails !== undefined) {
    if (input.emailColumn !== undefined) throw new UsageError('--email-column applies to a CSV (--csv or standard input), not to --emails');
    if (input.phoneColumn !== undefined) throw new UsageError('--phone-column applies to a CSV (--csv or standard input), not to --emails', 'In --emails, join one person\'s identifiers with "|": --emails "ann@x.org|ann@old.org|+442079460018"');
    if (!input.further && input.emails.includes('|')) throw new UsageError('--emails: "|" joins one person\'s further identifiers, which only zdsar export uses; this command acts on one address per person', 'Give each address as its own item; nothing was sent to Zoom.');
    return fromListReport(input.emails);
  }
  if (input.csv !== undefined && input.csv !== '-') {
    const file = input.csv;
    let buf: Buffer;
    try {
      const st = await stat(file);
      if (st.isDirectory()) throw new UsageError(`${file}: is a folder, not a CSV file`);
      if (st.size > MAX_INPUT_BYTES) throw new UsageError(`${file}: too large for a list of at most ${MAX_PEOPLE} people (${st.size} bytes; the limit is ${MAX_INPUT_BYTES})`);
      buf = await readFile(file);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot read (${code ?? 'error'})`;
      throw new UsageError(`${file}: ${why}`);
    }
    return fromCsvReport(buf, file, input.emailColumn, input.phoneColumn, input.further);
  }
  if (input.csv === '-' || !input.stdin.isTTY) {
    const buf = await readAll(input.stdin);
    if (input.csv !== '-' && buf.length === 0) throw new UsageError('no people given: use --csv FILE, --emails a@x,b@y, or pipe a CSV on standard input');
    return fromCsvReport(buf, '<stdin>', input.emailColumn, input.phoneColumn, input.further);
  }
  throw new UsageError('no people given: use --csv FILE, --emails a@x,b@y, or pipe a CSV on standard input');
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream) {
    const b = Buffer.isBuffer(c) ? c : Buffer.from(c as string);
    size += b.length;
    if (size > MAX_INPUT_BYTES) throw new UsageError(`<stdin>: too large for a list of at most ${MAX_PEOPLE} people (over ${MAX_INPUT_BYTES} bytes)`);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

export function fromList(list: string): Subject[] {
  return fromListReport(list).people;
}

function fromListReport(list: string): { people: Subject[]; report: PeopleReport } {
  // One person's identifiers joined with "|": the first address is theirs to look up, further addresses and numbers follow.
  const rows: Row[] = listItems(list).map((raw, i) => {
    const field = `item ${i + 1}`;
    const ids = raw.split('|').map((x) => x.trim()).filter((x) => x !== '');
    const emails = ids.filter((x) => !looksLikePhone(x));
    const phones = ids.filter(looksLikePhone);
    // A number given as a person of its own (after "," or a space instead of "|") has no address to look up.
    const problem = emails.length === 0 && phones.length > 0 ? `"${printable(raw)}" is a phone number, not an address: join a person's numbers to their address with "|" (a@x.org|+44 20 7946 0018)` : undefined;
    return { raw: emails[0] ?? '', others: emails.slice(1).map((r) => ({ raw: r, field })), phones: phones.map((r) => ({ raw: r, field })), source: '--emails', line: undefined, item: i + 1, field, ...(problem ? { problem } : {}) };
  });
  return collect(rows, '--emails', { otherColumns: [], blankLines: [] });
}

/**
 * The people of an --emails list: separated by ",", ";" or spaces, except that a number written with spaces
 * (+1 415 555 0100, as a CSV cell may hold it) stays one: a word of digits continues the number before it,
 * and "|" joins what is around it.
 */
function listItems(list: string): string[] {
  const out: string[] = [];
  for (const chunk of list.split(/[,;]/)) {
    let cur: string | undefined;
    for (const w of chunk.split(/\s+/).filter((x) => x !== '')) {
      const continues = cur !== undefined && (cur.endsWith('|') || w.startsWith('|') || (/^\(?\d[\d().-]*$/.test(w.split('|')[0]!) && looksLikePhone(cur.split('|').at(-1)!)));
      if (continues) cur += cur!.endsWith('|') || w.startsWith('|') ? w : ` ${w}`;
      else {
        if (cur !== undefined) out.push(cur);
        cur = w;
      }
    }
    if (cur !== undefined) out.push(cur);
  }
  return out;
}

/** In --emails, an identifier that is not an address: a number (digits, with + ( ) - . and spaces as written). */
const looksLikePhone = (s: string) => !s.includes('@') && /^[+(]?\d[\d\s().-]*$/.test(s.trim());

/** Decode a spreadsheet export: UTF-8 (with or without BOM) or UTF-16 with BOM; refuse binary. */
function decode(buf: Buffer, source: string): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    const swapped = Buffer.from(buf.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  if (buf.includes(0)) throw new UsageError(`${source}: not a text CSV (it contains binary data); export the sheet as CSV`);
  const text = buf.toString('utf8');
  if (text.includes('\uFFFD')) throw new UsageError(`${source}: not valid UTF-8 text; save the sheet as "CSV UTF-8"`);
  return text;
}

export function fromCsv(buf: Buffer, source: string, emailColumn?: string, phoneColumn?: string): Subject[] {
  return fromCsvReport(buf, source, emailColumn, phoneColumn).people;
}

/** A header's letters only, lower-case: "E-mail Address" → "emailaddress". */
const headerKey = (h: string) => h.toLowerCase().replace(/[^a-z]/g, '');
/** Headers of the column of further addresses (compared like EMAIL_HEADERS); never a candidate for the first address. */
const OTHER_EMAIL_HEADERS = new Set(['otheremails', 'otheremail', 'otheraddresses', 'additionalemails', 'alternateemails', 'alternativeemails', 'formeremails', 'previousemails']);
const isOtherEmailsHeader = (h: string) => OTHER_EMAIL_HEADERS.has(headerKey(h));
const isEmailHeader = (h: string) => !isOtherEmailsHeader(h) && (EMAIL_HEADERS.has(headerKey(h)) || /e-?mail/i.test(h));
/** Header names that mean "phone number", compared like EMAIL_HEADERS. */
const PHONE_HEADERS = new Set(['phone', 'phonenumber', 'phoneno', 'telephone', 'telephonenumber', 'tel', 'mobile', 'mobilephone', 'mobilenumber', 'cell', 'cellphone', 'contactnumber', 'telefon', 'telefono', 'telefone', 'numero']);
const isPhoneHeader = (h: string) => PHONE_HEADERS.has(headerKey(h)) || /phone|mobile/i.test(h);
const quoted = (hs: string[]) => hs.map((h) => JSON.stringify(h)).join(', ');

/**
 * The one rule for which CSV column holds the addresses, and the phone numbers (architecture.md: one home
 * per rule): --email-column / --phone-column NAME if given (exactly one column of that name); else the
 * one column headed exactly "email" ("phone"), any case, punctuation ignored; else the one column whose
 * header looks like such a column. Several candidates, or a name used twice, are ambiguous: exit 2, naming them.
 */
export function chooseEmailColumn(header: string[], where: string, emailColumn?: string): { column: number; others: string[] } | undefined {
  return chooseColumn(header, where, { option: '--email-column', exact: 'email', what: 'addresses', looks: isEmailHeader }, emailColumn);
}

/** The phone column, by the same rule as the address column (chooseEmailColumn). */
export function choosePhoneColumn(header: string[], where: string, phoneColumn?: string): { column: number; others: string[] } | undefined {
  return chooseColumn(header, where, { option: '--phone-column', exact: 'phone', what: 'phone numbers', looks: isPhoneHeader }, phoneColumn);
}

function chooseColumn(header: string[], where: string, kind: { option: string; exact: string; what: string; looks: (h: string) => boolean }, named?: string): { column: number; others: string[] } | undefined {
  const idx = (pred: (h: string) => boolean) => header.flatMap((h, i) => (pred(h) ? [i] : []));
  const candidates = idx(kind.looks);
  const othersThan = (col: number) => candidates.filter((i) => i !== col).map((i) => header[i]!);
  if (named !== undefined) {
    const want = named.trim().toLowerCase();
    const hits = idx((h) => h.trim().toLowerCase() === want);
    if (hits.length === 0) throw new UsageError(`${where}: ${kind.option} ${JSON.stringify(named)}: no such column; the header is ${quoted(header)}`);
    if (hits.length > 1) throw new UsageError(`${where}: ${kind.option} ${JSON.stringify(named)}: ${hits.length} columns have that name (columns ${hits.map((i) => i + 1).join(', ')}); rename one`);
    return { column: hits[0]!, others: othersThan(hits[0]!) };
  }
  const exact = idx((h) => headerKey(h) === kind.exact);
  if (exact.length > 1) {
    throw new UsageError(`${where}: ${exact.length} columns are named ${kind.exact} (${quoted(exact.map((i) => header[i]!))}, columns ${exact.map((i) => i + 1).join(', ')}): which one holds the ${kind.what} is ambiguous`, 'Rename or remove one of them; nothing was sent to Zoom.');
  }
  if (exact.length === 1) return { column: exact[0]!, others: othersThan(exact[0]!) };
  if (candidates.length > 1) {
    throw new UsageError(
      `${where}: several columns could hold the ${kind.what}: ${quoted(candidates.map((i) => header[i]!))} (columns ${candidates.map((i) => i + 1).join(', ')})`,
      `Choose one with ${kind.option} NAME (e.g. ${kind.option} ${JSON.stringify(header[candidates[0]!]!)}); nothing was sent to Zoom.`,
    );
  }
  if (candidates.length === 1) return { column: candidates[0]!, others: [] };
  return undefined;
}

/** The column of further addresses ("other_emails"); two such columns are ambiguous. */
function otherEmailsColumn(header: string[], where: string): number | undefined {
  const hits = header.flatMap((h, i) => (isOtherEmailsHeader(h) ? [i] : []));
  if (hits.length > 1) throw new UsageError(`${where}: ${hits.length} columns hold further addresses (${quoted(hits.map((i) => header[i]!))}, columns ${hits.map((i) => i + 1).join(', ')}): which one is ambiguous`, 'Put all further addresses of a person in one "other_emails" cell, separated by "|" or spaces; nothing was sent to Zoom.');
  return hits[0];
}

/**
 * A phone number as written in a spreadsheet → E.164 (libphonenumber-js). Only numbers written with
 * their country code (+44…, 0044…) are read: a national number could be anyone's in another country.
 */
export function normalizePhone(raw: string): string | undefined {
  const s = raw.trim().replace(/^tel:/i, '').replace(/^00(?=[1-9])/, '+');
  if (!s.startsWith('+') || /[a-z]/i.test(s)) return undefined;
  const n = parsePhoneNumberFromString(s);
  return n?.isPossible() ? n.number : undefined;
}

export function fromCsvReport(buf: Buffer, source: string, emailColumn?: string, phoneColumn?: string, further = true): { people: Subject[]; report: PeopleReport } {
  const text = decode(buf, source).replace(/^\uFEFF/, '');
  let rows: Array<{ record: string[]; info: { lines: number } }>;
  try {
    rows = parse(text, {
      delimiter: [',', ';', '\t'],
      relax_column_count: true,
      skip_empty_lines: false,
      trim: true,
      info: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (e) {
    const err = e as { lines?: number; message: string; code?: string };
    throw new UsageError(inputProblem(source, err.lines, undefined, `not a readable CSV (${err.code ?? 'parse error'}: ${err.message.replace(/^Invalid [^:]*: /, '')})`));
  }
  const isBlank = (r: { record: string[] }) => r.record.every((c) => c === '');
  const firstRow = rows.findIndex((r) => !isBlank(r));
  if (firstRow === -1) throw new UsageError(`${source}: no people in the file (it is empty)`);
  // Blank lines after the header are reported; those before it are just padding.
  const blankLines = rows.slice(firstRow + 1).filter(isBlank).map((r) => r.info.lines);
  rows = rows.filter((r) => !isBlank(r));

  const header = rows[0]!.record;
  const where = `${source}:${rows[0]!.info.lines}`;
  const chosen = chooseEmailColumn(header, where, emailColumn);
  let body = rows.slice(1);
  let column: number;
  let field: string;
  let others: string[] = [];
  let phoneCol: number | undefined;
  let otherCol: number | undefined;
  if (chosen) {
    column = chosen.column;
    field = header[column] ?? '';
    others = chosen.others;
    if (further) {
      phoneCol = choosePhoneColumn(header, where, phoneColumn)?.column;
      otherCol = otherEmailsColumn(header, where);
    } else {
      if (phoneColumn !== undefined) throw new UsageError(`${where}: --phone-column: only zdsar export searches by phone number; this command acts on one address per person`);
      // Further addresses are not used here: said, never silently dropped.
      others = [...others, ...header.filter(isOtherEmailsHeader)];
    }
  } else {
    // No email header: a header-less list where the first column holds addresses.
    if (header.length >= 1 && normalizeEmail(header[0]!).includes('@')) {
      if (phoneColumn !== undefined) throw new UsageError(`${where}: --phone-column ${JSON.stringify(phoneColumn)}: the file has no header row`);
      body = rows;
      column = 0;
      field = 'column 1';
    } else {
      throw new UsageError(
        `${where}: no email column: the header is ${quoted(header)}; name a column "email" (or "Email Address")`,
      );
    }
  }
  const cell = (r: { record: string[] }, col: number | undefined) => (col === undefined ? '' : (r.record[col] ?? ''));
  const result = collect(
    body.map((r) => ({
      raw: r.record[column] ?? '',
      // Further addresses: one cell, separated by "|", spaces, or (in a quoted cell) "," or ";".
      others: cell(r, otherCol).split(/[|,;\s]+/).filter((x) => x !== '').map((raw) => ({ raw, field: header[otherCol!]! })),
      phones: cell(r, phoneCol).trim() === '' ? [] : [{ raw: cell(r, phoneCol), field: header[phoneCol!]! }],
      // A cell holding the file's separator unquoted spills into cells the header does not name: never silently dropped.
      spill: (phoneCol !== undefined || otherCol !== undefined) && r.record.slice(header.length).some((c) => c !== ''),
      source,
      line: r.info.lines,
      field,
    })),
    source,
    { otherColumns: others, blankLines },
  );
  result.report.column = field;
  if (phoneCol !== undefined) result.report.phone_column = header[phoneCol];
  if (otherCol !== undefined) result.report.other_emails_column = header[otherCol];
  const received = receivedColumn(header, body, source);
  if (received) result.report.received = received;
  return result;
}

/** A column headed "received" (or "received at", "date received"): each row's date, YYYY-MM-DD; the earliest is the request's. */
function receivedColumn(header: string[], body: Array<{ record: string[]; info: { lines: number } }>, source: string): string | undefined {
  const col = header.findIndex((h) => /^(date[\s_-]*)?received([\s_-]*(at|on|date))?$/i.test(h.trim()));
  if (col === -1) return undefined;
  let earliest: string | undefined;
  for (const r of body) {
    const v = (r.record[col] ?? '').trim();
    if (v === '') continue;
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
    const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
    if (!d || d.toISOString().slice(0, 10) !== v) throw new UsageError(`${source}:${r.info.lines}: ${header[col]}: ${JSON.stringify(v)} is not a date (YYYY-MM-DD)`);
    if (d.getTime() > Date.now()) throw new UsageError(`${source}:${r.info.lines}: ${header[col]}: ${v} is in the future`);
    if (!earliest || v < earliest) earliest = v;
  }
  return earliest;
}

interface Row {
  raw: string;
  others: Array<{ raw: string; field: string }>;
  phones: Array<{ raw: string; field: string }>;
  /** The row has more cells than the header (an unquoted separator in a cell). */
  spill?: boolean;
  /** What is wrong with the row as a whole, found where it was read (e.g. --emails: a number without an address). */
  problem?: string;
  source: string;
  line: number | undefined;
  item?: number;
  field: string;
}

function collect(items: Row[], source: string, extra: { otherColumns: string[]; blankLines: number[] }): { people: Subject[]; report: PeopleReport } {
  const problems: string[] = [];
  const byEmail = new Map<string, Subject>();
  const lines = new Map<string, number[]>();
  const merged: PeopleReport['merged'] = [];
  /** Each further identifier → the person (first address) and the place it was given, to refuse one identifier for two people. */
  const owner = new Map<string, { email: string; where: string }>();
  const at = (it: Row) => (it.line !== undefined ? `${it.source}:${it.line}` : `${it.source} item ${it.item ?? 0}`);
  for (const it of items) {
    const where = it.line ?? it.item ?? 0;
    if (it.spill) {
      problems.push(inputProblem(it.source, it.line, undefined, 'the row has more cells than the header has columns: a cell holding "," or ";" must be quoted (separate further addresses with "|" or spaces)'));
      continue;
    }
    if (it.problem) {
      problems.push(inputProblem(it.source, it.line, it.field, it.problem));
      continue;
    }
    // A second address in one cell is never silently dropped: it is an error naming the cell.
    if (it.raw.split(/[,;\s]+/).filter((part) => part.includes('@')).length > 1) {
      problems.push(inputProblem(it.source, it.line, it.field, `"${printable(it.raw)}" holds more than one address; give one person per row (further addresses of the same person go in an "other_emails" column)`));
      continue;
    }
    const email = normalizeEmail(it.raw);
    if (email === '') {
      problems.push(inputProblem(it.source, it.line, it.field, 'empty address'));
      continue;
    }
    if (!isValidEmail(email)) {
      problems.push(inputProblem(it.source, it.line, it.field, `"${printable(it.raw)}" is not a valid email address`));
      continue;
    }
    const otherEmails: string[] = [];
    const phones: string[] = [];
    let bad = false;
    for (const o of it.others) {
      const e = normalizeEmail(o.raw);
      if (!isValidEmail(e)) {
        problems.push(inputProblem(it.source, it.line, o.field, `"${printable(o.raw)}" is not a valid email address`));
        bad = true;
      } else if (e !== email && !otherEmails.includes(e)) otherEmails.push(e);
    }
    for (const ph of it.phones) {
      const n = normalizePhone(ph.raw);
      if (!n) {
        problems.push(inputProblem(it.source, it.line, ph.field, `"${printable(ph.raw)}" is not a phone number zdsar can read: write it with its country code, e.g. +44 20 7946 0018`));
        bad = true;
      } else if (!phones.includes(n)) phones.push(n);
    }
    if (bad) continue;
    // One identifier, one person: an address or number given for two people would put one's data in the other's package.
    for (const id of [email, ...otherEmails, ...phones]) {
      const had = owner.get(id);
      if (had && had.email !== email) {
        const what = id.includes('@') ? `the address ${printable(id)}` : `the number ${id}`;
        problems.push(inputProblem(it.source, it.line, undefined, `${what} is also given for another person (${had.where}): one identifier must belong to one person alone; put one person's identifiers on one row`));
        bad = true;
      } else if (!had) owner.set(id, { email, where: at(it) });
    }
    if (bad) continue;
    const known = byEmail.get(email);
    if (known) {
      merged.push({ line: where, index: known.index });
      lines.get(email)!.push(where);
      for (const e of otherEmails) if (!known.otherEmails.includes(e)) known.otherEmails.push(e);
      for (const n of phones) if (!known.phones.includes(n)) known.phones.push(n);
      continue;
    }
    byEmail.set(email, { index: byEmail.size + 1, email, otherEmails, phones, source: it.line ? `${it.source}:${it.line}` : it.source });
    lines.set(email, [where]);
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 10);
    const more = problems.length > shown.length ? `\n  …and ${problems.length - shown.length} more` : '';
    throw new UsageError(shown.join('\n  ') + more, 'Nothing was sent to Zoom. Fix the people list and run again.');
  }
  if (byEmail.size === 0) throw new UsageError(`${source}: no people given (the list is empty)`);
  if (byEmail.size > MAX_PEOPLE) {
    throw new UsageError(`${source}: ${byEmail.size} distinct people; zdsar answers at most ${MAX_PEOPLE} per request`, 'Split the list into several requests.');
  }
  const people = [...byEmail.values()];
  return {
    people,
    report: {
      source,
      other_columns: extra.otherColumns,
      rows: items.length,
      people: people.length,
      mapping: people.map((p) => ({ index: p.index, lines: lines.get(p.email)! })),
      merged,
      blank_lines: extra.blankLines,
    },
  };
}

function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 80 ? clean.slice(0, 77) + '...' : clean;
}
