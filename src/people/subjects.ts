import { parse } from 'csv-parse/sync';
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
  email: string;
  /** Where the person was first given: "people.csv:4" or "--emails". */
  source: string;
}

export interface PeopleInput {
  csv?: string;
  emails?: string;
  /** --email-column NAME: the CSV column holding the addresses, when the header has several candidates. */
  emailColumn?: string;
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
    return fromCsvReport(buf, file, input.emailColumn);
  }
  if (input.csv === '-' || !input.stdin.isTTY) {
    const buf = await readAll(input.stdin);
    if (input.csv !== '-' && buf.length === 0) throw new UsageError('no people given: use --csv FILE, --emails a@x,b@y, or pipe a CSV on standard input');
    return fromCsvReport(buf, '<stdin>', input.emailColumn);
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
  const parts = list.split(/[,;\s]+/).filter((p) => p.trim() !== '');
  return collect(parts.map((raw, i) => ({ raw, source: '--emails', line: undefined, item: i + 1, field: `--emails item ${i + 1}` })), '--emails', { otherColumns: [], blankLines: [] });
}

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

export function fromCsv(buf: Buffer, source: string, emailColumn?: string): Subject[] {
  return fromCsvReport(buf, source, emailColumn).people;
}

/** A header's letters only, lower-case: "E-mail Address" → "emailaddress". */
const headerKey = (h: string) => h.toLowerCase().replace(/[^a-z]/g, '');
const isEmailHeader = (h: string) => EMAIL_HEADERS.has(headerKey(h)) || /e-?mail/i.test(h);
const quoted = (hs: string[]) => hs.map((h) => JSON.stringify(h)).join(', ');

/**
 * The one rule for which CSV column holds the addresses (architecture.md: one home per rule):
 * --email-column NAME if given (exactly one column of that name); else the one column headed
 * exactly "email" (any case, "E-mail" too); else the one column whose header looks like an address
 * column. Several candidates, or a name used twice, are ambiguous: exit 2, naming them.
 */
export function chooseEmailColumn(header: string[], where: string, emailColumn?: string): { column: number; others: string[] } | undefined {
  const idx = (pred: (h: string) => boolean) => header.flatMap((h, i) => (pred(h) ? [i] : []));
  const candidates = idx(isEmailHeader);
  const othersThan = (col: number) => candidates.filter((i) => i !== col).map((i) => header[i]!);
  if (emailColumn !== undefined) {
    const want = emailColumn.trim().toLowerCase();
    const hits = idx((h) => h.trim().toLowerCase() === want);
    if (hits.length === 0) throw new UsageError(`${where}: --email-column ${JSON.stringify(emailColumn)}: no such column; the header is ${quoted(header)}`);
    if (hits.length > 1) throw new UsageError(`${where}: --email-column ${JSON.stringify(emailColumn)}: ${hits.length} columns have that name (columns ${hits.map((i) => i + 1).join(', ')}); rename one`);
    return { column: hits[0]!, others: othersThan(hits[0]!) };
  }
  const exact = idx((h) => headerKey(h) === 'email');
  if (exact.length > 1) {
    throw new UsageError(`${where}: ${exact.length} columns are named email (${quoted(exact.map((i) => header[i]!))}, columns ${exact.map((i) => i + 1).join(', ')}): which one holds the people is ambiguous`, 'Rename or remove one of them; nothing was sent to Zoom.');
  }
  if (exact.length === 1) return { column: exact[0]!, others: othersThan(exact[0]!) };
  if (candidates.length > 1) {
    throw new UsageError(
      `${where}: several columns could hold the addresses: ${quoted(candidates.map((i) => header[i]!))}`,
      `Choose one with --email-column NAME (e.g. --email-column ${JSON.stringify(header[candidates[0]!]!)}); nothing was sent to Zoom.`,
    );
  }
  if (candidates.length === 1) return { column: candidates[0]!, others: [] };
  return undefined;
}

export function fromCsvReport(buf: Buffer, source: string, emailColumn?: string): { people: Subject[]; report: PeopleReport } {
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
  const chosen = chooseEmailColumn(header, `${source}:${rows[0]!.info.lines}`, emailColumn);
  let body = rows.slice(1);
  let column: number;
  let field: string;
  let others: string[] = [];
  if (chosen) {
    column = chosen.column;
    field = header[column] ?? '';
    others = chosen.others;
  } else {
    // No email header: a header-less list where the first column holds addresses.
    if (header.length >= 1 && normalizeEmail(header[0]!).includes('@')) {
      body = rows;
      column = 0;
      field = 'column 1';
    } else {
      throw new UsageError(
        `${source}:${rows[0]!.info.lines}: no email column: the header is ${quoted(header)}; name a column "email" (or "Email Address")`,
      );
    }
  }
  const result = collect(
    body.map((r) => ({ raw: r.record[column] ?? '', source, line: r.info.lines, field })),
    source,
    { otherColumns: others, blankLines },
  );
  result.report.column = field;
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

function collect(
  items: Array<{ raw: string; source: string; line: number | undefined; item?: number; field: string }>,
  source: string,
  extra: { otherColumns: string[]; blankLines: number[] },
): { people: Subject[]; report: PeopleReport } {
  const problems: string[] = [];
  const byEmail = new Map<string, Subject>();
  const lines = new Map<string, number[]>();
  const merged: PeopleReport['merged'] = [];
  for (const it of items) {
    const where = it.line ?? it.item ?? 0;
    // A second address in one cell is never silently dropped: it is an error naming the cell.
    if (it.raw.split(/[,;\s]+/).filter((part) => part.includes('@')).length > 1) {
      problems.push(inputProblem(it.source, it.line, it.field, `"${printable(it.raw)}" holds more than one address; give one person per row`));
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
    const known = byEmail.get(email);
    if (known) {
      merged.push({ line: where, index: known.index });
      lines.get(email)!.push(where);
      continue;
    }
    byEmail.set(email, { index: byEmail.size + 1, email, source: it.line ? `${it.source}:${it.line}` : it.source });
    lines.set(email, [where]);
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 10);
    const more = problems.length > shown.length ? `\n  …and ${problems.length - shown.length} more` : '';
    throw new UsageError(shown.join('\n  ') + more, 'Nothing was sent to Zoom. Fix the addresses and run again.');
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
