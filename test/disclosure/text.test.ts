import { describe, expect, it } from 'vitest';
import { maskText } from '../../src/dsar/disclosure/index.js';
import { Identity } from '../../src/dsar/disclosure/people.js';
import { DEFAULT_POLICY } from '../../src/dsar/disclosure/policy.js';
import { Sweeper } from '../../src/dsar/disclosure/redact.js';

describe('maskText: transcripts and meeting chat, line by line', () => {
  const self = new Identity();
  self.add('name', 'Alice Martin');
  const sweeper = new Sweeper(new Map([['bruno costa', 'Contact 1']]));

  it("keeps the person's own lines, names others by pseudonym and withholds what they said", () => {
    const vtt = 'WEBVTT\n\n1\n00:00:04.000 --> 00:00:08.000\nAlice Martin: can Bruno Costa join?\n\n2\n00:00:08.000 --> 00:00:12.000\nBruno Costa: my number is private\n\n3\n00:00:12.000 --> 00:00:16.000\nPriya Nair: hello\n';
    const m = maskText(vtt, { self, sweeper, policy: DEFAULT_POLICY });
    expect(m.text).toContain('Alice Martin: can Contact 1 join?');
    expect(m.text).toContain('Contact 1: [withheld: said by Contact 1]');
    expect(m.text).toContain('another participant: [withheld: said by another participant]');
    expect(m.text).not.toMatch(/Bruno|Priya|private|hello/);
    expect(m.text).toContain('00:00:04.000 --> 00:00:08.000');
  });

  it('meeting chat: sender and recipient masked, the text of others withheld', () => {
    const txt = '00:01:02\t From Bruno Costa to Everyone:\tsee you at 3\n00:01:05\t From Alice Martin to Bruno Costa:\tok\n';
    const m = maskText(txt, { self, sweeper, policy: DEFAULT_POLICY });
    expect(m.text).toBe('00:01:02\t From Contact 1 to Everyone:\t[withheld: said by Contact 1]\n00:01:05\t From Alice Martin to Contact 1:\tok\n');
    expect(m.redactions.length).toBeGreaterThan(0);
  });
});
