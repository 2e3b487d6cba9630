/** The controller profile's checks and the Article 15 statement's parts (pure logic; the CLI is tested in test/disclosure/article15.test.ts). */
import { describe, expect, it } from 'vitest';
import { buildStatement, missingFields, parseProfile, PROFILE_TEMPLATE, recordingRetention, REQUIRED_FIELDS } from '../../src/dsar/article15.js';
import type { ManifestSubject } from '../../src/dsar/manifest.js';
import { TEST_PROFILE } from '../helpers/cli.js';

const subject: ManifestSubject = {
  index: 1,
  email: 'a@example.com',
  status: 'completed',
  path: 'subjects/01-a@example.com',
  categories: { profile: { status: 'done', records: 1 }, recordings: { status: 'done', records: 3 }, meetings: { status: 'done', records: 0 }, chat_messages: { status: 'failed' } } as ManifestSubject['categories'],
  files: [],
};

describe('the controller profile', () => {
  it('the template parses and lacks every required field; the test profile lacks none', () => {
    expect(missingFields(parseProfile(PROFILE_TEMPLATE, 'p.yaml'))).toEqual([...REQUIRED_FIELDS]);
    expect(missingFields(parseProfile(TEST_PROFILE, 'p.yaml'))).toEqual([]);
    // An empty list of transfers says there are none: complete.
    expect(missingFields(parseProfile(TEST_PROFILE.replace(/transfers:[\s\S]*$/, 'transfers: []\n'), 'p.yaml'))).toEqual([]);
  });

  it('errors name the file, the line and the field', () => {
    expect(() => parseProfile('controller:\n  name: [a\n', 'p.yaml')).toThrow(/^p\.yaml:\d+: not valid YAML/);
    expect(() => parseProfile('purposes:\n  - ok\n  - ""\n', 'p.yaml')).toThrow('p.yaml:3: purposes.1: must not be empty');
    expect(() => parseProfile('controller:\n  name: X\nsupervisory_authority:\n  nme: Y\n', 'p.yaml')).toThrow('p.yaml:4: supervisory_authority.nme: unknown field');
    expect(() => parseProfile('transfers:\n  - destination: US\n', 'p.yaml')).toThrow(/p\.yaml:2: transfers\.0\.safeguard/);
  });
});

describe('the statement', () => {
  it('lists only the categories collected with records, and the recording retention Zoom reported', () => {
    const loaded = { path: 'p.yaml', profile: parseProfile(TEST_PROFILE.replace(/  per_category:\n    recordings: .*\n/, ''), 'p.yaml'), missing: [] };
    const st = buildStatement(loaded, { request_id: 'r-1', regime: 'gdpr' }, subject, { recordingRetention: recordingRetention({ settings: { recording: { auto_delete_cmr: true, auto_delete_cmr_days: 60 } } }) });
    expect(st.parts.find((p) => p.key === 'categories')!.text).toEqual(['Zoom profile (1 record)', 'Cloud recordings (3 records)']);
    expect(st.parts.find((p) => p.key === 'retention')!.text).toEqual(['Deleted 12 months after the end of employment', expect.stringContaining('deleted automatically 60 days after')]);
    expect(st.parts.map((p) => p.gdpr)).toEqual(['Art. 15(1)(a)', 'Art. 15(1)(b)', 'Art. 15(1)(c)', 'Art. 15(1)(d)', 'Art. 15(1)(e)', 'Art. 15(1)(f)', 'Art. 15(1)(g)', 'Art. 15(1)(h)', 'Art. 15(2)']);
    expect(recordingRetention({ settings: { recording: { auto_delete_cmr: false } } })).toContain('not deleted automatically');
    expect(recordingRetention({})).toBeUndefined();
  });

  it('without a profile every controller part is marked missing, and what zdsar knows is there', () => {
    const st = buildStatement({ path: 'p.yaml', missing: [...REQUIRED_FIELDS] }, { request_id: 'r-1' }, subject);
    expect(st.missing).toEqual([...REQUIRED_FIELDS]);
    expect(st.parts.find((p) => p.key === 'complaint')!.missing).toEqual(['supervisory_authority.name', 'supervisory_authority.contact']);
    expect(st.parts.find((p) => p.key === 'rights')!.text.length).toBeGreaterThan(3);
    expect(st.profile).toBeNull();
  });
});
