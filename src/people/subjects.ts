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
  stdin: Readable & { isTTY?: boolean };
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
  if (input.csv !== undefined && input.emails !== undefined) throw new UsageError('give people either with --csv or with --emails, not both');
  if (input.emails !== undefined) return fromList(input.emails);
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
    return fromCsv(buf, file);
  }
  if (input.csv === '-' || !input.stdin.isTTY) {
    const buf = await readAll(input.stdin);
    if (input.csv !== '-' && buf.length === 0) throw new UsageError('no people given: use --csv FILE, --emails a@x,b@y, or pipe a CSV on standard input');
    return fromCsv(buf, '<stdin>');
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
  const parts = list.split(/[,;\s]+/).filter((p) => p.trim() !== '');
  return collect(parts.map((raw, i) => ({ raw, source: '--emails', line: undefined, field: `--emails item ${i + 1}` })), '--emails');
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

export function fromCsv(buf: Buffer, source: string): Subject[] {
  const text = decode(buf, source).replace(/^\uFEFF/, '');
  let rows: Array<{ record: string[]; info: { lines: number } }>;
  try {
    rows = parse(text, {
      delimiter: [',', ';', '\t'],
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (e) {
    const err = e as { lines?: number; message: string; code?: string };
    throw new UsageError(inputProblem(source, err.lines, undefined, `not a readable CSV (${err.code ?? 'parse error'}: ${err.message.replace(/^Invalid [^:]*: /, '')})`));
  }
  rows = rows.filter((r) => r.record.some((c) => c !== ''));
  if (rows.length === 0) throw new UsageError(`${source}: no people in the file (it is empty)`);

  const header = rows[0]!.record;
  const col = header.findIndex((h) => EMAIL_HEADERS.has(h.toLowerCase().replace(/[^a-z]/g, '')) || /e-?mail/i.test(h));
  let body = rows.slice(1);
  let column = col;
  let field = header[col] ?? '';
  if (col === -1) {
    // No email header: a header-less list where the first column holds addresses.
    if (header.length >= 1 && normalizeEmail(header[0]!).includes('@')) {
      body = rows;
      column = 0;
      field = 'column 1';
    } else {
      throw new UsageError(
        `${source}:${rows[0]!.info.lines}: no email column: the header is ${header.map((h) => JSON.stringify(h)).join(', ')}; name a column "email" (or "Email Address")`,
      );
    }
  }
  return collect(
    body.map((r) => ({ raw: r.record[column] ?? '', source, line: r.info.lines, field })),
    source,
  );
}

function collect(items: Array<{ raw: string; source: string; line: number | undefined; field: string }>, source: string): Subject[] {
  const problems: string[] = [];
  const byEmail = new Map<string, Subject>();
  for (const it of items) {
    const email = normalizeEmail(it.raw);
    if (email === '') {
      problems.push(inputProblem(it.source, it.line, it.field, 'empty address'));
      continue;
    }
    if (!isValidEmail(email)) {
      problems.push(inputProblem(it.source, it.line, it.field, `"${printable(it.raw)}" is not a valid email address`));
      continue;
    }
    if (!byEmail.has(email)) byEmail.set(email, { index: byEmail.size + 1, email, source: it.line ? `${it.source}:${it.line}` : it.source });
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
  return [...byEmail.values()];
}

function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 80 ? clean.slice(0, 77) + '...' : clean;
}
