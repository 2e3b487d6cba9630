/** The override file's rules (pure): paths into records, one entry per place, lookups by record, errors naming the field. */
import { describe, expect, it } from 'vitest';
import { FileOverrides, getPath, parseOverrides, setPath } from '../../src/dsar/disclosure/overrides.js';

describe('disclosure overrides', () => {
  it('reads and sets values at the JSON paths redactions.json names', () => {
    const rec = { event: { attendees: [{ email: 'a@x.example' }, { email: 'b@x.example' }] }, 'topic': 'x' };
    expect(getPath(rec, 'event.attendees[1].email')).toBe('b@x.example');
    expect(getPath(rec, 'event.attendees[5].email')).toBeUndefined();
    expect(setPath(rec, 'event.attendees[0].email', 'c@x.example')).toBe(true);
    expect(rec.event.attendees[0]!.email).toBe('c@x.example');
    expect(setPath(rec, 'event.missing.email', 'x')).toBe(false);
    expect(setPath(rec, 'event.attendees[0].phone', 'x'), 'a field that is not there is not added').toBe(false);
  });

  it('keeps one entry per place, in a stable order, and looks decisions up by person, file and record', () => {
    const o = parseOverrides(
      JSON.stringify({
        reveal: [
          { person: 2, file: 'meetings.json', record: 3, field: 'host_email' },
          { person: 1, file: 'meetings.json', record: 3, field: 'host_email' },
          { person: 1, file: 'meetings.json', record: 3, field: 'host_email' },
        ],
        withhold: [{ person: 1, file: 'chat.json', record: 7 }],
      }),
      'x.json',
    );
    expect(o.reveal.map((r) => r.person)).toEqual([1, 2]);
    const f = new FileOverrides(o, 1, 'meetings.json');
    expect([...f.revealed(3)]).toEqual(['host_email']);
    expect(f.revealed(4).size).toBe(0);
    expect(f.withholds(3)).toBe(false);
    expect(new FileOverrides(o, 1, 'chat.json').withholds(7)).toBe(true);
    expect(new FileOverrides(o, 3, 'chat.json').any).toBe(false);
  });

  it('refuses a bad file naming it and the field', () => {
    expect(() => parseOverrides('{"reveal":[{"person":"alice@x.example","file":"a.json","field":"f"}]}', 'd.json')).toThrow(/d\.json.*reveal\.0\.person/);
    expect(() => parseOverrides('{"withhold":[{"person":1,"file":"a.json"}]}', 'd.json')).toThrow(/withhold\.0\.record/);
    expect(() => parseOverrides('{"keep":[]}', 'd.json')).toThrow(/keep/);
    expect(() => parseOverrides('{', 'd.json')).toThrow(/d\.json.*not valid JSON/);
  });
});
