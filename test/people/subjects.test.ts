import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { fromCsv, fromList, isValidEmail, normalizeEmail } from '../../src/people/subjects.js';

const csv = (s: string | Buffer) => fromCsv(Buffer.isBuffer(s) ? s : Buffer.from(s), 'people.csv');
const fails = (s: string | Buffer) => {
  try {
    csv(s);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('expected a UsageError');
};

describe('reading people from spreadsheets', () => {
  it('BOM, CRLF, other columns, "Email Address" header, spaces, blank lines, duplicates, odd case', () => {
    const people = csv('\uFEFFName,Email Address,Team\r\nAnn, Ann@Example.COM ,x\r\n\r\nBob,bob@example.com,y\r\nAnn again,ann@example.com,z\r\n');
    expect(people.map((p) => p.email)).toEqual(['ann@example.com', 'bob@example.com']);
    expect(people[1]!.source).toBe('people.csv:4');
  });
  it('semicolon-separated (European Excel) and tab-separated', () => {
    expect(csv('name;e-mail\nA;a@x.org\n').map((p) => p.email)).toEqual(['a@x.org']);
    expect(csv('email\tname\na@x.org\tA\n').map((p) => p.email)).toEqual(['a@x.org']);
  });
  it('a header-less one-column file', () => {
    expect(csv('a@x.org\nb@x.org\n').map((p) => p.email)).toEqual(['a@x.org', 'b@x.org']);
  });
  it('UTF-16 with BOM (Excel "Unicode text")', () => {
    const b = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('email\r\nz@x.org\r\n', 'utf16le')]);
    expect(csv(b).map((p) => p.email)).toEqual(['z@x.org']);
  });
  it('names the file, line and field of an invalid address', () => {
    expect(fails('Name,Email\nA,a@x.org\nB,not-an-email\n')).toContain('people.csv:3: Email: "not-an-email" is not a valid email address');
  });
  it('refuses no email column, empty files, binary files and more than 50 people', () => {
    expect(fails('Name,Team\nA,B\n')).toMatch(/people.csv:1: no email column/);
    expect(fails('')).toMatch(/empty/);
    expect(fails(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x01]))).toMatch(/binary/);
    const many = 'email\n' + Array.from({ length: 51 }, (_, i) => `p${i}@x.org`).join('\n');
    expect(fails(many)).toMatch(/51 distinct people; zdsar answers at most 50/);
  });
  it('unbalanced quotes are a parse error with a line', () => {
    expect(fails('email\n"a@x.org\n')).toMatch(/people.csv:\d+: not a readable CSV/);
  });
  it('--emails lists', () => {
    expect(fromList('A@x.org, b@x.org;a@x.org').map((p) => p.email)).toEqual(['a@x.org', 'b@x.org']);
  });
  it('normalises mailto: and display names', () => {
    expect(normalizeEmail(' mailto:Ann@X.org ')).toBe('ann@x.org');
    expect(normalizeEmail('Ann Lee <Ann@X.org>')).toBe('ann@x.org');
  });
});

describe('properties', () => {
  const email = fc.tuple(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,15}$/), fc.stringMatching(/^[a-z0-9]{1,10}$/), fc.constantFrom('com', 'org', 'de')).map(([l, d, t]) => `${l}@${d}.${t}`).filter(isValidEmail);
  it('any list of valid addresses, in any case, with padding, duplicates and blank lines, reads back as the distinct set in order', () => {
    fc.assert(
      fc.property(fc.array(email, { minLength: 1, maxLength: 60 }), fc.boolean(), (emails, crlf) => {
        const distinct = [...new Set(emails)];
        const nl = crlf ? '\r\n' : '\n';
        const text = ['Email Address', ...emails.map((e, i) => (i % 3 === 0 ? `  ${e.toUpperCase()} ` : i % 5 === 0 ? `${e}${nl}` : e))].join(nl);
        if (distinct.length > 50) {
          expect(() => csv(text)).toThrow(UsageError);
          return;
        }
        expect(csv(text).map((p) => p.email)).toEqual(distinct);
      }),
      { numRuns: 200 },
    );
  });
  it('never throws anything but a UsageError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          const r = csv(Buffer.from(bytes));
          for (const p of r) expect(isValidEmail(p.email)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(UsageError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
