/**
 * Property tests of the email rules and the CSV reader (issue 8), adding to the two in
 * test/people/subjects.test.ts (valid lists read back; arbitrary bytes give only UsageErrors):
 * normalisation is idempotent and case/padding/mailto/display-name invariant; a valid address
 * is safe to use as a folder name part; what is rejected is rejected for a reason; a bad row is
 * reported with its physical line and the header's field name, wherever it is in the file.
 */
import fc from 'fast-check';
import { join, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { subjectFolder } from '../../src/people/folders.js';
import { fromCsv, fromList, isValidEmail, normalizeEmail } from '../../src/people/subjects.js';
import { UsageError } from '../../src/errors.js';

const local = fc.array(fc.stringMatching(/^[a-z0-9][a-z0-9_+-]{0,8}$/), { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.'));
const domain = fc.tuple(fc.array(fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/), { minLength: 1, maxLength: 3 }), fc.constantFrom('com', 'org', 'example', 'de', 'io')).map(([labels, tld]) => [...labels, tld].join('.'));
const simpleEmail = fc.tuple(local, domain).map(([l, d]) => `${l}@${d}`).filter(isValidEmail);
const mixCase = (s: string, mask: number[]) => [...s].map((c, i) => (mask[i % mask.length]! % 2 ? c.toUpperCase() : c)).join('');

const usage = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('expected a UsageError');
};

describe('email rules (properties)', () => {
  it('normalizeEmail is idempotent, and never throws, on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 120 }), (s) => {
        const once = normalizeEmail(s);
        expect(normalizeEmail(once)).toBe(once);
        expect(typeof isValidEmail(s)).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('case, padding, mailto: and a display name do not change the address', () => {
    fc.assert(
      fc.property(simpleEmail, fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), fc.constantFrom('', ' ', '\t', '  '), fc.constantFrom('plain', 'mailto', 'angle', 'named'), (e, mask, pad, form) => {
        const shown = mixCase(e, mask);
        const raw = form === 'mailto' ? `MailTo:${shown}` : form === 'angle' ? `<${shown}>` : form === 'named' ? `"Dr. Who, Jr." <${shown}>` : shown;
        expect(normalizeEmail(`${pad}${raw}${pad}`)).toBe(e.toLowerCase());
        expect(isValidEmail(normalizeEmail(`${pad}${raw}${pad}`))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('every address zdsar accepts is a safe folder name part: one level down, printable, not hidden', () => {
    const root = resolve('/pkg/subjects');
    fc.assert(
      fc.property(fc.oneof(simpleEmail, fc.emailAddress(), fc.string({ maxLength: 80 })), fc.integer({ min: 1, max: 50 }), (raw, index) => {
        const e = normalizeEmail(raw);
        if (!isValidEmail(e)) return;
        expect(e).toBe(e.toLowerCase());
        expect(e).not.toMatch(/\s/);
        expect(e.length).toBeLessThanOrEqual(254);
        expect(e.split('@').length).toBe(2);
        const folder = subjectFolder(index, e);
        expect(folder).toMatch(/^\d{2}-[a-z0-9@._+-]+$/);
        expect(folder).not.toMatch(/\.\./);
        expect(resolve(join(root, folder))).toBe(root + sep + folder);
      }),
      { numRuns: 1000 },
    );
  });

  it('addresses without exactly one @, with spaces or control characters inside, or too long, are rejected', () => {
    fc.assert(
      fc.property(simpleEmail, fc.constantFrom('no-at', 'two-at', 'space', 'control', 'long', 'dotdot', 'trailing-dot'), (e, how) => {
        const [l, d] = e.split('@') as [string, string];
        const bad =
          how === 'no-at' ? `${l}${d}`
          : how === 'two-at' ? `${l}@${l}@${d}`
          : how === 'space' ? `${l} x@${d}`
          : how === 'control' ? `${l}\u0000@${d}`
          : how === 'long' ? `${'a'.repeat(60)}.${'b'.repeat(60)}@${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(20)}.${d}`
          : how === 'dotdot' ? `${l}..x@${d}`
          : `${l}@${d}.`;
        expect(isValidEmail(normalizeEmail(bad)), JSON.stringify(bad)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('a local part longer than 64 characters (RFC 5321 4.5.3.1.1) is rejected', () => {
    fc.assert(
      fc.property(fc.integer({ min: 65, max: 200 }), domain, (n, d) => {
        const e = `${'a'.repeat(n)}@${d}`;
        if (e.length > 254) return;
        expect(isValidEmail(e), `${n}-character local part accepted`).toBe(false);
      }),
      { numRuns: 50 },
    );
  });

  it('--emails: any separators and duplicates read back as the distinct set, in first-seen order', () => {
    fc.assert(
      fc.property(fc.array(simpleEmail, { minLength: 1, maxLength: 50 }), fc.array(fc.constantFrom(',', ';', ' ', ', ', '\n', '\t', ',,'), { minLength: 1 }), (list, seps) => {
        const text = list.map((e, i) => (i % 2 ? e.toUpperCase() : e) + seps[i % seps.length]).join('');
        expect(fromList(text).map((p) => p.email)).toEqual([...new Set(list.map((e) => e.toLowerCase()))]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the CSV reader (properties)', () => {
  it('one bad address anywhere: the message names the file, its physical line and the header field, and nothing else is accepted', () => {
    fc.assert(
      fc.property(
        fc.array(simpleEmail, { minLength: 0, maxLength: 30 }),
        fc.nat(),
        fc.constantFrom('not an address', 'alice(at)example.com', '@example.com', 'bob@', 'x@@y.example'),
        fc.constantFrom('Email', 'E-mail Address', 'email', 'Work Email'),
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.boolean(), { maxLength: 40 }),
        (good, at, badAddress, header, nl, blanks) => {
          const rows = [...good];
          const k = at % (rows.length + 1);
          rows.splice(k, 0, badAddress);
          const lines = [`Name,${header}`];
          let badLine = 0;
          rows.forEach((e, i) => {
            if (blanks[i]) lines.push(''); // blank lines still count as lines
            lines.push(`Person ${i},${e}`);
            if (i === k) badLine = lines.length;
          });
          const msg = usage(() => fromCsv(Buffer.from(lines.join(nl) + nl), 'people.csv'));
          expect(msg.split('\n')[0]).toBe(`people.csv:${badLine}: ${header}: "${badAddress}" is not a valid email address`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the same people in any of the spreadsheet encodings and separators read back the same', () => {
    fc.assert(
      fc.property(fc.array(simpleEmail, { minLength: 1, maxLength: 20 }), fc.constantFrom(',', ';', '\t'), fc.constantFrom('utf8', 'utf8bom', 'utf16le', 'utf16be'), (list, sepChar, enc) => {
        const text = [`Email Address${sepChar}Name`, ...list.map((e, i) => `${e}${sepChar}"P${i}${sepChar} jr"`)].join('\r\n');
        let buf: Buffer;
        if (enc === 'utf8') buf = Buffer.from(text);
        else if (enc === 'utf8bom') buf = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
        else if (enc === 'utf16le') buf = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
        else buf = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
        expect(fromCsv(buf, 'people.csv').map((p) => p.email)).toEqual([...new Set(list)]);
      }),
      { numRuns: 200 },
    );
  });

  it('a source label is always at the start of an error, so the user knows which input was wrong', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          fromCsv(Buffer.from(text), 'input-17.csv');
        } catch (e) {
          expect(e).toBeInstanceOf(UsageError);
          expect((e as Error).message).toMatch(/^input-17\.csv[:\s]/);
        }
      }),
      { numRuns: 500 },
    );
  });
});
