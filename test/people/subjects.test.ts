import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { fromCsv, fromCsvReport, fromList, isValidEmail, normalizeEmail, normalizePhone, readPeopleReport } from '../../src/people/subjects.js';

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

describe('further identifiers: phone numbers and further addresses (issue 28)', () => {
  it('reads a "phone" column as E.164, however it is written, and an "other_emails" cell of several addresses', () => {
    const people = csv('Email,Phone,other_emails\nann@x.org,+44 20 7946 0018,Ann.Old@x.org|ann@home.example\nbob@x.org,0044 (20) 7946-0019,\ncy@x.org,,\n');
    expect(people.map((p) => [p.email, p.otherEmails, p.phones])).toEqual([
      ['ann@x.org', ['ann.old@x.org', 'ann@home.example'], ['+442079460018']],
      ['bob@x.org', [], ['+442079460019']],
      ['cy@x.org', [], []],
    ]);
  });
  it('the exact name "phone" wins over other phone-like columns; --phone-column picks one; several candidates are ambiguous', () => {
    expect(csv('Email,Mobile Phone,Phone\na@x.org,+1 415 555 0100,+44 20 7946 0018\n')[0]!.phones).toEqual(['+442079460018']);
    expect(fromCsv(Buffer.from('Email,Work Phone,Mobile\na@x.org,+44 20 7946 0018,+44 7700 900123\n'), 'people.csv', undefined, 'mobile')[0]!.phones).toEqual(['+447700900123']);
    expect(fails('Email,Work Phone,Mobile\na@x.org,+44 20 7946 0018,+44 7700 900123\n')).toMatch(/people\.csv:1: several columns could hold the phone numbers: "Work Phone", "Mobile" \(columns 2, 3\)/);
    expect(fails('Email,Phone,phone\na@x.org,+44 20 7946 0018,+44 7700 900123\n')).toMatch(/people\.csv:1: 2 columns are named phone/);
  });
  it('an "other_emails" column is never taken for the first address, even where it alone looks like one', () => {
    expect(csv('Work E-mail,Other Emails\na@x.org,b@y.org\n')[0]).toMatchObject({ email: 'a@x.org', otherEmails: ['b@y.org'] });
  });
  it('a number that cannot be read names the file, line and column; so does a national number without country code', () => {
    expect(fails('Email,Phone\na@x.org,+44 20 7946 0018\nb@x.org,12\n')).toContain('people.csv:3: Phone: "12" is not a phone number zdsar can read');
    expect(fails('Email,Phone\na@x.org,020 7946 0018\n')).toMatch(/people\.csv:2: Phone: .*country code/);
    expect(fails('Email,Phone\na@x.org,+44 20 7946 0018 ext. 12\n')).toMatch(/people\.csv:2: Phone:/);
  });
  it('repeated rows of one person are merged into the union of their identifiers, without duplicates', () => {
    const people = csv('Email,Phone,Other Emails\nann@x.org,+44 20 7946 0018,ann@old.org\nANN@x.org,+442079460018,ann@old.org|ann@home.org\n');
    expect(people).toHaveLength(1);
    expect(people[0]).toMatchObject({ otherEmails: ['ann@old.org', 'ann@home.org'], phones: ['+442079460018'] });
  });
  it('one address or number given for two people is refused: it would put one person\'s data in the other\'s package', () => {
    expect(fails('Email,Phone\na@x.org,+44 20 7946 0000\nb@x.org,+44 20 7946 0000\n')).toMatch(/people\.csv:3: the number \+442079460000 is also given for another person \(people\.csv:2\)/);
    expect(fails('Email,Other Emails\na@x.org,shared@x.org\nb@x.org,shared@x.org\n')).toMatch(/people\.csv:3: the address shared@x\.org is also given for another person/);
    expect(fails('Email,Other Emails\na@x.org,b@x.org\nb@x.org,\n')).toMatch(/people\.csv:3: the address b@x\.org is also given for another person/);
  });
  it('an unquoted separator in a cell is never silently dropped', () => {
    expect(fails('Email,Other Emails,Phone\na@x.org,b@y.org;c@y.org,+44 20 7946 0018\n')).toMatch(/people\.csv:2: the row has more cells than the header/);
    expect(csv('Email,Other Emails,Phone\na@x.org,"b@y.org;c@y.org",+44 20 7946 0018\n')[0]!.otherEmails).toEqual(['b@y.org', 'c@y.org']);
  });
  it('--emails joins one person\'s identifiers with "|"', () => {
    expect(fromList('ann@x.org|ann@old.org|+442079460018, bob@x.org').map((p) => [p.email, p.otherEmails, p.phones])).toEqual([
      ['ann@x.org', ['ann@old.org'], ['+442079460018']],
      ['bob@x.org', [], []],
    ]);
  });
  it('--emails: a number written with spaces stays one number (as in a CSV cell); a number without an address, or a bad one, is named whole', () => {
    const failsList = (list: string) => {
      try {
        fromList(list);
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error(`no error for ${list}`);
    };
    expect(fromList('ann@x.org|+1 415 555 0100, bob@x.org b2@x.org|+44 20 7946 0018|bob@old.org').map((p) => [p.email, p.otherEmails, p.phones])).toEqual([
      ['ann@x.org', [], ['+14155550100']],
      ['bob@x.org', [], []],
      ['b2@x.org', ['bob@old.org'], ['+442079460018']],
    ]);
    expect(fromList('ann@x.org|+1 (415) 555-0100')[0]!.phones).toEqual(['+14155550100']);
    // A number given as a person of its own (after "," instead of "|"): said so, with the whole number and the fix.
    const alone = failsList('ann@x.org,+1 415 555 0100');
    expect(alone).toBe('--emails: item 2: "+1 415 555 0100" is a phone number, not an address: join a person\'s numbers to their address with "|" (a@x.org|+44 20 7946 0018)');
    // A number zdsar cannot read is quoted whole, not cut at its first space.
    expect(failsList('ann@x.org|415 555 0100')).toMatch(/^--emails: item 1: "415 555 0100" is not a phone number zdsar can read: write it with its country code/);
  });
  it('normalizePhone: E.164 from the usual spellings, nothing from letters or national numbers', () => {
    expect(['+1 (415) 555-0100', '001 415 555 0100', 'tel:+14155550100', '+1.415.555.0100'].map(normalizePhone)).toEqual(Array(4).fill('+14155550100'));
    expect(['4155550100', '+1 415 CALL ME', '', '+', '+0 123'].map(normalizePhone)).toEqual(Array(5).fill(undefined));
  });
  it('commands that act on one address per person (registrants, delete) leave phone and further-address columns unused, and say so', async () => {
    const r = fromCsvReport(Buffer.from('Email,Phone,Other Emails\na@x.org,020 7946 0018,b@y.org\n'), 'people.csv', undefined, undefined, false);
    expect(r.people).toEqual([{ index: 1, email: 'a@x.org', otherEmails: [], phones: [], source: 'people.csv:2' }]);
    expect(r.report.other_columns).toEqual(['Other Emails']);
    await expect(readPeopleReport({ emails: 'a@x.org|b@y.org', stdin: process.stdin })).rejects.toThrow(/only zdsar export uses/);
    await expect(readPeopleReport({ emails: 'a@x.org|b@y.org', further: true, stdin: process.stdin })).resolves.toMatchObject({ people: [{ otherEmails: ['b@y.org'] }] });
  });
});
