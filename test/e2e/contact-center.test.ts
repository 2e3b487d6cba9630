/**
 * Zoom Contact Center (issue 28), over real sockets, run as the CLI: a person known only by an address
 * and a phone number gets their engagements, voice calls and SMS as a customer, each beside the number
 * that found it, and nothing of anyone else's; a number shared by two customers (a switchboard) keeps
 * nothing; an agent gets the engagements they handled, with details, notes and recordings. Every
 * Contact Center list is asked with dates (Zoom answers only the past 24 hours without them).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CC_CUSTOMERS, contactCenterFor, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runCli, sandboxEnv, tempDir } from '../helpers/cli.js';
import { readJson, type Rec, type ManifestCategoryView, type ManifestSubjectView } from './export-helpers.js';

type Category = ManifestCategoryView;
type Subject = ManifestSubjectView;

const ROBIN = CC_CUSTOMERS[0]!;
const SWITCHBOARD = CC_CUSTOMERS[2]!;

describe('Contact Center: customers by phone number, agents by Zoom user', () => {
  let sb: Sandbox;
  let pkg: string;
  let subjects: Subject[];
  let res: Awaited<ReturnType<typeof runCli>>;
  let agent: { id: string; email: string };
  let before: number;

  beforeAll(async () => {
    // A little latency, as Zoom has: the pacing's lead (half the quickest round trip) means nothing at 0 ms on a loaded machine.
    sb = await startSandbox({ seed: 7, latencyMs: { min: 20, max: 40 } });
    const u = sb.account.users.filter((x) => x.status === 'active')[0]!;
    agent = { id: u.id, email: u.email };
    const dir = tempDir('zdsar-cc-');
    const csv = join(dir, 'people.csv');
    // Robin's number written as people write it; the switchboard number of two customers; an agent without a number.
    writeFileSync(csv, `Email,Phone\nrobin@customer.example,"+1 (415) 555-0123"\nkim@customer.example,${SWITCHBOARD.number}\n${agent.email},\n`);
    before = sb.log.length;
    res = await runCli(['export', '--csv', csv, '--redact', '--out', join(dir, 'out'), '--json'], sandboxEnv(sb));
    const out = JSON.parse(res.stdout) as { package: string; manifest: string };
    pkg = out.package;
    subjects = readJson<{ subjects: Subject[] }>(out.manifest).subjects;
  }, 300_000);
  afterAll(async () => {
    await sb?.close();
  });

  const file = (s: Subject, name: string) => {
    const p = join(pkg, s.path, name);
    return existsSync(p) ? readJson<Rec[]>(p) : [];
  };
  const ids = (rows: Rec[], key = 'engagement_id') => rows.map((r) => String(r[key])).sort();

  it('a person known only by an address and a phone number gets their engagements, voice calls and SMS, and nothing of anyone else', () => {
    expect(res.code, res.stderr).toBe(0);
    const robin = subjects[0]!;
    expect(robin.status).toBe('not_found');
    const want = contactCenterFor(sb.account, { number: ROBIN.number });
    expect(want.engagements.length).toBeGreaterThan(0);
    const engagements = file(robin, 'contact_center_customer_engagements.json');
    expect(ids(engagements.map((r) => r.engagement as Rec))).toEqual(ids(want.engagements));
    expect(ids(file(robin, 'contact_center_voice_calls.json').map((r) => r.voice_call as Rec))).toEqual(ids(want.voiceCalls));
    expect(ids(file(robin, 'contact_center_sms.json').map((r) => r.sms as Rec))).toEqual(ids(want.sms));
    // The one within the last day too: the windows reach today.
    expect(engagements.every((r) => r.found_by === ROBIN.number)).toBe(true);
    // Exactly as Zoom sent them, and only Robin's: every consumer in every record is Robin.
    for (const r of engagements) for (const c of (r.engagement as Rec).consumers as Rec[]) expect(c.consumer_number).toBe(ROBIN.number);
    const text = JSON.stringify([...engagements, ...file(robin, 'contact_center_voice_calls.json'), ...file(robin, 'contact_center_sms.json')]);
    for (const other of CC_CUSTOMERS.slice(1)) expect(text).not.toContain(other.name);
    // Agent reads need a Zoom user: said, never "no data".
    expect(robin.categories.cc_agent_engagements).toMatchObject({ status: 'unavailable', reason: 'not_searchable' });
  });

  it('a number two customers share identifies nobody: nothing found by it is kept, and the coverage says why', () => {
    const kim = subjects[1]!;
    for (const name of ['cc_customer_engagements', 'cc_voice_calls', 'cc_sms']) {
      expect(kim.categories[name]!.status, name).toBe('no_data');
      expect(kim.categories[name]!.note).toMatch(/name more than one customer/);
    }
    expect(file(kim, 'contact_center_customer_engagements.json')).toEqual([]);
  });

  it('an agent gets the engagements they handled with details, notes and recordings; without a number, customer reads are not searchable', () => {
    const a = subjects[2]!;
    const want = contactCenterFor(sb.account, { userId: agent.id }).engagements;
    expect(want.length).toBeGreaterThan(0);
    const got = file(a, 'contact_center_agent_engagements.json');
    expect(ids(got)).toEqual(ids(want));
    expect(a.categories.cc_agent_notes!.status).toBe('done');
    expect(file(a, 'contact_center_agent_notes.json').every((r) => (r.note as Rec).user_id === agent.id)).toBe(true);
    expect(file(a, 'contact_center_agent_recordings.json').length).toBeGreaterThan(0);
    expect(a.categories.cc_customer_engagements).toMatchObject({ status: 'unavailable', reason: 'not_searchable' });
  });

  it("the person's copy masks the agents who served them and the customers an agent served, and keeps the person's own number", () => {
    const robin = subjects[0]!;
    const copy = (s: Subject, name: string) => readJson<Rec[]>(join(pkg, 'disclosure', s.path.replace(/^subjects\//, ''), name));
    const mine = JSON.stringify(copy(robin, 'contact_center_customer_engagements.json'));
    expect(mine).toContain(ROBIN.number);
    const agents = new Set(contactCenterFor(sb.account, { number: ROBIN.number }).engagements.flatMap((e) => (e.agents as Rec[]).map((a) => String(a.display_name))));
    for (const name of agents) expect(mine).not.toContain(name);
    const served = JSON.stringify(copy(subjects[2]!, 'contact_center_agent_engagements.json'));
    for (const c of CC_CUSTOMERS) {
      expect(served).not.toContain(c.name);
      expect(served).not.toContain(c.number);
    }
  });

  it('every Contact Center list is asked with dates, one month at most, and none drew a 429', () => {
    const cc = sb.log.slice(before).filter((e) => e.path.startsWith('/v2/contact_center/'));
    expect(cc.length).toBeGreaterThan(0);
    const lists = cc.filter((e) => /\/(engagements|voice_calls|sms)$/.test(e.path));
    for (const e of lists) {
      expect(e.query.from, e.path).toBeTruthy();
      expect(Date.parse(e.query.to!) - Date.parse(e.query.from!)).toBeLessThanOrEqual(32 * 86_400_000);
    }
    expect(cc.filter((e) => e.status === 429)).toEqual([]);
  });

  it('doctor checks Contact Center: on the account and permitted, or the scope to add', async () => {
    type Report = { workplace: { products: Record<string, { licensed: string; permitted: boolean; missing_scopes: string[] }> } };
    const ok = JSON.parse((await runCli(['doctor', '--json'], sandboxEnv(sb))).stdout) as Report;
    expect(ok.workplace.products.contact_center).toMatchObject({ licensed: 'yes', permitted: true, missing_scopes: [] });
    const scopes = [...sb.account.scopes];
    sb.account.scopes = scopes.filter((x) => x !== 'contact_center:read:sms_log:admin');
    try {
      const missing = JSON.parse((await runCli(['doctor', '--json'], sandboxEnv(sb))).stdout) as Report;
      expect(missing.workplace.products.contact_center).toMatchObject({ permitted: false, missing_scopes: ['contact_center:read:sms_log:admin'] });
    } finally {
      sb.account.scopes = scopes;
    }
  });
});
